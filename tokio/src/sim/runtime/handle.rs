//! `Handle`: a reference to a runtime; what every spawn and timer of a run goes through.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::blocking::BlockingThreads;
use super::park::ThreadHooks;
use super::{EnterGuard, Id, RuntimeFlavor, RuntimeMetrics};
use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::task::{self, JoinHandle, spawn_on};

/// A handle to a runtime: spawns onto it, enters it, blocks on it.
///
/// # Examples
///
/// A handle is cheap to clone and usable where the runtime is not in reach:
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let handle = rt.handle().clone();
/// let task = handle.spawn(async { 6 * 7 });
/// assert_eq!(handle.block_on(task).unwrap(), 42);
/// ```
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    flavor: RuntimeFlavor,
    /// Built with `enable_time` (or `enable_all`): timers may be created.
    time: bool,
    paused: AtomicBool,
    /// The runtime was dropped: spawns are cancelled at once, timers refused.
    shut_down: AtomicBool,
    /// The real instant the runtime's virtual clock started from.
    base: std::time::Instant,
    /// Virtual time spent by the runtime's earlier runs (its clock goes on across them).
    elapsed: Mutex<Duration>,
    /// Tasks spawned while no run of the runtime was in progress.
    pending: Mutex<Vec<Box<dyn FnOnce() + Send>>>,
    /// The waker of the main task of the run in progress, woken when a spawn is deferred
    /// (from another thread) so that the run starts it.
    main_waker: Mutex<Option<std::task::Waker>>,
    /// The next task id: shared with the runtime that was current where this one was
    /// built (a runtime built in `block_in_place`, say), so that the ids of nested
    /// runtimes differ as tokio's process-wide ids do, while staying a function of the
    /// program's order (a process-wide counter would depend on the other tests' threads).
    next_id: Arc<AtomicU64>,
    name: std::sync::OnceLock<String>,
    /// The runtime's id (process-wide, as tokio's).
    id: Id,
    /// The number of workers reported.
    workers: std::sync::atomic::AtomicUsize,
    /// Tasks spawned and not yet ended.
    alive: Arc<std::sync::atomic::AtomicUsize>,
    /// A `LocalRuntime`'s thread (whose tasks may not be spawned from elsewhere). Only
    /// compared with the current thread's, for tokio's panic; never in a run's output.
    local_owner: std::sync::OnceLock<std::thread::ThreadId>,
    /// A thread drives the current-thread runtime's core (its `Runtime::block_on`); a
    /// concurrent `block_on` on another thread only blocks on it.
    core_taken: AtomicBool,
    /// `on_thread_park` and `on_thread_unpark`, set by the builder.
    park_hooks: std::sync::OnceLock<ThreadHooks>,
    /// `spawn_blocking` closures running on their threads (`task::blocking`).
    blocking: BlockingThreads,
    /// Runs completed and the wall time spent in them (for metrics only: nothing in a run
    /// reads it).
    activity: Arc<Mutex<(u64, Duration)>>,
    /// Built without `enable_io` (a `Builder` that was not asked for it): sockets panic.
    io_disabled: AtomicBool,
    /// The runtime's simulated network (`net`): its sockets, ports and listeners.
    net: crate::sim::net::Network,
    /// The runtime's real-I/O reactor (processes, signals, pipes: `sim::real_io`).
    real_io: crate::sim::real_io::RealIo,
}

impl Handle {
    pub(crate) fn new(flavor: RuntimeFlavor, paused: bool) -> Handle {
        Handle::with(flavor, paused, true)
    }

    pub(crate) fn with(flavor: RuntimeFlavor, paused: bool, time: bool) -> Handle {
        Handle {
            inner: Arc::new(Inner {
                flavor,
                time,
                paused: AtomicBool::new(paused),
                shut_down: AtomicBool::new(false),
                base: std::time::Instant::now(),
                elapsed: Mutex::new(Duration::ZERO),
                pending: Mutex::new(Vec::new()),
                main_waker: Mutex::new(None),
                next_id: context::current_handle()
                    .map_or_else(|| Arc::new(AtomicU64::new(1)), |h| h.inner.next_id.clone()),
                name: std::sync::OnceLock::new(),
                id: Id::next(),
                workers: std::sync::atomic::AtomicUsize::new(1),
                alive: Arc::default(),
                local_owner: std::sync::OnceLock::new(),
                core_taken: AtomicBool::new(false),
                park_hooks: std::sync::OnceLock::new(),
                blocking: BlockingThreads::default(),
                activity: Arc::default(),
                io_disabled: AtomicBool::new(false),
                net: crate::sim::net::Network::default(),
                real_io: Default::default(),
            }),
        }
    }

    /// The handle of the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, with tokio's message.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let id = rt.block_on(async { tokio::runtime::Handle::current().id() });
    /// assert_eq!(id, rt.handle().id());
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match context::current_handle() {
            Some(handle) => handle,
            // Not in a closure: the panic's location is the caller's (`track_caller`).
            None => panic!("{NO_RUNTIME}"),
        }
    }

    /// The handle of the current runtime, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::runtime::Handle;
    ///
    /// assert!(Handle::try_current().is_err());
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// assert!(Handle::try_current().is_ok());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::current_handle().ok_or(TryCurrentError(()))
    }

    /// Spawns a task on this runtime (started at its next run when none is in progress).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// // No run is in progress: the task waits for the next `block_on`.
    /// let task = rt.handle().spawn(async { "done" });
    /// assert!(!task.is_finished());
    /// assert_eq!(rt.block_on(task).unwrap(), "done");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_on(self, future)
    }

    /// Runs a blocking closure on a thread of its own, as tokio's blocking pool does (in a
    /// run that accepts no other thread's wakes, an explored one, as a task of the run).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let sum = rt.block_on(rt.handle().spawn_blocking(|| (1..=10).sum::<u32>()));
    /// assert_eq!(sum.unwrap(), 55);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        task::spawn_blocking_on(self, f)
    }

    /// Runs `future` to completion as one simulation of this runtime.
    ///
    /// # Panics
    ///
    /// Inside a run (runs do not nest, as tokio's runtimes do not), when `future` panics
    /// (the panic is resumed), or when the run fails (a deadlock: every task waits and no
    /// timer is armed; a step limit), with the way to replay it.
    ///
    /// # Examples
    ///
    /// An hour of virtual time passes at once:
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let real = std::time::Instant::now();
    /// let waited = rt.handle().block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     tokio::time::sleep(Duration::from_secs(3600)).await;
    ///     start.elapsed()
    /// });
    /// assert_eq!(waited, Duration::from_secs(3600));
    /// assert!(real.elapsed() < Duration::from_secs(60));
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.run(future, false)
    }

    /// Makes this the current runtime until the guard drops: `tokio::spawn` then works
    /// outside a run (the task starts with the runtime's next run).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let task = {
    ///     let _guard = rt.handle().enter();
    ///     tokio::spawn(async { 1 })
    /// };
    /// assert_eq!(rt.block_on(task).unwrap(), 1);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        let guard = EnterGuard::new(context::push_entered(self.clone()));
        if self.io_disabled() {
            return guard;
        }
        // tokio's own real-I/O constructors find the runtime's reactor (`sim::real_io`).
        guard.with_real_io(crate::sim::real_io::EnteredIo::enter(&self.inner.real_io))
    }

    /// The kind of runtime this is.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::runtime::{Builder, RuntimeFlavor};
    ///
    /// let rt = Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        self.inner.flavor
    }

    /// Counters of the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(
            self.clone(),
            self.inner.workers.load(Ordering::Relaxed),
            self.inner.alive.clone(),
            self.inner.activity.clone(),
        )
    }

    /// The number of tasks waiting for the runtime's next run.
    pub(crate) fn pending_len(&self) -> usize {
        lock(&self.inner.pending).len()
    }

    /// Whether a run of this runtime is in progress on this thread.
    pub(crate) fn runs_here(&self) -> bool {
        context::with_run(|r| Arc::ptr_eq(&r.handle.inner, &self.inner)) == Some(true)
    }

    /// Keeps a task whose run ended for the runtime's next run (without waking the run:
    /// it is ending).
    pub(crate) fn keep(&self, start: Box<dyn FnOnce() + Send>) {
        lock(&self.inner.pending).push(start);
    }

    /// Keeps a spawn for the runtime's next run, or for the run in progress on another
    /// thread (whose main task is woken to start it).
    pub(crate) fn defer(&self, start: Box<dyn FnOnce() + Send>) {
        if self.is_shut_down() {
            // Dropping the task cancels it: its handle reports a cancelled `JoinError`.
            drop(start);
            return;
        }
        lock(&self.inner.pending).push(start);
        self.wake_main();
    }

    /// Wakes the main task of the run in progress, if any.
    fn wake_main(&self) {
        let waker = lock(&self.inner.main_waker).clone();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Records (or clears) the waker of the main task of the run in progress.
    pub(super) fn set_main_waker(&self, waker: Option<&std::task::Waker>) {
        let mut slot = lock(&self.inner.main_waker);
        match (&*slot, waker) {
            (Some(old), Some(new)) if old.will_wake(new) => {}
            _ => *slot = waker.cloned(),
        }
    }

    /// Starts the tasks spawned while no run was in progress, in spawn order.
    pub(crate) fn start_pending(&self) {
        let starts = {
            let mut pending = lock(&self.inner.pending);
            if pending.is_empty() {
                return;
            }
            std::mem::take(&mut *pending)
        };
        for start in starts {
            start();
        }
    }

    /// Records whether the builder enabled I/O (sockets panic without it, as tokio's).
    pub(crate) fn set_io(&self, enabled: bool) {
        self.inner.io_disabled.store(!enabled, Ordering::Relaxed);
    }

    /// The runtime's real-I/O reactor.
    pub(crate) fn real_io(&self) -> &crate::sim::real_io::RealIo {
        &self.inner.real_io
    }

    /// Whether the runtime was built without I/O.
    pub(crate) fn io_disabled(&self) -> bool {
        self.inner.io_disabled.load(Ordering::Relaxed)
    }

    /// The runtime's simulated network.
    pub(crate) fn network(&self) -> &crate::sim::net::Network {
        &self.inner.net
    }

    /// Whether the runtime was dropped.
    pub(crate) fn is_shut_down(&self) -> bool {
        self.inner.shut_down.load(Ordering::Relaxed)
    }

    /// Drops the tasks that never started, and refuses what comes later (the runtime
    /// shuts down).
    pub(crate) fn shut_down(&self) {
        let first = !self.inner.shut_down.swap(true, Ordering::Relaxed);
        self.drop_pending();
        self.inner.net.shut_down();
        self.inner.real_io.shut_down();
        if first && self.inner.flavor == RuntimeFlavor::MultiThread {
            // The workers stop (`Builder::on_thread_start` started them).
            if let Some(stop) = self.park_hooks().stop {
                for _ in 0..self.inner.workers.load(Ordering::Relaxed) {
                    stop();
                }
            }
        }
    }

    /// Drops the tasks that never started.
    fn drop_pending(&self) {
        let starts = std::mem::take(&mut *lock(&self.inner.pending));
        if starts.is_empty() {
            // Nothing to drop; a runtime kept in a thread-local may drop after this
            // thread's other thread-locals.
            return;
        }
        // Dropped with the runtime current, as tokio drops its tasks.
        context::push_entered(self.clone());
        drop(starts);
        context::pop_entered();
    }

    pub(crate) fn next_task_id(&self) -> task::Id {
        let n = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        task::Id(std::num::NonZeroU64::new(n).expect("task ids start at 1"))
    }

    /// The runtime's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let a = tokio::runtime::Runtime::new().unwrap();
    /// let b = tokio::runtime::Runtime::new().unwrap();
    /// assert_ne!(a.handle().id(), b.handle().id());
    /// ```
    pub fn id(&self) -> Id {
        self.inner.id
    }

    pub(crate) fn set_workers(&self, n: usize) {
        self.inner.workers.store(n, Ordering::Relaxed);
    }

    /// The counter of the runtime's live tasks.
    pub(crate) fn alive(&self) -> &Arc<std::sync::atomic::AtomicUsize> {
        &self.inner.alive
    }

    /// The runtime's name, if its builder gave one.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().name("edge").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("edge"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.inner.name.get().map(String::as_str)
    }

    pub(crate) fn set_name(&self, name: Option<String>) {
        if let Some(name) = name {
            let _ = self.inner.name.set(name);
        }
    }

    /// Marks the runtime a `LocalRuntime` of this thread.
    pub(crate) fn set_local_owner(&self) {
        let _ = self.inner.local_owner.set(std::thread::current().id());
    }

    /// Whether this is a `LocalRuntime` of another thread.
    pub(crate) fn is_local_elsewhere(&self) -> bool {
        self.inner
            .local_owner
            .get()
            .is_some_and(|owner| *owner != std::thread::current().id())
    }

    /// Takes the current-thread runtime's core for this thread's `block_on` (tokio's
    /// worker); `false` when another thread's `block_on` holds it.
    pub(crate) fn take_core(&self) -> bool {
        self.inner
            .core_taken
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Gives the core back at the end of a `block_on` that took it.
    pub(crate) fn give_core_back(&self) {
        self.inner.core_taken.store(false, Ordering::Release);
    }

    pub(crate) fn set_park_hooks(&self, hooks: ThreadHooks) {
        let _ = self.inner.park_hooks.set(hooks);
    }

    /// The park hooks the runtime was built with.
    pub(crate) fn park_hooks(&self) -> ThreadHooks {
        self.inner.park_hooks.get().cloned().unwrap_or_default()
    }

    /// Whether `spawn_blocking` closures of the runtime are running on their threads; if
    /// so, the thread that ends the last of them wakes the run (`BlockingThreads`).
    pub(crate) fn blocking_in_flight(&self) -> bool {
        self.inner.blocking.in_flight()
    }

    /// Counts a blocking closure starting on its thread.
    pub(crate) fn blocking_started(&self) {
        self.inner.blocking.started();
    }

    /// Counts a blocking closure out (its result was handed over), and wakes the run's
    /// main task when the run was idle holding its clock for blocking threads (so that it
    /// looks again, even when nothing awaits this closure's result).
    pub(crate) fn blocking_ended(&self) {
        if self.inner.blocking.ended() {
            self.wake_main();
        }
    }

    /// Waits until no blocking closure of the runtime runs, up to `limit` (tokio's
    /// shutdown); `None`: as long as it takes.
    pub(crate) fn wait_for_blocking(&self, limit: Option<Duration>) {
        self.inner.blocking.wait_idle(limit);
    }

    pub(crate) fn time_enabled(&self) -> bool {
        self.inner.time
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.inner.paused.load(Ordering::Relaxed)
    }

    /// Counts a run that ended: `virtual_time` on the runtime's clock (which goes on from
    /// there at the next run), `wall` for the metrics.
    pub(super) fn record_run(&self, virtual_time: Duration, wall: Duration) {
        {
            let mut activity = lock(&self.inner.activity);
            activity.0 += 1;
            activity.1 += wall;
        }
        *lock(&self.inner.elapsed) += virtual_time;
    }

    /// The runtime's clock between runs: where its last run left it.
    pub(crate) fn clock_now(&self) -> std::time::Instant {
        self.inner.base + *lock(&self.inner.elapsed)
    }

    /// Sets the paused flag and returns the previous value.
    pub(crate) fn set_paused(&self, paused: bool) -> bool {
        self.inner.paused.swap(paused, Ordering::Relaxed)
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.inner.flavor)
            .finish_non_exhaustive()
    }
}

/// The error of [`Handle::try_current`] outside a runtime.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let err = tokio::runtime::Handle::try_current().unwrap_err();
/// assert!(err.is_missing_context());
/// assert!(!err.is_thread_local_destroyed());
/// ```
#[derive(Debug)]
pub struct TryCurrentError(());

impl TryCurrentError {
    /// Whether there was no runtime at all (always, in the simulation).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let err = tokio::runtime::Handle::try_current().unwrap_err();
    /// assert!(err.is_missing_context());
    /// ```
    pub fn is_missing_context(&self) -> bool {
        true
    }

    /// Whether the thread-local was destroyed (never, in the simulation).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let err = tokio::runtime::Handle::try_current().unwrap_err();
    /// assert!(!err.is_thread_local_destroyed());
    /// ```
    pub fn is_thread_local_destroyed(&self) -> bool {
        false
    }
}

impl std::fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}

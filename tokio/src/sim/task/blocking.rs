//! Blocking work: `spawn_blocking` on a thread of its own, `block_in_place` in place.
//!
//! tokio runs a `spawn_blocking` closure on a thread of its blocking pool; so does a run
//! of `block_on` (which accepts other threads' wakes): the closure starts at once on a new
//! thread, with the runtime entered there (it may spawn, or `block_on` a runtime), and
//! its end stores the result in the task's handle, whose waker wakes the run from that
//! thread. While such closures run, the run's idle hook holds the virtual clock (as
//! tokio's paused clock does not auto-advance while blocking tasks run): an idle run
//! waits for their results rather than jumping to its next timer, so virtual timestamps do
//! not depend on how long the closures take. Where the run observes a result among its
//! own steps is as reproducible as the closures are: a closure that only computes is seen
//! when the run next goes idle or polls its handle.
//!
//! An explored run (`SIMLOOP_RUNS`) accepts no wake from another thread, so there the
//! closure runs as a task of the run, holding its only thread while it runs.

use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::state::{finish, new_shared};
use super::{JoinError, JoinHandle, spawn_on};
use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::runtime::Handle;

/// Runs a blocking closure on a thread of its own (tokio's blocking pool), whose result the
/// handle gives; see the module's docs for how a run waits for it.
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = tokio::time::Instant::now();
///     // The closure takes real time on its thread; the virtual clock waits for it.
///     let slept = tokio::task::spawn_blocking(|| {
///         std::thread::sleep(Duration::from_millis(20));
///         "woke"
///     });
///     assert_eq!(slept.await.unwrap(), "woke");
///     assert_eq!(start.elapsed(), Duration::ZERO);
/// });
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::current_handle() {
        Some(handle) => handle.spawn_blocking(f),
        None => panic!("{NO_RUNTIME}"),
    }
}

/// `spawn_blocking` on `handle`'s runtime: on a thread of its own, or in a run that accepts
/// no other thread's wakes, as a task of the run. A runtime that shut down refuses it (the
/// handle gives a cancelled error).
#[track_caller]
pub(crate) fn spawn_blocking_on<F, R>(handle: &Handle, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let in_explored_run = handle.runs_here() && context::with_run(|r| !r.threads) == Some(true);
    if in_explored_run || handle.is_shut_down() {
        return spawn_on(handle, async move { run_blocking(f) });
    }
    let id = handle.next_task_id();
    let shared = new_shared(id);
    let join = JoinHandle {
        shared: shared.clone(),
        id,
    };
    handle.blocking_started();
    let handle = handle.clone();
    let thread = std::thread::Builder::new()
        .name("simloop-tokio-blocking".into())
        .spawn(move || {
            let depth = context::push_entered(handle.clone());
            let result = {
                let _current = super::id::set_current(Some(id));
                catch_unwind(AssertUnwindSafe(|| run_blocking(f)))
                    .map_err(|payload| JoinError::panic(id, payload))
            };
            context::truncate_entered(depth.saturating_sub(1));
            finish(&shared, result);
            handle.blocking_ended();
        });
    if let Err(e) = thread {
        panic!("OS can't spawn worker thread: {e}");
    }
    join
}

thread_local! {
    /// A blocking closure of `spawn_blocking` runs on this thread (not on a worker).
    static BLOCKING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `spawn_blocking`'s closure, marked as blocking work while it runs (tokio runs it on
/// a thread of its blocking pool, which is no worker: `runtime::worker_index` is `None`).
pub(crate) fn run_blocking<R>(f: impl FnOnce() -> R) -> R {
    struct Unmark(bool);

    impl Drop for Unmark {
        fn drop(&mut self) {
            BLOCKING.set(self.0);
        }
    }

    let _unmark = Unmark(BLOCKING.replace(true));
    f()
}

/// Whether a `spawn_blocking` closure runs on this thread now.
pub(crate) fn in_blocking() -> bool {
    BLOCKING.get()
}

/// Runs a blocking closure in place (the run is single-threaded: there is no worker to
/// hand the other tasks to, so they wait until `f` returns). Inside `f` the runtime is
/// entered but no run is in progress: `f` may block on a runtime (`Handle::block_on`, a new
/// runtime's `block_on`), which runs a simulation of its own, and its spawns start when
/// the run resumes.
///
/// # Panics
///
/// On a current-thread runtime's worker (in its `Runtime::block_on` or one of its tasks)
/// or inside a `LocalSet`, as tokio does.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Runtime::new().unwrap(); // multi-thread, as tokio requires
/// let out = rt.block_on(async {
///     tokio::task::block_in_place(|| {
///         // Blocking here is allowed, even on another runtime.
///         let inner = tokio::runtime::Builder::new_current_thread().build().unwrap();
///         inner.block_on(async { 6 })
///     })
/// });
/// assert_eq!(out, 6);
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    // A current-thread runtime's worker (its `Runtime::block_on`, its tasks) has no other
    // worker to hand the tasks to; a `Handle::block_on`'s future runs on no worker.
    let current_worker = context::with_run(|r| {
        r.handle.runtime_flavor() == crate::sim::runtime::RuntimeFlavor::CurrentThread
            && (r.worker || super::try_id().is_some())
    });
    if current_worker == Some(true) || (current_worker.is_some() && super::local::in_local_set()) {
        panic!("can call blocking only when running on the multi-threaded runtime");
    }
    // tokio lifts the cooperative budget while `f` blocks (a blocking loop over tokio's
    // channels must not run out of it) and puts it back after: `f` runs inside one poll of
    // an `unconstrained` future, which does both. The run is set aside meanwhile, so that
    // `f` may block on a runtime (a run of its own) as it may under tokio.
    let mut f = Some(f);
    let mut once = std::pin::pin!(tokio::task::unconstrained(std::future::poll_fn(|_| {
        std::task::Poll::Ready(context::set_aside(f.take().expect("polled once")))
    })));
    match once
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(r) => r,
        std::task::Poll::Pending => unreachable!("a poll_fn that is always ready"),
    }
}

//! `LocalSet` and `spawn_local`: tasks that need not be `Send`.
//!
//! A simulated run is single-threaded, so a local task is an ordinary simloop task; the set
//! only keeps tokio's rules around it: `spawn_local` needs a set (entered, or running
//! `run_until`), the set's tasks are dropped with it, and awaiting the set waits for them.
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use std::rc::Rc;
//! use tokio::task::{LocalSet, spawn_local};
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
//! let set = LocalSet::new();
//! let out = set.block_on(&rt, async {
//!     let not_send = Rc::new("local");
//!     spawn_local(async move { *not_send }).await.unwrap()
//! });
//! assert_eq!(out, "local");
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::state::{Notify, abort, on_end};
use super::{JoinHandle, TaskFuture};
use crate::sim::context;
use crate::sim::runtime::{Id, Runtime};

/// A set of tasks that run on the current thread and need not be `Send`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::cell::Cell;
/// use std::rc::Rc;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let set = tokio::task::LocalSet::new();
/// let count = Rc::new(Cell::new(0));
/// for _ in 0..3 {
///     let count = count.clone();
///     set.spawn_local(async move { count.set(count.get() + 1) });
/// }
/// // Awaiting the set waits for its tasks.
/// rt.block_on(set);
/// assert_eq!(count.get(), 3);
/// ```
pub struct LocalSet {
    shared: LocalRef,
    /// Tasks spawned while no run was in progress; they start with the next one.
    pending: RefCell<Vec<Box<dyn FnOnce()>>>,
    /// From the runtimes' counter, as tokio's: no set's id is a runtime's.
    id: Id,
    _not_send: PhantomData<Rc<()>>,
}

/// What a local task knows of its set.
pub(crate) type LocalRef = Arc<Shared>;

pub(crate) struct Shared {
    key: u64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The keys of unfinished tasks; `next` numbers them.
    tasks: std::collections::BTreeSet<u64>,
    next: u64,
    /// The future awaiting the set.
    waker: Option<Waker>,
}

impl Notify for Shared {
    fn ended(&self, key: u64) {
        let waker = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.tasks.remove(&key);
            if s.tasks.is_empty() {
                s.waker.take()
            } else {
                None
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// A local task waiting to start: `(set key, start)`.
type PendingStart = (u64, Box<dyn FnOnce()>);
/// How to abort a local task: `(set key, task key, abort)`.
type Abort = (u64, u64, Box<dyn Fn()>);

thread_local! {
    static CURRENT: RefCell<Option<LocalRef>> = const { RefCell::new(None) };
    /// Tasks spawned by `spawn_local` inside an entered set while no run was in progress,
    /// by the key of their set.
    static PENDING: RefCell<Vec<PendingStart>> = const { RefCell::new(Vec::new()) };
    /// How to abort each local task (its output need not be `Send`, so this stays on the
    /// thread).
    static ABORTS: RefCell<Vec<Abort>> = const { RefCell::new(Vec::new()) };
}

static KEYS: AtomicU64 = AtomicU64::new(1);

impl Shared {
    /// Makes this set the current one until the guard drops.
    pub(crate) fn enter(self: &Arc<Self>) -> LocalGuard {
        LocalGuard {
            previous: CURRENT.with(|c| c.borrow_mut().replace(self.clone())),
        }
    }

    /// [`Shared::enter`], unless the thread's locals are being destroyed (a task dropped
    /// by a thread-local's destructor).
    pub(crate) fn try_enter(self: &Arc<Self>) -> Option<LocalGuard> {
        let previous = CURRENT
            .try_with(|c| c.borrow_mut().replace(self.clone()))
            .ok()?;
        Some(LocalGuard { previous })
    }
}

/// Restores the previously current set.
pub(crate) struct LocalGuard {
    previous: Option<LocalRef>,
}

impl Drop for LocalGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

/// Spawns a `!Send` task on the current `LocalSet`.
///
/// # Panics
///
/// Outside a `LocalSet` (tokio's message; another one when a `LocalRuntime` is entered on
/// a thread other than its own), or outside a runtime.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let set = tokio::task::LocalSet::new();
/// let out = set.block_on(&rt, async {
///     tokio::task::spawn_local(async { std::rc::Rc::new(4) }).await.unwrap()
/// });
/// assert_eq!(*out, 4);
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let Some(set) = CURRENT.with(|c| c.borrow().clone()) else {
        if context::current_handle().is_some_and(|h| h.is_local_elsewhere()) {
            panic!(
                "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
            );
        }
        panic!(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
        );
    };
    let key = set.key;
    spawn_into(&set, future, |start| {
        PENDING.with(|p| p.borrow_mut().push((key, start)))
    })
}

/// Spawns a local task of `set`; `defer` keeps it when no run is in progress.
#[track_caller]
fn spawn_into<F>(
    set: &LocalRef,
    future: F,
    defer: impl FnOnce(Box<dyn FnOnce()>),
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // A set may be filled before any runtime exists (its tasks start with the first run
    // that drives it); such tasks are numbered apart from the runtimes' own.
    let handle = context::current_handle();
    let (task, join) = match &handle {
        Some(handle) => TaskFuture::new(handle, future, Some(set.clone())),
        None => TaskFuture::with_id(unbound_id(), future, Some(set.clone())),
    };
    let key = {
        let mut s = set.state.lock().unwrap_or_else(|e| e.into_inner());
        s.next += 1;
        let key = s.next;
        s.tasks.insert(key);
        key
    };
    let shared = join.shared.clone();
    let set_key = set.key;
    ABORTS.with(|a| {
        let mut a = a.borrow_mut();
        // Forget the aborts of this set's finished tasks as new ones come.
        let live = set.state.lock().unwrap_or_else(|e| e.into_inner());
        a.retain(|(s, t, _)| *s != set_key || live.tasks.contains(t));
        a.push((set_key, key, Box::new(move || abort(&shared))));
    });
    on_end(&join.shared, set.clone(), key);
    let at = std::panic::Location::caller();
    if handle.is_some_and(|h| h.runs_here()) {
        task.start(at);
    } else {
        defer(Box::new(move || task.start(at)));
    }
    join
}

/// An id for a task spawned on a `LocalSet` outside any runtime.
fn unbound_id() -> super::Id {
    static NEXT: AtomicU64 = AtomicU64::new(1 << 48);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    super::Id(std::num::NonZeroU64::new(n).expect("non-zero"))
}

/// Whether a `LocalSet` is current on this thread.
pub(crate) fn in_local_set() -> bool {
    CURRENT.try_with(|c| c.borrow().is_some()).unwrap_or(false)
}

impl LocalSet {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let set = tokio::task::LocalSet::new();
    /// assert_eq!(set.block_on(&rt, async { 1 }), 1);
    /// ```
    pub fn new() -> LocalSet {
        LocalSet {
            shared: Arc::new(Shared {
                key: KEYS.fetch_add(1, Ordering::Relaxed),
                state: Mutex::new(State::default()),
            }),
            pending: RefCell::new(Vec::new()),
            id: Id::next(),
            _not_send: PhantomData,
        }
    }

    /// The set's id, unique in the process among sets and runtimes, as tokio's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let (a, b) = (tokio::task::LocalSet::new(), tokio::task::LocalSet::new());
    /// assert_ne!(a.id(), b.id());
    /// assert_ne!(a.id(), rt.handle().id());
    /// assert_eq!(a.id(), a.id());
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// Makes this the set `spawn_local` spawns on, until the guard drops.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let set = tokio::task::LocalSet::new();
    /// let _guard = set.enter();
    /// let task = tokio::task::spawn_local(async { 2 });
    /// drop(_guard);
    /// assert_eq!(set.block_on(&rt, task).unwrap(), 2);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            _guard: self.shared.enter(),
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task on this set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let set = tokio::task::LocalSet::new();
    /// let task = set.spawn_local(async { std::rc::Rc::new(3) });
    /// assert_eq!(*set.block_on(&rt, task).unwrap(), 3);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_into(&self.shared, future, |start| {
            self.pending.borrow_mut().push(start)
        })
    }

    /// Runs `future` on `rt` with this set current.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let set = tokio::task::LocalSet::new();
    /// let out = set.block_on(&rt, async { tokio::task::spawn_local(async { 4 }).await.unwrap() });
    /// assert_eq!(out, 4);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Runs `future` with this set current (its tasks run beside it).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let set = tokio::task::LocalSet::new();
    /// let out = rt.block_on(set.run_until(async {
    ///     tokio::task::spawn_local(async { 1 }).await.unwrap() + 1
    /// }));
    /// assert_eq!(out, 2);
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        RunUntil {
            set: self,
            future: std::pin::pin!(future),
        }
        .await
    }

    /// Starts the tasks spawned while no run was in progress.
    fn start_pending(&self) {
        if !context::current_handle().is_some_and(|h| h.runs_here()) {
            return;
        }
        let key = self.shared.key;
        let mut starts: Vec<Box<dyn FnOnce()>> = self.pending.borrow_mut().drain(..).collect();
        PENDING.with(|p| {
            let mut p = p.borrow_mut();
            let mut i = 0;
            while i < p.len() {
                if p[i].0 == key {
                    starts.push(p.remove(i).1);
                } else {
                    i += 1;
                }
            }
        });
        for start in starts {
            start();
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl std::fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSet").finish_non_exhaustive()
    }
}

struct RunUntil<'a, F> {
    set: &'a LocalSet,
    future: Pin<&'a mut F>,
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _guard = self.set.shared.enter();
        self.set.start_pending();
        self.future.as_mut().poll(cx)
    }
}

/// Awaiting a set waits until all its tasks have finished.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _guard = self.shared.enter();
        self.start_pending();
        let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.tasks.is_empty() {
            Poll::Ready(())
        } else {
            s.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for LocalSet {
    /// Aborts the set's unfinished tasks; tasks that never started are dropped.
    fn drop(&mut self) {
        let key = self.shared.key;
        let aborts: Vec<Box<dyn Fn()>> = ABORTS
            .try_with(|a| {
                let mut a = a.borrow_mut();
                let (mine, others) = std::mem::take(&mut *a)
                    .into_iter()
                    .partition::<Vec<_>, _>(|(s, _, _)| *s == key);
                *a = others;
                mine.into_iter().map(|(_, _, f)| f).collect()
            })
            .unwrap_or_default();
        for abort in aborts {
            abort();
        }
        let _ = PENDING.try_with(|p| p.borrow_mut().retain(|(k, _)| *k != key));
        self.pending.borrow_mut().clear();
    }
}

/// The guard of [`LocalSet::enter`].
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let set = tokio::task::LocalSet::new();
/// let task = {
///     let _guard = set.enter();
///     tokio::task::spawn_local(async { 9 })
/// };
/// assert_eq!(set.block_on(&rt, task).unwrap(), 9);
/// ```
#[derive(Debug)]
pub struct LocalEnterGuard {
    _guard: LocalGuard,
    _not_send: PhantomData<Rc<()>>,
}

impl std::fmt::Debug for LocalGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalGuard").finish_non_exhaustive()
    }
}

//! A task handle that any number of awaiters share.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::join::retrieved;
use super::{AbortHandle, JoinError, JoinHandle, TaskId};
use crate::runtime::{
    Completion, Core, DoneCallback, DoneCallbackKey, Enter, WaitOn, run_in, try_with, with,
};

/// A clonable handle on a spawned task, which any number of tasks and combinators may
/// await; asyncio's `Task`. Made with [`JoinHandle::share`].
///
/// Awaiting a clone yields a clone of the task's value (`T: Clone`; wrap a value that is
/// not in an `Rc`). Each awaiter is woken one ready-queue slot after the task ends, in the
/// order they started waiting, and a [`gather_tasks`](crate::gather_tasks),
/// [`wait`](crate::wait), [`as_completed`](crate::as_completed) or
/// [`shield_task`](crate::shield_task) over clones one slot after that, all interleaved in
/// registration order as asyncio's done-callbacks are. Dropping the last clone detaches
/// the task (it keeps running). Cloning costs a reference count; a clone is not `Send`.
///
/// A cancelled task's message goes to the first retrieval of its cancellation only (the
/// first clone awaited, a [`result`](Task::result), a gather it fails): later ones get
/// `JoinError::Cancelled { message: None }`, as asyncio's `_make_cancelled_error` gives
/// the kept `CancelledError` once and a bare `CancelledError()` after.
///
/// ```
/// use simloop::{JoinError, Sim, spawn, yield_now};
///
/// Sim::new().run(async {
///     let t = spawn(yield_now()).share();
///     t.cancel_with("stop");
///     let first = t.clone().await.unwrap_err();
///     assert_eq!(first, JoinError::Cancelled { message: Some("stop".into()) });
///     assert_eq!(t.await.unwrap_err(), JoinError::Cancelled { message: None });
/// });
/// ```
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, gather_tasks, log, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     let t = spawn(async {
///         sleep(Duration::from_secs(1)).await;
///         7
///     })
///     .share();
///     let watcher = t.clone();
///     let w = spawn(async move { log!("watcher got {}", watcher.await.unwrap()) });
///     let via_gather = gather_tasks(vec![t.clone()]);
///     log!("main got {}", t.clone().await.unwrap());
///     log!("gather got {:?}", via_gather.await.unwrap());
///     w.await.unwrap();
///     (t.done(), t.cancelled())
/// });
/// assert_eq!(out.result.unwrap(), (true, false));
/// assert_eq!(
///     out.trace.logs(),
///     // The gather registered first (when it was created), then main, then the watcher
///     // (at its first step): the gather's callback resolves it at once, and main finds it
///     // done when it awaits it.
///     "t=1000 main got 7\nt=1000 gather got [7]\nt=1000 watcher got 7\n"
/// );
/// ```
pub struct Task<T> {
    inner: Rc<Shared<T>>,
}

struct Shared<T> {
    id: TaskId,
    run: u64,
    /// The outcome, once the first clone read it out of the task.
    outcome: RefCell<Option<Result<T, JoinError>>>,
}

impl<T> JoinHandle<T> {
    /// Turns the handle into a [`Task`] that can be cloned and awaited by many, as asyncio's
    /// tasks are.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async { "v" }).share();
    /// let again = t.clone();
    /// assert_eq!(t.await.unwrap(), "v");
    /// assert_eq!(again.await.unwrap(), "v");
    /// # });
    /// ```
    pub fn share(self) -> Task<T> {
        let (id, run) = self.into_parts();
        Task {
            inner: Rc::new(Shared {
                id,
                run,
                outcome: RefCell::new(None),
            }),
        }
    }
}

impl<T> Task<T> {
    /// The task's id.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let id = h.id();
    /// assert_eq!(h.share().id(), id);
    /// # });
    /// ```
    pub fn id(&self) -> TaskId {
        self.inner.id
    }

    /// A handle that cancels or inspects the task; see [`AbortHandle`].
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// assert_eq!(t.abort_handle().id(), t.id());
    /// # });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle::new(self.inner.id, self.inner.run)
    }

    /// Requests cancellation; asyncio's `Task.cancel()` (see [`JoinHandle::cancel`]).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// assert!(t.cancel());
    /// assert!(t.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.abort_handle().cancel()
    }

    /// Requests cancellation with a message; asyncio's `Task.cancel(msg)`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// t.cancel_with("stop");
    /// assert_eq!(t.await.unwrap_err().to_string(), "task was cancelled: stop");
    /// # });
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.abort_handle().cancel_with(message)
    }

    /// Whether the task has ended; asyncio's `done()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// assert!(!t.done());
    /// simloop::yield_now().await;
    /// assert!(t.done());
    /// # });
    /// ```
    #[track_caller]
    pub fn done(&self) -> bool {
        self.inner.outcome.borrow().is_some() || self.abort_handle().is_finished()
    }

    /// Whether the task ended by cancellation; asyncio's `cancelled()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// t.cancel();
    /// let _ = t.clone().await;
    /// assert!(t.cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelled(&self) -> bool {
        match &*self.inner.outcome.borrow() {
            Some(r) => r.as_ref().is_err_and(JoinError::is_cancelled),
            None => self.abort_handle().cancelled(),
        }
    }

    /// The task's name, if it was given one; asyncio's `get_name()`.
    ///
    /// **Differs from asyncio:** asyncio names an unnamed task `Task-N`; here that name is
    /// `format!("Task-{}", id().get())` (ids count spawns from 1 for the main task, as
    /// asyncio's counter does under `asyncio.run`, where the main coroutine is `Task-1`).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn_named("w", async {}).share();
    /// assert_eq!(t.name().as_deref(), Some("w"));
    /// # });
    /// ```
    #[track_caller]
    pub fn name(&self) -> Option<String> {
        self.abort_handle().name()
    }

    /// Renames the task; asyncio's `Task.set_name()` (see [`AbortHandle::set_name`]).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn_named("before", async {}).share();
    /// h.set_name("after");
    /// assert_eq!(h.name().as_deref(), Some("after"));
    /// # });
    /// ```
    #[track_caller]
    pub fn set_name(&self, name: impl Into<String>) {
        self.abort_handle().set_name(name)
    }

    /// How many cancellations were requested before the task ended; asyncio's
    /// `cancelling()` (see [`AbortHandle::cancelling`]).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// t.cancel();
    /// assert_eq!(t.cancelling(), 1);
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelling(&self) -> u32 {
        self.abort_handle().cancelling()
    }

    /// asyncio's `Task.uncancel()`; see [`AbortHandle::uncancel`](crate::AbortHandle::uncancel).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async {}).share();
    /// t.cancel();
    /// assert_eq!(t.uncancel(), 0);
    /// # });
    /// ```
    #[track_caller]
    pub fn uncancel(&self) -> u32 {
        self.abort_handle().uncancel()
    }
}

impl<T: Clone> Task<T> {
    /// The task's outcome if it has ended, without waiting; asyncio's `result()` (which
    /// raises instead of returning `None` while the task runs).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let t = simloop::spawn(async { 5 }).share();
    /// assert_eq!(t.result(), None);
    /// simloop::yield_now().await;
    /// assert_eq!(t.result(), Some(Ok(5)));
    /// # });
    /// ```
    #[track_caller]
    pub fn result(&self) -> Option<Result<T, JoinError>>
    where
        T: 'static,
    {
        if !self.done() {
            return None;
        }
        Some(super::handle::outcome(&mut self.clone()))
    }
}

impl<T: Clone + 'static> Task<T> {
    /// Runs `callback` with the task once it has ended; asyncio's `Task.add_done_callback`.
    ///
    /// The callback takes one ready-queue slot after the task ends, interleaved with the
    /// task's awaiters (and the combinators waiting on it) in the order they registered, as
    /// asyncio's done-callbacks are; on a task that has ended already it is queued at once.
    /// It gets the task, whose [`result`](Task::result), [`cancelled`](Task::cancelled) and
    /// [`name`](Task::name) it may read. Like a [`call_soon`](crate::task::call_soon)
    /// callback it cannot await, and a panic in it is contained (one line on standard
    /// error, then the run goes on), as asyncio reports a callback's exception.
    ///
    /// Returns the callback's key, for [`remove_done_callback`](Task::remove_done_callback)
    /// (see [`DoneCallbackKey`] for how it stands for asyncio's callback identity).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, log, spawn_named};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = spawn_named("adder", async { 2 + 2 }).share();
    ///     t.add_done_callback(|t| log!("{:?} -> {:?}", t.name(), t.result()));
    ///     t.await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap(), 4);
    /// assert_eq!(out.trace.logs(), "t=0 Some(\"adder\") -> Some(Ok(4))\n");
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that spawned the task.
    #[track_caller]
    pub fn add_done_callback(&self, callback: impl FnOnce(&Task<T>) + 'static) -> DoneCallbackKey {
        let key = DoneCallbackKey::new();
        self.add_done_callback_as(&key, callback);
        key
    }

    /// [`add_done_callback`](Task::add_done_callback) under a key made before: asyncio's
    /// adding the same callback again, which one
    /// [`remove_done_callback`](Task::remove_done_callback) of the key removes with the
    /// first.
    ///
    /// ```
    /// use simloop::{Sim, log, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = spawn(async {}).share();
    ///     let key = t.add_done_callback(|_| log!("a"));
    ///     t.add_done_callback_as(&key, |_| log!("b"));
    ///     t.add_done_callback(|_| log!("c"));
    ///     let removed = t.remove_done_callback(&key);
    ///     t.await.unwrap();
    ///     removed
    /// });
    /// assert_eq!(out.result.unwrap(), 2);
    /// assert_eq!(out.trace.logs(), "t=0 c\n");
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that spawned the task.
    #[track_caller]
    pub fn add_done_callback_as(
        &self,
        key: &DoneCallbackKey,
        callback: impl FnOnce(&Task<T>) + 'static,
    ) {
        let task = self.clone();
        let key = key.clone();
        let callback: OnDone<T> = Box::new(callback);
        self.on_core("Task::add_done_callback", |c, id| {
            let target = Rc::new(DoneCallbackOf {
                task,
                key,
                owner: c.callback_owner(),
                scope: c.capture_ambient(),
                callback: Cell::new(Some(callback)),
            });
            c.add_done_callback(id, target, 0);
        });
    }

    /// Removes the task's done-callbacks registered under `key` and returns how many;
    /// asyncio's `Task.remove_done_callback`.
    ///
    /// Once the task has ended its callbacks are queued already: they run, and this
    /// returns 0, as asyncio's does. A key of another task or promise removes nothing.
    ///
    /// ```
    /// use simloop::{Sim, log, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = spawn(async {}).share();
    ///     let first = t.add_done_callback(|_| log!("removed, never runs"));
    ///     let second = t.add_done_callback(|_| log!("runs"));
    ///     assert_eq!(t.remove_done_callback(&first), 1);
    ///     assert_eq!(t.remove_done_callback(&first), 0);
    ///     t.clone().await.unwrap();
    ///     t.remove_done_callback(&second)
    /// });
    /// assert_eq!(out.result.unwrap(), 0, "too late: it was queued when the task ended");
    /// assert_eq!(out.trace.logs(), "t=0 runs\n");
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that spawned the task.
    #[track_caller]
    pub fn remove_done_callback(&self, key: &DoneCallbackKey) -> usize {
        let removed = self.on_core("Task::remove_done_callback", |c, id| {
            c.remove_done_callbacks(id, key)
        });
        // Dropped here, outside the runtime's borrow: the callbacks' captures are user code.
        removed.len()
    }

    /// Runs `f` on the core of the run that spawned the task.
    #[track_caller]
    fn on_core<R>(&self, what: &str, f: impl FnOnce(&mut Core, TaskId) -> R) -> R {
        let (id, run) = (self.inner.id, self.inner.run);
        with(what, |c| {
            assert_eq!(
                c.run_id(),
                run,
                "simloop: {what} outside the run that spawned the task"
            );
            f(c, id)
        })
    }
}

/// A callback given to [`Task::add_done_callback`].
type OnDone<T> = Box<dyn FnOnce(&Task<T>)>;

/// A callback given to [`Task::add_done_callback`], with the task it reports on.
struct DoneCallbackOf<T> {
    task: Task<T>,
    /// What `remove_done_callback` finds it by.
    key: DoneCallbackKey,
    /// The task that registered it (`Core::callback_owner`), whose step it is when it runs.
    owner: TaskId,
    /// The context it runs in (`crate::contextvars`): the one current when it was
    /// registered.
    scope: Option<Rc<dyn Enter>>,
    /// Taken when it runs (a done-callback runs once).
    callback: Cell<Option<OnDone<T>>>,
}

impl<T: Clone + 'static> DoneCallback for DoneCallbackOf<T> {
    fn on_done(&self, _index: usize, _how: &Completion) {
        if let Some(callback) = self.callback.take() {
            run_in(self.scope.as_deref(), || callback(&self.task));
        }
    }

    fn keyed(&self, key: &DoneCallbackKey) -> bool {
        self.key == *key
    }

    fn step_of(&self) -> Option<TaskId> {
        Some(self.owner)
    }
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task {
            inner: Rc::clone(&self.inner),
        }
    }
}

impl<T: Clone + 'static> Future for Task<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let shared = &*self.inner;
        if let Some(r) = &*shared.outcome.borrow() {
            return Poll::Ready(retrieved(shared.id, r.clone()));
        }
        let (id, run) = (shared.id, shared.run);
        let cell = with("Task", |c| {
            assert_eq!(
                c.run_id(),
                run,
                "simloop: Task awaited outside the run that spawned it"
            );
            if let Some(cell) = c.join_output(id) {
                return cell;
            }
            c.await_task(id, cx.waker());
            c.wait_on(WaitOn::Join(id));
            None
        });
        let Some(cell) = cell else {
            return Poll::Pending;
        };
        let mut out: Option<Result<T, JoinError>> = None;
        cell.take_output_and_recycle(&mut out);
        let out = out.expect("simloop: a finished task holds its result until joined");
        *shared.outcome.borrow_mut() = Some(out.clone());
        Poll::Ready(retrieved(id, out))
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        if self.outcome.get_mut().is_some() {
            return;
        }
        let (id, run) = (self.id, self.run);
        let cell = try_with(|c| {
            if c.run_id() == run {
                c.detach(id)
            } else {
                None
            }
        })
        .flatten();
        drop(cell);
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("id", &self.inner.id).finish()
    }
}

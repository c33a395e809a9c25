//! A settable future that many tasks can await: asyncio's `Future`.

use std::cell::RefCell;
use std::convert::Infallible;
use std::error::Error;
use std::fmt;
use std::rc::{Rc, Weak};

use super::resource::Resource;
use super::waiters::{Ticket, Waiters, with_core};
use crate::runtime::{CancelFuture, Core, DoneCallbackKey, Hop, run_in, with};
use crate::task::TaskId;

mod wait;

pub use self::wait::{PromiseHandle, PromiseWait};

/// A future whose result is set by hand, awaited by any number of tasks: asyncio's
/// `loop.create_future()`.
///
/// [`set_result`](Promise::set_result), [`set_error`](Promise::set_error) or
/// [`cancel`](Promise::cancel) completes it once. Completing runs nothing at once: every
/// awaiting task and every [done callback](Promise::add_done_callback) is queued in the order
/// it registered, one ready-queue slot each. Awaiting a completed promise does not yield.
/// Awaiting yields a clone of the outcome, so `T` and `E` are `Clone`.
///
/// As in asyncio, where `Task.cancel()` cancels the future the task awaits, cancelling a
/// task whose only wait is this promise cancels the promise (with the cancellation's
/// message), and so does the expiry of a timeout whose inner work awaits only it
/// (`wait_for(d, promise.wait())`): every awaiter then sees
/// [`PromiseError::Cancelled`], in registration order. A promise awaited through
/// [`shield`](crate::shield) is not reached.
///
/// Named `Promise` because `Future` is Rust's trait. Share it with `Rc<Promise<T>>`.
///
/// A done callback runs between steps, as asyncio's `call_soon` runs it: not a task, so it
/// takes no task id and [`all_tasks`](crate::task::all_tasks) does not list it.
///
/// A promise goes into [`gather_tasks`](crate::gather_tasks), [`wait`](crate::wait) or
/// [`as_completed`](crate::as_completed) through [`Promise::handle`]: the combinator
/// registers on the promise itself, one of its done-callbacks, as asyncio's do.
///
/// **Differs from asyncio:** the outcome is a `Result` instead of a raised exception.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use simloop::sync::Promise;
/// use simloop::{Sim, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     let p: Rc<Promise<u32>> = Rc::new(Promise::new());
///     let setter = p.clone();
///     spawn(async move {
///         sleep(Duration::from_secs(1)).await;
///         setter.set_result(42).unwrap();
///     });
///     p.wait().await
/// });
/// assert_eq!(out.result.unwrap(), Ok(42));
/// ```
pub struct Promise<T, E = Infallible> {
    /// Shared (weakly) with the runtime, which cancels the promise when a task awaiting it
    /// alone is cancelled.
    state: Rc<RefCell<State<T, E>>>,
    resource: Resource,
}

type Callback<T, E> = Box<dyn FnOnce(Result<T, PromiseError<E>>)>;

/// A done callback ready to be queued: its place among the awaiters, the task it is a step
/// of (a user's: see [`User`]), and its outcome.
type DueCallback<T, E> = (
    Ticket,
    Option<TaskId>,
    Callback<T, E>,
    Result<T, PromiseError<E>>,
);

/// What a user's done callback carries (a combinator's carries nothing): the key
/// `remove_done_callback` finds it by, and the task that registered it, whose step it is
/// when it runs (PCT places it by that task's priority: `Core::callback_owner`).
type User = (DoneCallbackKey, TaskId);

struct State<T, E> {
    outcome: Option<Result<T, PromiseError<E>>>,
    waiters: Waiters,
    /// Done callbacks with tickets from `waiters`, so they interleave with the awaiting
    /// tasks in registration order, and the key and task of a user's (`None` for a
    /// combinator's).
    callbacks: Vec<(Ticket, Option<User>, Callback<T, E>)>,
}

/// How a [`Promise`] ended without a value.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Promise, PromiseError};
///
/// let p: Promise<u8, &str> = Promise::new();
/// p.set_error("bad input").unwrap();
/// assert_eq!(p.result(), Some(Err(PromiseError::Failed("bad input"))));
/// assert_eq!(PromiseError::<&str>::Cancelled(None).to_string(), "future was cancelled");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromiseError<E> {
    /// [`Promise::cancel`] was called (asyncio's `CancelledError`, with its message).
    Cancelled(Option<String>),
    /// [`Promise::set_error`] was called (asyncio's `set_exception`).
    Failed(E),
}

/// The promise was already done (asyncio's `InvalidStateError`).
///
/// # Examples
///
/// ```
/// let p = simloop::sync::Promise::<u8>::new();
/// p.set_result(1).unwrap();
/// let err: simloop::sync::InvalidState = p.set_result(2).unwrap_err();
/// assert_eq!(err.to_string(), "invalid state: the future is already done");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidState;

impl<T: Clone + 'static, E: Clone + 'static> Promise<T, E> {
    /// A pending promise.
    ///
    /// ```
    /// assert!(!simloop::sync::Promise::<()>::new().done());
    /// ```
    pub fn new() -> Self {
        Promise::with_name(None)
    }

    /// A pending promise with a name, shown in deadlock reports.
    ///
    /// ```
    /// assert_eq!(simloop::sync::Promise::<()>::named("reply").name(), Some("reply"));
    /// ```
    pub fn named(name: &str) -> Self {
        Promise::with_name(Some(name))
    }

    fn with_name(name: Option<&str>) -> Self {
        let state = Rc::new(RefCell::new(State {
            outcome: None,
            waiters: Waiters::new(),
            callbacks: Vec::new(),
        }));
        let resource = Resource::new("Future", name);
        let future: Weak<dyn CancelFuture> = Rc::downgrade(&state) as Weak<RefCell<State<T, E>>>;
        resource.set_future(future);
        Promise { state, resource }
    }

    /// The name given to [`Promise::named`].
    ///
    /// ```
    /// assert_eq!(simloop::sync::Promise::<()>::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.resource.name()
    }

    /// Completes the promise with a value and queues its awaiters and callbacks.
    ///
    /// # Errors
    ///
    /// [`InvalidState`] when it is already done.
    ///
    /// ```
    /// let p = simloop::sync::Promise::<i32>::new();
    /// assert!(p.set_result(1).is_ok());
    /// assert!(p.set_result(2).is_err());
    /// assert_eq!(p.result(), Some(Ok(1)));
    /// ```
    pub fn set_result(&self, value: T) -> Result<(), InvalidState> {
        self.complete(Ok(value))
    }

    /// Completes the promise with an error (asyncio's `set_exception`).
    ///
    /// # Errors
    ///
    /// [`InvalidState`] when it is already done.
    ///
    /// ```
    /// let p: simloop::sync::Promise<(), String> = simloop::sync::Promise::new();
    /// p.set_error("boom".to_string()).unwrap();
    /// assert!(p.done());
    /// ```
    pub fn set_error(&self, error: E) -> Result<(), InvalidState> {
        self.complete(Err(PromiseError::Failed(error)))
    }

    /// Cancels the promise; returns false if it was already done.
    ///
    /// ```
    /// let p = simloop::sync::Promise::<()>::new();
    /// assert!(p.cancel());
    /// assert!(p.cancelled());
    /// assert!(!p.cancel());
    /// ```
    pub fn cancel(&self) -> bool {
        self.complete(Err(PromiseError::Cancelled(None))).is_ok()
    }

    /// Cancels the promise with a message; returns false if it was already done.
    ///
    /// ```
    /// use simloop::sync::{Promise, PromiseError};
    /// let p = Promise::<()>::new();
    /// p.cancel_with("stop");
    /// assert_eq!(p.result(), Some(Err(PromiseError::Cancelled(Some("stop".into())))));
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.complete(Err(PromiseError::Cancelled(Some(message.into()))))
            .is_ok()
    }

    /// Whether the promise is done (has a value, an error, or was cancelled).
    ///
    /// ```
    /// let p = simloop::sync::Promise::<()>::new();
    /// p.set_result(()).unwrap();
    /// assert!(p.done());
    /// ```
    pub fn done(&self) -> bool {
        self.state.borrow().outcome.is_some()
    }

    /// Whether the promise was cancelled.
    ///
    /// ```
    /// assert!(!simloop::sync::Promise::<()>::new().cancelled());
    /// ```
    pub fn cancelled(&self) -> bool {
        matches!(
            self.state.borrow().outcome,
            Some(Err(PromiseError::Cancelled(_)))
        )
    }

    /// The outcome, once done.
    ///
    /// ```
    /// let p = simloop::sync::Promise::<u8>::new();
    /// assert_eq!(p.result(), None);
    /// ```
    pub fn result(&self) -> Option<Result<T, PromiseError<E>>> {
        self.state.borrow().outcome.clone()
    }

    /// Waits for the outcome; returns at once, without yielding, when done.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let p = simloop::sync::Promise::<u8>::new();
    ///     p.set_result(9).unwrap();
    ///     assert_eq!(p.wait().await, Ok(9));
    ///     assert_eq!((&p).await, Ok(9));
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Polling the future panics outside a simulation.
    pub fn wait(&self) -> PromiseWait<'_, T, E> {
        PromiseWait {
            promise: self,
            ticket: None,
        }
    }

    /// Registers `callback` to run with the outcome once the promise is done, in
    /// registration order among the awaiting tasks. On a done promise it is queued at once.
    /// Returns the callback's key, for
    /// [`remove_done_callback`](Promise::remove_done_callback) (see [`DoneCallbackKey`]).
    ///
    /// ```
    /// use simloop::{Sim, log, sync::Promise};
    ///
    /// let out = Sim::new().run(async {
    ///     let p = Promise::<u8>::new();
    ///     p.add_done_callback(|r| log!("callback got {:?}", r));
    ///     p.set_result(3).unwrap();
    ///     simloop::yield_now().await;
    /// });
    /// assert_eq!(out.trace.logs(), "t=0 callback got Ok(3)\n");
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside a simulation.
    #[track_caller]
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(Result<T, PromiseError<E>>) + 'static,
    ) -> DoneCallbackKey {
        let key = DoneCallbackKey::new();
        self.add_done_callback_as(&key, callback);
        key
    }

    /// [`add_done_callback`](Promise::add_done_callback) under a key made before: asyncio's
    /// adding the same callback again, which one
    /// [`remove_done_callback`](Promise::remove_done_callback) of the key removes with the
    /// first.
    ///
    /// ```
    /// use simloop::{Sim, log, sync::Promise};
    ///
    /// let out = Sim::new().run(async {
    ///     let p = Promise::<u8>::new();
    ///     let key = p.add_done_callback(|_| log!("first"));
    ///     p.add_done_callback_as(&key, |_| log!("second"));
    ///     p.set_result(3).unwrap();
    ///     simloop::yield_now().await;
    /// });
    /// assert_eq!(out.trace.logs(), "t=0 first\nt=0 second\n");
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside a simulation.
    #[track_caller]
    pub fn add_done_callback_as(
        &self,
        key: &DoneCallbackKey,
        callback: impl FnOnce(Result<T, PromiseError<E>>) + 'static,
    ) {
        // Clone outside the runtime's borrow: `T::clone` is user code.
        let done = self.state.borrow().outcome.clone();
        with("Promise::add_done_callback", |core| {
            let owner = core.callback_owner();
            // Run in the context current now (`crate::contextvars`), as asyncio's.
            let callback: Callback<T, E> = match core.capture_ambient() {
                None => Box::new(move |r| run_in(None, || callback(r))),
                Some(scope) => Box::new(move |r| run_in(Some(&*scope), || callback(r))),
            };
            match done {
                Some(outcome) => schedule_callback(core, callback, outcome, Some(owner)),
                None => {
                    let mut st = self.state.borrow_mut();
                    let t = st.waiters.reserve();
                    st.callbacks.push((t, Some((key.clone(), owner)), callback));
                }
            }
        });
    }

    /// Removes the promise's done callbacks registered under `key` and returns how many;
    /// asyncio's `Future.remove_done_callback`.
    ///
    /// Once the promise is done its callbacks are queued already: they run, and this
    /// returns 0, as asyncio's does. A key of another promise or task removes nothing.
    /// Needs no simulation (it only drops the callbacks).
    ///
    /// ```
    /// use simloop::{Sim, log, sync::Promise};
    ///
    /// let out = Sim::new().run(async {
    ///     let p = Promise::<u8>::new();
    ///     let gone = p.add_done_callback(|_| log!("removed, never runs"));
    ///     let kept = p.add_done_callback(|r| log!("kept got {:?}", r));
    ///     assert_eq!(p.remove_done_callback(&gone), 1);
    ///     p.set_result(3).unwrap();
    ///     p.remove_done_callback(&kept)
    /// });
    /// assert_eq!(out.result.unwrap(), 0, "too late: it was queued by set_result");
    /// assert_eq!(out.trace.logs(), "t=0 kept got Ok(3)\n");
    /// ```
    pub fn remove_done_callback(&self, key: &DoneCallbackKey) -> usize {
        let removed: Vec<_> = {
            let mut st = self.state.borrow_mut();
            let (gone, kept) = std::mem::take(&mut st.callbacks)
                .into_iter()
                .partition(|(_, user, _)| user.as_ref().is_some_and(|(k, _)| k == key));
            st.callbacks = kept;
            gone
        };
        // Dropped outside the borrow: a closure's captures run user code when dropped.
        removed.len()
    }

    /// A handle on the promise for [`gather_tasks`](crate::gather_tasks),
    /// [`gather_all_tasks`](crate::gather_all_tasks), [`wait`](crate::wait) and
    /// [`as_completed`](crate::as_completed), which register on the promise itself, as
    /// asyncio's combinators add their done-callback to a future passed to them: its
    /// completion reaches the combinator one ready-queue slot later, among its awaiters and
    /// callbacks in registration order. A value or an error ends the child well (with
    /// `Ok(value)` or `Err(error)`, as a task returning a `Result` does); a cancellation
    /// ends it cancelled (`JoinError::Cancelled`, with the message). Cancelling the
    /// combinator cancels the promise.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use simloop::sync::Promise;
    /// use simloop::{Sim, gather_all_tasks, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let p: Rc<Promise<u8, String>> = Rc::new(Promise::new());
    ///     let q = p.clone();
    ///     spawn(async move { q.set_error("bad".into()).unwrap() });
    ///     gather_all_tasks(vec![p.handle()]).await
    /// });
    /// assert_eq!(out.result.unwrap(), [Ok(Err("bad".to_string()))]);
    /// ```
    ///
    /// Cancelling the gather cancels the promise (asyncio's `gather(fut).cancel()`):
    ///
    /// ```
    /// use std::rc::Rc;
    /// use simloop::sync::Promise;
    /// use simloop::{Sim, gather_tasks};
    ///
    /// let out = Sim::new().run(async {
    ///     let p: Rc<Promise<u8>> = Rc::new(Promise::new());
    ///     let g = gather_tasks(vec![p.handle()]);
    ///     assert!(g.cancel());
    ///     (g.await.unwrap_err().is_cancelled(), p.cancelled())
    /// });
    /// assert_eq!(out.result.unwrap(), (true, true));
    /// ```
    pub fn handle(self: &Rc<Self>) -> PromiseHandle<T, E> {
        PromiseHandle {
            promise: self.clone(),
            ticket: None,
        }
    }

    fn complete(&self, outcome: Result<T, PromiseError<E>>) -> Result<(), InvalidState> {
        let callbacks = {
            let mut st = self.state.borrow_mut();
            if st.outcome.is_some() {
                return Err(InvalidState);
            }
            st.outcome = Some(outcome.clone());
            std::mem::take(&mut st.callbacks)
        };
        // Clone outside the runtime's borrow: `T::clone` is user code.
        let callbacks: Vec<_> = callbacks
            .into_iter()
            .map(|(t, user, cb)| (t, user.map(|(_, owner)| owner), cb, outcome.clone()))
            .collect();
        with_core(|core| {
            // Outside a run nobody can be waiting, and callbacks cannot be scheduled.
            let Some(core) = core else { return };
            notify(&self.state, core, callbacks);
        });
        Ok(())
    }
}

/// Queues a completed promise's awaiters and `callbacks` (with their outcomes), one slot
/// each, in registration order.
fn notify<T: 'static, E: 'static>(
    state: &RefCell<State<T, E>>,
    core: &mut Core,
    callbacks: Vec<DueCallback<T, E>>,
) {
    let mut callbacks = callbacks.into_iter().peekable();
    state
        .borrow_mut()
        .waiters
        .notify_all_with(core, |ticket, core| {
            while let Some((_, step, cb, o)) = callbacks.next_if(|(t, ..)| *t < ticket) {
                schedule_callback(core, cb, o, step);
            }
        });
    for (_, step, cb, o) in callbacks {
        schedule_callback(core, cb, o, step);
    }
}

/// asyncio's `Task.cancel()` cancels the future the task awaits: the runtime calls this
/// when a task awaiting the promise alone is cancelled, or its timeout expires.
impl<T: Clone + 'static, E: Clone + 'static> CancelFuture for RefCell<State<T, E>> {
    fn cancel(&self, core: &mut Core, message: Option<Box<str>>) -> bool {
        let outcome = Err(PromiseError::Cancelled(message.map(String::from)));
        let callbacks = {
            // Borrowed only if the promise's own code is on the stack: leave it be.
            let Ok(mut st) = self.try_borrow_mut() else {
                return false;
            };
            if st.outcome.is_some() {
                return false;
            }
            st.outcome = Some(outcome.clone());
            std::mem::take(&mut st.callbacks)
        };
        // A cancellation holds no `T` or `E`: cloning it runs no user code.
        let callbacks = callbacks
            .into_iter()
            .map(|(t, user, cb)| (t, user.map(|(_, owner)| owner), cb, outcome.clone()))
            .collect();
        notify(self, core, callbacks);
        true
    }

    fn cancelled_with(&self) -> Option<Option<Box<str>>> {
        match &self.try_borrow().ok()?.outcome {
            Some(Err(PromiseError::Cancelled(m))) => Some(m.as_deref().map(Into::into)),
            _ => None,
        }
    }
}

/// Queues a done-callback: one ready-queue slot, as asyncio's `call_soon` of it. It runs
/// between steps, as a callback and not a task: it takes no task id (asyncio's `Task-N`
/// numbering skips it) and `all_tasks` does not list it. A user's is a step of `step`, the
/// task that registered it; a combinator's (`None`) is a pure hop.
fn schedule_callback<T: 'static, E: 'static>(
    core: &mut Core,
    cb: Callback<T, E>,
    outcome: Result<T, PromiseError<E>>,
    step: Option<TaskId>,
) {
    core.park_step(Hop::Call(Box::new(move || cb(outcome))), step);
}

impl<T: Clone + 'static, E: Clone + 'static> Default for Promise<T, E> {
    fn default() -> Self {
        Promise::new()
    }
}

impl<E> fmt::Display for PromiseError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromiseError::Cancelled(None) => f.write_str("future was cancelled"),
            PromiseError::Cancelled(Some(m)) => write!(f, "future was cancelled: {m}"),
            PromiseError::Failed(_) => f.write_str("future failed"),
        }
    }
}

impl<E: fmt::Debug> Error for PromiseError<E> {}

impl fmt::Display for InvalidState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid state: the future is already done")
    }
}

impl Error for InvalidState {}

impl<T, E> fmt::Debug for Promise<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Promise")
            .field("name", &self.resource.name())
            .field("done", &self.state.borrow().outcome.is_some())
            .finish_non_exhaustive()
    }
}

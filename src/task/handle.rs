//! What the combinators accept: any handle on a spawned task.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::{JoinError, JoinHandle, Task, TaskId};
use crate::runtime::{Completion, Core, DoneCallback, WaitOn};

/// What gather, wait and as_completed accept: a handle on a spawned task ([`TaskHandle`])
/// or on a [`Promise`](crate::sync::Promise) ([`PromiseHandle`](crate::sync::PromiseHandle)).
///
/// As asyncio's combinators add their done-callback to each awaitable itself (a task, or a
/// future passed as it is), the combinators register on the task or the promise, never
/// through a wrapper task: a child's completion queues the combinator's callback one
/// ready-queue slot later, which then wakes the caller.
///
/// This trait is sealed: only simloop's handles implement it.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::sync::Promise;
/// use simloop::{Awaitable, Sim, gather_all_tasks, spawn};
///
/// async fn all<H: Awaitable>(hs: Vec<H>) -> usize {
///     gather_all_tasks(hs).await.len()
/// }
///
/// let out = Sim::new().run(async {
///     let p: Rc<Promise<u8>> = Rc::new(Promise::new());
///     p.set_result(1).unwrap();
///     (all(vec![spawn(async { 2 })]).await, all(vec![p.handle()]).await)
/// });
/// assert_eq!(out.result.unwrap(), (1, 1));
/// ```
pub trait Awaitable:
    Future<Output = Result<<Self as Awaitable>::Value, JoinError>> + Unpin + sealed::Sealed + 'static
{
    /// What it yields when it ends well (a promise's `Result` of value or error).
    type Value: 'static;
}

/// A handle on a spawned task that the combinators wait on: a [`JoinHandle`] (moved in)
/// or a [`Task`] clone (shared: the same task may be awaited directly, gathered, waited,
/// shielded... at once, as asyncio's tasks are).
///
/// Combinators register on the task itself (a done-callback), never through a wrapper
/// task, so asyncio's hop order holds: when the task ends, its direct awaiters resume one
/// ready-queue slot later, and gather, wait, shield and as_completed callers two, each in
/// the order they started waiting.
///
/// This trait is sealed: only simloop's handles implement it.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, TaskHandle, gather_tasks, spawn};
///
/// fn ids<H: TaskHandle>(hs: &[H]) -> Vec<u32> {
///     hs.iter().map(|h| h.task_id().get()).collect()
/// }
///
/// let out = Sim::new().run(async {
///     let t = spawn(async { 2 }).share();
///     let handles = vec![t.clone(), t.clone()];
///     assert_eq!(ids(&handles), [2, 2]);
///     let both = gather_tasks(handles).await.unwrap();
///     (both, t.await.unwrap())
/// });
/// assert_eq!(out.result.unwrap(), (vec![2, 2], 2));
/// ```
pub trait TaskHandle: Awaitable {
    /// The task's id.
    fn task_id(&self) -> TaskId;
}

pub(crate) mod sealed {
    /// Seals [`super::Awaitable`]; says what a combinator registers on.
    pub trait Sealed {
        /// The task or the future this handle is on.
        fn child(&self) -> super::Child;
    }
}

/// What a combinator's child is (opaque outside the crate).
#[derive(Clone)]
pub struct Child(pub(crate) Kind);

/// A task (its done-callbacks live in the core) or a future (a promise, which keeps its
/// own).
#[derive(Clone)]
pub(crate) enum Kind {
    /// A spawned task.
    Task(TaskId),
    /// A settable future.
    Future(Rc<dyn FutureChild>),
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Task(id) => f.debug_tuple("Child").field(id).finish(),
            Kind::Future(_) => f.write_str("Child(future)"),
        }
    }
}

/// A future a combinator watches directly (asyncio's `fut.add_done_callback`).
pub(crate) trait FutureChild {
    /// How it ended, once done.
    fn completion(&self) -> Option<Completion>;
    /// Queues `target.on_done(index, ..)` among its done-callbacks (at once if done).
    fn watch(&self, core: &mut Core, target: Rc<dyn DoneCallback>, index: u32);
    /// Registers that the running task awaits it (deadlock reports, and a cancellation
    /// of the task awaiting it alone cancels it).
    fn wait_on(&self, core: &mut Core);
    /// Cancels it; false if it was done.
    fn cancel(&self, core: &mut Core, message: Option<Box<str>>) -> bool;
}

/// A child's identity, for telling a task or future listed twice from two different ones
/// (asyncio's `set(fs)` in `wait` and `as_completed`). A future is known by its address;
/// identities are only compared, never iterated in an order that reaches output.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ChildKey {
    Task(TaskId),
    Future(usize),
}

impl Child {
    /// Whether the child ended.
    /// The child's identity: the same task or the same future gives the same key.
    pub(crate) fn key(&self) -> ChildKey {
        match &self.0 {
            Kind::Task(id) => ChildKey::Task(*id),
            Kind::Future(f) => ChildKey::Future(Rc::as_ptr(f).cast::<()>() as usize),
        }
    }

    #[inline]
    pub(crate) fn is_done(&self, core: &Core) -> bool {
        match &self.0 {
            Kind::Task(id) => core.is_done(*id),
            Kind::Future(f) => f.completion().is_some(),
        }
    }

    /// Registers `target.on_done(index, ..)` to run one slot after the child ends.
    pub(crate) fn watch(&self, core: &mut Core, target: Rc<dyn DoneCallback>, index: u32) {
        match &self.0 {
            Kind::Task(id) => core.add_done_callback(*id, target, index),
            Kind::Future(f) => f.watch(core, target, index),
        }
    }

    /// How the child ended if it did; otherwise registers `target.on_done(index, ..)` as
    /// [`Child::watch`] does (a task's slot is looked at once for both).
    #[inline]
    pub(crate) fn completion_or_watch(
        &self,
        core: &mut Core,
        target: &Rc<dyn DoneCallback>,
        index: u32,
    ) -> Option<Completion> {
        match &self.0 {
            Kind::Task(id) => core.add_done_callback_unless_ended(*id, target, index),
            Kind::Future(f) => {
                let how = f.completion();
                if how.is_none() {
                    f.watch(core, target.clone(), index);
                }
                how
            }
        }
    }

    /// Registers that the running task awaits the child, a cancellation of the task
    /// being forwarded to it (asyncio's `_fut_waiter`).
    #[inline]
    pub(crate) fn wait_on(&self, core: &mut Core) {
        match &self.0 {
            Kind::Task(id) => core.wait_on(WaitOn::Join(*id)),
            Kind::Future(f) => f.wait_on(core),
        }
    }

    /// Cancels the child; false if it had ended.
    pub(crate) fn cancel(&self, core: &mut Core, message: Option<Box<str>>) -> bool {
        match &self.0 {
            Kind::Task(id) => core.cancel(*id, message),
            Kind::Future(f) => f.cancel(core, message),
        }
    }

    /// The task, for a wait-for graph's edges (a future has no holder).
    pub(crate) fn task(&self) -> Option<TaskId> {
        match &self.0 {
            Kind::Task(id) => Some(*id),
            Kind::Future(_) => None,
        }
    }
}

impl<T: 'static> sealed::Sealed for JoinHandle<T> {
    fn child(&self) -> Child {
        Child(Kind::Task(self.id()))
    }
}

impl<T: 'static> Awaitable for JoinHandle<T> {
    type Value = T;
}

impl<T: 'static> TaskHandle for JoinHandle<T> {
    fn task_id(&self) -> TaskId {
        self.id()
    }
}

impl<T: Clone + 'static> sealed::Sealed for Task<T> {
    fn child(&self) -> Child {
        Child(Kind::Task(self.id()))
    }
}

impl<T: Clone + 'static> Awaitable for Task<T> {
    type Value = T;
}

impl<T: Clone + 'static> TaskHandle for Task<T> {
    fn task_id(&self) -> TaskId {
        self.id()
    }
}

/// Tasks and promises in one combinator: `Either::Left(task)`, `Either::Right(promise)`,
/// as asyncio's `gather(task, fut)` takes both.
///
/// ```
/// use std::rc::Rc;
/// use futures::future::Either;
/// use simloop::sync::Promise;
/// use simloop::{Sim, gather_tasks, spawn};
///
/// let out = Sim::new().run(async {
///     let p: Rc<Promise<u8>> = Rc::new(Promise::new());
///     p.set_result(2).unwrap();
///     let t = spawn(async { Ok::<u8, std::convert::Infallible>(1) });
///     gather_tasks(vec![Either::Left(t), Either::Right(p.handle())]).await
/// });
/// assert_eq!(out.result.unwrap().unwrap(), [Ok(1), Ok(2)]);
/// ```
impl<A, B> sealed::Sealed for futures::future::Either<A, B>
where
    A: Awaitable,
    B: Awaitable<Value = A::Value>,
{
    fn child(&self) -> Child {
        match self {
            futures::future::Either::Left(a) => a.child(),
            futures::future::Either::Right(b) => b.child(),
        }
    }
}

impl<A, B> Awaitable for futures::future::Either<A, B>
where
    A: Awaitable,
    B: Awaitable<Value = A::Value>,
{
    type Value = A::Value;
}

/// A handle with its type erased to its value, as the combinators store their children.
pub(crate) type BoxedHandle<T> = Box<dyn Future<Output = Result<T, JoinError>> + Unpin>;

/// A child's handle as the gather family keeps it: a [`JoinHandle`] as it is (`gather`
/// spawns its children, so this is the common case, and it allocates nothing), any other
/// handle boxed.
pub(crate) enum ChildHandle<T> {
    Join(JoinHandle<T>),
    Boxed(BoxedHandle<T>),
}

impl<T: 'static> ChildHandle<T> {
    /// Keeps `handle`, returning what it is on beside it.
    pub(crate) fn new<H: Awaitable<Value = T>>(handle: H) -> (Child, ChildHandle<T>) {
        let id = sealed::Sealed::child(&handle);
        let mut handle = Some(handle);
        let any: &mut dyn Any = &mut handle;
        let child = match any.downcast_mut::<Option<JoinHandle<T>>>() {
            Some(join) => ChildHandle::Join(join.take().expect("a handle not taken yet")),
            None => ChildHandle::Boxed(Box::new(handle.take().expect("a handle not taken yet"))),
        };
        (id, child)
    }

    /// The outcome of the child, which has ended (see [`outcome`]).
    pub(crate) fn outcome(&mut self) -> Result<T, JoinError> {
        match self {
            ChildHandle::Join(h) => outcome(h),
            ChildHandle::Boxed(h) => outcome(&mut **h),
        }
    }
}

/// The outcome of a task that has ended, through its handle: moved out of a
/// [`JoinHandle`], cloned out of a [`Task`]. Registers nothing.
///
/// # Panics
///
/// Panics if the task has not ended.
pub(crate) fn outcome<F: Future + Unpin + ?Sized>(handle: &mut F) -> F::Output {
    match Pin::new(handle).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(r) => r,
        Poll::Pending => unreachable!("the task of this handle has ended"),
    }
}

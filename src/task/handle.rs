//! What the combinators accept: any handle on a spawned task.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::{JoinError, JoinHandle, Task, TaskId};

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
pub trait TaskHandle:
    Future<Output = Result<<Self as TaskHandle>::Value, JoinError>> + Unpin + sealed::Sealed + 'static
{
    /// What the task returns.
    type Value: 'static;

    /// The task's id.
    fn task_id(&self) -> TaskId;
}

mod sealed {
    pub trait Sealed {}
}

impl<T: 'static> sealed::Sealed for JoinHandle<T> {}

impl<T: 'static> TaskHandle for JoinHandle<T> {
    type Value = T;

    fn task_id(&self) -> TaskId {
        self.id()
    }
}

impl<T: Clone + 'static> sealed::Sealed for Task<T> {}

impl<T: Clone + 'static> TaskHandle for Task<T> {
    type Value = T;

    fn task_id(&self) -> TaskId {
        self.id()
    }
}

/// A handle with its type erased to its value, as the combinators store their children.
pub(crate) type BoxedHandle<T> = Box<dyn Future<Output = Result<T, JoinError>> + Unpin>;

/// Boxes `handle`, keeping its id beside it.
pub(crate) fn boxed<H: TaskHandle>(handle: H) -> (TaskId, BoxedHandle<H::Value>) {
    (handle.task_id(), Box::new(handle))
}

/// A child's handle as the gather family keeps it: a [`JoinHandle`] as it is (`gather`
/// spawns its children, so this is the common case, and it allocates nothing), any other
/// handle boxed.
pub(crate) enum ChildHandle<T> {
    Join(JoinHandle<T>),
    Boxed(BoxedHandle<T>),
}

impl<T: 'static> ChildHandle<T> {
    /// Keeps `handle`, returning its id beside it.
    pub(crate) fn new<H: TaskHandle<Value = T>>(handle: H) -> (TaskId, ChildHandle<T>) {
        let id = handle.task_id();
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

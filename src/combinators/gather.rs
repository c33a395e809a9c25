//! `gather`: run futures as concurrent tasks and collect their results in argument order.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::children::{Children, Mode, Resolved};
use crate::task::{Awaitable, JoinError, spawn};

/// Runs each future as its own task and waits for all of them; asyncio's `gather`.
///
/// The children are spawned when `gather` is called, in argument order (their first steps
/// are queued then; they run once the caller yields), like asyncio wrapping each argument in
/// a task. The result lists their values in argument order. The first failure (a child that
/// panicked or was cancelled) is returned at once as a [`JoinError`], and the other children
/// keep running, detached. Cancelling the gather with [`Gather::cancel`], cancelling the task
/// that awaits it, or dropping it before it completes cancels the unfinished children in
/// argument order.
///
/// The caller is woken two ready-queue slots after the deciding child ends (the child's
/// done-callback, then the caller), as with asyncio's outer future.
///
/// **Differs from asyncio:** the futures must share one output type (box them, or use an
/// enum, for mixed types); errors are values, so use [`try_gather`](crate::try_gather) to
/// fail on the first `Err`; dropping an unfinished gather cancels its children (asyncio has
/// no equivalent of dropping an awaitable).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, gather, sleep};
///
/// let out = Sim::new().run(async {
///     gather([3u64, 1, 2].map(|s| async move {
///         sleep(Duration::from_secs(s)).await;
///         s * 10
///     }))
///     .await
/// });
/// assert_eq!(out.result.unwrap().unwrap(), [30, 10, 20]);
/// assert_eq!(out.elapsed, Duration::from_secs(3));
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
///
/// # Cancel safety
///
/// Dropping the future before it completes cancels the children that have not ended.
#[track_caller]
pub fn gather<I>(futures: I) -> Gather<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(spawn).collect();
    gather_tasks(handles)
}

/// Waits for tasks that are already spawned, with [`gather`]'s semantics; asyncio's
/// `gather(task_a, task_b)`, which uses the tasks as they are.
///
/// The handles may be [`JoinHandle`](crate::JoinHandle)s or [`Task`](crate::Task) clones
/// (the same task may then be awaited elsewhere too). The first failure is returned as it
/// happens, whatever its position; the other tasks keep running. As in CPython 3.12, tasks
/// that already ended are counted when `gather_tasks` is called, so a gather over finished
/// tasks is ready at its first poll and does not yield. Use
/// [`gather_all_tasks`](crate::gather_all_tasks) for `return_exceptions=True`.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, gather_tasks, spawn};
///
/// let out = Sim::new().run(async {
///     let a = spawn(async { 1 });
///     let b = spawn(async { 2 });
///     gather_tasks(vec![a, b]).await
/// });
/// assert_eq!(out.result.unwrap().unwrap(), [1, 2]);
/// ```
///
/// # Panics
///
/// Panics outside a simulation, or with handles from another run.
#[track_caller]
pub fn gather_tasks<H: Awaitable>(handles: Vec<H>) -> Gather<H::Value> {
    Gather {
        children: Children::new(handles, Mode::first_failure()),
    }
}

/// The future returned by [`gather`] and [`gather_tasks`].
///
/// # Examples
///
/// ```
/// use simloop::{Sim, gather, yield_now};
///
/// let out = Sim::new().run(async {
///     let g: simloop::Gather<u8> = gather([async { yield_now().await; 1 }]);
///     g.await
/// });
/// assert_eq!(out.result.unwrap().unwrap(), [1]);
/// ```
#[must_use = "futures do nothing unless awaited; dropping a gather cancels its children"]
pub struct Gather<T> {
    children: Children<T>,
}

impl<T: 'static> Gather<T> {
    /// Whether the gather resolved (its outcome is decided), before it is awaited; asyncio's
    /// `gather(...).done()`. A gather over tasks that all ended already is done when it is
    /// made, as in CPython 3.12 (with eager tasks, a gather of coroutines that all return
    /// at once too).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, gather, yield_now};
    ///
    /// let out = Sim::new().eager_tasks(true).run(async {
    ///     let at_once = gather([1, 2].map(|n| async move { n }));
    ///     let later = gather([async { yield_now().await; 3 }]);
    ///     let done = (at_once.done(), later.done());
    ///     (done, at_once.await.unwrap(), later.await.unwrap())
    /// });
    /// assert_eq!(out.result.unwrap(), ((true, false), vec![1, 2], vec![3]));
    /// ```
    pub fn done(&self) -> bool {
        self.children.resolved()
    }

    /// Cancels the unfinished children in argument order; asyncio's `gather(...).cancel()`.
    ///
    /// Returns false if the gather already completed or no child could be cancelled. The
    /// gather then completes with [`JoinError::Cancelled`] when the first cancelled child
    /// ends, or, if every child ended otherwise (they caught the cancellation with
    /// [`task::catch_cancelled`](crate::task::catch_cancelled) and returned), when the last
    /// one ends, with no message: asyncio's `_cancel_requested`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, gather, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = gather([sleep(Duration::from_secs(9)), sleep(Duration::from_secs(9))]);
    ///     assert!(g.cancel());
    ///     g.await
    /// });
    /// assert!(out.result.unwrap().unwrap_err().is_cancelled());
    /// assert_eq!(out.elapsed, Duration::ZERO);
    /// ```
    pub fn cancel(&self) -> bool {
        self.children.cancel(None)
    }

    /// Cancels the unfinished children in argument order with a message; asyncio's
    /// `gather(...).cancel(msg)`. Each child is cancelled with `message` (its `Drop` guards
    /// can read it with [`task::cancel_message`](crate::task::cancel_message)), and the
    /// gather completes with [`JoinError::Cancelled`] carrying it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{JoinError, Sim, gather, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = gather([sleep(Duration::from_secs(9))]);
    ///     assert!(g.cancel_with("shutdown"));
    ///     g.await
    /// });
    /// let expected = JoinError::Cancelled { message: Some("shutdown".into()) };
    /// assert_eq!(out.result.unwrap().unwrap_err(), expected);
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.children.cancel(Some(message.into()))
    }
}

impl<T: 'static> Future for Gather<T> {
    type Output = Result<Vec<T>, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let children = &mut self.get_mut().children;
        Poll::Ready(match std::task::ready!(children.poll_resolved(cx)) {
            Resolved::Failure(i) => match children.take(i) {
                Err(e) => Err(e),
                Ok(_) => unreachable!("a child that returned is not a failure"),
            },
            Resolved::All => children.take_all().into_iter().collect(),
            Resolved::Cancelled(message) => Err(JoinError::Cancelled {
                message: message.map(String::from),
            }),
        })
    }
}

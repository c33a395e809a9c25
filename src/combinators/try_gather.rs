//! `try_gather`: gather that fails on the first `Err` a child returns.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::children::{Children, Mode, Resolved};
use crate::task::{Awaitable, JoinError, spawn};

/// Like [`gather`](crate::gather) for futures returning `Result`: the first child to return
/// `Err` (or to panic, or be cancelled) fails the whole gather at once, while the other
/// children keep running, detached.
///
/// This is asyncio's `gather` with errors as values: in Python the child raises, here it
/// returns `Err`, and the error is handed back as [`GatherError::Failed`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{GatherError, Sim, sleep, try_gather};
///
/// let out = Sim::new().run(async {
///     try_gather([(1, false), (2, true)].map(|(s, fail)| async move {
///         sleep(Duration::from_secs(s)).await;
///         if fail { Err(format!("job {s} failed")) } else { Ok(s) }
///     }))
///     .await
/// });
/// assert_eq!(out.result.unwrap(), Err(GatherError::Failed("job 2 failed".to_string())));
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
pub fn try_gather<I, T, E>(futures: I) -> TryGather<T, E>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>> + 'static,
    T: 'static,
    E: 'static,
{
    let handles: Vec<_> = futures.into_iter().map(spawn).collect();
    try_gather_tasks(handles)
}

/// [`try_gather`] over tasks that are already spawned ([`JoinHandle`](crate::JoinHandle)s
/// or [`Task`](crate::Task) clones returning `Result`); asyncio's `gather(t1, t2)` over
/// tasks that may raise: the first task to end with `Err` (or to panic, or be cancelled)
/// fails the gather when it ends, whatever its position, and the others keep running.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{GatherError, Sim, sleep, spawn, try_gather_tasks};
///
/// let out = Sim::new().run(async {
///     let slow = spawn(async {
///         sleep(Duration::from_secs(2)).await;
///         Err::<(), _>("slow failed")
///     })
///     .share();
///     let fast = spawn(async {
///         sleep(Duration::from_secs(1)).await;
///         Err::<(), _>("fast failed")
///     })
///     .share();
///     let first = try_gather_tasks(vec![slow.clone(), fast.clone()]).await;
///     (first, simloop::now().to_string(), slow.await)
/// });
/// let (first, at, slow) = out.result.unwrap();
/// assert_eq!(first, Err(GatherError::Failed("fast failed")));
/// assert_eq!(at, "1000");
/// assert_eq!(slow, Ok(Err("slow failed")));
/// ```
///
/// # Panics
///
/// Panics outside a simulation, or with handles from another run.
#[track_caller]
pub fn try_gather_tasks<H, T, E>(handles: Vec<H>) -> TryGather<T, E>
where
    H: Awaitable<Value = Result<T, E>>,
    T: 'static,
    E: 'static,
{
    let mode = Mode::FirstFailure {
        value_fails: Some(|v: &Result<T, E>| v.is_err()),
    };
    TryGather {
        children: Children::new(handles, mode),
    }
}

/// Why a [`try_gather`] failed: the first child's `Err`, or its panic or cancellation.
///
/// # Examples
///
/// ```
/// let e: simloop::GatherError<&str> = simloop::GatherError::Failed("bad");
/// assert_eq!(e.to_string(), "a gathered task failed: bad");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatherError<E> {
    /// A child returned this error.
    Failed(E),
    /// A child panicked or was cancelled.
    Join(JoinError),
}

impl<E: fmt::Display> fmt::Display for GatherError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatherError::Failed(e) => write!(f, "a gathered task failed: {e}"),
            GatherError::Join(e) => write!(f, "a gathered {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> Error for GatherError<E> {}

/// The future returned by [`try_gather`].
///
/// # Examples
///
/// ```
/// use simloop::{Sim, TryGather, try_gather};
///
/// let out = Sim::new().run(async {
///     let g: TryGather<u8, ()> = try_gather([1, 2].map(|n| async move { Ok(n) }));
///     g.await
/// });
/// assert_eq!(out.result.unwrap(), Ok(vec![1, 2]));
/// ```
#[must_use = "futures do nothing unless awaited; dropping a gather cancels its children"]
pub struct TryGather<T, E> {
    children: Children<Result<T, E>>,
}

impl<T: 'static, E: 'static> TryGather<T, E> {
    /// Whether the gather resolved (a child failed, or every child returned), before it is
    /// awaited; asyncio's `gather(...).done()`. See [`Gather::done`](crate::Gather::done).
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, sleep, try_gather};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = try_gather([async { sleep(Duration::from_secs(1)).await; Err::<u8, &str>("bad") }]);
    ///     let before = g.done();
    ///     sleep(Duration::from_secs(2)).await;
    ///     (before, g.done(), g.await.is_err())
    /// });
    /// assert_eq!(out.result.unwrap(), (false, true, true));
    /// ```
    pub fn done(&self) -> bool {
        self.children.resolved()
    }

    /// Cancels the unfinished children in argument order; see
    /// [`Gather::cancel`](crate::Gather::cancel).
    ///
    /// ```
    /// use simloop::{GatherError, Sim, try_gather, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = try_gather([async { yield_now().await; Ok::<u8, ()>(1) }]);
    ///     assert!(g.cancel());
    ///     g.await
    /// });
    /// assert!(matches!(out.result.unwrap(), Err(GatherError::Join(e)) if e.is_cancelled()));
    /// ```
    pub fn cancel(&self) -> bool {
        self.children.cancel(None)
    }

    /// Cancels the unfinished children in argument order with a message; see
    /// [`Gather::cancel_with`](crate::Gather::cancel_with).
    ///
    /// ```
    /// use simloop::{GatherError, JoinError, Sim, try_gather, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = try_gather([async { yield_now().await; Ok::<u8, ()>(1) }]);
    ///     g.cancel_with("stop");
    ///     g.await
    /// });
    /// let expected = JoinError::Cancelled { message: Some("stop".into()) };
    /// assert_eq!(out.result.unwrap(), Err(GatherError::Join(expected)));
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.children.cancel(Some(message.into()))
    }
}

impl<T: 'static, E: 'static> Future for TryGather<T, E> {
    type Output = Result<Vec<T>, GatherError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let children = &mut self.get_mut().children;
        Poll::Ready(match std::task::ready!(children.poll_resolved(cx)) {
            Resolved::Failure(i) => match children.take(i) {
                Ok(Err(e)) => Err(GatherError::Failed(e)),
                Err(e) => Err(GatherError::Join(e)),
                Ok(Ok(_)) => unreachable!("a child that returned Ok is not a failure"),
            },
            Resolved::All => children
                .take_all()
                .into_iter()
                .map(|r| r.expect("no child failed").map_err(GatherError::Failed))
                .collect(),
            Resolved::Cancelled(message) => Err(GatherError::Join(JoinError::Cancelled {
                message: message.map(String::from),
            })),
        })
    }
}

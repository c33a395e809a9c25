//! `gather_all`: gather that collects every outcome (asyncio's `return_exceptions=True`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::children::{Children, Mode};
use crate::task::{Awaitable, JoinError, spawn};

/// Like [`gather`](crate::gather), but waits for every child and returns each outcome in
/// argument order, failures included; asyncio's `gather(..., return_exceptions=True)`.
///
/// A child's `Err` is simply its value here (errors are values in Rust); a panic or a
/// cancellation is its [`JoinError`].
///
/// **Differs from asyncio:** after [`GatherAll::cancel`] asyncio raises `CancelledError` from
/// the whole gather; simloop still returns the list, with the cancelled children's entries
/// set to [`JoinError::Cancelled`].
///
/// # Examples
///
/// ```
/// use simloop::{Sim, gather_all};
///
/// let out = Sim::new().run(async {
///     gather_all([1, 2, 3].map(|n| async move {
///         if n == 2 { panic!("two") }
///         n
///     }))
///     .await
/// });
/// let results = out.result.unwrap();
/// assert_eq!(results[0], Ok(1));
/// assert!(results[1].as_ref().unwrap_err().is_panic());
/// assert_eq!(results[2], Ok(3));
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
pub fn gather_all<I>(futures: I) -> GatherAll<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(spawn).collect();
    gather_all_tasks(handles)
}

/// [`gather_all`] over tasks that are already spawned ([`JoinHandle`](crate::JoinHandle)s
/// or [`Task`](crate::Task) clones); asyncio's `gather(t1, t2, return_exceptions=True)`.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, gather_all_tasks, spawn};
///
/// let out = Sim::new().run(async {
///     let ok = spawn(async { 1 }).share();
///     let failed = spawn(async { 2 });
///     failed.cancel();
///     gather_all_tasks(vec![ok.clone(), failed.share()]).await
/// });
/// let results = out.result.unwrap();
/// assert_eq!(results[0], Ok(1));
/// assert!(results[1].as_ref().unwrap_err().is_cancelled());
/// ```
///
/// # Panics
///
/// Panics outside a simulation, or with handles from another run.
#[track_caller]
pub fn gather_all_tasks<H: Awaitable>(handles: Vec<H>) -> GatherAll<H::Value> {
    GatherAll {
        children: Children::new(handles, Mode::CollectAll),
    }
}

/// The future returned by [`gather_all`].
///
/// # Examples
///
/// ```
/// use simloop::{GatherAll, Sim, gather_all};
///
/// let out = Sim::new().run(async {
///     let g: GatherAll<u8> = gather_all([async { 5 }]);
///     g.await
/// });
/// assert_eq!(out.result.unwrap(), [Ok(5)]);
/// ```
#[must_use = "futures do nothing unless awaited; dropping a gather cancels its children"]
pub struct GatherAll<T> {
    children: Children<T>,
}

impl<T: 'static> GatherAll<T> {
    /// Whether every child ended, before the gather is awaited; asyncio's
    /// `gather(..., return_exceptions=True).done()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, gather_all, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = gather_all([async { sleep(Duration::from_secs(1)).await; 1 }]);
    ///     let before = g.done();
    ///     sleep(Duration::from_secs(2)).await;
    ///     (before, g.done(), g.await.len())
    /// });
    /// assert_eq!(out.result.unwrap(), (false, true, 1));
    /// ```
    pub fn done(&self) -> bool {
        self.children.resolved()
    }

    /// Cancels the unfinished children in argument order; their entries become
    /// [`JoinError::Cancelled`].
    ///
    /// **Differs from asyncio:** a `gather(..., return_exceptions=True)` cancelled this way
    /// raises `CancelledError` from its await, its list lost; `GatherAll` still returns the
    /// list, so the caller that cancelled it finds the cancellation in the entries.
    /// Cancelling the task that awaits it ends that await, as in asyncio.
    ///
    /// ```
    /// use simloop::{Sim, gather_all, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = gather_all([async { yield_now().await; 1 }]);
    ///     g.cancel();
    ///     g.await
    /// });
    /// assert!(out.result.unwrap()[0].as_ref().unwrap_err().is_cancelled());
    /// ```
    pub fn cancel(&self) -> bool {
        self.children.cancel(None)
    }

    /// Cancels the unfinished children in argument order with a message, which their
    /// entries' [`JoinError::Cancelled`] carry; asyncio's `gather(...).cancel(msg)`.
    ///
    /// ```
    /// use simloop::{JoinError, Sim, gather_all, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let g = gather_all([async { yield_now().await; 1 }]);
    ///     g.cancel_with("stop");
    ///     g.await
    /// });
    /// let expected = JoinError::Cancelled { message: Some("stop".into()) };
    /// assert_eq!(out.result.unwrap()[0], Err(expected));
    /// ```
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.children.cancel(Some(message.into()))
    }
}

impl<T: 'static> Future for GatherAll<T> {
    type Output = Vec<Result<T, JoinError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let children = &mut self.get_mut().children;
        std::task::ready!(children.poll_resolved(cx));
        Poll::Ready(children.take_all())
    }
}

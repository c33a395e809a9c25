//! `timeout`: a future raced against a `Sleep`, the future polled first.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::error::Elapsed;
use super::{Instant, Sleep, sleep_until};

/// Requires `future` to complete within `duration`.
///
/// # Panics
///
/// Outside a runtime with timers (as `sleep`).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{sleep, timeout};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let quick = timeout(Duration::from_secs(1), async { 1 }).await;
///     assert_eq!(quick, Ok(1));
///     let slow = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2))).await;
///     assert!(slow.is_err());
/// });
/// ```
#[track_caller]
pub fn timeout<F: std::future::IntoFuture>(
    duration: Duration,
    future: F,
) -> Timeout<F::IntoFuture> {
    // `sleep(duration)` is the sleep `timeout_at(Instant::now() + duration)` makes, with
    // its virtual deadline computed at once (`sleep`'s fast path in a run).
    Timeout {
        value: future.into_future(),
        delay: super::sleep(duration),
    }
}

/// Requires `future` to complete before `deadline`.
///
/// # Panics
///
/// Outside a runtime with timers (as `sleep`).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, timeout_at};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let deadline = Instant::now() + Duration::from_millis(50);
///     let never = timeout_at(deadline, std::future::pending::<()>()).await;
///     assert!(never.is_err());
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
#[track_caller]
pub fn timeout_at<F: std::future::IntoFuture>(
    deadline: Instant,
    future: F,
) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

pin_project! {
    /// The future of [`timeout`] and [`timeout_at`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut bounded = tokio::time::timeout(Duration::from_secs(1), async { "inner" });
    ///     let _inner: &mut _ = bounded.get_mut();
    ///     assert_eq!(bounded.into_inner().await, "inner");
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        #[pin]
        delay: Sleep,
    }
}

impl<T> Timeout<T> {
    /// The inner future.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let bounded = tokio::time::timeout(Duration::from_secs(1), std::future::ready(3));
    ///     assert!(matches!(bounded.get_ref(), std::future::Ready { .. }));
    /// });
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The inner future, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut bounded = tokio::time::timeout(Duration::from_secs(1), std::future::ready(3));
    ///     let _inner: &mut std::future::Ready<i32> = bounded.get_mut();
    /// });
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// The inner future, the timeout dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let bounded = tokio::time::timeout(Duration::from_secs(1), std::future::ready(3));
    ///     assert_eq!(bounded.into_inner().await, 3);
    /// });
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(v) = this.value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        match this.delay.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        }
    }
}

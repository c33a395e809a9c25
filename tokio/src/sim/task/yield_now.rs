//! Yielding.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields once: the task goes behind every other ready task.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::sync::{Arc, Mutex};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let log = Arc::new(Mutex::new(Vec::new()));
/// rt.block_on({
///     let log = log.clone();
///     async move {
///         let other = tokio::spawn({
///             let log = log.clone();
///             async move { log.lock().unwrap().push("spawned") }
///         });
///         tokio::task::yield_now().await;
///         log.lock().unwrap().push("after yield");
///         other.await.unwrap();
///     }
/// });
/// assert_eq!(*log.lock().unwrap(), ["spawned", "after yield"]);
/// ```
pub async fn yield_now() {
    YieldNow { yielded: false }.await
}

struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        if simloop::time::try_now().is_some() && !crate::sim::runtime::in_park_hook() {
            // simloop's yield: the task is queued behind the ready ones (one wake, in order).
            let mut inner = std::pin::pin!(simloop::yield_now());
            let _ = inner.as_mut().poll(cx);
        } else {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

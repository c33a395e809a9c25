//! Yielding.

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

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
pub fn yield_now() -> impl Future<Output = ()> {
    // A plain future rather than tokio's `async fn` around one: each yield of a task's
    // loop polls it twice, and the wrapper's state machine was about 12 instructions a
    // yield (W3 yields a million times).
    YieldNow {
        yielded: false,
        _pinned: PhantomPinned,
    }
}

pin_project! {
    /// `!Unpin`, as tokio's `async fn` future is: code compiles under the cfg exactly when
    /// it compiles on tokio (`tests/auto_traits.rs`).
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    struct YieldNow {
        yielded: bool,
        #[pin]
        _pinned: PhantomPinned,
    }
}

impl Future for YieldNow {
    type Output = ();

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let yielded = self.project().yielded;
        if *yielded {
            return Poll::Ready(());
        }
        *yielded = true;
        yield_turn(cx);
        Poll::Pending
    }
}

/// Queues the running task behind the ready ones.
fn yield_turn(cx: &Context<'_>) {
    // In a run (outside its park hook), simloop's yield: the task is queued behind the
    // ready ones (one wake, in order), in one look at the run.
    if crate::sim::runtime::in_park_hook() || !simloop::task::try_yield(cx) {
        cx.waker().wake_by_ref();
    }
}

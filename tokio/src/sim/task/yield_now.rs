//! Yielding, and tokio's cooperative budget (which a simulated run does not need).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// Yields once: the task goes behind every other ready task.
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
        if simloop::time::try_now().is_some() {
            // simloop's yield: the task is queued behind the ready ones (one wake, in order).
            let mut inner = std::pin::pin!(simloop::yield_now());
            let _ = inner.as_mut().poll(cx);
        } else {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Consumes a unit of tokio's cooperative budget; a simulated run has no budget (the
/// scheduler decides who runs), so this returns at once.
pub async fn consume_budget() {}

/// Runs `inner` outside tokio's cooperative budget; the budget does not exist in a
/// simulated run, so this is `inner` itself.
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

pin_project! {
    /// The future of [`unconstrained`].
    #[must_use = "futures do nothing unless awaited"]
    pub struct Unconstrained<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}

//! tokio's cooperative budget, which a simulated run does not need: the scheduler decides
//! who runs, so these never make a task yield.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pub use super::yield_now::{Unconstrained, consume_budget, unconstrained};

/// Whether the task has budget left: always, in a simulated run.
pub fn has_budget_remaining() -> bool {
    true
}

/// Asks to proceed; always ready in a simulated run.
pub fn poll_proceed(_cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    Poll::Ready(RestoreOnPending(()))
}

/// The token of [`poll_proceed`].
#[derive(Debug)]
pub struct RestoreOnPending(());

impl RestoreOnPending {
    /// Marks that the operation made progress.
    pub fn made_progress(&self) {}
}

/// Makes `fut` take part in the budget: `fut` itself, in a simulated run.
pub fn cooperative<F: Future>(fut: F) -> Coop<F> {
    Coop { fut }
}

pin_project! {
    /// The future of [`cooperative`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Coop<F> {
        #[pin]
        fut: F,
    }
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().fut.poll(cx)
    }
}

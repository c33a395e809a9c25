//! Running blocking work inside the simulation.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::time::{Sleep, sleep};

/// Runs the blocking closure `f` and completes after `cost` of virtual time: asyncio's
/// `to_thread`, made deterministic.
///
/// `f` runs on the simulation's thread at the task's first poll (so it sees the virtual
/// clock at that instant and must not wait on other tasks), in a copy of the caller's
/// context (what it sets in [`contextvars`](crate::contextvars) is not the caller's, as in
/// asyncio); the task then sleeps for `cost`,
/// the time the work would take on a real thread, and returns `f`'s value. With a zero cost
/// it still yields once, as awaiting a thread's result does in asyncio.
///
/// **Differs from asyncio:** nothing runs in parallel: the work happens at one instant and
/// `cost` models its duration. Cancelling the caller during `cost` drops the value (the work
/// already happened, as a real thread cannot be stopped either).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, now, sync::to_thread};
///
/// let out = Sim::new().run(async {
///     let n = to_thread(|| (1..=10u64).product::<u64>(), Duration::from_millis(30)).await;
///     (n, now().to_string())
/// });
/// assert_eq!(out.result.unwrap(), (3628800, "30".to_string()));
/// ```
pub fn to_thread<F: FnOnce() -> R, R>(f: F, cost: Duration) -> ToThread<F, R> {
    ToThread {
        work: Some(f),
        value: None,
        cost: sleep(cost),
    }
}

/// The future returned by [`to_thread`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// simloop::Sim::new().run(async {
///     let t: simloop::sync::ToThread<_, u8> = simloop::sync::to_thread(|| 7, Duration::ZERO);
///     assert_eq!(t.await, 7);
/// });
/// ```
///
/// # Cancel safety
///
/// Dropped before its first poll, the closure never runs; dropped later, its value is lost.
#[must_use = "futures do nothing unless awaited"]
pub struct ToThread<F, R> {
    work: Option<F>,
    value: Option<R>,
    cost: Sleep,
}

// Nothing is structurally pinned: the closure and value are moved, and `Sleep` is `Unpin`.
impl<F, R> Unpin for ToThread<F, R> {}

impl<F: FnOnce() -> R, R> Future for ToThread<F, R> {
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        if let Some(work) = this.work.take() {
            // In a copy of the caller's context, as asyncio's `to_thread` runs it.
            this.value = Some(crate::contextvars::run_in_copy(work));
        }
        match Pin::new(&mut this.cost).poll(cx) {
            Poll::Ready(()) => Poll::Ready(
                this.value
                    .take()
                    .expect("simloop: to_thread polled after it completed"),
            ),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F, R> fmt::Debug for ToThread<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToThread")
            .field("ran", &self.work.is_none())
            .field("cost", &self.cost)
            .finish_non_exhaustive()
    }
}

//! Yielding to other ready tasks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::runtime::with;

/// Yields once: the task goes to the back of the ready queue, like `asyncio.sleep(0)`.
///
/// Virtual time does not move while any task is ready, so a task that only yields keeps
/// the clock frozen (until the step limit stops the run).
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, spawn, yield_now};
///
/// let out = Sim::new().run(async {
///     let other = spawn(async { log!("other") });
///     log!("before");
///     yield_now().await;
///     log!("after");
///     other.await.unwrap();
/// });
/// assert_eq!(out.trace.logs(), "t=0 before\nt=0 other\nt=0 after\n");
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// ```
/// let _y: simloop::YieldNow = simloop::yield_now();
/// ```
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            // The resumed poll: inlined into the caller, without the frame of the wake.
            return Poll::Ready(());
        }
        self.yielded = true;
        yield_turn(cx);
        Poll::Pending
    }
}

/// Queues the running task behind the ready ones: out of line, so that the resumed poll
/// above stays a test and a return.
#[inline(never)]
fn yield_turn(cx: &Context<'_>) {
    with("yield_now", |c| c.wake_running(cx.waker()));
}

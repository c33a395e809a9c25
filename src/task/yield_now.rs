//! Yielding to other ready tasks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::runtime::{try_with, with};

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

/// Queues the running task behind the ready ones, as a [`yield_now`]'s first poll does,
/// if this thread is in a run; `false` (nothing done) outside one.
///
/// For a yield future of another API (simloop-tokio's `tokio::task::yield_now`) that
/// falls back to waking itself outside a run: one look at the run instead of two.
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
/// use simloop::{Sim, task};
///
/// /// Yields once: through simloop in a run, by waking itself elsewhere.
/// struct Yield(bool);
///
/// impl Future for Yield {
///     type Output = ();
///
///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
///         if std::mem::replace(&mut self.0, true) {
///             return Poll::Ready(());
///         }
///         if !task::try_yield(cx) {
///             cx.waker().wake_by_ref();
///         }
///         Poll::Pending
///     }
/// }
///
/// assert!(!task::try_yield(&Context::from_waker(Waker::noop()))); // no run here
/// let out = Sim::new().run(async {
///     Yield(false).await;
///     "resumed"
/// });
/// assert_eq!(out.result.unwrap(), "resumed");
/// ```
#[inline]
pub fn try_yield(cx: &Context<'_>) -> bool {
    try_with(|c| c.wake_running(cx.waker())).is_some()
}

//! A run kept busy at one instant, on tokio (built normally) and on the simulation: on a
//! runtime whose clock is not paused, time passes while tasks keep the run busy, so a timer
//! a busy task waits for fires. (Before, the virtual clock moved only when no task was
//! ready, and tokio's time_rt `starving` and time_timeout `timeout_is_not_exhausted_by_future`
//! spun until the step limit.)

extern crate simloop_tokio as tokio;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, sleep_until, timeout};

/// Polls a sleep and wakes itself while it is pending: the task is always ready.
struct Starve<F>(Pin<Box<F>>, u64);

impl<F: Future<Output = ()>> Future for Starve<F> {
    type Output = u64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        if self.0.as_mut().poll(cx).is_ready() {
            return Poll::Ready(self.1);
        }
        self.1 += 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[tokio::test]
async fn a_task_that_keeps_itself_ready_sees_its_timer_fire() {
    let when = Instant::now() + Duration::from_millis(10);
    let polls = Starve(Box::pin(sleep_until(when)), 0).await;
    assert!(Instant::now() >= when);
    assert!(polls > 0);
}

#[tokio::test]
async fn a_spawned_busy_task_sees_its_timer_fire() {
    let when = Instant::now() + Duration::from_millis(3);
    let polls = tokio::spawn(Starve(Box::pin(sleep_until(when)), 0)).await;
    assert!(polls.unwrap() > 0);
    assert!(Instant::now() >= when);
}

#[tokio::test]
async fn a_timeout_fires_around_a_future_that_only_yields() {
    let busy = async {
        loop {
            tokio::task::yield_now().await;
        }
    };
    assert!(timeout(Duration::from_millis(2), busy).await.is_err());
}

/// Under the simulation: the figures (a thousand polls at one instant are a millisecond),
/// and a paused clock stays still however busy the run is.
#[cfg(simloop)]
mod simulated {
    use super::*;

    #[tokio::test]
    async fn a_thousand_polls_in_a_row_are_a_millisecond() {
        let start = Instant::now();
        let when = start + Duration::from_millis(10);
        let polls = Starve(Box::pin(sleep_until(when)), 0).await;
        assert_eq!(Instant::now() - start, Duration::from_millis(10));
        // Ten ticks of 1,000 polls each, all pending.
        assert_eq!(polls, 10_000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_does_not_move_while_the_run_is_busy() {
        let start = Instant::now();
        for _ in 0..5_000 {
            tokio::task::yield_now().await;
        }
        assert_eq!(Instant::now(), start);
    }

    #[tokio::test]
    async fn pausing_mid_run_stops_the_busy_clock_and_resuming_restarts_it() {
        tokio::time::pause();
        let start = Instant::now();
        for _ in 0..5_000 {
            tokio::task::yield_now().await;
        }
        assert_eq!(Instant::now(), start);
        tokio::time::resume();
        for _ in 0..2_000 {
            tokio::task::yield_now().await;
        }
        // A tick for the switch back to a running clock, two for the 2,000 polls.
        assert_eq!(Instant::now() - start, Duration::from_millis(3));
    }

    #[tokio::test]
    async fn an_idle_run_resets_the_count() {
        let start = Instant::now();
        for _ in 0..10 {
            for _ in 0..900 {
                tokio::task::yield_now().await;
            }
            // The clock jumps here, to the sleep's deadline: the count starts again.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(Instant::now() - start, Duration::from_millis(50));
    }
}

/// Regression (tokio's `test_clock` `resume_lets_time_move_forward_instead_of_resetting_it`
/// and `can_pause_after_resume`): a running clock moves between readings, so `pause`
/// freezes it later than it was last read, and after `resume` the next reading is later
/// than the frozen one. Before, the virtual clock stood still across both, and an
/// `advance` of 10 s after a `pause` read exactly 10 s.
#[tokio::test]
async fn pausing_and_resuming_a_running_clock_moves_it_forward() {
    let start = Instant::now();
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(10)).await;
    let frozen = Instant::now();
    assert!(frozen - start > Duration::from_secs(10));
    assert!(frozen - start < Duration::from_secs(11));
    tokio::time::resume();
    assert!(Instant::now() > frozen);
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(Instant::now() - start > Duration::from_secs(20));
    assert!(Instant::now() - start < Duration::from_secs(21));
}

//! `Interval`: ticks at a fixed period on a `Sleep`, with tokio's missed-tick rules.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Instant, Sleep, sleep_until};

/// An interval whose first tick completes at once.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, interval};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let mut every_10ms = interval(Duration::from_millis(10));
///     for _ in 0..3 {
///         every_10ms.tick().await;
///     }
///     // Ticks at 0, 10 and 20 ms.
///     assert_eq!(start.elapsed(), Duration::from_millis(20));
/// });
/// ```
///
/// # Panics
///
/// When `period` is zero.
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    interval_at(Instant::now(), period)
}

/// An interval whose first tick completes at `start`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, interval_at};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now() + Duration::from_secs(1);
///     let mut ticks = interval_at(start, Duration::from_secs(1));
///     assert_eq!(ticks.tick().await, start);
///     assert_eq!(ticks.tick().await, start + Duration::from_secs(1));
/// });
/// ```
///
/// # Panics
///
/// When `period` is zero.
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    super::sleep::check_timers();
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed (the task was late by more than 5ms).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, MissedTickBehavior, interval, sleep};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let mut ticks = interval(Duration::from_millis(10));
///     ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
///     ticks.tick().await;
///     sleep(Duration::from_millis(25)).await; // late for the ticks at 10 and 20 ms
///     ticks.tick().await; // the late tick, at once
///     ticks.tick().await; // a period after it
///     assert_eq!(start.elapsed(), Duration::from_millis(35));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up (the default).
    #[default]
    Burst,
    /// The next tick is a period after the late one.
    Delay,
    /// Skips the missed ticks; the next one is on the original schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The next deadline after the tick due at `timeout` was taken late, at `now`.
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => {
                now.checked_add(period).unwrap_or_else(Instant::far_future)
            }
            MissedTickBehavior::Skip => {
                let late = (now - timeout).as_nanos() % period.as_nanos();
                now + period - Duration::from_nanos(u64::try_from(late).unwrap_or(u64::MAX))
            }
        }
    }
}

/// Ticks at a fixed period (see [`interval`]).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
///     assert_eq!(ticks.period(), Duration::from_secs(1));
///     let first = ticks.tick().await;
///     ticks.reset_after(Duration::from_secs(5));
///     assert_eq!(ticks.tick().await, first + Duration::from_secs(5));
/// });
/// ```
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and gives the instant it was due.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_millis(100));
    ///     let first = ticks.tick().await;
    ///     assert_eq!(ticks.tick().await - first, Duration::from_millis(100));
    /// });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     let first = std::future::poll_fn(|cx| ticks.poll_tick(cx)).await;
    ///     assert_eq!(first, tokio::time::Instant::now());
    /// });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if self.delay.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout + Duration::from_millis(5) {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout
                .checked_add(self.period)
                .unwrap_or_else(Instant::far_future)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(timeout)
    }

    /// The next tick is a period from now.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     ticks.tick().await;
    ///     tokio::time::sleep(Duration::from_millis(500)).await;
    ///     ticks.reset();
    ///     let start = tokio::time::Instant::now();
    ///     ticks.tick().await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(1));
    /// });
    /// ```
    pub fn reset(&mut self) {
        self.delay.as_mut().reset(after(self.period));
    }

    /// The next tick is now.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     ticks.tick().await;
    ///     ticks.reset_immediately();
    ///     let start = tokio::time::Instant::now();
    ///     ticks.tick().await;
    ///     assert_eq!(start.elapsed(), Duration::ZERO);
    /// });
    /// ```
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// The next tick is `after` from now.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     ticks.reset_after(Duration::from_secs(3));
    ///     let start = tokio::time::Instant::now();
    ///     ticks.tick().await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(3));
    /// });
    /// ```
    pub fn reset_after(&mut self, delay: Duration) {
        self.delay.as_mut().reset(after(delay));
    }

    /// The next tick is at `deadline`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     let at = tokio::time::Instant::now() + Duration::from_secs(4);
    ///     ticks.reset_at(at);
    ///     assert_eq!(ticks.tick().await, at);
    /// });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// What happens when ticks are missed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let ticks = tokio::time::interval(Duration::from_secs(1));
    ///     assert_eq!(ticks.missed_tick_behavior(), tokio::time::MissedTickBehavior::Burst);
    /// });
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what happens when ticks are missed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ///     ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    ///     assert_eq!(ticks.missed_tick_behavior(), tokio::time::MissedTickBehavior::Skip);
    /// });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The period.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     assert_eq!(tokio::time::interval(Duration::from_secs(2)).period(), Duration::from_secs(2));
    /// });
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

/// `delay` from now, or far in the future when that overflows.
fn after(delay: Duration) -> Instant {
    Instant::now()
        .checked_add(delay)
        .unwrap_or_else(Instant::far_future)
}

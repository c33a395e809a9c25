//! Sleeping on the virtual clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Instant;
use crate::runtime::{TimerKey, try_with, with};

/// Waits until `duration` of virtual time has passed.
///
/// Like asyncio, a zero duration does not arm a timer: it yields once, re-queueing the task
/// at the back of the ready queue (`asyncio.sleep(0)`). A timer wake costs two ready-queue
/// slots, as in asyncio (the timer callback, then the task).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, now, sleep};
///
/// let out = Sim::new().run(async {
///     sleep(Duration::from_secs(1)).await;
///     sleep(Duration::from_secs(2)).await;
///     now().to_string()
/// });
/// assert_eq!(out.result.unwrap(), "3000");
/// ```
///
/// # Cancel safety
///
/// Dropping a `Sleep` disarms its timer.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep::new(
        u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX),
        State::After,
    )
}

/// Waits until the virtual clock reaches `deadline`; a deadline not in the future yields
/// once, like [`sleep`] with zero.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Instant, Sim, now, sleep_until};
///
/// let out = Sim::new().run(async {
///     sleep_until(Instant::ZERO + Duration::from_millis(250)).await;
///     now()
/// });
/// assert_eq!(out.result.unwrap().to_string(), "250");
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline.as_nanos(), State::At)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// let s: simloop::Sleep = simloop::sleep(Duration::from_millis(5));
/// assert_eq!(s.deadline(), None); // not armed until first polled inside a run
/// ```
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct Sleep {
    /// Nanoseconds: the duration before the first poll of a `sleep`, else the deadline.
    nanos: u64,
    /// The timer, while `Armed`.
    key: TimerKey,
    /// The run that armed the timer (its id's low bits), so that a sleep dropped in another
    /// run leaves that run's timers alone.
    run: u32,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not polled yet; `nanos` is relative to the first poll, like `asyncio.sleep`.
    After,
    /// Not polled yet; `nanos` is the deadline.
    At,
    Armed,
    Yielded,
    Done,
}

impl Sleep {
    fn new(nanos: u64, state: State) -> Sleep {
        Sleep {
            nanos,
            key: TimerKey::NONE,
            run: 0,
            state,
        }
    }

    /// The deadline, once the sleep has been polled and armed a timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Instant, Sim, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     let mut nap = Box::pin(sleep(Duration::from_millis(30)));
    ///     assert_eq!(nap.deadline(), None); // not polled yet
    ///     let _ = futures::poll!(nap.as_mut());
    ///     let armed = nap.deadline();
    ///     nap.await;
    ///     armed
    /// });
    /// assert_eq!(out.result.unwrap(), Some(Instant::from_nanos(30_000_000)));
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        (self.state == State::Armed).then_some(Instant::from_nanos(self.nanos))
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        with("sleep", |c| match this.state {
            State::After | State::At => {
                let deadline = match this.state {
                    State::After => {
                        Instant::from_nanos(c.now().as_nanos().saturating_add(this.nanos))
                    }
                    _ => Instant::from_nanos(this.nanos),
                };
                let me = c.current();
                if deadline <= c.now() {
                    c.wake(me, cx.waker());
                    this.state = State::Yielded;
                } else {
                    this.key = c.arm_sleep(deadline, cx.waker());
                    this.nanos = deadline.as_nanos();
                    this.run = c.run_id() as u32;
                    this.state = State::Armed;
                    c.sleep_on(deadline);
                }
                Poll::Pending
            }
            State::Armed => {
                let deadline = Instant::from_nanos(this.nanos);
                // A timer of an ended run (the sleep was carried into this one) is gone.
                if this.run != c.run_id() as u32 || c.sleep_fired(this.key, deadline) {
                    this.state = State::Done;
                    Poll::Ready(())
                } else {
                    c.set_timer_waker(this.key, cx.waker());
                    c.sleep_on(deadline);
                    Poll::Pending
                }
            }
            State::Yielded | State::Done => {
                this.state = State::Done;
                Poll::Ready(())
            }
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if self.state == State::Armed {
            let (key, run, deadline) = (self.key, self.run, Instant::from_nanos(self.nanos));
            let waker = try_with(|c| {
                if c.run_id() as u32 == run {
                    c.cancel_sleep(key, deadline)
                } else {
                    None
                }
            })
            .flatten();
            drop(waker);
        }
    }
}

#[cfg(test)]
mod tests {
    /// A sleep is part of nearly every task's future, and the futures are what a run with
    /// many tasks keeps in memory: it stays at 24 bytes.
    #[test]
    fn a_sleep_is_small() {
        assert!(std::mem::size_of::<super::Sleep>() <= 24);
    }
}

//! Sleeping on the virtual clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Instant;
use crate::runtime::{TimerKey, WaitOn, try_with, with};

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
    Sleep {
        target: Target::After(duration),
        state: State::Init,
    }
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
    Sleep {
        target: Target::At(deadline),
        state: State::Init,
    }
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
    target: Target,
    state: State,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    /// Relative to the time of the first poll, like `asyncio.sleep`.
    After(Duration),
    At(Instant),
}

#[derive(Debug)]
enum State {
    Init,
    Armed(Instant, TimerKey, u64),
    Yielded,
    Done,
}

impl Sleep {
    /// The deadline, once the sleep has been polled and armed a timer.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Armed(deadline, ..) => Some(deadline),
            _ => None,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        with("sleep", |c| match this.state {
            State::Init => {
                let deadline = match this.target {
                    Target::After(d) if d.is_zero() => c.now,
                    Target::After(d) => c.now + d,
                    Target::At(t) => t,
                };
                let me = c.current();
                if deadline <= c.now {
                    c.wake(me, cx.waker());
                    this.state = State::Yielded;
                } else {
                    this.state =
                        State::Armed(deadline, c.arm_timer(deadline, cx.waker()), c.run_id);
                    c.wait_on(WaitOn::Sleep(deadline));
                }
                Poll::Pending
            }
            State::Armed(deadline, key, _) => {
                if c.timers.is_armed(key) {
                    c.set_timer_waker(key, cx.waker());
                    c.wait_on(WaitOn::Sleep(deadline));
                    Poll::Pending
                } else {
                    this.state = State::Done;
                    Poll::Ready(())
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
        if let State::Armed(_, key, run) = self.state {
            let waker = try_with(|c| {
                if c.run_id == run {
                    c.timers.cancel(key)
                } else {
                    None
                }
            })
            .flatten();
            drop(waker);
        }
    }
}

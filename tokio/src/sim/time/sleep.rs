//! `Sleep`: a simloop timer behind tokio's API (`reset`, `deadline`, `is_elapsed`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::Instant;
use crate::sim::context::{self, NO_RUNTIME};

/// Waits until `duration` has passed on the virtual clock.
///
/// The deadline is fixed when `sleep` is called (tokio's rule, unlike asyncio's), and
/// rounded up to a whole millisecond when the timer is armed.
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `enable_time` (tokio's messages).
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    sleep_until(deadline)
}

/// Waits until `deadline`; an elapsed deadline completes at the first poll.
///
/// # Panics
///
/// As [`sleep`].
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    check_timers();
    Sleep {
        deadline,
        timer: None,
        elapsed: false,
        waker: None,
    }
}

/// Panics as tokio does when no runtime with timers is current.
#[track_caller]
pub(crate) fn check_timers() {
    let enabled = context::with_run(|r| (r.handle.time_enabled(), r.handle.is_shut_down()))
        .or_else(|| context::current_handle().map(|h| (h.time_enabled(), h.is_shut_down())));
    match enabled {
        Some((true, false)) => {}
        Some((true, true)) => panic!("A Tokio 1.x context was found, but it is being shutdown."),
        Some((false, _)) => panic!(
            "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers."
        ),
        None => panic!("{NO_RUNTIME}"),
    }
}

/// The future of [`sleep`] and [`sleep_until`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    /// The armed simloop timer and the virtual deadline it was armed for.
    timer: Option<(simloop::Sleep, simloop::Instant)>,
    elapsed: bool,
    /// The waker of the last pending poll, to re-arm at once on `reset`.
    waker: Option<Waker>,
}

impl Sleep {
    /// The instant the sleep ends.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the sleep has completed (tokio's timer fired): false until it is polled
    /// at or after its deadline.
    pub fn is_elapsed(&self) -> bool {
        self.elapsed
    }

    /// Moves the deadline; the sleep waits again, even when it had completed.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        this.deadline = deadline;
        this.elapsed = false;
        this.timer = None;
        if let Some(waker) = this.waker.clone() {
            // Re-arm now, as tokio re-registers the timer, so the waiting task is woken at
            // the new deadline without another poll first.
            let _ = this.poll_timer(&mut Context::from_waker(&waker));
        }
    }

    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.elapsed {
            return Poll::Ready(());
        }
        let timer = match &mut self.timer {
            // Armed: the simloop timer says when it fired (the deadline only moves by
            // `reset`, which disarms).
            Some((timer, _)) => timer,
            slot => {
                let (Some(target), Some(now)) =
                    (self.deadline.to_virtual(), simloop::time::try_now())
                else {
                    return self.poll_real(cx);
                };
                if target <= now {
                    self.elapsed = true;
                    return Poll::Ready(());
                }
                &mut slot.insert((simloop::sleep_until(target), target)).0
            }
        };
        match Pin::new(timer).poll(cx) {
            Poll::Ready(()) => {
                self.elapsed = true;
                self.timer = None;
                self.waker = None;
                Poll::Ready(())
            }
            Poll::Pending => {
                match &mut self.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    w => *w = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}

impl Sleep {
    /// A sleep polled on a thread with no run (a `spawn_blocking` closure's, which
    /// `futures::executor::block_on`s it, or a thread that entered the runtime): there is
    /// no virtual clock, so it waits on the real one, whose reading its deadline came
    /// from; a helper thread wakes it at the deadline.
    fn poll_real(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.deadline.into_std();
        if std::time::Instant::now() >= deadline {
            self.elapsed = true;
            return Poll::Ready(());
        }
        let waker = cx.waker().clone();
        std::thread::spawn(move || {
            std::thread::sleep(deadline.saturating_duration_since(std::time::Instant::now()));
            waker.wake();
        });
        Poll::Pending
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_timer(cx)
    }
}

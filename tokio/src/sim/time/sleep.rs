//! `Sleep`: a simloop timer behind tokio's API (`reset`, `deadline`, `is_elapsed`).

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::Instant;
use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::runtime::SHUTTING_DOWN;

/// Waits until `duration` has passed on the virtual clock.
///
/// The deadline is fixed when `sleep` is called (tokio's rule, unlike asyncio's), and
/// rounded up to a whole millisecond when the timer is armed.
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `enable_time` (tokio's messages).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, sleep};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     sleep(Duration::from_secs(30)).await;
///     assert_eq!(start.elapsed(), Duration::from_secs(30));
/// });
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    // In a run whose timers work, one look at the run gives the checks, the clock, and the
    // virtual deadline the timer will be armed with (`State::target`): a timer-heavy
    // program makes a sleep per wait, and the separate lookups and the conversion back
    // from tokio's `Instant` were about 6% of W1's instructions.
    let in_run = context::with_run(|r| {
        let usable = r.handle.time_enabled() && !r.handle.is_shut_down();
        usable
            .then(|| simloop::time::try_now().map(|now| (r.origin, now, r.number)))
            .flatten()
    })
    .flatten();
    if let Some((origin, now, run)) = in_run {
        // `Instant::now() + duration` (the origin plus the virtual time), added in the
        // other order, which is the same sum.
        let since = now.elapsed_since_start().checked_add(duration);
        if let Some((since, deadline)) = since.and_then(|s| Some((s, origin.checked_add(s)?))) {
            return Sleep::new(
                Instant::from_std(deadline),
                Some((super::instant::virtual_deadline(since), run)),
            );
        }
    }
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
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, sleep_until};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let deadline = Instant::now() + Duration::from_secs(3);
///     sleep_until(deadline).await;
///     assert_eq!(Instant::now(), deadline);
/// });
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    check_timers();
    Sleep::new(deadline, None)
}

/// Panics as tokio does when no runtime with timers is current.
#[track_caller]
pub(crate) fn check_timers() {
    let enabled = context::with_run(|r| (r.handle.time_enabled(), r.handle.is_shut_down()))
        .or_else(|| context::current_handle().map(|h| (h.time_enabled(), h.is_shut_down())));
    match enabled {
        Some((true, false)) => {}
        Some((true, true)) => panic!("{SHUTTING_DOWN}"),
        Some((false, _)) => panic!(
            "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers."
        ),
        None => panic!("{NO_RUNTIME}"),
    }
}

pin_project! {
    /// The future of [`sleep`] and [`sleep_until`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    /// use tokio::time::{Instant, sleep};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     let mut nap = std::pin::pin!(sleep(Duration::from_secs(1)));
    ///     assert_eq!(nap.deadline(), start + Duration::from_secs(1));
    ///     nap.as_mut().reset(start + Duration::from_secs(2));
    ///     nap.as_mut().await;
    ///     assert!(nap.is_elapsed());
    ///     assert_eq!(start.elapsed(), Duration::from_secs(2));
    /// });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Sleep {
        state: State,
        // tokio's `Sleep` is `!Unpin` (its timer entry is linked into the wheel): code
        // that moves an unpinned sleep compiles here only if it does on tokio.
        #[pin]
        _pinned: PhantomPinned,
    }
}

/// A sleep's timer state (`Unpin`: the pin is `Sleep`'s marker's).
#[derive(Debug)]
struct State {
    deadline: Instant,
    /// `deadline` on the virtual clock of the run numbered with it (`Instant::to_virtual`
    /// there), when the sleep was made in that run: arming it there needs no conversion.
    target: Option<(simloop::Instant, u64)>,
    /// The armed simloop timer and the number of the run it was armed in.
    timer: Option<(simloop::Sleep, u64)>,
    elapsed: bool,
    /// The waker of the last pending poll, to re-arm at once on `reset`.
    waker: Option<Waker>,
}

impl Sleep {
    /// A sleep until `deadline`; `target`: its virtual deadline in the run numbered with it.
    fn new(deadline: Instant, target: Option<(simloop::Instant, u64)>) -> Sleep {
        Sleep {
            state: State {
                deadline,
                target,
                timer: None,
                elapsed: false,
                waker: None,
            },
            _pinned: PhantomPinned,
        }
    }

    /// The instant the sleep ends.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let nap = tokio::time::sleep(Duration::from_secs(1));
    ///     assert_eq!(nap.deadline(), tokio::time::Instant::now() + Duration::from_secs(1));
    /// });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.state.deadline
    }

    /// Whether the sleep has completed (tokio's timer fired): false until it is polled
    /// at or after its deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut nap = std::pin::pin!(tokio::time::sleep(Duration::from_secs(1)));
    ///     assert!(!nap.is_elapsed());
    ///     nap.as_mut().await;
    ///     assert!(nap.is_elapsed());
    /// });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.state.elapsed
    }

    /// Moves the deadline; the sleep waits again, even when it had completed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let start = tokio::time::Instant::now();
    ///     let mut nap = std::pin::pin!(tokio::time::sleep(Duration::from_secs(10)));
    ///     nap.as_mut().reset(start + Duration::from_secs(1));
    ///     nap.await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(1));
    /// });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project().state;
        this.deadline = deadline;
        this.target = None;
        this.elapsed = false;
        this.timer = None;
        if let Some(waker) = this.waker.clone() {
            // Re-arm now, as tokio re-registers the timer, so the waiting task is woken at
            // the new deadline without another poll first.
            let _ = this.poll_timer(&mut Context::from_waker(&waker));
        }
    }
}

impl State {
    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.elapsed {
            return Poll::Ready(());
        }
        if self
            .timer
            .as_ref()
            .is_some_and(|(_, run)| *run != context::run_number())
        {
            // Armed in another run (a sleep made in one `block_on` and awaited in the
            // next): that run's timer is gone; arm it again in this one.
            self.timer = None;
        }
        let timer = match &mut self.timer {
            // Armed: the simloop timer says when it fired (the deadline only moves by
            // `reset`, which disarms).
            Some((timer, _)) => timer,
            slot => {
                let target = match self.target {
                    // Made in this run (a run's number is never 0, so this one exists).
                    Some((target, run)) if run == context::run_number() => Some(target),
                    _ => self.deadline.to_virtual(),
                };
                let (Some(target), Some(now)) = (target, simloop::time::try_now()) else {
                    return self.poll_real(cx);
                };
                if context::with_run(|r| r.handle.is_shut_down()) == Some(true) {
                    // tokio's timer refuses to arm on a runtime that shut down since the
                    // sleep was made.
                    panic!("{SHUTTING_DOWN}");
                }
                if target <= now {
                    self.elapsed = true;
                    return Poll::Ready(());
                }
                &mut slot
                    .insert((simloop::sleep_until(target), context::run_number()))
                    .0
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

    /// A sleep polled on a thread with no run (a `spawn_blocking` closure's, which
    /// `futures::executor::block_on`s it, or a thread that entered the runtime): there is
    /// no virtual clock, so on a runtime whose clock is not paused it waits on the real
    /// one, whose reading its deadline came from, a helper thread waking it at the
    /// deadline; a paused clock stands still outside runs (`Instant::now` there reads it),
    /// so the sleep waits for a run.
    fn poll_real(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if context::current_handle().is_some_and(|h| h.is_paused()) {
            // A paused clock moves only in the runtime's runs: a later run arms it.
            return Poll::Pending;
        }
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
        self.project().state.poll_timer(cx)
    }
}

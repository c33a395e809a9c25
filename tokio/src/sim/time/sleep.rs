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
        if !r.handle.time_enabled() || r.handle.is_shut_down() {
            return None;
        }
        simloop::time::try_now().map(|now| (r.origin, now, r.number))
    })
    .flatten();
    if let Some((origin, now, run)) = in_run {
        // `Instant::now() + duration`: the origin plus the virtual time since it, summed in
        // nanoseconds (the same sum as in `Duration`s while it fits in a u64: 584 years).
        let since = u64::try_from(duration.as_nanos())
            .ok()
            .and_then(|d| now.as_nanos().checked_add(d));
        if let Some(since) = since {
            if let Some(deadline) = origin.checked_add(Duration::from_nanos(since)) {
                return Sleep::new(
                    Instant::from_std(deadline),
                    Some((super::instant::virtual_deadline_nanos(since), run)),
                );
            }
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
    /// `deadline` on the virtual clock of run `run` (`Instant::to_virtual` there).
    target: simloop::Instant,
    /// The run `target` and `timer` belong to; 0 (no run's number) until the sleep has a
    /// target: made outside a run, or reset. In another run, both are made again.
    run: u64,
    /// The simloop timer at `target`, armed by its first poll (`armed`): made unarmed, it
    /// holds no timer, and a sleep made in a run and awaited there needs no conversion.
    timer: simloop::Sleep,
    armed: bool,
    elapsed: bool,
    /// The waker of the last pending poll, to re-arm at once on `reset`.
    waker: Option<Waker>,
}

impl Sleep {
    /// A sleep until `deadline`; `target`: its virtual deadline in the run numbered with it.
    fn new(deadline: Instant, target: Option<(simloop::Instant, u64)>) -> Sleep {
        let (target, run) = target.unwrap_or((simloop::Instant::ZERO, 0));
        Sleep {
            state: State {
                deadline,
                target,
                run,
                timer: simloop::sleep_until(target),
                armed: false,
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
        // The old timer is disarmed (dropped); a target is made at the next arming.
        this.run = 0;
        this.armed = false;
        this.timer = simloop::sleep_until(simloop::Instant::ZERO);
        this.elapsed = false;
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
        let run = context::run_number();
        if self.run != run || run == 0 {
            // No target in this run: made outside it, reset, or armed in an earlier run (a
            // sleep made in one `block_on` and awaited in the next, whose timer is gone).
            let Some(target) = self.deadline.to_virtual() else {
                return self.poll_real(cx);
            };
            self.target = target;
            self.run = run;
            self.armed = false;
            self.timer = simloop::sleep_until(target);
        }
        if !self.armed {
            let Some(now) = simloop::time::try_now() else {
                return self.poll_real(cx);
            };
            if context::with_run(|r| r.handle.is_shut_down()) == Some(true) {
                // tokio's timer refuses to arm on a runtime that shut down since the
                // sleep was made.
                panic!("{SHUTTING_DOWN}");
            }
            if self.target <= now {
                self.elapsed = true;
                return Poll::Ready(());
            }
            // The timer's first poll arms it (the deadline only moves by `reset`, which
            // makes a new one).
            self.armed = true;
        }
        match Pin::new(&mut self.timer).poll(cx) {
            Poll::Ready(()) => {
                self.elapsed = true;
                self.armed = false;
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

//! `timeout`, `timeout_at`, `wait_for` and `timeout_scope`: bound inner work by a deadline on
//! the virtual clock, with a handle that can move the deadline.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::callback::lock;
use crate::runtime::{TimerKey, try_with, with};
use crate::task::TaskId;
use crate::time::Instant;
use crate::trace::EventKind;

/// Runs `future` inline in the calling task, giving up after `duration` of virtual time;
/// tokio's `timeout`, asyncio's `wait_for` / `async with timeout(...)`.
///
/// The deadline is measured from the first poll (like [`sleep`](crate::sleep)). If the inner
/// future finishes first, its value is returned and the timer disarmed. When the deadline
/// passes, the inner future is dropped (cancelled: its `Drop` guards run at that turn) and
/// the result is [`Elapsed`]. A zero duration never polls the inner future: the timeout
/// fires on the next pass. The timer wake costs two ready-queue slots, like asyncio's timer
/// callback that cancels the task.
///
/// Under FIFO, an expired timeout wins over inner work that became ready in the same pass
/// (asyncio: a task woken with a value loses it when cancelled before it runs). Under the
/// other policies, when the timeout fires while the task is already queued, which one wins
/// is a recorded choice. With nested timeouts expiring together, the outer one reports.
///
/// **Differs from asyncio:** expiry drops the inner future instead of raising
/// `CancelledError` in it, so it cannot catch the cancellation and carry on. Dropping a
/// [`JoinHandle`](crate::JoinHandle) detaches its task, so `timeout(d, handle)` leaves the
/// task running on expiry, where asyncio's `wait_for(task, d)` cancels it: call
/// [`JoinHandle::cancel`](crate::JoinHandle::cancel) yourself if that is what you want. A
/// zero timeout returns [`Elapsed`] even for a future that is already ready (asyncio returns
/// the result of a future that is already done).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, timeout};
///
/// let out = Sim::new().run(async {
///     let slow = timeout(Duration::from_secs(1), sleep(Duration::from_secs(60))).await;
///     let fast = timeout(Duration::from_secs(1), async { 7 }).await;
///     (slow.is_err(), fast)
/// });
/// assert_eq!(out.result.unwrap(), (true, Ok(7)));
/// assert_eq!(out.elapsed, Duration::from_secs(1));
/// ```
///
/// # Cancel safety
///
/// Dropping the `Timeout` drops the inner future and disarms the timer.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout::new(Target::After(duration), future)
}

/// [`timeout`] under asyncio's name: `wait_for(duration, future)`, which runs the inner work
/// inline in the caller's task as Python 3.12+ does.
///
/// **Differs from asyncio:** the duration comes first, as in tokio's `timeout`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, wait_for};
///
/// let out = Sim::new().run(async {
///     wait_for(Duration::ZERO, async { unreachable!("a zero timeout never starts it") }).await
/// });
/// assert!(out.result.unwrap().is_err());
/// ```
pub fn wait_for<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    timeout(duration, future)
}

/// Like [`timeout`] with an absolute deadline; asyncio's `timeout_at`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Instant, Sim, sleep, timeout_at};
///
/// let out = Sim::new().run(async {
///     let at = Instant::ZERO + Duration::from_millis(300);
///     timeout_at(at, sleep(Duration::from_secs(1))).await
/// });
/// assert!(out.result.unwrap().is_err());
/// assert_eq!(out.elapsed, Duration::from_millis(300));
/// ```
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout::new(Target::At(Some(deadline)), future)
}

/// A timeout whose body gets the [`TimeoutHandle`], to move the deadline from inside;
/// asyncio's `async with asyncio.timeout_at(when) as cm:`. `None` means no deadline until
/// the body reschedules one.
///
/// **Differs from asyncio:** the body is a closure returning a future rather than an
/// `async with` block, and (as with every [`timeout`]) a deadline already passed at the first
/// poll never starts the body, where asyncio's context manager runs it until its first
/// suspension.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, now, sleep, timeout_scope};
///
/// let out = Sim::new().run(async {
///     let r = timeout_scope(None, |cm| async move {
///         sleep(Duration::from_secs(5)).await;
///         cm.reschedule(Some(now() + Duration::from_secs(1))).unwrap();
///         sleep(Duration::from_secs(5)).await;
///     })
///     .await;
///     (r.is_err(), now().to_string())
/// });
/// assert_eq!(out.result.unwrap(), (true, "6000".to_string()));
/// ```
pub fn timeout_scope<B, F>(deadline: Option<Instant>, body: B) -> Timeout<F>
where
    B: FnOnce(TimeoutHandle) -> F,
    F: Future,
{
    let shared = TimeoutShared::new();
    let handle = TimeoutHandle {
        shared: shared.clone(),
    };
    Timeout {
        shared,
        target: Target::At(deadline),
        started: false,
        inner: Some(body(handle)),
    }
}

/// The inner work did not finish before its deadline.
///
/// ```
/// assert_eq!(simloop::Elapsed::default().to_string(), "deadline has elapsed");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

/// [`TimeoutHandle::reschedule`] was called after the timeout expired or its future ended;
/// asyncio raises `RuntimeError` there.
///
/// ```
/// let e = simloop::RescheduleError::default();
/// assert_eq!(e.to_string(), "cannot reschedule a timeout that expired or finished");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RescheduleError(());

impl fmt::Display for RescheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot reschedule a timeout that expired or finished")
    }
}

impl Error for RescheduleError {}

pin_project! {
    /// The future returned by [`timeout`], [`timeout_at`], [`wait_for`] and [`timeout_scope`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, Timeout, timeout};
    ///
    /// let out = Sim::new().run(async {
    ///     let t: Timeout<_> = timeout(Duration::from_secs(1), async { "in time" });
    ///     t.await
    /// });
    /// assert_eq!(out.result.unwrap(), Ok("in time"));
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Timeout<F> {
        shared: Arc<TimeoutShared>,
        target: Target,
        // Whether the inner future was ever polled.
        started: bool,
        #[pin]
        inner: Option<F>,
    }

    impl<F> PinnedDrop for Timeout<F> {
        fn drop(this: Pin<&mut Self>) {
            this.shared.finish();
        }
    }
}

/// A handle on a running timeout: move its deadline, or ask whether it expired; asyncio's
/// `Timeout` context manager object.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, timeout};
///
/// let out = Sim::new().run(async {
///     let t = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2)));
///     let h = t.handle();
///     h.reschedule(None).unwrap(); // no deadline any more
///     let r = t.await;
///     (r.is_ok(), h.expired())
/// });
/// assert_eq!(out.result.unwrap(), (true, false));
/// ```
#[derive(Clone)]
pub struct TimeoutHandle {
    shared: Arc<TimeoutShared>,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    /// Relative to the first poll.
    After(Duration),
    At(Option<Instant>),
}

/// The state the timer's callback shares with the future and its handles.
struct TimeoutShared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Set at the first poll: the run and the task that runs the timeout.
    owner: Option<(u64, TaskId)>,
    /// The current deadline (`None`: no deadline).
    deadline: Option<Instant>,
    /// A deadline set by `reschedule` before the first poll.
    rescheduled: Option<Option<Instant>>,
    key: Option<TimerKey>,
    /// Bumped at each (re)arming, so a stale callback already queued does nothing.
    generation: u64,
    /// The current deadline's callback ran.
    fired: bool,
    /// Under a non-FIFO policy the tie went to the inner work: it gets one more poll.
    inner_wins_tie: bool,
    expired: bool,
    finished: bool,
    waker: Option<Waker>,
}

/// The timer's callback: marks the deadline as reached and wakes the task.
struct FireWaker {
    shared: Arc<TimeoutShared>,
    generation: u64,
}

impl<F: Future> Timeout<F> {
    fn new(target: Target, future: F) -> Timeout<F> {
        Timeout {
            shared: TimeoutShared::new(),
            target,
            started: false,
            inner: Some(future),
        }
    }

    /// A handle to reschedule this timeout or ask whether it expired.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = simloop::timeout(Duration::from_secs(1), async {});
    /// assert!(!t.handle().expired());
    /// ```
    pub fn handle(&self) -> TimeoutHandle {
        TimeoutHandle {
            shared: self.shared.clone(),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let shared: &Arc<TimeoutShared> = this.shared;
        let (fired, tie, deadline) = {
            let mut s = lock(&shared.state);
            if s.owner.is_none() {
                drop(s);
                shared.start(*this.target);
                s = lock(&shared.state);
            }
            assert!(!s.finished, "simloop: Timeout polled after it completed");
            if !s.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                s.waker = Some(cx.waker().clone());
            }
            (s.fired, s.inner_wins_tie, s.deadline)
        };
        if fired && !tie {
            return Poll::Ready(Err(expire(shared, this.inner)));
        }
        if !*this.started {
            // A deadline that had passed at the first poll never starts the inner work.
            let now = with("timeout", |c| c.now);
            if fired || deadline.is_some_and(|d| d <= now) {
                return Poll::Pending;
            }
            *this.started = true;
        }
        let inner = this.inner.as_mut().as_pin_mut().expect("inner present");
        match inner.poll(cx) {
            Poll::Ready(v) => {
                shared.finish();
                this.inner.set(None);
                Poll::Ready(Ok(v))
            }
            Poll::Pending if fired => Poll::Ready(Err(expire(shared, this.inner))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Drops the inner work and records the expiry.
fn expire<F>(shared: &TimeoutShared, mut inner: Pin<&mut Option<F>>) -> Elapsed {
    lock(&shared.state).expired = true;
    shared.finish();
    inner.set(None);
    Elapsed(())
}

impl TimeoutHandle {
    /// Moves the deadline; asyncio's `Timeout.reschedule(when)`.
    ///
    /// A later or earlier deadline re-arms the timer; a deadline that already passed fires on
    /// the next pass; `None` removes the deadline. Fails once the timeout expired or its
    /// future completed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, now, sleep, timeout};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = timeout(Duration::from_secs(10), sleep(Duration::from_secs(5)));
    ///     let h = t.handle();
    ///     h.reschedule(Some(now() + Duration::from_secs(2))).unwrap();
    ///     let r = t.await;
    ///     (r.is_err(), h.expired(), h.reschedule(None).is_err())
    /// });
    /// assert_eq!(out.result.unwrap(), (true, true, true));
    /// assert_eq!(out.elapsed, Duration::from_secs(2));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that runs the timeout.
    pub fn reschedule(&self, deadline: Option<Instant>) -> Result<(), RescheduleError> {
        let shared = &self.shared;
        let (owner, old, generation) = {
            let mut s = lock(&shared.state);
            if s.expired || s.finished {
                return Err(RescheduleError(()));
            }
            let Some(owner) = s.owner else {
                s.rescheduled = Some(deadline);
                return Ok(());
            };
            s.generation += 1;
            s.fired = false;
            s.inner_wins_tie = false;
            s.deadline = deadline;
            (owner, s.key.take(), s.generation)
        };
        let key = shared.arm(owner, old, deadline, generation);
        lock(&shared.state).key = key;
        Ok(())
    }

    /// The current deadline, once the timeout has started (asyncio's `when()`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = simloop::timeout(Duration::from_secs(1), async {});
    /// assert_eq!(t.handle().deadline(), None); // not started yet
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        lock(&self.shared.state).deadline
    }

    /// Whether the deadline passed and the inner work was cancelled; asyncio's `expired()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, timeout, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = timeout(Duration::ZERO, yield_now());
    ///     let h = t.handle();
    ///     let _ = t.await;
    ///     h.expired()
    /// });
    /// assert!(out.result.unwrap());
    /// ```
    pub fn expired(&self) -> bool {
        lock(&self.shared.state).expired
    }
}

impl fmt::Debug for TimeoutHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = lock(&self.shared.state);
        f.debug_struct("TimeoutHandle")
            .field("deadline", &s.deadline)
            .field("expired", &s.expired)
            .finish()
    }
}

impl TimeoutShared {
    fn new() -> Arc<TimeoutShared> {
        Arc::new(TimeoutShared {
            state: Mutex::new(State::default()),
        })
    }

    /// First poll: fixes the owner and the deadline and arms the timer.
    fn start(self: &Arc<Self>, target: Target) {
        let (run, owner, now) = with("timeout", |c| (c.run_id, c.current(), c.now));
        let deadline = {
            let mut s = lock(&self.state);
            let deadline = match (s.rescheduled.take(), target) {
                (Some(d), _) => d,
                (None, Target::After(d)) => Some(now + d),
                (None, Target::At(t)) => t,
            };
            s.owner = Some((run, owner));
            s.deadline = deadline;
            deadline
        };
        let key = self.arm((run, owner), None, deadline, 0);
        lock(&self.state).key = key;
    }

    /// Disarms `old` and arms the callback for `deadline`: a timer, or the next pass when
    /// the deadline already passed. Called without the lock held.
    fn arm(
        self: &Arc<Self>,
        (run, owner): (u64, TaskId),
        old: Option<TimerKey>,
        deadline: Option<Instant>,
        generation: u64,
    ) -> Option<TimerKey> {
        let waker = Waker::from(Arc::new(FireWaker {
            shared: self.clone(),
            generation,
        }));
        let (key, stale) = with("TimeoutHandle::reschedule", |c| {
            assert_eq!(c.run_id, run, "simloop: timeout used outside its run");
            let stale = old.and_then(|k| c.timers.cancel(k));
            let key = match deadline {
                None => None,
                Some(d) if d <= c.now => {
                    c.call_soon(owner, waker);
                    None
                }
                Some(d) => {
                    c.stats.timers += 1;
                    if c.trace.full() {
                        c.record(EventKind::TimerArmed { deadline: d });
                    }
                    Some(c.timers.arm(d, owner, Some(waker)))
                }
            };
            (key, stale)
        });
        drop(stale);
        key
    }

    /// The timeout completed, expired or was dropped: disarm the timer.
    fn finish(&self) {
        let (key, owner) = {
            let mut s = lock(&self.state);
            s.finished = true;
            s.waker = None;
            (s.key.take(), s.owner)
        };
        if let (Some(key), Some((run, _))) = (key, owner) {
            let stale = try_with(|c| {
                if c.run_id == run {
                    c.timers.cancel(key)
                } else {
                    None
                }
            })
            .flatten();
            drop(stale);
        }
    }
}

impl Wake for FireWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let owner = {
            let s = lock(&self.shared.state);
            if s.generation != self.generation || s.finished || s.fired {
                return;
            }
            s.owner
        };
        let Some((run, task)) = owner else { return };
        // A tie: the task was already woken (by its inner work) when the deadline came.
        // asyncio lets the timeout win (FIFO answers 0); other policies explore both.
        let inner_wins =
            try_with(|c| c.run_id == run && c.is_queued(task) && c.choose(2) == 1)
                .unwrap_or(false);
        let waker = {
            let mut s = lock(&self.shared.state);
            s.fired = true;
            s.key = None;
            s.inner_wins_tie = inner_wins;
            s.waker.clone()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

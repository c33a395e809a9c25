//! `timeout`, `timeout_at`, `wait_for` and `timeout_scope`: bound inner work by a deadline on
//! the virtual clock, with a handle that can move the deadline.

use std::cell::OnceCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::callback::disarm;
use crate::runtime::{Core, Deadline, ScopeMark, TimerKey, TimerKind, try_with, with};
use crate::task::TaskId;
use crate::time::Instant;

/// Runs `future` inline in the calling task, giving up after `duration` of virtual time;
/// tokio's `timeout`, asyncio's `wait_for` / `async with timeout(...)`.
///
/// The deadline is measured from the first poll (like [`sleep`](crate::sleep)). If the inner
/// future finishes first, its value is returned and the timer disarmed. The expiry is a
/// cancellation of what the inner work awaits, delivered at the turn of asyncio's timeout
/// callback (one ready-queue slot after the timer fires, through the same timer path as a
/// sleep, so [`Sim::timer_jitter`](crate::Sim::timer_jitter) moves it too):
///
/// - when the inner work awaits only tasks (`timeout(d, &mut handle)`, a gather of tasks),
///   those tasks are cancelled, in the order they were awaited, and the caller resumes once
///   they ended, as asyncio's `Task.cancel()` forwards to the awaited task: a task that was
///   woken at the deadline but has not run loses its result (asyncio 3.12+);
/// - otherwise the caller is woken, and waits on primitives are given up at once (a
///   semaphore release passes over it, as over asyncio's cancelled waiter).
///
/// At the caller's next turn the inner future is dropped (its `Drop` guards run) and the
/// result is [`Elapsed`]. An expiry wins over inner work that became ready earlier in the
/// same pass, as in asyncio; the random policies explore the other order by running the
/// caller before the expiry's turn. With nested timeouts expiring together, the outer one
/// reports and both say [`TimeoutHandle::expired`]. A deadline already passed at the first
/// poll still polls the inner work once (asyncio's `timeout()` runs the body until it
/// suspends); [`wait_for`] never starts it.
///
/// **Differs from asyncio:** expiry drops the inner future instead of raising
/// `CancelledError` in it, so it cannot catch the cancellation and carry on. Only tasks the
/// inner work awaits *through simloop* (join handles, gathers of tasks) are cancelled; a
/// task reached through another executor's future is not seen.
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
    Timeout::new(
        Target::After(u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)),
        future,
    )
}

/// [`timeout`] under asyncio's name: `wait_for(duration, future)`, which runs the inner work
/// inline in the caller's task as Python 3.12+ does. `wait_for(d, &mut task)` cancels the
/// task on expiry and waits for it to end, as asyncio's `wait_for(task, d)` does.
///
/// A zero (or passed) timeout never polls the inner work, as asyncio 3.12's `wait_for` never
/// starts a coroutine then; the result is [`Elapsed`] one pass later.
///
/// **Differs from asyncio:** the duration comes first, as in tokio's `timeout`. With a zero
/// timeout asyncio returns the result of a task that already finished, and cancels one that
/// has not; simloop cannot tell a task from a coroutine there, so write
/// `timeout(Duration::ZERO, &mut task)` for that (it asks the task once, then cancels it).
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
    let mut t = timeout(duration, future);
    t.lazy = true;
    t
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
    Timeout::new(Target::At(deadline), future)
}

/// A timeout whose body gets the [`TimeoutHandle`], to move the deadline from inside;
/// asyncio's `async with asyncio.timeout_at(when) as cm:`. `None` means no deadline until
/// the body reschedules one.
///
/// **Differs from asyncio:** the body is a closure returning a future rather than an
/// `async with` block.
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
    let shared = Arc::new(Mutex::new(State::default()));
    let handle = TimeoutHandle {
        shared: shared.clone(),
    };
    Timeout {
        state: State::default(),
        shared: OnceCell::from(shared),
        target: deadline.map_or(Target::Never, Target::At),
        lazy: false,
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
        // The timeout's state while no handle exists; once one does, the state lives in
        // `shared` (handles are rare, so the common timeout allocates nothing).
        state: State,
        shared: OnceCell<Arc<Mutex<State>>>,
        target: Target,
        // `wait_for`: a deadline already passed at the first poll never starts the inner
        // work (asyncio's `wait_for` with a timeout <= 0); `timeout` polls it once.
        lazy: bool,
        // Whether the inner future was ever polled.
        started: bool,
        #[pin]
        inner: Option<F>,
    }

    impl<F> PinnedDrop for Timeout<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // A timeout dropped after its expiry was delivered expired (nested timeouts
            // expiring together: the outer one reports, both say `expired()`).
            with_state(this.state, this.shared, |s| s.finish(true));
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
    shared: Arc<Mutex<State>>,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    /// Nanoseconds after the first poll.
    After(u64),
    At(Instant),
    /// No deadline until a handle sets one.
    Never,
}

/// A timeout's state. Its deadline is a cancel timer in the core, armed like a sleep's
/// (`Core::arm_timer_for`), which the engine delivers at its own ready-queue turn, one slot
/// after it fired (asyncio's timeout callback), cancelling the timeout's scope
/// (`runtime/scope.rs`).
///
/// Packed into 56 bytes (every timeout's future carries it): the options are flags.
#[derive(Clone, Default)]
struct State {
    /// `STARTED`, `HAS_DEADLINE`, `RESCHEDULED`, `RESCHEDULED_TO`, `EXPIRED`, `FINISHED`.
    flags: u8,
    /// With `STARTED`: the task that runs the timeout (`TaskId::get`) and its run.
    task: u32,
    run: u64,
    /// With `HAS_DEADLINE`: the current deadline (ns).
    deadline: u64,
    /// With `RESCHEDULED`: a deadline set by a handle before the first poll (ns, with
    /// `RESCHEDULED_TO`; none without).
    rescheduled: u64,
    /// The armed deadline timer, `TimerKey::NONE` when none.
    key: TimerKey,
    /// The waker of the last poll when it is not the owner's own (re-arming uses it).
    waker: Option<Waker>,
}

const STARTED: u8 = 1;
const HAS_DEADLINE: u8 = 1 << 1;
const RESCHEDULED: u8 = 1 << 2;
const RESCHEDULED_TO: u8 = 1 << 3;
const EXPIRED: u8 = 1 << 4;
const FINISHED: u8 = 1 << 5;

impl State {
    fn owner(&self) -> Option<(u64, TaskId)> {
        (self.flags & STARTED != 0).then(|| (self.run, TaskId::from_raw(self.task)))
    }

    fn set_owner(&mut self, (run, task): (u64, TaskId)) {
        self.flags |= STARTED;
        (self.run, self.task) = (run, task.get());
    }

    fn deadline(&self) -> Option<Instant> {
        (self.flags & HAS_DEADLINE != 0).then_some(Instant::from_nanos(self.deadline))
    }

    fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.flags &= !HAS_DEADLINE;
        if let Some(d) = deadline {
            self.flags |= HAS_DEADLINE;
            self.deadline = d.as_nanos();
        }
    }

    /// Takes a deadline set by a handle before the start.
    fn take_rescheduled(&mut self) -> Option<Option<Instant>> {
        let set = self.flags & RESCHEDULED != 0;
        let to = self.flags & RESCHEDULED_TO != 0;
        self.flags &= !(RESCHEDULED | RESCHEDULED_TO);
        set.then_some(to.then_some(Instant::from_nanos(self.rescheduled)))
    }

    fn set_rescheduled(&mut self, deadline: Option<Instant>) {
        self.flags = (self.flags | RESCHEDULED) & !RESCHEDULED_TO;
        if let Some(d) = deadline {
            self.flags |= RESCHEDULED_TO;
            self.rescheduled = d.as_nanos();
        }
    }

    fn key(&self) -> Option<TimerKey> {
        (self.key != TimerKey::NONE).then_some(self.key)
    }

    fn take_key(&mut self) -> Option<TimerKey> {
        let key = self.key();
        self.key = TimerKey::NONE;
        key
    }

    fn expired(&self) -> bool {
        self.flags & EXPIRED != 0
    }

    fn finished(&self) -> bool {
        self.flags & FINISHED != 0
    }
}

/// Runs `f` on the timeout's state, wherever it lives.
fn with_state<R>(
    state: &mut State,
    shared: &OnceCell<Arc<Mutex<State>>>,
    f: impl FnOnce(&mut State) -> R,
) -> R {
    match shared.get() {
        Some(shared) => f(&mut lock(shared)),
        None => f(state),
    }
}

impl<F: Future> Timeout<F> {
    fn new(target: Target, future: F) -> Timeout<F> {
        Timeout {
            state: State::default(),
            shared: OnceCell::new(),
            target,
            lazy: false,
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
        let shared = self
            .shared
            .get_or_init(|| Arc::new(Mutex::new(self.state.clone())));
        TimeoutHandle {
            shared: shared.clone(),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let target = *this.target;
        let started = *this.started;
        // One core access: start (arm the deadline) at the first poll, keep the timer's
        // waker current, read whether the expiry was delivered, and mark where the inner
        // work's waits begin.
        let (delivered, due, mark) = with_state(this.state, this.shared, |s| {
            with("timeout", |c| s.poll(c, target, started, cx.waker()))
        });
        if delivered {
            return Poll::Ready(Err(expire(this.state, this.shared, this.inner)));
        }
        if !started {
            if due && *this.lazy {
                // `wait_for` with a deadline already passed never starts the inner work;
                // the expiry is queued.
                return Poll::Pending;
            }
            *this.started = true;
        }
        let inner = this.inner.as_mut().as_pin_mut().expect("inner present");
        match inner.poll(cx) {
            Poll::Ready(v) => {
                with_state(this.state, this.shared, |s| s.finish(false));
                this.inner.set(None);
                Poll::Ready(Ok(v))
            }
            Poll::Pending => {
                // What the inner work awaits is what the expiry cancels.
                let key = with_state(this.state, this.shared, |s| s.key());
                if let Some(key) = key {
                    with("timeout", |c| c.set_scope(key, mark));
                }
                Poll::Pending
            }
        }
    }
}

fn expire<F>(
    state: &mut State,
    shared: &OnceCell<Arc<Mutex<State>>>,
    mut inner: Pin<&mut Option<F>>,
) -> Elapsed {
    with_state(state, shared, |s| {
        s.flags |= EXPIRED;
        s.finish(false);
    });
    inner.set(None);
    Elapsed(())
}

impl State {
    /// The timeout's part of a poll: `(delivered, due, mark)`, where `delivered` says the
    /// expiry's turn came, `due` that the deadline had passed when the timeout started, and
    /// `mark` where the inner work's waits begin.
    fn poll(
        &mut self,
        c: &mut Core,
        target: Target,
        started: bool,
        waker: &Waker,
    ) -> (bool, bool, ScopeMark) {
        assert!(
            !self.finished(),
            "simloop: Timeout polled after it completed"
        );
        let owner = match self.owner() {
            Some(owner) => owner,
            None => {
                let owner = (c.run_id, c.current());
                let deadline = match (self.take_rescheduled(), target) {
                    (Some(d), _) => d,
                    (None, Target::After(d)) => {
                        Some(Instant::from_nanos(c.now.as_nanos().saturating_add(d)))
                    }
                    (None, Target::At(t)) => Some(t),
                    (None, Target::Never) => None,
                };
                self.set_owner(owner);
                self.set_deadline(deadline);
                self.waker = c.foreign(owner.1, waker);
                // Nothing was armed before, so there is no stale waker to drop.
                let _nothing = self.arm(c, None);
                owner
            }
        };
        let same_waker = match &self.waker {
            Some(w) => w.will_wake(waker),
            None => c.owns(owner.1, waker),
        };
        if !same_waker {
            self.waker = c.foreign(owner.1, waker);
        }
        let delivered = match self.key().and_then(|k| c.timers.deadline_state(k)) {
            Some(Deadline::Delivered) => true,
            Some(_) => {
                // The timer wakes whoever polled last (the timer has it already when the
                // waker did not change).
                if let (Some(k), false) = (self.key(), same_waker) {
                    c.set_timer_waker(k, waker);
                }
                false
            }
            None => false,
        };
        let due = !started && self.deadline().is_some_and(|d| d <= c.now);
        (delivered, due, c.scope_start(owner.1))
    }

    /// Arms the cancel timer for `self.deadline` (replacing `old`) through the runtime's one
    /// timer path, so jitter applies; due at once when the deadline passed already. Returns
    /// a stale waker to drop outside the core.
    fn arm(&mut self, c: &mut Core, old: Option<TimerKey>) -> Option<Waker> {
        let (run, owner) = self.owner().expect("armed after the start");
        assert_eq!(c.run_id, run, "simloop: timeout used outside its run");
        let stale = old.and_then(|k| c.timers.cancel(k));
        self.key = match self.deadline() {
            None => TimerKey::NONE,
            Some(d) => c.arm_timer_for(owner, d, self.waker.clone(), TimerKind::Cancel),
        };
        stale
    }

    /// The timeout is over (its inner work finished, it expired, or it was dropped):
    /// disarms the deadline. When `dropped`, an expiry already delivered counts: the
    /// timeout expired although another one reported it.
    fn finish(&mut self, dropped: bool) {
        self.flags |= FINISHED;
        self.waker = None;
        if let (Some(key), Some((run, _))) = (self.take_key(), self.owner()) {
            if dropped && !self.expired() {
                let delivered = try_with(|c| {
                    c.run_id == run && c.timers.deadline_state(key) == Some(Deadline::Delivered)
                });
                if delivered == Some(true) {
                    self.flags |= EXPIRED;
                }
            }
            disarm(run, key);
        }
    }
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
        let stale = {
            let mut s = lock(&self.shared);
            if s.expired() || s.finished() {
                return Err(RescheduleError(()));
            }
            if s.owner().is_none() {
                s.set_rescheduled(deadline);
                return Ok(());
            }
            s.set_deadline(deadline);
            let old = s.take_key();
            with("TimeoutHandle::reschedule", |c| s.arm(c, old))
        };
        drop(stale);
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
        lock(&self.shared).deadline()
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
        lock(&self.shared).expired()
    }
}

impl fmt::Debug for TimeoutHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = lock(&self.shared);
        f.debug_struct("TimeoutHandle")
            .field("deadline", &s.deadline())
            .field("expired", &s.expired())
            .finish()
    }
}

/// Locks a timeout handle's state. A `Mutex` only so that a `Timeout` stays `Send` (as
/// tokio's is) while a handle exists: runs are single-threaded, so it is never contended,
/// and a poisoned lock (a panic while held) is still usable.
fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    /// Every timeout's future carries its state: it stays packed.
    #[test]
    fn a_timeout_is_small() {
        assert!(std::mem::size_of::<super::State>() <= 56);
        assert!(std::mem::size_of::<super::Timeout<crate::Sleep>>() <= 112);
    }
}

//! `timeout`, `timeout_at`, `wait_for` and `timeout_scope`: bound inner work by a deadline on
//! the virtual clock, with a handle that can move the deadline.

mod handle;
mod state;
mod zero;

pub use self::handle::{RescheduleError, TimeoutHandle};
use self::state::{Ended, State, lock};

use std::cell::OnceCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::runtime::with;
use crate::task::TaskHandle;
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
/// `CancelledError` in it, so it cannot catch the cancellation and carry on (a
/// [`Condition`](crate::sync::Condition) wait inside first re-acquires its lock, as
/// asyncio's does). Only tasks the
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
/// A zero timeout never polls the inner work, as asyncio 3.12's `wait_for` never starts a
/// coroutine then: it wraps it in a task, cancels that and waits for it to end
/// (`_cancel_and_wait`), so the result is [`Elapsed`] three ready-queue slots later (the
/// wrapper's cancelled step, its done-callback, the caller). simloop makes that task too, a
/// placeholder that never runs the inner work, so it takes a task number as asyncio's does.
/// With eager tasks on ([`Sim::eager_tasks`](crate::Sim::eager_tasks)) asyncio starts the
/// wrapper at once: inner work that finishes without suspending gives its value; simloop
/// polls it once, inline in the caller (inner work that suspends is dropped there, where
/// asyncio cancels the wrapper task running it).
///
/// **Differs from asyncio:** the duration comes first, as in tokio's `timeout`. With a zero
/// timeout asyncio returns the result of a task that already finished, and cancels one that
/// has not; `wait_for` cannot tell a task from a coroutine there, so over a task write
/// [`wait_for_task`]`(d, &mut task)`, which behaves as asyncio's at every timeout.
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

/// [`wait_for`] over a task: asyncio's `wait_for(task, timeout)`, a zero timeout included.
///
/// The task is awaited inline; on expiry it is cancelled, and the caller resumes once it
/// ended, with [`Elapsed`]. With a zero (or passed) timeout, a task that already ended gives
/// its result at once, without yielding, and one still running is cancelled and waited for
/// (CPython 3.12's `wait_for`), where [`wait_for`] never looks at its inner work. The handle
/// is borrowed, a [`JoinHandle`](crate::JoinHandle) or a [`Task`](crate::Task), so the caller
/// still holds it afterwards (to ask `cancelled()`), as asyncio's caller holds its task.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, spawn, wait_for_task, yield_now};
///
/// let out = Sim::new().run(async {
///     let mut quick = spawn(async { 5 });
///     yield_now().await;
///     let r = wait_for_task(Duration::ZERO, &mut quick).await;
///     let mut slow = spawn(sleep(Duration::from_secs(1)));
///     let e = wait_for_task(Duration::ZERO, &mut slow).await;
///     (r.unwrap().unwrap(), e.is_err(), slow.cancelled())
/// });
/// assert_eq!(out.result.unwrap(), (5, true, true));
/// assert_eq!(out.elapsed, Duration::ZERO);
/// ```
///
/// # Cancel safety
///
/// Dropping the `Timeout` leaves the task running (the handle is only borrowed).
pub fn wait_for_task<H: TaskHandle>(duration: Duration, task: &mut H) -> Timeout<&mut H> {
    timeout(duration, task)
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
        entry: 0,
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
        // The task's `cancelling()` at the first poll (asyncio's `_cancelling`, read by
        // `__aenter__`), which the exit after an expiry compares with (case 726).
        entry: u32,
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

#[derive(Clone, Copy, Debug)]
pub(super) enum Target {
    /// Nanoseconds after the first poll.
    After(u64),
    At(Instant),
    /// No deadline until a handle sets one.
    Never,
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
            entry: 0,
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
        if *this.lazy
            && ((!started && matches!(target, Target::After(0)))
                || with_state(this.state, this.shared, |s| s.zero_waiting()))
        {
            return poll_zero(this.inner, this.state, this.shared, this.started, cx);
        }
        // One core access: start (arm the deadline) at the first poll, read whether the
        // expiry was delivered, keep the timer's waker current, and mark where the inner
        // work's waits begin.
        let may_defer = this.shared.get().is_none();
        let entry = &mut *this.entry;
        let polled = with_state(this.state, this.shared, |s| {
            with("timeout", |c| {
                if !started {
                    *entry = c.cancel_requests(c.current());
                }
                s.poll(c, target, started, cx.waker(), may_defer)
            })
        });
        let (due, mark) = match polled {
            Ok(go) => go,
            Err(Ended::Held { outside }) => match poll_held(this.inner.as_mut(), cx) {
                Held::Still => {
                    // A Condition wait inside re-acquires its lock before the expiry ends
                    // it (asyncio's timeout cancels the task, and `Condition.wait` catches
                    // that to re-acquire first); this timeout is woken when it may go on.
                    return Poll::Pending;
                }
                Held::Caught(polled) => {
                    if polled.is_pending()
                        && let Some(m) = with("timeout", |c| c.take_reraised())
                    {
                        // Caught, and re-raised in the same step: the `CancelledError`
                        // reaches the timeout's exit after all. With a cancellation from
                        // outside delivered too, asyncio lets it through (as for case 704):
                        // raised on past the timeout, to an enclosing scope or the task's end.
                        let elapsed = expire(this.state, this.shared, this.inner);
                        if outside {
                            with("timeout", |c| c.reraise(m));
                            return Poll::Pending;
                        }
                        return Poll::Ready(Err(elapsed));
                    }
                    // A `catch_cancelled` scope inside caught the expiry (and an outside
                    // cancellation delivered with it): asyncio's timeout sees no
                    // `CancelledError` at its exit and raises no `TimeoutError`. Expired;
                    // the work goes on and its outcome is the timeout's.
                    with_state(this.state, this.shared, State::caught);
                    return match polled {
                        Poll::Ready(v) => {
                            with_state(this.state, this.shared, |s| s.finish(false));
                            this.inner.set(None);
                            Poll::Ready(Ok(v))
                        }
                        Poll::Pending => Poll::Pending,
                    };
                }
                Held::LetGo if outside => {
                    // A cancellation from outside (or an enclosing timeout's expiry) came
                    // in the same pass: asyncio's timeout sees `uncancel() > cancelling()`
                    // at its exit and lets the `CancelledError` through (case 704).
                    // Expired, but the delivery poll this is ends the task (the engine
                    // drops it, or the enclosing timeout expires), so nothing is returned.
                    let _ = expire(this.state, this.shared, this.inner);
                    return Poll::Pending;
                }
                Held::LetGo => {
                    let elapsed = expire(this.state, this.shared, this.inner);
                    let entry = *this.entry;
                    if with("timeout", |c| c.caught_beyond(c.current(), entry)) {
                        // As for an expiry that was not held (case 726): the work caught a
                        // cancellation of its task earlier and did not uncancel it, so
                        // asyncio's exit lets the expiry's `CancelledError` through (a
                        // Barrier or Condition wait re-taking its lock first, case 788).
                        with("timeout", |c| c.reraise(None));
                        return Poll::Pending;
                    }
                    return Poll::Ready(Err(elapsed));
                }
            },
            Err(Ended::Waiting) => return Poll::Pending,
            Err(Ended::Expired(stale)) => {
                // Expired and finished (`State::poll`): drop what it gave up, then the
                // inner work, whose `Drop` guards see the expiry in `cancelling()`;
                // asyncio uncancels it as the timeout exits.
                drop(stale);
                this.inner.set(None);
                let entry = *this.entry;
                let through = with("timeout", |c| {
                    let id = c.current();
                    c.exit_after_expiry(id, entry)
                });
                if through {
                    // The work caught a cancellation of its task and did not uncancel it:
                    // asyncio's exit finds more requests than at its entry and lets the
                    // expiry's `CancelledError` through (case 726), to the enclosing catch
                    // or the task's end.
                    with("timeout", |c| c.reraise(None));
                    return Poll::Pending;
                }
                return Poll::Ready(Err(Elapsed(())));
            }
        };
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
            Poll::Pending if caught_then_reraised(this.state, this.shared) => {
                // The work caught the expiry and now re-raises it: asyncio's timeout, still
                // expiring, turns it into `TimeoutError`.
                with_state(this.state, this.shared, |s| s.finish(false));
                this.inner.set(None);
                Poll::Ready(Err(Elapsed(())))
            }
            Poll::Pending => {
                // What the inner work awaits is what the expiry cancels; a deferred deadline
                // is armed unless the inner work sleeps until before it.
                if with_state(this.state, this.shared, |s| s.settles()) {
                    with_state(this.state, this.shared, |s| {
                        with("timeout", |c| s.after_pending(c, mark))
                    });
                }
                Poll::Pending
            }
        }
    }
}

/// A zero `wait_for` (asyncio 3.12's `_cancel_and_wait`, `zero.rs`): the placeholder task
/// made and cancelled at the first poll, `Elapsed` once its done-callback woke the caller.
fn poll_zero<F: Future>(
    mut inner: Pin<&mut Option<F>>,
    state: &mut State,
    shared: &OnceCell<Arc<Mutex<State>>>,
    started: &mut bool,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Elapsed>> {
    if !*started {
        *started = true;
        if let Some(v) = zero::eager_step(inner.as_mut(), cx) {
            with_state(state, shared, |s| s.finish(false));
            return Poll::Ready(Ok(v));
        }
        // The callback holds the state: it lives in `shared` from now on.
        let shared = shared.get_or_init(|| Arc::new(Mutex::new(state.clone())));
        lock(shared).poll_zero(cx.waker());
        zero::cancel_placeholder(shared);
        return Poll::Pending;
    }
    if !with_state(state, shared, |s| s.poll_zero(cx.waker())) {
        return Poll::Pending;
    }
    // The inner work was never started (or was dropped at the start, eager): dropping it
    // now runs no `Drop` guard of its steps.
    inner.set(None);
    with_state(state, shared, |s| {
        s.mark_expired();
        s.finish(false);
    });
    Poll::Ready(Err(Elapsed(())))
}

/// After a pending poll of the work: whether it caught the expiry before and re-raised a
/// cancellation now (taken).
fn caught_then_reraised(state: &mut State, shared: &OnceCell<Arc<Mutex<State>>>) -> bool {
    with_state(state, shared, |s| s.was_caught())
        && with("timeout", |c| c.take_reraised()).is_some()
}

/// What a delivery poll of a timeout's inner work left (`poll_held`).
enum Held<T> {
    /// A future in it still holds the expiry (a Condition wait re-taking its lock).
    Still,
    /// A `catch_cancelled` scope in it caught the expiry: the work goes on.
    Caught(Poll<T>),
    /// What held it let go: the expiry ends the work.
    LetGo,
}

/// Polls the inner work while the expiry's cancellation is delivered to a future in it that
/// holds it (`runtime/cancel_hold.rs`).
fn poll_held<F: Future>(inner: Pin<&mut Option<F>>, cx: &mut Context<'_>) -> Held<F::Output> {
    // Not caught, ready or not, the expiry wins: a value is dropped with the inner work.
    let polled = inner.as_pin_mut().map(|inner| inner.poll(cx));
    with("timeout", |c| {
        let caught = c.caught_now();
        let id = c.current();
        let held = c.end_cancel_poll(id);
        match polled {
            Some(polled) if caught => Held::Caught(polled),
            _ if held => Held::Still,
            _ => Held::LetGo,
        }
    })
}

/// Ends a timeout whose held expiry was let go (`poll_held`).
fn expire<F>(
    state: &mut State,
    shared: &OnceCell<Arc<Mutex<State>>>,
    mut inner: Pin<&mut Option<F>>,
) -> Elapsed {
    with_state(state, shared, |s| {
        s.mark_expired();
        s.finish(false);
    });
    // The inner work's `Drop` guards see the expiry's cancellation in `cancelling()`
    // (counted since its delivery, `Core::expiries`); asyncio uncancels it as the timeout
    // exits.
    inner.set(None);
    with("timeout", |c| {
        let id = c.current();
        c.expiry_over(id);
    });
    Elapsed(())
}

#[cfg(test)]
mod tests {
    /// Every timeout's future carries its state: it stays packed.
    #[test]
    fn a_timeout_is_small() {
        assert!(std::mem::size_of::<super::State>() <= 40);
        assert!(std::mem::size_of::<super::Timeout<crate::Sleep>>() <= 96);
    }
}

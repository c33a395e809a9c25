//! A timeout's state: its deadline, its cancel timer and whether it expired.

use std::sync::{Mutex, MutexGuard};
use std::task::Waker;

use super::Target;
use crate::combinators::callback::disarm;
use crate::runtime::{Core, Deadline, ScopeMark, TimerKey, TimerKind, try_with};
use crate::task::TaskId;
use crate::time::Instant;

/// A timeout's state. Its deadline is a cancel timer in the core, armed like a sleep's
/// (`Core::arm_timer_for`), which the engine delivers at its own ready-queue turn, one slot
/// after it fired (asyncio's timeout callback), cancelling the timeout's scope
/// (`runtime/scope.rs`). Under a picking policy the timer waits while the inner work
/// sleeps until before the deadline (`DEFERRED`, `runtime/deferred.rs`).
///
/// Packed into 40 bytes (every timeout's future carries it): the options are flags.
#[derive(Clone, Default)]
pub(super) struct State {
    /// `STARTED`, `HAS_DEADLINE`, `RESCHEDULED`, `RESCHEDULED_TO`, `EXPIRED`, `FINISHED`,
    /// `ABSORBED`, `CAUGHT`, `DEFERRED`.
    flags: u16,
    /// With `STARTED`: the task that runs the timeout (`TaskId::get`), its slot (kept so
    /// that the core finds the task without a look-up in its id table) and its run (the
    /// run id's low bits, as a `Sleep` keeps them).
    task: u32,
    slot: u32,
    run: u32,
    /// With `HAS_DEADLINE`: the current deadline (ns). Before the start, with
    /// `RESCHEDULED_TO`: the deadline a handle set (the field is shared: a deadline is only
    /// set once the timeout started).
    deadline: u64,
    /// The armed deadline timer, `TimerKey::NONE` when none.
    key: TimerKey,
    /// The waker of the last poll when it is not the owner's own (re-arming uses it);
    /// boxed, as it is rare and the state is in every timeout's future (8 bytes, not 16).
    waker: Option<Box<Waker>>,
}

const STARTED: u16 = 1;
const HAS_DEADLINE: u16 = 1 << 1;
const RESCHEDULED: u16 = 1 << 2;
const RESCHEDULED_TO: u16 = 1 << 3;
const EXPIRED: u16 = 1 << 4;
const FINISHED: u16 = 1 << 5;
/// The expiry was delivered and what it cancelled absorbed it (a TaskGroup's join raising
/// its children's failures): the inner work goes on and its outcome is the timeout's.
const ABSORBED: u16 = 1 << 6;
/// The expiry was caught inside the work (`catch_cancelled`): its request counts in
/// `cancelling()` until the timeout finishes, as asyncio uncancels it at the exit.
const CAUGHT: u16 = 1 << 7;
/// The deadline is counted and traced but its timer not armed yet: the inner work's last
/// pending poll left the task sleeping until before it (`runtime/deferred.rs`). Never
/// with a key.
const DEFERRED: u16 = 1 << 8;
/// A zero `wait_for` waits for its cancelled placeholder task (`zero.rs`); `waker` is the
/// caller's, no timer is armed.
const ZERO: u16 = 1 << 9;
/// With `ZERO`: the placeholder's done-callback ran (asyncio's `_release_waiter`).
const RELEASED: u16 = 1 << 10;

impl State {
    pub(super) fn owner(&self) -> Option<(u32, TaskId)> {
        (self.flags & STARTED != 0)
            .then(|| (self.run, TaskId::new(self.task as usize - 1, self.slot)))
    }

    pub(super) fn set_owner(&mut self, (run, task): (u64, TaskId)) {
        self.flags |= STARTED;
        (self.run, self.task, self.slot) = (run as u32, task.get(), task.slot());
    }

    pub(super) fn deadline(&self) -> Option<Instant> {
        (self.flags & HAS_DEADLINE != 0).then_some(Instant::from_nanos(self.deadline))
    }

    pub(super) fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.flags &= !HAS_DEADLINE;
        if let Some(d) = deadline {
            self.flags |= HAS_DEADLINE;
            self.deadline = d.as_nanos();
        }
    }

    /// Takes a deadline set by a handle before the start.
    pub(super) fn take_rescheduled(&mut self) -> Option<Option<Instant>> {
        let set = self.flags & RESCHEDULED != 0;
        let to = self.flags & RESCHEDULED_TO != 0;
        self.flags &= !(RESCHEDULED | RESCHEDULED_TO);
        set.then_some(to.then_some(Instant::from_nanos(self.deadline)))
    }

    pub(super) fn set_rescheduled(&mut self, deadline: Option<Instant>) {
        self.flags = (self.flags | RESCHEDULED) & !RESCHEDULED_TO;
        if let Some(d) = deadline {
            self.flags |= RESCHEDULED_TO;
            self.deadline = d.as_nanos();
        }
    }

    pub(super) fn key(&self) -> Option<TimerKey> {
        (self.key != TimerKey::NONE).then_some(self.key)
    }

    pub(super) fn take_key(&mut self) -> Option<TimerKey> {
        let key = self.key();
        self.key = TimerKey::NONE;
        key
    }

    /// Marks the timeout expired (its expiry was delivered and it gave up).
    pub(super) fn mark_expired(&mut self) {
        self.flags |= EXPIRED;
    }

    /// A `catch_cancelled` scope in the work caught the expiry: expired, the work goes
    /// on (polled as an absorbed expiry's), and the request counts in `cancelling()` until
    /// `finish` (`Core::expiry_over`, as for an absorbed expiry).
    pub(super) fn caught(&mut self) {
        self.flags |= ABSORBED | EXPIRED | CAUGHT;
    }

    /// Whether a `catch_cancelled` scope in the work caught the expiry.
    pub(super) fn was_caught(&self) -> bool {
        self.flags & CAUGHT != 0
    }

    pub(super) fn expired(&self) -> bool {
        self.flags & EXPIRED != 0
    }

    /// Whether this is a zero `wait_for` waiting for its placeholder task (`zero.rs`).
    pub(super) fn zero_waiting(&self) -> bool {
        self.flags & ZERO != 0
    }

    /// A zero `wait_for`'s poll: marks it waiting for its placeholder and keeps the caller's
    /// waker; whether the placeholder's done-callback ran.
    pub(super) fn poll_zero(&mut self, waker: &Waker) -> bool {
        self.flags |= ZERO;
        if self.flags & RELEASED != 0 {
            return true;
        }
        if !self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            self.waker = Some(Box::new(waker.clone()));
        }
        false
    }

    /// The placeholder's done-callback: released, and the caller's waker to wake (none once
    /// the timeout finished: dropped, its caller cancelled).
    pub(super) fn release_zero(&mut self) -> Option<Waker> {
        self.flags |= RELEASED;
        self.waker.take().map(|w| *w)
    }

    pub(super) fn finished(&self) -> bool {
        self.flags & FINISHED != 0
    }

    /// Whether the expiry was delivered (asyncio's timeout callback ran: the `EXPIRING`
    /// state), whether or not the timeout's future has seen it yet.
    pub(super) fn delivered(&self) -> bool {
        let (Some(key), Some((run, _))) = (self.key(), self.owner()) else {
            return false;
        };
        let delivered = try_with(|c| {
            c.run_id() as u32 == run && c.timer_deadline(key) == Some(Deadline::Delivered)
        });
        delivered == Some(true)
    }
}

impl State {
    /// The timeout's part of a poll: `Err` when the expiry's turn came (it was delivered;
    /// the timeout is then expired and finished, its timer freed, and the `Err` holds the
    /// wakers to drop outside the core), else `(due, mark)`, where `due` says the deadline
    /// had passed when the timeout started, and `mark` where the inner work's waits begin.
    /// `may_defer`: no handle exists, so the deadline may wait unarmed (`DEFERRED`).
    pub(super) fn poll(
        &mut self,
        c: &mut Core,
        target: Target,
        started: bool,
        waker: &Waker,
        may_defer: bool,
    ) -> Result<(bool, ScopeMark), Ended> {
        assert!(
            !self.finished(),
            "simloop: Timeout polled after it completed"
        );
        let Some(owner) = self.owner() else {
            let owner = (c.run_id(), c.current());
            let deadline = match (self.take_rescheduled(), target) {
                (Some(d), _) => d,
                (None, Target::After(d)) => {
                    Some(Instant::from_nanos(c.now().as_nanos().saturating_add(d)))
                }
                (None, Target::At(t)) => Some(t),
                (None, Target::Never) => None,
            };
            self.set_owner(owner);
            self.set_deadline(deadline);
            self.waker = c.foreign(owner.1, waker).map(Box::new);
            let due = deadline.is_some_and(|d| d <= c.now());
            match deadline {
                // Armed after the inner work's poll if it does not sleep until before the
                // deadline (`after_pending`); counted and traced now, as an armed timer.
                Some(d) if !due && may_defer && self.waker.is_none() && c.defers_deadlines() => {
                    c.note_deferred(d);
                    self.flags |= DEFERRED;
                }
                // Nothing was armed before, so there is no stale waker to drop.
                _ => drop(self.arm(c, None)),
            }
            // Just armed with this poll's waker: nothing can have been delivered yet (a
            // deadline already passed queues its delivery, one slot later).
            return Ok((due, c.scope_start(owner.1)));
        };
        if self.flags & DEFERRED != 0
            && let Some(d) = self.deadline().filter(|&d| d <= c.now())
        {
            // The deadline passed while deferred (the timeout was not polled when its task
            // woke): its expiry is queued now, one slot later, as a passed deadline's, and
            // wins as the expiry would have won at the deadline.
            self.flags &= !DEFERRED;
            self.waker = c.foreign(owner.1, waker).map(Box::new);
            self.key = c.arm_deferred(owner.1, d, self.waker.as_deref().cloned());
            return Err(Ended::Waiting);
        }
        let timer = self.key().and_then(|k| c.timer_deadline(k));
        if timer == Some(Deadline::Delivered) {
            if self.flags & ABSORBED == 0 && c.take_swallowed_expiry(owner.1) {
                // The task the expiry was forwarded to caught it and returned: the work
                // goes on with its value, expired, as if it had caught the expiry itself.
                self.caught();
                return Ok((false, c.scope_start(owner.1)));
            }
            if self.flags & ABSORBED == 0 && !c.take_absorbed_expiry(owner.1) {
                // The expiry gives up the inner work. Until the inner work has dropped,
                // `cancelling()` counts the expiry, as it has since its delivery
                // (`Core::expiries`; `Timeout::poll` ends it).
                // Another cancellation of the task is being delivered in this poll (from
                // outside, or an enclosing timeout's expiry): asyncio's `uncancel()` at the
                // timeout's exit then returns more than `cancelling()` at its entry.
                let outside = c.delivering_cancel();
                if c.begin_held_delivery() {
                    // A future in the inner work holds the task's cancellations (a
                    // Condition wait re-acquiring its lock): it is polled as a delivery
                    // first, and the timeout stays armed until it lets go.
                    return Err(Ended::Held { outside });
                }
                // The timeout expires and finishes here, in this core access (what
                // `finish` does for the other endings).
                self.flags |= EXPIRED | FINISHED;
                let key = self.take_key().expect("a delivered timer has a key");
                let timer = if c.run_id() as u32 == owner.0 {
                    c.cancel_timer(key)
                } else {
                    None
                };
                return Err(Ended::Expired(Stale {
                    _own: self.waker.take(),
                    _timer: timer,
                }));
            }
            // asyncio's timeout sees an exception other than its `CancelledError` and lets
            // it through, expired (case 413): poll the inner work on.
            self.flags |= ABSORBED | EXPIRED;
            return Ok((false, c.scope_start(owner.1)));
        }
        let same_waker = match &self.waker {
            Some(w) => w.will_wake(waker),
            None => c.owns(owner.1, waker),
        };
        if !same_waker {
            self.waker = c.foreign(owner.1, waker).map(Box::new);
            // The timer wakes whoever polled last.
            if let (Some(k), Some(_)) = (self.key(), timer) {
                c.set_timer_waker(k, waker);
            }
        }
        let due = !started && self.deadline().is_some_and(|d| d <= c.now());
        Ok((due, c.scope_start(owner.1)))
    }

    /// Arms the cancel timer for `self.deadline` (replacing `old`) through the runtime's one
    /// timer path, so jitter applies; due at once when the deadline passed already. Returns
    /// a stale waker to drop outside the core.
    pub(super) fn arm(&mut self, c: &mut Core, old: Option<TimerKey>) -> Option<Waker> {
        let (run, owner) = self.owner().expect("armed after the start");
        assert_eq!(
            c.run_id() as u32,
            run,
            "simloop: timeout used outside its run"
        );
        let stale = old.and_then(|k| c.cancel_timer(k));
        self.flags &= !DEFERRED;
        self.key = match self.deadline() {
            None => TimerKey::NONE,
            Some(d) => c.arm_timer_for(owner, d, self.waker.as_deref().cloned(), TimerKind::Cancel),
        };
        stale
    }

    /// Whether a pending poll of the inner work has something to settle
    /// ([`State::after_pending`]): an armed timer's scope, or a deferred deadline.
    pub(super) fn settles(&self) -> bool {
        self.key != TimerKey::NONE || self.flags & DEFERRED != 0
    }

    /// After a pending poll of the inner work that began at `mark`: a deferred deadline
    /// stays deferred while the task sleeps until before it and the timeout runs on its
    /// task's own waker, else its timer is armed now; an armed timer records its scope,
    /// what the inner work awaits (`Core::set_scope`).
    pub(super) fn after_pending(&mut self, c: &mut Core, mark: ScopeMark) {
        if self.flags & DEFERRED != 0 {
            let deadline = self.deadline().expect("a deferred timeout has a deadline");
            if self.waker.is_none() && c.sleeps_before(mark, deadline) {
                return;
            }
            let (run, owner) = self.owner().expect("deferred after the start");
            assert_eq!(
                c.run_id() as u32,
                run,
                "simloop: timeout used outside its run"
            );
            self.flags &= !DEFERRED;
            self.key = c.arm_deferred(owner, deadline, self.waker.as_deref().cloned());
        }
        if let Some(key) = self.key() {
            c.set_scope(key, mark);
        }
    }

    /// The timeout is over (its inner work finished, it expired, or it was dropped):
    /// disarms the deadline. When `dropped`, an expiry already delivered counts: the
    /// timeout expired although another one reported it.
    pub(super) fn finish(&mut self, dropped: bool) {
        if self.finished() {
            // Finished before (the inner work ended or it expired) and dropped now: its
            // timer is gone and its flags are final.
            return;
        }
        self.flags |= FINISHED;
        self.waker = None;
        // An expiry delivered that this timeout did not give its inner work up to: it went
        // on past an absorbed expiry, or it is dropped (its task cancelled from outside
        // too). Its exit ends the count of the expiry in `cancelling()`.
        let dropped_delivered = dropped && !self.expired() && self.delivered();
        if dropped_delivered {
            self.flags |= EXPIRED;
        }
        if dropped_delivered || self.flags & ABSORBED != 0 {
            if let Some((run, task)) = self.owner() {
                let _ = try_with(|c| {
                    if c.run_id() as u32 == run {
                        c.expiry_over(task);
                    }
                });
            }
        }
        if let (Some(key), Some((run, _))) = (self.take_key(), self.owner()) {
            disarm(run, key);
        }
    }
}

/// How a poll found the expiry delivered (`State::poll`'s `Err`).
pub(super) enum Ended {
    /// Expired and finished.
    Expired(Stale),
    /// Delivered to a future in the inner work that holds the task's cancellations
    /// (`runtime/cancel_hold.rs`): not finished until it lets go. `outside`: another
    /// cancellation of the task is being delivered too, which wins once it lets go.
    Held { outside: bool },
    /// Not delivered yet: the deadline passed while it was deferred, and its expiry was
    /// queued at this poll; the timeout waits for it without polling the inner work.
    Waiting,
}

/// Wakers an expired timeout gave up (its own and its timer's), dropped by the caller
/// outside the core borrow (a waker's `Drop` may run user code).
pub(super) struct Stale {
    _own: Option<Box<Waker>>,
    _timer: Option<Waker>,
}

/// Locks a timeout handle's state. A `Mutex` only so that a `Timeout` stays `Send` (as
/// tokio's is) while a handle exists: runs are single-threaded, so it is never contended,
/// and a poisoned lock (a panic while held) is still usable.
pub(super) fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

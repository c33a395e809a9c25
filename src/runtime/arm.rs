//! Arming timers for tasks: the one way (`Core::arm_timer`, and a sleep's
//! `Core::arm_sleep`), so that jitter, counting and tracing apply to every timer.

use std::task::Waker;

use super::Core;
use super::Instant;
use super::TaskId;
use super::ready::Entry;
use super::timers::{Deadline, TimerKey, TimerKind};
use crate::trace::Quick;

/// How many delays timer jitter chooses among (0 to the full jitter, in quarters).
const JITTER_LEVELS: usize = 5;

impl Core {
    /// Arms a timer of `kind` for the running task, which fires through `waker` at
    /// `deadline`: the one way to arm a timer, so that jitter and counting apply to sleeps
    /// and timeouts alike.
    pub(crate) fn arm_timer(
        &mut self,
        deadline: Instant,
        waker: &Waker,
        kind: TimerKind,
    ) -> TimerKey {
        let task = self.current();
        let waker = self.foreign_to_running(waker);
        self.arm_timer_for(task, deadline, waker, kind)
    }

    /// [`Core::arm_timer`] for `task` (not necessarily the running one: a timeout moved by
    /// its handle), with `waker` already `None` when it is the task's own. A cancel timer
    /// whose deadline has passed is queued at once (asyncio's `call_soon` of the timeout
    /// callback).
    pub(crate) fn arm_timer_for(
        &mut self,
        task: TaskId,
        deadline: Instant,
        waker: Option<Waker>,
        kind: TimerKind,
    ) -> TimerKey {
        let deadline = match self.jitter {
            // One of 0, 1/4, 1/2, 3/4 or all of the jitter: a recorded choice, so replays
            // see the same deadlines; index 0 (no delay) is the FIFO choice.
            Some(max) if !max.is_zero() => {
                deadline.saturating_add(max * self.choose(JITTER_LEVELS) as u32 / 4)
            }
            _ => deadline,
        };
        if kind == TimerKind::Cancel && deadline <= self.now {
            return self.arm_due(task, waker);
        }
        self.stats.timers += 1;
        if self.trace.full() {
            self.record_quick(Quick::TimerArmed(deadline));
        }
        self.timers.arm(deadline, task, waker, kind)
    }

    /// A cancel timer due already, its expiry queued at once.
    pub(super) fn arm_due(&mut self, task: TaskId, waker: Option<Waker>) -> TimerKey {
        let (key, index) = self.timers.arm_due(task, waker);
        self.ready.push_back(Entry::Timer {
            index,
            task: task.get(),
        });
        key
    }

    /// Arms the running task's sleep until `deadline` (after the clock) through `waker`: the
    /// timer of [`Core::arm_timer`] with [`TimerKind::Wake`], counted, traced and fired
    /// alike, but on the task's own waker and without jitter it takes no slab entry (see
    /// `timers/sleeps.rs`). Ask [`Core::sleep_fired`] and [`Core::cancel_sleep`] about it,
    /// with the same deadline.
    #[inline]
    pub(crate) fn arm_sleep(&mut self, deadline: Instant, waker: &Waker) -> TimerKey {
        let task = self.current();
        let waker = self.foreign_to_running(waker);
        if waker.is_none()
            && self.jitter.is_none_or(|max| max.is_zero())
            && let Some(key) = self.timers.arm_own(deadline.as_nanos(), task)
        {
            self.stats.timers += 1;
            if self.trace.full() {
                self.record_quick(Quick::TimerArmed(deadline));
            }
            return key;
        }
        self.arm_timer_for(task, deadline, waker, TimerKind::Wake)
    }

    /// Whether the sleep `key` armed by [`Core::arm_sleep`] for `deadline` fired.
    #[inline]
    pub(crate) fn sleep_fired(&self, key: TimerKey, deadline: Instant) -> bool {
        self.timers.sleep_fired(key, deadline.as_nanos())
    }

    /// Disarms the sleep `key` armed by [`Core::arm_sleep`] for `deadline` (nothing once it
    /// fired); returns the foreign waker it held, for the caller to drop after the borrow.
    #[inline]
    pub(crate) fn cancel_sleep(&mut self, key: TimerKey, deadline: Instant) -> Option<Waker> {
        self.timers.cancel_sleep(key, deadline.as_nanos())
    }

    /// Where the cancel timer `key` is in its life (`None` once freed, or for a wake timer).
    #[inline]
    pub(crate) fn timer_deadline(&self, key: TimerKey) -> Option<Deadline> {
        self.timers.deadline_state(key)
    }

    /// Disarms or frees the timer `key` (a stale key does nothing). Returns the foreign
    /// waker it held, which the caller drops after the core borrow (its `Drop` may run user
    /// code).
    #[inline]
    pub(crate) fn cancel_timer(&mut self, key: TimerKey) -> Option<Waker> {
        self.timers.cancel(key)
    }

    /// Replaces the waker of an armed timer (its future was polled with a new context,
    /// perhaps by another task than the one that armed it).
    pub(crate) fn set_timer_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(task) = self.timers.task_of(key) {
            let own = self.owns(task, waker);
            self.timers.set_waker(key, waker, own);
        }
    }
}

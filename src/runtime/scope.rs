//! A timeout's scope: what its expiry cancels.
//!
//! asyncio's timeout callback calls `Task.cancel()` on the task that runs the timeout, which
//! forwards the cancellation to the future the task awaits (`_fut_waiter`): when that is a
//! task (or a gather of tasks), the awaited tasks are cancelled and the caller resumes only
//! once they ended; otherwise the awaited future is cancelled and the caller is woken. A
//! simloop timeout runs its inner work inline, so its scope is what the inner work waits on:
//! the waits its task registered while the timeout polled it. After each pending poll the
//! timeout records them on its cancel timer ([`Core::set_scope`]), and the timer's delivery
//! ([`Core::expire`]) cancels the awaited tasks, or the future awaited alone (a `Promise`),
//! or wakes the task when the scope awaits anything else.

use std::task::Waker;

use super::TaskId;
use super::slot::{ABANDONING, CANCEL, SLEEPING};
use super::{Core, TimerKey, WaitOn};

/// Where a timeout's scope begins among its task's waits: taken just before the timeout
/// polls its inner work ([`Core::scope_start`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScopeMark {
    pub(super) task: TaskId,
    waits: usize,
    /// Whether the task slept already (`SLEEPING`) when the scope began.
    pub(super) sleeping: bool,
}

impl Core {
    /// Marks the start of a timeout's scope in the running task `task`'s waits.
    #[inline]
    pub(crate) fn scope_start(&self, task: TaskId) -> ScopeMark {
        ScopeMark {
            task,
            waits: self.waits_of(task).count(),
            sleeping: self.state_of(task) & SLEEPING != 0,
        }
    }

    /// Records on the cancel timer `key` the scope that began at `mark`: the tasks awaited
    /// since, when the inner work awaits nothing but tasks (no sleep, no primitive).
    pub(crate) fn set_scope(&mut self, key: TimerKey, mark: ScopeMark) {
        let slept = !mark.sleeping && self.state_of(mark.task) & SLEEPING != 0;
        let tasks: Vec<TaskId> = if slept {
            Vec::new()
        } else {
            self.waits_of(mark.task)
                .skip(mark.waits)
                .map(|w| match w {
                    WaitOn::Join(t) => Some(*t),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default()
        };
        self.timers.set_scope(key, tasks);
    }

    /// The turn of `Entry::Timer { index, .. }`: delivers a timeout's expiry, as asyncio's timeout
    /// callback does with `Task.cancel()`. The tasks of its scope that have not ended are
    /// cancelled (in the order they were awaited) and its task resumes when they end, as an
    /// awaiter; when there are none, the task is marked abandoning (primitives skip its
    /// waits, as asyncio skips a cancelled waiter future) and woken: directly, or through the
    /// returned foreign waker.
    pub(crate) fn expire(&mut self, index: u32) -> Option<Waker> {
        let task = self.timers.fired_task(index)?;
        // The timer keeps the task's number; its slot, while it has one, comes from the table.
        let task = self.place_by_number(task);
        // asyncio's timeout callback is a `Task.cancel()` with no message: a pending request
        // of the `_must_cancel` kind (the task queued with `cancel(msg)` not yet delivered)
        // takes its message, none, as a second `cancel()` would (cases 700, 709).
        if self.state_of(task) & CANCEL != 0
            && self.cancel_counts.get(&task).is_some_and(|c| c.must)
        {
            self.messages.remove(&task);
        }
        let mut forwarded = false;
        for t in self.timers.deliver(index) {
            forwarded |= self.cancel(t, None);
        }
        if forwarded {
            return None;
        }
        // A future awaited alone is cancelled, and the task woken among its awaiters.
        if let Some(future) = self.sole_future_wait(task)
            && future.cancel(self, None)
        {
            return None;
        }
        if let Some(slot) = self.slot_mut(task) {
            slot.set(ABANDONING);
        }
        let waker = self.timers.take_waker(index);
        if waker.is_none() {
            self.wake_task(task);
        }
        waker
    }
}

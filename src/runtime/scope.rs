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
//!
//! Until the timeout exits, its delivered expiry stays in a side table of the core
//! (`Core::expiries`, almost always empty), as asyncio's `Task.cancel()` stays counted until
//! the timeout's `__aexit__` uncancels it: `cancelling()` counts it, and a `cancel(msg)`
//! before the turn of a task that the expiry woke keeps the expiry's `CancelledError()`.

use std::task::Waker;

use super::TaskId;
use super::slot::{ABANDONING, CANCEL, QUEUED, SLEEPING};
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

/// A timeout expiry delivered to a task whose timeout has not exited yet
/// (`Core::expiries`): asyncio's timeout callback has called `Task.cancel()`, which
/// `cancelling()` counts until the timeout's `__aexit__` uncancels it (case 712).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Expiry {
    task: TaskId,
    /// The expiry woke the task (it cancelled the sleep or primitive the task awaited,
    /// and the task was not queued): the task's step throws that `CancelledError`, with no
    /// message, whatever a `cancel(msg)` before the step says (case 711). Read only while
    /// the task's slot is `ABANDONING`, which its next poll clears.
    woke: bool,
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
        let state = self.state_of(task);
        if state & (QUEUED | ABANDONING) == QUEUED {
            // Queued by something else since its last poll: an earlier expiry did not
            // wake it (asyncio's `_fut_waiter` is done, so a `cancel(msg)` is `_must_cancel`).
            for e in self.expiries.iter_mut().filter(|e| e.task == task) {
                e.woke = false;
            }
        }
        self.expiries.push(Expiry { task, woke: false });
        // asyncio's timeout callback is a `Task.cancel()` with no message: a pending request
        // of the `_must_cancel` kind (the task queued with `cancel(msg)` not yet delivered)
        // takes its message, none, as a second `cancel()` would (cases 700, 709).
        if self.state_of(task) & CANCEL != 0
            && self.cancel_counts.get(&task).is_some_and(|c| c.must)
        {
            self.messages.remove(&task);
        }
        let mut forwarded = false;
        let scope = self.timers.deliver(index);
        let sole = scope.len() == 1;
        for t in scope {
            let reached = self.cancel(t, None);
            if reached && sole {
                // It may catch the cancellation and return (`catch.rs`).
                self.note_forwarded_expiry(task, t);
            }
            forwarded |= reached;
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
        if state & QUEUED == 0 {
            self.expiries.last_mut().expect("pushed above").woke = true;
        }
        let waker = self.timers.take_waker(index);
        if waker.is_none() {
            self.wake_task(task);
        }
        waker
    }
}

impl Core {
    /// The timeout whose expiry was delivered to task `id` exits (it gave up its inner
    /// work, or was dropped): asyncio's `__aexit__` uncancels the task, so `cancelling()`
    /// no longer counts the expiry.
    pub(crate) fn expiry_over(&mut self, id: TaskId) {
        if let Some(at) = self.expiries.iter().rposition(|e| e.task == id) {
            self.expiries.remove(at);
        }
    }

    /// How many timeout expiries delivered to task `id` `cancelling()` counts.
    pub(super) fn expiries_of(&self, id: TaskId) -> u32 {
        if self.expiries.is_empty() {
            return 0;
        }
        self.expiries.iter().filter(|e| e.task == id).count() as u32
    }

    /// Whether a timeout's expiry woke task `id` (cancelling what it awaited) and the task
    /// has not run since: a `cancel()` now finds asyncio's `_fut_waiter` done, and the
    /// task's step keeps the expiry's `CancelledError` (case 711).
    pub(super) fn woken_by_expiry(&self, id: TaskId) -> bool {
        !self.expiries.is_empty()
            && self.state_of(id) & ABANDONING != 0
            && self.expiries.iter().any(|e| e.task == id && e.woke)
    }
}

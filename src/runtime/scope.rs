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
//! Until the timeout exits, its delivered expiry stays on a stack beside its task's slot
//! (`Core::expiries`, [`Expiries`]), as asyncio's `Task.cancel()` stays counted until
//! the timeout's `__aexit__` uncancels it: `cancelling()` counts it, and a `cancel(msg)`
//! before the turn of a task that the expiry woke keeps the expiry's `CancelledError()`.

use std::task::Waker;

use super::TaskId;
use super::catch::ExpiryForward;
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

/// The timeout expiries delivered whose timeout has not exited yet (`Core::expiries`):
/// asyncio's timeout callback has called `Task.cancel()`, which `cancelling()` counts until
/// the timeout's `__aexit__` uncancels it (case 712). A stack per task (its timeouts exit
/// innermost first), beside its slot, so each operation costs O(1) however many expiries
/// are outstanding at once (thousands when that many timeouts share a deadline).
#[derive(Debug, Default)]
pub(crate) struct Expiries {
    /// By slot index: the stack of the task living there, which `Stack::task` names (one
    /// left by an earlier task of the slot counts as empty). Grown at the first expiry of a
    /// task in a slot past its end.
    by_slot: Vec<Stack>,
    /// Entries in the stacks of live tasks: 0 makes every query a single test.
    outstanding: usize,
}

/// One task's outstanding expiries, oldest first, each with whether it woke the task (it
/// cancelled the sleep or primitive the task awaited, and the task was not queued): the
/// task's step throws that `CancelledError`, with no message, whatever a `cancel(msg)`
/// before the step says (case 711). Read only while the task's slot is `ABANDONING`,
/// which its next poll clears.
#[derive(Debug, Default)]
struct Stack {
    /// The number ([`TaskId::get`]) of the task whose stack this is.
    task: u32,
    len: u32,
    /// Bit `i`: whether entry `i` woke the task, for the first 64 entries (bits from `len`
    /// up are clear).
    low: u64,
    /// The same for the entries from the 65th on (a task inside more than 64 nested
    /// timeouts that expired; never allocated otherwise).
    high: Vec<bool>,
}

impl Stack {
    fn push(&mut self) {
        if self.len >= 64 {
            self.high.push(false);
        }
        self.len += 1;
    }

    fn set_top_woke(&mut self) {
        match self.high.last_mut() {
            Some(top) => *top = true,
            None => self.low |= 1 << (self.len - 1),
        }
    }

    fn pop(&mut self) {
        self.len -= 1;
        if self.high.pop().is_none() {
            self.low &= !(1 << self.len);
        }
    }

    fn clear_woke(&mut self) {
        self.low = 0;
        self.high.fill(false);
    }

    fn any_woke(&self) -> bool {
        self.low != 0 || self.high.contains(&true)
    }
}

impl Expiries {
    /// Whether no expiry is outstanding (the common case: every query's fast path).
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.outstanding == 0
    }

    /// Forgets every entry (a new run).
    pub(super) fn clear(&mut self) {
        self.by_slot.clear();
        self.outstanding = 0;
    }

    /// The stack of task `task` in slot `slot`, made empty if it was an earlier task's.
    fn stack_mut(&mut self, slot: usize, task: TaskId) -> &mut Stack {
        if slot >= self.by_slot.len() {
            self.by_slot.resize_with(slot + 1, Stack::default);
        }
        let stack = &mut self.by_slot[slot];
        if stack.task != task.get() {
            self.outstanding -= stack.len as usize;
            *stack = Stack {
                task: task.get(),
                ..Stack::default()
            };
        }
        stack
    }

    /// The stack of task `task` if it has entries (`slot`: its slot, if it has one).
    fn stack(&self, slot: Option<usize>, task: TaskId) -> Option<&Stack> {
        let stack = self.by_slot.get(slot?)?;
        (stack.task == task.get() && stack.len > 0).then_some(stack)
    }

    /// A new expiry of `task`, not (yet) marked as waking it; with `stale`, the task's
    /// earlier expiries no longer count as having woken it.
    fn push(&mut self, slot: usize, task: TaskId, stale: bool) {
        let stack = self.stack_mut(slot, task);
        if stale {
            stack.clear_woke();
        }
        stack.push();
        self.outstanding += 1;
    }

    /// Marks the newest expiry of the task in `slot`, just pushed ([`Expiries::push`]), as
    /// the one that woke it: the slot's stack is that task's, so it is not looked up again.
    fn set_woke(&mut self, slot: usize) {
        self.by_slot[slot].set_top_woke();
    }

    /// Forgets `task`'s newest expiry, if it has one; returns how many it has left.
    fn pop(&mut self, slot: Option<usize>, task: TaskId) -> u32 {
        if self.stack(slot, task).is_none() {
            return 0;
        }
        let stack = &mut self.by_slot[slot.expect("a stack has a slot")];
        stack.pop();
        self.outstanding -= 1;
        stack.len
    }
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
        // Queued by something else since its last poll: an earlier expiry did not wake it
        // (asyncio's `_fut_waiter` is done, so a `cancel(msg)` is `_must_cancel`).
        let stale = state & (QUEUED | ABANDONING) == QUEUED;
        let slot = self.slot_index(task);
        if let Some(slot) = slot {
            self.expiries.push(slot, task, stale);
        }
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
                self.note_forwarded_expiry(task, ExpiryForward::Task(t));
            }
            forwarded |= reached;
        }
        if forwarded {
            if !sole {
                // A gather of them decides what the work sees (`catch.rs`).
                self.note_forwarded_expiry(task, ExpiryForward::Tasks);
            }
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
        if let Some(slot) = slot
            && state & QUEUED == 0
        {
            self.expiries.set_woke(slot);
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
        if !self.forwarded_expiries.is_empty() {
            // A forward the timeout never read (it was dropped) must not reach a later
            // gather of the task.
            self.forwarded_expiries.remove(&id);
        }
        if !self.expiries.is_empty() {
            self.expiries.pop(self.slot_index(id), id);
        }
    }

    /// A timeout's exit after its expiry gave up the inner work: the expiry's count ends
    /// ([`Core::expiry_over`]), and the answer is [`Core::caught_beyond`]'s. When no
    /// cancellation of any task is counted but expiries and no expiry was forwarded
    /// (`expiry_over` forgets one), `cancelling()` is what the task's
    /// stack has left once it popped, so one look at the slot and the stack answers both
    /// (W6 exits this way about 5,000 times a run, with expiries of other tasks
    /// outstanding).
    pub(crate) fn exit_after_expiry(&mut self, id: TaskId, entry: u32) -> bool {
        if self.expiries.is_empty()
            || !self.cancel_counts.is_empty()
            || self.expiring.is_some()
            || !self.forwarded_expiries.is_empty()
        {
            self.expiry_over(id);
            return self.caught_beyond(id, entry);
        }
        let left = self.expiries.pop(self.slot_index(id), id);
        left > entry && self.state_of(id) & CANCEL == 0 && !self.delivering_cancel()
    }

    /// How many timeout expiries delivered to task `id` `cancelling()` counts.
    pub(super) fn expiries_of(&self, id: TaskId) -> u32 {
        if self.expiries.is_empty() {
            return 0;
        }
        self.expiries
            .stack(self.slot_index(id), id)
            .map_or(0, |s| s.len)
    }

    /// Whether a timeout's expiry woke task `id` (cancelling what it awaited) and the task
    /// has not run since: a `cancel()` now finds asyncio's `_fut_waiter` done, and the
    /// task's step keeps the expiry's `CancelledError` (case 711).
    pub(super) fn woken_by_expiry(&self, id: TaskId) -> bool {
        !self.expiries.is_empty()
            && self.state_of(id) & ABANDONING != 0
            && self
                .expiries
                .stack(self.slot_index(id), id)
                .is_some_and(Stack::any_woke)
    }
}

#[cfg(test)]
mod tests {
    use super::Stack;

    #[test]
    fn a_stack_keeps_each_entrys_wake_past_64_entries() {
        let mut s = Stack::default();
        for depth in 0..70 {
            s.push();
            if depth == 2 || depth == 66 {
                s.set_top_woke();
            }
        }
        assert!(s.any_woke());
        s.pop(); // 69
        s.pop(); // 68
        s.pop(); // 67
        s.pop(); // 66: woke
        assert!(s.any_woke(), "entry 2 still woke");
        while s.len > 3 {
            s.pop();
        }
        assert!(s.any_woke());
        s.pop(); // 2
        assert!(!s.any_woke());
        s.push();
        s.set_top_woke();
        s.clear_woke();
        assert!(!s.any_woke());
        assert_eq!(s.len, 3);
    }
}

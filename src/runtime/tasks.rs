//! Finding a task by its id (its slot, checked, or the id table), what state it is in and
//! how it ended, releasing its slot, and spawning one.

use std::borrow::Cow;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::Waker;

use super::Instant;
use super::TaskId;
use super::cell::TaskCell;
use super::core::CancelRequests;
use super::id_table::{FREED, SLOT_MASK};
use super::ready::Entry;
use super::slot::{
    ABANDONING, CANCEL, DETACHED, END_CANCELLED, END_MASK, END_PANICKED, END_RETURNED, FREE_SLOT,
    NONE, QUEUED, TaskSlot,
};
use super::{Completion, Core, ErasedTask};
use crate::trace::Quick;

impl Core {
    /// How many tasks the run spawned (the main task included).
    #[inline]
    pub(crate) fn task_count(&self) -> usize {
        self.slot_of.len()
    }

    /// The index of task `id`'s slot, `None` once it was released (the task ended and
    /// nothing will read its slot again).
    ///
    /// An id made by the runtime names its slot, which is the task's exactly when the slot
    /// holds the task's number (**invariant: `TaskSlot::task` is the number of the task the
    /// slot holds, and `FREE_SLOT` once released**): one read, of the slot, which the
    /// caller reads next anyway. Otherwise (a released slot, or an id read back from a
    /// trace) the id table answers.
    #[inline]
    pub(crate) fn slot_index(&self, id: TaskId) -> Option<usize> {
        let s = id.slot() as usize;
        match self.tasks.get(s) {
            Some(slot) if slot.task == id.get() => Some(s),
            _ => self.slot_index_slow(id),
        }
    }

    /// [`Core::slot_index`] by the id table.
    #[cold]
    #[inline(never)]
    fn slot_index_slow(&self, id: TaskId) -> Option<usize> {
        let e = self.slot_of.try_get(id.index())?;
        (e & FREED == 0).then_some((e & SLOT_MASK) as usize)
    }

    /// Task `id`, named by number (a timer's task), with the slot it lives in from the id
    /// table; `id` itself once its slot was released. One read, inlined: a timeout's expiry
    /// and a fired timer take this path.
    #[inline]
    pub(super) fn place_by_number(&self, id: TaskId) -> TaskId {
        let e = self.slot_of.get(id.index());
        if e & FREED == 0 {
            TaskId::new(id.index(), e & SLOT_MASK)
        } else {
            id
        }
    }

    /// Task `id` with the slot it lives in (`id` itself when it names it), or `None` once
    /// its slot was released: what entries that name a task carry.
    #[inline]
    pub(super) fn placed(&self, id: TaskId) -> Option<TaskId> {
        let s = self.slot_index(id)?;
        Some(TaskId::new(id.index(), s as u32))
    }

    /// Task `id`'s slot while it has one.
    #[inline]
    pub(crate) fn slot_mut(&mut self, id: TaskId) -> Option<&mut TaskSlot> {
        let s = self.slot_index(id)?;
        Some(&mut self.tasks[s])
    }

    /// The slot of task `id`, which is alive or has an output to hand over (a running,
    /// queued or suspending task: its slot is not released before it ends and its output
    /// is gone).
    ///
    /// # Panics
    ///
    /// Panics when the slot was released, which would be a bug in the engine.
    #[inline]
    #[track_caller]
    pub(crate) fn live(&mut self, id: TaskId) -> &mut TaskSlot {
        let s = self.slot_index(id).expect("a live task has a slot");
        &mut self.tasks[s]
    }

    /// Task `id`'s state bits: its slot's, or once the slot was released, its end and
    /// `DETACHED` bits.
    #[inline]
    pub(super) fn state_of(&self, id: TaskId) -> u8 {
        match self.slot_index(id) {
            Some(s) => self.tasks[s].state,
            None => self.slot_of.try_get(id.index()).unwrap_or(FREED) as u8,
        }
    }

    /// The slot of the task of a picked `Entry::Poll(id)`, marked out of the ready queue and
    /// with the flags in `also` cleared in the same write: the entry's id names the slot (a
    /// queued task keeps its slot, so **an `Entry::Poll`'s id always names its task's
    /// slot**).
    #[inline]
    pub(super) fn unqueue(&mut self, id: TaskId, also: u8) -> (usize, &mut TaskSlot) {
        let s = id.slot() as usize;
        let slot = &mut self.tasks[s];
        debug_assert!(slot.task == id.get() && slot.is(QUEUED));
        slot.unset(QUEUED | also);
        (s, slot)
    }

    /// Releases task `id`'s slot for reuse if nothing will read it again: the task ended,
    /// its output was taken or dropped, and no poll of it is queued. Its end state stays
    /// readable ([`Core::completion`]); everything else in the slot was cleared when it
    /// ended.
    #[inline]
    pub(crate) fn release(&mut self, id: TaskId) {
        if let Some(s) = self.slot_index(id) {
            self.release_at(id, s);
        }
    }

    /// [`Core::release`] of task `id`, whose slot is `s`.
    #[inline]
    pub(super) fn release_at(&mut self, id: TaskId, s: usize) {
        let slot = &mut self.tasks[s];
        debug_assert_eq!(slot.task, id.get());
        if slot.is_done() && slot.cell.is_none() && !slot.is(QUEUED) {
            // Every way a task ends clears these, the run's teardown (`mark_ended`) included.
            debug_assert!(slot.waker.is_none() && slot.waiters == NONE && slot.more_waits == NONE);
            slot.task = FREE_SLOT;
            self.slot_of
                .free(id.index(), slot.state & (END_MASK | DETACHED));
            self.free_slots.push(s as u32);
        }
    }

    /// Whether a slot not released (`release_at`) satisfies `f`; a released slot holds no
    /// task and no output, so asking about one is never needed.
    ///
    /// Most runs end with every slot but main's released (main's output is taken, its slot
    /// kept): then only main's slot is read, where a scan would read every slot of the run
    /// (a cache line each, cold at the run's end: 10,000 in W6).
    pub(super) fn any_unreleased(&self, f: impl Fn(&TaskSlot) -> bool) -> bool {
        let main = self.main.slot() as usize;
        match self.tasks.len() - self.free_slots.len() {
            0 => false,
            1 if self
                .tasks
                .get(main)
                .is_some_and(|s| s.task == self.main.get()) =>
            {
                f(&self.tasks[main])
            }
            _ => self.tasks.iter().any(f),
        }
    }

    /// Whether task `id` has ended.
    #[inline]
    pub(crate) fn is_done(&self, id: TaskId) -> bool {
        self.state_of(id) & END_MASK != 0
    }

    /// Whether task `id` is in the ready queue.
    #[inline]
    pub(crate) fn is_queued(&self, id: TaskId) -> bool {
        self.state_of(id) & QUEUED != 0
    }

    /// Whether task `id` will give up what it waits on at its turn: a cancellation is
    /// pending, or a timeout's deadline was delivered to it since its last poll.
    #[inline]
    pub(crate) fn abandoning(&self, id: TaskId) -> bool {
        self.state_of(id) & (CANCEL | ABANDONING) != 0
    }

    /// Whether task `id` is detached (its join handle was dropped).
    #[inline]
    pub(crate) fn is_detached(&self, id: TaskId) -> bool {
        self.state_of(id) & DETACHED != 0
    }

    /// How many cancellations of task `id` were requested before it ended (asyncio's
    /// `Task.cancelling()`).
    #[inline]
    pub(crate) fn cancel_requests(&self, id: TaskId) -> u32 {
        if self.cancel_counts.is_empty() && self.expiring.is_none() && self.expiries.is_empty() {
            // No task was cancelled, and no expiry is outstanding (a timeout's first poll).
            return 0;
        }
        let expiring = u32::from(self.expiring == Some(id));
        self.cancel_counts.get(&id).map_or(0, |c| c.count) + expiring + self.expiries_of(id)
    }

    /// asyncio's `Task.uncancel()`: one cancellation request of task `id` fewer (never
    /// below zero); returns how many are left. At zero, as in CPython 3.13, a cancellation
    /// still pending that nothing the task awaits was cancelled for (`_must_cancel`: the
    /// task was not started, queued, or running when it was requested) is withdrawn; one
    /// forwarded to what the task awaits (a sleep, a lock, a future) still arrives. 3.11
    /// and 3.12 deliver both.
    pub(crate) fn uncancel(&mut self, id: TaskId) -> u32 {
        let (left, withdraw) = match self.cancel_counts.get_mut(&id) {
            Some(c) if c.count > 0 => {
                c.count -= 1;
                (c.count, c.count == 0 && std::mem::take(&mut c.must))
            }
            _ => (0, false),
        };
        if withdraw {
            self.absorb_cancel(id);
        }
        left
    }

    /// Marks the running task as having a timeout's expiry delivered while `f` runs (the
    /// inner work dropping): asyncio's timeout cancels its task, counted by `cancelling()`,
    /// and uncancels it when the timeout exits, so the count shows only meanwhile.
    pub(crate) fn expiring(&mut self, on: bool) {
        self.expiring = if on { self.running } else { None };
    }

    /// Who first asked to cancel task `id` (`None`: the event loop, e.g. a timeout's
    /// expiry), and when; `None` if nobody did.
    pub(crate) fn first_cancel_request(&self, id: TaskId) -> Option<(Option<TaskId>, Instant)> {
        self.cancel_counts.get(&id).map(|c| c.first)
    }

    /// Counts a cancellation request of task `id`, which has not ended, by the running task;
    /// returns the task's requests.
    pub(super) fn count_cancel_request(&mut self, id: TaskId) -> &mut CancelRequests {
        let first = (self.running, self.now);
        let requests = self.cancel_counts.entry(id).or_insert(CancelRequests {
            count: 0,
            first,
            must: false,
        });
        requests.count += 1;
        requests
    }

    /// How task `id` ended, if it has.
    pub(crate) fn completion(&self, id: TaskId) -> Option<Completion> {
        let message = || self.messages.get(&id).cloned();
        match self.state_of(id) & END_MASK {
            END_RETURNED => Some(Completion::Returned),
            END_PANICKED => Some(Completion::Panicked(message().unwrap_or_default())),
            END_CANCELLED => Some(Completion::Cancelled(message())),
            _ => None,
        }
    }

    /// Creates a task and queues its first step behind what is already ready; spawned at
    /// `at` (`None`: the main task).
    pub(crate) fn spawn<F: Future + 'static>(
        &mut self,
        name: Option<Cow<'static, str>>,
        future: F,
        at: Option<&'static Location<'static>>,
    ) -> TaskId {
        self.spawn_cell(name, TaskCell::boxed(future), at)
    }

    /// [`Core::spawn`] of a future boxed already ([`TaskCell::boxed`], outside the core
    /// borrow, so that a large future is moved once).
    #[inline]
    pub(crate) fn spawn_cell(
        &mut self,
        name: Option<Cow<'static, str>>,
        cell: Pin<Box<dyn ErasedTask>>,
        at: Option<&'static Location<'static>>,
    ) -> TaskId {
        let id = self.place_task(name, cell, at);
        self.ready.push_back(Entry::Poll(id));
        id
    }

    /// Creates a task in a slot of its own, its slot marked queued, without queueing its
    /// first step: [`Core::spawn_cell`] queues it, an eager start (`eager.rs`) runs it at
    /// once. Counted, fingerprinted, told to the strategy and traced as a spawn.
    #[inline(always)]
    pub(super) fn place_task(
        &mut self,
        name: Option<Cow<'static, str>>,
        mut cell: Pin<Box<dyn ErasedTask>>,
        at: Option<&'static Location<'static>>,
    ) -> TaskId {
        // The slot first: the id names it.
        let s = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                let s = u32::try_from(self.tasks.len()).unwrap_or(u32::MAX);
                assert!(
                    s <= SLOT_MASK,
                    "simloop: fewer than 2^29 tasks alive at once"
                );
                s
            }
        };
        let id = TaskId::new(self.slot_of.len(), s);
        let waker = self.wakers.take(self.run_id, id);
        cell.as_mut().set_waker(Waker::from(waker.clone()));
        if self.program.is_open()
            && self
                .program
                .spawn(self.running, name.as_deref(), self.stats.steps)
        {
            self.program_window_closed();
        }
        if let Some(name) = name {
            self.names.push((id, name));
        }
        let slot = TaskSlot::new(id, cell, waker, at);
        match self.tasks.get_mut(s as usize) {
            Some(free) => *free = slot,
            None => self.tasks.push(slot),
        }
        self.slot_of.push(s);
        self.stats.tasks += 1;
        self.limits.max_steps = self
            .limits
            .max_steps
            .saturating_add(self.limits.steps_per_task);
        self.sched.on_spawn(id);
        self.ambient_spawned(id);
        if self.trace.full() {
            self.record_quick(Quick::Spawn(id));
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use crate::runtime::with;
    use crate::{Policy, Sim, spawn, yield_now};

    /// A run holds as many task slots as tasks were alive at once, not as many as it
    /// spawned (issue 18: W3's 100,000 spawns kept 100,000 slots).
    #[test]
    fn slots_are_reused_within_a_run() {
        for policy in [Policy::Fifo, Policy::Random] {
            let out = Sim::new().policy(policy).run(async {
                for _ in 0..200 {
                    let handles: Vec<_> = (0..10)
                        .map(|_| spawn(async { yield_now().await }))
                        .collect();
                    for h in handles {
                        h.await.unwrap();
                    }
                    drop(spawn(async {}));
                }
                yield_now().await;
                with("test", |c| (c.tasks.len(), c.task_count()))
            });
            let (slots, tasks) = out.result.unwrap();
            assert_eq!(tasks, 1 + 200 * 11);
            assert!(slots <= 13, "{slots} slots for at most 12 live tasks");
        }
    }
}

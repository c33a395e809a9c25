//! Waking tasks: a task's own wake (one read, of its slot), foreign wakers and callbacks
//! parked in the hop table, and who is told when a task ends.

use std::rc::Rc;
use std::task::Waker;

use super::awaiters::Waiter;
use super::context::defer_wake;
use super::ready::Entry;
use super::slot::{END_MASK, QUEUED, TaskSlot};
use super::{Completion, Core, DoneCallback, Hop, ReadyQueue};
use super::{DoneCallbackKey, TaskId};
use crate::trace::Quick;

/// [`Core::park_step`] on the parts of the core it uses (for code that borrows others at
/// once): `step` is the number of the task whose step `hop` is, 0 for a pure hop.
#[inline]
pub(crate) fn park_in(
    hops: &mut Vec<Option<Hop>>,
    hop_steps: &mut Vec<u32>,
    free_hops: &mut Vec<u32>,
    ready: &mut ReadyQueue,
    hop: Hop,
    step: u32,
) {
    let k = put_hop(hops, hop_steps, free_hops, hop, step);
    ready.push_back(Entry::Wake(k));
}

/// Parks `hop`, a step of task number `step` (0: none), at a free index of the hop table.
#[inline]
fn put_hop(
    hops: &mut Vec<Option<Hop>>,
    hop_steps: &mut Vec<u32>,
    free_hops: &mut Vec<u32>,
    hop: Hop,
    step: u32,
) -> u32 {
    match free_hops.pop() {
        Some(k) => {
            hops[k as usize] = Some(hop);
            hop_steps[k as usize] = step;
            k
        }
        None => {
            hops.push(Some(hop));
            hop_steps.push(step);
            u32::try_from(hops.len() - 1).expect("fewer than 2^32 pending hops")
        }
    }
}

impl Core {
    /// Queues a task's next step unless it is queued already or finished.
    ///
    /// Reads and writes only the task's slot, which its id names (its `QUEUED` and end
    /// bits): in a big run a wake is a cache miss per line it reads.
    #[inline]
    pub(crate) fn wake_task(&mut self, id: TaskId) {
        self.wake_entry(id);
    }

    /// [`Core::wake_task`], always inlined (the engine's hop; an out-of-line call per wake
    /// cost W1 1.4% instructions).
    #[inline(always)]
    pub(super) fn wake_entry(&mut self, id: TaskId) {
        match self.tasks.get_mut(id.slot() as usize) {
            Some(slot) if slot.task == id.get() => {
                if slot.state & (QUEUED | END_MASK) == 0 {
                    slot.state |= QUEUED;
                    self.queue_woken(id);
                }
            }
            _ => self.wake_by_table(id),
        }
    }

    /// [`Core::wake_task`] of an id whose slot does not hold its task: the task's slot was
    /// released (nothing to wake), or the id names no slot (read back from a trace).
    #[cold]
    #[inline(never)]
    fn wake_by_table(&mut self, id: TaskId) {
        if let Some(placed) = self.placed(id)
            && placed.slot() != id.slot()
        {
            self.wake_entry(placed);
        }
    }

    /// Queues `id`, just marked queued, for its next step (always inlined: the full
    /// trace's inlined recording made it too large for the inliner, and an out-of-line
    /// call on every wake cost W1 1.5% instructions with tracing off).
    #[inline(always)]
    fn queue_woken(&mut self, id: TaskId) {
        self.ready.push_back(Entry::Poll(id));
        self.stats.wakes += 1;
        if self.trace.full() {
            self.record_quick(Quick::Wake(id));
        }
    }

    /// Wakes a waker that `task` registered: directly when it is the task's own waker, after
    /// the core borrow otherwise (a waker from a combinator such as `FuturesUnordered`).
    ///
    /// One look at the task's slot for both questions (whose waker, whether to queue) when
    /// the id names it, as every id of a running task does.
    #[inline]
    pub(crate) fn wake(&mut self, task: TaskId, waker: &Waker) {
        match self.tasks.get_mut(task.slot() as usize) {
            Some(slot) if slot.task == task.get() => {
                if !slot.owns(waker) {
                    return defer_wake(waker.clone());
                }
                if slot.state & (QUEUED | END_MASK) == 0 {
                    slot.state |= QUEUED;
                    self.queue_woken(task);
                }
            }
            _ => {
                if !self.owns(task, waker) {
                    return defer_wake(waker.clone());
                }
                self.wake_task(task);
            }
        }
    }

    /// Queues the running task's next step (`yield_now`): its slot is known, so the wake
    /// reads no id, and it is inlined into the yield (an out-of-line `Core::wake` was a
    /// fifth of a yield's instructions). A foreign waker (a combinator's context) is woken
    /// after the core borrow, as by [`Core::wake`].
    #[inline(always)]
    pub(crate) fn wake_running(&mut self, waker: &Waker) {
        let me = self.current();
        let slot = self.running_slot().expect("a running task");
        if !slot.owns(waker) {
            return defer_wake(waker.clone());
        }
        if slot.state & (QUEUED | END_MASK) == 0 {
            slot.state |= QUEUED;
            self.queue_woken(me);
        }
    }

    /// Whether `waker` is `task`'s own waker.
    #[inline]
    pub(crate) fn owns(&self, task: TaskId, waker: &Waker) -> bool {
        self.slot_index(task)
            .is_some_and(|s| self.tasks[s].owns(waker))
    }

    /// `None` when `waker` is `task`'s own waker, else a clone of it: what timers and
    /// waiters keep.
    #[inline]
    pub(crate) fn foreign(&self, task: TaskId, waker: &Waker) -> Option<Waker> {
        (!self.owns(task, waker)).then(|| waker.clone())
    }

    /// Queues a foreign entry that runs `hop`, a pure hop: it only queues a task's step
    /// (a waker's wake, a combinator's done-callback), so no task owns it.
    #[inline]
    pub(crate) fn park(&mut self, hop: Hop) {
        self.park_step(hop, None);
    }

    /// Queues a foreign entry that runs `hop`, a callback that runs user code as a step of
    /// `step` (the task that registered it: see [`Core::callback_owner`]); PCT places it by
    /// that task's priority (`schedule/pct/`). `None`: a pure hop, as [`Core::park`].
    #[inline]
    pub(crate) fn park_step(&mut self, hop: Hop, step: Option<TaskId>) {
        let step = step.map_or(0, TaskId::get);
        park_in(
            &mut self.hops,
            &mut self.hop_steps,
            &mut self.free_hops,
            &mut self.ready,
            hop,
            step,
        );
    }

    /// The task a callback registered now is a step of: the running task, or the main task
    /// between steps (a callback registering another), as a timer armed from a callback is
    /// filed under it.
    #[inline]
    pub(crate) fn callback_owner(&self) -> TaskId {
        self.running.unwrap_or(self.main)
    }

    /// Parks `hop` at an index of the hop table without queueing it (a `call_later`
    /// callback, queued when its timer fires); [`Core::take_hop`] takes it back.
    pub(crate) fn reserve_hop(&mut self, hop: Hop) -> u32 {
        put_hop(
            &mut self.hops,
            &mut self.hop_steps,
            &mut self.free_hops,
            hop,
            0,
        )
    }

    /// Takes what the entry `Entry::Wake(k)` runs.
    #[inline]
    pub(crate) fn take_hop(&mut self, k: u32) -> Hop {
        self.free_hops.push(k);
        self.hops[k as usize]
            .take()
            .expect("a queued Entry::Wake names a parked hop")
    }

    /// Registers `target.on_done(index, ..)` as a done-callback of `child`: it runs one
    /// ready-queue slot after `child` ends, in registration order with the task's other
    /// waiters; at once (one slot from now) if `child` already ended. asyncio's
    /// `add_done_callback`, the hop of gather, wait, shield, as_completed and TaskGroup.
    pub(crate) fn add_done_callback(
        &mut self,
        child: TaskId,
        target: Rc<dyn DoneCallback>,
        index: u32,
    ) {
        if self.is_done(child) {
            let step = target.step_of();
            self.park_step(
                Hop::Callback {
                    child,
                    target,
                    index,
                },
                step,
            );
        } else {
            let s = self
                .slot_index(child)
                .expect("a task that has not ended has a slot");
            self.awaiters.push(
                &mut self.tasks[s].waiters,
                Waiter::Callback { target, index },
            );
        }
    }

    /// Unregisters the done-callbacks of `child` registered under `key` that have not been
    /// scheduled (asyncio's `remove_done_callback`): none once `child` ended, as its
    /// callbacks were queued then and run anyway. Returns them, for the caller to count and
    /// drop outside the core's borrow (their captures are user code).
    pub(crate) fn remove_done_callbacks(
        &mut self,
        child: TaskId,
        key: &DoneCallbackKey,
    ) -> Vec<Rc<dyn DoneCallback>> {
        let Some(s) = self.slot_index(child) else {
            return Vec::new();
        };
        if self.tasks[s].is_done() {
            return Vec::new();
        }
        let removed = self.awaiters.remove_where(
            &mut self.tasks[s].waiters,
            |w| matches!(w, Waiter::Callback { target, .. } if target.keyed(key)),
        );
        removed
            .into_iter()
            .filter_map(|w| match w {
                Waiter::Callback { target, .. } => Some(target),
                Waiter::Wake { .. } => None,
            })
            .collect()
    }

    /// [`Core::add_done_callback`] of a `child` that has not ended; returns how it ended
    /// otherwise, registering nothing (CPython 3.12's `gather` runs the callbacks of
    /// children that ended already itself, at once). One look at the child's slot for the
    /// question and the registration.
    pub(crate) fn add_done_callback_unless_ended(
        &mut self,
        child: TaskId,
        target: &Rc<dyn DoneCallback>,
        index: u32,
    ) -> Option<Completion> {
        if let Some(s) = self.slot_index(child)
            && !self.tasks[s].is_done()
        {
            let waiter = Waiter::Callback {
                target: target.clone(),
                index,
            };
            self.awaiters.push(&mut self.tasks[s].waiters, waiter);
            return None;
        }
        self.completion(child)
    }

    /// Registers the running task as an awaiter of `child`, woken through `waker` when
    /// `child` ends, unless it is registered with that waker already. `child` has not ended.
    pub(crate) fn await_task(&mut self, child: TaskId, waker: &Waker) {
        let me = self.current();
        let waker = self.foreign(me, waker);
        let s = self
            .slot_index(child)
            .expect("a task that has not ended has a slot");
        let slot = &mut self.tasks[s];
        let registered = self.awaiters.iter(slot.waiters).any(|w| match (w, &waker) {
            (Waiter::Wake { task, waker: None }, None) => *task == me,
            (
                Waiter::Wake {
                    task,
                    waker: Some(w),
                },
                Some(mine),
            ) => *task == me && w.will_wake(mine),
            _ => false,
        });
        if !registered {
            self.awaiters
                .push(&mut slot.waiters, Waiter::Wake { task: me, waker });
        }
    }
}

impl Core {
    /// Turns the wake-up hops that fill the ready queue after the clock advanced (the pass
    /// began with nothing ready and fired only sleeps on their tasks' own wakers, as the
    /// passes of a timer-driven program do) into their tasks' polls, in place: each hop
    /// would only have queued its task ([`Core::wake_entry`]), and nothing else is ready to
    /// run between them. Under FIFO the hops would fill one pass and their tasks the next,
    /// in the same order, with nothing else in either, so every order and trace event stays
    /// the same, and [`Stats::steps`](crate::Stats::steps) still counts each hop's slot.
    /// Under Random and PCT a task was ready once its hop was picked, which a pick of the
    /// task itself now stands for: the same schedules, from fewer entries.
    ///
    /// Only when every entry is such a hop (a timeout's expiry, a foreign waker's wake or a
    /// callback among them keeps them all), every hop queues its task (its slot holds it,
    /// not queued or ended, and no other hop names it), and the step limit does not fall
    /// among them: otherwise the hops stay, so that the run does what it did.
    #[inline(never)]
    pub(super) fn hops_to_polls(&mut self) {
        let Core {
            ready,
            tasks,
            stats,
            trace,
            limits,
            now,
            ..
        } = self;
        let hops = ready.len() as u64;
        if hops == 0 || stats.steps.saturating_add(hops) > limits.max_steps {
            return;
        }
        fn slot_of<'a>(tasks: &'a mut [TaskSlot], e: &Entry) -> Option<&'a mut TaskSlot> {
            match *e {
                Entry::Hop(id) => tasks
                    .get_mut(id.slot() as usize)
                    .filter(|s| s.task == id.get()),
                _ => None,
            }
        }
        // Marks each task queued, as its hop would; a task named twice fails the test.
        let mut marked = 0;
        let all = ready.iter().all(|e| match slot_of(tasks, e) {
            Some(slot) if slot.state & (QUEUED | END_MASK) == 0 => {
                slot.state |= QUEUED;
                marked += 1;
                true
            }
            _ => false,
        });
        if !all {
            for e in ready.iter().take(marked) {
                if let Some(slot) = slot_of(tasks, e) {
                    slot.state &= !QUEUED;
                }
            }
            return;
        }
        for e in ready.iter_mut() {
            let Entry::Hop(id) = *e else {
                unreachable!("only hops were queued")
            };
            *e = Entry::Poll(id);
            if trace.full() {
                trace.quick(*now, None, Quick::Wake(id));
            }
        }
        stats.steps += hops;
        stats.wakes += hops;
    }
}

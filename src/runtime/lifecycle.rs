//! A task's life after its spawn: cancellation requests, suspension and its end.

use std::pin::Pin;

use super::TaskId;
use super::awaiters::Waiter;
use super::ready::Entry;
use super::slot::{
    ABANDONING, CANCEL, DETACHED, END_CANCELLED, END_MASK, END_PANICKED, END_RETURNED, NONE,
    QUEUED, SLEEPING,
};
use super::wait::Forward;
use super::{Completion, Core, ErasedTask, Hop, Message, WaitOn};
use crate::trace::{EventKind, Quick};

impl Core {
    /// Requests cancellation of `id` the way asyncio's `Task.cancel()` does.
    ///
    /// Returns false when the task already finished. If the task awaits only other tasks
    /// and futures (`await task`, `await promise`, or a gather of them), those are
    /// cancelled instead, in the order it awaits them (a task queued, a future at once),
    /// and this one is woken when they end (its turn then delivers the cancellation):
    /// asyncio's propagation through `_fut_waiter`, and a gather's cancellation of its
    /// children in argument order. Otherwise the task is queued, and its future is
    /// dropped at its turn (or, if a future it awaits holds its cancellations, polled so
    /// that it finishes first: `cancel_hold.rs`).
    pub(crate) fn cancel(&mut self, id: TaskId, message: Option<Box<str>>) -> bool {
        let Some(slot) = self.slot_mut(id) else {
            // Ended, and its slot released.
            return false;
        };
        if slot.is_done() {
            return false;
        }
        let pending = slot.is(CANCEL);
        slot.set(CANCEL);
        // asyncio's `_must_cancel` (see `uncancel`): requested while the task runs or is
        // queued, nothing it awaits is cancelled for it. A pending request keeps its kind.
        let must = !pending && (self.running == Some(id) || self.is_queued(id));
        let requests = self.count_cancel_request(id);
        if pending {
            // A request of the `_must_cancel` kind (the task was queued or running, awaiting
            // nothing) takes the message of the last `cancel()`, as asyncio's
            // `_cancel_message` does, `None` included; one that cancelled what the task
            // awaits (a sleep, a future) keeps the first: that is what the awaited future
            // was cancelled with (case 700).
            if requests.must {
                match message {
                    Some(m) => self.messages.insert(id, m),
                    None => self.messages.remove(&id),
                };
            } else if self.running != Some(id) {
                // asyncio's `Task.cancel()` cancels what the task awaits again each time
                // (its `_fut_waiter`): a task it awaits counts every request in its own
                // `cancelling()` (seed 2200, program 2215). A future cancelled once stays so.
                for target in self.forward_targets(id) {
                    if let Forward::Task(t) = target {
                        self.cancel(t, message.clone());
                    }
                }
            }
            return true;
        }
        // Forwarded only when the task awaits nothing but tasks and futures.
        let inner = self.forward_targets(id);
        let mut delivered = message.clone();
        let woken_by = if must && self.running != Some(id) {
            self.woken_cancelled(&inner)
                .or_else(|| self.woken_by_expiry(id).then_some(None))
                .or_else(|| self.woken_by_interrupt(id).then_some(None))
        } else {
            None
        };
        let woken = woken_by.is_some();
        if let Some(woken_by) = woken_by {
            // Woken by the cancellation of the one future or task it awaits and not run
            // since: asyncio's `Task.__step` throws that `CancelledError` in (its message,
            // or none), not a new one with this request's; it arrives whatever `cancel()` or
            // `uncancel()` say next, as a forwarded cancellation does (case 705).
            // An awaited task's message is taken at the task's turn, where asyncio's
            // `__wakeup` retrieves it (`Core::take_awaited_message`, cases 707, 710).
            // Woken by a timeout's expiry, which cancelled the sleep or primitive it awaited,
            // or by a TaskGroup child's failure interrupting the body: the same, with no
            // message (cases 711, 757).
            self.cancel_counts.get_mut(&id).expect("counted").must = false;
            delivered = woken_by;
        } else {
            self.cancel_counts.get_mut(&id).expect("counted").must = must;
        }
        if let Some(m) = delivered {
            self.messages.insert(id, m);
        }
        self.stats.cancels += 1;
        if self.trace.full() {
            self.record(EventKind::CancelRequested {
                target: id,
                message: message.clone(),
            });
        }
        if self.running == Some(id) {
            // Queued when its current step returns (see `suspend`).
            return true;
        }
        let mut forwarded = false;
        let awaits = !inner.is_empty();
        let awaits_tasks = inner.iter().all(|t| matches!(t, Forward::Task(_)));
        for target in inner {
            forwarded |= match target {
                Forward::Task(t) => self.cancel(t, message.clone()),
                Forward::Future(f) => f.cancel(self, message.clone()),
            };
        }
        if !forwarded {
            if awaits && !woken {
                // What it awaits had ended (a gather whose children ended before its
                // done-callback ran): `_fut_waiter.cancel()` returned False, and asyncio
                // sets `_must_cancel` (seed 7200, program 145: case 727).
                self.cancel_counts.get_mut(&id).expect("counted").must = true;
                if awaits_tasks {
                    // The ended tasks queued what wakes it (a gather's done-callback, a
                    // join's wake-up): asyncio's task runs only then, behind what was
                    // queued since, not at this `cancel()` (seed 8500, program 186: case
                    // 781).
                    return true;
                }
            }
            self.wake_task(id);
        }
        true
    }

    /// The message of the `CancelledError` a queued task's wake-up carries: `Some` when it
    /// awaits one future or task (`inner`, its forward targets) that ended cancelled.
    fn woken_cancelled(&self, inner: &[Forward]) -> Option<Option<Box<str>>> {
        match inner {
            [Forward::Future(f)] => f.cancelled_with(),
            [Forward::Task(t)] => match self.completion(*t)? {
                Completion::Cancelled(m) => Some(m),
                _ => None,
            },
            _ => None,
        }
    }

    /// Tasks that panicked while detached (nobody awaited them), the main task aside, with
    /// their messages, in id order.
    pub(crate) fn unobserved_panics(&self) -> impl Iterator<Item = (TaskId, &str)> + '_ {
        self.messages.iter().filter_map(|(&id, m)| {
            let panicked = self.state_of(id) & END_MASK == END_PANICKED;
            (panicked && self.is_detached(id) && id != self.main).then_some((id, &**m))
        })
    }

    /// Marks task `id` detached (its join handle was dropped) and returns its cell if it has
    /// ended, so that the output is dropped outside the core borrow.
    pub(crate) fn detach(&mut self, id: TaskId) -> Option<Pin<Box<dyn ErasedTask>>> {
        let Some(slot) = self.slot_mut(id) else {
            // Its output was taken already and its slot released: nothing is left to drop.
            return None;
        };
        slot.set(DETACHED);
        if !slot.is_done() {
            return None;
        }
        let cell = slot.cell.take();
        self.release(id);
        cell
    }

    /// A join's look at task `id`: `None` while it has not ended; once it has, its cell
    /// (taken, to read its output: a join handle's last poll; `None` if its slot was
    /// released), the slot released if nothing else needs it. One look-up of the slot for
    /// the question and the taking (a join asked `is_done`, then a `take_output` and its
    /// `release` found the slot again, out of line: about 40 instructions of every join).
    #[inline]
    pub(crate) fn join_output(&mut self, id: TaskId) -> Option<Option<Pin<Box<dyn ErasedTask>>>> {
        let Some(s) = self.slot_index(id) else {
            // The slot was released: the task ended and its output is gone.
            return self.is_done(id).then_some(None);
        };
        let slot = &mut self.tasks[s];
        if !slot.is_done() {
            return None;
        }
        let cell = slot.cell.take();
        self.release_at(id, s);
        Some(cell)
    }

    /// The message of the cancellation requested for task `id`, which has not ended: pending,
    /// or being delivered (its future dropping).
    pub(crate) fn cancel_message(&self, id: TaskId) -> Option<&str> {
        self.messages.get(&id).map(|m| &**m)
    }

    /// The message of a retrieval of the `CancelledError` of task `id`, which ended
    /// cancelled: asyncio's `_make_cancelled_error`, which hands the `CancelledError` the
    /// task's step caught (`_cancelled_exc`, with the message) to the first retrieval only
    /// and a bare `CancelledError()` to every later one (case 707). A retrieval made while
    /// [`Core::keep_cancel_messages`] is set (gather's `return_exceptions`, a shield's
    /// watch) reads the message and leaves it. `None` for a task that did not end cancelled.
    pub(crate) fn take_cancel_message(&mut self, id: TaskId) -> Option<Message> {
        if self.state_of(id) & END_MASK != END_CANCELLED {
            return None;
        }
        if self.keep_cancel_messages {
            return self.messages.get(&id).cloned();
        }
        self.messages.remove(&id)
    }

    /// Task `id` (in slot `s`), about to be dropped by its cancellation while it awaits one
    /// task (its one wait) that ended cancelled: asyncio's `__wakeup` retrieved that task's
    /// `CancelledError` (`result()`) before the step, so the message is taken, and a later
    /// awaiter gets `CancelledError()` (case 708, found by seed 1000, program 689). The
    /// step throws what it retrieved into the coroutine, which ends with it: `id` ends
    /// with that message, or with none when another awaiter took it first, whatever its
    /// own request said (case 710, seed 3001, program 1019).
    ///
    /// Returns whether the cancellation is still delivered: not when it was forwarded to
    /// that task (asyncio's `_fut_waiter.cancel()`, no `_must_cancel`) and the task ended
    /// otherwise, having caught it (`task::catch_cancelled`): asyncio's `__wakeup` then
    /// hands `id` the task's value or exception, and nothing is raised in `id` (case 733).
    #[cold]
    pub(super) fn take_awaited_message(&mut self, id: TaskId, s: usize) -> bool {
        if !self.decided_forwards.is_empty()
            && let Some(delivered) = self.take_decided_forward(id)
        {
            // It awaits a gather, which decided (case 716).
            return delivered;
        }
        if self.tasks[s].more_waits != NONE {
            return true;
        }
        let Some(WaitOn::Join(t)) = self.tasks[s].wait else {
            return true;
        };
        match self.state_of(t) & END_MASK {
            END_CANCELLED => {
                match self.take_cancel_message(t) {
                    Some(m) => self.messages.insert(id, m),
                    None => self.messages.remove(&id),
                };
                true
            }
            0 => true,
            // Not forwarded: `id`'s own request (`_must_cancel`), or `t` had ended before
            // the request came (it was never cancelled: seed 4000, program 961).
            _ if self.cancel_counts.get(&id).is_some_and(|c| c.must)
                || !self.cancel_counts.contains_key(&t) =>
            {
                true
            }
            _ => {
                self.messages.remove(&id);
                false
            }
        }
    }

    /// While set, retrievals of cancelled tasks' outcomes leave their messages
    /// ([`Core::take_cancel_message`]): for the combinators whose asyncio counterparts read
    /// `cancelled()` or `_cancel_message` rather than the exception.
    pub(crate) fn keep_cancel_messages(&mut self, on: bool) {
        self.keep_cancel_messages = on;
    }

    /// Takes a pending cancellation of `id`: whether one was requested (its message, if
    /// any, stays in `messages` for the delivery).
    #[inline]
    pub(crate) fn take_cancel_flag(&mut self, id: TaskId) -> bool {
        let slot = self.live(id);
        let requested = slot.is(CANCEL);
        slot.unset(CANCEL);
        requested
    }

    /// Withdraws a cancellation requested for task `id` and not yet delivered, which what
    /// the task awaits absorbed: asyncio's TaskGroup `__aexit__` catches the
    /// `CancelledError` and raises the children's failures instead. The request still
    /// counts for `cancelling()`.
    /// Returns whether a cancellation was withdrawn.
    pub(crate) fn absorb_cancel(&mut self, id: TaskId) -> bool {
        if let Some(slot) = self.slot_mut(id)
            && !slot.is_done()
            && slot.is(CANCEL)
        {
            slot.unset(CANCEL);
            self.messages.remove(&id);
            return true;
        }
        // Delivered to a future that holds it and parked until that future lets go (a
        // TaskGroup scope cancelled in its body, waiting for the children): withdrawn the
        // same way, so the task's next step is a plain poll.
        if !self.parked_cancels.is_empty() && self.take_parked_cancel(id) {
            self.messages.remove(&id);
            return true;
        }
        false
    }

    /// Records that the future a timeout's expiry cancelled for task `id` absorbed the
    /// cancellation (a TaskGroup's join that ended with failures: asyncio's `__aexit__`
    /// raises the ExceptionGroup instead of the `CancelledError`, and the timeout lets it
    /// through). The timeout reads it with [`Core::take_absorbed_expiry`].
    #[cold]
    pub(crate) fn absorb_expiry(&mut self, id: TaskId) {
        if !self.absorbed_expiries.contains(&id) {
            self.absorbed_expiries.push(id);
        }
    }

    /// Whether a timeout expiry of task `id` was absorbed (see [`Core::absorb_expiry`]);
    /// forgets it.
    pub(crate) fn take_absorbed_expiry(&mut self, id: TaskId) -> bool {
        if self.absorbed_expiries.is_empty() {
            return false;
        }
        let before = self.absorbed_expiries.len();
        self.absorbed_expiries.retain(|&t| t != id);
        self.absorbed_expiries.len() != before
    }

    /// Puts a task that returned `Pending` back in its slot.
    ///
    /// Returns whether the task may now be blocked on other tasks ([`Core::partial_deadlock`]
    /// can only find it in a cycle then): false, from the slot at hand, for a task that is
    /// queued again (a yield), sleeping, being cancelled or abandoning its wait, or that
    /// registered no wait, which spares the engine the check's look-up at most suspensions.
    #[inline]
    pub(crate) fn suspend(&mut self, id: TaskId, cell: Pin<Box<dyn ErasedTask>>) -> bool {
        debug_assert_eq!(self.running, Some(id));
        if self.trace.full() {
            let slot = self
                .running_slot()
                .expect("a suspending task is the running one");
            // A slot without a first wait has none (`wait_on` fills it first): a yield
            // records nothing. A sleep alone, every sleeping task's wait, is written here.
            match (&slot.wait, slot.more_waits) {
                (None, _) => {}
                (Some(WaitOn::Sleep(deadline)), NONE) => {
                    let deadline = *deadline;
                    self.trace.packed.blocked_on_sleep(self.now, id, deadline);
                }
                (Some(_), _) => self.record_blocked(id),
            }
        }
        let slot = self
            .running_slot()
            .expect("a suspending task is the running one");
        slot.cell = Some(cell);
        let cancelled = slot.is(CANCEL);
        let may_block = slot.state & (END_MASK | QUEUED | SLEEPING | CANCEL | ABANDONING) == 0
            && slot.wait.is_some();
        self.running = None;
        if cancelled {
            // Cancelled during its own step: its next turn delivers the cancellation.
            self.wake_task(id);
        }
        may_block
    }

    /// Records what a suspending task waits on (timelines show it): the waits themselves,
    /// which the trace renders as text only when read.
    #[inline(never)]
    fn record_blocked(&mut self, id: TaskId) {
        let s = self
            .running_slot_index()
            .expect("a suspending task is the running one");
        let Core {
            tasks,
            wait_lists,
            trace,
            now,
            ..
        } = self;
        let slot = &tasks[s];
        let more: &[WaitOn] = match slot.more_waits {
            NONE => &[],
            k => &wait_lists[k as usize],
        };
        let count = usize::from(slot.wait.is_some()) + more.len();
        if let (Some(WaitOn::Sleep(deadline)), []) = (&slot.wait, more) {
            // The wait of every sleeping task: one record.
            trace.packed.blocked_on_sleep(*now, id, *deadline);
            return;
        }
        if count == 0 {
            return;
        }
        trace.packed.blocked(*now, id, count);
        for wait in slot.wait.iter().chain(more) {
            match wait {
                WaitOn::Join(t) => trace.packed.join(*t),
                WaitOn::Sleep(deadline) => trace.packed.sleep(*deadline),
                WaitOn::Resource(r) => {
                    let label = r.trace_label(trace);
                    trace.packed.resource(label, &r.holders.borrow());
                }
            }
        }
    }

    /// Records a task's end, wakes its awaiters in registration order and, for the main
    /// task, queues the end of the run one slot later.
    pub(crate) fn complete(&mut self, id: TaskId, cell: Pin<Box<dyn ErasedTask>>, how: Completion) {
        let s = self.slot_index(id).expect("a task ends in its slot");
        self.start_running(id, s);
        if !matches!(how, Completion::Returned) {
            self.trace
                .record(self.now, Some(id), EventKind::Complete(how.clone().into()));
        } else if self.trace.full() {
            self.trace.quick(self.now, Some(id), Quick::Returned);
        }
        let returned = matches!(how, Completion::Returned);
        let end = match how {
            Completion::Returned => {
                if !self.messages.is_empty() {
                    self.messages.remove(&id);
                }
                END_RETURNED
            }
            Completion::Panicked(m) => {
                self.messages.insert(id, m);
                END_PANICKED
            }
            Completion::Cancelled(m) => {
                match m {
                    Some(m) => self.messages.insert(id, m),
                    None => self.messages.remove(&id),
                };
                END_CANCELLED
            }
        };
        self.clear_waits_at(s);
        let slot = &mut self.tasks[s];
        slot.state = (slot.state & !(CANCEL | SLEEPING | END_MASK)) | end;
        if slot.more_waits != NONE {
            self.free_wait_lists.push(slot.more_waits);
            slot.more_waits = NONE;
        }
        if let Some(waker) = slot.waker.take() {
            self.wakers.retire(waker);
        }
        let detached = slot.is(DETACHED);
        if detached {
            super::context::defer_drop(cell);
        } else {
            slot.cell = Some(cell);
        }
        let mut head = std::mem::replace(&mut slot.waiters, NONE);
        while let Some(w) = self.awaiters.pop(&mut head) {
            match w {
                Waiter::Wake { task, waker: None } => self.wake_task(task),
                Waiter::Wake {
                    task,
                    waker: Some(waker),
                } => self.wake(task, &waker),
                // A gather's child that does not decide it is counted now, with no entry.
                Waiter::Callback { target, .. } if target.counted_at_end(returned) => {}
                Waiter::Callback { target, index } => {
                    let step = target.step_of();
                    self.park_step(
                        Hop::Callback {
                            child: id,
                            target,
                            index,
                        },
                        step,
                    );
                }
            }
        }
        if id == self.main {
            self.ready.push_back(Entry::Stop);
        }
        if detached {
            // Nobody will read the output (dropped after the borrow): the slot is free
            // unless a poll of the task is still queued.
            self.release(id);
        }
        self.running = None;
    }
}

//! The run loop: pick, poll, wake, fire timers, advance the clock.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use super::DeadlockReport;
use super::JoinError;
use super::TaskId;
use super::awaiters::Waiter;
use super::cell::Host;
use super::context::{SLOT, Slot, run_deferred};
use super::read_ahead::PICKS_READ_AHEAD_FROM;
use super::slot::{
    ABANDONING, CANCEL, DETACHED, END_CANCELLED, END_MASK, END_PANICKED, END_RETURNED, KEEP, NONE,
    SLEEPING,
};
use super::{Completion, Core, DoneCallback, Entry, ErasedTask, Hop, Message, ReadyView, with};
use crate::schedule::{Divergence, ProgramMismatch};
use crate::trace::{EventKind, Quick, RunEnd};

/// Why a run stopped.
pub(crate) enum Finish {
    /// The main task ended (returned, panicked or was cancelled).
    MainDone,
    Deadlock(DeadlockReport),
    StepLimit,
    /// The next timer lies past the time limit.
    TimeLimit,
    Diverged(Divergence),
    /// A replay's token was recorded from another program (its fingerprint differs).
    OtherProgram(ProgramMismatch),
}

impl Finish {
    /// What the trace's teardown lines name: why the run stopped, and for a main task that
    /// ended, how (`main`: its failure, if it failed).
    fn run_end(&self, main: Option<&JoinError>) -> RunEnd {
        match self {
            Finish::MainDone => match main {
                None => RunEnd::MainEnded,
                Some(JoinError::Panicked { .. }) => RunEnd::MainPanicked,
                Some(JoinError::Cancelled { .. }) => RunEnd::MainCancelled,
            },
            Finish::Deadlock(_) => RunEnd::Deadlock,
            Finish::StepLimit => RunEnd::StepLimit,
            Finish::TimeLimit => RunEnd::TimeLimit,
            Finish::Diverged(_) => RunEnd::ReplayDiverged,
            Finish::OtherProgram(_) => RunEnd::WrongProgram,
        }
    }
}

/// What the engine hands back: the final core (trace, counters, decisions), why the run
/// stopped (`finish`, and `end` as its teardown was labelled), and the main task's result.
pub(crate) struct RunParts<T> {
    pub(crate) core: Box<Core>,
    pub(crate) finish: Finish,
    pub(crate) end: RunEnd,
    pub(crate) main: Option<Result<T, JoinError>>,
}

/// The next thing the loop does, decided under the core borrow and done outside it. Kept
/// to 32 bytes (it is moved at every step): rare payloads stay in the core until used.
enum Step {
    Poll(TaskId, Pin<Box<dyn ErasedTask>>),
    /// Drop the future to deliver a cancellation (its `Drop` guards are user code); the
    /// cancellation's message waits in `Core::messages`.
    Cancel(TaskId, Pin<Box<dyn ErasedTask>>),
    /// Deliver a cancellation that a future the task awaits holds (`cancel_hold.rs`): poll
    /// it so that the holder starts its clean-up; drop it once the holder lets go.
    CancelPoll(TaskId, Pin<Box<dyn ErasedTask>>),
    Wake(Waker),
    /// Run `target`'s done-callback for its child number `index`, task `child`, taken from
    /// the hop table with the step (`returned`: the child returned, so its completion is
    /// known without a second core borrow).
    Callback {
        child: TaskId,
        target: Rc<dyn DoneCallback>,
        index: u32,
        returned: bool,
    },
    /// Run a user's callback (asyncio's `call_soon`), taken from the hop table.
    Call(Box<dyn FnOnce()>),
    /// Nothing: the borrow ends so that deferred work runs before the next pick.
    Deferred,
    /// The run stopped (`Core::finish` says why).
    Finished,
}

/// What the last step left for the next core borrow to record (32 bytes, like [`Step`]).
enum After {
    Nothing,
    /// The task returned `Pending`: put its future back.
    Suspend(TaskId, Pin<Box<dyn ErasedTask>>),
    /// The task returned: complete it, unless it was cancelled during that step.
    Returned(TaskId, Pin<Box<dyn ErasedTask>>),
    /// The task ended otherwise (panicked, cancelled), as the loop's `ended` says.
    Ended(TaskId, Pin<Box<dyn ErasedTask>>),
    /// A delivery poll left the cancellation held: put the future back, the cancellation
    /// pending (`Core::park_cancel`).
    Held(TaskId, Pin<Box<dyn ErasedTask>>),
}

/// Clears the thread-local slot when the run ends, also when it ends by unwinding.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        SLOT.with(|slot| {
            let core = slot.core.borrow_mut().take();
            let _ = slot.deferred.try_borrow_mut().map(|mut d| {
                d.wakers.clear();
                d.drops.clear();
            });
            slot.has_deferred.set(false);
            drop(core);
        });
    }
}

/// Runs `future` as the main task of `core` until the run finishes.
///
/// Each step takes one core borrow, which records what the previous step left (a future to
/// put back, a task to complete) and picks the next entry; the poll itself runs outside it.
///
/// With a `host`, `future` is a placeholder and the main task's polls call `host` instead
/// (a future borrowed from the caller's stack, which cannot be stored in the core); the
/// main task then ends with no output when `host` is ready.
///
/// # Panics
///
/// Panics when a simulation already runs on this thread (simloop runs do not nest).
pub(crate) fn run<F: Future + 'static>(
    core: Box<Core>,
    future: F,
    mut host: Option<&mut Host<'_>>,
) -> RunParts<F::Output> {
    SLOT.with(|slot| {
        let mut current = slot.core.borrow_mut();
        assert!(
            current.is_none(),
            "simloop: Sim::run was called inside a running simulation; runs do not nest on one thread"
        );
        *current = Some(core);
    });
    let installed = Installed;
    with("Sim::run", |c| {
        // Named "main" implicitly (`trace::MAIN_NAME`): no name to store.
        let id = c.spawn(None, future, None);
        debug_assert_eq!(id, TaskId::from_index(0));
        c.main = id;
    });

    SLOT.with(|slot| drive(slot, &mut host));

    let main = take_main_output::<F::Output>();
    teardown();
    let mut core = SLOT
        .with(|slot| slot.core.borrow_mut().take())
        .expect("core installed");
    std::mem::forget(installed);
    let finish = core.finish.take().expect("a finished run says why");
    let end = finish.run_end(main.as_ref().and_then(|m| m.as_ref().err()));
    RunParts {
        core,
        finish,
        end,
        main,
    }
}

/// Steps the run until it finishes. The thread-local slot is looked up once: each step only
/// borrows the core.
fn drive(slot: &Slot, host: &mut Option<&mut Host<'_>>) {
    let mut after = After::Nothing;
    // How the task of an `After::Ended` ended.
    let mut ended: Option<Completion> = None;
    loop {
        // `after` moves into the borrow and is assigned afresh below, so handing it over
        // costs no drop glue.
        let step = {
            let mut core = slot.core.borrow_mut();
            core.as_mut()
                .expect("core installed")
                .step(after, &mut ended, &slot.has_deferred)
        };
        if slot.has_deferred.get() {
            run_deferred(slot);
        }
        after = match step {
            Step::Poll(id, mut cell) => {
                let poll = || match host {
                    Some(host) if id == TaskId::from_index(0) => cell.as_mut().poll_host(host),
                    _ => cell.as_mut().poll_task(),
                };
                match catch_unwind(AssertUnwindSafe(poll)) {
                    Ok(Poll::Pending) => After::Suspend(id, cell),
                    Ok(Poll::Ready(())) => After::Returned(id, cell),
                    Err(payload) => {
                        let how = fail(&mut cell, Completion::Panicked(panic_message(&*payload)));
                        drop(payload);
                        ended = Some(how);
                        After::Ended(id, cell)
                    }
                }
            }
            Step::CancelPoll(id, mut cell) => {
                let poll = || match host {
                    Some(host) if id == TaskId::from_index(0) => cell.as_mut().poll_host(host),
                    _ => cell.as_mut().poll_task(),
                };
                let polled = catch_unwind(AssertUnwindSafe(poll));
                let (held, caught) =
                    with("Sim::run", |c| (c.end_cancel_poll(id), c.take_caught(id)));
                match polled {
                    // A `catch_cancelled` scope caught it (`catch.rs`): an ordinary poll.
                    Ok(Poll::Pending) if caught => After::Suspend(id, cell),
                    Ok(Poll::Ready(())) if caught => After::Returned(id, cell),
                    Ok(Poll::Pending) if held => After::Held(id, cell),
                    Err(payload) => {
                        let how = fail(&mut cell, Completion::Panicked(panic_message(&*payload)));
                        drop(payload);
                        ended = Some(how);
                        After::Ended(id, cell)
                    }
                    // Let go (or returned): the cancellation ends the task now.
                    Ok(_) => {
                        let message = with("Sim::run", |c| c.messages.get(&id).cloned());
                        ended = Some(fail(&mut cell, Completion::Cancelled(message)));
                        After::Ended(id, cell)
                    }
                }
            }
            Step::Cancel(id, mut cell) => {
                // The message stays in `messages` while the future drops, for
                // `task::cancel_message`; `complete` settles it.
                let message = with("Sim::run", |c| c.messages.get(&id).cloned());
                ended = Some(fail(&mut cell, Completion::Cancelled(message)));
                After::Ended(id, cell)
            }
            Step::Wake(waker) => {
                waker.wake();
                After::Nothing
            }
            Step::Callback {
                child,
                target,
                index,
                returned,
            } => {
                let how = if returned {
                    Completion::Returned
                } else {
                    with("Sim::run", |c| c.completion(child))
                        .expect("a done-callback runs after its child ended")
                };
                let run = || target.on_done(index as usize, &how);
                // A callback that panics is contained, as asyncio reports a callback's
                // exception and carries on: the panic hook printed its line (`panics.rs`),
                // and the next entry runs.
                let _contained = catch_unwind(AssertUnwindSafe(run));
                After::Nothing
            }
            Step::Call(f) => {
                // A user callback: it runs between task steps, as asyncio's do (a panic is
                // contained as a done-callback's).
                let _contained = catch_unwind(AssertUnwindSafe(f));
                After::Nothing
            }
            Step::Deferred => After::Nothing,
            Step::Finished => break,
        };
    }
}

/// Drops a task's future in place and stores its error, catching a panic from a `Drop`.
pub(super) fn fail(cell: &mut Pin<Box<dyn ErasedTask>>, how: Completion) -> Completion {
    let err = match &how {
        Completion::Panicked(m) => JoinError::Panicked {
            message: m.to_string(),
        },
        Completion::Cancelled(m) => JoinError::Cancelled {
            message: m.as_deref().map(|m| m.to_string()),
        },
        Completion::Returned => unreachable!("fail is only called for failures"),
    };
    match catch_unwind(AssertUnwindSafe(|| cell.as_mut().fail(err))) {
        Ok(()) => how,
        Err(payload) => {
            let message = panic_message(&*payload);
            let err = JoinError::Panicked {
                message: message.to_string(),
            };
            // The first drop panicked part-way; the state is replaced again, which cannot panic.
            let _ = catch_unwind(AssertUnwindSafe(|| cell.as_mut().fail(err)));
            Completion::Panicked(message)
        }
    }
}

pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Message {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).into()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str().into()
    } else {
        "<non-string panic payload>".into()
    }
}

fn take_main_output<T: 'static>() -> Option<Result<T, JoinError>> {
    let cell = with("Sim::run", |c| {
        let main = c.main;
        let slot = c.live(main);
        slot.set(DETACHED);
        if slot.is_done() {
            slot.cell.take()
        } else {
            None
        }
    });
    let mut out: Option<Result<T, JoinError>> = None;
    if let Some(mut cell) = cell {
        cell.as_mut().take_output(&mut out);
    }
    out
}

/// Ends every task still alive, in creation order, while the runtime is still installed so
/// that `Drop` guards can use it; then drops every stored output. Each end is a
/// `CancelDelivered { at_run_end: true }` event, which the trace labels by why the run
/// stopped (`RunParts::end`).
fn teardown() {
    // Most runs end with every task done and joined: then there is nothing to do.
    let (n, alive) = with("Sim::run", |c| {
        let alive = c.any_unreleased(|s| !s.is_done() && s.cell.is_some());
        (c.task_count(), alive)
    });
    for i in (0..n).filter(|_| alive) {
        let found = with("Sim::run", |c| {
            let id = c.placed(TaskId::from_index(i))?;
            let s = id.slot() as usize;
            let slot = &mut c.tasks[s];
            if slot.is_done() {
                return None;
            }
            if slot.is(KEEP) && !slot.is(CANCEL) {
                // Kept for a later run (`keep.rs`): not cancelled, not ended here.
                let at = slot.spawned_at;
                super::keep::keep(slot.cell.take()?, at);
                return None;
            }
            let cell = slot.cell.take()?;
            c.start_running(id, s);
            c.record(EventKind::CancelDelivered { at_run_end: true });
            Some((id, cell))
        });
        if let Some((id, mut cell)) = found {
            let how = fail(&mut cell, Completion::Cancelled(Some("run ended".into())));
            let waiters = with("Sim::run", |c| {
                c.running = None;
                c.mark_ended(id, how)
            });
            // Outside the borrow: a done-callback's state may hold user values.
            drop(waiters);
            drop(cell);
        }
    }
    let outputs = with("Sim::run", |c| c.any_unreleased(|s| s.cell.is_some()));
    for i in (0..n).filter(|_| outputs) {
        let id = TaskId::from_index(i);
        let cell = with("Sim::run", |c| c.slot_mut(id)?.cell.take());
        drop(cell);
    }
    SLOT.with(run_deferred);
}

impl Core {
    /// Records what the previous step left, then picks the next step.
    #[inline]
    fn step(
        &mut self,
        after: After,
        ended: &mut Option<Completion>,
        deferred: &Cell<bool>,
    ) -> Step {
        match after {
            After::Nothing => {}
            // Suspending defers nothing.
            After::Suspend(id, cell) => {
                if self.reraised.is_some() && self.take_reraised_by(id) {
                    // It re-raised a caught cancellation that no scope caught again.
                    return Step::Cancel(id, cell);
                }
                let may_block = self.suspend(id, cell);
                // A wait-for cycle is reported when it forms, even while other tasks or
                // timers could still run (unless the run opted out).
                if may_block
                    && self.limits.partial_deadlocks
                    && !self.stopping
                    && let Some(report) = self.partial_deadlock(id)
                {
                    return self.stop(Finish::Deadlock(report));
                }
            }
            After::Returned(id, cell) => {
                if self.take_cancel_flag(id) {
                    // asyncio: a task cancelled during the step in which it returns ends
                    // cancelled, and its value is lost (dropped outside the borrow).
                    return Step::Cancel(id, cell);
                }
                self.complete(id, cell, Completion::Returned);
                if deferred.get() {
                    // A foreign waker or a detached output's drop must run before the next
                    // pick, which may depend on what they queue.
                    return Step::Deferred;
                }
            }
            After::Held(id, cell) => self.park_cancel(id, cell),
            After::Ended(id, cell) => {
                let how = ended.take().expect("an ended task says how");
                self.complete(id, cell, how);
                if deferred.get() {
                    return Step::Deferred;
                }
            }
        }
        self.next_step()
    }

    #[inline(always)]
    fn next_step(&mut self) -> Step {
        loop {
            // Before a pass begins: a budget spent inside a poll (`task::spend_steps`) stops
            // the run before the clock moves or a deadlock is declared.
            // One test each on the common path: the rare endings are told apart inside.
            if self.stats.steps >= self.limits.max_steps {
                // After main's end a spent budget ends the run as main's end does.
                return self.stop(if self.stopping {
                    Finish::MainDone
                } else {
                    Finish::StepLimit
                });
            }
            if self.pass_left == 0 {
                if self.stopping {
                    // Main ended and its stop's pass is spent.
                    return self.stop(Finish::MainDone);
                }
                if let Some(finish) = self.begin_pass() {
                    return self.stop(finish);
                }
            }
            if self.stop_next.is_some() {
                let finish = self.stop_next.take().expect("checked");
                return self.stop(finish);
            }
            // The policy is tested once: the pool's calls below do not test it again. After
            // main's end the pass's rest runs in queue order, with no decision, so that a
            // Random or PCT run records the decisions it recorded before round 20.
            let n = if self.picks { self.ready.pool_len() } else { 0 };
            let entry = if n > 1 {
                let view = ReadyView {
                    queue: &self.ready,
                    hop_steps: &self.hop_steps,
                };
                let index = match self.sched.pick(&view) {
                    Ok(i) => i,
                    Err(d) => {
                        let finish = self.replay_left(d);
                        return self.stop(finish);
                    }
                };
                debug_assert!(index < n, "strategy picked out of range");
                self.log_decision(index, n);
                if n >= PICKS_READ_AHEAD_FROM {
                    if self.sched.peeks() {
                        self.read_ahead(index, n);
                    } else {
                        self.prefetch_next_task();
                    }
                }
                self.ready.take(index)
            } else if self.fifo {
                self.ready.pop_front()
            } else {
                self.ready.take(0)
            }
            .expect("picked entry exists");
            self.pass_left -= 1;
            self.stats.steps += 1;
            match entry {
                Entry::Poll(id) => {
                    // One look at the slot for the step's questions (each look-up of
                    // `tasks` is a bounds check and a multiply).
                    // Its waits are registered afresh by this poll.
                    let (s, slot) = self.unqueue(id, SLEEPING | ABANDONING);
                    if slot.is_done() {
                        // Woken in the step it ended in: the slot may be free now.
                        self.release(id);
                        continue;
                    }
                    let Some(cell) = slot.cell.take() else {
                        continue;
                    };
                    let mut cancelled = slot.is(CANCEL);
                    if cancelled {
                        slot.unset(CANCEL);
                    }
                    let waits = slot.has_waits();
                    if !self.parked_cancels.is_empty() {
                        cancelled |= self.take_parked_cancel(id);
                    }
                    if waits {
                        if cancelled {
                            cancelled = self.take_awaited_message(id, s);
                        }
                        self.clear_waits_slow(s);
                    }
                    self.start_running(id, s);
                    if cancelled {
                        self.record(EventKind::CancelDelivered { at_run_end: false });
                        if self.cancel_held(id) {
                            self.begin_delivery(id);
                            return Step::CancelPoll(id, cell);
                        }
                        return Step::Cancel(id, cell);
                    }
                    self.stats.polls += 1;
                    if self.trace.full() {
                        self.record_quick(Quick::Poll);
                    }
                    return Step::Poll(id, cell);
                }
                Entry::Hop(task) => {
                    // A timer's wake-up reads the task's slot only, which its id names
                    // (`wake_task`). Its poll comes a pass later, whose start prefetches
                    // the slots and futures of a big run's pass all at once (`sweep_pass`).
                    self.wake_entry(task);
                }
                Entry::Wake(k) => {
                    // The hop leaves the table with the step: the loop runs it without
                    // borrowing the core again to take it.
                    return match self.take_hop(k) {
                        Hop::Waker(waker) => Step::Wake(waker),
                        Hop::Callback {
                            child,
                            target,
                            index,
                        } => Step::Callback {
                            returned: self.state_of(child) & END_MASK == END_RETURNED,
                            child,
                            target,
                            index,
                        },
                        Hop::Call(f) => Step::Call(f),
                    };
                }
                Entry::Timer { index, .. } => {
                    // A timeout's expiry, at asyncio's timeout callback's turn. When the
                    // bounded work was woken earlier in the pass, the expiry still wins, as
                    // in asyncio; other policies explore the other order by picking the
                    // task's step before this entry.
                    if let Some(waker) = self.expire(index) {
                        return Step::Wake(waker);
                    }
                }
                Entry::Stop => {
                    // asyncio's `loop.stop()` ends the loop after the iteration it runs
                    // in: the entries queued behind it in this pass still run (case 706),
                    // oldest first under every policy.
                    if self.pass_left == 0 {
                        return self.stop(Finish::MainDone);
                    }
                    self.stopping = true;
                    self.picks = false;
                }
            }
        }
    }

    #[cold]
    fn stop(&mut self, finish: Finish) -> Step {
        self.finish = Some(finish);
        Step::Finished
    }

    /// Marks a task ended at the end of the run. No awaiter is woken any more: the task's
    /// waits, waker and awaiters are let go (the awaiters returned, to be dropped outside
    /// the borrow), so that its slot is as any ended task's when a handle releases it.
    fn mark_ended(&mut self, id: TaskId, how: Completion) -> Vec<Waiter> {
        let end = match how {
            Completion::Returned => END_RETURNED,
            Completion::Panicked(m) => {
                self.messages.insert(id, m);
                END_PANICKED
            }
            Completion::Cancelled(m) => {
                if let Some(m) = m {
                    self.messages.insert(id, m);
                }
                END_CANCELLED
            }
        };
        self.clear_waits(id);
        let slot = self.live(id);
        slot.state = (slot.state & !END_MASK) | end;
        let more_waits = std::mem::replace(&mut slot.more_waits, NONE);
        let waker = slot.waker.take();
        let mut head = std::mem::replace(&mut slot.waiters, NONE);
        if more_waits != NONE {
            self.free_wait_lists.push(more_waits);
        }
        if let Some(waker) = waker {
            self.wakers.retire(waker);
        }
        let mut waiters = Vec::new();
        while let Some(w) = self.awaiters.pop(&mut head) {
            waiters.push(w);
        }
        waiters
    }
}

#[cfg(test)]
mod tests {
    /// The hand-off between the loop and the core is moved at every step: it stays within
    /// four words, a task id (its number and slot) and a future (rare payloads wait in the
    /// core or in the loop's `ended`).
    #[test]
    fn the_step_hand_off_is_four_words() {
        assert!(std::mem::size_of::<super::Step>() <= 32);
        assert!(std::mem::size_of::<super::After>() <= 32);
    }
}

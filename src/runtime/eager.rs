//! Eager tasks: a task's first step run inside the call that spawns it (asyncio 3.12's
//! `eager_task_factory`, `Task.__eager_start`).
//!
//! asyncio makes the new task current (`_swap_current_task`), steps its coroutine at once
//! and makes the creator current again: a task whose coroutine returns (or raises) without
//! suspending is done when `create_task` returns, its done-callbacks still scheduled with
//! `call_soon`; one that suspends goes on as any task, woken by what it awaits. simloop does
//! the same with a nested poll inside the creator's step:
//!
//! 1. [`Core::place_task`] creates the task without queueing its first step; the start
//!    takes its future out of its slot, remembers the running task (the creator, or none
//!    in a callback) and makes the new task the running one ([`Core::begin_eager`]);
//! 2. the future is polled outside the core borrow, as the engine polls
//!    (**invariant: the core is never borrowed while user code runs**);
//! 3. the step's end is recorded as the engine records it (put back, or completed), and the
//!    creator is made the running task again ([`Core::end_eager`]).
//!
//! Everything a step keeps per task (its waits, a timeout's scope, a cancellation, its
//! context variables) is keyed by the running task's id, so switching `running` switches
//! all of it. The start is no ready-queue entry and no scheduling decision: it runs
//! synchronously under every policy, and a run without eager spawns takes the same entries
//! and decisions as before. The first step counts as a poll (`Stats::polls`), not a step.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::Poll;

use super::engine::{fail, panic_message};
use super::slot::QUEUED;
use super::{Completion, Core, ErasedTask, TaskId, with};
use crate::trace::Quick;

/// How deep eager starts may nest (an eager task's first step spawning eagerly, and so on)
/// before a spawn refuses: each level is a nested poll on the thread's stack, where asyncio
/// would raise `RecursionError`.
pub(crate) const MAX_EAGER_DEPTH: u32 = 64;

/// What an eager start keeps between its two core borrows: the running task it replaced
/// (its id and slot) and that task's earliest sleep of the step (`Core::first_sleep`).
struct Replaced {
    running: Option<(TaskId, u32)>,
    first_sleep: u64,
}

/// Runs the first step of task `id`, created by [`Core::place_task`] and not queued, now:
/// the running task (if any) is suspended in its step meanwhile, as asyncio's
/// `__eager_start` swaps the current task. When this returns, the task is done (it returned,
/// failed or was cancelled in that step) or suspended and waiting as any task.
///
/// # Panics
///
/// Panics (in the calling task, outside the core borrow) when eager starts nest more than
/// [`MAX_EAGER_DEPTH`] deep.
pub(crate) fn start(id: TaskId) {
    let begun = with("spawn", |c| c.begin_eager(id));
    let Some((mut cell, replaced)) = begun else {
        panic!(
            "simloop: eager tasks nested more than {MAX_EAGER_DEPTH} deep (each one's first step spawned the next eagerly); asyncio raises RecursionError here"
        );
    };
    let polled = catch_unwind(AssertUnwindSafe(|| cell.as_mut().poll_task()));
    let pending = matches!(polled, Ok(Poll::Pending));
    let failed = match polled {
        Ok(Poll::Pending) => None,
        // asyncio: a task cancelled during the step in which it returns ends cancelled.
        Ok(Poll::Ready(())) => with("spawn", |c| {
            c.take_cancel_flag(id)
                .then(|| Completion::Cancelled(c.messages.get(&id).cloned()))
        }),
        Err(payload) => Some(Completion::Panicked(panic_message(&*payload))),
    };
    // A failure drops the future here, outside the borrow and with the task still the
    // running one, so that its `Drop` guards see it as the engine's delivery does.
    let ended = failed.map(|how| fail(&mut cell, how));
    with("spawn", |c| c.end_eager(id, cell, pending, ended, replaced));
}

impl Core {
    /// Whether every spawn starts its task eagerly (`Sim::eager_tasks`).
    #[inline]
    pub(crate) fn eager_tasks(&self) -> bool {
        self.eager_tasks
    }

    /// Makes every spawn of this run start its task eagerly (`Sim::eager_tasks`). Set before
    /// the run starts.
    pub(crate) fn set_eager_tasks(&mut self, on: bool) {
        self.eager_tasks = on;
    }

    /// Creates a task whose first step [`start`] runs (nothing queued for it): what an
    /// eager spawn does before the start, so that a caller can register the task first
    /// (a TaskGroup's child is the group's before its first step runs). Once the run
    /// stopped (its teardown's `Drop` guards) the task is queued instead, as a plain spawn:
    /// the returned flag says whether [`start`] must be called.
    pub(crate) fn spawn_unstarted(
        &mut self,
        name: Option<std::borrow::Cow<'static, str>>,
        cell: Pin<Box<dyn ErasedTask>>,
        at: Option<&'static std::panic::Location<'static>>,
    ) -> (TaskId, bool) {
        if self.finish.is_some() {
            return (self.spawn_cell(name, cell, at), false);
        }
        let id = self.place_task(name, cell, at);
        (id, true)
    }

    /// The first borrow of an eager start: takes task `id`'s future out of its slot and
    /// makes it the running task. `None` when starts nest too deep: the task is queued
    /// cancelled instead, so that it ends without running (its caller panics).
    fn begin_eager(&mut self, id: TaskId) -> Option<(Pin<Box<dyn ErasedTask>>, Replaced)> {
        let s = self.slot_index(id).expect("an unstarted task has its slot");
        if self.eager_depth >= MAX_EAGER_DEPTH {
            // Its slot says queued (`place_task`): queue it, then cancel it there.
            self.ready.push_back(super::Entry::Poll(id));
            self.cancel(id, Some("eager tasks nested too deep".into()));
            return None;
        }
        let slot = &mut self.tasks[s];
        slot.unset(QUEUED);
        let cell = slot.cell.take().expect("an unstarted task has its future");
        let replaced = Replaced {
            running: self
                .running
                .zip(self.running_slot_index().map(|s| s as u32)),
            first_sleep: self.first_sleep,
        };
        self.eager_depth += 1;
        self.start_running(id, s);
        self.stats.polls += 1;
        if self.trace.full() {
            self.record_quick(Quick::Poll);
        }
        Some((cell, replaced))
    }

    /// The second borrow of an eager start: records the first step's end as the engine
    /// does (`pending`: the future is put back, waiting; `ended`: how a failed step ended
    /// the task; else it returned), then makes the replaced task the running one again.
    fn end_eager(
        &mut self,
        id: TaskId,
        cell: Pin<Box<dyn ErasedTask>>,
        pending: bool,
        ended: Option<Completion>,
        replaced: Replaced,
    ) {
        if pending {
            // No wait-for cycle can form here (the engine looks for one after a step):
            // nothing waited on the new task, or on what it holds, before this step.
            self.suspend(id, cell);
        } else {
            self.complete(id, cell, ended.unwrap_or(Completion::Returned));
        }
        self.eager_depth -= 1;
        self.first_sleep = replaced.first_sleep;
        match replaced.running {
            Some((task, slot)) => self.start_running(task, slot as usize),
            None => self.running = None,
        }
    }
}

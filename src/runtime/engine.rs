//! The run loop: pick, poll, wake, fire timers, advance the clock.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::Poll;

use super::context::{SLOT, run_deferred};
use super::{Completion, Core, Entry, ErasedTask, Hop, Message, ReadyView, with};
use crate::schedule::{Decision, Divergence};
use crate::sim::DeadlockReport;
use crate::task::{JoinError, TaskId};
use crate::trace::EventKind;

/// Why a run stopped.
pub(crate) enum Finish {
    /// The main task ended (returned, panicked or was cancelled).
    MainDone,
    Deadlock(DeadlockReport),
    StepLimit,
    /// The next timer lies past the time limit.
    TimeLimit,
    Diverged(Divergence),
}

/// What the engine hands back: the final core (trace, counters, decisions) and the main
/// task's result.
pub(crate) struct RunParts<T> {
    pub(crate) core: Core,
    pub(crate) finish: Finish,
    pub(crate) main: Option<Result<T, JoinError>>,
}

/// The next thing the loop does, decided under the core borrow and done outside it.
enum Step {
    Poll(TaskId, Pin<Box<dyn ErasedTask>>),
    Cancel(TaskId, Pin<Box<dyn ErasedTask>>, Option<Message>),
    Hop(Hop),
    Finished(Finish),
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
/// # Panics
///
/// Panics when a simulation already runs on this thread (simloop runs do not nest).
pub(crate) fn run<F: Future + 'static>(core: Core, future: F) -> RunParts<F::Output> {
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
        let id = c.spawn(Some("main".into()), future);
        c.main = id;
    });

    // A task that returned `Pending` is put back in the same core borrow that picks the next
    // step: one borrow per step on the hot path. (Nothing is deferred between the two: work
    // deferred during a poll runs when the borrow that deferred it ends.)
    let mut suspended: Option<(TaskId, Pin<Box<dyn ErasedTask>>)> = None;
    let finish = loop {
        let step = with("Sim::run", |c| {
            if let Some((id, cell)) = suspended.take() {
                c.suspend(id, cell);
            }
            c.next_step()
        });
        match step {
            Step::Poll(id, mut cell) => {
                let polled = catch_unwind(AssertUnwindSafe(|| cell.as_mut().poll_task()));
                match polled {
                    Ok(Poll::Pending) => suspended = Some((id, cell)),
                    Ok(Poll::Ready(())) => {
                        // asyncio: a task cancelled during the step in which it returns ends
                        // cancelled, and its value is lost (dropped outside the borrow).
                        let cancelled =
                            with("Sim::run", |c| match c.tasks[id.index()].cancel.take() {
                                None => {
                                    c.complete(id, cell, Completion::Returned);
                                    None
                                }
                                Some(message) => Some((cell, message)),
                            });
                        if let Some((mut cell, message)) = cancelled {
                            let how = fail(&mut cell, Completion::Cancelled(message));
                            with("Sim::run", |c| c.complete(id, cell, how));
                        }
                    }
                    Err(payload) => {
                        let how = fail(&mut cell, Completion::Panicked(panic_message(&*payload)));
                        drop(payload);
                        with("Sim::run", |c| c.complete(id, cell, how));
                    }
                }
            }
            Step::Cancel(id, mut cell, message) => {
                let how = fail(&mut cell, Completion::Cancelled(message));
                with("Sim::run", |c| c.complete(id, cell, how));
            }
            Step::Hop(Hop::Waker(waker)) => waker.wake(),
            Step::Hop(Hop::Callback {
                child,
                target,
                index,
            }) => {
                let how = with("Sim::run", |c| c.tasks[child.index()].done.clone())
                    .expect("a done-callback runs after its child ended");
                target.on_done(index as usize, &how);
            }
            Step::Finished(finish) => break finish,
        }
    };

    let main = take_main_output::<F::Output>();
    teardown();
    let core = SLOT
        .with(|slot| slot.core.borrow_mut().take())
        .expect("core installed");
    std::mem::forget(installed);
    RunParts { core, finish, main }
}

/// Drops a task's future in place and stores its error, catching a panic from a `Drop`.
fn fail(cell: &mut Pin<Box<dyn ErasedTask>>, how: Completion) -> Completion {
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
    Box::new(if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).into()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.as_str().into()
    } else {
        "<non-string panic payload>".into()
    })
}

fn take_main_output<T: 'static>() -> Option<Result<T, JoinError>> {
    let cell = with("Sim::run", |c| {
        let main = c.main;
        let slot = &mut c.tasks[main.index()];
        slot.detached = true;
        if slot.done.is_some() {
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
/// that `Drop` guards can use it; then drops every stored output.
fn teardown() {
    let n = with("Sim::run", |c| c.tasks.len());
    for i in 0..n {
        let id = TaskId::from_index(i);
        let cell = with("Sim::run", |c| {
            let slot = &mut c.tasks[i];
            if slot.done.is_some() {
                return None;
            }
            let cell = slot.cell.take()?;
            c.running = Some(id);
            c.record(EventKind::CancelDelivered { at_run_end: true });
            Some(cell)
        });
        if let Some(mut cell) = cell {
            let how = fail(
                &mut cell,
                Completion::Cancelled(Some(Box::new("run ended".into()))),
            );
            with("Sim::run", |c| {
                c.running = None;
                c.tasks[i].done = Some(how);
            });
            drop(cell);
        }
    }
    for i in 0..n {
        let cell = with("Sim::run", |c| c.tasks[i].cell.take());
        drop(cell);
    }
    SLOT.with(run_deferred);
}

impl Core {
    fn next_step(&mut self) -> Step {
        loop {
            if self.pass_left == 0 {
                if let Some(finish) = self.begin_pass() {
                    return Step::Finished(finish);
                }
            }
            if self.diverged.is_some() {
                let d = self.diverged.take().expect("checked");
                return Step::Finished(Finish::Diverged(d));
            }
            if self.stats.steps >= self.limits.max_steps {
                return Step::Finished(Finish::StepLimit);
            }
            let n = self.ready.len();
            let index = if n > 1 && !self.fifo {
                match self.strategy.pick(&ReadyView { queue: &self.ready }) {
                    Ok(i) => {
                        debug_assert!(i < n, "strategy picked out of range");
                        self.decisions.push(Decision {
                            index: i as u32,
                            arity: n as u32,
                        });
                        if self.trace.full() {
                            self.record(EventKind::Decision {
                                index: i as u32,
                                arity: n as u32,
                            });
                        }
                        i
                    }
                    Err(d) => return Step::Finished(Finish::Diverged(d)),
                }
            } else {
                0
            };
            let entry = if index == 0 {
                self.ready.pop_front()
            } else {
                self.ready.remove(index)
            }
            .expect("picked entry exists");
            self.pass_left -= 1;
            self.stats.steps += 1;
            match entry {
                Entry::Stop => return Step::Finished(Finish::MainDone),
                Entry::Hop(task) => self.wake_task(task),
                Entry::Wake(k) => return Step::Hop(self.take_hop(k)),
                Entry::Poll(id) => {
                    let slot = &mut self.tasks[id.index()];
                    slot.queued = false;
                    if slot.done.is_some() {
                        continue;
                    }
                    let Some(cell) = slot.cell.take() else {
                        continue;
                    };
                    if !slot.waits.is_empty() {
                        slot.waits.clear();
                    }
                    self.running = Some(id);
                    if slot.cancel.is_some() {
                        let message = slot.cancel.take().expect("checked");
                        self.record(EventKind::CancelDelivered { at_run_end: false });
                        return Step::Cancel(id, cell, message);
                    }
                    self.stats.polls += 1;
                    if self.trace.full() {
                        self.record(EventKind::Poll);
                    }
                    return Step::Poll(id, cell);
                }
            }
        }
    }

    /// Starts a pass: moves due timers to the ready queue, advancing the clock to the next
    /// deadline first when nothing is ready. Returns why the run must stop, if it must.
    fn begin_pass(&mut self) -> Option<Finish> {
        self.fire_due_timers();
        if self.ready.is_empty() {
            let Some(next) = self.timers.next_deadline() else {
                return Some(Finish::Deadlock(self.deadlock_report()));
            };
            if self.limits.max_time.is_some_and(|limit| next > limit) {
                return Some(Finish::TimeLimit);
            }
            self.now = next;
            if self.trace.full() {
                self.trace.record(next, None, EventKind::ClockAdvanced);
            }
            self.fire_due_timers();
        }
        self.pass_left = self.ready.len();
        None
    }

    /// Moves every due timer to the back of the ready queue, earliest deadline first and
    /// equal deadlines in arming order. Each costs one slot before its task is queued, as the
    /// timer callback does in asyncio.
    fn fire_due_timers(&mut self) {
        while let Some(fired) = self.timers.pop_due(self.now) {
            if self.trace.full() {
                self.trace
                    .record(self.now, None, EventKind::TimerFired { target: fired.task });
            }
            match fired.waker {
                None => self.ready.push_back(Entry::Hop(fired.task)),
                Some(waker) => self.call_soon(fired.task, waker),
            }
        }
    }
}

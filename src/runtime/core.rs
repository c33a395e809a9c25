//! The run state and the operations primitives perform on it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Waker;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use smallvec::SmallVec;

use super::cell::TaskCell;
use super::context::defer_wake;
use super::ready::Entry;
use super::timers::{TimerKey, Timers};
use super::waker::task_waker;
use super::{ErasedTask, ReadyQueue, WaitOn};
use crate::schedule::{Decision, Divergence, Strategy};
use crate::sim::Stats;
use crate::task::TaskId;
use crate::time::Instant;
use crate::trace::{EventKind, TraceBuf, TraceLevel};

/// The limits a run stops at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) max_steps: u64,
    pub(crate) max_time: Option<Instant>,
}

/// A panic's or a cancellation's message, behind a thin pointer: messages are rare, and
/// they would otherwise widen every task slot (the hot path's memory traffic).
pub(crate) type Message = Box<Box<str>>;

/// How a task ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Completion {
    Returned,
    Panicked(Message),
    Cancelled(Option<Message>),
}

/// Everything the runtime knows about one task.
pub(crate) struct TaskSlot {
    /// The future (or its output once done). `None` while the engine polls it, and after the
    /// output was taken or dropped.
    pub(crate) cell: Option<Pin<Box<dyn ErasedTask>>>,
    pub(crate) waker: Waker,
    /// **Invariant: `queued` is true exactly when an `Entry::Poll` for this task is in the
    /// ready queue**, so a task is never queued twice.
    pub(crate) queued: bool,
    pub(crate) done: Option<Completion>,
    /// A requested cancellation and its message, delivered at the task's next turn.
    pub(crate) cancel: Option<Option<Message>>,
    /// The join handle was dropped: nobody will take the output.
    pub(crate) detached: bool,
    /// Wakers of tasks awaiting this one, and done-callbacks, in registration order. One
    /// inline: most tasks have one awaiter, and this saves an allocation per task.
    pub(crate) waiters: SmallVec<[Waiter; 1]>,
    /// What the task waits on since its last poll (for deadlock reports and cancellation);
    /// most tasks wait on one thing at a time, kept inline.
    pub(crate) waits: SmallVec<[WaitOn; 1]>,
}

/// One registration on a task's completion.
pub(crate) enum Waiter {
    /// A task awaiting this one (a join handle): `waker`, registered by `task`, is woken
    /// when it ends.
    Wake { task: TaskId, waker: Waker },
    /// A done-callback, as asyncio's `add_done_callback` schedules it: `target.on_done` runs
    /// one ready-queue slot after the end (the hop of gather, wait, shield, as_completed and
    /// TaskGroup).
    Callback {
        target: Arc<dyn DoneCallback>,
        index: u32,
    },
}

/// What a combinator does when one of its children ends, or its timeout fires. `Send +
/// Sync` because the timeout's timer holds it in a waker (`combinators::callback`).
pub(crate) trait DoneCallback: Send + Sync + 'static {
    /// Child number `index` ended as `how`. Runs at the callback's own turn in the ready
    /// queue, outside the core borrow, so it may use the runtime and wake wakers.
    fn on_done(&self, index: usize, how: &Completion);

    /// The timer armed with `combinators::callback::arm_timeout` fired.
    fn on_timeout(&self) {}
}

/// What a foreign ready-queue entry (`Entry::Wake`) runs, parked in [`Core::hops`].
pub(crate) enum Hop {
    /// Wake a waker that is not its registering task's own.
    Waker(Waker),
    /// Run a done-callback of `child`.
    Callback {
        child: TaskId,
        target: Arc<dyn DoneCallback>,
        index: u32,
    },
}

pub(crate) struct Core {
    pub(crate) run_id: u64,
    pub(crate) now: Instant,
    pub(crate) tasks: Vec<TaskSlot>,
    /// Task names, by task index: kept apart from the slots, which the hot path touches.
    pub(crate) names: Vec<Option<Box<str>>>,
    pub(crate) ready: ReadyQueue,
    /// What foreign ready-queue entries (`Entry::Wake`) run, by index; `None` is free.
    /// Addressed by the entries, never iterated.
    pub(crate) hops: Vec<Option<Hop>>,
    pub(crate) free_hops: Vec<u32>,
    /// Entries left in the current pass (asyncio runs only what was queued when a pass began).
    pub(crate) pass_left: usize,
    pub(crate) timers: Timers,
    pub(crate) running: Option<TaskId>,
    pub(crate) trace: TraceBuf,
    pub(crate) strategy: Box<dyn Strategy>,
    /// True for the FIFO policy, which never consults the strategy.
    pub(crate) fifo: bool,
    pub(crate) decisions: Vec<Decision>,
    pub(crate) user_rng: ChaCha8Rng,
    pub(crate) stats: Stats,
    pub(crate) limits: Limits,
    pub(crate) main: TaskId,
    /// Set when a replayed `choose` left the recording; the engine stops at the next step.
    pub(crate) diverged: Option<Divergence>,
    /// Timer jitter (`Sim::timer_jitter`): each timer fires up to this much later, by a
    /// recorded choice. `None` (the default) and the FIFO policy leave deadlines exact.
    pub(crate) jitter: Option<std::time::Duration>,
}

/// How many delays timer jitter chooses among (0 to the full jitter, in quarters).
const JITTER_LEVELS: usize = 5;

/// The stream of the seeded ChaCha generator reserved for user code; strategies use stream 0.
const USER_STREAM: u64 = 1;

impl Core {
    pub(crate) fn new(
        run_id: u64,
        seed: u64,
        strategy: Box<dyn Strategy>,
        fifo: bool,
        limits: Limits,
        level: TraceLevel,
    ) -> Core {
        let spare = super::pool::take();
        let mut user_rng = ChaCha8Rng::seed_from_u64(seed);
        user_rng.set_stream(USER_STREAM);
        Core {
            run_id,
            now: Instant::ZERO,
            tasks: spare.tasks,
            names: Vec::new(),
            ready: spare.ready,
            hops: spare.hops,
            free_hops: spare.free_hops,
            pass_left: 0,
            timers: spare.timers,
            running: None,
            trace: TraceBuf::new(level),
            strategy,
            fifo,
            decisions: Vec::with_capacity(spare.decisions_hint),
            user_rng,
            stats: Stats::default(),
            limits,
            main: TaskId::from_index(0),
            diverged: None,
            jitter: None,
        }
    }

    /// The running task.
    ///
    /// # Panics
    ///
    /// Panics when called between task steps; primitives are only polled inside a task.
    #[track_caller]
    pub(crate) fn current(&self) -> TaskId {
        self.running
            .expect("simloop: primitive used outside a task step")
    }

    pub(crate) fn name(&self, id: TaskId) -> &str {
        self.names[id.index()].as_deref().unwrap_or("")
    }

    /// `#3 name`, the way traces and reports name a task.
    pub(crate) fn label(&self, id: TaskId) -> String {
        crate::trace::task_label(id, self.names[id.index()].as_deref())
    }

    pub(crate) fn record(&mut self, kind: EventKind) {
        self.trace.record(self.now, self.running, kind);
    }

    /// Creates a task and queues its first step behind what is already ready.
    pub(crate) fn spawn<F: Future + 'static>(
        &mut self,
        name: Option<Box<str>>,
        future: F,
    ) -> TaskId {
        let id = TaskId::from_index(self.tasks.len());
        let waker = task_waker(self.run_id, id);
        let cell = TaskCell::boxed(future, waker.clone());
        self.names.push(name);
        self.tasks.push(TaskSlot {
            cell: Some(cell),
            waker,
            queued: true,
            done: None,
            cancel: None,
            detached: false,
            waiters: SmallVec::new(),
            waits: SmallVec::new(),
        });
        self.ready.push_back(Entry::Poll(id));
        self.stats.tasks += 1;
        self.strategy.on_spawn(id);
        if self.trace.full() {
            self.record(EventKind::Spawn { child: id });
        }
        id
    }

    /// Queues a task's next step unless it is queued already or finished.
    pub(crate) fn wake_task(&mut self, id: TaskId) {
        let slot = &mut self.tasks[id.index()];
        if slot.queued || slot.done.is_some() {
            return;
        }
        slot.queued = true;
        self.ready.push_back(Entry::Poll(id));
        self.stats.wakes += 1;
        if self.trace.full() {
            self.record(EventKind::Wake { target: id });
        }
    }

    /// Wakes a waker that `task` registered: directly when it is the task's own waker, after
    /// the core borrow otherwise (a waker from a combinator such as `FuturesUnordered`).
    pub(crate) fn wake(&mut self, task: TaskId, waker: &Waker) {
        if self.tasks[task.index()].owns(waker) {
            self.wake_task(task);
        } else {
            defer_wake(waker.clone());
        }
    }

    /// `None` when `waker` is `task`'s own waker, else a clone of it: what timers keep.
    pub(crate) fn foreign(&self, task: TaskId, waker: &Waker) -> Option<Waker> {
        (!self.tasks[task.index()].owns(waker)).then(|| waker.clone())
    }

    /// Wakes `waker` (registered by `task`) one ready-queue slot from now: asyncio's
    /// `call_soon` of a callback that then wakes the task. Used for the extra hop of timers
    /// and combinators. The task's own waker needs no storage; another one is parked in the
    /// hop table until its turn.
    pub(crate) fn call_soon(&mut self, task: TaskId, waker: Waker) {
        if self.tasks[task.index()].owns(&waker) {
            self.ready.push_back(Entry::Hop(task));
        } else {
            self.park(Hop::Waker(waker));
        }
    }

    /// Queues a foreign entry that runs `hop`.
    fn park(&mut self, hop: Hop) {
        let k = match self.free_hops.pop() {
            Some(k) => {
                self.hops[k as usize] = Some(hop);
                k
            }
            None => {
                self.hops.push(Some(hop));
                u32::try_from(self.hops.len() - 1).expect("fewer than 2^32 pending hops")
            }
        };
        self.ready.push_back(Entry::Wake(k));
    }

    /// Takes what the entry `Entry::Wake(k)` runs.
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
        target: Arc<dyn DoneCallback>,
        index: u32,
    ) {
        let slot = &mut self.tasks[child.index()];
        if slot.done.is_some() {
            self.park(Hop::Callback {
                child,
                target,
                index,
            });
        } else {
            slot.waiters.push(Waiter::Callback { target, index });
        }
    }

    /// Arms a timer that wakes `waker` (registered by the running task) at `deadline`.
    pub(crate) fn arm_timer(&mut self, deadline: Instant, waker: &Waker) -> TimerKey {
        let task = self.current();
        let deadline = match self.jitter {
            // One of 0, 1/4, 1/2, 3/4 or all of the jitter: a recorded choice, so replays
            // see the same deadlines; index 0 (no delay) is the FIFO choice.
            Some(max) if !max.is_zero() => {
                deadline.saturating_add(max * self.choose(JITTER_LEVELS) as u32 / 4)
            }
            _ => deadline,
        };
        self.stats.timers += 1;
        if self.trace.full() {
            self.record(EventKind::TimerArmed { deadline });
        }
        let waker = self.foreign(task, waker);
        self.timers.arm(deadline, task, waker)
    }

    /// Replaces the waker of an armed timer (its future was polled with a new context,
    /// perhaps by another task than the one that armed it).
    pub(crate) fn set_timer_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(task) = self.timers.task_of(key) {
            let own = self.tasks[task.index()].owns(waker);
            self.timers.set_waker(key, waker, own);
        }
    }

    /// Registers what the running task waits on.
    pub(crate) fn wait_on(&mut self, wait: WaitOn) {
        if let Some(t) = self.running {
            self.tasks[t.index()].waits.push(wait);
        }
    }

    /// Requests cancellation of `id` the way asyncio's `Task.cancel()` does.
    ///
    /// Returns false when the task already finished. If the task awaits only other tasks
    /// (`await task`, or a gather of tasks), those are cancelled instead, in the order it
    /// awaits them, and this one is woken when they end (its turn then delivers the
    /// cancellation): asyncio's propagation through `_fut_waiter`. Otherwise the task is
    /// queued, and its future is dropped at its turn.
    pub(crate) fn cancel(&mut self, id: TaskId, message: Option<Box<str>>) -> bool {
        let slot = &mut self.tasks[id.index()];
        if slot.done.is_some() {
            return false;
        }
        if slot.cancel.is_some() {
            return true;
        }
        slot.cancel = Some(message.clone().map(Box::new));
        // Forward to awaited tasks only when the task awaits nothing but tasks.
        let inner: Vec<TaskId> = if slot.waits.iter().all(|w| matches!(w, WaitOn::Join(_))) {
            slot.waits
                .iter()
                .filter_map(|w| {
                    if let WaitOn::Join(t) = w {
                        Some(*t)
                    } else {
                        None
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
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
        for t in inner {
            forwarded |= self.cancel(t, message.clone());
        }
        if !forwarded {
            self.wake_task(id);
        }
        true
    }

    /// A recorded choice among `arity` alternatives that are not ready entries, such as
    /// which of two simultaneous events wins. FIFO always gets 0 and records nothing.
    pub(crate) fn choose(&mut self, arity: usize) -> usize {
        if arity < 2 || self.fifo {
            return 0;
        }
        match self.strategy.choose(arity) {
            Ok(i) => {
                let d = Decision {
                    index: i as u32,
                    arity: arity as u32,
                };
                self.decisions.push(d);
                if self.trace.full() {
                    self.record(EventKind::Decision {
                        index: d.index,
                        arity: d.arity,
                    });
                }
                i
            }
            Err(d) => {
                self.diverged.get_or_insert(d);
                0
            }
        }
    }

    /// Puts a task that returned `Pending` back in its slot.
    pub(crate) fn suspend(&mut self, id: TaskId, cell: Pin<Box<dyn ErasedTask>>) {
        if self.trace.full() && !self.tasks[id.index()].waits.is_empty() {
            let waits = &self.tasks[id.index()].waits;
            let on: Vec<String> = waits.iter().map(|w| self.describe_wait(w)).collect();
            self.trace.record(
                self.now,
                Some(id),
                EventKind::Blocked {
                    on: on.join(", ").into_boxed_str(),
                },
            );
        }
        self.running = None;
        let slot = &mut self.tasks[id.index()];
        slot.cell = Some(cell);
        if slot.cancel.is_some() {
            // Cancelled during its own step: its next turn delivers the cancellation.
            self.wake_task(id);
        }
    }

    /// Records a task's end, wakes its awaiters in registration order and, for the main
    /// task, queues the end of the run one slot later.
    pub(crate) fn complete(&mut self, id: TaskId, cell: Pin<Box<dyn ErasedTask>>, how: Completion) {
        self.running = Some(id);
        if self.trace.full() || !matches!(how, Completion::Returned) {
            self.trace
                .record(self.now, Some(id), EventKind::Complete(how.clone().into()));
        }
        let slot = &mut self.tasks[id.index()];
        slot.done = Some(how);
        slot.cancel = None;
        slot.waits.clear();
        if slot.detached {
            super::context::SLOT.with(|s| {
                s.deferred.borrow_mut().drops.push(cell);
                s.has_deferred.set(true);
            });
        } else {
            slot.cell = Some(cell);
        }
        for w in std::mem::take(&mut slot.waiters) {
            match w {
                Waiter::Wake { task, waker } => self.wake(task, &waker),
                Waiter::Callback { target, index } => self.park(Hop::Callback {
                    child: id,
                    target,
                    index,
                }),
            }
        }
        if id == self.main {
            self.ready.push_back(Entry::Stop);
        }
        self.running = None;
    }
}

#[cfg(test)]
mod tests {
    /// The task table is the hot path's largest memory traffic (W1 went from 1.0x to 1.4x
    /// tokio's throughput when a slot shrank from 200 to 160 bytes): a slot stays within two
    /// cache lines. Grow it only with a benchmark that says it is worth it.
    #[test]
    fn a_task_slot_fits_two_cache_lines() {
        assert!(std::mem::size_of::<super::TaskSlot>() <= 128);
        assert_eq!(std::mem::size_of::<super::WaitOn>(), 16);
    }
}

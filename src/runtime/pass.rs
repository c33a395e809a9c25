//! A pass's start: wakes from other threads, due timers, the clock's advance when nothing
//! is ready, and the read-ahead of a big pass's tasks. The run loop (`engine.rs`) begins a
//! pass when the one before is spent.

use std::time::Duration;

use super::TaskId;
use super::engine::Finish;
use super::id_table::{FREED, SLOT_MASK};
use super::idle::Idle;
use super::task_id::UNKNOWN_SLOT;
use super::wakeups::park_in;
use super::{Core, Entry, Hop};
use crate::trace::Quick;

/// How many timers a pass's start must fire, and how many task slots the run must hold, for
/// the engine to read the fired timers' tasks ahead in sweeps ([`Core::fire_due_timers`]):
/// fewer timers are cheaper one by one, and a smaller run stays in cache (W1's 10,000 tasks
/// paid 4.7% more instructions for no gain in time).
const TIMERS_READ_AHEAD_FROM: usize = 8;
const TIMERS_READ_AHEAD_TASKS: usize = 32_768;
/// How many entries a pass must hold for the engine to read its tasks ahead
/// ([`Core::sweep_pass`], in runs of [`TIMERS_READ_AHEAD_TASKS`] task slots or more): a
/// pass of more does not stay in cache until its end, and the random strategy reads its
/// picks ahead itself from [`PICKS_READ_AHEAD_FROM`](super::read_ahead::PICKS_READ_AHEAD_FROM).
const PASS_SWEEP_FROM: usize = 8;
const PASS_SWEEP_UP_TO: usize = 4_096;
/// Fired timers gathered at a time (the scratch's size, whatever fires at once).
const FIRED_CHUNK: usize = 256;
/// The distance, in fired timers, between the stages of their read-ahead
/// ([`Core::fire_due_timers`]).
const SWEEP_GAP: usize = 8;

impl Core {
    /// Starts a pass: moves due timers to the ready queue, advancing the clock to the next
    /// deadline first when nothing is ready. Returns why the run must stop, if it must.
    pub(super) fn begin_pass(&mut self) -> Option<Finish> {
        if self
            .remote
            .as_ref()
            .is_some_and(|(inbox, _)| inbox.has_pending())
        {
            self.take_remote_wakes(Duration::ZERO);
        }
        self.fire_due_timers();
        if self.ready.is_empty() {
            if let Some(call) = self.idle.as_mut().and_then(Idle::call) {
                self.park(call);
                self.pass_left = self.ready.len();
                return None;
            }
            if self.idle.as_mut().is_some_and(Idle::take_hold)
                && let Some((_, limit)) = self.remote
            {
                // The hook holds the clock: another thread's wake comes first.
                self.take_remote_wakes(limit);
            }
        }
        if self.ready.is_empty() {
            let Some(next) = self.timers.next_deadline() else {
                // Idle with no timer: only a wake from another thread can go on.
                if let Some((_, limit)) = self.remote {
                    self.take_remote_wakes(limit);
                    // A paced run waits on real I/O as long as it takes, as tokio would.
                    while self.ready.is_empty() && self.paced() {
                        self.take_remote_wakes(limit);
                    }
                    if !self.ready.is_empty() {
                        self.pass_left = self.ready.len();
                        return None;
                    }
                }
                return Some(Finish::Deadlock(self.deadlock_report()));
            };
            if self.pace.is_some() && self.wait_paced(next) {
                // A real event came before the timer (the clock followed the real one).
                self.pass_left = self.ready.len();
                return None;
            }
            if self.limits.max_time.is_some_and(|limit| next > limit) {
                return Some(Finish::TimeLimit);
            }
            self.now = next;
            if self.trace.full() {
                self.trace.quick(next, None, Quick::ClockAdvanced);
            }
            self.fire_due_timers();
            // Only own wake-ups fired: queued as their tasks' polls, without hops.
            self.hops_to_polls();
        }
        if let Some(idle) = &mut self.idle {
            idle.arm();
        }
        self.pass_left = self.ready.len();
        if (PASS_SWEEP_FROM..=PASS_SWEEP_UP_TO).contains(&self.pass_left)
            && self.tasks.len() >= TIMERS_READ_AHEAD_TASKS
        {
            self.sweep_pass();
        }
        None
    }

    /// Prefetches the slots and futures of the tasks this pass polls, stage by stage (the
    /// futures' stage reads the slots the one before prefetched), before the pass visits
    /// them in its order: in a big run each is a cache miss at a random place, and the
    /// misses of one sweep overlap (the tasks woken by timers were read a pass earlier, at
    /// their hop, and a pass of other tasks has pushed them out of cache since). Prefetching
    /// rather than reading the last stage: a million sleeping tasks 0.91x the time.
    #[inline(never)]
    fn sweep_pass(&self) {
        let polls = || {
            self.ready.iter().filter_map(|e| match e {
                Entry::Poll(id) => Some(*id),
                _ => None,
            })
        };
        // A queued poll's id names its task's slot (`Core::unqueue`).
        for id in polls() {
            if let Some(slot) = self.tasks.get(id.slot() as usize) {
                slot.prefetch();
            }
        }
        for id in polls() {
            if let Some(cell) = self
                .tasks
                .get(id.slot() as usize)
                .and_then(|s| s.cell.as_ref())
            {
                cell.prefetch();
            }
        }
    }

    /// Queues the tasks woken from other threads, waiting up to `limit` for one.
    #[cold]
    pub(super) fn take_remote_wakes(&mut self, limit: Duration) {
        let Some((inbox, _)) = &self.remote else {
            return;
        };
        let tasks = if limit.is_zero() {
            inbox.drain()
        } else {
            inbox.wait(limit)
        };
        for task in tasks {
            self.wake_task(task);
        }
    }

    /// Moves every due timer to the back of the ready queue, earliest deadline first and
    /// equal deadlines in arming order. Each costs one slot before its task is queued, as the
    /// timer callback does in asyncio (after the clock advanced, own wake-ups alone queue
    /// their tasks at once: [`Core::hops_to_polls`]).
    ///
    /// The fired timers are gathered first (up to [`FIRED_CHUNK`] at a time); when there are
    /// many in a big run, their tasks' id-table entries, slots and futures are prefetched
    /// before any is queued, in a pipeline whose stages are [`SWEEP_GAP`] timers apart (each
    /// stage reads what the one before prefetched): in a big run each is a cache miss at a
    /// random place, and the misses of the pipeline overlap. The hop's turn then finds them
    /// in cache.
    #[inline(always)]
    pub(super) fn fire_due_timers(&mut self) {
        let now = self.now;
        let Core {
            timers,
            ready,
            trace,
            tasks,
            slot_of,
            hops,
            hop_steps,
            free_hops,
            fired,
            ..
        } = self;
        // In chunks, so that the scratch stays small however many fire at once.
        loop {
            timers.fire_due(now, |f| {
                fired.push(f);
                fired.len() < FIRED_CHUNK
            });
            if fired.is_empty() {
                return;
            }
            // An own sleep's queued deadline names its task by number only
            // (`timers/sleeps.rs`): its slot comes from the id table, here, so that the hop
            // and the poll read the slot directly. Other timers keep the id they were armed
            // with, which names the slot.
            let place = |task: TaskId| {
                if task.slot() != UNKNOWN_SLOT {
                    return task;
                }
                let e = slot_of.get(task.index());
                if e & FREED == 0 {
                    TaskId::new(task.index(), e & SLOT_MASK)
                } else {
                    task
                }
            };
            let slot = |task: TaskId| {
                tasks
                    .get(task.slot() as usize)
                    .filter(|s| s.task == task.get())
            };
            if fired.len() >= TIMERS_READ_AHEAD_FROM && tasks.len() >= TIMERS_READ_AHEAD_TASKS {
                // A software pipeline: the id-table entry of timer `k`, the slot of timer
                // `k - SWEEP_GAP` and the future of timer `k - 2 * SWEEP_GAP`, so that the
                // misses in flight stay about `2 * SWEEP_GAP` lines, not a chunk's worth
                // of prefetches queued behind each other. The slot is prefetched by its
                // index alone (its test would wait for the line); a slot reused by another
                // task is a wasted prefetch.
                for k in 0..fired.len() + 2 * SWEEP_GAP {
                    if let Some(f) = fired.get(k)
                        && f.task.slot() == UNKNOWN_SLOT
                    {
                        slot_of.prefetch(f.task.index());
                    }
                    if let Some(f) = k.checked_sub(SWEEP_GAP).and_then(|j| fired.get_mut(j)) {
                        f.task = place(f.task);
                        if let Some(s) = tasks.get(f.task.slot() as usize) {
                            s.prefetch();
                        }
                    }
                    if let Some(f) = k.checked_sub(2 * SWEEP_GAP).and_then(|j| fired.get(j))
                        && let Some(cell) = slot(f.task).and_then(|s| s.cell.as_ref())
                    {
                        cell.prefetch();
                    }
                }
            }
            for mut f in fired.drain(..) {
                f.task = place(f.task);
                if trace.full() {
                    trace.quick(now, None, Quick::TimerFired(f.task));
                }
                match (f.deadline, f.waker) {
                    (Some(index), _) => ready.push_back(Entry::Timer {
                        index,
                        task: f.task.get(),
                    }),
                    (None, None) => ready.push_back(Entry::Hop(f.task)),
                    // A foreign waker waits for its turn in the hop table (`Core::park`, on
                    // the parts of the core the closure may borrow).
                    (None, Some(waker)) if slot(f.task).is_some_and(|s| s.owns(&waker)) => {
                        ready.push_back(Entry::Hop(f.task));
                    }
                    // A `call_later` callback's turn is a step of the task it is filed under
                    // (`TimerKind::Call`); any other foreign wake is a pure hop.
                    (None, Some(waker)) => {
                        let step = if f.callback { f.task.get() } else { 0 };
                        park_in(hops, hop_steps, free_hops, ready, Hop::Waker(waker), step);
                    }
                }
            }
        }
    }
}

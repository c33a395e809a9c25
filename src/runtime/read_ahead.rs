//! Prefetching the next random picks' tasks, so that a pick finds its task in cache.
//!
//! With many ready tasks, a random pick lands on a task whose ready-pool slot, task slot and
//! future are each a cache miss at a random place, one depending on the other: three misses
//! in a row per step (four before a ready entry's id named its task's slot). But the random strategy's stream is counter-based, so
//! it computes the coming words (`RandomWalk::peek`), and a pick's index is a pool slot (`ready_queue.rs`), so the next
//! picks are known as long as the number of ready entries keeps its trend (the same, as
//! when each polled task queues itself again; or one less, as when none does). The engine
//! keeps the next [`Pipeline::depth`] predicted picks in a ring and walks each one's chain a
//! stage per pick, as a software pipeline: the pick that many steps away has its pool slot
//! prefetched; at [`Pipeline::stage_at`]'s distances a pick reads what the stage before
//! prefetched (in cache by then) and prefetches the next: its task slot (and its place in the pool's
//! arrival list, written when it leaves), its future. A prefetch does not
//! wait for its line, so the misses overlap with the polls in between.
//!
//! A prediction is a guess that costs a word's mix and a multiply: the slot a coming pick lands on is read
//! when its stage comes, and a pick that took the slot's entry before (a swap-removal moves
//! the last entry into a picked slot) only makes that pick's chain a miss. When a pick's
//! arity differs from the prediction (a polled task did not queue itself again), the ring
//! is predicted again: another arity moves an index by at most one, and a pick that still
//! names the same slot keeps what its chain fetched. Nothing that runs depends on the ring.

use super::Core;
use super::Entry;
use super::id_table::FREED;
use crate::schedule::PICKS_AHEAD;

/// Ready entries from which picks are read ahead: with the ready pool a prediction costs a
/// multiply, and with 10,000 ready tasks the read-ahead took 0.82x the time (with the
/// sparse queue's rank search it did not pay below 32,768).
pub(super) const PICKS_READ_AHEAD_FROM: usize = 4_096;

/// How many picks ahead are predicted, and the distances (in picks) at which a predicted
/// pick's chain is walked one stage further: its task slot prefetched at `stage_at[0]`,
/// its future at `stage_at[1]` (its pool slot at `depth`, when the pick is predicted).
#[derive(Clone, Copy)]
struct Pipeline {
    depth: usize,
    stage_at: [usize; 2],
}

/// Below [`DEEP_FROM`] ready entries: eight picks deep, stages two picks apart (one pick
/// apart, a prefetched line was often not there yet when the next stage read it; round 10).
const SHALLOW: Pipeline = Pipeline {
    depth: 8,
    stage_at: [4, 2],
};

/// From [`DEEP_FROM`] ready entries: twelve picks deep, stages four apart. With 100,000
/// ready tasks a pick takes about 90 ns and a line comes from memory, often later than
/// two picks: the shallow pipeline's stages and the poll's first read of the future
/// waited for their lines (the profile's largest entries). Deep at every size, the
/// fan-out at 100,000 ready tasks took about 0.93-0.95x the time, but 1.02-1.04x at
/// 10,000-30,000, whose lines come from the L3 in time; sixteen deep (stages at 10 and 5)
/// and twelve with stages at 8 and 5 were slower (round 18, `BENCHMARKS.md`).
const DEEP: Pipeline = Pipeline {
    depth: 12,
    stage_at: [8, 4],
};

/// Ready entries from which the read-ahead runs [`DEEP`].
const DEEP_FROM: usize = 65_536;

const _: () = assert!(
    SHALLOW.depth <= PICKS_AHEAD
        && SHALLOW.depth < RING
        && DEEP.depth <= PICKS_AHEAD
        && DEEP.depth < RING
);

/// The stage of a chain with nothing more to fetch (the future was prefetched, or the entry
/// is not a task with a slot).
const DONE: u8 = 2;

/// The stage of the expected next task's chain with nothing more to fetch (its ready entry,
/// slot and future were prefetched).
const NEXT_DONE: u8 = 3;

/// The ring's room (a power of two above a [`Pipeline`]'s depth).
const RING: usize = 16;

/// One predicted pick and how far its chain was fetched.
#[derive(Clone, Copy, Default)]
struct Pick {
    index: u32,
    arity: u32,
    /// Stages done: 0 the pool slot prefetched, 1 the task slot, 2 ([`DONE`]) the future.
    stage: u8,
    /// The task's slot index (after stage 1).
    value: u32,
}

/// The predicted picks, next first.
pub(crate) struct ReadAhead {
    picks: [Pick; RING],
    head: usize,
    len: usize,
    /// The number of decisions logged when the next predicted pick is made (any other
    /// decision, or a pick not seen here, breaks the model).
    decision: usize,
    /// Whether each pick is predicted to queue one entry (else none).
    requeue: bool,
    /// The previous pick's arity: its difference to the current one is the trend.
    last_arity: usize,
    /// The previous pick's trend.
    last_trend: i64,
    /// Whether the ring is read ahead [`DEEP`] (else [`SHALLOW`]): set when it is
    /// predicted afresh, by the number of ready entries then.
    deep: bool,
    /// The task a strategy that cannot peek expects next (PCT: the best task left after a
    /// pick), its chain fetched a stage every [`NEXT_STAGE_GAP`] picks: `(task index,
    /// stage, slot index, picks until the next stage)`.
    next_task: (u32, u8, u32, u8),
}

/// Picks between two stages of the expected next task's chain. One pick apart, a stage's
/// read waited for the line the stage before had just asked for (a quarter of the
/// read-ahead's samples with 100,000 ready tasks under PCT); the next task stays the
/// same for many picks (PCT runs its best task until it ends), so the chain has time.
const NEXT_STAGE_GAP: u8 = 3;

impl Default for ReadAhead {
    fn default() -> ReadAhead {
        ReadAhead {
            picks: [Pick::default(); RING],
            head: 0,
            len: 0,
            decision: 0,
            requeue: false,
            last_arity: 0,
            last_trend: 0,
            deep: false,
            next_task: (u32::MAX, NEXT_DONE, 0, 0),
        }
    }
}

impl ReadAhead {
    #[inline]
    fn slot(&self, k: usize) -> usize {
        (self.head + k) % RING
    }

    fn push(&mut self, pick: Pick) {
        let s = self.slot(self.len);
        self.picks[s] = pick;
        self.len += 1;
    }

    fn pop(&mut self) {
        self.head = (self.head + 1) % RING;
        self.len -= 1;
    }

    fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

impl Core {
    /// Called at a random pick of `index` among `n >= PICKS_READ_AHEAD_FROM` ready entries:
    /// drops the pick from the ring and predicts one pick more when it came as predicted,
    /// else predicts the ring again; then walks the predicted picks' chains a stage further.
    #[inline(never)]
    pub(super) fn read_ahead(&mut self, index: usize, n: usize) {
        let ra = &mut self.ahead;
        let trend = n as i64 - ra.last_arity as i64;
        // Each pick is predicted to queue one entry unless the last two queued none (a
        // program whose tasks end as they run).
        let requeue = trend == 0 || ra.last_trend == 0;
        ra.last_arity = n;
        ra.last_trend = trend;
        if !(-1..=0).contains(&trend) {
            ra.clear();
            return;
        }
        // Each pipeline's distances are constants of its own copy of the step (read at
        // run time, they cost 25 instructions a pick). The depth is chosen when the ring is
        // predicted afresh (`predict_all`), which a change of the ready entries' trend
        // does often.
        if ra.deep {
            self.advance::<{ DEEP.depth }, { DEEP.stage_at[0] }, { DEEP.stage_at[1] }>(
                index, n, requeue,
            );
        } else {
            self.advance::<{ SHALLOW.depth }, { SHALLOW.stage_at[0] }, { SHALLOW.stage_at[1] }>(
                index, n, requeue,
            );
        }
    }

    /// [`Core::read_ahead`]'s step with a [`Pipeline`] of depth `DEPTH` and stages at
    /// `SLOT_AT` and `FUTURE_AT`.
    #[inline(always)]
    fn advance<const DEPTH: usize, const SLOT_AT: usize, const FUTURE_AT: usize>(
        &mut self,
        index: usize,
        n: usize,
        requeue: bool,
    ) {
        let ra = &mut self.ahead;
        let valid = ra.len > 0 && ra.decision == self.decisions.len();
        let front = ra.picks[ra.head];
        if valid && front.index as usize == index && front.arity as usize == n {
            ra.pop();
            ra.decision += 1;
            if ra.len == DEPTH - 1 {
                self.predict_at(n, DEPTH, None);
            }
            // Steady state: the picks at the stages' distances go one stage further.
            self.walk_stage(SLOT_AT - 1, 0);
            self.walk_stage(FUTURE_AT - 1, 1);
        } else {
            if (n >= DEEP_FROM) != (DEPTH == DEEP.depth) {
                // Predicted afresh at the other depth from the next pick on.
                self.ahead.deep = n >= DEEP_FROM;
                self.ahead.clear();
                return;
            }
            self.predict_all(n, requeue, valid, DEPTH);
            let stage_at = [SLOT_AT, FUTURE_AT];
            for k in 0..self.ahead.len {
                let stage = self.ahead.picks[self.ahead.slot(k)].stage;
                if stage < DONE && k < stage_at[stage as usize] {
                    self.walk_stage(k, stage);
                }
            }
        }
    }

    /// Called at a pick among `n >= PICKS_READ_AHEAD_FROM` ready entries by a strategy that
    /// cannot peek: walks the chain of the task it expects next a stage further every
    /// [`NEXT_STAGE_GAP`] picks (its id-table entry and its ready entry, then its slot and
    /// the entry's place in the pool's arrival list, then its future), so that the switch
    /// to it, when the picked task stops queueing itself, finds it in cache. PCT runs its
    /// best task until it ends or is demoted, so the next task stays the same for many
    /// picks.
    #[inline(never)]
    pub(super) fn prefetch_next_task(&mut self) {
        let Some((task, at)) = self.sched.next_task() else {
            return;
        };
        let id = task.index() as u32;
        let (known, stage, s, wait) = self.ahead.next_task;
        let stage = if known == id {
            if stage == NEXT_DONE {
                return;
            }
            if wait > 0 {
                self.ahead.next_task.3 = wait - 1;
                return;
            }
            stage
        } else {
            0
        };
        let (id, stage, s) = match stage {
            0 => {
                // The strategy names the task by number (`Strategy::next_task`): its slot
                // comes from the id table. Its entry the pick reads where it arrived.
                self.slot_of.prefetch(id as usize);
                self.ready.prefetch_index(at);
                (id, 1, 0)
            }
            1 => match self.slot_of.try_get(id as usize) {
                Some(s) if s & FREED == 0 && (s as usize) < self.tasks.len() => {
                    self.tasks[s as usize].prefetch();
                    self.ready.prefetch_arrival(at);
                    (id, 2, s)
                }
                _ => (id, NEXT_DONE, 0),
            },
            2 => {
                if let Some(cell) = self.tasks.get(s as usize).and_then(|t| t.cell.as_ref()) {
                    cell.prefetch();
                }
                (id, NEXT_DONE, 0)
            }
            _ => (id, NEXT_DONE, 0),
        };
        self.ahead.next_task = (id, stage, s, NEXT_STAGE_GAP - 1);
    }

    /// Fills the ring with the `depth` picks after the current one among `n` entries: each among
    /// `n` when `requeue` (each polled task queues one entry), else among one fewer each
    /// time. When `reuse`, the ring holds earlier predictions of the same picks, after the
    /// current one: one that names the same slot keeps what its chain fetched.
    fn predict_all(&mut self, n: usize, requeue: bool, reuse: bool, depth: usize) {
        let ra = &mut self.ahead;
        // The earlier predictions of the picks after the current one (the ring's front was
        // the current pick's).
        let old: [Option<Pick>; RING] =
            std::array::from_fn(|k| (reuse && k + 1 < ra.len).then(|| ra.picks[ra.slot(k + 1)]));
        ra.clear();
        ra.requeue = requeue;
        for (d, before) in old.iter().enumerate().take(depth) {
            if !self.predict_at(n, d + 1, *before) {
                break;
            }
        }
        self.ahead.decision = self.decisions.len() + 1;
    }

    /// Predicts the pick `d` after the current one (the ring holds the `d - 1` between) and
    /// prefetches its pool slot, unless `before` (an earlier prediction of it) names the
    /// same slot. Returns false when it cannot be predicted (too few entries).
    #[inline]
    fn predict_at(&mut self, n: usize, d: usize, before: Option<Pick>) -> bool {
        let arity = if self.ahead.requeue {
            n
        } else if let Some(a) = n.checked_sub(d) {
            a
        } else {
            return false;
        };
        if arity < 2 {
            return false;
        }
        let Some(i) = self.sched.peek(d - 1, arity) else {
            return false;
        };
        let (index, arity) = (i as u32, arity as u32);
        let pick = match before {
            Some(b) if b.index == index => Pick { arity, ..b },
            _ => {
                self.ready.prefetch_index(i);
                Pick {
                    index,
                    arity,
                    stage: 0,
                    value: 0,
                }
            }
        };
        self.ahead.push(pick);
        true
    }

    /// Walks the chain of the `k`-th predicted pick from the front (`k + 1` picks away) one
    /// stage further if it is at `stage`: reads what the previous stage prefetched (in cache
    /// by now) and prefetches the next.
    #[inline(always)]
    fn walk_stage(&mut self, k: usize, stage: u8) {
        if k >= self.ahead.len {
            return;
        }
        let s = self.ahead.slot(k);
        let p = self.ahead.picks[s];
        if p.stage != stage {
            return;
        }
        let (stage, value) = match stage {
            // A queued poll's id names its task's slot (`Core::unqueue`).
            0 => match self.ready.get(p.index as usize) {
                Some(Entry::Poll(id)) => match self.tasks.get(id.slot() as usize) {
                    Some(slot) => {
                        slot.prefetch();
                        self.ready.prefetch_arrival(p.index as usize);
                        (1, id.slot())
                    }
                    None => (DONE, 0),
                },
                _ => (DONE, 0),
            },
            _ => {
                if let Some(cell) = self
                    .tasks
                    .get(p.value as usize)
                    .and_then(|t| t.cell.as_ref())
                {
                    cell.prefetch();
                }
                (DONE, 0)
            }
        };
        let p = &mut self.ahead.picks[s];
        p.stage = stage;
        p.value = value;
    }
}

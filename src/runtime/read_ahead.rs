//! Prefetching the next random picks' tasks, so that a pick finds its task in cache.
//!
//! With many ready tasks, a random pick lands on a task whose ready-queue slot, id-table
//! entry, task slot and future are each a cache miss at a random place, one depending on the
//! other: four misses in a row per step. But the random strategy draws its words ahead
//! (`RandomWalk::peek`), so the next picks are known as long as the number of ready entries
//! keeps its trend (the same, as when each polled task queues itself again; or one less, as
//! when none does). The engine keeps the next [`DEPTH`] predicted picks in a ring and walks
//! each one's chain a stage per pick, as a software pipeline: the pick [`DEPTH`] steps away
//! has its queue slot prefetched; at [`STAGE_AT`]'s distances a pick reads what the stage
//! before prefetched (in cache by then) and prefetches the next: its id-table entry, its
//! task slot, its future. A prefetch does not wait for its line, so the misses overlap with
//! the polls in between and a pick finds its chain in cache. The predicted position of the
//! pick being made is handed to the queue, so its removal needs no search, and each pick
//! predicts one more: a pick costs one rank search.
//!
//! A prediction is used only while every pick since it was made came true (same index, same
//! number of ready entries, one decision each, no compaction): then the queue holds exactly
//! the modelled entries (removals happen only at picks, pushes only at the back), so a
//! predicted position is the picked entry's. When a pick's arity differs (a polled task did
//! not queue itself again), the ring is predicted again; an entry that stays the same keeps
//! what its chain fetched, and one that moves to a near rank finds its position by a short
//! walk over the queue's live bits. Nothing that runs depends on the ring.

use super::id_table::FREED;
use super::{Core, Entry};
use crate::schedule::PICKS_AHEAD;

/// Ready entries from which picks are read ahead (fewer stay in cache anyway).
pub(super) const PICKS_READ_AHEAD_FROM: usize = 32_768;

/// How many picks ahead are predicted: all the words the strategy holds. The stages of a
/// chain are two picks apart (one pick apart, a prefetched line was often not there yet when
/// the next stage read it: 1.09x the time in an A/B run); predicting further ahead wastes
/// more predictions when the arity changes (11% more instructions than a depth of 4 at
/// 100,000 ready tasks, where 9% of the picks change it).
const DEPTH: usize = 8;
const _: () = assert!(DEPTH <= PICKS_AHEAD && DEPTH < RING);

/// The distance (in picks) at which a predicted pick's chain is walked one stage further:
/// the id-table entry is prefetched 6 picks ahead, the task slot 4, the future 2 (the queue
/// slot at [`DEPTH`], when the pick is predicted).
const STAGE_AT: [usize; 3] = [6, 4, 2];

/// The stage of a chain with nothing more to fetch (the future was prefetched, or the entry
/// is not a task with a slot).
const DONE: u8 = 3;

/// The ring's room (a power of two above [`DEPTH`]: the current pick and those after it).
const RING: usize = 16;

/// The rank of a ring slot that holds no pick (above every rank: a rank is below the
/// number of ready entries, which an arity's `u32` holds).
const NO_RANK: u32 = u32::MAX;

/// One predicted pick and how far its chain was fetched.
#[derive(Clone, Copy, Default)]
struct Pick {
    index: u32,
    arity: u32,
    position: u64,
    /// Stages done: 0 the queue slot prefetched, 1 the id-table entry, 2 the task slot, 3
    /// ([`DONE`]) the future.
    stage: u8,
    /// The task's id index (after stage 1), then its slot index (after stage 2).
    value: u32,
}

/// The predicted picks, next first.
pub(crate) struct ReadAhead {
    picks: [Pick; RING],
    /// By ring slot: the FIFO rank of the pick's entry in the queue as it is at the current
    /// pick, [`NO_RANK`] for a slot without a pick.
    ranks: [u32; RING],
    head: usize,
    len: usize,
    /// The ready queue's epoch the positions belong to.
    epoch: u64,
    /// The number of decisions logged when the next predicted pick is made (any other
    /// decision, or a pick not seen here, breaks the model).
    decision: usize,
    /// Whether each pick is predicted to queue one entry (else none).
    requeue: bool,
    /// The previous pick's arity: its difference to the current one is the trend.
    last_arity: usize,
    /// The previous pick's trend.
    last_trend: i64,
    /// The task a strategy that cannot peek expects next (PCT: the best task left after a
    /// pick), its chain fetched a stage per pick: `(task index, stage, slot index)`.
    next_task: (u32, u8, u32),
}

impl Default for ReadAhead {
    fn default() -> ReadAhead {
        ReadAhead {
            picks: [Pick::default(); RING],
            ranks: [NO_RANK; RING],
            head: 0,
            len: 0,
            epoch: 0,
            decision: 0,
            requeue: false,
            last_arity: 0,
            last_trend: 0,
            next_task: (u32::MAX, DONE, 0),
        }
    }
}

impl ReadAhead {
    #[inline]
    fn slot(&self, k: usize) -> usize {
        (self.head + k) % RING
    }

    /// The `k`-th pick from the front, and its rank.
    #[inline]
    fn at(&self, k: usize) -> (Pick, usize) {
        let s = self.slot(k);
        (self.picks[s], self.ranks[s] as usize)
    }

    fn push(&mut self, pick: Pick, rank: usize) {
        let s = self.slot(self.len);
        self.picks[s] = pick;
        self.ranks[s] = rank as u32;
        self.len += 1;
    }

    fn pop(&mut self) {
        self.ranks[self.head] = NO_RANK;
        self.head = (self.head + 1) % RING;
        self.len -= 1;
    }

    fn clear(&mut self) {
        self.ranks = [NO_RANK; RING];
        self.head = 0;
        self.len = 0;
    }

    /// The FIFO rank in the current queue of the entry that index `i` names once the
    /// ring's picks left it: the least `rank` with `rank - #{ring ranks <= rank} == i`,
    /// found by fixpoint (each round counts the ring's ranks at or below the guess; two or
    /// three rounds in practice).
    #[inline]
    fn rank_after(&self, i: usize) -> usize {
        let i = i as u32;
        let mut rank = i;
        loop {
            let below: u32 = self.ranks.iter().map(|&r| u32::from(r <= rank)).sum();
            if i + below == rank {
                return rank as usize;
            }
            rank = i + below;
        }
    }
}

impl Core {
    /// Called at a random pick of `index` among `n >= PICKS_READ_AHEAD_FROM` ready entries,
    /// before the entry is removed: hands the queue the entry's position when it was
    /// predicted and predicts one pick more, or predicts the ring again when the prediction
    /// failed; then walks the predicted picks' chains a stage further.
    #[inline(never)]
    pub(super) fn read_ahead(&mut self, index: usize, n: usize) {
        let ra = &mut self.ahead;
        let trend = n as i64 - ra.last_arity as i64;
        // Each pick is predicted to queue one entry unless the last two queued none (a
        // program whose tasks end as they run).
        let requeue = trend == 0 || ra.last_trend == 0;
        ra.last_arity = n;
        ra.last_trend = trend;
        if !self.ready.is_sparse() || !(-1..=0).contains(&trend) {
            self.ahead.clear();
            return;
        }
        let ra = &self.ahead;
        let valid =
            ra.len > 0 && ra.epoch == self.ready.epoch() && ra.decision == self.decisions.len();
        let (front, front_rank) = ra.at(0);
        if valid && front.index as usize == index && front.arity as usize == n {
            self.ready.hint(index, front.position);
            if ra.len == DEPTH {
                self.predict_at(n, DEPTH, None);
            }
            let ra = &mut self.ahead;
            ra.pop();
            ra.decision += 1;
        } else {
            if valid && front_rank.abs_diff(index) <= 2 {
                // The pick lands near the predicted one: its position is a short walk away.
                let p = self.ready.step_position(front.position, front_rank, index);
                self.ready.hint(index, p);
            }
            self.predict_all(index, n, requeue, valid);
        }
        // The current pick's entry leaves: the entries after it move one rank down.
        let index = index as u32;
        for r in &mut self.ahead.ranks {
            *r -= u32::from(*r > index && *r != NO_RANK);
        }
        self.walk();
    }

    /// Called at a pick among `n >= PICKS_READ_AHEAD_FROM` ready entries by a strategy that
    /// cannot peek: walks the chain of the task it expects next a stage further (its
    /// id-table entry, then its slot, then its future), so that the switch to it, when the
    /// picked task stops queueing itself, finds it in cache. PCT runs its best task until
    /// it ends or is demoted, so the next task stays the same for many picks.
    #[inline(never)]
    pub(super) fn prefetch_next_task(&mut self) {
        let Some(task) = self.sched.next_task() else {
            return;
        };
        let id = task.index() as u32;
        let (known, stage, s) = self.ahead.next_task;
        let stage = if known == id { stage } else { 0 };
        self.ahead.next_task = match stage {
            0 => {
                self.slot_of.prefetch(id as usize);
                (id, 1, 0)
            }
            1 => match self.slot_of.try_get(id as usize) {
                Some(s) if s & FREED == 0 && (s as usize) < self.tasks.len() => {
                    self.tasks[s as usize].prefetch();
                    (id, 2, s)
                }
                _ => (id, DONE, 0),
            },
            2 => {
                if let Some(cell) = self.tasks.get(s as usize).and_then(|t| t.cell.as_ref()) {
                    cell.prefetch();
                }
                (id, DONE, 0)
            }
            _ => (id, DONE, 0),
        };
    }

    /// Fills the ring with the picks after the current one (`index` of `n`): each among `n`
    /// entries when `requeue` (each polled task queues one entry), else among one fewer
    /// each time. Ranks are those of the queue before the current pick leaves it. When
    /// `reuse`, the ring holds earlier predictions of the same picks (with ranks in the
    /// current queue): one that names the same entry keeps what its chain fetched, and one
    /// that names a near entry (another arity moves an index by one or two) finds its
    /// position from the old one's by a short walk.
    fn predict_all(&mut self, index: usize, n: usize, requeue: bool, reuse: bool) {
        let ra = &mut self.ahead;
        let old: [Option<(Pick, usize)>; RING] =
            std::array::from_fn(|k| (reuse && k < ra.len).then(|| ra.at(k)));
        ra.clear();
        ra.requeue = requeue;
        // The current pick stands at the front while the others are predicted.
        ra.push(Pick::default(), index);
        for (d, before) in old.iter().enumerate().take(DEPTH + 1).skip(1) {
            if !self.predict_at(n, d, *before) {
                break;
            }
        }
        let ra = &mut self.ahead;
        ra.pop();
        ra.epoch = self.ready.epoch();
        ra.decision = self.decisions.len() + 1;
    }

    /// Predicts the pick `d` after the current one (the ring holds the `d` before it,
    /// counting the current one) and prefetches its queue slot, unless `before` (an earlier
    /// prediction of it and its rank) names the same entry. Returns false when it cannot be
    /// predicted (too few entries, or it lands on an entry queued after the current pick,
    /// whose position is not known yet).
    #[inline]
    fn predict_at(&mut self, n: usize, d: usize, before: Option<(Pick, usize)>) -> bool {
        let ra = &self.ahead;
        let arity = if ra.requeue {
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
        // Entries of the queue as it is now come first, then those queued since.
        if i >= n - d {
            return false;
        }
        let rank = ra.rank_after(i);
        let (index, arity) = (i as u32, arity as u32);
        let pick = match before {
            Some((b, r)) if r == rank => Pick { index, arity, ..b },
            _ => {
                let position = match before {
                    Some((b, r)) => self.ready.step_position(b.position, r, rank),
                    None => self.ready.position_of(rank),
                };
                self.ready.prefetch_position(position);
                Pick {
                    index,
                    arity,
                    position,
                    stage: 0,
                    value: 0,
                }
            }
        };
        self.ahead.push(pick, rank);
        true
    }

    /// Walks each predicted pick's chain one stage further where its distance calls for it:
    /// reads what the previous stage prefetched (in cache by now) and prefetches the next.
    fn walk(&mut self) {
        for k in 0..self.ahead.len {
            let s = self.ahead.slot(k);
            let p = self.ahead.picks[s];
            if p.stage >= DONE || k + 1 > STAGE_AT[p.stage as usize] {
                continue;
            }
            let (stage, value) = match p.stage {
                0 => match self.ready.at_position(p.position) {
                    Some(Entry::Poll(id)) => {
                        self.slot_of.prefetch(id.index());
                        (1, id.index() as u32)
                    }
                    _ => (DONE, 0),
                },
                1 => match self.slot_of.try_get(p.value as usize) {
                    Some(s) if s & FREED == 0 => match self.tasks.get(s as usize) {
                        Some(slot) => {
                            slot.prefetch();
                            (2, s)
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
}

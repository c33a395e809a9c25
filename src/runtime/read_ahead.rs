//! Reading the next random picks' tasks ahead, so that their cache misses overlap.
//!
//! With many ready tasks, a random pick lands on a task whose ready-queue slot, id-table
//! entry, task slot and future are each a cache miss at a random place, one depending on the
//! other: four misses in a row per step. Safe Rust has no prefetch instruction, and a read
//! of the next pick's chain alone only moves its misses (each read waits for the one before
//! it). But the random strategy draws its words ahead (`RandomWalk::peek`), so the next
//! [`PICKS_AHEAD`] picks are known as long as the number of ready entries keeps its trend
//! (the same, as when each polled task queues itself again; or one less, as when none
//! does). The engine then reads the chain of all of them stage by stage (every queue slot,
//! then every id-table entry, then every task slot, then every future), so the misses of
//! one stage overlap, and it hands each predicted position to the queue so that the pick's
//! removal needs no search.
//!
//! A prediction is used only while every pick since the batch was predicted came true (same
//! index, same number of ready entries, one decision each, no compaction): then the queue
//! holds exactly the modelled entries (removals happen only at picks, pushes only at the
//! back), so a predicted position is the picked entry's. Otherwise the batch is dropped,
//! and nothing that runs depends on it.

use super::id_table::FREED;
use super::{Core, Entry};
use crate::schedule::PICKS_AHEAD;

/// Ready entries from which picks are read ahead (fewer stay in cache anyway).
pub(super) const PICKS_READ_AHEAD_FROM: usize = 32_768;

/// A position that was not predicted (the pick lands on an entry queued after the batch).
const UNKNOWN: u64 = u64::MAX;

/// The predicted picks of one batch.
#[derive(Default)]
pub(crate) struct ReadAhead {
    /// `(index, arity, position)` of the coming picks, in order.
    picks: [(u32, u32, u64); PICKS_AHEAD],
    len: usize,
    next: usize,
    /// The ready queue's epoch the positions belong to.
    epoch: u64,
    /// The number of decisions logged when the batch was predicted: the `k`-th pick of the
    /// batch must be decision `decided + k` (any other decision, or a pick not seen here,
    /// breaks the model).
    decided: usize,
    /// The previous pick's arity: its difference to the current one is the trend.
    last_arity: usize,
}

impl Core {
    /// Called at a random pick of `index` among `n >= PICKS_READ_AHEAD_FROM` ready entries, before
    /// the entry is removed: hands the queue the entry's position when it was predicted, and
    /// when the batch is used up (or its prediction failed) predicts and reads the next
    /// batch.
    #[inline(never)]
    pub(super) fn read_ahead(&mut self, index: usize, n: usize) {
        let trend = n as i64 - self.ahead.last_arity as i64;
        self.ahead.last_arity = n;
        let decided = self.decisions.len();
        let ra = &mut self.ahead;
        if ra.next < ra.len && ra.epoch == self.ready.epoch() && ra.decided + ra.next + 1 == decided
        {
            let (i, a, p) = ra.picks[ra.next];
            ra.next += 1;
            if i as usize == index && a as usize == n {
                if p != UNKNOWN {
                    self.ready.hint(index, p);
                }
                if ra.next < ra.len {
                    return;
                }
            }
        }
        self.ahead.len = 0;
        self.ahead.next = 0;
        if !self.ready.is_sparse() || !(-1..=0).contains(&trend) {
            return;
        }
        self.predict(index, n, trend == 0);
        self.read_predicted();
    }

    /// Predicts the picks after the current one (`index` of `n`): each among `n` entries
    /// when `requeue` (each polled task queues one entry), else among one fewer each time.
    fn predict(&mut self, index: usize, n: usize, requeue: bool) {
        // Ranks (in the queue as it is now) of the entries removed so far, ascending.
        let mut removed: [usize; PICKS_AHEAD + 1] = [0; PICKS_AHEAD + 1];
        removed[0] = index;
        let mut gone = 1;
        let mut pushed = 0;
        for j in 0..PICKS_AHEAD {
            let arity = if requeue { n } else { n - 1 - j };
            if arity < 2 {
                break;
            }
            let Some(i) = self.sched.peek(j, arity) else {
                return;
            };
            if requeue {
                pushed += 1;
            }
            // The entries of now that are still queued come first, then those pushed since.
            let position = if i < arity - pushed {
                let mut rank = i;
                for &r in &removed[..gone] {
                    if r <= rank {
                        rank += 1;
                    }
                }
                let at = removed[..gone].partition_point(|&r| r < rank);
                removed.copy_within(at..gone, at + 1);
                removed[at] = rank;
                gone += 1;
                self.ready.position_of(rank)
            } else {
                pushed -= 1;
                UNKNOWN
            };
            self.ahead.picks[j] = (i as u32, arity as u32, position);
            self.ahead.len = j + 1;
        }
        self.ahead.epoch = self.ready.epoch();
        self.ahead.decided = self.decisions.len();
    }

    /// Reads the predicted picks' chains stage by stage (see the module docs).
    fn read_predicted(&self) {
        let mut ids = [u32::MAX; PICKS_AHEAD];
        let picks = &self.ahead.picks[..self.ahead.len];
        for (k, &(_, _, p)) in picks.iter().enumerate() {
            if let Some(Entry::Poll(id)) = self.ready.at_position(p) {
                ids[k] = id.index() as u32;
            }
        }
        let mut slots = [u32::MAX; PICKS_AHEAD];
        for (k, &id) in ids.iter().enumerate() {
            if let Some(s) = self.slot_of.try_get(id as usize)
                && s & FREED == 0
            {
                slots[k] = s;
            }
        }
        for &s in &slots {
            if let Some(slot) = self.tasks.get(s as usize) {
                std::hint::black_box(slot.state);
            }
        }
        for &s in &slots {
            if let Some(cell) = self.tasks.get(s as usize).and_then(|t| t.cell.as_ref()) {
                cell.touch();
            }
        }
    }
}

//! The few-timers mode: a sorted deque in front of the radix heap.
//!
//! **A few timers skip the heap.** While the heap is empty and at most [`FEW`] timers are
//! queued, they wait in `few`, a deque sorted by `(deadline, arming order)`: arming inserts
//! from the back (usually an append), firing pops the front, cancelling removes the entry.
//! A small run (the common case when exploring schedules) then touches the deque and the
//! slab entry per timer instead of the buckets, their minima and their bitmaps. The arm that would make it
//! [`FEW`] + 1 moves them all into the heap, in order; the heap serves every timer from then
//! until it runs empty. `last` means the same in both modes (the last deadline taken out,
//! at or before the clock and every queued deadline), so the hand-over needs no fixing up.

use super::{Fired, Queued, Timers};

/// At most this many timers wait in the sorted deque (`Timers::few`) instead of the heap.
pub(super) const FEW: usize = 16;

impl Timers {
    /// Queues `q`: in `few` while the heap is empty and there is room, else in the heap
    /// (moving `few` into it first when it is full).
    #[inline(always)]
    pub(super) fn enqueue(&mut self, q: Queued) {
        if self.queued == 0 {
            // The usual case: the latest deadline yet (sleeps of one length), appended.
            if self.few.len() < FEW && self.few.back().is_none_or(|e| e.deadline <= q.deadline) {
                return self.few.push_back(q);
            }
            return self.enqueue_few(q);
        }
        self.file(q, self.last);
        self.queued += 1;
    }

    /// Inserts `q` into `few` behind every deadline at or before it, so that ties stay in
    /// arming order; or, when `few` is full, moves it all into the heap.
    #[inline(never)]
    pub(super) fn enqueue_few(&mut self, q: Queued) {
        if self.few.len() < FEW {
            // Appended, then moved down past the later deadlines one entry at a time: at
            // most 16 copies of 16 bytes, cheaper than the deque's `insert` (its wrapping
            // `memmove` calls). `make_contiguous` is free unless the deque wrapped.
            self.few.push_back(q);
            let few = self.few.make_contiguous();
            let mut at = few.len() - 1;
            while at > 0 && few[at - 1].deadline > q.deadline {
                few[at] = few[at - 1];
                at -= 1;
            }
            few[at] = q;
            return;
        }
        self.spill();
        self.file(q, self.last);
        self.queued += 1;
    }

    /// Moves every entry of `few` into the heap, in order (equal deadlines share a bucket,
    /// so they keep arming order there).
    pub(super) fn spill(&mut self) {
        while let Some(q) = self.few.pop_front() {
            self.file(q, self.last);
            self.queued += 1;
        }
    }

    /// Takes the front of `few` if it is due (every entry there is live).
    #[inline]
    pub(super) fn pop_few(&mut self, now: u64) -> Option<Fired> {
        let q = *self.few.front().filter(|q| q.deadline <= now)?;
        self.few.pop_front();
        debug_assert!(self.live(&q), "`few` holds no stale entry");
        self.last = q.deadline;
        Some(self.take_fired(&q))
    }
}

//! PCT's task entries by priority: a sorted run and a heap of the newer arrivals.
//!
//! PCT runs its best task until it ends, then the next best: with many ready tasks and few
//! arrivals (a fan-out), nearly every take is of the best entry among thousands that
//! arrived long ago. A binary heap pays a descent of its whole height for each take, one
//! cache miss a level past the levels that stay cached (with 100,000 entries, a sixth of
//! PCT's time). Here entries arrive in a heap, which is sorted and merged into a sorted run
//! once it holds a quarter as many; the best entry is the larger of the run's last and the
//! heap's top, so taking from the run is a pop from the end of an array, read in order.
//! The order taken is the heap's: entries are distinct (each has its own push number).

use std::collections::BinaryHeap;

/// Arrivals a heap holds before it is merged into the run (fewer stay in cache anyway).
const MERGE_FROM: usize = 32;

pub(super) struct Tasks<T: Ord + Copy> {
    /// Ascending: the best at the end.
    sorted: Vec<T>,
    /// The arrivals since the last merge.
    heap: BinaryHeap<T>,
}

impl<T: Ord + Copy> Default for Tasks<T> {
    fn default() -> Tasks<T> {
        Tasks {
            sorted: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }
}

impl<T: Ord + Copy> Tasks<T> {
    pub(super) fn clear(&mut self) {
        self.sorted.clear();
        self.heap.clear();
    }

    /// Adds an entry; [`settle`](Self::settle) merges the arrivals into the run once they
    /// are many, after a batch of pushes.
    pub(super) fn push(&mut self, entry: T) {
        self.heap.push(entry);
    }

    /// Merges the arrivals into the run when the heap holds a quarter as many. Called once
    /// after each batch of pushes (a pick's new entries), so that a burst of arrivals (a
    /// fan-out's spawns) is merged once, not at each quarter of its growth (about 35 merges
    /// for 100,000 spawns, every entry moved about five times).
    #[inline]
    pub(super) fn settle(&mut self) {
        if self.heap.len() > MERGE_FROM && 4 * self.heap.len() > self.sorted.len() {
            self.merge();
        }
    }

    /// Merges the heap's entries into the run in place, from the back: the run grows by the
    /// heap's entries and each place, last first, takes the larger of the two ends (so no
    /// entry of the run is overwritten before it was moved). The heap keeps its buffer. A
    /// merge into a new vector (until round 14) allocated the run afresh each time: with
    /// 100,000 ready tasks, some 12 MB of new vectors a run (the kernel's page clearing was
    /// 5.5% of PCT's time).
    #[cold]
    fn merge(&mut self) {
        let mut new = std::mem::take(&mut self.heap).into_vec();
        new.sort_unstable();
        let mut i = self.sorted.len();
        self.sorted.extend_from_slice(&new);
        let run = &mut self.sorted[..];
        let mut j = new.len();
        let mut k = run.len();
        while j > 0 {
            k -= 1;
            if i > 0 && run[i - 1] > new[j - 1] {
                i -= 1;
                run[k] = run[i];
            } else {
                j -= 1;
                run[k] = new[j];
            }
        }
        new.clear();
        self.heap = BinaryHeap::from(new);
    }

    /// The best entry.
    #[inline]
    pub(super) fn peek(&self) -> Option<&T> {
        match (self.sorted.last(), self.heap.peek()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes the best entry out.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<T> {
        match (self.sorted.last(), self.heap.peek()) {
            (Some(a), Some(b)) if b > a => self.heap.pop(),
            (Some(_), _) => self.sorted.pop(),
            (None, _) => self.heap.pop(),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any sequence of pushes and takes gives what a binary heap gives.
        #[test]
        fn takes_what_a_heap_takes(ops in proptest::collection::vec((0u8..3, 0u32..1000), 0..600)) {
            let mut tasks = Tasks::default();
            let mut heap = BinaryHeap::new();
            for (k, (op, x)) in ops.into_iter().enumerate() {
                // Distinct entries, as PCT's (each has its own push number).
                let entry = (x, k);
                if op < 2 {
                    tasks.push(entry);
                    heap.push(entry);
                    // Settled after batches of a few pushes, as a pick's new entries are.
                    if x % 3 == 0 {
                        tasks.settle();
                    }
                } else {
                    prop_assert_eq!(tasks.pop(), heap.pop());
                }
                prop_assert_eq!(tasks.peek(), heap.peek());
            }
        }
    }
}

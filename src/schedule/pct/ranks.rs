//! FIFO ranks of live entries: a Fenwick tree over arrival numbers.
//!
//! The ready queue answers "which entry is at index i"; PCT needs the inverse, "at which
//! index is this entry", for the entry it chose by priority. An entry's index is the
//! number of live entries that arrived before it, a prefix sum over arrival numbers, which a
//! Fenwick (binary indexed) tree answers in O(log n). Arrival numbers only grow, so when
//! they outrun the tree the live ones are renumbered densely, in order; memory stays
//! O(live entries).

/// Live arrival numbers, with their FIFO ranks.
#[derive(Default)]
pub(super) struct Ranks {
    /// `tree[i]` (1-based) counts live numbers in `i - lowbit(i) .. i` (0-based, end
    /// excluded); `tree[0]` is unused.
    tree: Vec<u32>,
    /// The next arrival number.
    next: u32,
    live: u32,
}

impl Ranks {
    /// Forgets every number.
    pub(super) fn clear(&mut self) {
        self.tree.clear();
        self.next = 0;
        self.live = 0;
    }

    /// How many numbers are live.
    pub(super) fn len(&self) -> usize {
        self.live as usize
    }

    /// Whether the next arrival needs [`Ranks::renumber`] first (the tree is full).
    pub(super) fn full(&self) -> bool {
        self.next as usize + 1 >= self.tree.len()
    }

    /// A new live number, after every live one.
    pub(super) fn arrive(&mut self) -> u32 {
        debug_assert!(!self.full(), "renumber first");
        let n = self.next;
        self.next += 1;
        self.live += 1;
        self.change(n, 1);
        n
    }

    /// How many live numbers are below `n` (`n` live): its index in FIFO order.
    pub(super) fn rank(&self, n: u32) -> usize {
        let mut i = n as usize;
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i &= i - 1;
        }
        sum as usize
    }

    /// `n` leaves.
    pub(super) fn leave(&mut self, n: u32) {
        self.live -= 1;
        self.change(n, u32::MAX);
    }

    /// Makes room for more arrivals: a tree of twice the live count (at least 64), the live
    /// numbers renumbered by rank (so their order is kept). Returns the map, indexed by old
    /// number, for the caller's own copies of the numbers.
    pub(super) fn renumber(&mut self) -> Vec<u32> {
        let map: Vec<u32> = (0..self.next).map(|n| self.rank(n) as u32).collect();
        let live = self.live;
        self.tree = vec![0; (2 * live as usize).max(64) + 1];
        self.next = 0;
        self.live = 0;
        for _ in 0..live {
            self.arrive();
        }
        map
    }

    fn change(&mut self, n: u32, delta: u32) {
        let mut i = n as usize + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Ranks agree with a sorted list of the live numbers through arrivals, departures
        /// and renumberings.
        #[test]
        fn ranks_agree_with_a_list(ops in proptest::collection::vec((0u8..3, 0usize..1000), 0..600)) {
            let mut ranks = Ranks::default();
            let mut model: Vec<u32> = Vec::new();
            for (op, x) in ops {
                if op < 2 || model.is_empty() {
                    if ranks.full() {
                        let map = ranks.renumber();
                        for n in &mut model {
                            *n = map[*n as usize];
                        }
                        prop_assert_eq!(&model, &(0..model.len() as u32).collect::<Vec<_>>());
                    }
                    model.push(ranks.arrive());
                } else {
                    let i = x % model.len();
                    prop_assert_eq!(ranks.rank(model[i]), i);
                    ranks.leave(model.remove(i));
                }
                prop_assert_eq!(ranks.len(), model.len());
            }
            for (i, &n) in model.iter().enumerate() {
                prop_assert_eq!(ranks.rank(n), i);
            }
        }
    }
}

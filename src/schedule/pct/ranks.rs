//! FIFO ranks of live entries: a Fenwick tree over arrival numbers.
//!
//! The ready queue answers "which entry is at index i"; PCT needs the inverse, "at which
//! index is this entry", for the entry it chose by priority. An entry's index is the
//! number of live entries that arrived before it, a prefix sum over arrival numbers, which a
//! Fenwick (binary indexed) tree answers in O(log n). Arrival numbers only grow, so when
//! they outrun the tree the live ones are renumbered densely, in order; memory stays
//! O(live entries).
//!
//! The newest arrivals wait outside the tree (`pending`) until an older number leaves: they
//! are all live and follow every number in the tree, so their ranks are counts. A task
//! that yields is queued again and, keeping its priority, is PCT's next pick: its number
//! arrives and leaves without a descent of the tree (17 levels at 100,000 ready entries,
//! twice per pick).

/// Live arrival numbers, with their FIFO ranks.
#[derive(Default)]
pub(super) struct Ranks {
    /// `tree[i]` (1-based) counts live numbers in `i - lowbit(i) .. i` (0-based, end
    /// excluded); `tree[0]` is unused.
    tree: Vec<u32>,
    /// The next arrival number.
    next: u32,
    live: u32,
    /// The newest arrivals not counted in the tree: numbers `next - pending .. next`, all
    /// live.
    pending: u32,
}

impl Ranks {
    /// Forgets every number.
    pub(super) fn clear(&mut self) {
        self.tree.clear();
        self.next = 0;
        self.live = 0;
        self.pending = 0;
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
        self.pending += 1;
        n
    }

    /// Counts the pending arrivals in the tree.
    fn settle(&mut self) {
        for n in self.next - self.pending..self.next {
            self.change(n, 1);
        }
        self.pending = 0;
    }

    /// How many live numbers are below `n` (`n` live): its index in FIFO order.
    pub(super) fn rank(&self, n: u32) -> usize {
        let first_pending = self.next - self.pending;
        if n >= first_pending {
            return (self.live - self.pending + (n - first_pending)) as usize;
        }
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
        if self.pending > 0 && n + 1 == self.next {
            // The newest: its number is free for the next arrival, which follows every live
            // one as well.
            self.pending -= 1;
            self.next -= 1;
            return;
        }
        if n >= self.next - self.pending {
            self.settle();
        }
        self.change(n, u32::MAX);
    }

    /// Makes room for more arrivals: a tree of twice the live count (at least 64), the live
    /// numbers renumbered by rank (so their order is kept). Returns the map, indexed by old
    /// number, for the caller's own copies of the numbers. O(numbers): each number's own
    /// count is read back from the tree by undoing its build, and the new tree is built in
    /// one pass (a rank per number and an arrival each made it O(n log n), about a tenth of
    /// a PCT run with 100,000 ready tasks).
    pub(super) fn renumber(&mut self) -> Vec<u32> {
        self.settle();
        let mut own = std::mem::take(&mut self.tree);
        let len = own.len();
        // `tree[j]` is number `j - 1`'s count plus its children's nodes (the `i` with
        // `i + lowbit(i) == j`): taken off from the top down, while each child still holds
        // its own node.
        for i in (1..len).rev() {
            let j = i + (i & i.wrapping_neg());
            if j < len {
                own[j] = own[j].wrapping_sub(own[i]);
            }
        }
        let mut rank = 0;
        let map = (0..self.next as usize)
            .map(|n| {
                let r = rank;
                rank += own[n + 1];
                r
            })
            .collect();
        let live = self.live as usize;
        own.clear();
        own.resize((2 * live).max(64) + 1, 0);
        own[1..=live].fill(1);
        for i in 1..own.len() {
            let j = i + (i & i.wrapping_neg());
            if j < own.len() {
                own[j] += own[i];
            }
        }
        self.tree = own;
        self.next = self.live;
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
                    // Often the newest, as a PCT pick of a task that yielded.
                    let i = if x % 3 == 0 { model.len() - 1 } else { x % model.len() };
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

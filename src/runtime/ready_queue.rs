//! The ready queue's storage: FIFO order, with removal of the i-th entry in O(log n).
//!
//! Non-FIFO strategies pick an index into the queue and the picked entry leaves it while the
//! others keep their order (index 0 stays the FIFO choice). A `VecDeque::remove` moves half
//! the queue per pick: cheapest for a short queue (the usual case), but it dominates a run
//! with thousands of ready tasks. So a short queue is a plain deque ("dense"), and past
//! `SPARSE_ABOVE` entries the queue turns "sparse" until it shrinks to `DENSE_AT`: a removed
//! entry leaves a tombstone and a bitmap of live slots (one bit per slot, 64 per word, with a
//! live count per word and a Fenwick tree of live counts per group of 8 words) finds the
//! i-th live entry in O(log n): the group by descending the tree, the word by counts, the
//! bit by a broadword select. Tombstones at the front are trimmed at once, and the queue is
//! compacted when tombstones outnumber live entries, so memory stays O(live).

use std::cell::Cell;
use std::ops::{Index, IndexMut};

use super::Entry;
use super::prefetch::prefetch;

/// A double-ended queue of slots in one `Vec` that never wraps: the live part starts at
/// `head`. Removing the `i`-th slot shifts the shorter side with one `copy_within` (no
/// wrap-around cases, which made `VecDeque::remove` the most expensive part of a random
/// pick); the dead prefix is dropped once it is as long as the live part.
#[derive(Default)]
struct Slots {
    buf: Vec<Option<Entry>>,
    head: usize,
}

impl Slots {
    #[inline]
    fn len(&self) -> usize {
        self.buf.len() - self.head
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.head = 0;
    }

    #[inline]
    fn push_back(&mut self, slot: Option<Entry>) {
        self.buf.push(slot);
    }

    #[inline]
    fn pop_front(&mut self) -> Option<Option<Entry>> {
        let slot = self.buf.get_mut(self.head)?.take();
        self.head += 1;
        if self.head == self.buf.len() || (self.head >= 64 && self.head * 2 >= self.buf.len()) {
            self.rebase();
        }
        Some(slot)
    }

    /// Drops the dead prefix (all of it when the queue emptied).
    #[cold]
    fn rebase(&mut self) {
        if self.head == self.buf.len() {
            self.clear();
        } else {
            self.buf.drain(..self.head);
            self.head = 0;
        }
    }

    #[inline]
    fn front(&self) -> Option<&Option<Entry>> {
        self.buf.get(self.head)
    }

    #[inline]
    fn back(&self) -> Option<&Option<Entry>> {
        self.buf[self.head..].last()
    }

    #[inline]
    fn pop_back(&mut self) -> Option<Option<Entry>> {
        if self.len() == 0 {
            return None;
        }
        self.buf.pop()
    }

    /// Takes slot `i` out, the slots before and after it closing the gap in order.
    #[inline]
    fn remove(&mut self, i: usize) -> Option<Entry> {
        let at = self.head + i;
        let slot = self.buf[at].take();
        if i < self.len() / 2 {
            self.buf.copy_within(self.head..at, self.head + 1);
            self.buf[self.head] = None;
            self.pop_front();
        } else {
            self.buf.copy_within(at + 1.., at);
            self.buf.pop();
        }
        slot
    }

    fn retain(&mut self, keep: impl FnMut(&Option<Entry>) -> bool) {
        self.buf.drain(..self.head);
        self.head = 0;
        self.buf.retain(keep);
    }

    fn iter(&self) -> impl Iterator<Item = &Option<Entry>> + '_ {
        self.buf[self.head..].iter()
    }
}

impl Index<usize> for Slots {
    type Output = Option<Entry>;

    #[inline]
    fn index(&self, i: usize) -> &Option<Entry> {
        &self.buf[self.head + i]
    }
}

impl IndexMut<usize> for Slots {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut Option<Entry> {
        &mut self.buf[self.head + i]
    }
}

#[derive(Default)]
pub(crate) struct ReadyQueue {
    /// Entries in arrival order; `None` is a removed entry (only when sparse). The front is
    /// live (or the queue empty).
    slots: Slots,
    /// Absolute position of `slots[0]`; positions only grow.
    base: u64,
    /// Live bits by absolute position: bit `p % 64` of `words[p / 64 - word_base]`. The
    /// bases are fixed when the bitmap is rebuilt (`compact`); words before the front are
    /// zero and stay until then.
    words: Vec<u64>,
    /// Live entries per word (its popcount, kept so that finding a rank needs no popcount,
    /// which the baseline x86-64 target computes in a dozen instructions).
    counts: Vec<u8>,
    word_base: u64,
    /// Live entries per group of `GROUP` positions (group `p / GROUP - group_base`), as a
    /// Fenwick tree.
    groups: GroupTree,
    group_base: u64,
    live: usize,
    /// Whether the bitmap is maintained (and tombstones allowed).
    sparse: bool,
    /// The last `get` when sparse: `(index, slot)`, so that a strategy scanning indexes in
    /// order (PCT) steps to the next live slot instead of searching the bitmap each time,
    /// and removing that index needs no search (the engine's read-ahead sets it with
    /// `hint`). Reset by every removal and compaction; pushes at the back leave it true.
    cursor: Cell<Option<(usize, usize)>>,
    /// Entries pushed since the queue was last cleared: strategies that mirror the queue
    /// (PCT) read only what arrived since their last pick.
    pushed: u64,
    /// Bumped whenever positions change meaning (compaction, clearing): a position found
    /// earlier ([`ReadyQueue::position_of`]) holds while this is unchanged.
    epoch: u64,
}

/// A dense queue longer than this turns sparse.
const SPARSE_ABOVE: usize = 256;
/// A sparse queue this short turns dense again.
const DENSE_AT: usize = 64;

/// Positions per group: 8 bitmap words.
const GROUP: u64 = 8 * 64;

impl ReadyQueue {
    /// Empties the queue, keeping its capacity.
    pub(crate) fn clear(&mut self) {
        self.cursor.set(None);
        self.slots.clear();
        self.words.clear();
        self.counts.clear();
        self.groups.clear();
        (self.base, self.word_base, self.group_base) = (0, 0, 0);
        self.live = 0;
        self.sparse = false;
        self.pushed = 0;
        self.epoch += 1;
    }

    /// How many entries are ready.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Entries pushed since the queue was last cleared.
    #[inline]
    pub(crate) fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Queues `entry` behind everything ready.
    #[inline]
    pub(crate) fn push_back(&mut self, entry: Entry) {
        self.pushed += 1;
        if !self.sparse && self.live < SPARSE_ABOVE {
            self.slots.push_back(Some(entry));
            self.live += 1;
            return;
        }
        self.push_back_slow(entry);
    }

    #[inline(never)]
    fn push_back_slow(&mut self, entry: Entry) {
        if !self.sparse {
            self.slots.push_back(Some(entry));
            self.live += 1;
            self.sparse = true;
            self.compact();
            return;
        }
        let p = self.base + self.slots.len() as u64;
        self.slots.push_back(Some(entry));
        self.mark(p);
    }

    /// Sets the live bit of position `p` and counts it.
    #[inline]
    fn mark(&mut self, p: u64) {
        let w = (p / 64 - self.word_base) as usize;
        if w == self.words.len() {
            self.words.push(0);
            self.counts.push(0);
        }
        self.words[w] |= 1 << (p % 64);
        self.counts[w] += 1;
        let g = (p / GROUP - self.group_base) as usize;
        if g == self.groups.len() {
            self.groups.push_group();
        }
        self.groups.add(g);
        self.live += 1;
    }

    /// Takes the oldest entry.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<Entry> {
        if !self.sparse {
            let entry = self.slots.pop_front()?;
            self.live -= 1;
            return entry;
        }
        self.pop_front_sparse()
    }

    #[inline(never)]
    fn pop_front_sparse(&mut self) -> Option<Entry> {
        self.cursor.set(None);
        let entry = self.slots.pop_front()?.expect("the front slot is live");
        self.clear_bit(self.base);
        self.base += 1;
        self.live -= 1;
        self.trim_front();
        if self.live <= DENSE_AT {
            self.sparse = false;
            self.compact();
        }
        Some(entry)
    }

    /// Takes the entry at `index` in FIFO order (the `index`-th live entry).
    #[inline]
    pub(crate) fn remove(&mut self, index: usize) -> Option<Entry> {
        if index == 0 {
            return self.pop_front();
        }
        if index >= self.live {
            return None;
        }
        if !self.sparse {
            self.live -= 1;
            return self.slots.remove(index);
        }
        self.remove_sparse(index)
    }

    #[inline(never)]
    fn remove_sparse(&mut self, index: usize) -> Option<Entry> {
        // The slot `get` or `hint` gave for this index, when nothing was removed since.
        let i = match self.cursor.take() {
            Some((k, slot)) if k == index => {
                debug_assert_eq!(
                    slot as u64,
                    self.position(index) - self.base,
                    "a hinted position names the entry at its index"
                );
                slot
            }
            _ => (self.position(index) - self.base) as usize,
        };
        let p = self.base + i as u64;
        let entry = self.slots[i].take().expect("a live bit marks a live slot");
        self.clear_bit(p);
        self.live -= 1;
        while let Some(None) = self.slots.back() {
            self.slots.pop_back();
        }
        if self.live <= DENSE_AT {
            self.sparse = false;
            self.compact();
        } else if self.slots.len() > 2 * self.live {
            self.compact();
        }
        Some(entry)
    }

    /// The entry at `index` in FIFO order.
    pub(crate) fn get(&self, index: usize) -> Option<&Entry> {
        if index >= self.live {
            return None;
        }
        if !self.sparse {
            return self.slots[index].as_ref();
        }
        let slot = match self.cursor.get() {
            Some((i, slot)) if i == index => slot,
            Some((i, slot)) if i + 1 == index => (slot + 1..self.slots.len())
                .find(|&k| self.slots[k].is_some())
                .expect("a later live entry exists"),
            // One of the newest entries (a strategy reading what arrived since its last
            // pick): counted from the back, whose slot is live.
            _ => match self.slot_behind_last(self.live - 1 - index) {
                Some(slot) => slot,
                None => (self.position(index) - self.base) as usize,
            },
        };
        self.cursor.set(Some((index, slot)));
        self.slots[slot].as_ref()
    }

    /// The slot of the live entry `behind` entries before the last, if a short walk back
    /// over the slots finds it (sparse queues only).
    fn slot_behind_last(&self, behind: usize) -> Option<usize> {
        const WALK: usize = 16;
        let mut left = behind;
        for k in (0..self.slots.len()).rev().take(WALK) {
            if self.slots[k].is_some() {
                if left == 0 {
                    return Some(k);
                }
                left -= 1;
            }
        }
        None
    }

    /// Whether positions are maintained (the queue is long: see the module docs).
    #[inline]
    pub(crate) fn is_sparse(&self) -> bool {
        self.sparse
    }

    /// See the field.
    #[inline]
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The position of the `index`-th entry (`index < len`, sparse queues only), valid while
    /// [`ReadyQueue::epoch`] is unchanged whatever else is pushed or removed.
    pub(crate) fn position_of(&self, index: usize) -> u64 {
        debug_assert!(self.sparse && index < self.live);
        self.position(index)
    }

    /// The position of the `to`-th entry, given that the `from`-th is at position `p` (both
    /// below `len`, sparse queues only; valid as [`ReadyQueue::position_of`]): a walk over
    /// the live bits between them when they are near, else a search.
    pub(crate) fn step_position(&self, p: u64, from: usize, to: usize) -> u64 {
        debug_assert!(self.sparse && from < self.live && to < self.live);
        if from.abs_diff(to) > 4 {
            return self.position(to);
        }
        let mut p = p;
        for _ in to..from {
            p = self.live_before(p);
        }
        for _ in from..to {
            p = self.live_after(p);
        }
        p
    }

    /// The live position before `p` (one exists).
    fn live_before(&self, p: u64) -> u64 {
        let mut w = (p / 64 - self.word_base) as usize;
        let mut bits = self.words[w] & ((1u64 << (p % 64)) - 1);
        while bits == 0 {
            w -= 1;
            bits = self.words[w];
        }
        (self.word_base + w as u64) * 64 + u64::from(63 - bits.leading_zeros())
    }

    /// The live position after `p` (one exists).
    fn live_after(&self, p: u64) -> u64 {
        let mut w = (p / 64 - self.word_base) as usize;
        let mut bits = self.words[w] & (u64::MAX << (p % 64) << 1);
        while bits == 0 {
            w += 1;
            bits = self.words[w];
        }
        (self.word_base + w as u64) * 64 + u64::from(bits.trailing_zeros())
    }

    /// The entry at position `p`, if it is still queued.
    #[inline]
    pub(crate) fn at_position(&self, p: u64) -> Option<Entry> {
        let i = usize::try_from(p.checked_sub(self.base)?).ok()?;
        *self.slots.buf.get(self.slots.head + i)?
    }

    /// Prefetches the slot at position `p` ([`super::prefetch`]), if it is in the queue.
    #[inline]
    pub(crate) fn prefetch_position(&self, p: u64) {
        if let Some(slot) = p
            .checked_sub(self.base)
            .and_then(|i| self.slots.buf.get(self.slots.head + i as usize))
        {
            prefetch(slot);
        }
    }

    /// Tells the queue that the `index`-th entry is at position `p` (found with
    /// [`ReadyQueue::position_of`] in this epoch), so that removing it needs no search.
    #[inline]
    pub(crate) fn hint(&self, index: usize, p: u64) {
        if self.sparse && p >= self.base {
            self.cursor.set(Some((index, (p - self.base) as usize)));
        }
    }

    /// The entries in FIFO order.
    #[allow(dead_code)] // For strategies and reports that list entries; tested below.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.slots.iter().flatten()
    }

    /// The absolute position of the `index`-th live entry (`index < live`): the group by
    /// descending the Fenwick tree, then the word by counts, then the bit. The word is the
    /// number of the group's words whose running count stays at or below the rank, counted
    /// without a branch on the counts (a loop that stopped at the word mispredicted its exit).
    fn position(&self, index: usize) -> u64 {
        let (g, rank) = self.groups.find(index as u32);
        let first_word = ((self.group_base + g as u64) * GROUP / 64).max(self.word_base);
        let mut k = (first_word - self.word_base) as usize;
        let mut rank = rank;
        loop {
            let c = u32::from(self.counts[k]);
            if rank < c {
                return (self.word_base + k as u64) * 64 + u64::from(select(self.words[k], rank));
            }
            rank -= c;
            k += 1;
        }
    }

    #[inline]
    fn clear_bit(&mut self, p: u64) {
        let w = (p / 64 - self.word_base) as usize;
        self.words[w] &= !(1 << (p % 64));
        self.counts[w] -= 1;
        self.groups.sub((p / GROUP - self.group_base) as usize);
    }

    /// Drops tombstones at the front.
    #[inline]
    fn trim_front(&mut self) {
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
        }
    }

    /// Rewrites the live entries contiguously, in order, and rebuilds the bitmap when sparse
    /// (an empty one when dense).
    fn compact(&mut self) {
        self.cursor.set(None);
        self.epoch += 1;
        if self.slots.len() != self.live {
            self.slots.retain(Option::is_some);
        }
        self.words.clear();
        self.counts.clear();
        self.groups.clear();
        self.word_base = self.base / 64;
        self.group_base = self.base / GROUP;
        if self.sparse {
            let n = std::mem::take(&mut self.live) as u64;
            for k in 0..n {
                self.mark(self.base + k);
            }
        }
    }
}

/// Counts per group in a Fenwick (binary indexed) tree: `tree[i]` (1-based) holds the sum of
/// groups `i - lowbit(i) .. i` (0-based, end excluded), so that adding to a group, and
/// finding the group where a rank falls, take O(log groups). [`GroupTree::find`] takes each
/// step of its descent without a branch on the counts (a random rank sends each step either
/// way, and a branch there mispredicted half the time): the array is kept a power of two
/// long, so that a step past the last group reads a node in bounds, whose count it ignores.
#[derive(Default)]
struct GroupTree {
    /// `tree[0]` is unused; nodes past `groups` are room, not counts.
    tree: Vec<u32>,
    /// How many groups there are.
    groups: usize,
}

impl GroupTree {
    /// How many groups there are.
    #[inline]
    fn len(&self) -> usize {
        self.groups
    }

    fn clear(&mut self) {
        self.tree.clear();
        self.groups = 0;
    }

    /// Appends an empty group: its node sums the groups it covers before it.
    fn push_group(&mut self) {
        let i = self.groups + 1;
        if i >= self.tree.len() {
            self.tree.resize((2 * i).next_power_of_two(), 0);
        }
        self.tree[i] = self.prefix(i - 1) - self.prefix(i - (i & i.wrapping_neg()));
        self.groups = i;
    }

    /// The sum of the first `i` groups.
    fn prefix(&self, mut i: usize) -> u32 {
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i &= i - 1;
        }
        sum
    }

    /// Counts one more live entry in group `g`.
    #[inline]
    fn add(&mut self, g: usize) {
        let mut i = g + 1;
        while i <= self.groups {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// Counts one less live entry in group `g`.
    #[inline]
    fn sub(&mut self, g: usize) {
        let mut i = g + 1;
        while i <= self.groups {
            self.tree[i] -= 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The group holding the `rank`-th live entry (0-based; it exists), and the entry's
    /// rank within that group.
    #[inline]
    fn find(&self, mut rank: u32) -> (usize, u32) {
        let len = self.groups;
        let mut pos = 0;
        let mut step = 1usize << (usize::BITS - 1 - len.leading_zeros());
        while step > 0 {
            // Below `2 * step` <= the array's length.
            let next = pos + step;
            let count = if next <= len {
                self.tree[next]
            } else {
                u32::MAX
            };
            let take = count <= rank;
            pos = if take { next } else { pos };
            rank -= if take { count } else { 0 };
            step >>= 1;
        }
        (pos, rank)
    }
}

impl FromIterator<Entry> for ReadyQueue {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> ReadyQueue {
        let mut queue = ReadyQueue::default();
        for entry in entries {
            queue.push_back(entry);
        }
        queue
    }
}

/// The bit index of the `i`-th set bit of `w` (`i < w.count_ones()`), without a branch on
/// the data (Vigna's broadword select: byte counts, their prefix sums, then a table for
/// the byte).
#[inline]
fn select(w: u64, i: u32) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut s = w - ((w >> 1) & 0x5555_5555_5555_5555);
    s = (s & 0x3333_3333_3333_3333) + ((s >> 2) & 0x3333_3333_3333_3333);
    s = (s + (s >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    // Byte k of `cum`: the set bits in bytes 0..=k (at most 64, so bit 7 stays clear).
    let cum = s.wrapping_mul(ONES);
    // High bit of byte k set when cum_k <= i: that many whole bytes come before the bit.
    let before = (((u64::from(i) * ONES) | HIGH) - cum) & HIGH;
    // How many bytes have their high bit set: each contributes 1 to the top byte's sum.
    let byte = ((before >> 7).wrapping_mul(ONES) >> 56) as u32;
    let skipped = ((cum << 8) >> (8 * byte)) as u32 & 0xff;
    let b = ((w >> (8 * byte)) & 0xff) as usize;
    8 * byte + u32::from(SELECT_IN_BYTE[b][(i - skipped) as usize])
}

/// `SELECT_IN_BYTE[b][k]`: the index of the `k`-th set bit of byte `b`.
const SELECT_IN_BYTE: [[u8; 8]; 256] = {
    let mut table = [[0u8; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let (mut bit, mut k) = (0, 0);
        while bit < 8 {
            if b & (1 << bit) != 0 {
                table[b][k] = bit as u8;
                k += 1;
            }
            bit += 1;
        }
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use proptest::prelude::*;

    use super::*;
    use crate::runtime::TaskId;

    fn id(e: &Entry) -> usize {
        match e {
            Entry::Poll(t) => t.index(),
            _ => usize::MAX,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Any sequence of pushes and indexed removals gives what a VecDeque gives.
        #[test]
        fn behaves_like_a_vecdeque(ops in proptest::collection::vec((0u8..3, 0usize..3000), 0..400)) {
            let mut q = ReadyQueue::default();
            let mut model: VecDeque<usize> = VecDeque::new();
            let mut next = 0;
            for (op, x) in ops {
                if op == 0 || model.is_empty() {
                    for _ in 0..=(x % 700) {
                        q.push_back(Entry::Poll(TaskId::from_index(next)));
                        model.push_back(next);
                        next += 1;
                    }
                } else if x % 5 == 0 {
                    // A strategy's scan over every index, in order (PCT).
                    for i in 0..model.len() {
                        prop_assert_eq!(q.get(i).map(id), model.get(i).copied());
                    }
                } else if x % 5 == 1 && q.is_sparse() {
                    // The position of an index found from a near one's, as the read-ahead
                    // does when an arity changes.
                    let to = x % model.len();
                    let from = (to + x / 5 % 9).saturating_sub(4).min(model.len() - 1);
                    let p = q.position_of(from);
                    prop_assert_eq!(q.step_position(p, from, to), q.position_of(to));
                } else {
                    let i = if op == 1 { 0 } else { x % model.len() };
                    prop_assert_eq!(q.get(i).map(id), model.get(i).copied());
                    prop_assert_eq!(q.remove(i).as_ref().map(id), model.remove(i));
                }
                prop_assert_eq!(q.len(), model.len());
            }
            prop_assert!(q.iter().map(id).eq(model.iter().copied()));
        }
    }

    /// A queue of thousands, drained by scattered picks with pushes in between: the sparse
    /// mode across many groups, and the switch back to dense.
    #[test]
    fn large_queue_matches_a_vecdeque() {
        let mut q = ReadyQueue::default();
        let mut model: VecDeque<usize> = VecDeque::new();
        for t in 0..10_000 {
            q.push_back(Entry::Poll(TaskId::from_index(t)));
            model.push_back(t);
        }
        let mut x: usize = 12345;
        let mut next = 10_000;
        while !model.is_empty() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (x >> 33) % model.len();
            if x % 97 == 0 {
                assert!((0..model.len()).all(|k| q.get(k).map(id) == model.get(k).copied()));
            }
            assert_eq!(q.remove(i).as_ref().map(id), model.remove(i));
            if x % 7 == 0 && next < 14_000 {
                q.push_back(Entry::Poll(TaskId::from_index(next)));
                model.push_back(next);
                next += 1;
            }
            assert_eq!(q.len(), model.len());
        }
        assert!(q.is_empty() && !q.sparse);
    }

    proptest! {
        /// The broadword select agrees with counting bits one by one.
        #[test]
        fn select_agrees_with_a_scan(w in any::<u64>()) {
            let naive: Vec<u32> = (0..64).filter(|b| w & (1 << b) != 0).collect();
            let fast: Vec<u32> = (0..w.count_ones()).map(|i| select(w, i)).collect();
            prop_assert_eq!(fast, naive);
        }
    }

    proptest! {
        /// The Fenwick tree finds the same group and rank as a scan of plain counts, after
        /// any sequence of appends, additions and removals.
        #[test]
        fn group_tree_agrees_with_a_scan(ops in proptest::collection::vec((0u8..3, 0usize..64), 1..300)) {
            let mut tree = GroupTree::default();
            let mut counts: Vec<u32> = Vec::new();
            for (op, x) in ops {
                match op {
                    0 => {
                        tree.push_group();
                        counts.push(0);
                    }
                    _ if counts.is_empty() => {}
                    1 => {
                        let g = x % counts.len();
                        tree.add(g);
                        counts[g] += 1;
                    }
                    _ => {
                        let g = x % counts.len();
                        if counts[g] > 0 {
                            tree.sub(g);
                            counts[g] -= 1;
                        }
                    }
                }
                let total: u32 = counts.iter().sum();
                for rank in 0..total {
                    let (mut g, mut left) = (0, rank);
                    while left >= counts[g] {
                        left -= counts[g];
                        g += 1;
                    }
                    prop_assert_eq!(tree.find(rank), (g, left));
                }
            }
        }
    }

    #[test]
    fn select_finds_each_set_bit() {
        let w =
            0b1011_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0000_0100_1001u64;
        let bits: Vec<u32> = (0..w.count_ones()).map(|i| select(w, i)).collect();
        assert_eq!(bits, [0, 3, 6, 60, 61, 63]);
    }
}

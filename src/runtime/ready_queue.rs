//! The ready queue's storage: asyncio's FIFO order for the FIFO policy, and for every other
//! strategy a pool whose pick and removal cost O(1) at any size.
//!
//! The FIFO policy only ever takes the oldest entry, so its queue is a plain deque.
//!
//! Every other strategy picks an index, and what an index names is this module's choice (a
//! recorded decision is an index: replay tokens depend on it, and changing it is a token
//! version bump, `schedule/token.rs`). Up to version 2 an index was the entry's FIFO rank,
//! which took a search over a bitmap of live entries and a Fenwick tree at every pick
//! (O(log n), a few hundred instructions and misses with 100,000 ready entries). Since
//! version 3 the queue is a **pool**: the entries sit in a dense array and index `i` is array
//! slot `i`, so a pick reads its entry directly and leaves by swap-removal (the last entry
//! moves into its slot). One rule keeps index 0 asyncio's FIFO choice, which the shrinker,
//! guided schedules and [`crate::schedule::Decision`]'s deviations count on: **slot 0 always
//! holds the oldest entry**. When it leaves, the next oldest is moved into slot 0 (and the
//! last entry into that one's slot). An arrival list in push order finds the next oldest (a
//! small pool reads its slots' places in that list instead): each entry's place in it is
//! kept in its slot, a removed entry is marked dead there, and the list is compacted when
//! its dead places are twice the live ones plus [`COMPACT_SLACK`], so memory stays O(live).
//! The list also answers where the entry pushed as number `p` is now
//! ([`ReadyQueue::index_of_push`]), which PCT, choosing by priority, asks for its pick.
//!
//! So for any run the pool holds its entries in an order that depends only on the pushes and
//! picks before (deterministic), index 0 is the oldest, and always picking index 0 is FIFO.

use std::collections::VecDeque;

use super::Entry;
use super::prefetch::prefetch;

/// One pool slot: the entry and its place in the arrival list (16 bytes, aligned so that a
/// slot never straddles two cache lines).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(16))]
struct Slot {
    entry: Entry,
    arrival: u32,
}

/// One place of the arrival list: the push number of an entry and its slot, or [`DEAD`].
#[derive(Clone, Copy, Debug)]
struct Arrival {
    push: u64,
    slot: u32,
}

/// The slot of an arrival whose entry left.
const DEAD: u32 = u32::MAX;

/// The largest pool whose next oldest entry is found by reading its slots rather than by
/// walking the arrival list ([`ReadyQueue::oldest_to_front`]).
const SCAN_SLOTS_UP_TO: usize = 32;

/// Dead arrival places tolerated beyond twice the live entries before a compaction. A
/// compaction reads every place after `head`, live ones too, so its cost per dead place is
/// about `1 + live / dead` scans: with a slack of 32 a queue of a hundred entries (W3's)
/// compacted every ~230 removals. With 1,024 (16 KiB of places, within the L1 cache) a
/// queue that empties within a thousand removals never compacts: its list is dropped
/// whole when it empties. Large queues are bounded by the factor 2 as before. The unit
/// tests use a small slack, so that their short sequences compact often.
#[cfg(not(test))]
const COMPACT_SLACK: usize = 1024;
#[cfg(test)]
const COMPACT_SLACK: usize = 32;

#[derive(Default)]
pub(crate) struct ReadyQueue {
    /// Whether this is the FIFO policy's deque (else the pool).
    fifo: bool,
    /// The FIFO policy's entries, oldest first.
    deque: VecDeque<Entry>,
    /// The pool's entries; slot 0 holds the oldest.
    slots: Vec<Slot>,
    /// The pool's entries in push order from `head` (at or before the oldest live one: a
    /// small pool finds its oldest without moving `head`), the dead among them marked.
    arrivals: Vec<Arrival>,
    head: usize,
    /// Dead places in `arrivals[head..]`.
    dead: usize,
    /// Entries pushed since the queue was last cleared: strategies that mirror the queue
    /// (PCT) read only what arrived since their last pick.
    pushed: u64,
}

impl ReadyQueue {
    /// Empties the queue, keeping its capacity, and sets its kind: the FIFO policy's deque,
    /// or the pool of every other strategy (see the module docs).
    pub(crate) fn reset(&mut self, fifo: bool) {
        self.clear();
        self.fifo = fifo;
    }

    /// Empties the queue, keeping its capacity and kind.
    pub(crate) fn clear(&mut self) {
        self.deque.clear();
        self.slots.clear();
        self.arrivals.clear();
        self.head = 0;
        self.dead = 0;
        self.pushed = 0;
    }

    /// How many entries are ready.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        if self.fifo {
            self.deque.len()
        } else {
            self.slots.len()
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries pushed since the queue was last cleared.
    #[inline]
    pub(crate) fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Queues `entry` behind everything ready: the last index of the pool.
    ///
    /// Always inlined: a yield's push is most of its cost, and with a few more callers
    /// `#[inline]` left it out of line, a call and the entry's moves more at every yield
    /// (W3 +2.5% instructions, round 21; likely round 20's unexplained +2.3% too).
    #[inline(always)]
    pub(crate) fn push_back(&mut self, entry: Entry) {
        let push = self.pushed;
        self.pushed += 1;
        if self.fifo {
            self.deque.push_back(entry);
            return;
        }
        let arrival = u32::try_from(self.arrivals.len()).expect("fewer than 2^32 ready entries");
        self.arrivals.push(Arrival {
            push,
            slot: self.slots.len() as u32,
        });
        self.slots.push(Slot { entry, arrival });
    }

    /// Takes the oldest entry.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<Entry> {
        if self.fifo {
            return self.deque.pop_front();
        }
        self.remove(0)
    }

    /// Takes the entry at `index`: in the pool the last entry moves into its slot, and when
    /// `index` is 0 the next oldest entry moves into slot 0 first.
    #[inline]
    pub(crate) fn remove(&mut self, index: usize) -> Option<Entry> {
        if self.fifo {
            return self.deque.remove(index);
        }
        self.take(index)
    }

    /// How many entries the pool holds: [`ReadyQueue::len`] for a caller that knows this is
    /// the pool (the engine, which tests the policy once a step).
    #[inline]
    pub(crate) fn pool_len(&self) -> usize {
        debug_assert!(!self.fifo, "the pool's question");
        self.slots.len()
    }

    /// [`ReadyQueue::remove`] from the pool, for a caller that knows this is the pool.
    #[inline]
    pub(crate) fn take(&mut self, index: usize) -> Option<Entry> {
        debug_assert!(!self.fifo, "the pool's removal");
        let len = self.slots.len();
        if index >= len {
            return None;
        }
        // The moved entry's arrival place is read before the swap-removal stores it into
        // the hole, not loaded back through that store: a 16-byte store and a 4-byte reload
        // at every pick, on its dependent chain.
        let moved_arrival = self.slots[len - 1].arrival;
        let gone = self.slots.swap_remove(index);
        self.arrivals[gone.arrival as usize].slot = DEAD;
        self.dead += 1;
        if index < len - 1 {
            self.arrivals[moved_arrival as usize].slot = index as u32;
        }
        if index == 0 {
            if self.slots.is_empty() {
                // The only entry left (what the engine takes without asking a strategy).
                self.arrivals.clear();
                self.head = 0;
                self.dead = 0;
                return Some(gone.entry);
            }
            self.oldest_to_front();
        }
        if self.head + self.dead > 2 * self.slots.len() + COMPACT_SLACK {
            self.compact();
        }
        Some(gone.entry)
    }

    /// After the oldest entry left (others are left): moves the next oldest into slot 0.
    ///
    /// In a pool of up to [`SCAN_SLOTS_UP_TO`] entries the oldest is the slot with the
    /// earliest arrival place (places are in push order), found by reading the slots: in a
    /// small pool that a random pick empties from anywhere, index 0 leaves every few picks
    /// and the dead places before the next oldest are about as many as the removals since,
    /// which the arrival list's walk reads one by one (W4 paid 3.7% of its instructions
    /// there, 1.8% reading the slots). Those places stay until the list is dropped (the
    /// pool empties) or compacted.
    /// A larger pool walks the list, which costs O(1) a removal however the picks go.
    #[inline(never)]
    fn oldest_to_front(&mut self) {
        let s = if self.slots.len() <= SCAN_SLOTS_UP_TO {
            let mut oldest = 0;
            let mut first = self.slots[0].arrival;
            for (k, slot) in self.slots.iter().enumerate().skip(1) {
                if slot.arrival < first {
                    first = slot.arrival;
                    oldest = k;
                }
            }
            oldest
        } else {
            while self.arrivals[self.head].slot == DEAD {
                self.head += 1;
                self.dead -= 1;
            }
            self.arrivals[self.head].slot as usize
        };
        if s != 0 {
            self.slots.swap(0, s);
            self.arrivals[self.slots[0].arrival as usize].slot = 0;
            self.arrivals[self.slots[s].arrival as usize].slot = s as u32;
        }
    }

    /// Drops the dead places of the arrival list (and the prefix before `head`), telling each
    /// live slot its new place.
    #[cold]
    fn compact(&mut self) {
        let mut kept = 0;
        for k in self.head..self.arrivals.len() {
            let a = self.arrivals[k];
            if a.slot != DEAD {
                self.arrivals[kept] = a;
                self.slots[a.slot as usize].arrival = kept as u32;
                kept += 1;
            }
        }
        self.arrivals.truncate(kept);
        self.head = 0;
        self.dead = 0;
    }

    /// The entry at `index`.
    #[inline]
    pub(crate) fn get(&self, index: usize) -> Option<&Entry> {
        if self.fifo {
            self.deque.get(index)
        } else {
            self.slots.get(index).map(|s| &s.entry)
        }
    }

    /// The index of the entry pushed as number `push` (counted by [`ReadyQueue::pushed`]),
    /// if it is still queued (pool only): `hint` when the entry is there (most entries stay
    /// where they arrived), else a search of the arrival list, which the newest entry (a
    /// yielding task's, PCT's usual pick) skips.
    pub(crate) fn index_of_push(&self, push: u64, hint: usize) -> Option<usize> {
        debug_assert!(!self.fifo, "the pool's question");
        if let Some(slot) = self.slots.get(hint)
            && self.arrivals[slot.arrival as usize].push == push
        {
            return Some(hint);
        }
        let live = &self.arrivals[self.head..];
        let k = match live.last() {
            Some(a) if a.push == push => live.len() - 1,
            _ => live.binary_search_by_key(&push, |a| a.push).ok()?,
        };
        let slot = live[k].slot;
        (slot != DEAD).then_some(slot as usize)
    }

    /// Prefetches the pool slot at `index` ([`super::prefetch`]), if there is one.
    #[inline]
    pub(crate) fn prefetch_index(&self, index: usize) {
        if let Some(slot) = self.slots.get(index) {
            prefetch(slot);
        }
    }

    /// Prefetches the arrival-list place of the pool entry at `index` (written when it
    /// leaves), if there is one.
    #[inline]
    pub(crate) fn prefetch_arrival(&self, index: usize) {
        if let Some(a) = self
            .slots
            .get(index)
            .and_then(|s| self.arrivals.get(s.arrival as usize))
        {
            prefetch(a);
        }
    }

    /// The entries, to rewrite in place (their number and places stay): in FIFO order for
    /// the FIFO policy, in index order in the pool (push order too, while nothing left
    /// since the queue was empty).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entry> + '_ {
        let (deque, slots) = if self.fifo {
            (Some(self.deque.iter_mut()), None)
        } else {
            (None, Some(self.slots.iter_mut().map(|s| &mut s.entry)))
        };
        deque
            .into_iter()
            .flatten()
            .chain(slots.into_iter().flatten())
    }

    /// The entries: in FIFO order for the FIFO policy, in index order in the pool.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        let (deque, slots) = if self.fifo {
            (Some(self.deque.iter()), None)
        } else {
            (None, Some(self.slots.iter().map(|s| &s.entry)))
        };
        deque
            .into_iter()
            .flatten()
            .chain(slots.into_iter().flatten())
    }
}

impl FromIterator<Entry> for ReadyQueue {
    /// A pool holding `entries`, pushed in order.
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> ReadyQueue {
        let mut queue = ReadyQueue::default();
        for entry in entries {
            queue.push_back(entry);
        }
        queue
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use proptest::prelude::*;

    use super::*;
    use crate::runtime::TaskId;

    fn poll(i: usize) -> Entry {
        Entry::Poll(TaskId::from_index(i))
    }

    /// The pool's rule written plainly: entries with their push numbers in a `Vec`; a
    /// removal swaps the last entry into the hole, and removing index 0 then swaps the
    /// oldest left into slot 0.
    #[derive(Default)]
    struct Model {
        entries: Vec<(u64, Entry)>,
        pushed: u64,
    }

    impl Model {
        fn push(&mut self, e: Entry) {
            self.entries.push((self.pushed, e));
            self.pushed += 1;
        }

        fn remove(&mut self, i: usize) -> Option<Entry> {
            if i >= self.entries.len() {
                return None;
            }
            let (_, e) = self.entries.swap_remove(i);
            if i == 0 && !self.entries.is_empty() {
                let oldest = (0..self.entries.len())
                    .min_by_key(|&k| self.entries[k].0)
                    .expect("not empty");
                self.entries.swap(0, oldest);
            }
            Some(e)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Any sequence of pushes and removals gives what the plain rule gives; index 0 is
        /// always the oldest entry, and every queued push number is found where it is.
        #[test]
        fn the_pool_follows_its_rule(ops in proptest::collection::vec((0u8..4, 0usize..3000), 0..400)) {
            let mut q = ReadyQueue::default();
            let mut model = Model::default();
            let mut next = 0;
            for (op, x) in ops {
                if op == 0 || model.entries.is_empty() {
                    for _ in 0..=(x % 90) {
                        q.push_back(poll(next));
                        model.push(poll(next));
                        next += 1;
                    }
                } else {
                    let i = if op == 1 { 0 } else { x % model.entries.len() };
                    prop_assert_eq!(q.get(i), model.entries.get(i).map(|(_, e)| e));
                    prop_assert_eq!(q.remove(i), model.remove(i));
                }
                prop_assert_eq!(q.len(), model.entries.len());
                prop_assert!(q.iter().eq(model.entries.iter().map(|(_, e)| e)));
                if let Some(&(oldest, _)) = model.entries.first() {
                    prop_assert_eq!(Some(oldest), model.entries.iter().map(|(p, _)| *p).min());
                }
                for (k, &(p, _)) in model.entries.iter().enumerate() {
                    prop_assert_eq!(q.index_of_push(p, x % (k + 2)), Some(k));
                }
                prop_assert!(q.arrivals.len() <= 3 * q.len() + COMPACT_SLACK + 1);
            }
        }
    }

    /// Always taking index 0 is FIFO order, however the pool was shuffled before.
    #[test]
    fn taking_index_zero_is_fifo() {
        let mut q = ReadyQueue::default();
        let mut fifo = VecDeque::new();
        for t in 0..1000 {
            q.push_back(poll(t));
            fifo.push_back(poll(t));
        }
        let mut x: usize = 12345;
        for _ in 0..300 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (x >> 33) % q.len();
            let e = q.remove(i).unwrap();
            let k = fifo.iter().position(|f| *f == e).unwrap();
            fifo.remove(k);
        }
        while let Some(e) = q.pop_front() {
            assert_eq!(Some(e), fifo.pop_front());
        }
        assert!(fifo.is_empty() && q.arrivals.is_empty());
    }

    /// The FIFO policy's deque keeps asyncio's order, and its indexes are FIFO ranks.
    #[test]
    fn the_fifo_deque_keeps_order() {
        let mut q = ReadyQueue::default();
        q.reset(true);
        for t in 0..5 {
            q.push_back(poll(t));
        }
        assert_eq!(q.remove(2), Some(poll(2)));
        assert_eq!(q.pop_front(), Some(poll(0)));
        assert!(q.iter().eq([poll(1), poll(3), poll(4)].iter()));
    }
}

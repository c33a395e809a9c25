//! Where each task of a run is, by id: its slot while it has one, its end state after.
//!
//! Ids are handed out in spawn order and never reused within a run, so the table has an
//! entry for every task the run ever spawned. A flat `Vec<u32>` made that 4 bytes per task
//! spawned, kept until the run's end (W3's 100,000 spawns held 512 kB of table for 100
//! live tasks at a time). The table is cut into chunks of [`CHUNK`] ids instead. A chunk
//! owns its array of entries while one of its tasks holds a slot; once every task of a full
//! chunk has released its slot with the same end state (the common case: all returned and
//! joined), the chunk shares one array of that state with every such chunk, and its own
//! array is reused. A run then holds 4 bytes per id only in chunks with a live task (or of
//! mixed end states), and 10 bytes per 256 ids elsewhere: W3's table is 4 kB.
//!
//! A lookup is the chunk's pointer (the chunks of 100,000 ids take 3 kB, which stays in
//! cache), then the entry, with no branch on the chunk's kind: one read more than the flat
//! table, of a line nearly always cached.
//!
//! The hot path does not come here: an id the runtime made names its task's slot
//! ([`super::TaskId`]), and the slot says whether it still holds that task. The table
//! answers for the rest: a task whose slot was released (its end state), and an id read
//! back from a trace, which names no slot.

use std::rc::Rc;

use super::prefetch::prefetch;

/// An entry whose task's slot was released; its low byte keeps the task's end state and
/// `DETACHED` bit (what `Core::completion` and the panic report read).
pub(super) const FREED: u32 = 1 << 31;

/// A live entry's slot index (slots take 29 bits).
pub(super) const SLOT_MASK: u32 = (1 << 29) - 1;

/// Ids per chunk.
const CHUNK: usize = 256;

/// One chunk's entries (only owned chunks are written: a shared chunk holds released
/// entries, which are never written again).
type Entries = [u32; CHUNK];

/// A chunk of entries all `value`.
fn entries(value: u32) -> Rc<Entries> {
    Rc::new([value; CHUNK])
}

/// Entry arrays of compacted chunks kept for the next chunks opened (a run of W5's size
/// opens one).
const SPARE_ARRAYS: usize = 4;

/// The state bytes a released entry keeps (`END_MASK | DETACHED` fit in four bits).
const STATES: usize = 16;

/// Task id index -> slot index, or `FREED` and the task's end state.
#[derive(Default)]
pub(super) struct IdTable {
    /// The chunks' entries. A chunk with a task holding a slot (or an id not handed out
    /// yet) owns its array; a chunk whose tasks all released their slots with the same end
    /// state shares that state's array in `uniform` (so that a lookup is two reads whatever
    /// the chunk, with no branch on its kind).
    chunks: Vec<Rc<Entries>>,
    /// Entries of each owned chunk not `FREED` yet, counting ids not handed out: the chunk
    /// compacts when this reaches 0.
    open: Vec<u16>,
    /// Ids handed out.
    len: usize,
    /// The shared arrays of uniform chunks, by state byte.
    uniform: [Option<Rc<Entries>>; STATES],
    /// Arrays of compacted chunks, reused by the next chunks opened.
    spare: Vec<Rc<Entries>>,
}

impl IdTable {
    /// How many ids were handed out.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The entry of id index `i`, which was handed out: its slot's index, or `FREED | state`.
    #[inline]
    pub(super) fn get(&self, i: usize) -> u32 {
        debug_assert!(i < self.len);
        self.chunks[i / CHUNK][i % CHUNK]
    }

    /// [`IdTable::get`] for an index that may not have been handed out.
    #[inline]
    pub(super) fn try_get(&self, i: usize) -> Option<u32> {
        (i < self.len).then(|| self.get(i))
    }

    /// Prefetches the entry of id index `i` ([`super::prefetch`]), if it was handed out.
    #[inline]
    pub(super) fn prefetch(&self, i: usize) {
        if i < self.len {
            prefetch(&self.chunks[i / CHUNK][i % CHUNK]);
        }
    }

    /// Hands out the next id index, whose task lives in slot `slot`; returns the index.
    #[inline]
    pub(super) fn push(&mut self, slot: u32) -> usize {
        debug_assert!(slot <= SLOT_MASK);
        let i = self.len;
        if i % CHUNK == 0 {
            self.open_chunk();
        }
        self.owned(i / CHUNK)[i % CHUNK] = slot;
        self.len += 1;
        i
    }

    #[cold]
    fn open_chunk(&mut self) {
        let entries = self.spare.pop().unwrap_or_else(|| entries(FREED));
        self.chunks.push(entries);
        self.open.push(CHUNK as u16);
    }

    /// The entries of chunk `c`, which owns them (it has a task with a slot, or room).
    #[inline]
    fn owned(&mut self, c: usize) -> &mut Entries {
        Rc::get_mut(&mut self.chunks[c])
            .expect("a chunk with a task holding a slot owns its entries")
    }

    /// Marks id index `i`'s slot released, keeping `state` (end state and `DETACHED` bits).
    /// **The entry must hold a slot**: an entry is freed once.
    #[inline]
    pub(super) fn free(&mut self, i: usize, state: u8) {
        debug_assert!(usize::from(state) < STATES);
        let entry = &mut self.owned(i / CHUNK)[i % CHUNK];
        debug_assert!(*entry & FREED == 0);
        *entry = FREED | u32::from(state);
        let open = &mut self.open[i / CHUNK];
        *open -= 1;
        if *open == 0 {
            self.compact(i / CHUNK);
        }
    }

    /// Shares the array of chunk `c`, whose tasks all released their slots, with the
    /// chunks of the same end state, when they all ended alike (a chunk of mixed end states
    /// keeps its own).
    #[cold]
    fn compact(&mut self, c: usize) {
        let first = self.chunks[c][0];
        if self.chunks[c].iter().any(|&e| e != first) {
            return;
        }
        let shared = self.uniform[first as u8 as usize]
            .get_or_insert_with(|| entries(first))
            .clone();
        let own = std::mem::replace(&mut self.chunks[c], shared);
        if self.spare.len() < SPARE_ARRAYS {
            self.spare.push(own);
        }
    }

    /// Forgets every id (for the next run), keeping a few entry arrays.
    pub(super) fn clear(&mut self) {
        for chunk in self.chunks.drain(..) {
            if self.spare.len() < SPARE_ARRAYS && Rc::strong_count(&chunk) == 1 {
                self.spare.push(chunk);
            }
        }
        self.open.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_before_and_after_their_chunk_compacts() {
        let mut t = IdTable::default();
        // Four chunks: the first keeps one live task, the second and fourth end alike, the
        // third ends in two ways.
        for i in 0..4 * CHUNK as u32 {
            assert_eq!(t.push(i % 7), i as usize);
        }
        for i in 1..CHUNK {
            t.free(i, 1);
        }
        for i in (CHUNK..2 * CHUNK).chain(3 * CHUNK..4 * CHUNK) {
            t.free(i, 1 | 8);
        }
        for i in 2 * CHUNK..3 * CHUNK {
            t.free(i, if i % 2 == 0 { 1 } else { 3 });
        }
        assert_eq!(t.open, [1, 0, 0, 0]);
        // The uniform chunks share one array; the mixed one keeps its own.
        assert!(Rc::ptr_eq(&t.chunks[1], &t.chunks[3]));
        assert_eq!(Rc::strong_count(&t.chunks[2]), 1);
        assert_eq!(t.get(0), 0);
        assert_eq!(t.get(5), FREED | 1);
        assert_eq!(t.get(CHUNK + 3), FREED | 9);
        assert_eq!(t.get(2 * CHUNK + 2), FREED | 1);
        assert_eq!(t.get(2 * CHUNK + 3), FREED | 3);
        assert_eq!(t.get(4 * CHUNK - 1), FREED | 9);
        assert_eq!(t.try_get(4 * CHUNK), None);
        // A partly filled last chunk stays open even when all its tasks released.
        t.push(4);
        t.free(4 * CHUNK, 1);
        assert_eq!(t.open[4], CHUNK as u16 - 1);
        assert_eq!(t.get(4 * CHUNK), FREED | 1);
        // A live entry names its slot until it is freed.
        let i = t.push(5);
        assert_eq!(t.get(i), 5);
        t.free(i, 1);
        assert_eq!(t.get(i), FREED | 1);
        // The next run starts from nothing, reusing an array.
        t.clear();
        assert_eq!(t.len(), 0);
        assert_eq!(t.push(2), 0);
        assert_eq!(t.get(0), 2);
    }
}

//! The cancelled own sleeps still queued: a sparse bitmap by sequence number.
//!
//! An own sleep (`sleeps.rs`) has no slab entry whose generation could say it was
//! cancelled, so its cancellation is a mark on its sequence number, asked when its queued
//! deadline surfaces (or its bucket is spread) and forgotten then. Sequence numbers are
//! the run's own and dense (one per own sleep armed), so the marks are bits in chunks of
//! [`CHUNK`] numbers, a chunk allocated when the first mark lands in it and freed once
//! its last mark is forgotten: marking, asking and forgetting are a few instructions
//! and no hashing (the hash set it replaces cost W6, where half the sleeps are dropped by
//! their expired timeout, 1.5% of its instructions: the insert, and a probe per entry of
//! a spread bucket). Memory: a pointer per [`CHUNK`] sleeps armed in the run, and a chunk (520
//! bytes) per range of numbers that holds marks.
//!
//! Only asked whether it holds a number, never iterated in an order that reaches a run.

/// Sequence numbers per chunk (its bits: 64 words of 64).
const CHUNK: usize = 4096;
const WORDS: usize = CHUNK / 64;

struct Chunk {
    words: [u64; WORDS],
    /// How many bits are set.
    marked: u32,
}

#[derive(Default)]
pub(super) struct SeqMarks {
    /// By `seq / CHUNK`; `None` where no number is marked.
    chunks: Vec<Option<Box<Chunk>>>,
    len: usize,
}

impl SeqMarks {
    /// How many numbers are marked.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Marks `seq`; `false` if it was marked already.
    #[inline]
    pub(super) fn insert(&mut self, seq: u32) -> bool {
        let (c, w, bit) = place(seq);
        if self.chunks.len() <= c {
            self.chunks.resize_with(c + 1, || None);
        }
        let chunk = match &mut self.chunks[c] {
            Some(chunk) => chunk,
            slot => slot.insert(Box::new(Chunk {
                words: [0; WORDS],
                marked: 0,
            })),
        };
        if chunk.words[w] & bit != 0 {
            return false;
        }
        chunk.words[w] |= bit;
        chunk.marked += 1;
        self.len += 1;
        true
    }

    /// Whether `seq` is marked.
    #[inline]
    pub(super) fn contains(&self, seq: u32) -> bool {
        let (c, w, bit) = place(seq);
        matches!(self.chunks.get(c), Some(Some(chunk)) if chunk.words[w] & bit != 0)
    }

    /// Forgets the mark of `seq`, if it has one.
    #[inline]
    pub(super) fn remove(&mut self, seq: u32) {
        let (c, w, bit) = place(seq);
        let Some(Some(chunk)) = self.chunks.get_mut(c) else {
            return;
        };
        if chunk.words[w] & bit == 0 {
            return;
        }
        chunk.words[w] &= !bit;
        chunk.marked -= 1;
        self.len -= 1;
        if chunk.marked == 0 {
            self.chunks[c] = None;
        }
    }

    /// Forgets every mark, keeping the outer vector's capacity.
    pub(super) fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }
}

/// A number's chunk, word and bit.
#[inline]
fn place(seq: u32) -> (usize, usize, u64) {
    let seq = seq as usize;
    (seq / CHUNK, seq % CHUNK / 64, 1 << (seq % 64))
}

#[cfg(test)]
mod tests {
    use super::SeqMarks;

    /// Marks across chunks are kept apart, counted once, and forgotten one by one; a chunk
    /// emptied and marked again starts clear.
    #[test]
    fn marks_are_kept_counted_and_forgotten() {
        let mut m = SeqMarks::default();
        assert!(m.is_empty() && !m.contains(5));
        for seq in [5, 4095, 4096, 70_000, 1 << 24] {
            assert!(m.insert(seq));
        }
        assert!(!m.insert(4096), "marked twice");
        assert_eq!(m.len(), 5);
        assert!(m.contains(4095) && m.contains(70_000) && !m.contains(4094) && !m.contains(6));
        m.remove(4095);
        m.remove(4095);
        m.remove(123_456_789);
        assert_eq!(m.len(), 4);
        assert!(!m.contains(4095) && m.contains(5));
        m.remove(5);
        // Chunk 0 was freed; marking in it again finds no stale bit.
        assert!(m.insert(7));
        assert!(!m.contains(5) && m.contains(7));
        m.clear();
        assert!(m.is_empty() && !m.contains(7) && !m.contains(70_000));
        assert!(m.insert(70_000) && m.len() == 1);
    }
}

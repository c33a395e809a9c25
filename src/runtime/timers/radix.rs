//! The radix heap of deadlines.
//!
//! Deadlines only move forward with the clock, which suits a radix heap (Ahuja, Mehlhorn,
//! Orlin and Tarjan, 1990), here with hexadecimal digits: a deadline's bucket is named by
//! the highest digit in which it differs from the last deadline taken out (`last`) and the
//! value of that digit, bucket 0 holding those equal to `last`. Buckets in index order hold
//! ever later deadlines. Arming is a push onto a bucket; when bucket 0 runs dry, the first
//! non-empty bucket is spread over lower ones around its minimum, so each entry moves down
//! at most 16 times in its life (one-bit buckets moved a millisecond-spaced deadline about
//! ten times) and no step compares keys in a data-dependent branch chain (a binary heap's
//! sift-down mispredicted at every level and took a third of W1's time). Six-bit digits
//! (705 buckets) were tried in round 13: 1.3% fewer instructions in W1 and 1.7% with a
//! hundred thousand sleeping tasks, but 2.5% more with a thousand (the first bucket is
//! found by a longer scan of the set), and more CPU time in W1, W2, W5 and both series
//! points (BENCHMARKS.md, round 13).
//!
//! Equal deadlines always sit in the same bucket (their bucket depends only on the deadline
//! and `last`), in push order, and spreading a bucket keeps that order, so ties leave in
//! arming order without a sequence number.

use super::{Fired, Queued, Timers};

/// Bits per digit: deadlines are compared with `last` one hexadecimal digit at a time.
pub(super) const DIGIT: u32 = 4;
/// Digits in a deadline.
pub(super) const LEVELS: usize = (u64::BITS / DIGIT) as usize;
/// Buckets: 0 for deadlines equal to `last`, then one per (highest differing digit, its
/// value in the deadline).
pub(super) const BUCKETS: usize = 1 + (LEVELS << DIGIT);

/// A spread bucket keeps its buffer up to this many entries.
pub(super) const KEEP_BUCKET: usize = 1024;

/// The bucket of `deadline` relative to `last` (`deadline >= last`). Buckets are in
/// deadline order: a lower level means a closer deadline, and within a level the digit
/// orders them.
#[inline]
pub(super) fn bucket(deadline: u64, last: u64) -> usize {
    let x = deadline ^ last;
    if x == 0 {
        return 0;
    }
    let level = (u64::BITS - 1 - x.leading_zeros()) / DIGIT;
    let digit = (deadline >> (level * DIGIT)) & ((1 << DIGIT) - 1);
    1 + ((level as usize) << DIGIT) + digit as usize
}

/// A set of buckets `1..BUCKETS`, as a bitmap.
#[derive(Clone, Copy, Default)]
pub(super) struct BucketSet([u64; 4]);

impl BucketSet {
    #[inline]
    pub(super) fn insert(&mut self, b: usize) {
        self.0[(b - 1) / 64] |= 1 << ((b - 1) % 64);
    }

    #[inline]
    pub(super) fn remove(&mut self, b: usize) {
        self.0[(b - 1) / 64] &= !(1 << ((b - 1) % 64));
    }

    #[inline]
    pub(super) fn contains(&self, b: usize) -> bool {
        self.0[(b - 1) / 64] & (1 << ((b - 1) % 64)) != 0
    }

    /// The first bucket of the set (the one with the earliest deadlines).
    #[inline]
    pub(super) fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(k, w)| 64 * k + w.trailing_zeros() as usize + 1)
    }

    /// The buckets of the set, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    64 * k + b + 1
                })
            })
        })
    }
}

impl Timers {
    /// Files `q` in its bucket relative to `last`.
    #[inline]
    pub(super) fn file(&mut self, q: Queued, last: u64) {
        let b = bucket(q.deadline, last);
        if b > 0 {
            self.nonempty.insert(b);
        }
        self.bucket_min[b] = self.bucket_min[b].min(q.deadline);
        self.buckets[b].push(q);
    }

    /// The earliest live deadline or a lower bound of it: `last` if bucket 0 holds a live
    /// entry, else the minimum of the first non-empty bucket. A bucket whose minimum was
    /// cancelled keeps it as a lower bound, which is enough to decide that nothing is due or
    /// to spread the bucket around.
    pub(super) fn earliest_bound(&mut self) -> Option<u64> {
        while self.taken < self.buckets[0].len() {
            let q = self.buckets[0][self.taken];
            if self.live(&q) {
                return Some(q.deadline);
            }
            self.forget_stale(&q);
            self.drop_front();
        }
        self.nonempty.first().map(|b| self.bucket_min[b])
    }

    /// Takes the front entry of bucket 0, which is stale.
    pub(super) fn drop_front(&mut self) {
        self.taken += 1;
        self.stale -= 1;
        self.queued -= 1;
        self.consumed_front();
    }

    /// Empties bucket 0 once its every entry was taken.
    #[inline]
    pub(super) fn consumed_front(&mut self) {
        if self.taken == self.buckets[0].len() {
            self.buckets[0].clear();
            self.taken = 0;
            self.bucket_min[0] = u64::MAX;
        }
    }

    #[inline]
    pub(super) fn pop_due_slow(&mut self, now: u64) -> Option<Fired> {
        loop {
            if self.taken == self.buckets[0].len() {
                // Bucket 0 is empty: spread the first non-empty bucket around its minimum
                // (or a lower bound of it), if that is due.
                let min = self.earliest_bound()?;
                if min > now {
                    return None;
                }
                self.spread(min);
            }
            let q = self.buckets[0][self.taken];
            if q.deadline > now {
                return None;
            }
            self.taken += 1;
            self.queued -= 1;
            self.consumed_front();
            if !self.live(&q) {
                self.stale -= 1;
                self.forget_stale(&q);
                continue;
            }
            return Some(self.take_fired(&q));
        }
    }

    /// Makes `min` (the earliest live deadline of the first non-empty bucket, or a lower
    /// bound of it from that bucket, and at most the clock) the new `last`, moving the
    /// bucket's live entries to lower buckets in order. A lower bound is a valid `last`: it
    /// shares the bucket's prefix, so every entry still moves down.
    pub(super) fn spread(&mut self, min: u64) {
        debug_assert!(self.buckets[0].is_empty());
        let b = self.nonempty.first().expect("a live deadline is queued");
        self.last = min;
        self.nonempty.remove(b);
        self.bucket_min[b] = u64::MAX;
        self.min_stale.remove(b);
        let mut entries = std::mem::take(&mut self.buckets[b]);
        if !self.has_stale.contains(b) {
            // Nothing in it was cancelled: every entry is live, and the slab need not be read
            // (a cache miss per entry).
            for q in entries.drain(..) {
                self.file(q, min);
            }
        } else {
            for q in entries.drain(..) {
                if self.live(&q) {
                    self.file(q, min);
                } else {
                    self.stale -= 1;
                    self.queued -= 1;
                    self.forget_stale(&q);
                }
            }
            self.has_stale.remove(b);
        }
        // A bucket that held many deadlines at once (the far ones, early in a run) gives its
        // memory back: keeping every bucket's largest size would keep several times the
        // timers armed.
        if entries.capacity() <= KEEP_BUCKET {
            self.buckets[b] = entries;
        }
    }

    /// Drops every stale entry: in bucket 0 and in the buckets that may hold one
    /// (`has_stale`); the others hold live entries only and are left alone (a purge once
    /// swept every bucket).
    pub(super) fn purge(&mut self) {
        let mut zero = std::mem::take(&mut self.buckets[0]);
        // Taken entries left the count of queued ones when they were taken.
        zero.drain(..self.taken);
        self.taken = 0;
        let mut dropped = self.retain_live(&mut zero, 0);
        self.buckets[0] = zero;
        let has_stale = self.has_stale;
        for b in has_stale.iter() {
            let mut entries = std::mem::take(&mut self.buckets[b]);
            dropped += self.retain_live(&mut entries, b);
            if entries.is_empty() {
                self.nonempty.remove(b);
            }
            self.buckets[b] = entries;
        }
        self.min_stale = BucketSet::default();
        self.has_stale = BucketSet::default();
        self.queued -= dropped;
        self.stale = 0;
        // Every cancelled own sleep was in the heap (`few` holds none), and is gone.
        self.cancelled.clear();
    }

    /// Keeps the live entries of bucket `b` (taken out as `entries`) and sets its minimum
    /// exactly; returns how many were dropped.
    fn retain_live(&mut self, entries: &mut Vec<Queued>, b: usize) -> usize {
        let before = entries.len();
        entries.retain(|q| self.live(q));
        self.bucket_min[b] = entries.iter().map(|q| q.deadline).min().unwrap_or(u64::MAX);
        before - entries.len()
    }
}

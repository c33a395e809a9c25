//! The decision log: every scheduling decision of a run, two small varints each.

use std::fmt;

use super::{Decision, mix};
use crate::varint;

/// The decisions of a run, in order, stored compactly: each `(index, arity)` pair as two
/// LEB128 varints, usually one byte each (the encoding of a replay token's payload). A run
/// with a million decisions keeps about 2 MB of log instead of 8.
///
/// # Examples
///
/// ```
/// use simloop::{Policy, Sim, spawn};
///
/// let out = Sim::new().policy(Policy::Random).seed(1).run(async {
///     let a = spawn(async {});
///     let b = spawn(async {});
///     a.await.unwrap();
///     b.await.unwrap();
/// });
/// let log = out.token.decisions();
/// assert_eq!(log.len(), log.iter().count());
/// assert!(log.iter().all(|d| d.index < d.arity));
/// ```
///
/// A log that does not keep its decisions ([`DecisionLog::is_recorded`] is false) still
/// counts them and their deviations and keeps their fingerprint: that is the log of a
/// seeded random or PCT run with tracing off, whose token replays by its seed (see
/// [`crate::Sim::record_decisions`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DecisionLog {
    bytes: Vec<u8>,
    len: usize,
    /// A hash of the deviations so far, updated by every push (see
    /// [`DecisionLog::fingerprint`]).
    fingerprint: u64,
    /// Decisions that did not take index 0, in the low 63 bits; the top bit ([`UNKEPT`])
    /// set when `bytes` does not hold the decisions (only the counts and the fingerprint
    /// are kept). One word, so that a token stays small.
    deviations: u64,
}

/// [`DecisionLog::deviations`]' flag: the decisions are not kept.
const UNKEPT: u64 = 1 << 63;

impl Default for DecisionLog {
    fn default() -> DecisionLog {
        DecisionLog::with_capacity(0)
    }
}

impl DecisionLog {
    /// An empty log with room for about `decisions` decisions.
    pub(crate) fn with_capacity(decisions: usize) -> DecisionLog {
        DecisionLog {
            bytes: Vec::with_capacity(2 * decisions),
            len: 0,
            fingerprint: 0,
            deviations: 0,
        }
    }

    /// The log of a seed-only token: `len` decisions, `deviations` of them not index 0,
    /// with this fingerprint; the decisions themselves are not known.
    pub(crate) fn counted(len: usize, deviations: usize, fingerprint: u64) -> DecisionLog {
        DecisionLog {
            bytes: Vec::new(),
            len,
            fingerprint,
            deviations: deviations as u64 | UNKEPT,
        }
    }

    /// Sets whether the next runs' decisions are kept (an emptied log, reused by a core).
    pub(crate) fn keep(&mut self, on: bool) {
        debug_assert!(self.len == 0, "only an empty log changes mode");
        self.deviations = if on { 0 } else { UNKEPT };
    }

    /// Appends a decision.
    #[inline]
    pub(crate) fn push(&mut self, d: Decision) {
        if d.index != 0 {
            self.fingerprint = mix(
                self.fingerprint,
                (self.len as u64) << 32 | u64::from(d.index),
            );
            self.deviations += 1;
        }
        self.len += 1;
        if self.deviations & UNKEPT != 0 {
            return;
        }
        if d.index < 0x80 && d.arity < 0x80 {
            self.bytes
                .extend_from_slice(&[d.index as u8, d.arity as u8]);
        } else {
            varint::put(&mut self.bytes, u64::from(d.index));
            varint::put(&mut self.bytes, u64::from(d.arity));
        }
    }

    /// Empties the log, keeping its capacity and its mode.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.len = 0;
        self.fingerprint = 0;
        self.deviations &= UNKEPT;
    }

    /// Whether the log holds the decisions themselves. A seeded random or PCT run made
    /// with tracing off keeps only their count, deviations and fingerprint (its token
    /// replays by its seed); [`DecisionLog::iter`] then yields nothing. Replaying such a
    /// token with [`crate::Sim::record_decisions`] gives a run whose log holds them.
    ///
    /// ```
    /// use simloop::{Policy, Sim, TraceLevel, spawn};
    /// let prog = || async {
    ///     let a = spawn(async {});
    ///     let b = spawn(async {});
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// };
    /// let quiet = Sim::new().policy(Policy::Random).seed(4).trace(TraceLevel::Off).run(prog());
    /// assert!(!quiet.token.decisions().is_recorded());
    /// let again = Sim::new().replay(&quiet.token).record_decisions(true).run(prog());
    /// assert!(again.token.decisions().is_recorded());
    /// assert_eq!(again.token.decisions().len(), quiet.token.decisions().len());
    /// assert_eq!(again.token.decisions().fingerprint(), quiet.token.decisions().fingerprint());
    /// ```
    pub fn is_recorded(&self) -> bool {
        self.deviations & UNKEPT == 0
    }

    /// Decisions that did not take index 0.
    pub(crate) fn deviations(&self) -> usize {
        (self.deviations & !UNKEPT) as usize
    }

    /// Room for about this many decisions without growing.
    pub(crate) fn capacity(&self) -> usize {
        self.bytes.capacity() / 2
    }

    /// How many decisions the log holds.
    ///
    /// ```
    /// let t = simloop::Sim::new().run(async {}).token;
    /// assert_eq!(t.decisions().len(), 0); // FIFO decides nothing
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the log is empty (FIFO runs decide nothing).
    ///
    /// ```
    /// assert!(simloop::Sim::new().run(async {}).token.decisions().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A 64-bit hash of the schedule: of every decision that did not take the FIFO choice,
    /// with its position. Kept up to date as decisions are recorded, so it costs nothing to
    /// read. A run of a deterministic program is fixed by its decisions, so two runs of one
    /// program made the same interleaving exactly when their fingerprints are equal (up to
    /// hash collisions): a FIFO run, which records no decisions, and a run whose every
    /// decision took index 0 share one. The explorer counts distinct schedules with it, at
    /// every trace level.
    ///
    /// ```
    /// use simloop::{Policy, Sim, spawn, yield_now};
    /// let prog = || async {
    ///     let a = spawn(async { yield_now().await });
    ///     let b = spawn(async { yield_now().await });
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// };
    /// let fifo = Sim::new().run(prog()).token;
    /// let all_zero = Sim::new().follow(&[0, 0, 0, 0]).run(prog()).token;
    /// let other = Sim::new().follow(&[1]).run(prog()).token;
    /// assert_eq!(fifo.decisions().fingerprint(), all_zero.decisions().fingerprint());
    /// assert_ne!(fifo.decisions().fingerprint(), other.decisions().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The decisions, in order (none when the log does not keep them:
    /// [`DecisionLog::is_recorded`]).
    ///
    /// ```
    /// use simloop::{Policy, Sim, spawn};
    /// let out = Sim::new().policy(Policy::Random).run(async {
    ///     spawn(async {}).await.unwrap();
    /// });
    /// let indexes: Vec<u32> = out.token.decisions().iter().map(|d| d.index).collect();
    /// assert_eq!(indexes.len(), out.token.decisions().len());
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            at: 0,
            left: if self.is_recorded() { self.len } else { 0 },
        }
    }

    /// The decision starting at byte `at` of the log, moving `at` past it; `None` at the end.
    pub(crate) fn read(&self, at: &mut usize) -> Option<Decision> {
        if *at >= self.bytes.len() {
            return None;
        }
        let index = varint::read(&self.bytes, at) as u32;
        let arity = varint::read(&self.bytes, at) as u32;
        Some(Decision { index, arity })
    }

    /// The encoded decisions (the body of a token's payload).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl FromIterator<Decision> for DecisionLog {
    fn from_iter<I: IntoIterator<Item = Decision>>(decisions: I) -> DecisionLog {
        let mut log = DecisionLog::default();
        for d in decisions {
            log.push(d);
        }
        log
    }
}

impl<'a> IntoIterator for &'a DecisionLog {
    type Item = Decision;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Debug for DecisionLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_recorded() {
            return f.debug_list().entries(self.iter()).finish();
        }
        f.debug_struct("DecisionLog")
            .field("decisions", &self.len)
            .field("deviations", &self.deviations())
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

/// The decisions of a [`DecisionLog`], in order.
///
/// ```
/// let t = simloop::Sim::new().run(async {}).token;
/// let mut it: simloop::schedule::Iter<'_> = t.decisions().iter();
/// assert!(it.next().is_none());
/// ```
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    bytes: &'a [u8],
    at: usize,
    left: usize,
}

impl Iterator for Iter<'_> {
    type Item = Decision;

    #[inline]
    fn next(&mut self) -> Option<Decision> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let index = varint::read(self.bytes, &mut self.at) as u32;
        let arity = varint::read(self.bytes, &mut self.at) as u32;
        Some(Decision { index, arity })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever is pushed comes back in order, small or large.
        #[test]
        fn a_log_returns_what_was_pushed(pairs in proptest::collection::vec((0u32..u32::MAX, 0u32..300), 0..200)) {
            let decisions: Vec<Decision> = pairs
                .into_iter()
                .map(|(a, b)| {
                    let arity = a.max(1);
                    Decision { index: b.min(arity - 1), arity }
                })
                .collect();
            let log: DecisionLog = decisions.iter().copied().collect();
            prop_assert_eq!(log.len(), decisions.len());
            prop_assert_eq!(log.iter().collect::<Vec<_>>(), decisions);
        }
    }
}

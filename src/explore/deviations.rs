//! A schedule's deviations from FIFO as a proptest value that shrinks to a fixpoint.
//!
//! proptest's own `Vec` shrinks in one pass: it tries to drop each element once, then
//! lowers the elements, and never tries a drop again. A deviation that was needed only
//! because another one sat later in the run stays after that one moves earlier. And a
//! deviation can need a partner: two that move one task ahead and back again cancel out,
//! so dropping either alone changes the whole interleaving after it (the run passes) while
//! dropping both keeps the failure. Either way a failing schedule could shrink to twice
//! the deviations its bug needs, depending on where generation happened to place them
//! (round 23: the lost update's four where two suffice, once Random's stream changed the
//! generated case). [`DeviationTree`] also drops pairs, and starts over after every
//! simpler value that still fails, until no drop, pair drop, earlier place or lower entry
//! fails.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Reason, TestRunner};

/// One deviation: the decision it is at, and the entry it takes there (1 or more).
pub(super) type Deviation = (u32, u32);

/// Generates what `inner` generates and shrinks it with [`DeviationTree`].
#[derive(Debug)]
pub(super) struct Deviations<S>(pub(super) S);

impl<S> Strategy for Deviations<S>
where
    S: Strategy<Value = Vec<Deviation>>,
{
    type Tree = DeviationTree;
    type Value = Vec<Deviation>;

    fn new_tree(&self, runner: &mut TestRunner) -> Result<DeviationTree, Reason> {
        let first = self.0.new_tree(runner)?.current();
        Ok(DeviationTree {
            accepted: first.clone(),
            current: first,
            next: 0,
        })
    }
}

/// The shrinking state: the simplest value known to fail, the candidate being tried and
/// which simplification of `accepted` comes next.
///
/// Every accepted candidate has fewer deviations, or as many with a lower sum of
/// decisions, or as many at the same decisions with a lower sum of entries, so shrinking
/// ends.
#[derive(Debug)]
pub(super) struct DeviationTree {
    accepted: Vec<Deviation>,
    current: Vec<Deviation>,
    next: usize,
}

impl DeviationTree {
    /// Tries the simplifications of `accepted` from the `next`-th on; `false`, with the
    /// accepted value current, when none is left.
    fn advance(&mut self) -> bool {
        while let Some(step) = simplification(&self.accepted, self.next) {
            self.next += 1;
            if let Some(candidate) = step {
                self.current = candidate;
                return true;
            }
        }
        self.current = self.accepted.clone();
        false
    }
}

impl ValueTree for DeviationTree {
    type Value = Vec<Deviation>;

    fn current(&self) -> Vec<Deviation> {
        self.current.clone()
    }

    /// The current value failed: it becomes the one to shrink, from its first
    /// simplification (a drop that failed before may pass now).
    fn simplify(&mut self) -> bool {
        self.accepted = self.current.clone();
        self.next = 0;
        self.advance()
    }

    /// The current value passed: the next simplification of the accepted one.
    fn complicate(&mut self) -> bool {
        self.advance()
    }
}

/// The `k`-th simplification of `devs`: `None` past the last, `Some(None)` when the
/// `k`-th changes nothing. Drops first (each deviation, then each pair), then earlier
/// decisions (each to 0, half, one less), then lower entries (each to 1, one less).
fn simplification(devs: &[Deviation], k: usize) -> Option<Option<Vec<Deviation>>> {
    const LOWER_AT: usize = 3;
    const LOWER_ENTRY: usize = 2;
    let n = devs.len();
    if k < n {
        let mut fewer = devs.to_vec();
        fewer.remove(k);
        return Some(Some(fewer));
    }
    let pairs = n * n.saturating_sub(1) / 2;
    if k < n + pairs {
        let (i, j) = pair(n, k - n);
        let fewer = (0..n).filter(|&x| x != i && x != j).map(|x| devs[x]);
        return Some(Some(fewer.collect()));
    }
    let k = k - n - pairs;
    let (i, way, lower_at) = if k < n * LOWER_AT {
        (k / LOWER_AT, k % LOWER_AT, true)
    } else if k < n * (LOWER_AT + LOWER_ENTRY) {
        let k = k - n * LOWER_AT;
        (k / LOWER_ENTRY, k % LOWER_ENTRY, false)
    } else {
        return None;
    };
    let (at, entry) = devs[i];
    let (old, floor) = if lower_at { (at, 0) } else { (entry, 1) };
    let new = match way {
        0 => floor,
        1 => floor + (old - floor) / 2,
        _ => old.saturating_sub(1).max(floor),
    };
    // A way that lands where an earlier way of this element landed is no new candidate.
    let earlier = (0..way).any(|w| match w {
        0 => floor == new,
        _ => floor + (old - floor) / 2 == new,
    });
    if new >= old || earlier {
        return Some(None);
    }
    let mut simpler = devs.to_vec();
    if lower_at {
        simpler[i].0 = new;
    } else {
        simpler[i].1 = new;
    }
    Some(Some(simpler))
}

/// The `k`-th pair `(i, j)`, `i < j < n`, in the order (0, 1), (0, 2), ... (1, 2), ...
fn pair(n: usize, mut k: usize) -> (usize, usize) {
    for i in 0..n {
        let after = n - 1 - i;
        if k < after {
            return (i, i + 1 + k);
        }
        k -= after;
    }
    unreachable!("k < n (n - 1) / 2")
}

#[cfg(test)]
mod tests {
    use proptest::strategy::{Just, Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    use super::{Deviation, Deviations};

    /// Shrinks `start` against `fails` as proptest's runner does, returning the value it
    /// ends at.
    fn shrink(start: Vec<Deviation>, fails: impl Fn(&[Deviation]) -> bool) -> Vec<Deviation> {
        let mut runner = TestRunner::deterministic();
        let mut tree = Deviations(Just(start)).new_tree(&mut runner).unwrap();
        assert!(fails(&tree.current()));
        let mut more = tree.simplify();
        while more {
            more = if fails(&tree.current()) {
                tree.simplify()
            } else {
                tree.complicate()
            };
        }
        tree.current()
    }

    /// A deviation at 7 fails only with one before it, and any deviation at or before 2
    /// fails alone: a one-pass shrink keeps the first deviation (it could not be dropped
    /// while the second sat at 7) and ends at two; the fixpoint drops it once the second
    /// moved, and ends at one.
    #[test]
    fn a_deviation_needed_only_before_another_moved_is_dropped() {
        let fails = |d: &[Deviation]| {
            d.iter().any(|&(at, _)| at <= 2)
                || d.iter().any(|&(at, _)| at == 7) && d.iter().any(|&(at, _)| at < 7)
        };
        assert_eq!(shrink(vec![(5, 3), (7, 2)], fails), vec![(0, 1)]);
    }

    /// Deviations at 1 and 3 cancel out: the failure needs the one at 5 and both or neither
    /// of them. No single drop or move keeps it failing; dropping the pair does.
    #[test]
    fn a_pair_that_cancels_out_is_dropped_together() {
        let fails = |d: &[Deviation]| {
            let has = |x| d.iter().any(|&(at, _)| at == x);
            has(1) == has(3) && has(5)
        };
        assert_eq!(shrink(vec![(1, 1), (3, 1), (5, 1)], fails), vec![(5, 1)]);
        let pairs: Vec<_> = (0..6).map(|k| super::pair(4, k)).collect();
        assert_eq!(pairs, [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
    }

    /// A value that nothing simpler fails stays, and an entry shrinks toward 1 but keeps
    /// what the failure needs.
    #[test]
    fn shrinking_stops_at_what_the_failure_needs() {
        let needs_entry_2_at_4 = |d: &[Deviation]| d.iter().any(|&(at, e)| at >= 4 && e >= 2);
        assert_eq!(
            shrink(vec![(9, 3), (30, 1), (2, 3)], needs_entry_2_at_4),
            vec![(4, 2)]
        );
        assert_eq!(shrink(vec![(0, 1)], |d| !d.is_empty()), vec![(0, 1)]);
    }
}

//! Random: a seeded uniform choice among ready entries.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;

/// How many words of the stream [`RandomWalk`] holds ahead (a power of two: the ring's
/// index is a mask). Sixteen since round 18, so that the engine's read-ahead can predict
/// twelve picks (`runtime/read_ahead.rs`); a run draws eight words more at its start.
pub(crate) const AHEAD: usize = 16;

/// Picks uniformly among ready entries with a ChaCha8 stream seeded by the run's seed.
///
/// Wake-up hops are ready entries too, so the order in which equal-deadline timers deliver
/// their wakes is explored along with the order of tasks.
///
/// The stream is read [`AHEAD`] words ahead, so that the engine can ask where the next
/// picks would land ([`RandomWalk::peek`]) and bring those tasks into cache together. Every
/// draw takes the oldest buffered word and buffers the stream's next one, so the words are
/// consumed in stream order and each choice is exactly what rand's `random_range(0..n)`
/// over `u32` gives on the same stream (a unit test checks it): the lookahead changes no
/// run, seed or token.
pub(crate) struct RandomWalk {
    rng: ChaCha8Rng,
    /// The stream's next words: the next one at `at % AHEAD`, then in ring order.
    ahead: [u32; AHEAD],
    at: usize,
}

impl RandomWalk {
    pub(crate) fn new(seed: u64) -> RandomWalk {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let ahead = std::array::from_fn(|_| rng.next_u32());
        RandomWalk { rng, ahead, at: 0 }
    }

    /// The stream's next word.
    #[inline]
    fn word(&mut self) -> u32 {
        let k = self.at % AHEAD;
        self.at = self.at.wrapping_add(1);
        std::mem::replace(&mut self.ahead[k], self.rng.next_u32())
    }

    /// The index that the `j`-th choice from now (`j < AHEAD`; 0 is the next) takes among
    /// `arity` alternatives if every choice before it reads one word: always, except for
    /// the rare words (about `arity` in 2^32) that a second word corrects.
    #[inline]
    pub(crate) fn peek(&self, j: usize, arity: usize) -> usize {
        let word = self.ahead[self.at.wrapping_add(j) % AHEAD];
        (wide(word, range(arity)) >> 32) as usize
    }
}

/// `arity` as the sampled range (`u32`, so that the stream of choices is the same on every
/// platform).
#[inline]
fn range(arity: usize) -> u32 {
    u32::try_from(arity).unwrap_or(u32::MAX)
}

#[inline]
fn wide(word: u32, n: u32) -> u64 {
    u64::from(word) * u64::from(n)
}

impl Strategy for RandomWalk {
    #[inline]
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.choose(ready.len())
    }

    /// A uniform index below `arity`, computed as rand's `random_range(0..n)` for `u32`
    /// computes it (its default, widening multiply biased by at most 2^-32): the high half
    /// of `word * n`, and when the low half falls in the last `n` values, one more word's
    /// high half carried in.
    #[inline]
    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        let n = range(arity);
        let w = wide(self.word(), n);
        let (mut hi, lo) = ((w >> 32) as u32, w as u32);
        if lo > n.wrapping_neg() {
            let more = (wide(self.word(), n) >> 32) as u32;
            hi += u32::from(lo.checked_add(more).is_none());
        }
        Ok(hi as usize)
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::{AHEAD, RandomWalk};
    use crate::schedule::Strategy;

    /// The lookahead must not change any run: the choices equal rand's `random_range` on the
    /// same stream, for small and huge arities (where the second word is needed often), and
    /// `peek` names the coming choices whenever no second word is drawn.
    #[test]
    fn choices_are_rands_random_range_on_the_same_stream() {
        for seed in 0..20u64 {
            let mut walk = RandomWalk::new(seed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for k in 0..5_000u64 {
                let arity = match k % 4 {
                    0 => 2 + (k % 7) as usize,
                    1 => 100_000,
                    2 => (u32::MAX - (k as u32)) as usize,
                    _ => (1 << 31) + 1,
                };
                let small = |a: usize| a < 1000;
                let peeked: Vec<usize> = (0..AHEAD).map(|j| walk.peek(j, arity)).collect();
                let got = walk.choose(arity).expect("random never diverges");
                let want = rng.random_range(0..arity as u32) as usize;
                assert_eq!(got, want, "seed {seed}, draw {k}, arity {arity}");
                assert!(got < arity);
                if small(arity) {
                    assert_eq!(peeked[0], got);
                    assert_eq!(peeked[1], walk.peek(0, arity));
                }
            }
        }
    }
}

//! Random: a seeded uniform choice among ready entries.

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;

/// How many choices ahead [`RandomWalk::peek`] may be asked about. The stream is
/// counter-based, so a peek computes its word and nothing is buffered.
pub(crate) const AHEAD: usize = 16;

/// SplitMix64's increment: the golden ratio's odd 64-bit fraction.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// Picks uniformly among ready entries with a SplitMix64 stream seeded by the run's seed.
///
/// Wake-up hops are ready entries too, so the order in which equal-deadline timers deliver
/// their wakes is explored along with the order of tasks.
///
/// The `k`-th word of the stream is SplitMix64's output for the counter `seed + k *
/// GAMMA` (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014;
/// it passes BigCrush), and a choice among `n` alternatives is the high 64 bits of `word *
/// n`, one word a choice (biased by at most `n / 2^64`). So the engine can ask where the
/// next picks land ([`RandomWalk::peek`]) by computing their words, with no buffer. Until
/// token version 8 the stream was ChaCha8's, read through a ring of sixteen words, whose
/// block function cost a pick about 10 instructions more (rounds 22 and 23).
pub(crate) struct RandomWalk {
    /// The counter of the last word drawn: the next word mixes `counter + GAMMA`.
    counter: u64,
}

impl RandomWalk {
    pub(crate) fn new(seed: u64) -> RandomWalk {
        RandomWalk { counter: seed }
    }

    /// The index that the `j`-th choice from now (`j < AHEAD`; 0 is the next) takes among
    /// `arity` alternatives: every choice reads one word, so this is exact.
    #[inline]
    pub(crate) fn peek(&self, j: usize, arity: usize) -> usize {
        let at = self.counter.wrapping_add(GAMMA.wrapping_mul(j as u64 + 1));
        below(mix(at), arity)
    }
}

/// SplitMix64's output function (a bijection of the counter).
#[inline]
fn mix(counter: u64) -> u64 {
    let z = (counter ^ (counter >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `word` scaled to an index below `arity` (the high half of a widening multiply).
#[inline]
fn below(word: u64, arity: usize) -> usize {
    ((u128::from(word) * arity as u128) >> 64) as usize
}

impl Strategy for RandomWalk {
    #[inline]
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.choose(ready.len())
    }

    /// A uniform index below `arity`: the next word of the stream, scaled.
    #[inline]
    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        self.counter = self.counter.wrapping_add(GAMMA);
        Ok(below(mix(self.counter), arity))
    }
}

#[cfg(test)]
mod tests {
    use super::{AHEAD, GAMMA, RandomWalk, mix};
    use crate::schedule::Strategy;

    /// The stream is SplitMix64's (its first words for seed 1234567, as the reference
    /// algorithm gives them), and `peek` names every coming choice exactly.
    #[test]
    fn the_stream_is_splitmix64_and_peeks_name_the_coming_choices() {
        let mut counter = 1_234_567u64;
        let mut next = || {
            counter = counter.wrapping_add(GAMMA);
            mix(counter)
        };
        assert_eq!(next(), 6_457_827_717_110_365_317);
        assert_eq!(next(), 3_203_168_211_198_807_973);
        assert_eq!(next(), 9_817_491_932_198_370_423);
        for seed in 0..20u64 {
            let mut walk = RandomWalk::new(seed);
            for k in 0..2_000u64 {
                let arity = match k % 3 {
                    0 => 2 + (k % 7) as usize,
                    1 => 100_000,
                    _ => u32::MAX as usize + 7,
                };
                let peeked: Vec<usize> = (0..AHEAD).map(|j| walk.peek(j, arity)).collect();
                let got = walk.choose(arity).expect("random never diverges");
                assert!(got < arity);
                assert_eq!(peeked[0], got, "seed {seed}, draw {k}");
                assert_eq!(peeked[1], walk.peek(0, arity));
            }
        }
    }

    /// Choices are uniform (60,000 draws among 6: every index within 3% of its share), the
    /// same for the same seed, and different for another.
    #[test]
    fn choices_are_uniform_and_seeds_differ() {
        let mut walk = RandomWalk::new(7);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[walk.choose(6).expect("random never diverges")] += 1;
        }
        assert!(
            counts.iter().all(|&c| c.abs_diff(10_000) < 300),
            "{counts:?}"
        );
        let draws = |seed| {
            let mut w = RandomWalk::new(seed);
            (0..32).map(|_| w.choose(100).unwrap()).collect::<Vec<_>>()
        };
        assert_ne!(draws(1), draws(2));
        assert_eq!(draws(3), draws(3));
    }
}

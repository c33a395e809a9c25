//! Random: a seeded uniform choice among ready entries.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;

/// Picks uniformly among ready entries with a ChaCha8 stream seeded by the run's seed.
///
/// Wake-up hops are ready entries too, so the order in which equal-deadline timers deliver
/// their wakes is explored along with the order of tasks.
pub(crate) struct RandomWalk {
    rng: ChaCha8Rng,
}

impl RandomWalk {
    pub(crate) fn new(seed: u64) -> RandomWalk {
        RandomWalk {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

impl Strategy for RandomWalk {
    #[inline]
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.choose(ready.len())
    }

    #[inline]
    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        // Sampled as u32 so the stream of choices is the same on every platform.
        let n = u32::try_from(arity).unwrap_or(u32::MAX);
        Ok(self.rng.random_range(0..n) as usize)
    }
}

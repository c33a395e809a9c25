//! Seeded randomness for the program under test.
//!
//! Derived from the run's seed on a stream of its own, so the program draws the same values
//! under every policy with the same seed, and draws never disturb the scheduler's choices.
//!
//! ```
//! use simloop::{Policy, Sim, rng};
//!
//! let dice = |policy| Sim::new().seed(42).policy(policy)
//!     .run(async { (0..5).map(|_| rng::random_range(1..=6)).collect::<Vec<u32>>() })
//!     .result.unwrap();
//! assert_eq!(dice(Policy::Fifo), dice(Policy::Random));
//! ```

pub use rand;
pub use rand_chacha::ChaCha8Rng;

use rand::RngExt;
use rand::distr::uniform::{SampleRange, SampleUniform};

use crate::runtime::with;

/// Runs `f` with the run's seeded generator.
///
/// `f` must not call other simloop functions (the runtime is borrowed while it runs).
///
/// # Examples
///
/// ```
/// use simloop::{Sim, rng};
/// use simloop::rng::rand::RngExt;
///
/// let draw = || Sim::new().seed(42).run(async { rng::with_rng(|r| r.random_range(0..1000)) });
/// assert_eq!(draw().result.unwrap(), draw().result.unwrap());
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn with_rng<R>(f: impl FnOnce(&mut ChaCha8Rng) -> R) -> R {
    with("rng::with_rng", |c| f(c.user_rng()))
}

/// A value drawn uniformly from `range` with the run's seeded generator.
///
/// ```
/// use simloop::{Sim, rng};
/// let out = Sim::new().seed(1).run(async { rng::random_range(1..=6) });
/// assert!((1..=6).contains(&out.result.unwrap()));
/// ```
#[track_caller]
pub fn random_range<T: SampleUniform, R: SampleRange<T>>(range: R) -> T {
    with_rng(|r| r.random_range(range))
}

//! Virtual time: the clock, sleeping, and yielding.
//!
//! The clock starts at zero and moves only when no task is ready, straight to the next
//! timer's deadline. All timers due at that instant fire before any task they wake runs.

mod instant;
mod sleep;

pub use self::instant::Instant;
pub use self::sleep::{Sleep, sleep, sleep_until};

use crate::runtime::with;

/// The current virtual time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, now, sleep};
///
/// let out = Sim::new().run(async {
///     sleep(Duration::from_millis(1500)).await;
///     now()
/// });
/// assert_eq!(out.result.unwrap().as_nanos(), 1_500_000_000);
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn now() -> Instant {
    with("now", |c| c.now)
}

//! Virtual time: the clock, sleeping, and yielding.
//!
//! The clock starts at zero and moves only when no task is ready, straight to the next
//! timer's deadline. All timers due at that instant fire before any task they wake runs.
//!
//! ```
//! use std::time::Duration;
//! use simloop::{Instant, Sim, now, sleep, sleep_until};
//!
//! let out = Sim::new().run(async {
//!     sleep(Duration::from_secs(3600)).await; // an hour, at no cost
//!     sleep_until(Instant::ZERO + Duration::from_secs(3601)).await;
//!     now()
//! });
//! assert_eq!(out.result.unwrap() - Instant::ZERO, Duration::from_secs(3601));
//! ```

mod sleep;

pub use self::sleep::{Sleep, sleep, sleep_until};
pub use crate::runtime::Instant;

use crate::runtime::{try_with, with};

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
    with("now", |c| c.now())
}

/// The current virtual time, or `None` outside a simulation: for adapters that fall back
/// to another clock there (such as `simloop-tokio`'s `Instant::now`).
///
/// # Examples
///
/// ```
/// use simloop::{Instant, Sim, time::try_now};
///
/// assert_eq!(try_now(), None);
/// let out = Sim::new().run(async { try_now() });
/// assert_eq!(out.result.unwrap(), Some(Instant::ZERO));
/// ```
pub fn try_now() -> Option<Instant> {
    try_with(|c| c.now())
}

/// Moves the virtual clock forward by `duration` at once, as tokio's `time::advance` does
/// with a paused clock; timers whose deadline it passes fire at the start of the next pass,
/// in deadline order, and see the advanced clock.
///
/// The clock otherwise moves only when no task is ready. Advancing does not yield: the
/// caller keeps running (tokio's `advance` yields afterwards; `simloop-tokio` does too).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, now, time::advance};
///
/// let out = Sim::new().run(async {
///     advance(Duration::from_secs(5));
///     now()
/// });
/// assert_eq!(out.result.unwrap().as_nanos(), 5_000_000_000);
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn advance(duration: std::time::Duration) {
    with("time::advance", |c| {
        c.advance_clock(duration);
    })
}

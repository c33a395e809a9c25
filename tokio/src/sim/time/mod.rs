//! Time on the simulation's virtual clock, with tokio's API.
//!
//! The clock is always virtual under the cfg: it stands still while tasks run and jumps to
//! the next deadline when none is ready, as tokio's paused clock auto-advances. Deadlines
//! are rounded up to whole milliseconds since the runtime started, as tokio's timer wheel
//! does, so sleeping 1ns at the start wakes at 1ms. On a runtime whose clock is not paused,
//! a run kept busy at one instant moves the clock a little, as real time would (`busy`).

mod busy;
mod clock;
pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;

pub(crate) use self::busy::{poll as count_poll, reset as reset_busy, set_paused as busy_paused};
pub use self::clock::{advance, pause, resume};
pub use self::instant::Instant;
pub use self::interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use self::sleep::{Sleep, sleep, sleep_until};
pub use self::timeout::{Timeout, timeout, timeout_at};
pub use std::time::Duration;

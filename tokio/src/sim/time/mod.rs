//! Time on the simulation's virtual clock, with tokio's API.
//!
//! The clock is always virtual under the cfg: it stands still while tasks run and jumps to
//! the next deadline when none is ready, as tokio's paused clock auto-advances. Deadlines
//! are rounded up to whole milliseconds since the runtime started, as tokio's timer wheel
//! does, so sleeping 1ns at the start wakes at 1ms. On a runtime whose clock is not paused,
//! a run kept busy at one instant moves the clock a little, as real time would (`busy`).
//!
//! # Examples
//!
//! A day of timers runs in no real time, and every reading is exact:
//!
//! ```
//! # use simloop_tokio as tokio;
//! use std::time::Duration;
//! use tokio::time::{Instant, sleep};
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
//! rt.block_on(async {
//!     let start = Instant::now();
//!     sleep(Duration::from_secs(24 * 3600)).await;
//!     assert_eq!(start.elapsed(), Duration::from_secs(24 * 3600));
//!     // Deadlines round up to whole milliseconds, as tokio's timer wheel does.
//!     let start = Instant::now();
//!     sleep(Duration::from_nanos(1)).await;
//!     assert_eq!(start.elapsed(), Duration::from_millis(1));
//! });
//! ```

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

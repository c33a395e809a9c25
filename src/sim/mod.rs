//! Running a simulation: the builder, the outcome, and run-level errors.

mod builder;
mod error;
mod outcome;

pub use self::builder::{REPLAY_ENV, Sim};
pub use self::error::RunError;
pub use self::outcome::{Outcome, TaskPanic};
pub use crate::runtime::{BlockedTask, DeadlockReport, Stats};

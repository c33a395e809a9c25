//! Running a simulation: the builder, the outcome, and run-level errors.

mod builder;
mod error;
mod outcome;
mod panics;
mod run;

pub use self::builder::{REPLAY_ENV, Sim};
pub use self::error::RunError;
pub use self::outcome::{Outcome, TaskPanic};
pub(crate) use self::panics::quietly;
pub use self::panics::{PANICS_ENV, PanicOutput};
pub use crate::runtime::{BlockedTask, DeadlockReport, Stats};

//! The trace: structured events stamped with virtual time and task, and their stable text
//! renderings (made for insta snapshots and for comparison with asyncio's traces).
//!
//! ```
//! use simloop::{Sim, TraceLevel, log, spawn};
//!
//! let program = || async {
//!     spawn(async { log!("child") }).await.unwrap();
//!     log!("parent");
//! };
//! let full = Sim::new().run(program());
//! assert_eq!(full.trace.logs(), "t=0 child\nt=0 parent\n");
//! assert!(full.trace.render().contains("spawn"));
//! // Logs only: what conformance tests compare, at a fraction of the cost.
//! let lean = Sim::new().trace(TraceLevel::Logs).run(program());
//! assert_eq!(lean.trace.logs(), full.trace.logs());
//! ```

mod buffer;
mod event;
mod excerpt;
mod log;
mod packed;
mod read;
mod render;
mod run_end;

pub(crate) use self::buffer::TraceBuf;
pub use self::event::{Event, EventKind, TaskEnd};
pub(crate) use self::excerpt::excerpt;
pub use self::log::log_line;
pub(crate) use self::packed::{Packed, Quick};
pub use self::render::Trace;
pub(crate) use self::render::{name_of, task_label};
pub use self::run_end::RunEnd;

/// How much a run records.
///
/// Every level keeps the scheduling decisions (for the replay token) and the counters.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, TraceLevel, log};
///
/// let out = Sim::new().trace(TraceLevel::Logs).run(async { log!("hi") });
/// assert_eq!(out.trace.render(), "t=0 #1 main log: hi\n");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum TraceLevel {
    /// Records no events: only decisions and counters. The cheapest mode.
    Off,
    /// Records log lines and abnormal task ends (panics, cancellations).
    Logs,
    /// Records every event: spawns, polls, wakes, timers, cancellations, ends, decisions.
    #[default]
    Full,
}

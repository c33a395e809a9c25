//! Logging into the trace.

use crate::runtime::try_with;

/// Records a formatted line in the trace, stamped with the virtual time and the running
/// task; the way the lectures `print` (`t=<ms> <line>` in [`crate::Trace::logs`]).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep};
///
/// let out = Sim::new().run(async {
///     log!("started");
///     sleep(Duration::from_millis(1250)).await;
///     log!("value = {}", 42);
/// });
/// assert_eq!(out.trace.logs(), "t=0 started\nt=1250 value = 42\n");
/// ```
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::trace::log_line(::std::format!($($arg)*))
    };
}

/// Records `line` in the trace; what [`log!`](crate::log!) expands to.
///
/// Outside a simulation (for instance in a `Drop` that runs after the run ended) the line
/// goes to standard error instead, since there is no trace to hold it.
///
/// ```
/// simloop::Sim::new().run(async { simloop::trace::log_line("plain") });
/// ```
pub fn log_line(line: impl Into<String>) {
    let line: String = line.into();
    let recorded = try_with(|c| c.log_line(&line));
    if recorded.is_none() {
        eprintln!("simloop (no run): {line}");
    }
}

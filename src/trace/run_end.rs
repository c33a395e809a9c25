//! Why a run stopped, as its trace names it.

use std::fmt;

/// Why a run stopped: what the teardown lines of its trace name.
///
/// A run that stops with tasks still alive cancels them, in creation order; each is a
/// [`EventKind::CancelDelivered`](super::EventKind::CancelDelivered) event with
/// `at_run_end` set, which [`Trace::render`](super::Trace::render) shows as
/// `cancel delivered (<why>)`, `<why>` being [`RunEnd::label`]: `main ended` after the main
/// task returned, `deadlock` after a deadlock, `step limit` after the step budget ran out,
/// and so on. [`Trace::run_end`](super::Trace::run_end) says which.
///
/// This is the engine's reason for stopping, decided before the teardown; the run's result
/// may say more (a replay whose main task ended early is judged
/// [`RunError::ReplayDiverged`](crate::RunError::ReplayDiverged) afterwards, its teardown
/// labelled `main ended`).
///
/// # Examples
///
/// ```
/// use simloop::{Sim, spawn, trace::RunEnd};
///
/// let out = Sim::new().run(async {
///     let _left = spawn(std::future::pending::<()>());
///     std::future::pending::<()>().await
/// });
/// assert_eq!(out.trace.run_end(), Some(RunEnd::Deadlock));
/// assert!(out.trace.render().contains("t=0 #2 cancel delivered (deadlock)\n"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RunEnd {
    /// The main task returned: `main ended`.
    MainEnded,
    /// The main task panicked: `main panicked`.
    MainPanicked,
    /// The main task was cancelled: `main cancelled`.
    MainCancelled,
    /// The tasks waited on each other, or on nothing that could come: `deadlock`.
    Deadlock,
    /// The run took as many steps as its budget allows: `step limit`.
    StepLimit,
    /// The next timer lay past the time limit: `time limit`.
    TimeLimit,
    /// A replay stopped following its token: `replay diverged`.
    ReplayDiverged,
    /// A replay's token was recorded from another program: `other program`.
    WrongProgram,
}

impl RunEnd {
    /// The words a trace shows in its teardown lines, `cancel delivered (<label>)`.
    ///
    /// ```
    /// use simloop::trace::RunEnd;
    /// assert_eq!(RunEnd::MainEnded.label(), "main ended");
    /// assert_eq!(RunEnd::StepLimit.label(), "step limit");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            RunEnd::MainEnded => "main ended",
            RunEnd::MainPanicked => "main panicked",
            RunEnd::MainCancelled => "main cancelled",
            RunEnd::Deadlock => "deadlock",
            RunEnd::StepLimit => "step limit",
            RunEnd::TimeLimit => "time limit",
            RunEnd::ReplayDiverged => "replay diverged",
            RunEnd::WrongProgram => "other program",
        }
    }
}

impl fmt::Display for RunEnd {
    /// [`RunEnd::label`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

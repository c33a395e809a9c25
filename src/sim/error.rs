//! Run-level errors.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::runtime::DeadlockReport;
use crate::schedule::{Divergence, ProgramMismatch};
use crate::time::Instant;

/// Why a run did not produce the main future's value.
///
/// # Examples
///
/// ```
/// use simloop::{RunError, Sim};
/// let out = Sim::new().run(async { std::future::pending::<()>().await });
/// match out.result {
///     Err(RunError::Deadlock(report)) => assert_eq!(report.blocked.len(), 1),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunError {
    /// Tasks wait on each other in a cycle ([`DeadlockReport::partial`]), or the main task
    /// cannot progress: nothing is ready and no timer is pending.
    Deadlock(DeadlockReport),
    /// The main future panicked.
    MainPanicked {
        /// The panic message.
        message: String,
    },
    /// The main task was cancelled.
    MainCancelled {
        /// The cancellation message.
        message: Option<String>,
    },
    /// The run took more steps than its budget allows ([`crate::Sim::step_budget`],
    /// [`crate::Sim::max_steps`]).
    StepLimit {
        /// The budget it reached: the steps the run took.
        steps: u64,
    },
    /// The next timer lies beyond [`crate::Sim::max_time`].
    TimeLimit {
        /// The limit.
        limit: Duration,
    },
    /// A replay's token was recorded from another program: the fingerprint of its first
    /// spawns and decisions ([`crate::Token::program`]) differs from this program's.
    ///
    /// ```
    /// use simloop::{Policy, RunError, Sim, spawn, yield_now};
    /// let token = Sim::new().policy(Policy::Random).run(async { spawn(async {}).await.unwrap() }).token;
    /// // The edited program spawns one task more.
    /// let out = Sim::new().replay(&token).run(async {
    ///     let a = spawn(async {});
    ///     spawn(async { yield_now().await }).await.unwrap();
    ///     a.await.unwrap();
    /// });
    /// assert!(matches!(out.result, Err(RunError::WrongProgram(_))));
    /// ```
    WrongProgram(ProgramMismatch),
    /// A replayed run stopped following its recording, after it had shown it runs the
    /// program the token was recorded from ([`RunError::WrongProgram`] otherwise).
    ReplayDiverged {
        /// Where and how.
        divergence: Divergence,
        /// The step at which it was noticed.
        step: u64,
        /// The virtual time at which it was noticed.
        time: Instant,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Deadlock(report) => write!(f, "{report}"),
            RunError::MainPanicked { message } => write!(f, "the main future panicked: {message}"),
            RunError::MainCancelled { message: None } => write!(f, "the main task was cancelled"),
            RunError::MainCancelled { message: Some(m) } => {
                write!(f, "the main task was cancelled: {m}")
            }
            RunError::StepLimit { steps } => write!(
                f,
                "step limit reached after {steps} steps (a livelock or runaway loop?); the default budget is 10,000,000 steps plus 100 per task spawned: raise it with Sim::step_budget(base, per_task) or Sim::max_steps(steps)"
            ),
            RunError::TimeLimit { limit } => write!(
                f,
                "virtual-time limit of {limit:?} reached with timers still pending; raise it with Sim::max_time"
            ),
            RunError::WrongProgram(mismatch) => write!(
                f,
                "{mismatch}: replay it against the program that printed it, with the same timer jitter, or run this one again for a new token (a program that did not change but gives another fingerprint is not deterministic)"
            ),
            RunError::ReplayDiverged {
                divergence,
                step,
                time,
            } => write!(
                f,
                "replay diverged at step {step}, t={time}: {divergence}; the program under test is not deterministic, or changed since the token was recorded"
            ),
        }
    }
}

impl Error for RunError {}

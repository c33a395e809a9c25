//! Run-level errors.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::schedule::Divergence;
use crate::task::TaskId;
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
    /// A replayed run stopped following its recording.
    ReplayDiverged {
        /// Where and how.
        divergence: Divergence,
        /// The step at which it was noticed.
        step: u64,
        /// The virtual time at which it was noticed.
        time: Instant,
    },
}

/// Who was blocked on what when a run deadlocked.
///
/// ```
/// use simloop::{RunError, Sim, spawn_named};
/// let out = Sim::new().run(async {
///     spawn_named("stuck", std::future::pending::<()>()).await.unwrap()
/// });
/// let Err(RunError::Deadlock(report)) = out.result else { panic!() };
/// assert!(report.to_string().contains("#1 main waits on join #2 stuck"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlockReport {
    /// When it happened.
    pub time: Instant,
    /// Every unfinished task, in id order.
    pub blocked: Vec<BlockedTask>,
    /// A cycle in the wait-for graph (first and last entries equal), if there is one.
    pub cycle: Option<Vec<TaskId>>,
    /// True when the deadlock was found as it formed, while other tasks or timers could
    /// still run: `blocked` lists only the tasks that wait on each other (joins, or
    /// primitives held by one of them), which nothing but a cancellation from outside
    /// could release. False when the whole run stopped: `blocked` lists every unfinished
    /// task.
    pub partial: bool,
}

/// One blocked task in a [`DeadlockReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedTask {
    /// The task.
    pub id: TaskId,
    /// Its name (empty when it has none).
    pub name: String,
    /// What it waits on, as registered by the futures it awaits.
    pub waits_on: Vec<String>,
}

impl BlockedTask {
    fn label(&self) -> String {
        crate::trace::task_label(self.id, (!self.name.is_empty()).then_some(&self.name))
    }
}

impl fmt::Display for DeadlockReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.partial {
            let who = match self.blocked.len() {
                1 => "a task waits on itself".to_string(),
                n => format!("{n} tasks wait on each other"),
            };
            writeln!(
                f,
                "deadlock at t={}: {who} (other tasks or timers could still run, but none can release them)",
                self.time
            )?;
        } else {
            writeln!(
                f,
                "deadlock at t={}: the main task cannot progress, no task is ready and no timer is pending",
                self.time
            )?;
        }
        for t in &self.blocked {
            writeln!(f, "  {} waits on {}", t.label(), t.waits_on.join(" and "))?;
        }
        if let Some(cycle) = &self.cycle {
            let names: Vec<String> = cycle
                .iter()
                .map(|id| match self.blocked.iter().find(|b| b.id == *id) {
                    Some(b) => b.label(),
                    None => id.to_string(),
                })
                .collect();
            writeln!(f, "  wait-for cycle: {}", names.join(" -> "))?;
        }
        Ok(())
    }
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

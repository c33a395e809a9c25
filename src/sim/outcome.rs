//! What a run reports.

use std::fmt::Write as _;
use std::time::Duration;

use super::{REPLAY_ENV, RunError};
use crate::runtime::Stats;
use crate::schedule::{Token, rerun_command, test_name};
use crate::task::TaskId;
use crate::trace::{Trace, excerpt};

/// Everything a run produced.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     spawn(sleep(Duration::from_millis(10))).await.unwrap();
/// });
/// assert!(out.result.is_ok());
/// assert_eq!(out.elapsed, Duration::from_millis(10));
/// assert_eq!(out.stats.tasks, 2);
/// ```
#[derive(Debug)]
#[must_use = "a run's outcome says whether it failed"]
pub struct Outcome<T> {
    /// The main future's value, or why there is none.
    pub result: Result<T, RunError>,
    /// What happened, event by event.
    pub trace: Trace,
    /// The replay token: seed, policy and decisions.
    pub token: Token,
    /// The virtual time the run took.
    pub elapsed: Duration,
    /// Counters.
    pub stats: Stats,
    /// Tasks that panicked while detached (their handle dropped), so nobody saw the panic.
    pub unobserved_panics: Vec<TaskPanic>,
}

/// A panic in a detached task.
///
/// ```
/// use simloop::{PanicOutput, Sim, spawn};
///
/// let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
///     drop(spawn(async { panic!("lost") }));
///     simloop::yield_now().await;
/// });
/// assert_eq!(out.unobserved_panics.len(), 1);
/// assert_eq!(out.unobserved_panics[0].task.to_string(), "#2");
/// assert!(out.unobserved_panics[0].message.contains("lost"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskPanic {
    /// The task.
    pub task: TaskId,
    /// The panic message.
    pub message: String,
}

impl<T> Outcome<T> {
    /// The same outcome with `f` applied to the main future's value.
    pub(crate) fn map_result<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            result: self.result.map(f),
            trace: self.trace,
            token: self.token,
            elapsed: self.elapsed,
            stats: self.stats,
            unobserved_panics: self.unobserved_panics,
        }
    }

    /// How to rerun this exact run: seed, policy, token, and the code that replays it.
    /// ([`Sim::check`](crate::Sim::check), which reads `SIMLOOP_REPLAY`, adds the command
    /// that reruns the test to its report; [`crate::Sim::run`] does not read the variable.)
    ///
    /// ```
    /// let out = simloop::Sim::new().seed(3).run(async {});
    /// let hint = out.replay_hint();
    /// assert!(hint.contains("Sim::new().replay(&\"sl3:fifo:3:"));
    /// assert!(!hint.contains("SIMLOOP_REPLAY="));
    /// ```
    pub fn replay_hint(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "seed: {}  policy: {}",
            self.token.seed(),
            self.token.policy()
        );
        let _ = writeln!(s, "replay token: {}", self.token);
        let _ = write!(
            s,
            "replay in code:   Sim::new().replay(&\"{}\".parse().unwrap()).run(..)",
            self.token
        );
        s
    }

    /// The failure of this run, if any: the run error, else the first unobserved panic.
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async { drop(simloop::spawn(async { panic!("lost") })); simloop::yield_now().await });
    /// assert!(out.failure().unwrap().contains("lost"));
    /// ```
    pub fn failure(&self) -> Option<String> {
        match &self.result {
            Err(e) => Some(e.to_string()),
            Ok(_) => self.unobserved_panics.first().map(|p| {
                format!(
                    "task {} panicked while detached: {}",
                    self.trace.label(p.task),
                    p.message
                )
            }),
        }
    }

    /// The main future's value; panics with the failure, the trace around the failing
    /// event (the panic the failure quotes, else the run's end) and the replay hint when the
    /// run failed or a detached task panicked.
    ///
    /// # Panics
    ///
    /// When [`Outcome::failure`] is `Some`.
    ///
    /// ```
    /// assert_eq!(simloop::Sim::new().run(async { 5 }).unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn unwrap(self) -> T {
        self.unwrap_or_report(false)
    }

    /// [`Outcome::unwrap`] for [`crate::Sim::check`], which reads `SIMLOOP_REPLAY`: its
    /// report also says how to rerun the test with the token.
    #[track_caller]
    pub(crate) fn unwrap_rerunnable(self) -> T {
        self.unwrap_or_report(true)
    }

    #[track_caller]
    fn unwrap_or_report(self, rerunnable: bool) -> T {
        if let Some(failure) = self.failure() {
            let excerpt = excerpt(&self.trace, &failure);
            if let Err(RunError::WrongProgram(_)) = self.result {
                // This run's token names a replay cut short: rerunning it helps nobody.
                let how = if rerunnable {
                    format!(
                        "run the test without {REPLAY_ENV} (or with a token this program printed) to record a new run"
                    )
                } else {
                    "replay a token this program printed, or run it again to record a new one"
                        .to_string()
                };
                panic!("simloop run failed: {failure}\n{excerpt}--- how to go on ---\n{how}");
            }
            let mut hint = self.replay_hint();
            if let (true, Some(test)) = (rerunnable, test_name()) {
                let _ = write!(
                    hint,
                    "\nrerun this test:  {}",
                    rerun_command(&self.token, &test)
                );
            }
            panic!("simloop run failed: {failure}\n{excerpt}--- how to replay ---\n{hint}");
        }
        match self.result {
            Ok(v) => v,
            Err(_) => unreachable!("failure() covers errors"),
        }
    }
}

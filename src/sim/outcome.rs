//! What a run reports.

use std::fmt::Write as _;
use std::time::Duration;

use super::{REPLAY_ENV, RunError};
use crate::runtime::Stats;
use crate::schedule::Token;
use crate::task::TaskId;
use crate::trace::Trace;

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

    /// How to rerun this exact run: seed, policy, token, and the environment variable and
    /// code that replay it.
    ///
    /// ```
    /// let out = simloop::Sim::new().seed(3).run(async {});
    /// assert!(out.replay_hint().contains("SIMLOOP_REPLAY="));
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
        let _ = writeln!(
            s,
            "rerun this test:  {REPLAY_ENV}={} cargo test <test name>",
            self.token
        );
        let _ = write!(
            s,
            "or in code:       Sim::new().replay(&\"{}\".parse().unwrap())",
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

    /// The main future's value; panics with the failure, the last 30 trace lines and the
    /// replay hint when the run failed or a detached task panicked.
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
        if let Some(failure) = self.failure() {
            let rendered = self.trace.render();
            let lines: Vec<&str> = rendered.lines().collect();
            let tail = &lines[lines.len().saturating_sub(30)..];
            panic!(
                "simloop run failed: {failure}\n--- last {} trace lines ---\n{}\n--- how to replay ---\n{}",
                tail.len(),
                tail.join("\n"),
                self.replay_hint()
            );
        }
        match self.result {
            Ok(v) => v,
            Err(_) => unreachable!("failure() covers errors"),
        }
    }
}

//! What an exploration reports: counts, coverage, and the first failure with how to rerun it.

use std::collections::BTreeSet;
use std::fmt;

use crate::schedule::{Policy, Token, rerun_command};
use crate::sim::REPLAY_ENV;

/// The summary of an exploration: how many runs, how many distinct schedules, and the first
/// failure (lowest seed) with its replay token and shrunk schedule.
///
/// Reports of different shards of one sweep [`merge`](Report::merge) into the report of
/// the whole sweep.
///
/// # Examples
///
/// ```
/// use simloop::explore::Explorer;
/// use simloop::{Policy, spawn, yield_now};
///
/// let report = Explorer::new().policy(Policy::Random).runs(20).explore(|| async {
///     let a = spawn(async { yield_now().await });
///     a.await.unwrap();
/// });
/// assert_eq!(report.runs, 20);
/// assert!(report.passed());
/// assert!(report.distinct >= 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// The policy explored.
    pub policy: Policy,
    /// Runs made (in a stopped sweep: up to and including the first failure).
    pub runs: u64,
    /// Distinct schedules seen: distinct [`crate::Trace::fingerprint`]s.
    pub distinct: usize,
    /// Failing runs.
    pub failures: u64,
    /// The first failure, in seed order (in schedule order for exhaustive search).
    pub failure: Option<Failure>,
    /// The most tasks any run spawned (PCT's `n`).
    pub max_tasks: u64,
    /// The most scheduling decisions any run made.
    pub max_decisions: u64,
    /// PCT only: the run length `k`, in decisions, over which the change points were spread,
    /// learned from the sweep's pilot runs (offsets 0, 1, 2, 4, 8, ...); the bound of
    /// [`Report::pct_guarantee`] holds for bugs whose ordering constraints fall within it.
    pub pct_horizon: Option<u64>,
    /// Exhaustive search only: how the search ended ([`Explorer::exhaustive`]).
    ///
    /// [`Explorer::exhaustive`]: crate::explore::Explorer::exhaustive
    pub coverage: Option<Coverage>,
    /// The run budget or the wall-clock budget stopped the sweep before its last seed.
    pub stopped_by_budget: bool,
    /// The fingerprints behind `distinct`, kept so that shard reports merge exactly.
    pub fingerprints: BTreeSet<u64>,
}

/// A failing run: what failed, how to replay it, and the smallest failing schedule found.
/// Its `Display` is the full report: failure, trace tail, shrunk trace, and how to rerun.
///
/// # Examples
///
/// ```
/// use simloop::{explore::Explorer, spawn};
/// let report = Explorer::new().runs(3).explore(|| async {
///     spawn(async { panic!("boom") }).await.unwrap();
/// });
/// let failure = report.failure.unwrap();
/// assert_eq!(failure.seed, 0);
/// assert!(failure.message.contains("boom"));
/// // Explorer::explore does not read SIMLOOP_REPLAY (Explorer::check does): the report
/// // says how to replay in code.
/// assert!(failure.to_string().contains("replay in code:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The run's seed.
    pub seed: u64,
    /// The run's policy.
    pub policy: Policy,
    /// The run's replay token.
    pub token: Token,
    /// What failed: the run error, the unobserved panic, or the failed invariant.
    pub message: String,
    /// The failing run's trace around the failing event (the panic the message quotes, else
    /// the run's end), from a run made again from the token with the full trace.
    pub trace_excerpt: String,
    /// The shrunk schedule, when shrinking was on and the failure reproduced.
    pub shrunk: Option<Shrunk>,
    /// The test to name in the rerun hint (the test thread's name), if known.
    pub test: Option<String>,
    /// Whether the exploration was made by [`crate::explore::Explorer::check`], which
    /// reads `SIMLOOP_REPLAY`, so that the report may print the command that reruns the
    /// test.
    pub(crate) rerunnable: bool,
    /// Whether the run replayed a token recorded from another program
    /// ([`crate::RunError::WrongProgram`]): the report then says how to go on instead of how
    /// to replay.
    pub(crate) other_program: bool,
}

/// A small failing schedule found by [`crate::explore::Explorer::shrink_token`] (and by
/// explorations, which shrink their first failure).
///
/// # Examples
///
/// ```
/// use simloop::{Sim, explore::Explorer, spawn};
/// let prog = || async { spawn(async { panic!("boom") }).await.unwrap() };
/// let failure = Explorer::new().runs(1).explore(prog).failure.unwrap();
/// let shrunk = failure.shrunk.unwrap();
/// assert_eq!(shrunk.deviations, 0); // it fails in asyncio's order too
/// assert!(Sim::new().replay(&shrunk.token).run(prog()).failure().is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Shrunk {
    /// Its replay token: replays exactly with [`crate::Sim::replay`].
    pub token: Token,
    /// Why it fails (may differ in wording from the original failure).
    pub message: String,
    /// Its full trace.
    pub trace: String,
    /// Decisions that differ from the FIFO choice (index 0).
    pub deviations: usize,
    /// Ready-queue steps the run took.
    pub steps: u64,
    /// Task switches: polls whose task differs from the previous poll's (async tasks are
    /// never preempted; this is how interleaved the schedule is).
    pub switches: u64,
    /// Deviations of the schedule shrinking started from.
    pub original_deviations: usize,
    /// Steps of the run shrinking started from.
    pub original_steps: u64,
    /// Task switches of the run shrinking started from.
    pub original_switches: u64,
    /// Candidate schedules tried.
    pub tries: u64,
}

/// Progress of an exploration, handed to the callback of
/// [`crate::explore::Explorer::on_progress`] after every run.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let last = Arc::new(Mutex::new(None));
/// let l = last.clone();
/// simloop::explore::Explorer::new().runs(2)
///     .on_progress(move |p| *l.lock().unwrap() = Some(*p))
///     .explore(|| async {});
/// let p = last.lock().unwrap().unwrap();
/// assert_eq!((p.done, p.total, p.failures), (2, 2, 0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Runs finished so far (in completion order, so not deterministic across jobs).
    pub done: u64,
    /// Runs planned (the shard's share of the seed range).
    pub total: u64,
    /// Failing runs so far.
    pub failures: u64,
    /// Distinct schedules so far.
    pub distinct: usize,
}

impl Report {
    pub(crate) fn empty(policy: Policy) -> Report {
        Report {
            policy,
            runs: 0,
            distinct: 0,
            failures: 0,
            failure: None,
            max_tasks: 0,
            max_decisions: 0,
            pct_horizon: None,
            coverage: None,
            stopped_by_budget: false,
            fingerprints: BTreeSet::new(),
        }
    }

    /// True when no run failed.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(3).explore(|| async {});
    /// assert!(r.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.failures == 0
    }

    /// PCT's lower bound on the probability that one run finds a bug of depth `depth`:
    /// `1 / (n k^(depth-1))` for the most tasks `n` seen and the run length `k` the change
    /// points were spread over ([`Report::pct_horizon`]; the most decisions seen when the
    /// report has none). It holds for bugs whose ordering constraints fall within the first
    /// `k` decisions.
    ///
    /// ```
    /// use simloop::{Policy, explore::Explorer, spawn};
    /// let r = Explorer::new().policy(Policy::Pct { depth: 2 }).runs(5)
    ///     .explore(|| async { spawn(async {}).await.unwrap() });
    /// let p = r.pct_guarantee(2);
    /// assert!(p > 0.0 && p <= 1.0);
    /// ```
    pub fn pct_guarantee(&self, depth: u32) -> f64 {
        let n = self.max_tasks.max(1) as f64;
        let k = self.pct_horizon.unwrap_or(self.max_decisions).max(1) as f64;
        1.0 / (n * k.powi(depth.saturating_sub(1) as i32))
    }

    /// Combines the reports of two shards (or two sweeps) of the same program: counts add,
    /// fingerprints unite, and the failure with the lower seed is kept.
    ///
    /// ```
    /// use simloop::{Policy, explore::Explorer, spawn, yield_now};
    /// let prog = || async { spawn(async { yield_now().await }).await.unwrap() };
    /// let e = Explorer::new().policy(Policy::Random).runs(10);
    /// let whole = e.clone().explore(prog);
    /// let merged = e.clone().shard(0, 2).explore(prog).merge(e.shard(1, 2).explore(prog));
    /// assert_eq!(merged.runs, whole.runs);
    /// assert_eq!(merged.distinct, whole.distinct);
    /// ```
    #[must_use]
    pub fn merge(mut self, other: Report) -> Report {
        self.runs += other.runs;
        self.failures += other.failures;
        self.max_tasks = self.max_tasks.max(other.max_tasks);
        self.max_decisions = self.max_decisions.max(other.max_decisions);
        self.pct_horizon = self.pct_horizon.max(other.pct_horizon);
        self.stopped_by_budget |= other.stopped_by_budget;
        if self.coverage != other.coverage {
            self.coverage = None;
        }
        self.fingerprints.extend(other.fingerprints);
        self.distinct = self.fingerprints.len();
        self.failure = match (self.failure.take(), other.failure) {
            (Some(a), Some(b)) => Some(if b.seed < a.seed { b } else { a }),
            (a, b) => a.or(b),
        };
        self
    }
}

/// `1 run`, `2 runs`: a count and its noun, plural unless one.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.coverage {
            Some(coverage) => write!(
                f,
                "exhaustive search (depth-first, FIFO first): {}; {}, {} failing",
                coverage.describe(self.runs),
                count(self.distinct as u64, "distinct schedule"),
                self.failures
            )?,
            None => write!(
                f,
                "{} under {}, {}, {} failing",
                count(self.runs, "run"),
                self.policy,
                count(self.distinct as u64, "distinct schedule"),
                self.failures
            )?,
        }
        if let (Policy::Pct { depth }, None) = (self.policy, self.coverage) {
            write!(
                f,
                "; PCT guarantee per run for a bug of depth {depth} within the first k decisions: >= 1/(n k^(d-1)) = {:.2e} (n={} tasks; k={} decisions, learned from the pilot runs; the longest run made {})",
                self.pct_guarantee(depth),
                self.max_tasks,
                self.pct_horizon.unwrap_or(self.max_decisions),
                self.max_decisions
            )?;
        }
        if self.stopped_by_budget {
            write!(f, "; stopped by the wall-clock budget")?;
        }
        writeln!(f)?;
        if let Some(failure) = &self.failure {
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}

/// How an exhaustive search ([`crate::explore::Explorer::exhaustive`]) ended.
///
/// # Examples
///
/// ```
/// use simloop::explore::{Bounds, Coverage, Explorer};
/// use simloop::{spawn, yield_now};
/// let prog = || async {
///     let a = spawn(async { yield_now().await });
///     let b = spawn(async { yield_now().await });
///     a.await.unwrap();
///     b.await.unwrap();
/// };
/// let all = Explorer::new().exhaustive(Bounds::default(), prog);
/// assert_eq!(all.coverage, Some(Coverage::Complete));
/// let bounded = Explorer::new().exhaustive(Bounds { max_deviations: 1, ..Bounds::default() }, prog);
/// assert_eq!(bounded.coverage, Some(Coverage::WithinBounds { deviations: Some(1), depth: None }));
/// assert!(bounded.runs < all.runs);
/// let text = bounded.to_string();
/// assert!(text.contains(&format!("every schedule within the bounds ran ({})", bounded.runs)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Coverage {
    /// Every schedule of the program ran: no bound cut a branch. For a deterministic program
    /// a passing report is a proof.
    Complete,
    /// Every schedule within the bounds ran; the bounds named here hid others.
    WithinBounds {
        /// `Some(bound)` when the deviation bound hid a schedule.
        deviations: Option<usize>,
        /// `Some(bound)` when the depth bound hid a schedule.
        depth: Option<usize>,
    },
    /// The search stopped at its first failure ([`crate::explore::Explorer::stop_on_failure`]).
    StoppedAtFailure,
    /// The run budget ([`crate::explore::Bounds::max_runs`]) stopped the search before it ran
    /// out of schedules.
    RunBudget,
}

impl Coverage {
    /// Whether every schedule of the program ran.
    ///
    /// ```
    /// assert!(simloop::explore::Coverage::Complete.is_complete());
    /// assert!(!simloop::explore::Coverage::RunBudget.is_complete());
    /// ```
    pub fn is_complete(self) -> bool {
        self == Coverage::Complete
    }
}

impl Coverage {
    /// How the search ended, after `runs` runs.
    fn describe(self, runs: u64) -> String {
        match self {
            Coverage::Complete => format!(
                "every schedule of the program ran ({runs}): the schedule space was fully covered"
            ),
            Coverage::WithinBounds { deviations, depth } => {
                let mut cut = Vec::new();
                if let Some(d) = deviations {
                    cut.push(format!("at most {d} deviation(s) from FIFO"));
                }
                if let Some(d) = depth {
                    cut.push(format!("only the first {d} decisions varied"));
                }
                format!(
                    "every schedule within the bounds ran ({runs}); cut by the bound(s): {}",
                    cut.join(", ")
                )
            }
            Coverage::StoppedAtFailure => {
                format!("stopped at the first failure after {}", count(runs, "run"))
            }
            Coverage::RunBudget => format!(
                "stopped by the run budget (Bounds::max_runs) after {runs} runs, with schedules left"
            ),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "failing run: seed {} under policy {}: {}",
            self.seed, self.policy, self.message
        )?;
        write!(f, "{}", self.trace_excerpt)?;
        let token = match &self.shrunk {
            Some(s) => {
                writeln!(
                    f,
                    "--- shrunk schedule: {} deviation(s) from FIFO, {} task switches, {} steps (from {}, {}, {}; {} tries); it fails with: {} ---",
                    s.deviations,
                    s.switches,
                    s.steps,
                    s.original_deviations,
                    s.original_switches,
                    s.original_steps,
                    s.tries,
                    s.message.lines().next().unwrap_or_default()
                )?;
                write!(f, "{}", s.trace)?;
                &s.token
            }
            None => &self.token,
        };
        if self.other_program {
            writeln!(f, "--- how to go on ---")?;
            return writeln!(
                f,
                "the token {} replayed was recorded from another program: run the test without it to explore this one afresh",
                if self.rerunnable {
                    REPLAY_ENV
                } else {
                    "the run"
                }
            );
        }
        writeln!(f, "--- how to replay ---")?;
        writeln!(f, "replay token:     {token}")?;
        if self.shrunk.is_some() {
            writeln!(f, "original token:   {}", self.token)?;
        }
        writeln!(
            f,
            "replay in code:   sim.replay(&\"{token}\".parse().unwrap()).run(..), sim being the explorer's Sim"
        )?;
        // Only Explorer::check reads SIMLOOP_REPLAY: the command is printed where it works.
        if let (true, Some(test)) = (self.rerunnable, &self.test) {
            writeln!(f, "rerun this test:  {}", rerun_command(token, test))?;
        }
        Ok(())
    }
}

//! The explorer: run a program over many schedules, in parallel and in shards.

use std::fmt;
use std::future::Future;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use super::horizon::Horizon;
use super::judge::{judge, verdict};
use super::quiet::quietly;
use super::report::{Failure, Progress, Report};
use super::sweep::{Record, Sweep};
use crate::schedule::{Custom, Policy, Token, test_name};
use crate::sim::{RunError, Sim};
use crate::trace::{TraceLevel, excerpt};

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Runs a program over many schedules and reports the first failure, shrunk, with the
/// exact way to rerun it.
///
/// The program is a factory (`Fn() -> impl Future`): every run builds it afresh. A run
/// fails when [`crate::Outcome::failure`] says so (a panic, a failed assertion, a deadlock,
/// a step or time limit, an unobserved task panic) or when the optional check of
/// [`Explorer::explore_checked`] rejects the main future's value.
///
/// Panics inside explored runs are caught and reported, not printed (the explorer wraps
/// the panic hook to silence its own threads while they run programs).
///
/// Seeds `seed .. seed + runs` are run, each under the policy; `shard(i, n)` keeps the
/// seeds whose offset is `i` modulo `n`; `jobs(j)` runs them on `j` threads (each run stays
/// on one thread; one job runs on the calling thread). Results are merged in seed order, so
/// the report does not depend on `j`: when the sweep stops at a failure, it is always the
/// lowest failing seed.
///
/// Runs are cheap: an exploring run records no trace and keeps only its schedule's
/// fingerprint and counters; a failing run is run again from its token with the full trace
/// for the report. Under [`Policy::Pct`] the run length the change points are spread over
/// is learned from the sweep's pilot runs (offsets 0, 1, 2, 4, ...; a run uses those up to
/// half its offset), which keeps every run a function of its seed and the sweep's first
/// seed, whatever the jobs and shards.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use simloop::{Policy, explore::Explorer, spawn, yield_now};
///
/// // A lost update: two tasks read, yield, then write back.
/// let report = Explorer::new().policy(Policy::Random).runs(200).explore(|| async {
///     let n = Rc::new(Cell::new(0));
///     let tasks: Vec<_> = (0..2).map(|_| {
///         let n = n.clone();
///         spawn(async move { let v = n.get(); yield_now().await; n.set(v + 1) })
///     }).collect();
///     for t in tasks { t.await.unwrap() }
///     assert_eq!(n.get(), 2, "lost update");
/// });
/// let failure = report.failure.expect("found");
/// assert!(failure.message.contains("lost update"));
/// assert!(failure.to_string().contains("replay in code:"));
/// ```
#[derive(Clone)]
pub struct Explorer {
    pub(super) sim: Sim,
    policy: Policy,
    seeds: Range<u64>,
    jobs: usize,
    shard: (u64, u64),
    stop_on_failure: bool,
    shrink: bool,
    pub(super) shrink_tries: u64,
    budget: Option<Duration>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Explorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explorer")
            .field("policy", &self.policy)
            .field("seeds", &self.seeds)
            .field("jobs", &self.jobs)
            .field("shard", &self.shard)
            .field("stop_on_failure", &self.stop_on_failure)
            .field("shrink", &self.shrink)
            .finish_non_exhaustive()
    }
}

impl Default for Explorer {
    fn default() -> Explorer {
        Explorer::new()
    }
}

impl Explorer {
    /// An explorer of 100 runs (seeds 0..100) under [`Policy::Random`], one job, stopping
    /// at the first failure and shrinking it (at most 5,000 tries), with [`Sim::new`]'s
    /// limits.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().explore(|| async {});
    /// assert_eq!(r.runs, 100);
    /// ```
    pub fn new() -> Explorer {
        Explorer {
            sim: Sim::new(),
            policy: Policy::Random,
            seeds: 0..100,
            jobs: 1,
            shard: (0, 1),
            stop_on_failure: true,
            shrink: true,
            shrink_tries: 5_000,
            budget: None,
            progress: None,
        }
    }

    /// Uses this simulation's settings (limits, timer jitter) for every run; its seed,
    /// policy and replay are replaced by the explorer's, and its trace level does not
    /// matter: exploring runs record no trace, and the report's runs (a failing run again,
    /// the shrunk schedule) record everything.
    ///
    /// ```
    /// use simloop::{Sim, explore::Explorer, yield_now};
    /// let r = Explorer::new().runs(1).sim(Sim::new().max_steps(50))
    ///     .explore(|| async { loop { yield_now().await } });
    /// assert!(r.failure.unwrap().message.contains("step limit"));
    /// ```
    pub fn sim(mut self, sim: Sim) -> Explorer {
        self.sim = sim;
        self
    }

    /// Sets the policy.
    ///
    /// ```
    /// use simloop::{Policy, explore::Explorer};
    /// let r = Explorer::new().policy(Policy::Pct { depth: 3 }).runs(2).explore(|| async {});
    /// assert_eq!(r.policy, Policy::Pct { depth: 3 });
    /// ```
    pub fn policy(mut self, policy: Policy) -> Explorer {
        self.policy = policy;
        self
    }

    /// Runs `n` seeds starting at the current first seed (0 unless [`Explorer::seed`] set it).
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().seed(50).runs(7).explore(|| async {});
    /// assert_eq!(r.runs, 7);
    /// ```
    pub fn runs(mut self, n: u64) -> Explorer {
        self.seeds = self.seeds.start..self.seeds.start.saturating_add(n);
        self
    }

    /// Sets the first seed, keeping the number of runs.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(3).seed(10).explore(|| async {});
    /// assert_eq!(r.runs, 3);
    /// ```
    pub fn seed(mut self, first: u64) -> Explorer {
        let n = self.seeds.end - self.seeds.start;
        self.seeds = first..first.saturating_add(n);
        self
    }

    /// Runs exactly these seeds.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().seeds(5..9).explore(|| async {});
    /// assert_eq!(r.runs, 4);
    /// ```
    pub fn seeds(mut self, seeds: Range<u64>) -> Explorer {
        self.seeds = seeds;
        self
    }

    /// Runs on `jobs` threads (at least 1). Each run is single-threaded and the report is
    /// the same for any number of jobs (except [`Progress`] order and budget stops).
    ///
    /// ```
    /// use simloop::explore::Explorer;
    /// let prog = || async { simloop::spawn(async {}).await.unwrap() };
    /// assert_eq!(Explorer::new().jobs(2).explore(prog), Explorer::new().explore(prog));
    /// ```
    pub fn jobs(mut self, jobs: usize) -> Explorer {
        self.jobs = jobs.max(1);
        self
    }

    /// Keeps shard `index` of `count`: the seeds whose offset from the first seed is
    /// `index` modulo `count` (`sim explore --shard i/n`). Merge the shards' reports with
    /// [`Report::merge`].
    ///
    /// # Panics
    ///
    /// When `count` is 0 or `index >= count`.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(10).shard(1, 3).explore(|| async {});
    /// assert_eq!(r.runs, 3); // offsets 1, 4, 7
    /// ```
    pub fn shard(mut self, index: u64, count: u64) -> Explorer {
        assert!(
            count > 0 && index < count,
            "simloop: shard {index}/{count} does not exist (need index < count)"
        );
        self.shard = (index, count);
        self
    }

    /// Whether to stop at the first failure (default) or run every seed and count failures.
    ///
    /// ```
    /// use simloop::explore::Explorer;
    /// let r = Explorer::new().runs(5).stop_on_failure(false).explore(|| async { panic!("x") });
    /// assert_eq!((r.runs, r.failures), (5, 5));
    /// ```
    pub fn stop_on_failure(mut self, stop: bool) -> Explorer {
        self.stop_on_failure = stop;
        self
    }

    /// Whether to shrink the first failure (default: yes, trying at most `tries` schedules).
    ///
    /// ```
    /// use simloop::explore::Explorer;
    /// let r = Explorer::new().runs(1).shrink(false, 0).explore(|| async { panic!("x") });
    /// assert!(r.failure.unwrap().shrunk.is_none());
    /// ```
    pub fn shrink(mut self, on: bool, tries: u64) -> Explorer {
        self.shrink = on;
        self.shrink_tries = tries;
        self
    }

    /// Stops starting new runs once this much **wall-clock** time has passed. Only the
    /// number of runs depends on it, never a run itself; a report cut by the budget says so
    /// in [`Report::stopped_by_budget`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let r = simloop::explore::Explorer::new().runs(10).budget(Duration::from_secs(60))
    ///     .explore(|| async {});
    /// assert_eq!(r.runs, 10);
    /// ```
    pub fn budget(mut self, budget: Duration) -> Explorer {
        self.budget = Some(budget);
        self
    }

    /// Calls `progress` after every run (from the calling thread), e.g. to drive a progress
    /// bar.
    ///
    /// ```
    /// use std::sync::{Arc, atomic::{AtomicU64, Ordering}};
    /// let seen = Arc::new(AtomicU64::new(0));
    /// let s = seen.clone();
    /// simloop::explore::Explorer::new().runs(4)
    ///     .on_progress(move |p| s.store(p.done, Ordering::Relaxed))
    ///     .explore(|| async {});
    /// assert_eq!(seen.load(Ordering::Relaxed), 4);
    /// ```
    pub fn on_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Explorer {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The seeds this explorer runs (before sharding), its policy and its jobs.
    ///
    /// ```
    /// use simloop::{Policy, explore::Explorer};
    /// let e = Explorer::new().seed(4).runs(2).jobs(3);
    /// assert_eq!(e.plan(), (4..6, Policy::Random, 3));
    /// ```
    pub fn plan(&self) -> (Range<u64>, Policy, usize) {
        (self.seeds.clone(), self.policy, self.jobs)
    }

    /// Explores the program; a run fails when [`crate::Outcome::failure`] is `Some`.
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(5).explore(|| async { 1 + 1 });
    /// assert!(r.passed());
    /// ```
    pub fn explore<P, F>(&self, program: P) -> Report
    where
        P: Fn() -> F + Sync,
        F: Future + 'static,
    {
        self.explore_checked(program, |_| Ok(()))
    }

    /// Explores the program; a run also fails when `check` rejects the main future's value
    /// (an invariant on the final state).
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(5)
    ///     .explore_checked(|| async { 3 }, |v| if *v == 3 { Ok(()) } else { Err(format!("{v}")) });
    /// assert!(r.passed());
    /// ```
    pub fn explore_checked<P, F, C>(&self, program: P, check: C) -> Report
    where
        P: Fn() -> F + Sync,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String> + Sync,
    {
        let (first, stride) = (self.seeds.start + self.shard.0, self.shard.1);
        let total = (self.seeds.end.saturating_sub(first)).div_ceil(stride);
        let seed_of = |j: u64| first + j * stride;
        // Exploring runs record no trace: the fingerprint and the token come from the
        // decisions, and a failing run is run again from its token for the report.
        let base = self.sim.clone().trace(TraceLevel::Off).policy(self.policy);
        // PCT runs spread their change points over the run length learned by the pilots.
        let horizon = Horizon::default();
        let sim_at = |offset: u64, horizon: u64| {
            let sim = base.clone().seed(self.seeds.start + offset);
            match self.policy {
                Policy::Pct { depth } => sim.custom(Custom::pct(depth, horizon)),
                _ => sim,
            }
        };
        let pilot = |offset: u64, h: u64| sim_at(offset, h).run(program()).stats.decisions;
        let pct = matches!(self.policy, Policy::Pct { .. });
        let run = |j: u64| {
            let offset = self.shard.0 + j * stride;
            let h = if pct { horizon.at(offset, &pilot) } else { 0 };
            let out = sim_at(offset, h).run(program());
            if pct {
                horizon.ran(offset, out.stats.decisions);
            }
            let judged = judge(&out);
            let failed = verdict(&out, &check).map(|message| (message, out.token));
            Record {
                index: j,
                judged,
                failed,
            }
        };
        let sweep = Sweep {
            total,
            jobs: self.jobs,
            stop_on_failure: self.stop_on_failure,
            deadline: self.budget.map(|b| std::time::Instant::now() + b),
            progress: self.progress.as_deref(),
        };
        let (tally, cut) = sweep.run(&run);
        let mut report = Report::empty(self.policy);
        report.stopped_by_budget = cut;
        report.runs = tally.runs;
        report.failures = tally.failures;
        report.max_tasks = tally.max_tasks;
        report.max_decisions = tally.max_decisions;
        report.distinct = tally.fingerprints.len();
        report.fingerprints = tally.fingerprints;
        report.pct_horizon = pct.then(|| horizon.learned());
        if let Some((j, message, token)) = tally.first_failure {
            let mut failure = self.failure(seed_of(j), token, message, &program, &check);
            if self.shrink {
                failure.shrunk = self.shrink_checked(&failure.token, &program, &check);
            }
            report.failure = Some(failure);
        }
        report
    }

    /// The report of a failing run: it runs again from its token with the full trace (runs
    /// are deterministic), and the trace excerpt is centred on the failing event.
    pub(crate) fn failure<P, F, C>(
        &self,
        seed: u64,
        token: Token,
        message: String,
        program: &P,
        check: &C,
    ) -> Failure
    where
        P: Fn() -> F,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String> + ?Sized,
    {
        let full = self.sim.clone().trace(TraceLevel::Full);
        let out = quietly(|| full.replay(&token).run(program()));
        let message = match verdict(&out, check) {
            Some(again) if again == message => message,
            Some(again) => format!(
                "{message}\n(run again from its token, it failed differently: {again}; is the program deterministic?)"
            ),
            None => format!(
                "{message}\n(run again from its token, it passed: is the program deterministic? Explorer::check_determinism tells)"
            ),
        };
        let trace_excerpt = excerpt(&out.trace, &message);
        Failure {
            seed,
            policy: token.policy(),
            token,
            message,
            trace_excerpt,
            shrunk: None,
            test: test_name(),
            rerunnable: false,
            other_program: false,
        }
    }

    /// Explores like [`Explorer::explore`] after applying the environment
    /// ([`Explorer::from_env`]), and panics with the full report on a failure: made for
    /// `#[test]`s. With `SIMLOOP_REPLAY` set for this test (`<test>=<token>`, or a bare
    /// `<token>` for every test: [`Token::from_env`]), runs that one recorded schedule
    /// instead; the failure report prints that command.
    ///
    /// # Panics
    ///
    /// When a run fails (the message holds the failure, the trace tail, the shrunk schedule
    /// and how to rerun it), or an environment variable is unusable.
    ///
    /// ```
    /// use simloop::{explore::Explorer, spawn};
    /// let report = Explorer::new().runs(10).check(|| async { spawn(async {}).await.unwrap() });
    /// assert_eq!(report.runs, 10);
    /// ```
    #[track_caller]
    pub fn check<P, F>(&self, program: P) -> Report
    where
        P: Fn() -> F + Sync,
        F: Future + 'static,
    {
        self.check_with(program, |_| Ok(()))
    }

    /// [`Explorer::check`] with an invariant on the main future's value.
    ///
    /// # Panics
    ///
    /// As [`Explorer::check`].
    ///
    /// ```
    /// let r = simloop::explore::Explorer::new().runs(3)
    ///     .check_with(|| async { 7 }, |v| if *v == 7 { Ok(()) } else { Err("not 7".into()) });
    /// assert!(r.passed());
    /// ```
    #[track_caller]
    pub fn check_with<P, F, C>(&self, program: P, check: C) -> Report
    where
        P: Fn() -> F + Sync,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String> + Sync,
    {
        let mut report = match Token::from_env() {
            Some(token) => self.replay_checked(&token, &program, &check),
            None => self.clone().from_env().explore_checked(&program, &check),
        };
        if let Some(failure) = &mut report.failure {
            failure.rerunnable = true;
            let message = failure.message.clone();
            panic!("simloop exploration failed: {report}\n{message}");
        }
        report
    }

    /// Runs one recorded schedule and reports it like an exploration of one run.
    fn replay_checked<P, F, C>(&self, token: &Token, program: &P, check: &C) -> Report
    where
        P: Fn() -> F,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String>,
    {
        let out = quietly(|| self.sim.clone().replay(token).run(program()));
        let judged = judge(&out);
        let mut report = Report::empty(token.policy());
        report.runs = 1;
        report.fingerprints.insert(judged.fingerprint);
        report.distinct = 1;
        report.max_tasks = judged.tasks;
        report.max_decisions = judged.decisions;
        if let Some(message) = verdict(&out, check) {
            report.failures = 1;
            let trace_excerpt = excerpt(&out.trace, &message);
            report.failure = Some(Failure {
                seed: token.seed(),
                policy: token.policy(),
                token: token.clone(),
                message,
                trace_excerpt,
                shrunk: None,
                test: test_name(),
                rerunnable: false,
                other_program: matches!(out.result, Err(RunError::WrongProgram(_))),
            });
        }
        report
    }

    pub(crate) fn base_sim(&self) -> Sim {
        self.sim.clone().policy(self.policy).seed(self.seeds.start)
    }

    pub(crate) fn policy_value(&self) -> Policy {
        self.policy
    }

    pub(crate) fn stops_on_failure(&self) -> bool {
        self.stop_on_failure
    }

    pub(crate) fn shrinks(&self) -> bool {
        self.shrink
    }
}

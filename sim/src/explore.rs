//! `sim explore` and `sim shrink` on simloop's explorer (`simloop::explore`): many seeded
//! runs of a scenario, judged by its expectations, on several threads, merged in seed order.

use std::io::IsTerminal as _;
use std::ops::Range;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use simloop::explore::{Explorer, Shrunk};
use simloop::{Policy, Sim, Token, TraceLevel};

use crate::expect;
use crate::interp;
use crate::scenario::Scenario;

/// The first failing run of an exploration.
#[derive(Clone, Debug)]
pub struct FirstFailure {
    /// Its seed.
    pub seed: u64,
    /// Its replay token.
    pub token: Token,
    /// What failed.
    pub message: String,
}

/// What an exploration found.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Runs made.
    pub runs: u64,
    /// Distinct schedules (distinct trace fingerprints) among them.
    pub distinct_schedules: usize,
    /// Failing runs.
    pub failures: u64,
    /// The first failing run, by seed.
    pub first: Option<FirstFailure>,
    /// The first failure shrunk to as few deviations from FIFO as the search found.
    pub shrunk: Option<Shrunk>,
}

/// How to explore.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The policy.
    pub policy: Policy,
    /// The seeds (B excluded).
    pub seeds: Range<u64>,
    /// `(i, n)`: only seeds at positions `i, i + n, ...` of the range.
    pub shard: Option<(u64, u64)>,
    /// Threads.
    pub jobs: usize,
    /// Shrink the first failure.
    pub shrink: bool,
    /// Show a progress bar (only when standard error is a terminal).
    pub progress: bool,
    /// Stop at the first failing seed (the lowest, whatever the jobs) instead of running
    /// them all.
    pub stop_on_failure: bool,
}

fn explorer(scenario: &Scenario, plan: &Plan) -> Explorer {
    let mut ex = Explorer::new()
        .sim(interp::with_limits(scenario, &Sim::new()))
        .policy(plan.policy)
        .seeds(plan.seeds.clone())
        .jobs(plan.jobs.max(1))
        .stop_on_failure(plan.stop_on_failure)
        .shrink(plan.shrink, 2_000);
    if let Some((i, n)) = plan.shard {
        ex = ex.shard(i, n);
    }
    ex
}

/// Runs `scenario` once per seed of `plan` and judges each run by its expectations.
///
/// ```
/// use std::sync::Arc;
/// use simloop::Policy;
/// use simloop_cli::{explore, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ yield = 1 }]").unwrap());
/// let plan = explore::Plan { policy: Policy::Random, seeds: 0..3, shard: None, jobs: 2, shrink: false, progress: false, stop_on_failure: true };
/// let summary = explore::explore(&scn, &plan);
/// assert_eq!((summary.runs, summary.failures), (3, 0));
/// ```
pub fn explore(scenario: &Arc<Scenario>, plan: &Plan) -> Summary {
    let mut ex = explorer(scenario, plan);
    let show = plan.progress && std::io::stderr().is_terminal();
    let bar = if show {
        let (planned, _, _) = ex.plan();
        let total = match plan.shard {
            Some((i, n)) => (planned.end.saturating_sub(planned.start + i)).div_ceil(n),
            None => planned.end - planned.start,
        };
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {msg} [{elapsed}]")
                .expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    if show {
        let b = bar.clone();
        ex = ex.on_progress(move |p| {
            b.set_position(p.done);
            b.set_message(format!(
                "{} failures, {} distinct schedules",
                p.failures, p.distinct
            ));
        });
    }
    let scn = Arc::clone(scenario);
    let check_scn = Arc::clone(scenario);
    let report = ex.explore_checked(
        move || interp::program(&scn),
        move |facts| expect::check_facts(&check_scn, facts),
    );
    bar.finish_and_clear();
    let (first, shrunk) = match report.failure {
        Some(f) => (
            Some(FirstFailure {
                seed: f.seed,
                token: f.token.clone(),
                message: failure_message(scenario, &f.token, &f.message),
            }),
            f.shrunk.clone(),
        ),
        None => (None, None),
    };
    Summary {
        runs: report.runs,
        distinct_schedules: report.distinct,
        failures: report.failures,
        first,
        shrunk,
    }
}

/// What the failing run of `token` broke, as `sim replay` would say it (a limit the
/// interpreter stopped the run at shows to the explorer as a step limit); `fallback` when the
/// replay passes.
fn failure_message(scenario: &Arc<Scenario>, token: &Token, fallback: &str) -> String {
    let report = interp::run(scenario, &Sim::new().replay(token).trace(TraceLevel::Logs));
    let failures = expect::failures(scenario, &report);
    if failures.is_empty() {
        fallback.to_string()
    } else {
        failures.join("; ")
    }
}

/// Shrinks a failing run of `scenario`: the smallest failing schedule the search finds
/// (fewest deviations from FIFO, then fewest steps), or `None` if `token` does not fail.
///
/// ```
/// use std::sync::Arc;
/// use simloop_cli::{explore, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ log = \"hi\" }]").unwrap());
/// let token = "sl1:fifo:0:AGto0Qs".parse().unwrap();
/// assert!(explore::shrink(&scn, &token).is_none(), "a passing run has nothing to shrink");
/// ```
pub fn shrink(scenario: &Arc<Scenario>, token: &Token) -> Option<Shrunk> {
    let scn = Arc::clone(scenario);
    let check_scn = Arc::clone(scenario);
    Explorer::new()
        .sim(interp::with_limits(scenario, &Sim::new()))
        .shrink_token_checked(
            token,
            move || interp::program(&scn),
            move |facts| expect::check_facts(&check_scn, facts),
        )
}

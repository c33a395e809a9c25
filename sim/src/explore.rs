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
    /// What failed: one item per broken expectation, as `sim run` lists them (a deadlock's
    /// report spans several lines).
    pub message: Vec<String>,
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
    /// Every seed gives the same run (no scheduling choice, no random draw), so one run
    /// stood for them all.
    pub same_for_all: bool,
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

/// Runs `scenario` once per seed of `plan` and judges each run by its expectations; once
/// in all when every seed gives the same run.
pub fn explore(scenario: &Arc<Scenario>, plan: &Plan) -> Summary {
    if let Some(summary) = one_run_for_all(scenario, plan) {
        return summary;
    }
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
        same_for_all: false,
    }
}

/// When every seed gives the same run, that run's summary: a seed only matters through the
/// scheduling choices (none when no two entries are ever ready together) and the program's
/// random draws (none without `random` steps and random durations). `sim explore FILE --runs
/// 1000000000` of such a scenario then ends after one run instead of running a billion
/// identical ones.
fn one_run_for_all(scenario: &Arc<Scenario>, plan: &Plan) -> Option<Summary> {
    use crate::scenario::{Dur, Step, any_step};
    let draws = |s: &Step| {
        matches!(
            s,
            Step::Random { .. }
                | Step::Sleep(Dur::Random { .. })
                | Step::Timeout {
                    limit: Some(Dur::Random { .. }),
                    ..
                }
        )
    };
    let tasks = std::iter::once(&scenario.main).chain(&scenario.tasks);
    if tasks.into_iter().any(|t| any_step(&t.steps, &draws)) {
        return None;
    }
    let first = match plan.shard {
        Some((i, _)) => plan.seeds.start.checked_add(i)?,
        None => plan.seeds.start,
    };
    if first >= plan.seeds.end {
        return None;
    }
    let sim = Sim::new()
        .policy(plan.policy)
        .seed(first)
        .trace(TraceLevel::Logs);
    let report = interp::run(scenario, &sim);
    if report.outcome.stats.decisions != 0 {
        return None;
    }
    let failures = expect::failures(scenario, &report);
    let failed = !failures.is_empty();
    Some(Summary {
        runs: 1,
        distinct_schedules: 1,
        failures: u64::from(failed),
        first: failed.then(|| FirstFailure {
            seed: first,
            token: report.outcome.token.clone(),
            message: failures,
        }),
        shrunk: None,
        same_for_all: true,
    })
}

/// What the failing run of `token` broke, as `sim replay` would say it (a limit the
/// interpreter stopped the run at shows to the explorer as a step limit); `fallback` when the
/// replay passes.
fn failure_message(scenario: &Arc<Scenario>, token: &Token, fallback: &str) -> Vec<String> {
    let report = interp::run(scenario, &Sim::new().replay(token).trace(TraceLevel::Logs));
    let failures = expect::failures(scenario, &report);
    if failures.is_empty() {
        vec![fallback.to_string()]
    } else {
        failures
    }
}

/// Shrinks a failing run of `scenario`: the smallest failing schedule the search finds
/// (fewest deviations from FIFO, then fewest steps), or `None` if `token` does not fail.
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

#[cfg(test)]
mod examples {
    #[test]
    fn explore_runs_each_seed_or_one_run_for_all() {
        use crate::{explore, scenario};
        use simloop::Policy;
        use std::sync::Arc;

        let two = "[tasks.t]\nsteps = [{ yield = 1 }]\n[main]\nsteps = [{ spawn = \"t\" }, { yield = 1 }]";
        let scn = Arc::new(scenario::parse("s.toml", two).unwrap());
        let plan = explore::Plan {
            policy: Policy::Random,
            seeds: 0..3,
            shard: None,
            jobs: 2,
            shrink: false,
            progress: false,
            stop_on_failure: true,
        };
        let summary = explore::explore(&scn, &plan);
        assert_eq!(
            (summary.runs, summary.failures, summary.same_for_all),
            (3, 0, false)
        );
        // One task: no seed changes anything.
        let one = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ yield = 1 }]").unwrap());
        let summary = explore::explore(&one, &plan);
        assert_eq!((summary.runs, summary.same_for_all), (1, true));
    }

    /// `sim shrink` of a passing FIFO run where several tasks are ready together (the
    /// bundled factorial_gather) printed "shrunk: 0 deviation(s)" and the passing run,
    /// exit 0, instead of saying there is nothing to shrink.
    #[test]
    fn a_passing_fifo_run_with_tasks_ready_together_has_nothing_to_shrink() {
        use crate::{explore, interp, scenario};
        use simloop::Sim;
        use std::sync::Arc;

        let three = "[tasks.t]\nsteps = [{ sleep = 1 }, { log = \"t\" }]\n[main]\nsteps = [{ spawn = \"t\", count = 3, as = \"ts\" }, { await = \"ts\" }]\n[expect]\nelapsed = 1";
        let scn = Arc::new(scenario::parse("s.toml", three).unwrap());
        let token = interp::run(&scn, &Sim::new()).outcome.token;
        assert!(explore::shrink(&scn, &token).is_none());
    }

    #[test]
    fn a_passing_run_has_nothing_to_shrink() {
        use crate::{explore, scenario};
        use std::sync::Arc;

        let scn =
            Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ log = \"hi\" }]").unwrap());
        let token = "sl3:fifo:0:yR-XYhc4XgIAs-zeBA".parse().unwrap();
        assert!(
            explore::shrink(&scn, &token).is_none(),
            "a passing run has nothing to shrink"
        );
    }
}

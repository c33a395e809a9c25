//! `sim explore`: many seeded runs of one scenario, on several threads, merged in seed order.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use simloop::{Policy, Sim, TraceLevel};

use crate::expect;
use crate::interp;
use crate::scenario::Scenario;

/// One explored run.
#[derive(Clone, Debug)]
pub struct RunSummary {
    /// Its seed.
    pub seed: u64,
    /// Its replay token.
    pub token: String,
    /// Broken expectations (empty: it passed).
    pub failures: Vec<String>,
}

/// What an exploration found.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Every run, in seed order.
    pub runs: Vec<RunSummary>,
    /// Distinct decision sequences among them.
    pub distinct_schedules: usize,
}

impl Summary {
    /// The first failing run, by seed.
    pub fn first_failure(&self) -> Option<&RunSummary> {
        self.runs.iter().find(|r| !r.failures.is_empty())
    }

    /// How many runs failed.
    pub fn failures(&self) -> usize {
        self.runs.iter().filter(|r| !r.failures.is_empty()).count()
    }
}

/// Runs `scenario` once per seed under `policy` on `jobs` threads, with a progress bar on a
/// terminal when `progress` is set. Results are in seed order whatever `jobs` is.
///
/// ```
/// use std::sync::Arc;
/// use simloop::Policy;
/// use simloop_cli::{explore, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ yield = 1 }]").unwrap());
/// let summary = explore::explore(&scn, Policy::Random, &[0, 1, 2], 2, false);
/// assert_eq!(summary.runs.len(), 3);
/// assert_eq!(summary.failures(), 0);
/// ```
pub fn explore(
    scenario: &Arc<Scenario>,
    policy: Policy,
    seeds: &[u64],
    jobs: usize,
    progress: bool,
) -> Summary {
    let bar = if progress && std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(seeds.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {msg} [{elapsed}]")
            .expect("a valid template"),
    );
    bar.set_message("0 failures");
    let jobs = jobs.clamp(1, seeds.len().max(1));
    let mut runs: Vec<(RunSummary, u64)> = Vec::with_capacity(seeds.len());
    let failed = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|j| {
                let (bar, failed) = (&bar, &failed);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    for &seed in seeds.iter().skip(j).step_by(jobs) {
                        let sim = Sim::new().seed(seed).policy(policy).trace(TraceLevel::Logs);
                        let report = interp::run(scenario, &sim);
                        let failures = expect::failures(scenario, &report);
                        if !failures.is_empty() {
                            let n = failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                            bar.set_message(format!("{n} failures"));
                        }
                        let schedule = schedule_key(report.outcome.token.decisions());
                        let token = report.outcome.token.to_string();
                        mine.push((
                            RunSummary {
                                seed,
                                token,
                                failures,
                            },
                            schedule,
                        ));
                        bar.inc(1);
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            runs.extend(h.join().expect("an exploration thread does not panic"));
        }
    });
    bar.finish_and_clear();
    runs.sort_by_key(|(r, _)| r.seed);
    let distinct: BTreeSet<u64> = runs.iter().map(|(_, k)| *k).collect();
    Summary {
        distinct_schedules: distinct.len(),
        runs: runs.into_iter().map(|(r, _)| r).collect(),
    }
}

/// A hash of a run's decision sequence (FNV-1a over index and arity).
fn schedule_key(decisions: &[simloop::schedule::Decision]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for d in decisions {
        for b in d
            .index
            .to_le_bytes()
            .into_iter()
            .chain(d.arity.to_le_bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

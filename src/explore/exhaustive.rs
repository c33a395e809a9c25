//! Bounded exhaustive search: every schedule of a small program, depth-first.

use std::future::Future;

use super::explorer::Explorer;
use super::judge::judge;
use super::quiet::quietly;
use super::report::{Failure, Report};
use crate::schedule::Decision;

/// Limits of [`Explorer::exhaustive`].
///
/// # Examples
///
/// ```
/// let b = simloop::explore::Bounds { max_deviations: 2, ..Default::default() };
/// assert_eq!(b.max_depth, 1_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// At most this many decisions per schedule differ from the FIFO choice (a preemption
    /// bound in the sense of CHESS: most bugs need few).
    pub max_deviations: usize,
    /// Only the first `max_depth` decisions of a run are varied; later ones take the FIFO
    /// choice.
    pub max_depth: usize,
    /// Stop after this many runs.
    pub max_runs: u64,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            max_deviations: usize::MAX,
            max_depth: 1_000,
            max_runs: 100_000,
        }
    }
}

impl Explorer {
    /// Runs every schedule of the program within `bounds`, depth-first in lexicographic
    /// order of choices (all-FIFO first), replaying each schedule's prefix and varying the
    /// deepest decision that still has an untried alternative. Stops at the first failure
    /// unless [`Explorer::stop_on_failure`] says otherwise, and shrinks it like
    /// [`Explorer::explore`]. The explorer's seed and policy only label tokens (and seed the
    /// program's own randomness); its seed range, jobs and shard are not used.
    ///
    /// [`Report::covered`] is `Some(true)` when the search ran out of schedules without a
    /// bound cutting a branch: then every schedule of the program was run (given the
    /// program is deterministic), and a passing report is a proof for this program.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{explore::{Bounds, Explorer}, spawn, yield_now};
    ///
    /// let report = Explorer::new().exhaustive(Bounds::default(), || async {
    ///     let a = spawn(async { yield_now().await });
    ///     let b = spawn(async {});
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// });
    /// assert!(report.passed());
    /// assert_eq!(report.covered, Some(true));
    /// assert!(report.runs > 1);
    /// ```
    pub fn exhaustive<P, F>(&self, bounds: Bounds, program: P) -> Report
    where
        P: Fn() -> F,
        F: Future + 'static,
    {
        self.exhaustive_checked(bounds, program, |_| Ok(()))
    }

    /// [`Explorer::exhaustive`] with an invariant on the main future's value.
    ///
    /// ```
    /// use simloop::{explore::{Bounds, Explorer}, spawn};
    /// let r = Explorer::new().exhaustive_checked(Bounds::default(),
    ///     || async { spawn(async { 2 }).await.unwrap() },
    ///     |v| if *v == 2 { Ok(()) } else { Err("not 2".into()) });
    /// assert!(r.passed());
    /// ```
    pub fn exhaustive_checked<P, F, C>(&self, bounds: Bounds, program: P, check: C) -> Report
    where
        P: Fn() -> F,
        F: Future + 'static,
        C: Fn(&F::Output) -> Result<(), String>,
    {
        let sim = self.base_sim();
        let mut report = Report::empty(self.policy_value());
        let mut prefix: Vec<u32> = Vec::new();
        let mut pruned = false;
        let mut stopped = false;
        loop {
            if report.runs >= bounds.max_runs {
                stopped = true;
                break;
            }
            let out = quietly(|| sim.clone().follow(&prefix).run(program()));
            let judged = judge(&out, &check);
            report.runs += 1;
            report.fingerprints.insert(judged.fingerprint);
            report.max_tasks = report.max_tasks.max(judged.tasks);
            report.max_decisions = report.max_decisions.max(judged.decisions);
            if let Some(message) = judged.failure {
                report.failures += 1;
                if report.failure.is_none() {
                    report.failure = Some(Failure {
                        seed: judged.token.seed(),
                        policy: judged.token.policy(),
                        token: judged.token.clone(),
                        message,
                        trace_tail: judged.trace_tail,
                        shrunk: None,
                        test: std::thread::current()
                            .name()
                            .filter(|n| *n != "main")
                            .map(String::from),
                    });
                }
                if self.stops_on_failure() {
                    stopped = true;
                    break;
                }
            }
            let taken: Vec<Decision> = judged.token.decisions().iter().collect();
            match successor(&taken, bounds, &mut pruned) {
                Some(next) => prefix = next,
                None => break,
            }
        }
        report.distinct = report.fingerprints.len();
        report.covered = Some(!pruned && !stopped);
        report.stopped_by_budget = stopped && report.failures == 0;
        if self.shrinks() {
            if let Some(f) = &mut report.failure {
                f.shrunk = self.shrink_checked(&f.token, &program, &check);
            }
        }
        report
    }
}

/// The next schedule in lexicographic order after `run`: bump the deepest decision that has
/// an untried alternative within the bounds, and drop everything after it. Sets `pruned`
/// when a bound hid an alternative.
fn successor(run: &[Decision], bounds: Bounds, pruned: &mut bool) -> Option<Vec<u32>> {
    // Deviations among decisions before each position.
    let mut before = Vec::with_capacity(run.len());
    let mut count = 0;
    for d in run {
        before.push(count);
        count += usize::from(d.index != 0);
    }
    for j in (0..run.len()).rev() {
        let d = run[j];
        if d.index + 1 >= d.arity {
            continue;
        }
        if j >= bounds.max_depth || before[j] + 1 > bounds.max_deviations {
            *pruned = true;
            continue;
        }
        let mut next: Vec<u32> = run[..j].iter().map(|d| d.index).collect();
        next.push(d.index + 1);
        return Some(next);
    }
    None
}

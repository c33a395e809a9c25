//! Bounded exhaustive search: every schedule of a small program, depth-first.

use std::future::Future;

use super::explorer::Explorer;
use super::judge::{judge, verdict};
use super::quiet::quietly;
use super::report::{Coverage, Report};
use crate::schedule::Decision;
use crate::trace::TraceLevel;

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
    /// [`Report::coverage`] says how the search ended: [`Coverage::Complete`] when it ran out
    /// of schedules without a bound cutting a branch (then every schedule of the program
    /// ran, given the program is deterministic, and a passing report is a proof for this
    /// program), [`Coverage::WithinBounds`] when it ran every schedule within the bounds
    /// and names the bounds that hid others, [`Coverage::StoppedAtFailure`] or
    /// [`Coverage::RunBudget`] when it stopped early.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{explore::{Bounds, Coverage, Explorer}, spawn, yield_now};
    ///
    /// let report = Explorer::new().exhaustive(Bounds::default(), || async {
    ///     let a = spawn(async { yield_now().await });
    ///     let b = spawn(async {});
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// });
    /// assert!(report.passed());
    /// assert_eq!(report.coverage, Some(Coverage::Complete));
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
        let sim = self.base_sim().trace(TraceLevel::Off);
        let mut report = Report::empty(self.policy_value());
        let mut prefix: Vec<u32> = Vec::new();
        let mut cut = Cut::default();
        let mut first_failure = None;
        let coverage = quietly(|| {
            loop {
                if report.runs >= bounds.max_runs {
                    return Coverage::RunBudget;
                }
                let out = sim.clone().follow(&prefix).run(program());
                let judged = judge(&out);
                report.runs += 1;
                report.fingerprints.insert(judged.fingerprint);
                report.max_tasks = report.max_tasks.max(judged.tasks);
                report.max_decisions = report.max_decisions.max(judged.decisions);
                let taken: Vec<Decision> = out.token.decisions().iter().collect();
                if let Some(message) = verdict(&out, &check) {
                    report.failures += 1;
                    if first_failure.is_none() {
                        first_failure = Some((message, out.token));
                    }
                    if self.stops_on_failure() {
                        return Coverage::StoppedAtFailure;
                    }
                }
                match successor(&taken, bounds, &mut cut) {
                    Some(next) => prefix = next,
                    None if cut == Cut::default() => return Coverage::Complete,
                    None => {
                        return Coverage::WithinBounds {
                            deviations: cut.deviations.then_some(bounds.max_deviations),
                            depth: cut.depth.then_some(bounds.max_depth),
                        };
                    }
                }
            }
        });
        report.distinct = report.fingerprints.len();
        report.coverage = Some(coverage);
        if let Some((message, token)) = first_failure {
            let mut failure = self.failure(token.seed(), token, message, &program, &check);
            if self.shrinks() {
                failure.shrunk = self.shrink_checked(&failure.token, &program, &check);
            }
            report.failure = Some(failure);
        }
        report
    }
}

/// Which bounds hid an alternative during the search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cut {
    deviations: bool,
    depth: bool,
}

/// The next schedule in lexicographic order after `run`: bump the deepest decision that has
/// an untried alternative within the bounds, and drop everything after it. Notes in `cut`
/// which bound hid an alternative.
fn successor(run: &[Decision], bounds: Bounds, cut: &mut Cut) -> Option<Vec<u32>> {
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
        if j >= bounds.max_depth {
            cut.depth = true;
            continue;
        }
        if before[j] + 1 > bounds.max_deviations {
            cut.deviations = true;
            continue;
        }
        let mut next: Vec<u32> = run[..j].iter().map(|d| d.index).collect();
        next.push(d.index + 1);
        return Some(next);
    }
    None
}

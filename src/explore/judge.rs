//! Judging one run: did it fail, and the little an exploration keeps of it.

use crate::sim::Outcome;
use crate::trace::{EventKind, Trace};

/// What an exploration keeps of a run: a few counters and the schedule's fingerprint. A run
/// that passes keeps nothing else (no trace, no token), which is what makes runs cheap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judged {
    /// [`crate::schedule::DecisionLog::fingerprint`] of the run's decisions.
    pub(crate) fingerprint: u64,
    pub(crate) tasks: u64,
    pub(crate) decisions: u64,
}

/// Why a run failed: [`Outcome::failure`], or `check` rejecting the main future's value.
pub(crate) fn verdict<T, C>(out: &Outcome<T>, check: &C) -> Option<String>
where
    C: Fn(&T) -> Result<(), String> + ?Sized,
{
    out.failure().or_else(|| match &out.result {
        Ok(v) => check(v).err().map(|why| format!("invariant failed: {why}")),
        Err(_) => None,
    })
}

/// The counters and fingerprint of a run.
pub(crate) fn judge<T>(out: &Outcome<T>) -> Judged {
    Judged {
        fingerprint: out.token.decisions().fingerprint(),
        tasks: out.stats.tasks,
        decisions: out.stats.decisions,
    }
}

/// How often the run switched tasks: polls whose task differs from the previous poll's.
/// Async tasks are never preempted, so this is the closest measure of how interleaved a
/// schedule is (0 unless the trace is full).
pub(crate) fn switches(trace: &Trace) -> u64 {
    let mut last = None;
    let mut n = 0;
    for e in trace.events() {
        if matches!(e.kind, EventKind::Poll) {
            if last.is_some() && last != e.task {
                n += 1;
            }
            last = e.task;
        }
    }
    n
}

//! Judging one run: did it fail, and what to keep of it.

use crate::schedule::{Token, fnv1a};
use crate::sim::Outcome;
use crate::trace::{EventKind, Trace};

/// How many trace lines a failure report shows.
pub(crate) const TAIL_LINES: usize = 30;

/// What an exploration keeps of one run (it crosses threads, so no `Outcome<T>`).
pub(crate) struct Judged {
    /// Why the run failed, if it did.
    pub(crate) failure: Option<String>,
    /// The trace fingerprint (distinct schedules).
    pub(crate) fingerprint: u64,
    pub(crate) token: Token,
    /// The last [`TAIL_LINES`] trace lines; empty unless the run failed.
    pub(crate) trace_tail: String,
    pub(crate) tasks: u64,
    pub(crate) decisions: u64,
    pub(crate) steps: u64,
    /// Task switches: consecutive polls of different tasks (see [`switches`]).
    pub(crate) switches: u64,
}

/// A run fails when [`Outcome::failure`] says so, or when `check` rejects its value.
pub(crate) fn judge<T, C>(out: &Outcome<T>, check: &C) -> Judged
where
    C: Fn(&T) -> Result<(), String> + ?Sized,
{
    let failure = out.failure().or_else(|| match &out.result {
        Ok(v) => check(v).err().map(|why| format!("invariant failed: {why}")),
        Err(_) => None,
    });
    let rendered = out.trace.render();
    let trace_tail = if failure.is_some() {
        tail(&rendered, TAIL_LINES)
    } else {
        String::new()
    };
    Judged {
        failure,
        fingerprint: fnv1a(rendered.as_bytes()),
        token: out.token.clone(),
        trace_tail,
        tasks: out.stats.tasks,
        decisions: out.stats.decisions,
        steps: out.stats.steps,
        switches: switches(&out.trace),
    }
}

/// The last `n` lines of `text`, each ending in a newline.
pub(crate) fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for line in &lines[lines.len().saturating_sub(n)..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// How often the run switched tasks: polls whose task differs from the previous poll's.
/// Async tasks are never preempted, so this is the closest measure of how interleaved a
/// schedule is (0 with the trace off).
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

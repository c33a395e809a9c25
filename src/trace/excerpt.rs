//! The part of a failing run's trace a report shows: the lines around the failing event.
//!
//! A failure often surfaces late (a task's panic seen when main joins it, a deadlock after
//! the last task gave up), and the run's last lines are then what happened after it. The
//! excerpt is centred on the event that failed instead: the panic the failure message
//! quotes, else the run's end (a deadlock, a limit, a failed check on the final value),
//! before the cancellations of the tasks the run leaves.

use std::fmt::Write as _;

use super::Trace;

/// Lines shown before the failing event.
const BEFORE: usize = 20;
/// Lines shown after it.
const AFTER: usize = 8;

/// The lines of `trace` around the failing event, the failing one marked `>>`, with a
/// header saying where they are in the trace. Empty when the trace is.
pub(crate) fn excerpt(trace: &Trace, failure: &str) -> String {
    let teardown = format!(" cancel delivered ({})", trace.teardown_label());
    around(&trace.render(), &teardown, failure)
}

/// [`excerpt`] of a rendered trace whose teardown lines end with `teardown`.
fn around(rendered: &str, teardown: &str, failure: &str) -> String {
    let lines: Vec<&str> = rendered.lines().collect();
    if lines.is_empty() {
        return String::new();
    }
    let at = failing_line(&lines, teardown, failure);
    let from = at.saturating_sub(BEFORE);
    let to = (at + AFTER + 1).min(lines.len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "--- trace around the failing event (line {} of {}) ---",
        at + 1,
        lines.len()
    );
    if from > 0 {
        let _ = writeln!(out, "   ... {from} earlier line(s)");
    }
    for (i, line) in lines.iter().enumerate().take(to).skip(from) {
        let mark = if i == at { ">> " } else { "   " };
        let _ = writeln!(out, "{mark}{line}");
    }
    if to < lines.len() {
        let _ = writeln!(out, "   ... {} later line(s)", lines.len() - to);
    }
    out
}

/// The index of the failing event's line: the first panic whose message the failure
/// quotes, else the run's last event before its teardown. A run that ends (its main done,
/// or stopped by a deadlock or a limit) cancels the tasks left, each a `cancel delivered
/// (<why>)` line (`teardown`); those follow the failure, and a deadlock's excerpt once
/// marked the last of them, as if the run had failed there.
fn failing_line(lines: &[&str], teardown: &str, failure: &str) -> usize {
    let quoted = lines.iter().position(|line| {
        line.split_once(" panicked: ")
            .is_some_and(|(_, message)| !message.is_empty() && failure.contains(message))
    });
    quoted.unwrap_or_else(|| {
        let teardown = lines
            .iter()
            .position(|line| line.ends_with(teardown))
            .unwrap_or(lines.len());
        teardown.saturating_sub(1).min(lines.len() - 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(n: usize, panic_at: usize) -> String {
        (0..n)
            .map(|i| {
                if i == panic_at {
                    "t=1 #2 w panicked: boom\n".to_string()
                } else {
                    format!("t=1 #1 main poll {i}\n")
                }
            })
            .collect()
    }

    const ENDED: &str = " cancel delivered (main ended)";

    #[test]
    fn a_quoted_panic_is_the_centre() {
        let text = around(
            &trace(100, 40),
            ENDED,
            "the main future panicked: Panicked { message: \"boom\" }",
        );
        assert!(text.starts_with("--- trace around the failing event (line 41 of 100) ---\n"));
        assert!(text.contains("\n>> t=1 #2 w panicked: boom\n"), "{text}");
        assert!(text.contains("   ... 20 earlier line(s)\n"), "{text}");
        assert!(
            text.contains("main poll 48\n   ... 51 later line(s)\n"),
            "{text}"
        );
    }

    /// A deadlocked `Sim::check` marked `#2 cancel delivered (main ended)`, the run's
    /// teardown, as the failing event.
    #[test]
    fn the_run_end_is_before_the_teardown_of_the_tasks_left() {
        let mut text = trace(10, 99);
        text.push_str("t=1 #1 main cancel delivered (deadlock)\n");
        text.push_str("t=1 #2 cancel delivered (deadlock)\n");
        let teardown = " cancel delivered (deadlock)";
        let text = around(
            &text,
            teardown,
            "deadlock at t=1: 2 tasks wait on each other",
        );
        assert!(
            text.contains("\n>> t=1 #1 main poll 9\n   t=1 #1 main cancel delivered (deadlock)\n"),
            "{text}"
        );
        assert!(text.starts_with("--- trace around the failing event (line 10 of 12) ---\n"));
        // A run made of its teardown only has no earlier event.
        let text = around("t=0 #1 main cancel delivered (main ended)\n", ENDED, "x");
        assert!(text.contains(">> t=0 #1 main cancel delivered"), "{text}");
    }

    /// The teardown of a real deadlocked run is labelled by why it stopped, and the
    /// excerpt still finds it: the marker is on the last poll, not on a teardown line.
    #[test]
    fn a_deadlocked_run_is_marked_before_its_teardown() {
        let out = crate::Sim::new().run(async {
            let _left = crate::spawn(std::future::pending::<()>());
            std::future::pending::<()>().await
        });
        let text = excerpt(&out.trace, "deadlock at t=0");
        assert!(
            text.contains(">> t=0 #2 poll\n   t=0 #1 main cancel delivered (deadlock)\n"),
            "{text}"
        );
        assert!(
            text.ends_with("   t=0 #2 cancel delivered (deadlock)\n"),
            "{text}"
        );
    }

    #[test]
    fn without_a_quoted_panic_the_end_is_the_centre() {
        let text = around(&trace(10, 3), ENDED, "deadlock at t=1");
        assert!(text.ends_with(">> t=1 #1 main poll 9\n"), "{text}");
        assert!(!text.contains("earlier"), "{text}");
        assert_eq!(around("", ENDED, "x"), "");
    }
}

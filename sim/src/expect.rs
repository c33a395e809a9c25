//! Checks a run against the scenario's `[expect]` table.

use simloop::RunError;

use std::time::Duration;

use crate::interp::{Facts, Report, Shared, TaskResult};
use crate::scenario::Scenario;

/// Every expectation the run broke, one sentence each (empty: the run passed).
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{expect, interp, scenario};
///
/// let text = "[vars]\nn = 0\n[main]\nsteps = [{ set = \"n\", value = 1 }]\n[expect]\nvars = { n = 2 }";
/// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
/// let report = interp::run(&scn, &Sim::new());
/// assert_eq!(expect::failures(&scn, &report), ["shared variable `n`: expected 2, got 1"]);
/// ```
pub fn failures(scn: &Scenario, report: &Report) -> Vec<String> {
    let result = report.outcome.result.as_ref();
    judge(
        scn,
        result,
        &report.outcome.trace.logs(),
        &report.shared,
        report.outcome.elapsed,
    )
}

/// [`failures`] for an explorer's check: judges the program's output ([`Facts`]), joined
/// into one message. Run errors (deadlocks, step limits) are the explorer's to report.
pub fn check_facts(scn: &Scenario, facts: &Facts) -> Result<(), String> {
    let shared = facts.shared();
    let logs = shared.logs.clone();
    let failures = judge(scn, Ok(&facts.result), &logs, &shared, facts.elapsed);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

fn judge(
    scn: &Scenario,
    result: Result<&TaskResult, &RunError>,
    logs: &str,
    shared: &Shared,
    elapsed: Duration,
) -> Vec<String> {
    let e = &scn.expect;
    let mut out = Vec::new();
    let lines: Vec<&str> = logs
        .lines()
        .map(|l| l.split_once(' ').map_or("", |(_, rest)| rest))
        .collect();
    match result {
        Ok(Ok(v)) => {
            if let Some(want) = &e.result
                && v.repr() != *want
            {
                out.push(format!("result: expected {want}, got {}", v.repr()));
            }
        }
        Ok(Err(exc)) => out.push(format!("the main task raised {}", exc.repr())),
        Err(RunError::Deadlock(report)) => {
            if e.no_deadlock {
                out.push(format!("deadlock: {report}"));
            }
        }
        Err(other) => out.push(format!("the run failed: {other}")),
    }
    if let Some(want) = &e.logs
        && logs.trim_end() != want.trim_end()
    {
        out.push(format!(
            "logs differ from the expected ones:\n--- expected\n{}\n--- got\n{}",
            want.trim_end(),
            logs.trim_end()
        ));
    }
    for c in &e.contains {
        if !lines.contains(&c.as_str()) {
            out.push(format!("no log line `{c}`"));
        }
    }
    for c in &e.not_contains {
        if lines.contains(&c.as_str()) {
            out.push(format!("unexpected log line `{c}`"));
        }
    }
    if !e.order.is_empty() {
        let mut at = 0;
        for want in &e.order {
            match lines[at..].iter().position(|l| l == want) {
                Some(p) => at += p + 1,
                None => {
                    out.push(format!(
                        "log lines out of order: `{want}` does not follow the previous lines of `order`"
                    ));
                    break;
                }
            }
        }
    }
    for (i, want) in &e.vars {
        let got = shared.vars[*i];
        if got != *want {
            out.push(format!(
                "shared variable `{}`: expected {want}, got {got}",
                scn.vars[*i].0
            ));
        }
    }
    for (i, at_most) in &e.max_concurrency {
        let got = shared.sem_max[*i];
        if got > *at_most {
            out.push(format!(
                "semaphore `{}` had {got} holders at once, expected at most {at_most}",
                scn.semaphores[*i].name
            ));
        }
    }
    if let Some(v) = &shared.violation {
        out.push(format!(
            "invariant `{}` broken at t={} in {} ({})",
            v.invariant, v.time, v.task, v.vars
        ));
    }
    if let Some(want) = e.elapsed
        && elapsed != want
    {
        out.push(format!("elapsed: expected {:?}, got {:?}", want, elapsed));
    }
    out
}

//! Checks a run against the scenario's `[expect]` table.

use simloop::RunError;

use std::time::Duration;

use crate::interp::{Facts, Report, Shared, TaskResult, Value, py_equal};
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
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{expect, interp, scenario};
///
/// let text = "[main]\nsteps = [{ log = \"a\" }, { log = \"b\" }]\n[expect]\norder = [\"b\", \"a\"]\nelapsed = 1";
/// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
/// let facts = Sim::new().run(interp::program(&scn)).result.unwrap();
/// assert_eq!(
///     expect::check_facts(&scn, &facts),
///     Err("log lines out of order: `a` does not follow the previous lines of `order`; elapsed: expected 1s, got 0ns".to_string()),
/// );
/// ```
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
    // A run stopped by a limit did not finish: only why it stopped (and an invariant it broke
    // before) is worth saying.
    if let Some(stop) = stop_reason(result, shared) {
        out.push(stop);
        if let Some(v) = &shared.violation {
            out.push(violation(v));
        }
        return out;
    }
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
        Ok(Err(exc)) => out.push(format!("the main task raised {}", exc.located(&scn.path))),
        Err(RunError::Deadlock(report)) => {
            if e.no_deadlock {
                out.push(report.to_string());
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
        let (got, want) = (&shared.vars[*i], Value::from(*want));
        if !py_equal(got, &want) {
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
        out.push(violation(v));
    }
    if let Some(want) = e.elapsed
        && elapsed != want
    {
        out.push(format!("elapsed: expected {:?}, got {:?}", want, elapsed));
    }
    out
}

fn violation(v: &crate::interp::Violation) -> String {
    match &v.error {
        None => format!(
            "invariant `{}` broken at t={} in {} ({})",
            v.invariant, v.time, v.task, v.vars
        ),
        Some(e) => format!(
            "invariant `{}` could not be evaluated at t={} in {}: {e} ({})",
            v.invariant, v.time, v.task, v.vars
        ),
    }
}

/// Why the run stopped before its end, if a limit stopped it, in the words of the command
/// line (which flag or `[limits]` key raises it).
fn stop_reason(result: Result<&TaskResult, &RunError>, shared: &Shared) -> Option<String> {
    if let Some(why) = shared.stopped {
        return Some(format!("the run stopped: {why}"));
    }
    match result {
        Err(RunError::StepLimit { steps }) => Some(format!(
            "the run stopped: step limit reached after {steps} steps (a runaway loop or a livelock?); raise it with --max-steps or `max_steps` in [limits]"
        )),
        Err(RunError::TimeLimit { limit }) => Some(format!(
            "the run stopped: virtual-time limit of {limit:?} reached with timers still pending; raise it with --max-time or `max_time` in [limits]"
        )),
        Err(RunError::ReplayDiverged { .. } | RunError::WrongProgram(_)) => Some(format!(
            "the run did not follow its replay token: {}",
            result.err().map(ToString::to_string).unwrap_or_default()
        )),
        _ => None,
    }
}

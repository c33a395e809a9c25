//! The bundled scenarios: FIFO trace snapshots, CPython conformance, determinism of the
//! `sim` binary, and `sim check scenarios/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scenario_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "the bundled scenarios are missing");
    v
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

fn sim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn every_scenario_fifo_trace_is_snapshotted() {
    for file in scenario_files() {
        let scn = Arc::new(scenario::load(file.to_str().unwrap()).unwrap());
        let report = interp::run(&scn, &Sim::new());
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("fifo_{stem}"), report.outcome.trace.render());
    }
}

#[test]
fn in_run_facts_agree_with_the_trace() {
    // Explorers judge a run from the program's output (`check_facts`); `sim run` judges it
    // from the trace (`failures`). Both must see the same logs and reach the same verdict.
    for file in scenario_files() {
        let scn = Arc::new(scenario::load(file.to_str().unwrap()).unwrap());
        for sim in [
            Sim::new(),
            Sim::new().policy(simloop::Policy::Random).seed(7),
        ] {
            let out = sim.run(interp::program(&scn));
            let Ok(facts) = &out.result else { continue };
            assert_eq!(facts.shared().logs, out.trace.logs(), "{}", file.display());
            let report = interp::run(&scn, &sim);
            assert_eq!(
                expect::check_facts(&scn, facts).is_ok(),
                expect::failures(&scn, &report).is_empty(),
                "{}",
                file.display()
            );
        }
    }
}

/// Scenarios that are ports of `../shared/conformance` cases: their FIFO log lines must equal
/// CPython's trace byte for byte.
const CONFORMANCE: &[(&str, &str)] = &[
    ("factorial_gather", "001_gather_factorial"),
    ("factorial_gather_reversed", "002_gather_factorial_reversed"),
    ("say_after_sequential", "003_say_after_sequential"),
    ("worker_pool_queue", "008_worker_pool_queue"),
    ("wait_for_timeout", "009_wait_for_timeout"),
    ("gather_return_exceptions", "010_gather_return_exceptions"),
    ("say_after_tasks", "004_say_after_create_task"),
    ("ready_fifo_sleep0", "019_ready_fifo_sleep0"),
    ("busy_yield_freezes_clock", "022_busy_yield_freezes_clock"),
    ("bounded_semaphore", "028_bounded_semaphore_over_release"),
    ("wait_for_task_at_deadline", "101_wait_for_task_at_deadline"),
    ("gather_finished_tasks", "103_gather_finished_tasks"),
    (
        "gather_tasks_first_failure",
        "106_gather_tasks_first_failure",
    ),
    (
        "timeout_skips_semaphore_waiter",
        "111_timeout_skips_semaphore_waiter",
    ),
    ("task_group_scope", "112_task_group_scope"),
    ("gather_lists_cancelled", "113_gather_lists_cancelled"),
    ("task_awaiters_wait_for", "127_task_awaiters_wait_for"),
    ("gather_cancelled_outside", "133_gather_cancelled_outside"),
    ("gather_same_task_twice", "146_gather_same_task_twice"),
    ("semaphore_fifty_urls", "152_semaphore_fifty_urls"),
    ("task_group_wait_for_child", "155_task_group_wait_for_child"),
    ("two_timeouts_one_task", "156_two_timeouts_one_task"),
    (
        "watchdog_breaks_lock_cycle",
        "200_watchdog_breaks_lock_cycle",
    ),
    (
        "timeout_around_task_group",
        "161_timeout_around_task_group.py313",
    ),
    ("event_set_before_wait", "173_event_set_before_wait"),
    ("nested_gather_cancelled", "175_nested_gather_cancelled"),
    ("float_durations", "201_float_durations"),
    ("barrier_abort_reset", "202_barrier_read_abort_reset"),
    ("primitive_state_reads", "203_primitive_state_reads"),
    ("priority_lifo_queues", "204_priority_lifo_queues"),
    ("bare_future", "205_bare_future"),
    ("future_of_cancelled_task", "206_future_of_cancelled_task"),
    ("barrier_wait_for_gives_up", "207_barrier_wait_for_gives_up"),
    ("float_shared_total", "208_float_shared_total"),
    (
        "future_timeout_priority_consumers",
        "209_future_timeout_priority_consumers",
    ),
    (
        "semaphore_lock_event_reads",
        "210_semaphore_lock_event_reads",
    ),
    ("queue_shutdown", "211_queue_shutdown"),
    ("future_callbacks_reads", "212_future_callbacks_reads"),
    (
        "wait_as_completed_timeouts",
        "213_wait_as_completed_timeouts",
    ),
    ("task_names", "214_task_names"),
    ("event_set_clear_set", "302_event_set_clear_set"),
    ("barrier_reset_waiting", "304_barrier_reset_waiting"),
    ("queue_two_joiners", "310_queue_two_joiners"),
    (
        "as_completed_equal_deadlines",
        "318_as_completed_equal_deadlines",
    ),
    ("event_start_semaphore", "342_event_start_semaphore"),
    ("task_callback_after_done", "328_task_callback_after_done"),
    ("future_set_result", "016_future_set_result"),
    ("barrier_event", "123_barrier_event"),
    ("barrier_abort", "138_barrier_abort"),
    ("barrier_rounds", "170_barrier_rounds"),
    ("priority_queue_getters", "172_priority_queue_getters"),
    // Loop callbacks, timeout handles, shield of a task (round 11).
    ("gather_of_futures", "215_gather_bare_futures"),
    (
        "equal_deadlines_armed_from_callbacks",
        "425_equal_deadlines_armed_from_callbacks.fifo",
    ),
    ("shield_existing_task", "105_shield_existing_task"),
    ("call_soon_call_later", "108_call_soon_call_later"),
    ("timeout_reschedule_nested", "118_timeout_reschedule_nested"),
    ("future_set_by_callbacks", "125_future_set_by_callbacks"),
    ("call_soon_later_order", "126_call_soon_later_order"),
    ("timeout_reschedule_past", "142_timeout_at_reschedule_past"),
    ("callbacks_cancel_and_set", "162_callbacks_cancel_and_set"),
    ("timeout_when_reschedule", "316_timeout_when_reschedule"),
    ("wait_for_shielded_task", "317_wait_for_shielded_task"),
    ("equal_time_callbacks", "321_equal_time_callbacks.fifo"),
    ("call_soon_chain", "334_call_soon_chain"),
    ("shield_caller_cancelled", "347_shield_caller_cancelled"),
    (
        "wait_for_shield_caller_cancelled",
        "363_wait_for_shield_caller_cancelled",
    ),
    (
        "future_callbacks_set_and_cancel",
        "370_future_callbacks_set_and_cancel",
    ),
    (
        "call_later_zero_and_cancel",
        "373_call_later_zero_and_cancel",
    ),
    (
        "timeout_rescheduled_by_other_task",
        "374_timeout_rescheduled_by_other_task",
    ),
    (
        "wait_for_shield_inner_fails",
        "380_wait_for_shield_inner_fails",
    ),
    (
        "shielded_task_two_callers_cancelled",
        "401_shielded_task_two_callers_cancelled",
    ),
    (
        "timeout_reschedule_in_group_child",
        "403_timeout_reschedule_in_group_child",
    ),
    (
        "timeout_none_then_reschedule",
        "407_timeout_none_then_reschedule",
    ),
];

#[test]
fn conformance_scenarios_reproduce_cpython_traces() {
    for (name, case) in CONFORMANCE {
        let scn = Arc::new(
            scenario::load(&format!("{}/scenarios/{name}.toml", root().display())).unwrap(),
        );
        let report = interp::run(&scn, &Sim::new());
        let want =
            std::fs::read_to_string(root().join(format!("tests/conformance/{case}.out"))).unwrap();
        assert_eq!(
            report.outcome.trace.logs(),
            want,
            "{name} differs from CPython's {case}"
        );
        assert!(expect::failures(&scn, &report).is_empty(), "{name}");
    }
}

#[test]
fn random_seed_7_runs_are_identical() {
    for file in scenario_files() {
        let f = rel(&file);
        let args = ["run", f.as_str(), "--policy", "random", "--seed", "7"];
        let (a, b) = (sim(&args), sim(&args));
        assert!(!a.stdout.is_empty(), "{f}: no trace printed");
        assert_eq!(a.stdout, b.stdout, "{f}: stdout differs between two runs");
        assert_eq!(a.stderr, b.stderr, "{f}: stderr differs between two runs");
        assert_eq!(a.status.code(), b.status.code(), "{f}");
    }
}

#[test]
fn sim_check_scenarios_passes() {
    let out = sim(&["check", "scenarios"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = scenario_files().len();
    assert!(
        stdout.contains(&format!("{n} scenarios: {n} ok, 0 failed, 0 unreadable")),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok   scenarios/bug_lost_update.toml (bug found as expected"),
        "{stdout}"
    );
}

/// Round 17: `[check] policies` makes each listed policy find the bug; PCT finds the
/// timeout race since an expiry is a step of its task (before, PCT never ran the
/// payment's step before the caller's same-instant expiry: no failure in 1,000 seeds).
#[test]
fn sim_check_requires_each_listed_policy_to_find_the_bug() {
    let out = sim(&["check", "scenarios/bug_timeout_race.toml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("ok   scenarios/bug_timeout_race.toml (bug found as expected: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    for policy in ["random", "pct:1", "pct:3"] {
        assert!(
            line.contains(&format!("/100 {policy} seeds fail, first seed ")),
            "{line}"
        );
    }
    assert!(
        line.contains("replay scenarios/bug_timeout_race.toml sl10:pct1:"),
        "{line}"
    );
    // A policy that does not find it fails the check, naming it.
    let dir = std::env::temp_dir().join(format!("simloop-check-policies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/bug_timeout_race.toml")).unwrap();
    let file = dir.join("t.toml");
    std::fs::write(
        &file,
        text.replace("explore = 100", "explore = 1")
            .replace("\"pct:1\", ", ""),
    )
    .unwrap();
    let out = sim(&["check", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("(expected a bug, none of 1 random seeds found it)"),
        "{stdout}"
    );
}

#[test]
fn a_failing_run_prints_seed_policy_token_and_rerun_command() {
    let out = sim(&["explore", "scenarios/bug_lost_update.toml", "--runs", "100"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("runs (policy random, seeds 0..100)"),
        "{stdout}"
    );
    assert!(stdout.contains("distinct schedules: "), "{stdout}");
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("first failing token: "))
        .expect("a token")
        .to_string();
    assert!(stdout.contains(&format!("replay it: cargo run -q -p simloop-cli --bin sim -- replay scenarios/bug_lost_update.toml {token}")));
    // Replaying the token reproduces the failure, and says how to rerun it.
    let replay = sim(&["replay", "scenarios/bug_lost_update.toml", &token]);
    assert_eq!(replay.status.code(), Some(1));
    let err = String::from_utf8_lossy(&replay.stderr);
    assert!(
        err.contains("shared variable `counter`: expected 2, got 1"),
        "{err}"
    );
    assert!(err.contains("policy: random"), "{err}");
    assert!(err.contains(&format!("replay token: {token}")), "{err}");
    assert!(err.contains(&format!("rerun: cargo run -q -p simloop-cli --bin sim -- replay scenarios/bug_lost_update.toml {token}")), "{err}");
}

#[test]
fn explore_is_the_same_with_more_jobs_and_shards_cover_the_range() {
    let one = sim(&[
        "explore",
        "scenarios/bug_check_then_act.toml",
        "--seeds",
        "0..40",
        "--jobs",
        "1",
        "--keep-going",
    ]);
    let two = sim(&[
        "explore",
        "scenarios/bug_check_then_act.toml",
        "--seeds",
        "0..40",
        "--jobs",
        "2",
        "--keep-going",
    ]);
    assert_eq!(one.stdout, two.stdout);
    let count = |o: &std::process::Output| -> u64 {
        let s = String::from_utf8_lossy(&o.stdout);
        s.lines()
            .find_map(|l| l.strip_prefix("failures: "))
            .unwrap()
            .parse()
            .unwrap()
    };
    let shards: u64 = (0..3)
        .map(|i| {
            count(&sim(&[
                "explore",
                "scenarios/bug_check_then_act.toml",
                "--seeds",
                "0..40",
                "--shard",
                &format!("{i}/3"),
                "--keep-going",
            ]))
        })
        .sum();
    assert_eq!(shards, count(&one));
    assert!(count(&one) > 0);
}

#[test]
fn max_concurrency_and_deadlocks_are_reported() {
    let dir = std::env::temp_dir().join(format!("sim-scn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/semaphore_fetch_50.toml")).unwrap();
    let strict = dir.join("strict.toml");
    std::fs::write(
        &strict,
        text.replace(
            "max_concurrency = { sem = 10 }",
            "max_concurrency = { sem = 9 }",
        ),
    )
    .unwrap();
    let o = sim(&["run", strict.to_str().unwrap(), "--format", "logs"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("semaphore `sem` had 10 holders at once, expected at most 9")
    );
    let o = sim(&[
        "replay",
        "scenarios/bug_lock_order_deadlock.toml",
        "sl10:random:4:O4i6QNwR0gsHAQIBAgECAAIAAgECAQJpV9vo",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("deadlock")
            && err.contains("Lock 'a' held by")
            && err.contains("wait-for cycle"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn explore_shrinks_the_first_failure_and_shrink_reproduces_it() {
    let out = sim(&[
        "explore",
        "scenarios/bug_lost_update.toml",
        "--runs",
        "100",
        "--policy",
        "pct:2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("(policy pct2, seeds 0..100)"), "{stdout}");
    let first = stdout
        .lines()
        .find_map(|l| l.strip_prefix("first failing token: "))
        .expect("a failure")
        .to_string();
    let shrunk_line = stdout
        .lines()
        .find(|l| l.starts_with("shrunk to "))
        .expect("a shrunk schedule");
    let shrunk = shrunk_line.rsplit(' ').next().unwrap().to_string();
    assert!(stdout.contains(&format!("replay the shrunk run: cargo run -q -p simloop-cli --bin sim -- replay scenarios/bug_lost_update.toml {shrunk}")));
    // `sim shrink` on the first failing token finds a failing run no larger, and prints it.
    let o = sim(&[
        "shrink",
        "scenarios/bug_lost_update.toml",
        &first,
        "--format",
        "logs",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("shrunk: "), "{err}");
    assert!(
        err.contains("shared variable `counter`: expected 2, got 1"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).ends_with("counter = 1\n"));
    // The shrunk token replays to the same failure.
    let o = sim(&["replay", "scenarios/bug_lost_update.toml", &shrunk]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_passing_exploration_exits_zero() {
    let out = sim(&["explore", "scenarios/factorial_gather.toml", "--runs", "20"]);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("failures: 0") && s.contains("every run meets the expectations"),
        "{s}"
    );
}

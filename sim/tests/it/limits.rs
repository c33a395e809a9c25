//! Runaway programs (issue 20): loops without awaits, huge repeats, runaway spawns, deep
//! recursion and ever-growing values end with a FAILED report that names the limit and the
//! flag that raises it, and carries the replay token; never a crash, hang or exhausted memory.

use std::process::Command;
use std::rc::Rc;
use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

use crate::support::{Out, scratch, sim_in};

/// Runs `sim run s.toml ARGS` on `text`.
fn sim(text: &str, args: &[&str]) -> Out {
    let dir = scratch("limits");
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &[&["run", "s.toml"], args].concat());
    std::fs::remove_dir_all(dir).unwrap();
    assert!(!o.stderr.contains("overflow"), "{}", o.stderr);
    o
}

/// The run failed with `reason`, a replay token and the command that reruns it.
#[track_caller]
fn stopped(o: &Out, reason: &str) {
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("FAILED: scenario `s` (s.toml)"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(reason),
        "wanted `{reason}` in:\n{}",
        o.stderr
    );
    assert!(o.stderr.contains("replay token: sl3:"), "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!(
            "rerun: {} replay s.toml sl3:",
            env!("CARGO_BIN_EXE_sim")
        )),
        "{}",
        o.stderr
    );
}

const STEPS: &str = "step limit reached after 20000 steps (a runaway loop or a livelock?); raise it with --max-steps or `max_steps` in [limits]";

#[test]
fn loops_without_awaits_stop_at_the_step_limit() {
    let programs = [
        // A `while` whose body never awaits: the clock never reaches its end.
        "[main]\nsteps = [{ while_before = 10, do = [{ log = \"spin\" }] }]",
        // An empty body, too.
        "[main]\nsteps = [{ while_before = 10, do = [] }]",
        "[main]\nsteps = [{ repeat = 1000000000000, do = [{ log = \"x\" }] }]",
        "[main]\nsteps = [{ for = \"k\", from = 0, to = 100000000000, do = [] }]",
        "[main]\nsteps = [{ yield = 1000000000000 }]",
        "[vars]\nn = 0\n[main]\nsteps = [{ repeat = 1000000000000, do = [{ set = \"n\", value = \"{n}\", add = 1 }] }]",
    ];
    for text in programs {
        for format in ["text", "logs", "jsonl", "html"] {
            stopped(
                &sim(text, &["--max-steps", "20000", "--format", format]),
                STEPS,
            );
        }
    }
}

#[test]
fn a_runaway_loop_that_sleeps_stops_at_the_step_limit() {
    let o = sim(
        "[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.001 }] }]",
        &["--max-steps", "20000"],
    );
    stopped(&o, STEPS);
    // A virtual-time limit stops it too, from the file or the command line.
    let text =
        "[limits]\nmax_time = 2\n[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.5 }] }]";
    stopped(
        &sim(text, &[]),
        "virtual-time limit of 2s reached with timers still pending; raise it with --max-time or `max_time` in [limits]",
    );
    stopped(
        &sim(text, &["--max-time", "1"]),
        "virtual-time limit of 1s reached",
    );
}

#[test]
fn the_default_limits_stop_runaways() {
    stopped(
        &sim(
            "[main]\nsteps = [{ repeat = 1000000000000, do = [{ log = \"x\" }] }]",
            &["--format", "logs"],
        ),
        "step limit reached after 1000000 steps",
    );
    stopped(
        &sim(
            "[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = \"t\", count = 1000000000, as = \"ts\" }, { await = \"ts\" }]",
            &["--format", "logs"],
        ),
        "task limit reached: the run spawned more than 20000 tasks and callbacks (a runaway spawn?); raise it with --max-tasks or `max_tasks` in [limits]",
    );
}

#[test]
fn runaway_spawns_stop_at_the_task_limit() {
    let recursive = "[tasks.f]\nsteps = [{ spawn = \"f\", as = \"a\" }, { spawn = \"f\", as = \"b\" }, { await = \"a\" }, { await = \"b\" }]\n[main]\nsteps = [{ call = \"f\" }]";
    stopped(
        &sim(recursive, &["--max-tasks", "500"]),
        "task limit reached: the run spawned more than 500 tasks",
    );
    let gathers = "[tasks.f]\nsteps = [{ gather = [{ call = \"f\" }, { call = \"f\" }] }]\n[main]\nsteps = [{ call = \"f\" }]";
    stopped(
        &sim(gathers, &["--max-tasks", "300"]),
        "more than 300 tasks",
    );
    let shields =
        "[tasks.f]\nsteps = [{ shield = [{ call = \"f\" }] }]\n[main]\nsteps = [{ call = \"f\" }]";
    stopped(
        &sim(shields, &["--max-tasks", "300"]),
        "more than 300 tasks",
    );
    // From the file's [limits], too.
    stopped(
        &sim(&format!("[limits]\nmax_tasks = 40\n{recursive}"), &[]),
        "more than 40 tasks",
    );
}

/// Regression (the hostile corpus, round 7): `explore --jobs 256` of a runaway spawn ran 256
/// threads, each holding a run of 20,000 tasks, and aborted out of memory under a 4 GB cap.
/// `--jobs` runs at most one thread per CPU, and says so when it runs fewer.
#[test]
fn explore_jobs_are_capped_at_the_cpus() {
    let dir = scratch("limits");
    std::fs::write(
        dir.join("s.toml"),
        "[tasks.f]\nsteps = [{ spawn = \"f\", as = \"a\" }, { spawn = \"f\", as = \"b\" }, { await = \"a\" }, { await = \"b\" }]\n[main]\nsteps = [{ call = \"f\" }]",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["explore", "s.toml", "--runs", "4", "--jobs", "256"])
        .args(["--keep-going", "--no-shrink", "--max-tasks", "500"])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("failures: 4"), "{stdout}");
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(
        stderr.contains(&format!(
            "note: --jobs 256 runs {cpus} threads, one per CPU"
        )),
        cpus < 256,
        "{stderr}"
    );
}

#[test]
fn runaway_output_stops_at_the_output_limit_and_printing_is_cut() {
    let text = "[main]\nsteps = [{ repeat = 1000000, do = [{ log = \"a line of output\" }] }]";
    let o = sim(text, &["--max-output", "1000", "--format", "logs"]);
    stopped(
        &o,
        "output limit reached: the run logged more than 1000 bytes (a runaway loop?); raise it with --max-output or `max_output` in [limits]",
    );
    assert!(o.stdout.len() < 1100, "{}", o.stdout.len());
    // The full trace is cut at the limit too, with a line saying so.
    let o = sim(text, &["--max-output", "1000"]);
    assert!(
        o.stdout
            .ends_with("... output cut after 1000 bytes (raise it with --max-output)\n"),
        "{}",
        o.stdout
    );
    // JSON lines still end with the verdict.
    let o = sim(text, &["--max-output", "1000", "--format", "jsonl"]);
    let end: serde_json::Value = serde_json::from_str(o.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(end["event"], "end");
    assert!(
        end["failures"][0]
            .as_str()
            .unwrap()
            .contains("output limit")
    );
}

/// Issue 20: call recursion overflowed the stack (abort, exit 134) at depth 1,000 in debug
/// builds. It is a RecursionError naming the call, also on a 2 MiB thread stack (the
/// explorer's workers, the test harness) in this debug build.
#[test]
fn deep_recursion_is_a_located_error_not_a_stack_overflow() {
    let texts = [
        "[tasks.f]\nparams = [\"n\"]\nsteps = [{ call = \"f\", args = { n = \"{n}\" } }]\n[main]\nsteps = [{ call = \"f\", args = { n = 1 } }]",
        // Recursion from inside nested blocks and combinators that run their body inline.
        "[locks.l]\n[tasks.f]\nsteps = [{ if = \"1 == 1\", do = [{ repeat = 1, do = [{ try = [{ wait_for = 5, do = [{ on_cancel = \"c\", do = [{ call = \"f\" }] }] }], error = \"ValueError\", except = [] }] }] }]\n[main]\nsteps = [{ call = \"f\" }]",
    ];
    for text in texts {
        let scn = Arc::new(scenario::parse("deep.toml", text).unwrap());
        let report = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let report = interp::run(&scn, &Sim::new());
                expect::failures(&scn, &report)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(report.len(), 1, "{report:?}");
        assert!(
            report[0].contains("RecursionError('maximum nesting depth of 200 blocks and calls exceeded (the innermost call: `call = \"f\"` at deep.toml:"),
            "{report:?}"
        );
    }
}

#[test]
fn values_that_grow_without_bound_are_memory_errors() {
    let doubling = "[main]\nsteps = [{ let = \"s\", value = \"ab\" }, { repeat = 64, do = [{ let = \"s\", value = \"{s}{s}\" }] }]";
    stopped(
        &sim(doubling, &[]),
        "the main task raised MemoryError('a string of",
    );
    let lists = "[main]\nsteps = [{ let = \"l\", value = [1] }, { repeat = 64, do = [{ let = \"l\", value = [\"{l}\", \"{l}\"] }] }]";
    stopped(&sim(lists, &[]), "the main task raised MemoryError('");
    let deep = "[main]\nsteps = [{ let = \"l\", value = [1] }, { repeat = 100000, do = [{ let = \"l\", value = [\"{l}\"] }] }]";
    stopped(
        &sim(deep, &[]),
        "MemoryError('lists nested 33 deep (at most 32)')",
    );
}

/// Issue 20: `set ... add` wrapped silently at i64::MAX.
#[test]
fn set_with_add_detects_overflow() {
    let text = "[vars]\nn = 9223372036854775806\n[main]\nsteps = [{ set = \"n\", value = \"{n}\", add = 1 }, { set = \"n\", value = \"{n}\", add = 1 }]";
    stopped(
        &sim(text, &[]),
        "OverflowError('`set = \"n\"`: 9223372036854775807 + 1 does not fit in a 64-bit integer')",
    );
}

#[test]
fn limits_are_checked_where_they_are_written() {
    let bad = [
        (
            "[limits]\nmax_steps = 0\n[main]\nsteps = []",
            "`max_steps` is a limit: a whole number of at least 1",
            "2:13",
        ),
        (
            "[limits]\nmax_time = -1\n[main]\nsteps = []",
            "`max_time` is a number of virtual seconds above 0",
            "2:12",
        ),
        (
            "[limits]\nmax_time = \"soon\"\n[main]\nsteps = []",
            "`max_time` is a number of virtual seconds above 0",
            "2:12",
        ),
        (
            "[limits]\nmax_stepz = 5\n[main]\nsteps = []",
            "unknown key `max_stepz`",
            "2:1",
        ),
    ];
    for (text, message, at) in bad {
        let o = sim(text, &[]);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(o.stderr.contains(message), "{}", o.stderr);
        assert!(o.stderr.contains(&format!("s.toml:{at}")), "{}", o.stderr);
    }
    for (flag, value) in [
        ("--max-steps", "0"),
        ("--max-tasks", "0"),
        ("--max-time", "soon"),
        ("--max-time", "0"),
        ("--max-output", "x"),
    ] {
        let o = sim("[main]\nsteps = []", &[flag, value]);
        assert_eq!(o.code, 2, "{flag} {value}: {}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("invalid value '{value}' for '{flag}")),
            "{}",
            o.stderr
        );
    }
}

/// Fuzzing found `{v:type}` of a list nested 31 deep running for minutes and taking
/// gigabytes (issue 21): a nested list's type names were rendered into a string that each
/// outer level quoted again, doubling the text per level. They are a nested list now.
#[test]
fn type_names_of_nested_lists_stay_linear() {
    let run = |depth: usize| {
        let list = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!(
            "[main]\nsteps = [{{ let = \"v\", expr = \"[0.5, {list}]\" }}, {{ log = \"{{v:type}}\" }}]"
        );
        let scn = Arc::new(scenario::parse("s.toml", &text).unwrap());
        let report = interp::run(&scn, &Sim::new());
        assert!(expect::failures(&scn, &report).is_empty());
        report.outcome.trace.logs()
    };
    assert_eq!(run(2), "t=0 ['float', [['int']]]\n");
    // The deepest list the language takes (32 levels, the outer one included).
    let logs = run(31);
    assert_eq!(
        logs,
        format!("t=0 ['float', {}'int'{}]\n", "[".repeat(31), "]".repeat(31))
    );
}

/// Fuzzing found `sim` killed by a stack overflow (exit 134) on a future whose result is
/// the future itself: its repr recursed without end. It shows `...` where the future
/// recurs, as CPython's `reprlib.recursive_repr` does, here and through a list.
#[test]
fn a_future_holding_itself_renders_with_an_ellipsis() {
    let o = sim(
        "[main]\nsteps = [\n  { create_future = \"f\" },\n  { set_result = \"f\", value = \"{f}\" },\n  { log = \"{f}\" },\n  { create_future = \"g\" },\n  { set_result = \"g\", value = [1, \"{g}\"] },\n  { log = \"{g.result()}\" },\n]\n",
        &["--format", "logs"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "t=0 <Future finished result=...>\nt=0 [1, <Future finished result=[1, ...]>]\n"
    );
}

/// Fuzzing led to `sim` killed by a stack overflow on a chain of futures, each the result
/// of the next, 100,000 long: dropping (or rendering) it recursed once per link. A result
/// nested deeper than lists may nest (32) is a `MemoryError` where it is set.
#[test]
fn a_chain_of_futures_stops_at_the_nesting_limit() {
    let o = sim(
        "[main]\nsteps = [\n  { create_future = \"p\" },\n  { repeat = 100000, do = [\n    { create_future = \"f\" },\n    { set_result = \"f\", value = \"{p}\" },\n    { let = \"p\", value = \"{f}\" },\n  ] },\n]\n",
        &[],
    );
    stopped(
        &o,
        "MemoryError('a result nested 33 deep in lists and futures (at most 32)') (raised at s.toml:6:5)",
    );
}

/// A program that makes a 256 KiB string `s` (17 doublings of "ab"), then `steps`.
fn with_big_string(steps: &str) -> String {
    format!(
        "[queues.q]\n[main]\nsteps = [{{ let = \"s\", value = \"ab\" }}, {{ repeat = 17, do = [{{ let = \"s\", value = \"{{s}}{{s}}\" }}] }}, {steps}]"
    )
}

/// A queue of a million references to one megabyte string took a terabyte (issue 21: 3,000
/// `put`s of one took 3 GB): every copy of a value copied its text. Values are shared now, as
/// in Python: what a task returns, puts or passes is the same string.
#[test]
fn copies_of_a_value_share_it() {
    let text = with_big_string(
        "{ put = \"q\", value = \"{s}\" }, { get = \"q\", as = \"t\" }, { return = [\"{s}\", \"{t}\"] }",
    );
    let scn = Arc::new(scenario::parse("s.toml", &text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    let Ok(Ok(interp::Value::List(items))) = &report.outcome.result else {
        panic!("{:?}", report.outcome.result)
    };
    let [interp::Value::Str(a), interp::Value::Str(b)] = &items[..] else {
        panic!("{items:?}")
    };
    assert_eq!(a.len(), 256 << 10);
    assert!(Rc::ptr_eq(a, b), "the string was copied");
}

/// Shared strings are cheap to hold but not to compare or write out, and a fresh value
/// costs its bytes to make: a list holds at most 1 MiB of strings (each item counted), and
/// making strings and lists costs a step per KiB, so a run makes a GiB or two at most under
/// the default budget (20,000 tasks each given a fresh 2 MB argument took 40 GB).
#[test]
fn big_strings_count_against_the_list_and_step_budgets() {
    let o = sim(
        &with_big_string("{ let = \"l\", value = [\"{s}\", \"{s}\", \"{s}\", \"{s}\", \"{s}\"] }"),
        &[],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "MemoryError('a list holding 1310720 bytes of strings (at most 1048576, nested lists included)')"
        ),
        "{}",
        o.stderr
    );
    // 100 fresh strings of 256 KiB cost 25,600 steps.
    let o = sim(
        &with_big_string("{ repeat = 100, do = [{ let = \"x\", value = \"{s}!\" }] }"),
        &["--max-steps", "20000"],
    );
    stopped(&o, STEPS);
    // So do lists, by their items: the type names of a list of 65,534 (made item by item)
    // put in a queue 300 times took 1.8 GB; 30 of them now cost more than 20,000 steps.
    let o = sim(
        "[queues.q]\n[main]\nsteps = [{ let = \"l\", value = [1, 2] }, { repeat = 14, do = [{ let = \"l\", value = [\"{l}\", \"{l}\"] }] }, { repeat = 30, do = [{ put = \"q\", value = \"{l:type}\" }] }]",
        &["--max-steps", "20000"],
    );
    stopped(&o, STEPS);
}

//! The constructs of round 11: loop callbacks (`call_soon`, `call_later`, `call_at` and
//! their handles), a timeout's handle (`timeout ... as`, `reschedule`, `when()`,
//! `expired()`, `timeout = "None"`), `shield` of an existing task, `loop.time()` and `{x!r}`.
//! Misuse is a located load error; what only the run knows raises where the step is written.
//! Their traces are checked against CPython's in `scenarios.rs` (CONFORMANCE).

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

use crate::errors::rejects;
use crate::support::{scratch, sim_in};

/// Runs `text` under FIFO: its log lines, and the failures of its `[expect]`.
fn run(text: &str) -> (String, Vec<String>) {
    let scn = Arc::new(scenario::parse("s.toml", text).unwrap_or_else(|e| panic!("{e}")));
    let report = interp::run(&scn, &Sim::new());
    (report.outcome.trace.logs(), expect::failures(&scn, &report))
}

#[test]
fn a_callback_handle_is_cancelled_not_awaited() {
    rejects(
        "[main]\nsteps = [{ call_soon = [], as = \"h\" }, { await = \"h\" }]\n",
        "`h` holds a callback handle (bound at 2:33), not a task or a future",
        "2:50",
        Some(
            "a callback handle is not awaitable: cancel it (`{ cancel = \"h\" }`) or read `h.cancelled()`",
        ),
    );
}

#[test]
fn a_loop_callback_cannot_await() {
    rejects(
        "[main]\nsteps = [{ call_later = 1, do = [{ sleep = 1 }] }]\n",
        "`sleep` cannot run in a loop callback: asyncio calls it as a plain function, which cannot await",
        "2:44",
        Some("spawn a task from the callback for work that awaits: `{ spawn = \"T\" }`"),
    );
    // Nested in a call_soon inside a callback, too.
    rejects(
        "[main]\nsteps = [{ call_soon = [{ call_soon = [{ yield = 1 }] }] }]\n",
        "`yield` cannot run in a loop callback",
        "2:50",
        None,
    );
}

/// A callback arms timers (`loop.call_later` from a `call_soon` callback or a
/// done-callback). Round 11 refused it at load while simloop panicked arming a timer between
/// task steps (contained: the run went on without the timer, exit 0); the library's fix
/// (asyncio round, case 425) is merged.
#[test]
fn a_callback_arms_timers() {
    let (logs, failures) = run(r#"
[main]
steps = [
  { create_future = "f" },
  { add_done_callback = "f", do = [{ call_at = 1.5, do = [{ log = "at from a done-callback" }] }] },
  { call_soon = [{ call_later = 1, do = [{ log = "later from call_soon" }] }, { set_result = "f", value = 1 }] },
  { sleep = 2 },
  { log = "end" },
]
[expect]
logs = "t=1000 later from call_soon\nt=1500 at from a done-callback\nt=2000 end\n"
"#);
    assert!(failures.is_empty(), "{failures:?}\n{logs}");
}

#[test]
fn loop_callbacks_need_a_time_and_a_body() {
    rejects(
        "[main]\nsteps = [{ call_later = -1, do = [] }]\n",
        "`call_later` takes a delay from 0 to 1e9 seconds",
        "2:25",
        Some("e.g. `{ call_later = 1.5, do = [{ log = \"tick\" }] }`"),
    );
    rejects(
        "[main]\nsteps = [{ call_at = \"soon\", do = [] }]\n",
        "`call_at` takes a time from 0 to 1e9 seconds since the run began",
        "2:22",
        None,
    );
    rejects(
        "[main]\nsteps = [{ call_later = 1 }]\n",
        "`call_later` needs a `do = [...]` block of steps",
        "2:25",
        None,
    );
}

#[test]
fn reschedule_takes_a_timeout_handle() {
    rejects(
        "[tasks.t]\n[main]\nsteps = [{ spawn = \"t\", as = \"x\" }, { reschedule = \"x\" }]\n",
        "`x` holds a task (bound at 3:30), not a timeout's handle",
        "3:52",
        Some("bind a timeout's handle with `{ timeout = 1, as = \"cm\", do = [...] }`"),
    );
    rejects(
        "[main]\nsteps = [{ reschedule = \"cm\" }]\n",
        "undefined timeout handle `cm`",
        "2:25",
        None,
    );
    rejects(
        "[main]\nsteps = [{ wait_for = 1, as = \"cm\", do = [] }]\n",
        "`wait_for` has no handle to bind",
        "2:31",
        Some("use `{ timeout = 1, as = \"cm\", do = [...] }` (asyncio.timeout) to reschedule it"),
    );
    rejects(
        "[main]\nsteps = [{ timeout = 1, as = \"cm\", do = [] }, { cancel = \"cm\" }]\n",
        "`cm` holds a timeout's handle (bound at 2:30), not a task, a future or a callback handle",
        "2:58",
        None,
    );
    rejects(
        "[main]\nsteps = [{ timeout = \"never\", do = [] }]\n",
        "`timeout` takes from 0 to 1e9 seconds, or \"None\"",
        "2:22",
        None,
    );
}

#[test]
fn shield_takes_steps_a_task_or_a_future() {
    rejects(
        "[main]\nsteps = [{ shield = \"t\" }]\n",
        "undefined task or future `t`",
        "2:21",
        None,
    );
    // A future is shielded since round 26; a callback handle is not.
    rejects(
        "[main]\nsteps = [{ call_soon = [], as = \"h\" }, { shield = \"h\" }]\n",
        "`h` holds a callback handle (bound at 2:33), not a task or a future",
        "2:51",
        None,
    );
    rejects(
        "[main]\nsteps = [{ shield = 3 }]\n",
        "invalid type: integer `3`, expected a list of steps or the local holding a task or a future",
        "2:21",
        None,
    );
}

/// A timeout's handle outlives its block, as `cm` does in Python: it reads `expired()` and
/// refuses `reschedule` with asyncio's `RuntimeError`.
#[test]
fn a_finished_timeout_refuses_reschedule() {
    let (logs, failures) = run(r#"
[main]
steps = [
  { timeout = 1, as = "cm", do = [{ sleep = 0.5 }] },
  { log = "{cm} expired={cm.expired()} when={cm.when()}" },
  { try = [{ reschedule = "cm", at = 5 }], error = "RuntimeError", as = "e", except = [{ log = "{e!r}" }] },
  { try = [{ timeout = 0.25, as = "cm", do = [{ sleep = 1 }] }], error = "TimeoutError", except = [] },
  { log = "{cm} {cm:type}" },
]
[expect]
logs = """
t=500 <Timeout [active] when=1.0> expired=False when=1.0
t=500 RuntimeError('Cannot change state of finished Timeout')
t=750 <Timeout [expired]> Timeout
"""
"#);
    assert!(failures.is_empty(), "{failures:?}\n{logs}");
}

/// A callback's exception is printed, located, and the run goes on (asyncio's loop logs
/// "Exception in callback"); a cancelled handle never runs and says so.
#[test]
fn a_raising_callback_is_reported_and_the_run_goes_on() {
    let dir = scratch("loop-constructs");
    let text = r#"[main]
steps = [
  { call_soon = [{ fail = "ValueError", message = "bad" }] },
  { call_later = 1, do = [{ log = "never" }], as = "h" },
  { log = "{h} {h:type}" },
  { cancel = "h" },
  { sleep = 2 },
  { log = "after, {h} cancelled={h.cancelled()}" },
]
"#;
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "t=0 <TimerHandle> TimerHandle\nt=2000 after, <TimerHandle cancelled> cancelled=True\n"
    );
    assert!(
        o.stderr
            .contains("Exception in callback call_soon: ValueError('bad') (raised at s.toml:3:18)"),
        "{}",
        o.stderr
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `loop.time()` is the run's virtual clock in seconds (a float); a time computed before
/// the run began (`loop.time() - 1` at t=0.5) is in the past, as in asyncio.
#[test]
fn loop_time_reads_the_virtual_clock() {
    let (logs, failures) = run(r#"
[main]
steps = [
  { sleep = 0.5 },
  { log = "{loop.time()} {loop.time():type}" },
  { let = "past", expr = "loop.time() - 1" },
  { call_at = "{past}", do = [{ log = "at {past}" }] },
  { call_soon = [{ log = "soon" }] },
  { yield = 1 },
]
[expect]
logs = "t=500 0.5 float\nt=500 soon\nt=500 at -0.5\n"
"#);
    assert!(failures.is_empty(), "{failures:?}\n{logs}");
}

/// Bug (round 11): `args = { name = "w{i}" }` in a `spawn ... count` rendered the caller's
/// `i` (0) for every task, where the task's `name` saw each index.
#[test]
fn count_spawn_arguments_see_the_index() {
    let (logs, failures) = run(r#"
[tasks.w]
params = ["label"]
steps = [{ log = "{label}" }]
[main]
steps = [
  { let = "i", value = "caller" },
  { spawn = "w", args = { label = "w{i}" }, count = 3, as = "ws" },
  { await = "ws" },
  { log = "i is {i} again" },
]
[expect]
logs = "t=0 w0\nt=0 w1\nt=0 w2\nt=0 i is caller again\n"
"#);
    assert!(failures.is_empty(), "{failures:?}\n{logs}");
}

/// `sim --help` says what the exit statuses mean and where the language is described; a
/// token argument says it may be `@FILE` (a long token is printed so).
#[test]
fn help_texts_name_exit_statuses_and_token_forms() {
    let dir = scratch("help");
    let top = sim_in(&dir, &["--help"]);
    assert_eq!(top.code, 0, "{}", top.stderr);
    for needle in [
        "Exit status: 0 every expectation holds; 1 a run broke",
        "2 bad input",
        "scenarios/README.md",
        "sim replay scenarios/bug_lost_update.toml <TOKEN>",
    ] {
        assert!(
            top.stdout.contains(needle),
            "`{needle}` in:\n{}",
            top.stdout
        );
    }
    for cmd in ["replay", "shrink"] {
        let o = sim_in(&dir, &[cmd, "--help"]);
        assert!(
            o.stdout.contains("or `@FILE` for a long token"),
            "{}",
            o.stdout
        );
    }
    // The first line names every subcommand the list below it has (it once left out
    // `shrink` and `check`).
    let about = top.stdout.lines().next().unwrap();
    let commands = top.stdout.split("Commands:\n").nth(1).unwrap();
    for line in commands.lines().take_while(|l| l.starts_with("  ")) {
        let name = line.split_whitespace().next().unwrap();
        assert!(
            name == "help" || about.contains(name),
            "`{name}` in the first line: {about}"
        );
    }
    let run = sim_in(&dir, &["run", "--help"]);
    assert!(
        run.stdout
            .contains("pct:D (probabilistic concurrency testing"),
        "{}",
        run.stdout
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `sim explore` listed a run's broken expectations joined by `; `, the second one glued
/// to the last line of a deadlock report; each is now an item, as `sim run` lists them.
#[test]
fn explore_lists_each_broken_expectation() {
    let dir = scratch("explore-list");
    let text = "[conditions.c]\n[main]\nsteps = [{ wait_condition = \"c\" }, { log = \"woke\" }]\n[expect]\ncontains = [\"woke\"]\n";
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &["explore", "s.toml", "--runs", "3"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(
        all.contains("\n  - deadlock at t=0: the main task cannot progress"),
        "{all}"
    );
    assert!(
        all.contains("\n      #1 main waits on Condition 'c'\n  - no log line `woke`\n"),
        "{all}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Scheduling callbacks in a loop (the hostile corpus's `callback-flood`) held every
/// callback's steps and locals: 780 MB before the step limit. A callback counts against
/// the task limit, as a task does.
#[test]
fn scheduled_callbacks_count_against_the_task_limit() {
    let dir = scratch("callback-flood");
    let text = "[limits]\nmax_tasks = 50\n[main]\nsteps = [{ repeat = 1000, do = [{ call_later = 1000, do = [{ log = \"x\" }] }] }]\n";
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("task limit reached: the run spawned more than 50 tasks and callbacks"),
        "{}",
        o.stderr
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `t.cancelling()` counts the cancellations requested and not yet delivered, as CPython
/// 3.11-3.13 print it in case 143 (`cancel() twice counts twice`).
#[test]
fn cancelling_counts_requests() {
    let (logs, failures) = run(r#"
[tasks.work]
steps = [{ sleep = 1 }]
[main]
steps = [
  { spawn = "work", as = "t" },
  { yield = 1 },
  { log = "before={t.cancelling()}" },
  { cancel = "t" },
  { cancel = "t" },
  { log = "cancelling={t.cancelling()} {t.cancelling():type}" },
  { try = [{ await = "t" }], error = "CancelledError", except = [{ log = "cancelled={t.cancelled()}" }] },
]
[expect]
logs = "t=0 before=0\nt=0 cancelling=2 int\nt=0 cancelled=True\n"
"#);
    assert!(failures.is_empty(), "{failures:?}\n{logs}");
}

/// A deadlock inside a gather over futures names the gather and what each task waits on.
#[test]
fn a_deadlocked_gather_over_futures_names_its_children() {
    let dir = scratch("gather-deadlock");
    let text = "[tasks.w]\nparams = [\"f\"]\nsteps = [{ await = \"f\" }]\n[main]\nsteps = [{ create_future = \"f\" }, { create_future = \"g\" }, { spawn = \"w\", args = { f = \"{g}\" }, as = \"t\" }, { gather = [{ await = \"f\" }, { await = \"t\" }] }]\n";
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "      #1 main waits on Future 'gather(f, t)'\n      #2 w waits on Future 'g'\n"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("rerun: "), "{}", o.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

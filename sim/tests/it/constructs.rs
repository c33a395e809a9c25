//! The asyncio constructs added to the scenario language after the first release (typed
//! literals, Barrier, Priority and Lifo queues, reads of a primitive's state, futures):
//! misuse is a located load error.

use crate::errors::rejects;

#[test]
fn a_shared_variable_holds_the_numbers_its_declaration_says() {
    rejects(
        "[vars]\nx = 0\n[main]\nsteps = [{ set = \"x\", value = 0.5 }]\n",
        "`x` holds an integer",
        "4:31",
        Some("e.g. `value = 3` or `value = \"{seen}\"`; keep other values in a local (`let`)"),
    );
    rejects(
        "[vars]\nx = 0\n[main]\nsteps = [{ set = \"x\", value = \"{x}\", add = 0.5 }]\n",
        "`add` to `x` must be an integer",
        "4:44",
        Some("e.g. `add = 1`; declare the variable as a float (`total = 0.0`) to add fractions"),
    );
    rejects(
        "[vars]\nx = \"a\"\n[main]\nsteps = []\n",
        "a shared variable holds a number",
        "2:5",
        Some(
            "e.g. `counter = 0` (an integer) or `total = 0.0` (a float); keep other values in a local (`let`)",
        ),
    );
    rejects(
        "[vars]\ntotal = 0.0\n[main]\nsteps = [{ set = \"total\", expr = \"'a'\" }]\n",
        "a float shared variable holds a number, and this is a string",
        "4:35",
        Some("e.g. `{total} + 0.5`"),
    );
    rejects(
        "[vars]\nx = 0\n[main]\nsteps = []\n[expect]\nvars = { x = \"1\" }\n",
        "impossible expectation: a shared variable holds a number",
        "6:14",
        None,
    );
}

/// A float variable takes integers and floats, `add` included, and compares by value.
#[test]
fn a_float_shared_variable_adds_fractions() {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{expect, interp, scenario};

    let text = r#"
[vars]
total = 0.0

[main]
steps = [
  { set = "total", value = 1, add = 0.25 },
  { set = "total", expr = "total * 2" },
  { log = "{total} {total:type}" },
]

[expect]
vars = { total = 2.5 }
"#;
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    assert_eq!(report.outcome.trace.logs(), "t=0 2.5 float\n");
    assert!(expect::failures(&scn, &report).is_empty());
}

#[test]
fn a_barrier_needs_a_party() {
    rejects(
        "[barriers.b]\nparties = 0\n[main]\nsteps = []\n",
        "a barrier needs at least one party",
        "2:11",
        Some("`parties` is how many tasks must wait for the barrier to open, e.g. `parties = 3`"),
    );
}

#[test]
fn barrier_steps_take_a_barrier() {
    rejects(
        "[locks.l]\n[main]\nsteps = [{ wait_barrier = \"l\" }]\n",
        "`l` is a lock, but `wait_barrier` needs a barrier",
        "3:27",
        Some("declare one with [barriers.NAME]"),
    );
    rejects(
        "[barriers.gate]\nparties = 2\n[main]\nsteps = [{ abort_barrier = \"gates\" }]\n",
        "undefined barrier `gates`",
        "4:28",
        Some("did you mean `gate`?"),
    );
    rejects(
        "[barriers.b]\nparties = 2\n[main]\nsteps = [{ reset_barrier = \"b\", as = \"x\" }]\n",
        "key `as` does not go with `reset_barrier`",
        "4:38",
        Some("`reset_barrier` takes no other keys"),
    );
}

#[test]
fn state_reads_name_a_member_of_the_primitive() {
    // In a template: the placeholder is located.
    rejects(
        "[queues.q]\n[main]\nsteps = [{ log = \"size {q.size()}\" }]\n",
        "a queue has no `size()`",
        "3:24",
        Some("did you mean `qsize()`?"),
    );
    // asyncio's spelling: `locked()` is a method, `n_waiting` an attribute.
    rejects(
        "[locks.l]\n[main]\nsteps = [{ log = \"{l.locked}\" }]\n",
        "a lock has no `locked`",
        "3:19",
        Some("did you mean `locked()`?"),
    );
    // In an expression: the read is located within the condition.
    rejects(
        "[barriers.b]\nparties = 2\n[main]\nsteps = [{ if = \"b.n_waiting() > 0\", do = [] }]\n",
        "a barrier has no `n_waiting()`",
        "4:18",
        Some("did you mean `n_waiting`?"),
    );
    rejects(
        "[events.ev]\n[main]\nsteps = [{ if = \"{ev}\", do = [] }]\n",
        "`ev` is an event, not a value",
        "3:18",
        Some("read its state, e.g. `ev.is_set()`"),
    );
    rejects(
        "[vars]\nn = 0\n[main]\nsteps = [{ log = \"{n.done()}\" }]\n",
        "`n` is a shared variable (an integer): it has no `done()`",
        "4:19",
        None,
    );
    rejects(
        "[main]\nsteps = [{ spawn = \"t\", as = \"h\" }, { log = \"{h.value()}\" }]\n[tasks.t]\nsteps = []\n",
        "a task or future has no `value()`",
        "2:46",
        Some(
            "a task or future's state: `done()`, `cancelled()`, `result()`, `exception()`, `get_name()`",
        ),
    );
}

#[test]
fn a_queue_kind_is_fifo_lifo_or_priority() {
    rejects(
        "[queues.q]\nkind = \"heap\"\n[main]\nsteps = []\n",
        "unknown queue kind `heap`",
        "2:8",
        Some(
            "use \"fifo\" (asyncio.Queue, the default), \"lifo\" (LifoQueue) or \"priority\" (PriorityQueue)",
        ),
    );
    rejects(
        "[queues.q]\n[main]\nsteps = [{ put_nowait = \"q\" }]\n",
        "`put_nowait` needs a `value`",
        "3:25",
        Some("e.g. `{ put_nowait = \"jobs\", value = \"job {i}\" }`"),
    );
    rejects(
        "[events.q]\n[main]\nsteps = [{ get_nowait = \"q\" }]\n",
        "`q` is an event, but `get_nowait` needs a queue",
        "3:25",
        Some("declare one with [queues.NAME]"),
    );
}

#[test]
fn immediate_goes_with_shutdown_only() {
    rejects(
        "[queues.q]\n[main]\nsteps = [{ get = \"q\", immediate = true }]\n",
        "key `immediate` does not go with `get`",
        "3:35",
        Some("`get` accepts: as"),
    );
    rejects(
        "[locks.q]\n[main]\nsteps = [{ shutdown = \"q\" }]\n",
        "`q` is a lock, but `shutdown` needs a queue",
        "3:23",
        Some("declare one with [queues.NAME]"),
    );
}

/// A PriorityQueue refuses an item Python cannot order against those queued, with
/// asyncio's TypeError, and puts nothing.
#[test]
fn a_priority_queue_refuses_items_python_cannot_compare() {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{interp, scenario};

    let text = r#"
[queues.pq]
kind = "priority"

[main]
steps = [
  { put_nowait = "pq", value = [1, "a"] },
  { try = [{ put_nowait = "pq", value = [1, 2] }], error = "TypeError", as = "e", except = [
    { log = "refused: {e}" },
  ] },
  { put_nowait = "pq", value = [0, 2] },
  { get_nowait = "pq", as = "x" },
  { return = ["{x}", "{pq.qsize()}"] },
]
"#;
    let scn = Arc::new(scenario::parse("pq.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    assert_eq!(
        report.outcome.trace.logs(),
        "t=0 refused: '<' not supported between [1, 2] and [1, 'a'] (a PriorityQueue orders its items)\n"
    );
    let result = report.outcome.result.unwrap().unwrap();
    assert_eq!(result.repr(), "[[0, 2], 1]");
}

#[test]
fn future_steps_take_a_local_future() {
    rejects(
        "[main]\nsteps = [{ set_result = \"f\", value = 1 }]\n",
        "undefined future `f`",
        "2:25",
        Some("bind it first"),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { set_result = \"f\" }]\n",
        "`set_result` needs a `value`",
        "2:50",
        Some("e.g. `{ set_result = \"fut\", value = 42 }`"),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { set_exception = \"f\", message = \"x\" }]\n",
        "`set_exception` needs the exception's type in `error`",
        "2:53",
        Some("e.g. `{ set_exception = \"fut\", error = \"ValueError\", message = \"boom\" }`"),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f g\" }]\n",
        "a local is a name like `fut`",
        "2:28",
        None,
    );
}

/// Setting a task as if it were a future raises TypeError in the task, naming the local
/// (here a parameter, whose kind only the run knows; `errors.rs` has the located error for a
/// local known to hold a task).
#[test]
fn a_future_step_on_a_task_raises_type_error() {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{interp, scenario};

    let text = "[tasks.t]\nsteps = []\n[tasks.setter]\nparams = [\"h\"]\nsteps = [{ set_result = \"h\", value = 1 }]\n[main]\nsteps = [{ spawn = \"t\", as = \"h\" }, { call = \"setter\", args = { h = \"{h}\" } }]\n";
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    let err = report.outcome.result.unwrap().unwrap_err();
    assert_eq!(err.repr(), "TypeError('`h` is <Task t>, not a future')");
}

/// Regression: an `on_cancel` line was rendered when its block began, so a read of state in
/// it (`{ev.is_set()}`, a shared variable) showed the values of that moment, not those of
/// the cancellation, which Python's `except CancelledError` block prints.
#[test]
fn an_on_cancel_line_reads_state_when_the_cancellation_arrives() {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{interp, scenario};

    let text = r#"
[vars]
n = 0

[events.ev]

[tasks.t]
steps = [{ on_cancel = "cancelled: set={ev.is_set()} n={n}", do = [{ sleep = 5 }] }]

[main]
steps = [
  { spawn = "t", as = "h" },
  { sleep = 1 },
  { set_event = "ev" },
  { set = "n", value = 7 },
  { cancel = "h" },
  { try = [{ await = "h" }], error = "CancelledError", except = [] },
]
"#;
    let scn = Arc::new(scenario::parse("c.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    assert_eq!(
        report.outcome.trace.logs(),
        "t=1000 cancelled: set=True n=7\n"
    );
}

/// A deadlock report names a barrier and a queue as declared: the barrier's waits were
/// reported as "Condition 'barrier'", the condition it is built on.
#[test]
fn a_deadlock_report_names_the_barrier() {
    use crate::support::{scratch, sim_in};

    let dir = scratch("barrier-deadlock");
    std::fs::write(
        dir.join("dl.toml"),
        "[barriers.gate]\nparties = 3\n[queues.jobs]\nkind = \"priority\"\n[tasks.p]\nsteps = [{ wait_barrier = \"gate\" }]\n[tasks.g]\nsteps = [{ get = \"jobs\" }]\n[main]\nsteps = [{ spawn = \"p\", as = \"a\" }, { spawn = \"p\", as = \"b\" }, { spawn = \"g\" }, { await = \"a\" }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "dl.toml"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    for line in [
        "#2 p waits on Barrier 'gate'",
        "#3 p waits on Barrier 'gate'",
        "#4 g waits on Queue get 'jobs'",
    ] {
        assert!(o.stderr.contains(line), "no `{line}` in:\n{}", o.stderr);
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A done-callback is a plain function in asyncio: a step that awaits is refused where it is
/// written, nested ones too; the callback needs a body and a task or future to watch.
#[test]
fn a_done_callback_refuses_steps_that_await() {
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\", do = [{ if = \"true\", do = [{ sleep = 1 }] }] }]\n",
        "`sleep` cannot run in a done-callback: asyncio calls it as a plain function, which cannot await",
        "2:99",
        Some("spawn a task from the callback for work that awaits"),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\" }]\n",
        "`add_done_callback` needs a `do = [...]` block of steps",
        "2:57",
        None,
    );
    rejects(
        "[main]\nsteps = [{ add_done_callback = \"g\", do = [] }]\n",
        "undefined task or future `g`",
        "2:32",
        None,
    );
    rejects(
        "[queues.q]\n[main]\nsteps = [{ log = \"{q.result()}\" }]\n",
        "a queue has no `result()`",
        "3:19",
        None,
    );
}

/// Expressions take `None` and list literals; a list left open, an item missing, and `None`
/// compared with a number are located errors.
#[test]
fn none_and_list_literals_in_expressions() {
    rejects(
        "[main]\nsteps = [{ let = \"x\", expr = \"[1, 2\" }]\n",
        "`[` is never closed",
        "2:31",
        Some("add the `]` that ends the list"),
    );
    rejects(
        "[main]\nsteps = [{ let = \"x\", expr = \"[1,, 2]\" }]\n",
        "a list's items are values separated by `,`, and `]` ends it",
        "2:34",
        None,
    );
    rejects(
        "[main]\nsteps = [{ if = \"1 == None\", do = [] }]\n",
        "`==` cannot compare an integer and None",
        "2:18",
        None,
    );
    let logs = run_logs(
        "[main]\nsteps = [{ let = \"x\", expr = \"[]\" }, { let = \"y\", expr = \"[{x}, [1, 'a'], None,]\" }, { if = \"{y} > [[], [0]] and y.2 == None\", do = [{ log = \"{y} {y.2:type}\" }] }]\n",
    );
    assert_eq!(logs, "t=0 [[], [1, 'a'], None] NoneType\n");
}

/// An exception inside a done-callback is reported (asyncio's "Exception in callback") and
/// the run goes on; a callback on something that is not a task or future raises TypeError
/// where it is added.
#[test]
fn a_failing_done_callback_does_not_stop_the_run() {
    let logs = run_logs(
        "[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\", do = [{ fail = \"ValueError\", message = \"in callback\" }] }, { set_result = \"f\", value = 1 }, { yield = 1 }, { log = \"goes on\" }]\n",
    );
    assert_eq!(logs, "t=0 goes on\n");
    let text = "[tasks.watch]\nparams = [\"x\"]\nsteps = [{ add_done_callback = \"x\", do = [] }]\n[main]\nsteps = [{ call = \"watch\", args = { x = 3 } }]\n";
    assert_eq!(
        run_error(text),
        "TypeError('`x` is 3, not a task or a future')"
    );
}

#[test]
fn a_local_whose_kind_only_the_run_knows_is_checked_when_the_step_runs() {
    // `t` is bound to a number and, in a branch, to a task: the file is accepted and the
    // await sees the task. A parameter's kind comes from the caller: a TypeError at run time.
    let logs = run_logs(
        r#"
[tasks.five]
steps = [{ return = 5 }]

[tasks.awaits]
params = ["x"]
steps = [{ await = "x" }]

[main]
steps = [
  { let = "t", value = 0 },
  { if = "true", do = [{ spawn = "five", as = "t" }] },
  { await = "t", as = "v" },
  { log = "got {v}" },
  { try = [{ call = "awaits", args = { x = 1 } }], error = "TypeError", as = "e", except = [
    { log = "{e}" },
  ] },
]
"#,
    );
    assert_eq!(logs, "t=0 got 5\nt=0 `x` is 1, not a task\n");
}

#[test]
fn get_name_reads_a_tasks_name_and_a_future_has_none() {
    let logs = run_logs(
        r#"
[tasks.job]
name = "job-{i}"
steps = []

[main]
steps = [
  { spawn = "job", count = 2, as = "ts" },
  { create_future = "f" },
  { log = "{ts.1.get_name()}" },
  { try = [{ log = "{f.get_name()}" }], error = "AttributeError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert_eq!(
        logs,
        "t=0 job-1\nt=0 `f` is <Future pending>, which has no `get_name()`\n"
    );
}

/// The log lines of a FIFO run of the scenario `text`.
/// The exception a run of `text` ends with (its `repr`).
pub(crate) fn run_error(text: &str) -> String {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{interp, scenario};
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    let err = interp::run(&scn, &Sim::new())
        .outcome
        .result
        .unwrap()
        .unwrap_err();
    err.repr()
}

pub(crate) fn run_logs(text: &str) -> String {
    use std::sync::Arc;

    use simloop::Sim;
    use simloop_cli::{interp, scenario};
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    assert!(
        report.outcome.result.is_ok(),
        "{:?}",
        report.outcome.failure()
    );
    report.outcome.trace.logs()
}

/// `set_name` (asyncio's `Task.set_name`): `get_name()` reads the new name and the trace
/// names the task by its last name; anything but a task, or no `value`, is a located load error.
#[test]
fn set_name_renames_a_task_for_get_name_and_the_trace() {
    const RENAME: &str = "`set_name` renames a task (asyncio's `Task.set_name`): spawn one with `{ spawn = \"worker\", as = \"t\" }`, then `{ set_name = \"t\", value = \"worker-{i}\" }`";
    use std::sync::Arc;
    let text = "[tasks.job]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = \"job\", as = \"t\" }, { set_name = \"t\", value = \"fetch-{i}\" }, { log = \"{t.get_name()}\" }, { await = \"t\" }]\n";
    let scn = Arc::new(simloop_cli::scenario::parse("s.toml", text).unwrap());
    let report = simloop_cli::interp::run(&scn, &simloop::Sim::new());
    assert_eq!(report.outcome.trace.logs(), "t=0 fetch-0\n");
    assert!(
        report
            .outcome
            .trace
            .render()
            .contains("t=1000 #2 fetch-0 returned\n"),
        "{}",
        report.outcome.trace.render()
    );
    rejects(
        "[main]\nsteps = [{ let = \"x\", value = 1 }, { set_name = \"x\", value = \"a\" }]\n",
        "`x` holds an int (bound at 2:18), not a task",
        "2:49",
        Some(RENAME),
    );
    // A future, a list of tasks and a primitive each get a hint that says what is wrong
    // with renaming them (it was the generic "await, cancel or combine ..." for all).
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { set_name = \"f\", value = \"a\" }]\n",
        "`f` holds a future (bound at 2:28), not a task",
        "2:48",
        Some(
            "only a task has a name (asyncio's `Future` has no `set_name`): rename the task that awaits or sets the future",
        ),
    );
    rejects(
        "[tasks.job]\nsteps = []\n[main]\nsteps = [{ spawn = \"job\", count = 2, as = \"ts\" }, { set_name = \"ts\", value = \"a\" }]\n",
        "`ts` holds a list of tasks (bound at 4:43), not a task",
        "4:64",
        Some("`set_name` renames one task: rename each task where it is spawned"),
    );
    rejects(
        "[locks]\nl = {}\n[main]\nsteps = [{ set_name = \"l\", value = \"a\" }]\n",
        "`l` is a lock, not a task",
        "4:23",
        Some(RENAME),
    );
    rejects(
        "[tasks.job]\nsteps = []\n[main]\nsteps = [{ spawn = \"job\", as = \"t\" }, { set_name = \"t\" }]\n",
        "`set_name` needs the new name",
        "4:52",
        Some("e.g. `{ set_name = \"t\", value = \"worker-{i}\" }`"),
    );
}

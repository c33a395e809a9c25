//! `current_task` as asyncio's `asyncio.current_task()`: `{current_task.get_name()}` reads
//! the running task's name and `{ set_name = "current_task", ... }` renames it; in a loop
//! callback (no task runs) both are asyncio's `AttributeError` on `None`, and misuse in an
//! expression is a located load error.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;
use crate::support::{scratch, sim_in};

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("c.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

/// A task renaming itself is seen by another's `get_name()` and by the trace; main renames
/// itself; an eager task's first step, before `create_task` names it, reads `Task-N`
/// (and the name `create_task` gives after that step wins over the one the step set).
#[test]
fn current_task_names_are_read_and_set() {
    let got = logs(
        r#"
[tasks.w]
name = "w"
steps = [
  { log = "I am {current_task.get_name()}" },
  { set_name = "current_task", value = "w-{i}" },
  { sleep = 0 },
  { log = "now {current_task.get_name()}" },
]

[main]
steps = [
  { log = "main is {current_task.get_name()}" },
  { set_name = "current_task", value = "boss" },
  { spawn = "w", as = "t" },
  { spawn = "w", eager = true, as = "e" },
  { sleep = 0 },
  { log = "{current_task.get_name()} sees {t.get_name()} and {e.get_name()}" },
  { if = "current_task.get_name() == 'boss'", do = [{ log = "compared" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 main is main\nt=0 I am Task-3\nt=0 I am w\nt=0 now w\nt=0 boss sees w-0 and w\n\
         t=0 compared\nt=0 now w-0\n"
    );
}

/// In a callback no task runs: asyncio's `current_task()` is `None`, so both are an
/// `AttributeError`, reported with the step's place, and the run goes on.
#[test]
fn current_task_in_a_callback_is_none() {
    let dir = scratch("current-task");
    let text = r#"[main]
steps = [
  { call_soon = [{ log = "cb {current_task.get_name()}" }] },
  { call_soon = [{ set_name = "current_task", value = "x" }] },
  { sleep = 0 },
  { log = "after" },
]
"#;
    std::fs::write(dir.join("s.toml"), text).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "t=0 after\n");
    for (member, at) in [("get_name", "3:18"), ("set_name", "4:18")] {
        let want = format!(
            "AttributeError(\"'NoneType' object has no attribute '{member}'\") (raised at s.toml:{at})"
        );
        assert!(o.stderr.contains(&want), "wanted {want} in:\n{}", o.stderr);
    }
}

#[test]
fn current_task_misuse_is_a_located_error() {
    rejects(
        "[main]\nsteps = [{ if = \"current_task.get_name() > 1\", do = [] }]\n",
        "`>` cannot order a string and an integer",
        "2:18",
        None,
    );
    rejects(
        "[main]\nsteps = [{ set_name = \"current_task\" }]\n",
        "`set_name` needs the new name",
        "2:23",
        None,
    );
}

/// `{ cancel = "current_task" }` is asyncio's `asyncio.current_task().cancel()`: the
/// request is counted at once and delivered at the task's next await (main too); in a
/// callback it is `None.cancel`, an `AttributeError`; a `message` is a located error (not
/// yet supported), and a local named `current_task` hides it.
#[test]
fn a_task_cancels_itself() {
    let got = logs(
        r#"
[tasks.t]
steps = [
  { cancel = "current_task", as = "ok" },
  { log = "ok={ok} cancelling={current_task.cancelling()}" },
  { try = [{ sleep = 1 }], error = "CancelledError", except = [{ log = "cancelled at {loop.time()}" }] },
  { return = "caught" },
]

[main]
steps = [
  { spawn = "t", as = "t" },
  { await = "t", as = "r" },
  { log = "t {r}, cancelled={t.cancelled()}" },
  { call_soon = [{ try = [{ cancel = "current_task" }], error = "AttributeError", as = "e", except = [{ log = "callback: {e}" }] }] },
  { sleep = 0 },
  { let = "current_task", expr = "t" },
  { cancel = "current_task", as = "again" },
  { log = "a local of that name: {again}" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 ok=True cancelling=1\n\
         t=0 cancelled at 0.0\n\
         t=0 t caught, cancelled=False\n\
         t=0 callback: 'NoneType' object has no attribute 'cancel'\n\
         t=0 a local of that name: False\n"
    );
    rejects(
        "[main]\nsteps = [{ cancel = \"current_task\", message = \"why\" }]\n",
        "`cancel = \"current_task\"` takes no `message` yet",
        "2:47",
        Some("cancel the task from another one to give a message"),
    );
}

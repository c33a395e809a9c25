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

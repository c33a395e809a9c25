//! `remove_done_callback` (asyncio's `Future.remove_done_callback` and
//! `Task.remove_done_callback`): named callbacks, what removal returns, and its misuse.

use crate::constructs::{run_error, run_logs as logs};
use crate::errors::rejects;

/// A removed callback never runs; one added twice is removed twice; removal binds the
/// count, 0 for a callback not registered; a task's callbacks are removed like a future's.
#[test]
fn a_removed_done_callback_does_not_run() {
    let text = r#"
[tasks.job]
steps = [{ sleep = 1 }]

[main]
steps = [
  { create_future = "f" },
  { add_done_callback = "f", callback = "cb", do = [{ log = "cb ran" }] },
  { add_done_callback = "f", callback = "cb", do = [{ log = "cb ran" }] },
  { add_done_callback = "f", callback = "other", do = [{ log = "other ran" }] },
  { remove_done_callback = "f", callback = "cb", as = "n" },
  { remove_done_callback = "f", callback = "cb", as = "m" },
  { log = "removed {n}, then {m}" },
  { set_result = "f", value = 1 },
  { spawn = "job", as = "t" },
  { add_done_callback = "t", callback = "cb", do = [{ log = "cb ran for t" }] },
  { remove_done_callback = "t", callback = "cb" },
  { await = "t" },
  { yield = 1 },
]
"#;
    assert_eq!(
        logs(text),
        "t=0 removed 2, then 0\nt=0 other ran\n",
        "the removed callbacks ran"
    );
}

/// Misuse is located where it is written: a callback no `add_done_callback` names (with the
/// closest name), no `callback` at all, a local that is not a task or a future, a name that
/// is not a name.
#[test]
fn remove_done_callback_misuse_is_located() {
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\", callback = \"on_done\", do = [] }, { remove_done_callback = \"f\", callback = \"on_dne\" }]\n",
        "unknown done-callback `on_dne`: no `add_done_callback` of this file is named so",
        "2:136",
        Some("did you mean `on_done`?"),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { remove_done_callback = \"f\", callback = \"cb\" }]\n",
        "unknown done-callback `cb`",
        "2:76",
        Some(
            "name it where it is added: `{ add_done_callback = \"f\", callback = \"cb\", do = [...] }`",
        ),
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { remove_done_callback = \"f\" }]\n",
        "`remove_done_callback` needs the callback's name",
        "2:60",
        None,
    );
    rejects(
        "[main]\nsteps = [{ let = \"x\", value = 1 }, { add_done_callback = \"x\", callback = \"cb\", do = [] }]\n",
        "`x` holds an int (bound at 2:18), not a task or a future",
        "2:58",
        None,
    );
    rejects(
        "[main]\nsteps = [{ let = \"x\", value = 1 }, { remove_done_callback = \"x\", callback = \"cb\" }]\n",
        "`x` holds an int (bound at 2:18), not a task or a future",
        "2:61",
        None,
    );
    rejects(
        "[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\", callback = \"on done\", do = [] }]\n",
        "a callback's name is a name like `on_done`",
        "2:73",
        None,
    );
}

/// A parameter's kind is known only when the step runs: a number there is a `TypeError`.
#[test]
fn removing_from_a_value_that_is_not_a_task_or_future_raises_type_error() {
    let text = "[tasks.unwatch]\nparams = [\"x\"]\nsteps = [{ remove_done_callback = \"x\", callback = \"cb\" }]\n[main]\nsteps = [{ create_future = \"f\" }, { add_done_callback = \"f\", callback = \"cb\", do = [] }, { call = \"unwatch\", args = { x = 3 } }]\n";
    assert_eq!(
        run_error(text),
        "TypeError('`x` is 3, not a task or a future')"
    );
}

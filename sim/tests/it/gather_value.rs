//! `{ gather = [...], future = "g" }`: a gather held as a value (asyncio's `g =
//! asyncio.gather(...)`), its children running at once, read, cancelled and awaited later.
//! Each expected line is what CPython 3.12 prints for the same program.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

const LEAF: &str = r#"
[tasks.leaf]
params = ["name", "delay", "fail"]
steps = [
  { on_cancel = "{name} cancelled", do = [{ sleep = "{delay}" }] },
  { if = "{fail}", do = [{ fail = "ValueError", message = "{name}" }] },
  { return = "{name}" },
]
"#;

/// Read before and after it ends: `done()`, `result()`, `exception()`; a failure is its
/// exception; `cancelled()` is false; awaiting it again gives the same outcome.
#[test]
fn a_held_gather_is_read_and_awaited() {
    let main = r#"
[main]
steps = [
  { gather = [
    { call = "leaf", args = { name = "a", delay = 1, fail = false } },
    { call = "leaf", args = { name = "b", delay = 2, fail = false } },
  ], future = "g" },
  { try = [{ log = "{g.result()}" }], error = "InvalidStateError", as = "e", except = [
    { log = "pending: done={g.done()} {e}" },
  ] },
  { await = "g", as = "r" },
  { await = "g", as = "again" },
  { log = "{r} {again} {g.result()} exc={g.exception()} cancelled={g.cancelled()} {g!r}" },
  { gather = [
    { call = "leaf", args = { name = "c", delay = 1, fail = true } },
    { call = "leaf", args = { name = "d", delay = 2, fail = false } },
  ], future = "h" },
  { sleep = 3 },
  { log = "done={h.done()} exc={h.exception()!r}" },
  { try = [{ await = "h" }], error = "ValueError", as = "e", except = [{ log = "raised {e!r}" }] },
]
"#;
    assert_eq!(
        logs(&format!("{LEAF}{main}")),
        "t=0 pending: done=False Result is not set.\n\
         t=2000 ['a', 'b'] ['a', 'b'] ['a', 'b'] exc=None cancelled=False <_GatheringFuture finished result=['a', 'b']>\n\
         t=5000 done=True exc=ValueError('c')\n\
         t=5000 raised ValueError('c')\n"
    );
}

/// `cancel()` cancels the children in argument order and returns whether it took: the
/// gather ends in `CancelledError`, `return_exceptions` or not (asyncio's issue 32684),
/// which `exception()` returns while `cancelled()` stays false; a done gather's `cancel()`
/// is false.
#[test]
fn cancel_cancels_the_children() {
    let main = r#"
[main]
steps = [
  { gather = [
    { call = "leaf", args = { name = "x", delay = 1, fail = false } },
    { call = "leaf", args = { name = "y", delay = 2, fail = false } },
  ], return_exceptions = true, future = "g" },
  { sleep = 0.5 },
  { cancel = "g", message = "stop", as = "ok" },
  { log = "cancel -> {ok}, done={g.done()}" },
  { try = [{ await = "g", as = "r" }, { log = "list {r}" }], error = "CancelledError", as = "e", except = [
    { log = "raised {e!r}, cancelled={g.cancelled()}, exception={g.exception()!r}" },
  ] },
  { cancel = "g", as = "ok" },
  { log = "again -> {ok}" },
]
"#;
    assert_eq!(
        logs(&format!("{LEAF}{main}")),
        "t=500 cancel -> True, done=False\n\
         t=500 x cancelled\n\
         t=500 y cancelled\n\
         t=500 raised CancelledError('stop'), cancelled=False, exception=CancelledError('stop')\n\
         t=500 again -> False\n"
    );
}

/// The children run on when the task that made the gather ends (asyncio's loop keeps
/// them), and a gather over existing tasks is held too.
#[test]
fn the_children_outlive_their_maker() {
    let text = r#"
[tasks.leaf]
params = ["name"]
steps = [{ sleep = 1 }, { log = "{name} done" }, { return = "{name}" }]

[tasks.maker]
steps = [{ gather = [{ call = "leaf", args = { name = "m" } }], future = "g" }, { log = "maker ends" }]

[main]
steps = [
  { spawn = "leaf", args = { name = "t" }, as = "t" },
  { gather = [{ await = "t" }], future = "g" },
  { call = "maker" },
  { sleep = 2 },
  { log = "{g.result()}" },
]
"#;
    assert_eq!(
        logs(text),
        "t=0 maker ends\nt=1000 t done\nt=1000 m done\nt=2000 ['t']\n"
    );
}

/// Only one task awaits a pending gather at a time (see `gather_value.rs`): another gets
/// a `RuntimeError` saying what to do instead.
#[test]
fn a_second_awaiter_of_a_pending_gather_is_refused() {
    let main = r#"
[tasks.waiter]
params = ["g"]
steps = [{ try = [{ await = "g" }], error = "RuntimeError", as = "e", except = [{ log = "{e}" }] }]

[main]
steps = [
  { gather = [{ call = "leaf", args = { name = "a", delay = 1, fail = false } }], future = "g" },
  { spawn = "waiter", args = { g = "{g}" }, as = "w" },
  { spawn = "waiter", args = { g = "{g}" }, as = "v" },
  { await = "w" },
  { await = "v" },
]
"#;
    assert_eq!(
        logs(&format!("{LEAF}{main}")),
        "t=0 this gather is awaited by another task already: await a task that awaits it\n"
    );
}

/// Misuses are located: `as` beside `future`, a future that is no name, a held gather
/// inside another gather or given to `set_result`, and (when the run meets it) a gather
/// of bare futures held as a value.
#[test]
fn gather_future_misuse_is_located() {
    rejects(
        "[main]\nsteps = [{ gather = [], future = \"g\", as = \"r\" }]\n",
        "`as` binds an awaited gather's list; `future` holds the gather unawaited: use one",
        "2:44",
        None,
    );
    rejects(
        "[main]\nsteps = [{ gather = [], future = \"{g}\" }]\n",
        "a gather's future is bound to a local: a name like `g`",
        "2:34",
        None,
    );
    rejects(
        "[main]\nsteps = [{ gather = [], future = \"g\" }, { gather = [{ await = \"g\" }] }]\n",
        "`g` holds a gather (bound at 2:34), not a task or a future",
        "2:63",
        Some(
            "a gather's future is awaited (`{ await = \"g\" }`), cancelled and read (`g.done()`); to combine it, await it in a task and combine the task",
        ),
    );
    rejects(
        "[main]\nsteps = [{ gather = [], future = \"g\" }, { set_result = \"g\", value = 1 }]\n",
        "`g` holds a gather (bound at 2:34), not a future",
        "2:56",
        None,
    );
    let got = logs(
        r#"
[main]
steps = [
  { create_future = "f" },
  { try = [{ gather = [{ await = "f" }], future = "g" }], error = "TypeError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 a gather over bare futures cannot be held as a value here: await it where it is made (`as`)\n"
    );
}

//! `{ as_completed = [...], future = "f", do = [...] }`: asyncio's `for f in
//! as_completed(ts):` with each awaitable bound for the body to await (inside a `try`), as
//! CPython runs it: each `await` takes the next result to come, a skipped awaitable takes
//! none, an awaitable is awaited once, and a timeout raises from each one left.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

/// The lines CPython 3.11 prints for the same program (`for f in as_completed(ts): n +=
/// 1; if n == 1: continue; try: await f ...`, then a loop with `timeout=2`).
#[test]
fn each_await_takes_the_next_result() {
    let got = logs(
        r#"
[tasks.job]
params = ["name", "d", "fail"]
steps = [{ sleep = "{d}" }, { if = "{fail}", do = [{ fail = "ValueError", message = "{name}" }] }, { return = "{name}" }]

[main]
steps = [
  { spawn = "job", args = { name = "a", d = 1, fail = false }, as = "a" },
  { spawn = "job", args = { name = "b", d = 2, fail = true }, as = "b" },
  { spawn = "job", args = { name = "c", d = 3, fail = false }, as = "c" },
  { let = "n", value = 0 },
  { as_completed = ["a", "b", "c"], future = "f", do = [
    { let = "n", expr = "n + 1" },
    { if = "n == 1", do = [{ log = "skip the first awaitable" }], else = [
      { try = [{ await = "f", as = "v" }, { log = "got {v}" }], error = "ValueError", as = "e", except = [{ log = "failed {e!r}" }] },
      { try = [{ await = "f" }], error = "RuntimeError", as = "e", except = [{ log = "again: {e}" }] },
    ] },
  ] },
  { spawn = "job", args = { name = "x", d = 1, fail = false }, as = "x" },
  { spawn = "job", args = { name = "y", d = 5, fail = false }, as = "y" },
  { as_completed = ["x", "y"], timeout = 2, future = "f", do = [
    { try = [{ await = "f", as = "v" }, { log = "got {v}" }], error = "TimeoutError", except = [
      { log = "timeout at {loop.time()}" },
    ] },
  ] },
  { log = "y done={y.done()}" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 skip the first awaitable\n\
         t=1000 got a\n\
         t=1000 again: cannot reuse already awaited coroutine\n\
         t=2000 failed ValueError('b')\n\
         t=2000 again: cannot reuse already awaited coroutine\n\
         t=3000 got x\n\
         t=4000 timeout at 4.0\n\
         t=4000 y done=False\n"
    );
}

/// An awaitable passed to another task is awaited there; a second one awaited at the same
/// time by another task is refused (`completions.rs`).
#[test]
fn awaitables_are_awaited_in_turn() {
    let got = logs(
        r#"
[tasks.job]
params = ["d"]
steps = [{ sleep = "{d}" }, { return = "{d}" }]

[tasks.taker]
params = ["f"]
steps = [{ try = [{ await = "f", as = "v" }, { log = "taker got {v}" }], error = "RuntimeError", as = "e", except = [{ log = "{e}" }] }]

[main]
steps = [
  { spawn = "job", args = { d = 1 }, as = "a" },
  { spawn = "job", args = { d = 2 }, as = "b" },
  { as_completed = ["a", "b"], future = "f", do = [
    { spawn = "taker", args = { f = "{f}" }, as = "t" },
    { yield = 1 },
  ] },
  { sleep = 3 },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 another awaitable of this as_completed is being awaited: await them in turn\n\
         t=1000 taker got 1\n"
    );
}

/// Misuses are located: `as` beside `future`, a `future` that is no name, cancelling an
/// awaitable (a coroutine has no `cancel`).
#[test]
fn as_completed_future_misuse_is_located() {
    rejects(
        "[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = \"t\", as = \"a\" }, { as_completed = [\"a\"], future = \"f\", as = \"v\", do = [] }]\n",
        "`as` binds each result the loop awaits; `future` binds each awaitable for the body to await: use one",
        "4:80",
        None,
    );
    rejects(
        "[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = \"t\", as = \"a\" }, { as_completed = [\"a\"], future = \"1f\", do = [] }]\n",
        "each awaitable of `as_completed` is bound to a local: a name like `f`",
        "4:70",
        None,
    );
    rejects(
        "[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = \"t\", as = \"a\" }, { as_completed = [\"a\"], future = \"f\", do = [{ cancel = \"f\" }] }]\n",
        "`f` holds an as_completed awaitable (bound at 4:70), not a task, a future or a callback handle",
        "4:92",
        Some(
            "an as_completed awaitable is awaited once, in the loop's body (`{ await = \"f\", as = \"v\" }`)",
        ),
    );
}

//! `{ try = [...], finally = [...] }`: Python's `finally:`, run however the try ends (its
//! end, an exception, a `return`, the task's cancellation) and with an `except` handler
//! too; each expected line is what CPython 3.11 prints for the same program.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

#[test]
fn finally_runs_however_the_try_ends() {
    let got = logs(
        r#"
[tasks.body]
params = ["n"]
steps = [
  { try = [
    { if = "{n} == 1", do = [{ fail = "ValueError", message = "v" }] },
    { if = "{n} == 2", do = [{ return = "early" }] },
    { sleep = 5 },
  ], finally = [{ log = "finally {n}" }] },
  { return = "end" },
]

[tasks.wrap]
steps = [{ try = [{ return = "try" }], finally = [{ return = "finally" }] }]

[tasks.both]
steps = [
  { try = [{ fail = "KeyError", message = "k" }], error = "KeyError", except = [
    { log = "except" },
    { fail = "ValueError", message = "from handler" },
  ], finally = [{ log = "finally after handler" }] },
]

[main]
steps = [
  { try = [{ call = "body", args = { n = 1 } }], error = "ValueError", as = "e", except = [{ log = "caught {e!r}" }] },
  { call = "body", args = { n = 2 }, as = "r" },
  { log = "returned {r}" },
  { call = "wrap", as = "r" },
  { log = "{r}" },
  { try = [{ call = "both" }], error = "ValueError", as = "e", except = [{ log = "caught {e!r}" }] },
  { spawn = "body", args = { n = 3 }, as = "t" },
  { sleep = 1 },
  { cancel = "t", message = "stop" },
  { try = [{ await = "t" }], error = "CancelledError", as = "e", except = [{ log = "t cancelled={t.cancelled()} {e.args}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 finally 1\n\
         t=0 caught ValueError('v')\n\
         t=0 finally 2\n\
         t=0 returned early\n\
         t=0 finally\n\
         t=0 except\n\
         t=0 finally after handler\n\
         t=0 caught ValueError('from handler')\n\
         t=1000 finally 3\n\
         t=1000 t cancelled=True ('stop',)\n"
    );
}

/// A `try` needs a handler or `finally` steps; `error` or `star` without a handler says
/// nothing: both located.
#[test]
fn try_finally_misuse_is_located() {
    rejects(
        "[main]\nsteps = [{ try = [] }]\n",
        "`try` needs an `except = [...]` handler or `finally = [...]` steps",
        "2:18",
        None,
    );
    rejects(
        "[main]\nsteps = [{ try = [], error = \"ValueError\", finally = [] }]\n",
        "`error` and `star` say what an `except` handler catches, and this `try` has none",
        "2:30",
        Some("add `except = [...]`, or drop the key for `try ... finally`"),
    );
}

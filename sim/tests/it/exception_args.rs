//! `{e.args}`: Python's `e.args` of a caught exception, printed as Python prints the tuple
//! (tuples are not values, so it is that text); on anything else it is a located error.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

/// No message: `()`; a message: a one-item tuple; a quote inside is Python's repr; a
/// cancellation's message reaches its awaiter.
#[test]
fn args_print_as_python_prints_the_tuple() {
    let got = logs(
        r#"
[tasks.s]
steps = [{ sleep = 5 }]

[main]
steps = [
  { try = [{ fail = "ValueError" }], error = "ValueError", as = "e", except = [{ log = "{e.args}" }] },
  { try = [{ fail = "KeyError", message = "it's" }], error = "KeyError", as = "e", except = [{ log = "{e.args}" }] },
  { spawn = "s", as = "t" },
  { sleep = 0 },
  { cancel = "t", message = "why" },
  { try = [{ await = "t" }], error = "CancelledError", as = "e", except = [
    { log = "{e.args} {e.args:type}" },
  ] },
]
"#,
    );
    assert_eq!(got, "t=0 ()\nt=0 (\"it's\",)\nt=0 ('why',) str\n");
}

/// `args` of a task is Python's AttributeError when the step runs; in an expression its
/// type (a string) is checked when the file is read.
#[test]
fn args_misuse_is_located() {
    let got = logs(
        r#"
[tasks.s]
steps = []

[main]
steps = [
  { spawn = "s", as = "t" },
  { try = [{ log = "{t.args}" }], error = "AttributeError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert_eq!(got, "t=0 a task has no `args`\n");
    rejects(
        "[main]\nsteps = [{ try = [], as = \"e\", except = [{ if = \"e.args > 1\", do = [] }] }]\n",
        "`>` cannot order a string and an integer",
        "2:50",
        None,
    );
}

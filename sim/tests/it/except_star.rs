//! `try ... star = true`: Python's `except*` (PEP 654). The handler takes the members of
//! an exception group its type catches (a lone exception wrapped in a group), the rest
//! goes on; each expected line below is what CPython 3.11 prints for the same program.
//! `{eg.exceptions}` and `{eg.message}` read a group; every misuse is a located error.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

const FAILERS: &str = r#"
[tasks.badv]
steps = [{ sleep = 1 }, { fail = "ValueError", message = "v1" }]
[tasks.badk]
steps = [{ sleep = 1 }, { fail = "KeyError", message = "k1" }]
[tasks.inner]
steps = [{ task_group = [{ spawn = "badv" }, { spawn = "badk" }] }]
"#;

/// A group is split by type, nesting and messages kept; the rest is raised after the
/// handler; a handler that raises while a rest is left raises `ExceptionGroup('', [new,
/// rest])`; a type that catches every member hands over the group itself.
#[test]
fn a_group_is_split_and_the_rest_raised() {
    let main = r#"
[main]
steps = [
  { try = [
    { try = [{ task_group = [{ spawn = "inner" }, { spawn = "badv" }] }],
      error = "ValueError", star = true, as = "eg", except = [
      { log = "caught {eg!r} | {eg} | {eg.exceptions}" },
    ] },
  ], error = "ExceptionGroup", as = "e", except = [{ log = "rest {e!r} | {e.message}" }] },
  { try = [
    { try = [{ task_group = [{ spawn = "badv" }, { spawn = "badk" }] }],
      error = "ValueError", star = true, except = [{ fail = "TypeError", message = "new" }] },
  ], error = "ExceptionGroup", as = "e", except = [{ log = "{e!r} | {e}" }] },
  { try = [{ task_group = [{ spawn = "badv" }, { spawn = "badv" }] }],
    error = "Exception", star = true, as = "eg", except = [{ log = "all {eg.exceptions!r}" }] },
]
"#;
    let tg = "unhandled errors in a TaskGroup";
    assert_eq!(
        logs(&format!("{FAILERS}{main}")),
        format!(
            "t=1000 caught ExceptionGroup('{tg}', [ValueError('v1'), ExceptionGroup('{tg}', \
             [ValueError('v1')])]) | {tg} (2 sub-exceptions) | (ValueError('v1'), \
             ExceptionGroup('{tg}', [ValueError('v1')]))\n\
             t=1000 rest ExceptionGroup('{tg}', [ExceptionGroup('{tg}', [KeyError('k1')])]) | {tg}\n\
             t=2000 ExceptionGroup('', [TypeError('new'), ExceptionGroup('{tg}', \
             [KeyError('k1')])]) |  (2 sub-exceptions)\n\
             t=3000 all (ValueError('v1'), ValueError('v1'))\n"
        )
    );
}

/// A lone exception the type catches is wrapped in a group made from a tuple (a
/// cancellation in a `BaseExceptionGroup`), and a handler's own exception leaves as it
/// is; one the type does not catch passes the handler by.
#[test]
fn a_lone_exception_is_wrapped_or_passed_by() {
    let got = logs(
        r#"
[tasks.s]
steps = [
  { try = [{ sleep = 5 }], error = "CancelledError", star = true, as = "eg", except = [
    { log = "{eg!r} {eg:type}" },
  ] },
  { log = "goes on" },
]

[main]
steps = [
  { try = [{ fail = "ValueError", message = "v" }], error = "ValueError", star = true, as = "eg",
    except = [{ log = "{eg!r} | {eg}" }] },
  { try = [
    { try = [{ fail = "ValueError", message = "v" }], error = "ValueError", star = true,
      except = [{ fail = "KeyError", message = "k" }] },
  ], error = "KeyError", as = "e", except = [{ log = "{e!r}" }] },
  { try = [
    { try = [{ fail = "TypeError", message = "t" }], error = "ValueError", star = true,
      except = [{ log = "not run" }] },
  ], error = "TypeError", as = "e", except = [{ log = "passed by {e!r}" }] },
  { spawn = "s", as = "t" },
  { sleep = 0 },
  { cancel = "t" },
  { await = "t" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 ExceptionGroup('', (ValueError('v'),)) |  (1 sub-exception)\n\
         t=0 KeyError('k')\n\
         t=0 passed by TypeError('t')\n\
         t=0 BaseExceptionGroup('', (CancelledError(),)) BaseExceptionGroup\n\
         t=0 goes on\n"
    );
}

/// `exceptions` and `message` of an exception that is no group are Python's
/// AttributeError when the step runs; in an expression their type (a string) is checked
/// when the file is read.
#[test]
fn group_reads_on_other_values_fail() {
    let got = logs(
        r#"
[main]
steps = [
  { try = [{ fail = "KeyError", message = "k" }], error = "KeyError", as = "e", except = [
    { try = [{ log = "{e.exceptions}" }], error = "AttributeError", as = "a", except = [{ log = "{a}" }] },
    { try = [{ log = "{e.message}" }], error = "AttributeError", as = "a", except = [{ log = "{a}" }] },
  ] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 'KeyError' object has no attribute 'exceptions'\n\
         t=0 'KeyError' object has no attribute 'message'\n"
    );
    rejects(
        "[main]\nsteps = [{ try = [], as = \"e\", except = [{ if = \"e.exceptions > 1\", do = [] }] }]\n",
        "`>` cannot order a tuple and an integer",
        "2:50",
        None,
    );
}

/// What Python refuses: `except*` without a type, of an exception group itself, or with
/// a `return` in its handler (a SyntaxError); each located where it is written.
#[test]
fn except_star_misuse_is_located() {
    rejects(
        "[main]\nsteps = [{ try = [], star = true, except = [] }]\n",
        "`except*` needs the exception type it catches",
        "2:29",
        Some("e.g. `{ try = [...], error = \"ValueError\", star = true, except = [...] }`"),
    );
    rejects(
        "[main]\nsteps = [{ try = [], star = true, error = \"ExceptionGroup\", except = [] }]\n",
        "`except*` cannot catch an exception group itself",
        "2:43",
        None,
    );
    rejects(
        "[main]\nsteps = [{ try = [], star = true, error = \"ValueError\", except = [\n  { if = \"1 > 0\", do = [{ return = 1 }] },\n] }]\n",
        "`return` cannot appear in an `except*` handler (Python's SyntaxError)",
        "3:36",
        Some("set a flag in the handler and return after the `try`"),
    );
    rejects(
        "[main]\nsteps = [{ try = [], star = 1, error = \"ValueError\", except = [] }]\n",
        "invalid type: integer `1`, expected a boolean",
        "2:29",
        None,
    );
}

/// A failure report cuts a huge `repr` (here a group of 1,024 failures nested 10 deep,
/// which `except* KeyError` passes by) and still names where it was raised: the hostile
/// corpus's `construct-star-deep-groups` printed 274 KB before.
#[test]
fn a_huge_group_is_cut_in_the_failure_report() {
    let text = r#"
[tasks.g]
params = ["d"]
steps = [{ if = "{d} == 0", do = [{ fail = "ValueError" }], else = [
  { let = "e", expr = "{d} - 1" },
  { task_group = [{ spawn = "g", args = { d = "{e}" } }, { spawn = "g", args = { d = "{e}" } }] },
] }]

[main]
steps = [{ try = [{ call = "g", args = { d = 10 } }], error = "KeyError", star = true, except = [] }]
"#;
    let scn = Arc::new(scenario::parse("a.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    let failures = simloop_cli::expect::failures(&scn, &report);
    assert_eq!(failures.len(), 1);
    let line = &failures[0];
    assert!(line.len() < 4300, "{} bytes", line.len());
    assert!(line.starts_with(
        "the main task raised ExceptionGroup('unhandled errors in a TaskGroup', [ExceptionGroup("
    ));
    assert!(
        line.ends_with("more characters) (raised at a.toml:6:3)"),
        "{line}"
    );
}

//! Python's functions on values in expressions and templates (`len`, `sorted`, `sum`,
//! `min`, `max`, `str`, `repr`, `round`, `abs`), `in` / `not in` and `xs[i]`: Python's
//! results; misuse the file shows is a located load error, the rest a located exception.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

/// Python's results, each checked against CPython 3.12: banker's rounding on the float's
/// exact value, 3.12's compensated float sum, a stable sort, the first of equal extremes.
#[test]
fn functions_give_pythons_results() {
    let got = logs(
        r#"
[main]
steps = [
  { let = "xs", value = [3, 1.5, true, 1] },
  { log = "{len(xs)} {sorted(xs)} {min(xs)} {max(2, 2.0)} {sum(xs)} {xs[-1]} {xs[0]}" },
  { log = "{round(2.675, 2)} {round(0.125, 2)} {round(2.5)} {round(-3.5)} {round(1250.4, -2)} {round(25, -1)}" },
  { log = "{sum([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])} {abs(-2)} {abs(-0.5)}" },
  { log = "{str(1.0) + repr('a')} {len('héllo')} {sorted('cab')} {'abc'[-1]} {[1] + [2, 3]}" },
  { if = "1.0 in xs and 'b' in 'abc' and 7 not in xs", do = [{ log = "in works" }] },
  { let = "n", expr = "len(xs) * 2" },
  { return = "{sorted(xs)}" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 4 [True, 1, 1.5, 3] True 2 6.5 1 3\n\
         t=0 2.67 0.12 2 -4 1300.0 20\n\
         t=0 1.0 2 0.5\n\
         t=0 1.0'a' 5 ['a', 'b', 'c'] c [1, 2, 3]\n\
         t=0 in works\n"
    );
}

/// A task compares by identity: two tasks of one template are two tasks (`t in done`).
#[test]
fn tasks_are_found_in_lists_by_identity() {
    let got = logs(
        r#"
[tasks.job]
params = ["d"]
steps = [{ sleep = "{d}" }]

[main]
steps = [
  { spawn = "job", args = { d = 1 }, as = "a" },
  { spawn = "job", args = { d = 2 }, as = "b" },
  { wait = ["a", "b"], return_when = "FIRST_COMPLETED", as = "done", pending = "p" },
  { log = "a={a in done} b={b in done} b pending={b in p} {len(done)}/{len(p)}" },
]
"#,
    );
    assert_eq!(got, "t=1000 a=True b=False b pending=True 1/1\n");
}

#[test]
fn misuse_the_file_shows_is_a_located_error() {
    rejects(
        "[main]\nsteps = [{ log = \"{lenn([1])}\" }]\n",
        "unknown function `lenn`",
        "2:20",
        Some("did you mean `len`?"),
    );
    rejects(
        "[main]\nsteps = [{ let = \"n\", expr = \"print(1)\" }]\n",
        "unknown function `print`",
        "2:31",
        None,
    );
    rejects(
        "[main]\nsteps = [{ let = \"n\", expr = \"len([1], [2])\" }]\n",
        "`len` takes one argument, and 2 are given",
        "2:31",
        Some("call it as `len(x)`"),
    );
    rejects(
        "[main]\nsteps = [{ let = \"n\", expr = \"round(1.5, 2, 3)\" }]\n",
        "`round` takes one or two arguments, and 3 are given",
        "2:31",
        Some("call it as `round(x) or round(x, ndigits)`"),
    );
    rejects(
        "[main]\nsteps = [{ let = \"n\", expr = \"sum('ab')\" }]\n",
        "`sum` needs a list of numbers, and this is a string",
        "2:35",
        None,
    );
    rejects(
        "[main]\nsteps = [{ if = \"1 in 2\", do = [] }]\n",
        "`in` needs a list, a tuple or a string on its right, and this is an integer",
        "2:23",
        None,
    );
    rejects(
        "[main]\nsteps = [{ log = \"{[1][0}\" }]\n",
        "`[` is never closed",
        "2:23",
        None,
    );
}

/// What only the run shows raises Python's exception, naming the expression and where it
/// is written; a `try` catches it.
#[test]
fn misuse_the_run_shows_raises_pythons_exception() {
    let got = logs(
        r#"
[main]
steps = [
  { let = "xs", value = [1, "a"] },
  { try = [{ let = "s", expr = "sorted(xs)" }], error = "TypeError", as = "e", except = [{ log = "{e}" }] },
  { try = [{ let = "s", expr = "sum(xs)" }], error = "TypeError", as = "e", except = [{ log = "{e}" }] },
  { try = [{ let = "s", expr = "xs[2]" }], error = "IndexError", as = "e", except = [{ log = "{e}" }] },
  { try = [{ let = "s", expr = "max([])" }], error = "ValueError", as = "e", except = [{ log = "{e}" }] },
  { let = "n", value = 3 },
  { try = [{ log = "{len(n)}" }], error = "TypeError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 '<' not supported between instances of 'str' and 'int' (in `sorted(xs)` at f.toml:5:32)\n\
         t=0 unsupported operand type(s) for +: 'int' and 'str' (in `sum(xs)` at f.toml:6:32)\n\
         t=0 list index out of range (in `xs[2]` at f.toml:7:32)\n\
         t=0 max() iterable argument is empty (in `max([])` at f.toml:8:32)\n\
         t=0 object of type 'int' has no len() (in `len(n)` at f.toml:10:22)\n"
    );
}

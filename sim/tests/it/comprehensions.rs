//! Round 26's expressions: comprehensions (`[f(x) for x in xs if c]`, a generator
//! expression as a call's only argument), conditional expressions (`a if c else b`),
//! `isinstance`, an exception group's `eg.exceptions` as a tuple, and a TaskGroup's handle
//! (`task_group ... as`, `spawn ... group`): Python's results (each checked against CPython
//! 3.12), misuse the file shows a located load error.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("f.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

#[test]
fn comprehensions_and_conditionals_give_pythons_results() {
    let got = logs(
        r#"
[vars]
n = 7

[main]
steps = [
  { let = "xs", value = [3, 1, 2] },
  { let = "x", value = "outer" },
  { log = "{[x * 2 for x in xs]} {[x for x in xs if x > 1]} {sorted(x for x in xs)} {x}" },
  { log = "{[c for c in 'ab']} {[[y for y in xs if y < x] for x in xs]} {'big' if len(xs) > 2 else 'small'}" },
  { log = "{[x if x > 1 else -x for x in xs]} {sum(x for x in xs if x != 2)} {1 if false else 2 if false else 3}" },
  { log = "{[n for n in xs]} {n} {[isinstance(v, int) for v in [1, true, 1.5, 'a', None]]} {[]} {[v for v in []]}" },
  { let = "ys", expr = "[x + 1 for x in xs]" },
  { return = "{ys}" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 [6, 2, 4] [3, 2] [1, 2, 3] outer\n\
         t=0 ['a', 'b'] [[1, 2], [], [1]] big\n\
         t=0 [3, -1, 2] 4 3\n\
         t=0 [3, 1, 2] 7 [True, True, False, False, False] [] []\n"
    );
}

/// `for x in xs:` goes through a list (of tasks too), a tuple or a string, its values
/// taken once; the name stays bound after, as in Python.
#[test]
fn for_in_goes_through_values() {
    let got = logs(
        r#"
[tasks.job]
params = ["d"]
steps = [{ sleep = "{d}" }, { return = "{d}" }]

[main]
steps = [
  { spawn = "job", args = { d = 1 }, as = "a" },
  { spawn = "job", args = { d = 2 }, as = "b" },
  { let = "ts", value = ["{a}", "{b}"] },
  { let = "total", value = 0 },
  { for = "t", in = "ts", do = [{ await = "t", as = "v" }, { let = "total", expr = "total + v" }, { let = "ts", value = [] }] },
  { for = "c", in = "'ab'", do = [{ log = "char {c}" }] },
  { for = "x", in = "[]", do = [{ log = "never" }] },
  { log = "total {total}, last {t!r}" },
  { let = "n", value = 3 },
  { call = "loop", args = { xs = "{n}" } },
]

[tasks.loop]
params = ["xs"]
steps = [{ for = "x", in = "xs", do = [] }]
"#,
    );
    assert_eq!(
        got,
        "t=2000 char a\nt=2000 char b\nt=2000 total 3, last <Task job>\n"
    );
    rejects(
        "[main]\nsteps = [{ for = \"x\", in = \"3\", do = [] }]\n",
        "`for ... in` goes through a list, a tuple or a string, and this is an integer",
        "2:28",
        None,
    );
    rejects(
        "[main]\nsteps = [{ for = \"x\", in = \"[1]\", from = 0, do = [] }]\n",
        "`for ... in` goes through values: it takes no `from`, `to` or `below`",
        "2:42",
        None,
    );
}

/// `type(x).__name__` names a value's type as Python does (a list is `list`, where the
/// template's `{xs:type}` goes item by item); `type(x)` alone is refused.
#[test]
fn type_names_are_pythons() {
    let got = logs(
        r#"
[main]
steps = [
  { let = "xs", value = [1, "a", [2], 1.5, true] },
  { log = "{[type(x).__name__ for x in xs]} {type(xs).__name__} {type(None).__name__}" },
  { try = [{ fail = "KeyError", message = "k" }], error = "KeyError", as = "e", except = [{ log = "{type(e).__name__}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 ['int', 'str', 'list', 'float', 'bool'] list NoneType\nt=0 KeyError\n"
    );
    rejects(
        "[main]\nsteps = [{ let = \"v\", expr = \"type(1)\" }]\n",
        "`type(x)` is read as `type(x).__name__`, the name of its type",
        "2:38",
        None,
    );
}

/// A comprehension costs a step per item, as a loop's turn does, and its list is refused
/// as soon as it passes the most a list holds (before, `while true` around one over
/// 65,536 items took 3.4 s of CPU to reach the step limit, and a list of such lists held
/// 520 MB before it stopped).
#[test]
fn comprehensions_are_bounded() {
    // 2,048 items a turn: the step limit ends the loop within 500 turns.
    let scn = Arc::new(
        scenario::parse(
            "f.toml",
            r#"
[main]
steps = [
  { let = "xs", value = [1, 2] },
  { repeat = 10, do = [{ let = "xs", expr = "xs + xs" }] },
  { let = "n", value = 0 },
  { while = "true", do = [{ let = "ys", expr = "[x for x in xs]" }, { let = "n", expr = "n + 1" }, { log = "{n}" }] },
]
"#,
        )
        .unwrap(),
    );
    let report = interp::run(&scn, &Sim::new());
    let turns = report.outcome.trace.logs().lines().count();
    assert!(report.outcome.result.is_err(), "the step limit ends it");
    assert!((400..500).contains(&turns), "{turns} turns");
    let got = logs(
        r#"
[main]
steps = [
  { let = "xs", value = [1, 2] },
  { repeat = 15, do = [{ let = "xs", expr = "xs + xs" }] },
  { try = [{ let = "ys", expr = "[[y for y in xs] for x in xs]" }], error = "MemoryError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert!(
        got.starts_with("t=0 a list of more than 100000 items (nested lists included)"),
        "{got}"
    );
}

/// `eg.exceptions` is a tuple: printed as Python prints it, measured, indexed and gone
/// through; its members' own groups too.
#[test]
fn an_exception_groups_members_are_a_tuple() {
    let got = logs(
        r#"
[tasks.fail]
params = ["kind"]
steps = [{ sleep = 1 }, { if = "kind == 1", do = [{ fail = "ValueError", message = "v" }], else = [{ fail = "KeyError", message = "k" }] }]

[tasks.nested]
steps = [{ task_group = [{ spawn = "fail", args = { kind = 1 } }] }]

[main]
steps = [
  { try = [
    { task_group = [{ spawn = "fail", args = { kind = 1 } }, { spawn = "fail", args = { kind = 2 } }, { spawn = "nested" }] },
  ], error = "ExceptionGroup", as = "eg", except = [
    { log = "{len(eg.exceptions)} {eg.exceptions[0]!r} {eg.exceptions:type}" },
    { log = "{[str(e) for e in eg.exceptions]} {[isinstance(e, ExceptionGroup) for e in eg.exceptions]}" },
    { log = "{[len(e.exceptions) for e in eg.exceptions if isinstance(e, BaseExceptionGroup)]} {sorted(str(e) for e in eg.exceptions if not isinstance(e, ExceptionGroup))}" },
    { log = "{eg.exceptions[0] in eg.exceptions} {[isinstance(e, KeyError) for e in eg.exceptions]} {isinstance(eg, Exception)}" },
  ] },
  { try = [
    { try = [{ fail = "ValueError", message = "one" }], error = "ValueError", star = true, as = "eg", except = [
      { log = "{eg.exceptions} {eg.exceptions!r} {len(eg.exceptions + eg.exceptions)}" },
    ] },
  ], error = "Exception", as = "e", except = [{ log = "never {e}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=1000 3 ValueError('v') tuple\n\
         t=1000 ['v', \"'k'\", 'unhandled errors in a TaskGroup (1 sub-exception)'] [False, False, True]\n\
         t=1000 [1] [\"'k'\", 'v']\n\
         t=1000 True [False, True, False] True\n\
         t=1000 (ValueError('one'),) (ValueError('one'),) 2\n"
    );
}

/// A TaskGroup's handle: a child spawns a sibling into the group, which waits for it; the
/// group refuses a task while it cancels its children and after its block.
#[test]
fn a_task_groups_handle_takes_tasks_from_anywhere() {
    let got = logs(
        r#"
[tasks.child]
params = ["tg", "name", "more"]
steps = [
  { sleep = 1 },
  { log = "{name} done" },
  { if = "more", do = [{ spawn = "child", group = "tg", args = { tg = "{tg}", name = "{name}+", more = false } }] },
]

[tasks.bad]
steps = [{ sleep = 0.5 }, { fail = "ValueError", message = "bad" }]

[tasks.into]
params = ["g"]
steps = [{ spawn = "bad", group = "g" }]

[tasks.stubborn]
params = ["tg"]
steps = [
  { try = [{ sleep = 5 }], error = "CancelledError", except = [
    { try = [{ spawn = "bad", group = "tg" }], error = "RuntimeError", as = "e", except = [{ log = "refused: {e}" }] },
  ] },
]

[main]
steps = [
  { task_group = [{ spawn = "child", args = { tg = "{tg}", name = "a", more = true } }], as = "tg" },
  { log = "group done" },
  { try = [{ spawn = "bad", group = "tg" }], error = "RuntimeError", as = "e", except = [{ log = "after: {e!r}" }] },
  { try = [
    { task_group = [{ spawn = "stubborn", args = { tg = "{tg2}" } }, { spawn = "bad" }], as = "tg2" },
  ], error = "ExceptionGroup", as = "eg", except = [{ log = "{eg!r}" }] },
  { try = [{ call = "into", args = { g = 1 } }], error = "TypeError", as = "e", except = [{ log = "{e}" }] },
]
"#,
    );
    assert_eq!(
        got,
        "t=1000 a done\n\
         t=2000 a+ done\n\
         t=2000 group done\n\
         t=2000 after: RuntimeError('TaskGroup is finished')\n\
         t=2500 refused: TaskGroup is shutting down\n\
         t=2500 ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('bad')])\n\
         t=2500 `g` is 1, not a TaskGroup\n"
    );
}

#[test]
fn misused_comprehensions_are_located_errors() {
    let at = |expr: &str| {
        format!(
            "[main]\nsteps = [{{ let = \"xs\", value = [1] }}, {{ let = \"v\", expr = \"{expr}\" }}]\n"
        )
    };
    rejects(
        &at("[x for in xs]"),
        "`for` binds a name: `[f(x) for x in xs]`",
        "2:67",
        None,
    );
    rejects(
        &at("[x for a, b in xs]"),
        "a comprehension binds one name",
        "2:68",
        None,
    );
    rejects(
        &at("[x for x in xs for y in xs]"),
        "a comprehension takes one `for` and one `if` here",
        "2:75",
        None,
    );
    rejects(
        &at("[x for x in 3]"),
        "a comprehension's `in` needs a list, a tuple or a string, and this is an integer",
        "2:72",
        None,
    );
    rejects(
        &at("[x for x in xs if 1]"),
        "a comprehension's `if` needs true or false, and this is an integer",
        "2:78",
        None,
    );
    rejects(
        &at("len(x for x in xs, 1)"),
        "a generator expression is a call's only argument",
        "2:78",
        None,
    );
    rejects(
        &at("1 if true"),
        "a conditional expression needs its `else`: `a if cond else b`",
        "2:69",
        None,
    );
    rejects(
        &at("1 if 2 else 3"),
        "`if` in `a if c else b` needs true or false, and this is an integer",
        "2:65",
        None,
    );
    rejects(
        &at("isinstance(xs, LookupError)"),
        "`isinstance` does not model `LookupError`'s subclasses",
        "2:75",
        None,
    );
    rejects(
        &at("isinstance(xs, strr)"),
        "`strr` is not a type `isinstance` knows",
        "2:75",
        Some("did you mean `str`?"),
    );
    rejects(
        &at("isinstance(xs)"),
        "`isinstance` takes two arguments, and 1 is given",
        "2:60",
        None,
    );
    rejects(
        "[tasks.t]\nsteps = []\n[main]\nsteps = [{ let = \"n\", value = 1 }, { spawn = \"t\", group = \"n\" }]\n",
        "`n` holds an int (bound at 4:18), not a task group (`{ task_group = [...], as = \"tg\" }`)",
        "4:59",
        None,
    );
    rejects(
        "[main]\nsteps = [{ task_group = [], as = \"g\" }, { cancel = \"g\" }]\n",
        "`g` holds a task group (bound at 2:34), not a task, a future or a callback handle",
        "2:52",
        Some(
            "a task group takes tasks (`{ spawn = \"T\", group = \"tg\" }`); it is awaited by its `task_group` block",
        ),
    );
}

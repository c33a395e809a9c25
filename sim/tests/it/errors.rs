//! Every bad-input path of a scenario file: a located message with a hint on stderr, exit
//! code 2, and never a panic or backtrace (bad command lines, tokens and files:
//! `cli_flags.rs`, `cli_tokens.rs` and `cli_files.rs`).

use crate::support::{scratch, sim_in};

/// Runs `sim run bad.toml` on `text`; asserts exit code 2 and that stderr holds `message` at
/// `line:col` and the `hint` (if given).
#[track_caller]
pub(crate) fn rejects(text: &str, message: &str, line_col: &str, hint: Option<&str>) {
    let dir = scratch("errors");
    std::fs::write(dir.join("bad.toml"), text).unwrap();
    let o = sim_in(&dir, &["run", "bad.toml"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    assert!(
        o.stderr.contains(&format!("error: {message}")),
        "wanted `{message}` in:\n{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(&format!("--> bad.toml:{line_col}\n")),
        "wanted bad.toml:{line_col} in:\n{}",
        o.stderr
    );
    if let Some(h) = hint {
        assert!(
            o.stderr.contains(&format!("= hint: {h}")),
            "wanted hint `{h}` in:\n{}",
            o.stderr
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

const TASK: &str = "[tasks.worker]\nparams = [\"n\"]\nsteps = [{ log = \"n={n}\" }]\n";

#[test]
fn unknown_top_level_key() {
    rejects(
        "nme = \"x\"\n[main]\nsteps = []\n",
        "unknown key `nme`",
        "1:1",
        Some("did you mean `name`?"),
    );
}

#[test]
fn unknown_step_key() {
    rejects(
        "[main]\nsteps = [{ slep = 1 }]\n",
        "unknown key `slep`",
        "2:12",
        Some("did you mean `sleep`?"),
    );
}

#[test]
fn unknown_expect_key() {
    rejects(
        "[main]\nsteps = []\n[expect]\ncontain = [\"a\"]\n",
        "unknown key `contain`",
        "4:1",
        Some("did you mean `contains`?"),
    );
}

#[test]
fn wrong_type() {
    rejects(
        "[main]\nsteps = [{ log = 3 }]\n",
        "invalid type: integer `3`, expected a string",
        "2:18",
        None,
    );
    rejects(
        "[main]\nsteps = [{ sleep = true }]\n",
        "a sleep lasts from 0 to 1e9 seconds",
        "2:20",
        Some("e.g. `sleep = 1.5`"),
    );
    rejects(
        "[main]\nsteps = [{ for = \"i\", from = 1.5, to = 3, do = [] }]\n",
        "expected an integer or a template string",
        "2:30",
        None,
    );
}

#[test]
fn toml_syntax_error() {
    rejects(
        "[main\nsteps = []\n",
        "unclosed table, expected `]`",
        "1:6",
        Some("scenario files are TOML"),
    );
}

#[test]
fn missing_main() {
    rejects(
        "name = \"x\"\n",
        "the scenario has no [main] table",
        "1:1",
        Some("add `[main]`"),
    );
}

#[test]
fn undefined_task() {
    rejects(
        &format!("{TASK}[main]\nsteps = [{{ spawn = \"wroker\", args = {{ n = 1 }} }}]\n"),
        "undefined task `wroker`",
        "5:20",
        Some("did you mean `worker`?"),
    );
    rejects(
        "[main]\nsteps = [{ call = \"helper\" }]\n",
        "undefined task `helper`",
        "2:19",
        Some("declare it as a [tasks.NAME] table"),
    );
}

#[test]
fn undefined_local_task_handle() {
    rejects(
        "[main]\nsteps = [{ await = \"t\" }]\n",
        "undefined task `t`",
        "2:20",
        Some("bind it first"),
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"job\" }}, {{ cancel = \"jb\" }}]\n"
        ),
        "undefined task `jb`",
        "5:73",
        Some("did you mean `job`?"),
    );
}

#[test]
fn undefined_template_variable() {
    rejects(
        "[main]\nsteps = [{ log = \"x = {y}\" }]\n",
        "undefined variable `y` in template",
        "2:23",
        Some("variables here: `i`"),
    );
    rejects(
        "[vars]\ncount = 0\n[main]\nsteps = [{ log = \"{cuont}\" }]\n",
        "undefined variable `cuont` in template",
        "4:19",
        Some("did you mean `count`?"),
    );
}

#[test]
fn malformed_template() {
    rejects(
        "[main]\nsteps = [{ log = \"a {b\" }]\n",
        "`{` opens a placeholder that is never closed",
        "2:21",
        None,
    );
}

#[test]
fn undefined_shared_variable() {
    rejects(
        "[main]\nsteps = [{ set = \"total\", value = 1 }]\n",
        "undefined shared variable `total`",
        "2:18",
        Some("declare it in [vars]"),
    );
}

#[test]
fn wrong_arguments() {
    rejects(
        &format!("{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ m = 1 }} }}]\n"),
        "task `worker` has no parameter `m`",
        "5:39",
        Some("its parameters: `n`"),
    );
    rejects(
        &format!("{TASK}[main]\nsteps = [{{ spawn = \"worker\" }}]\n"),
        "missing argument `n` for task `worker`",
        "5:20",
        Some("add `args = { n = ... }`"),
    );
}

#[test]
fn step_shape_errors() {
    rejects(
        "[main]\nsteps = [{ as = \"x\" }]\n",
        "this step has no verb: it does nothing",
        "2:10",
        Some("start it with one of:"),
    );
    rejects(
        "[main]\nsteps = [{ log = \"a\", sleep = 1 }]\n",
        "a step has one verb, this one has `sleep` and `log`",
        "2:18",
        Some("split it into two steps"),
    );
    rejects(
        "[main]\nsteps = [{ log = \"a\", count = 2 }]\n",
        "key `count` does not go with `log`",
        "2:31",
        Some("`log` takes no other keys"),
    );
    rejects(
        "[main]\nsteps = [{ repeat = 2 }]\n",
        "`repeat` needs a `do = [...]` block of steps",
        "2:21",
        None,
    );
    rejects(
        "[main]\nsteps = [{ try = [] }]\n",
        "`try` needs an `except = [...]` handler",
        "2:18",
        None,
    );
}

#[test]
fn impossible_expectations() {
    rejects(
        "[main]\nsteps = []\n[expect]\nresult = \"3\"\n",
        "impossible expectation: [main] has no `return` step",
        "4:10",
        Some("add `{ return"),
    );
    rejects(
        "[main]\nsteps = []\n[expect]\ncontains = [\"a\"]\nnot_contains = [\"a\"]\n",
        "impossible expectation: `a` is both in `contains` and `not_contains`",
        "5:17",
        None,
    );
    rejects(
        "[main]\nsteps = []\n[expect]\norder = [\"a\"]\n",
        "an `order` needs at least two lines to order",
        "4:10",
        Some("use `contains`"),
    );
    rejects(
        "[main]\nsteps = []\n[expect]\nelapsed = -1.0\n",
        "impossible expectation: `elapsed` is a non-negative number of seconds",
        "4:11",
        None,
    );
    rejects(
        "[semaphores.sem]\nvalue = 2\n[main]\nsteps = []\n[expect]\nmax_concurrency = { sem = 0 }\n",
        "impossible expectation: a semaphore's holders are counted from 1",
        "6:27",
        None,
    );
    rejects(
        "[main]\nsteps = []\n[expect]\nmax_concurrency = { pool = 2 }\n",
        "undefined semaphore `pool`",
        "4:21",
        Some("declare it as [semaphores.NAME]"),
    );
    rejects(
        "[main]\nsteps = []\n[expect]\nvars = { x = 1 }\n",
        "undefined shared variable `x`",
        "4:10",
        None,
    );
    rejects(
        "[main]\nsteps = []\n[check]\nexpect = \"bug\"\n",
        "`expect = \"bug\"` needs runs to find the bug in",
        "4:10",
        Some("add `explore = 200`"),
    );
    rejects(
        "[main]\nsteps = []\n[check]\nexplore = 5\npolicies = [\"random\", \"pct3\"]\n",
        "unknown policy `pct3` for `sim check`",
        "5:23",
        Some("use \"random\" or \"pct:D\" with D >= 1"),
    );
    rejects(
        "[main]\nsteps = []\n[check]\nexplore = 5\npolicies = [\"fifo\"]\n",
        "unknown policy `fifo` for `sim check`",
        "5:13",
        Some("use \"random\" or \"pct:D\" with D >= 1 (the FIFO run is always made)"),
    );
    rejects(
        "[main]\nsteps = []\n[check]\nexplore = 5\npolicies = [\"pct:2\", \"pct:2\"]\n",
        "`pct:2` is listed twice",
        "5:22",
        None,
    );
    rejects(
        "[main]\nsteps = []\n[check]\nexplore = 5\npolicies = []\n",
        "`policies` lists no policy",
        "5:12",
        Some("leave it out for random"),
    );
}

#[test]
fn duplicate_and_bad_names() {
    rejects(
        "[vars]\nx = 0\n[semaphores.x]\nvalue = 1\n[main]\nsteps = []\n",
        "`x` is declared twice",
        "3:13",
        None,
    );
    rejects(
        "[tasks.main]\nsteps = []\n[main]\nsteps = []\n",
        "`main` cannot name a task template",
        "1:8",
        None,
    );
}

#[test]
fn primitive_and_combinator_errors() {
    rejects(
        "[main]\nsteps = [{ acquire = \"db\" }]\n",
        "undefined semaphore or lock `db`",
        "2:22",
        Some("declare it as [semaphores.db]"),
    );
    rejects(
        "[events.go]\n[main]\nsteps = [{ acquire = \"go\" }]\n",
        "`go` is an event, but `acquire` needs a semaphore or lock",
        "3:22",
        None,
    );
    rejects(
        "[locks.lk]\n[main]\nsteps = [{ wait_event = \"lk\" }]\n",
        "`lk` is a lock, but `wait_event` needs an event",
        "3:25",
        Some("declare one with [events.NAME]"),
    );
    rejects(
        "[queues.q]\n[main]\nsteps = [{ put = \"q\" }]\n",
        "`put` needs a `value`",
        "3:18",
        None,
    );
    rejects(
        "[queues.q]\nmaxsize = -1\n[main]\nsteps = []\n",
        "a queue's maxsize cannot be negative",
        "1:1",
        Some("0 means unbounded"),
    );
    rejects(
        "[main]\nsteps = [{ gather = [{ log = \"x\" }] }]\n",
        "a gather item is a coroutine call or a task",
        "2:22",
        Some("write `{ call"),
    );
    rejects(
        "[main]\nsteps = [{ wait_for = \"soon\", do = [] }]\n",
        "`wait_for` takes from 0 to 1e9 seconds",
        "2:23",
        Some("e.g. `1.5`"),
    );
    rejects(
        "[main]\nsteps = [{ sleep = \"soon\" }]\n",
        "a sleep lasts from 0 to 1e9 seconds",
        "2:20",
        None,
    );
    rejects(
        "[main]\nsteps = [{ wait_for = -1, do = [] }]\n",
        "`wait_for` takes from 0 to 1e9 seconds",
        "2:23",
        None,
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"w\" }}, {{ wait = [\"w\"], return_when = \"FIRST\" }}]\n"
        ),
        "unknown return_when `FIRST`",
        "5:90",
        Some("use FIRST_COMPLETED"),
    );
    rejects(
        "[main]\nsteps = [{ as_completed = [] }]\n",
        "`as_completed` needs at least one task",
        "2:27",
        None,
    );
}

#[test]
fn misused_locals_and_primitives_are_located_errors() {
    // Each local's kind is known when every binding of it in the template agrees.
    rejects(
        "[main]\nsteps = [{ let = \"x\", value = 3 }, { await = \"x\" }]\n",
        "`x` holds an int (bound at 2:18), not a task or a future",
        "2:46",
        Some("await, cancel or combine a task"),
    );
    rejects(
        "[main]\nsteps = [{ for = \"k\", from = 1, to = 2, do = [] }, { cancel = \"k\" }]\n",
        "`k` holds an int (bound at 2:18), not a task, a future or a callback handle",
        "2:63",
        None,
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"t\" }}, {{ set_result = \"t\", value = 1 }}]\n"
        ),
        "`t` holds a task (bound at 5:53), not a future",
        "5:75",
        Some("a task's result is what it returns"),
    );
    // wait and as_completed take futures (round 26); a number is still refused.
    rejects(
        "[main]\nsteps = [{ let = \"f\", value = 1 }, { wait = [\"f\"] }]\n",
        "`f` holds an int (bound at 2:18), not a task or a future",
        "2:46",
        None,
    );
    rejects(
        "[main]\nsteps = [{ let = \"f\", value = \"x\" }, { as_completed = [\"f\"], as = \"v\", do = [] }]\n",
        "`f` holds text (bound at 2:18), not a task or a future",
        "2:56",
        None,
    );
    // shield takes a future (round 26); a number is still refused.
    rejects(
        "[main]\nsteps = [{ let = \"f\", value = 1 }, { shield = \"f\" }]\n",
        "`f` holds an int (bound at 2:18), not a task or a future",
        "2:47",
        None,
    );
    // gather takes futures (round 11); a number is still refused.
    rejects(
        "[main]\nsteps = [{ let = \"f\", value = 1 }, { gather = [{ await = \"f\" }] }]\n",
        "`f` holds an int (bound at 2:18), not a task or a future",
        "2:58",
        None,
    );
    rejects(
        "[queues.q]\n[main]\nsteps = [{ await = \"q\" }]\n",
        "`q` is a queue, not a task",
        "3:20",
        Some("take an item with `{ get = \"q\", as = \"item\" }`"),
    );
    rejects(
        "[vars]\nn = 0\n[main]\nsteps = [{ cancel = \"n\" }]\n",
        "`n` is a shared variable, not a task",
        "4:21",
        None,
    );
    // A `timeout` beside another verb than `wait` or `as_completed` is still a second verb.
    rejects(
        "[main]\nsteps = [{ sleep = 1, timeout = 2 }]\n",
        "a step has one verb, this one has `sleep` and `timeout`",
        "2:33",
        None,
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"w\" }}, {{ wait = [\"w\"], timeout = \"soon\" }}]\n"
        ),
        "`wait`'s timeout takes from 0 to 1e9 seconds",
        "5:86",
        Some("e.g. `1.5`"),
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"w\" }}, {{ as_completed = [\"w\"], timeout = -1, do = [] }}]\n"
        ),
        "`as_completed`'s timeout takes from 0 to 1e9 seconds",
        "5:94",
        None,
    );
    rejects(
        &format!(
            "{TASK}[main]\nsteps = [{{ spawn = \"worker\", args = {{ n = 1 }}, as = \"w\" }}, {{ as_completed = [\"w\"], pending = \"p\", do = [] }}]\n"
        ),
        "key `pending` does not go with `as_completed`",
        "5:94",
        Some("`as_completed` accepts: timeout, as, do"),
    );
}

/// A value of the wrong kind that only the run can see (a parameter) raises `TypeError` or
/// `ValueError` in the task; the failure report names the step that raised it, as a
/// located error would (they said only what was wrong, not where).
#[test]
fn wrong_typed_arguments_found_by_the_run_name_their_step() {
    let dir = scratch("errors");
    for (text, want) in [
        (
            "[tasks.job]\nparams = [\"t\"]\nsteps = [{ log = \"awaiting\" }, { await = \"t\" }]\n[main]\nsteps = [{ call = \"job\", args = { t = 0.5 } }]\n",
            "the main task raised TypeError('`t` is 0.5, not a task') (raised at w.toml:3:32)\n",
        ),
        (
            "[tasks.job]\nparams = [\"d\"]\nsteps = [\n  { sleep = \"{d}\" },\n]\n[main]\nsteps = [{ call = \"job\", args = { d = \"soon\" } }]\n",
            "the main task raised ValueError(\"sleep needs from 0 to 1e9 seconds, got 'soon'\") (raised at w.toml:4:3)\n",
        ),
        (
            "[tasks.job]\nparams = [\"f\"]\nsteps = [{ wait = [\"f\"], timeout = 1 }]\n[main]\nsteps = [{ call = \"job\", args = { f = 2 } }]\n",
            "the main task raised TypeError('`f` is 2, not a task or a future') (raised at w.toml:3:10)\n",
        ),
        (
            "[tasks.job]\nparams = [\"f\"]\nsteps = [{ as_completed = [\"f\"], as = \"v\", do = [] }]\n[main]\nsteps = [{ call = \"job\", args = { f = [1] } }]\n",
            "the main task raised TypeError('`f` holds 1, not a task or a future') (raised at w.toml:3:10)\n",
        ),
        (
            "[tasks.job]\nparams = [\"f\"]\nsteps = [{ shield = \"f\" }]\n[main]\nsteps = [{ call = \"job\", args = { f = \"x\" } }]\n",
            "the main task raised TypeError(\"`f` is 'x', not a task or a future\") (raised at w.toml:3:10)\n",
        ),
        (
            "[tasks.job]\nparams = [\"f\"]\nsteps = [{ wait = [\"f\"], return_when = \"FIRST_EXCEPTION\" }]\n[main]\nsteps = [{ create_future = \"f\" }, { call = \"job\", args = { f = \"{f}\" } }]\n",
            "the main task raised NotImplementedError('wait(..., return_when=FIRST_EXCEPTION) over a bare future is not supported yet: use FIRST_COMPLETED in a loop, or wrap the future in a task') (raised at w.toml:3:10)\n",
        ),
    ] {
        std::fs::write(dir.join("w.toml"), text).unwrap();
        let o = sim_in(&dir, &["run", "w.toml"]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(o.stderr.contains(want), "wanted {want} in:\n{}", o.stderr);
    }
}

/// Issue 20: malformed conditions and invariants were accepted and judged by comparing text,
/// so a typo made a check vacuous. They are located errors now.
#[test]
fn malformed_expressions_are_located_errors() {
    let v = "[vars]\nx = 1\n";
    rejects(
        &format!("{v}[main]\nsteps = [{{ if = \"{{x}} >= \", do = [] }}]\n"),
        "the expression ends after `>=`: a value must follow",
        "4:22",
        None,
    );
    rejects(
        &format!("{v}[main]\nsteps = [{{ if = \"{{x}} => 0\", do = [] }}]\n"),
        "`=>` is not an operator",
        "4:22",
        Some("did you mean `>=`?"),
    );
    rejects(
        &format!("{v}[main]\nsteps = []\n[expect]\ninvariants = [\"{{x}} <> 1\"]\n"),
        "`<>` is not an operator",
        "6:20",
        Some("did you mean `!=`?"),
    );
    rejects(
        &format!("{v}[main]\nsteps = []\n[expect]\ninvariants = [\"{{x}} > 0 && {{x}} < 9\"]\n"),
        "`&&` is not an operator",
        "6:24",
        Some("write `and`"),
    );
    rejects(
        &format!("{v}[main]\nsteps = []\n[expect]\ninvariants = [\"{{x}} + 'a' > 0\"]\n"),
        "`+` cannot add an integer and a string",
        "6:16",
        None,
    );
    rejects(
        &format!("{v}[main]\nsteps = []\n[expect]\ninvariants = [\"{{y}} > 0\"]\n"),
        "undefined variable `y`",
        "6:16",
        None,
    );
    rejects(
        &format!("{v}[main]\nsteps = [{{ set = \"x\", expr = \"{{x}} / 2\" }}]\n"),
        "a shared variable holds an integer, and this is a float",
        "4:31",
        None,
    );
    rejects(
        "[main]\nsteps = [{ let = \"v\" }]\n",
        "`let` needs a `value` or an `expr`",
        "2:18",
        None,
    );
}

/// Evaluation errors at run time fail the run, with the expression and where it is
/// written; an invariant that cannot be evaluated does not hold.
#[test]
fn expressions_compute_and_their_errors_fail_the_run() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("ok.toml"),
        "[vars]\na = 1\nb = 2\n[main]\nsteps = [\n  { let = \"h\", expr = \"10.5 / 2\" },\n  { if = \"{a}+{b} > 2 and {a} * 3 == 3 and 10.5 > 2 and 0.5 == 0.50\", do = [{ log = \"sums hold, h={h}\" }] },\n  { set = \"a\", expr = \"{a} * 10 + {b} // 2 - 7 % 3\" },\n]\n[expect]\ncontains = [\"sums hold, h=5.25\"]\nvars = { a = 10 }\ninvariants = [\"{a} >= 1 and not ({b} != 2)\"]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "ok.toml", "--format", "logs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::write(
        dir.join("bad.toml"),
        "[vars]\nz = 0\n[main]\nsteps = [{ let = \"w\", value = \"word\" }, { if = \"{w} > 3\", do = [] }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "bad.toml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("the main task raised TypeError(\"`>` does not take 'word' and 3 (in `{w} > 3` at bad.toml:4:48)\")"),
        "{}",
        o.stderr
    );
    std::fs::write(
        dir.join("inv.toml"),
        "[vars]\nz = 0\n[main]\nsteps = [{ set = \"z\", value = 0 }]\n[expect]\ninvariants = [\"10 // {z} == 1\"]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "inv.toml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains(
            "invariant `10 // {z} == 1` could not be evaluated at t=0 in main: ZeroDivisionError("
        ),
        "{}",
        o.stderr
    );
}

/// Issue 20: names looked like templates (scenarios/README.md said every string was one) but
/// were never filled. They are refused with a hint.
#[test]
fn names_are_not_templates() {
    rejects(
        "[locks.fork_0]\n[main]\nsteps = [{ acquire = \"fork_{i}\" }]\n",
        "a semaphore or lock name is not a template: `{...}` is not filled here",
        "3:22",
        Some("names of tasks, locals, primitives and shared variables are written out"),
    );
    rejects(
        "[tasks.t]\nsteps = []\n[main]\nsteps = [{ spawn = \"{kind}\" }]\n",
        "a task template name is not a template",
        "4:20",
        None,
    );
}

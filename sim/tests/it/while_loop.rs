//! `{ while = "cond", do = [...] }`: Python's `while cond:`, its condition an expression
//! checked before each turn; misuse is a located load error, a loop that never ends stops
//! at the step limit.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("w.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

/// The body's `let`s are seen by the next check; a `return` in the body leaves the loop
/// and the task; a condition false at once runs no turn.
#[test]
fn a_while_loop_runs_until_its_condition_is_false() {
    let got = logs(
        r#"
[queues.q]

[tasks.drain]
steps = [
  { while = "not q.empty()", do = [{ get_nowait = "q", as = "x" }, { log = "took {x}" }] },
  { while = "true", do = [{ return = "drained" }] },
]

[main]
steps = [
  { let = "n", value = 0 },
  { while = "n < 3", do = [{ put_nowait = "q", value = "{n}" }, { let = "n", expr = "n + 1" }] },
  { call = "drain", as = "r" },
  { while = "n > 5", do = [{ log = "never" }] },
  { log = "{r}, n={n}" },
]
"#,
    );
    assert_eq!(
        got,
        "t=0 took 0\nt=0 took 1\nt=0 took 2\nt=0 drained, n=3\n"
    );
}

#[test]
fn a_while_condition_is_a_located_expression() {
    rejects(
        "[main]\nsteps = [{ while = \"1 + 2\", do = [] }]\n",
        "a condition must be true or false, and this is an integer",
        "2:21",
        Some("compare it, e.g. `{x} > 0`"),
    );
    rejects(
        "[main]\nsteps = [{ while = \"{n} <\", do = [] }]\n",
        "the expression ends after `<`: a value must follow",
        "2:25",
        None,
    );
    rejects(
        "[main]\nsteps = [{ while = \"true\" }]\n",
        "`while` needs a `do = [...]` block of steps",
        "2:20",
        Some("e.g. `{ while = ..., do = [{ log = \"tick\" }] }`"),
    );
}

/// A condition that never turns false: each turn is charged, so the run stops at the step
/// limit with a FAILED report (exit 1), not a hang.
#[test]
fn a_while_that_never_ends_stops_at_the_step_limit() {
    let dir = crate::support::scratch("while");
    std::fs::write(
        dir.join("w.toml"),
        "[limits]\nmax_steps = 1000\n[main]\nsteps = [{ while = \"true\", do = [{ let = \"x\", value = 1 }] }]\n",
    )
    .unwrap();
    let o = crate::support::sim_in(&dir, &["run", "w.toml"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stdout.contains("step limit reached after 1000 steps")
            || o.stderr.contains("step limit reached after 1000 steps"),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    std::fs::remove_dir_all(dir).unwrap();
}

//! A condition's `with` block lends its lock to the `wait_condition`, `notify` and
//! `notify_all` steps in its body (asyncio's `async with cond: ... await cond.wait() ...`):
//! the waiter holds the lock again after its wait, until the block ends.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

/// The FIFO log lines of `text`, and whether its expectations held.
fn run(text: &str) -> String {
    let scn = Arc::new(scenario::parse("c.toml", text).unwrap());
    let report = interp::run(&scn, &Sim::new());
    assert!(expect::failures(&scn, &report).is_empty());
    report.outcome.trace.logs()
}

/// Case 300's shape: two notifications in one hold wake two waiters, and each holds the
/// lock through its sleep after the wait, so the second wakes only when the first leaves
/// (and `locked()` is False right after that release, the lock being handed to the second
/// waiter, which has not run yet). CPython 3.11 prints these lines for the same program.
#[test]
fn a_waiter_holds_the_lock_again_after_its_wait() {
    let logs = run(r#"
[conditions.cond]

[tasks.waiter]
params = ["name"]
steps = [
  { with = "cond", do = [
    { wait_condition = "cond" },
    { log = "{name} woke, locked={cond.locked()}" },
    { sleep = 0.25 },
  ] },
  { log = "{name} out, locked={cond.locked()}" },
]

[main]
steps = [
  { spawn = "waiter", args = { name = "a" }, as = "a" },
  { spawn = "waiter", args = { name = "b" }, as = "b" },
  { yield = 1 },
  { with = "cond", do = [{ notify = "cond", n = 1 }, { notify = "cond", n = 1 }, { log = "notified 2" }] },
  { await = "a" },
  { await = "b" },
  { log = "end, locked={cond.locked()}" },
]
"#);
    assert_eq!(
        logs,
        "t=0 notified 2\nt=0 a woke, locked=True\nt=250 a out, locked=False\n\
         t=250 b woke, locked=True\nt=500 b out, locked=False\nt=500 end, locked=False\n"
    );
}

/// Case 377's shape: a waiter cancelled in its wait takes the lock back before the
/// CancelledError leaves the block, whose exit releases it: the handler sees it free, and
/// the notification goes to the waiter left.
#[test]
fn a_cancelled_waiter_releases_the_lock_on_its_way_out() {
    let logs = run(r#"
[conditions.cond]

[tasks.waiter]
params = ["name"]
steps = [
  { try = [
    { with = "cond", do = [{ wait_condition = "cond" }, { log = "{name} notified" }] },
  ], error = "CancelledError", except = [{ log = "{name} cancelled, locked={cond.locked()}" }] },
]

[main]
steps = [
  { spawn = "waiter", args = { name = "w0" }, as = "w0" },
  { spawn = "waiter", args = { name = "w1" }, as = "w1" },
  { yield = 1 },
  { cancel = "w0" },
  { yield = 1 },
  { with = "cond", do = [{ notify = "cond", n = 1 }, { log = "notified one" }] },
  { await = "w0" },
  { await = "w1" },
  { log = "end, locked={cond.locked()}" },
]
"#);
    assert_eq!(
        logs,
        "t=0 w0 cancelled, locked=False\nt=0 notified one\nt=0 w1 notified\nt=0 end, locked=False\n"
    );
}

/// Outside a `with` block on the condition each step takes the lock for itself, as
/// before round 23; inside a `with` block on another condition, too.
#[test]
fn outside_its_with_block_a_wait_takes_the_lock_itself() {
    let logs = run(r#"
[conditions.c]
[conditions.other]

[tasks.waiter]
steps = [
  { with = "other", do = [{ wait_condition = "c" }, { log = "woke, c locked={c.locked()}" }] },
]

[main]
steps = [
  { spawn = "waiter", as = "w" },
  { yield = 1 },
  { notify_all = "c" },
  { await = "w" },
]
"#);
    assert_eq!(logs, "t=0 woke, c locked=False\n");
}

//! `{ cancel = "t", as = "ok" }`: asyncio's `ok = t.cancel()`, whether the request was
//! taken; on a list, the list of them; a loop handle's `cancel()` returns `None`.

use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{interp, scenario};

use crate::errors::rejects;

fn logs(text: &str) -> String {
    let scn = Arc::new(scenario::parse("c.toml", text).unwrap());
    interp::run(&scn, &Sim::new()).outcome.trace.logs()
}

#[test]
fn cancel_binds_whether_the_request_was_taken() {
    let got = logs(
        r#"
[tasks.s]
steps = [{ sleep = 1 }]

[main]
steps = [
  { spawn = "s", as = "t" },
  { spawn = "s", count = 2, as = "ts" },
  { create_future = "f" },
  { set_result = "f", value = 1 },
  { call_later = 5, do = [], as = "h" },
  { cancel = "t", as = "a" },
  { cancel = "t", message = "again", as = "b" },
  { cancel = "f", as = "c" },
  { cancel = "h", as = "d" },
  { cancel = "ts", as = "e" },
  { sleep = 2 },
  { cancel = "t", as = "g" },
  { log = "{a} {b} {c} {d} {e} {g}" },
]
"#,
    );
    assert_eq!(got, "t=2000 True True False None [True, True] False\n");
}

#[test]
fn cancel_as_misuse_is_located() {
    rejects(
        "[main]\nsteps = [{ cancel = \"t\", as = \"ok\" }]\n",
        "undefined task `t`",
        "2:21",
        None,
    );
}

//! Bad command lines given to `sim`, and what a failing run's exit and rerun command say:
//! a clear message on stderr, a non-zero exit, and never a panic, hang or backtrace.

use crate::support::{scratch, sim_in};

#[test]
fn bad_flags() {
    let dir = scratch("errors");
    std::fs::write(dir.join("ok.toml"), "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "ok.toml", "--policy", "lifo"],
            "invalid value 'lifo' for '--policy <POLICY>': unknown policy 'lifo' (known: fifo, random, pct:D with D >= 1)",
        ),
        (
            &["run", "ok.toml", "--seed", "-3"],
            "unexpected argument '-3'",
        ),
        (
            &["run", "ok.toml", "--seed", "x"],
            "invalid value 'x' for '--seed <SEED>'",
        ),
        (
            &["run", "ok.toml", "--format", "pdf"],
            "invalid value 'pdf' for '--format <FORMAT>'",
        ),
        (
            &["run", "ok.toml", "--colour"],
            "unexpected argument '--colour'",
        ),
        (
            &["explore", "ok.toml"],
            "the following required arguments were not provided",
        ),
        (
            &["explore", "ok.toml", "--seeds", "5..2"],
            "the range 5..2 is empty",
        ),
        (&["explore", "ok.toml", "--seeds", "5"], "expected A..B"),
        (
            &["explore", "ok.toml", "--runs", "3", "--shard", "3/3"],
            "shard 3/3 does not exist",
        ),
        (
            &["explore", "ok.toml", "--runs", "3", "--jobs", "0"],
            "invalid value '0' for '--jobs <JOBS>'",
        ),
        (
            &["explore", "ok.toml", "--runs", "3", "--seeds", "0..3"],
            "cannot be used with",
        ),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (
            &["explore", "ok.toml", "--runs", "3", "--policy", "pct:0"],
            "unknown policy 'pct:0'",
        ),
        (
            &["shrink", "ok.toml"],
            "the following required arguments were not provided",
        ),
    ];
    for (args, msg) in cases {
        let o = sim_in(&dir, args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(msg),
            "{args:?}: wanted `{msg}` in:\n{}",
            o.stderr
        );
    }
    let o = sim_in(&dir, &["explore", "ok.toml", "--runs", "0"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("error: no seeds to run"), "{}", o.stderr);
}

#[test]
fn failed_expectations_exit_one_with_the_rerun_command() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("f.toml"),
        "[main]\nsteps = [{ log = \"hi\" }]\n[expect]\ncontains = [\"bye\"]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "f.toml", "--seed", "9"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stdout,
        "t=0 loop spawn #1 main\nt=0 #1 main poll\nt=0 #1 main log: hi\nt=0 #1 main returned\n"
    );
    assert!(o.stderr.contains("FAILED: scenario `f` (f.toml)\n  - no log line `bye`\nseed: 9  policy: fifo\nreplay token: sl3:fifo:9:"), "{}", o.stderr);
    // Outside a checkout, the program as it was invoked (`cargo run` works only in one).
    assert!(
        o.stderr.contains(&format!(
            "rerun: {} replay f.toml sl3:fifo:9:",
            env!("CARGO_BIN_EXE_sim")
        )),
        "{}",
        o.stderr
    );
    std::fs::write(
        dir.join("g.toml"),
        "[main]\nsteps = [{ fail = \"ValueError\", message = \"boom\" }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "g.toml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("the main task raised ValueError('boom') (raised at g.toml:2:10)\n"),
        "{}",
        o.stderr
    );
}

#[test]
fn smaller_command_line_fixes() {
    let dir = scratch("errors");
    std::fs::write(dir.join("ok.toml"), "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
    // `check` takes a file; one scenario is not "1 scenarios".
    let o = sim_in(&dir, &["check", "ok.toml"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("1 scenario: 1 ok, 0 failed, 0 unreadable"),
        "{}",
        o.stdout
    );
    // `explore --policy fifo` explores nothing.
    let o = sim_in(
        &dir,
        &["explore", "ok.toml", "--runs", "3", "--policy", "fifo"],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("`--policy fifo` explores nothing"),
        "{}",
        o.stderr
    );
    // `--shard 0/0` used to suggest "use 0/0 to 0/0".
    let o = sim_in(
        &dir,
        &["explore", "ok.toml", "--runs", "3", "--shard", "0/0"],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("the shard count must be at least 1"),
        "{}",
        o.stderr
    );
    let o = sim_in(&dir, &["explore", "ok.toml", "--runs", "1"]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout.contains("explored `ok`: 1 run (policy random"),
        "{}",
        o.stdout
    );
}

/// Issue 20: `explore` kept running after a failure.
#[test]
fn explore_stops_at_the_first_failure_unless_asked_to_keep_going() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("race.toml"),
        "[vars]\nn = 0\n[tasks.t]\nsteps = [{ let = \"v\", value = \"{n}\" }, { yield = 1 }, { set = \"n\", value = \"{v}\", add = 1 }]\n[main]\nsteps = [{ spawn = \"t\", count = 2, as = \"ts\" }, { await = \"ts\" }]\n[expect]\nvars = { n = 2 }\n",
    )
    .unwrap();
    let o = sim_in(
        &dir,
        &["explore", "race.toml", "--runs", "200", "--no-shrink"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("(stopped at the first failure; --keep-going runs them all)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("failures: 1\n"), "{}", o.stdout);
    let o = sim_in(
        &dir,
        &[
            "explore",
            "race.toml",
            "--runs",
            "200",
            "--no-shrink",
            "--keep-going",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("explored `race`: 200 runs"),
        "{}",
        o.stdout
    );
}

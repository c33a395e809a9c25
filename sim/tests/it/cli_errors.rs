//! Bad command lines, replay tokens and files given to `sim`: a clear message on stderr, a
//! non-zero exit, and never a panic, hang or backtrace (the scenario files' own errors are
//! in `errors.rs`).

use std::process::Command;

use crate::support::{scratch, sim_in};

#[test]
fn missing_file() {
    let o = sim_in(&scratch("errors"), &["run", "nope.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("error: cannot read the scenario file"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--> nope.toml:1:1"));
}

/// `sim run s.toml --out s.toml` replaced the scenario with its own trace, and the next
/// run of it failed to parse: `--out` naming the scenario file (by any path) is refused.
#[test]
fn out_naming_the_scenario_file_is_refused() {
    let dir = scratch("out-self");
    let program = "[main]\nsteps = [{ log = \"hi\" }]\n";
    std::fs::write(dir.join("s.toml"), program).unwrap();
    // Another file is written as asked.
    let o = sim_in(&dir, &["run", "s.toml", "--out", "trace.txt"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        std::fs::read_to_string(dir.join("trace.txt"))
            .unwrap()
            .contains("log: hi")
    );
    let token = o
        .stderr
        .split("replay token: ")
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    let absolute = dir.join("s.toml").to_str().unwrap().to_string();
    for (verb, out) in [
        ("run", "s.toml"),
        ("run", "./s.toml"),
        ("replay", absolute.as_str()),
    ] {
        let mut args = vec![verb, "s.toml"];
        if verb == "replay" {
            args.push(&token);
        }
        args.extend(["--format", "html", "--out", out]);
        let o = sim_in(&dir, &args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("error: --out {out} is the scenario file")),
            "{}",
            o.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("s.toml")).unwrap(),
            program
        );
    }
}

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
fn bad_tokens() {
    let dir = scratch("errors");
    std::fs::write(dir.join("ok.toml"), "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
    let cases = [
        ("garbage", "malformed replay token"),
        (
            "sl9:fifo:0:AA",
            "replay token version 'sl9' is not supported",
        ),
        ("sl3:lifo:0:AA", "unknown policy 'lifo'"),
        ("sl3:fifo:1:yR-XYhc4XgIA0kMkdA", "checksum"),
        (
            "sl1:fifo:0:AGto0Qs",
            "'sl1' was written by an older simloop",
        ),
    ];
    for (token, msg) in cases {
        let o = sim_in(&dir, &["shrink", "ok.toml", token]);
        assert_eq!(o.code, 2, "{token}: {}", o.stderr);
        assert!(
            o.stderr.contains(msg),
            "{token}: wanted `{msg}` in:\n{}",
            o.stderr
        );
        let o = sim_in(&dir, &["replay", "ok.toml", token]);
        assert_eq!(o.code, 2, "{token}: {}", o.stderr);
        assert!(
            o.stderr.contains(msg),
            "{token}: wanted `{msg}` in:\n{}",
            o.stderr
        );
        assert!(
            o.stderr
                .contains("hint: pass the token exactly as a failed run printed it")
        );
    }
    // Shrinking a passing run is a usage error with a hint.
    let o = sim_in(
        &dir,
        &["shrink", "ok.toml", "sl3:fifo:0:yR-XYhc4XgIAs-zeBA"],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "error: this token's run meets every expectation of `ok`, so there is nothing to shrink"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("= hint: pass the token of a failing run"));
    // A token from another scenario (bug_lock_order_deadlock, seed 4, without its `@`
    // scenario fingerprint) is refused by its program's fingerprint.
    let tok = "sl3:random:4:O4i6QNwR0gsHAQIBAgECAAIAAgECAQJBgKUJ";
    for verb in ["replay", "shrink"] {
        let o = sim_in(&dir, &[verb, "ok.toml", tok]);
        assert_eq!(o.code, 2, "{verb}: {}", o.stderr);
        assert!(
            o.stderr
                .contains("error: this token was recorded from another program (fingerprint"),
            "{verb}: {}",
            o.stderr
        );
    }
}

#[test]
fn check_reports_unreadable_scenarios_and_bad_dirs() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("a_ok.toml"),
        "[main]\nsteps = [{ log = \"hi\" }]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b_bad.toml"),
        "[main]\nsteps = [{ lgo = \"hi\" }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["check", "."]);
    assert_eq!(o.code, 2);
    assert!(o.stdout.contains("ok   ./a_ok.toml (fifo)"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("2 scenarios: 1 ok, 0 failed, 1 unreadable"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("unknown key `lgo`") && o.stderr.contains("./b_bad.toml:2:12"),
        "{}",
        o.stderr
    );
    // A path that is neither a file nor a directory: located, like `sim run`'s error.
    let o = sim_in(&dir, &["check", "missing-dir"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("error: cannot read the scenario file: No such file or directory")
            && o.stderr.contains("--> missing-dir:1:1"),
        "{}",
        o.stderr
    );
    let empty = scratch("errors");
    let o = sim_in(&empty, &["check", "."]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("error: no .toml scenarios in the directory .")
    );
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

/// Issue 20: a token of one scenario replayed against another exited 0 ("every expectation
/// holds"), and a divergence exited 1 with unrelated expectation failures on top.
#[test]
fn tokens_are_bound_to_their_program() {
    let dir = scratch("errors");
    let a = "[tasks.t]\nsteps = [{ yield = 1 }, { log = \"t\" }]\n[main]\nsteps = [{ spawn = \"t\", as = \"x\" }, { spawn = \"t\", as = \"y\" }, { yield = 2 }, { await = \"x\" }, { await = \"y\" }]\n";
    std::fs::write(dir.join("a.toml"), a).unwrap();
    // The same program with other comments, name and expectations: the same fingerprint.
    std::fs::write(
        dir.join("a2.toml"),
        format!("# a comment\nname = \"renamed\"\n{a}[expect]\ncontains = [\"t\"]\n"),
    )
    .unwrap();
    std::fs::write(dir.join("b.toml"), "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
    let o = sim_in(
        &dir,
        &["run", "a.toml", "--policy", "random", "--seed", "3"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let token = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("replay token: "))
        .expect("a passing run prints its token")
        .to_string();
    let (lib, print) = token.split_once('@').expect("a fingerprint");
    assert_eq!(print.len(), 8);
    assert_eq!(sim_in(&dir, &["replay", "a.toml", &token]).code, 0);
    assert_eq!(sim_in(&dir, &["replay", "a2.toml", &token]).code, 0);
    let o = sim_in(&dir, &["replay", "b.toml", &token]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: this token was recorded for another program (fingerprint"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("hint: replay it with the scenario it came from")
    );
    let o = sim_in(&dir, &["shrink", "b.toml", &token]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = sim_in(&dir, &["replay", "a.toml", &format!("{lib}@zz")]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("`zz` after `@` is not a scenario fingerprint"),
        "{}",
        o.stderr
    );
    // Without a fingerprint the token is replayed, with a note.
    let o = sim_in(&dir, &["replay", "a.toml", lib]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("note: this token carries no scenario fingerprint")
    );
    // A token with a forged scenario fingerprint is refused by the program's fingerprint:
    // its own error, without expectation failures on top.
    let b_print = {
        let o = sim_in(&dir, &["run", "b.toml"]);
        let t = o
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("replay token: "))
            .unwrap()
            .to_string();
        t.split_once('@').unwrap().1.to_string()
    };
    let o = sim_in(&dir, &["replay", "b.toml", &format!("{lib}@{b_print}")]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: this token was recorded from another program (fingerprint"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("FAILED"), "{}", o.stderr);
    // A run that leaves its token after the program's fingerprint (71 tasks spawned at once
    // fill its window) diverges: here, replayed without the step limit it was recorded
    // under, it goes on past the recording's end.
    std::fs::write(
        dir.join("spin.toml"),
        "[tasks.t]\nsteps = [{ while_before = 10, do = [{ yield = 1 }] }]\n[main]\nsteps = [{ spawn = \"t\", count = 70, as = \"hs\" }, { await = \"hs\" }]\n",
    )
    .unwrap();
    let o = sim_in(
        &dir,
        &[
            "run",
            "spin.toml",
            "--policy",
            "random",
            "--max-steps",
            "2000",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let spun = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("replay token: "))
        .unwrap()
        .to_string();
    let o = sim_in(&dir, &["replay", "spin.toml", &spun, "--max-steps", "2000"]);
    assert_eq!(o.code, 1, "the same limit replays the run: {}", o.stderr);
    let o = sim_in(&dir, &["replay", "spin.toml", &spun]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: the replay left its token: replay diverged"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("FAILED"), "{}", o.stderr);
}

/// Regression (the hostile corpus, round 7): a seed-only token (`sl3:random:14:@...`, as
/// `sim explore` prints for a run made without tracing) lost its fingerprint: the `@` that
/// opens its payload was read as the fingerprint's, so the token without one was refused
/// as corrupt.
#[test]
fn seed_only_tokens_keep_their_payload() {
    let dir = scratch("errors");
    let lost = "[vars]\ncounter = 0\n[tasks.inc]\nsteps = [{ let = \"c\", value = \"{counter}\" }, { yield = 1 }, { set = \"counter\", value = \"{c}\", add = 1 }]\n[main]\nsteps = [{ spawn = \"inc\", as = \"a\" }, { spawn = \"inc\", as = \"b\" }, { await = \"a\" }, { await = \"b\" }]\n[expect]\nvars = { counter = 2 }\n";
    std::fs::write(dir.join("lost.toml"), lost).unwrap();
    std::fs::write(
        dir.join("other.toml"),
        "[main]\nsteps = [{ log = \"hi\" }]\n",
    )
    .unwrap();
    let o = sim_in(
        &dir,
        &["explore", "lost.toml", "--runs", "50", "--no-shrink"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let token = (o.stdout.clone() + &o.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("first failing token: "))
        .expect("a failing seed")
        .to_string();
    let (lib, print) = token.rsplit_once('@').expect("a fingerprint");
    assert!(lib.contains(":@"), "a seed-only token: {token}");
    assert_eq!(print.len(), 8);
    let o = sim_in(&dir, &["replay", "lost.toml", &token]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stdout.contains("FAILED") || o.stderr.contains("FAILED"));
    let o = sim_in(&dir, &["replay", "lost.toml", lib]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("note: this token carries no scenario fingerprint"),
        "{}",
        o.stderr
    );
    let o = sim_in(&dir, &["replay", "other.toml", &token]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: this token was recorded for another program"),
        "{}",
        o.stderr
    );
}

/// Issue 20: reading a FIFO hung, /dev/zero was read until memory ran out, a binary file
/// got "check the path", and a 1 MB line gave a 2 MB error message.
#[test]
fn odd_files_are_refused_without_reading_them_whole() {
    let dir = scratch("errors");
    for (path, message) in [
        (
            "/dev/zero",
            "it is not a regular file (a FIFO, socket or device)",
        ),
        (".", "it is not a regular file (a directory)"),
    ] {
        let o = sim_in(&dir, &["run", path]);
        assert_eq!(o.code, 2, "{path}: {}", o.stderr);
        assert!(o.stderr.contains(message), "{path}: {}", o.stderr);
    }
    let fifo = dir.join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = sim_in(&dir, &["run", "pipe.toml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not a regular file"), "{}", o.stderr);
    std::fs::write(
        dir.join("bin.toml"),
        [0x7f, b'E', b'L', b'F', 0, 0xff, 0xfe],
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "bin.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("the scenario file is not text: byte 5 is not UTF-8"),
        "{}",
        o.stderr
    );
    std::fs::write(dir.join("nul.toml"), "[main]\0").unwrap();
    let o = sim_in(&dir, &["run", "nul.toml"]);
    assert!(
        o.stderr.contains("it has a NUL byte at byte 6"),
        "{}",
        o.stderr
    );
    // Located at the byte (it said 1:1 wherever the byte was).
    assert!(o.stderr.contains("--> nul.toml:1:7"), "{}", o.stderr);
    std::fs::write(dir.join("late.toml"), b"[main]\nsteps = []\n# caf\xe9\n").unwrap();
    let o = sim_in(&dir, &["run", "late.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("byte 23 is not UTF-8\n  --> late.toml:3:6"),
        "{}",
        o.stderr
    );
    let big = std::fs::File::create(dir.join("big.toml")).unwrap();
    big.set_len(5 << 20).unwrap();
    let o = sim_in(&dir, &["run", "big.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("is larger than 4194304 bytes"),
        "{}",
        o.stderr
    );
    let line = format!(
        "[main]\nsteps = [{{ log = \"{}\", oops = 1 }}]\n",
        "x".repeat(1 << 20)
    );
    std::fs::write(dir.join("long.toml"), line).unwrap();
    let o = sim_in(&dir, &["run", "long.toml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown key `oops`"), "{}", o.stderr);
    assert!(o.stderr.len() < 2_000, "{} bytes of error", o.stderr.len());
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

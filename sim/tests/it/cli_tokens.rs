//! Replay tokens given to `sim`: malformed, of another scenario, seed-only; refused with
//! a clear message (exit 2) or replayed exactly, never a panic or backtrace.

use crate::support::{scratch, sim_in};

#[test]
fn bad_tokens() {
    let dir = scratch("errors");
    std::fs::write(dir.join("ok.toml"), "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
    let cases = [
        ("garbage", "malformed replay token"),
        (
            "sl11:fifo:0:AA",
            "replay token version 'sl11' is not supported",
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
    let tok = "sl10:random:4:O4i6QNwR0gsHAQIBAgECAAIAAgECAQJpV9vo";
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

/// The command a failed run prints replays it to the same end: a run stopped by a deadlock,
/// the step limit or the time limit, rerun by its `rerun:` line as printed, prints the same
/// trace, its teardown lines labelled `(deadlock)`, `(step limit)` or `(time limit)` as the
/// recorded run's were.
#[test]
fn a_rerun_command_replays_the_run_to_the_same_end() {
    let dir = scratch("rerun-end");
    let spin = "[tasks.spin]\nsteps = [{ repeat = 100000, do = [{ yield = 1 }] }]\n";
    let cases = [
        (
            "deadlock",
            "[locks.a]\n[locks.b]\n[tasks.ab]\nsteps = [{ acquire = \"a\" }, { yield = 1 }, { acquire = \"b\" }]\n[tasks.ba]\nsteps = [{ acquire = \"b\" }, { yield = 1 }, { acquire = \"a\" }]\n[main]\nsteps = [{ spawn = \"ab\", as = \"x\" }, { spawn = \"ba\", as = \"y\" }, { await = \"x\" }, { await = \"y\" }]\n".to_string(),
            &[][..],
        ),
        (
            "step limit",
            format!("{spin}[main]\nsteps = [{{ spawn = \"spin\", as = \"a\" }}, {{ spawn = \"spin\", as = \"b\" }}, {{ await = \"a\" }}]\n"),
            &["--max-steps", "300"][..],
        ),
        (
            "time limit",
            "[tasks.nap]\nsteps = [{ sleep = 50 }]\n[tasks.tick]\nsteps = [{ repeat = 100, do = [{ sleep = 1 }] }]\n[main]\nsteps = [{ spawn = \"nap\", as = \"a\" }, { spawn = \"tick\", as = \"b\" }, { await = \"a\" }]\n".to_string(),
            &["--max-time", "10"][..],
        ),
    ];
    for (end, text, flags) in cases {
        let file = format!("{}.toml", end.replace(' ', "_"));
        std::fs::write(dir.join(&file), text).unwrap();
        for seed in ["0", "1", "2"] {
            let mut args = vec!["run", file.as_str(), "--policy", "random", "--seed", seed];
            args.extend_from_slice(flags);
            let run = sim_in(&dir, &args);
            assert_eq!(run.code, 1, "{end}: {}", run.stderr);
            let label = format!(" cancel delivered ({end})");
            assert!(run.stdout.contains(&label), "{end}:\n{}", run.stdout);
            let rerun = run
                .stderr
                .lines()
                .find_map(|l| l.strip_prefix("rerun: "))
                .unwrap_or_else(|| panic!("{end}: no rerun line in\n{}", run.stderr));
            // `<sim> replay FILE TOKEN [flags]`, every word plain (no quoting needed here).
            let words: Vec<&str> = rerun.split(' ').collect();
            let at = words.iter().position(|w| *w == "replay").unwrap();
            let replay = sim_in(&dir, &words[at..]);
            assert_eq!(replay.code, 1, "{end}: {}", replay.stderr);
            assert_eq!(replay.stdout, run.stdout, "{end} seed {seed}: {rerun}");
        }
    }
}

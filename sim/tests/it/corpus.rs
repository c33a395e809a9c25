//! Representative cases of the hostile corpus (`scripts/hostile-corpus.py`, issue 20) that
//! `sim` once mishandled, each run through the binary: every one must end with exit 0, 1
//! or 2, a located error or a FAILED report whose rerun command works where it is printed.

use std::path::Path;
use std::process::Command;

use crate::support::{Out, scratch, sim_in};

/// The arguments of the replay command on the line of `text` that starts with `prefix`.
fn command_after(text: &str, prefix: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{text}"));
    let at = line.find(" replay ").expect("a replay command");
    line[at + 1..].split(' ').map(str::to_string).collect()
}

/// Reruns the command printed after `prefix`, in `dir`.
fn rerun(dir: &Path, text: &str, prefix: &str) -> Out {
    let args = command_after(text, prefix);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sim_in(dir, &args)
}

/// Runs the printed command `line` through a shell in `dir`, as a user pastes it; asserts
/// it exited 1 (the run failed again) and returns its standard error.
fn failed_in_shell(dir: &Path, line: &str) -> String {
    let o = Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{line}: {stderr}");
    stderr
}

const TWO_SPINNERS: &str = "[tasks.t]\nsteps = [{ while_before = 1e8, do = [{ yield = 1 }] }]\n[main]\nsteps = [{ spawn = \"t\" }, { spawn = \"t\" }, { sleep = 1 }]\n";

/// The rerun command of a run stopped by a limit flag lacked the flag, so the replay went
/// past the recorded end and was refused ("the replay left its token", exit 2).
#[test]
fn the_rerun_command_carries_the_limit_flags() {
    let dir = scratch("corpus");
    std::fs::write(dir.join("s.toml"), TWO_SPINNERS).unwrap();
    let o = sim_in(
        &dir,
        &["run", "s.toml", "--policy", "random", "--max-steps", "100"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("step limit reached after 100 steps"));
    let again = rerun(&dir, &o.stderr, "rerun: ");
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(again.stderr.contains("step limit reached after 100 steps"));
    // A time limit is written back exactly.
    let o = sim_in(
        &dir,
        &["run", "s.toml", "--policy", "random", "--max-time", "0.25"],
    );
    assert!(o.stderr.contains(" --max-time 0.25\n"), "{}", o.stderr);
    // The HTML page's replay line is the same command (it lacked the flags, round 7), and a
    // long token is its file there too (the page carried all 666,000 characters).
    let o = sim_in(
        &dir,
        &[
            "run",
            "s.toml",
            "--policy",
            "random",
            "--max-steps",
            "100",
            "--format",
            "html",
        ],
    );
    let rerun_line = o.stderr.lines().find_map(|l| l.strip_prefix("rerun: "));
    assert!(
        o.stdout
            .contains(&format!("<code>replay: {}</code>", rerun_line.unwrap())),
        "{}",
        o.stderr
    );
    assert!(rerun_line.unwrap().ends_with(" --max-steps 100"));
    let o = sim_in(
        &dir,
        &[
            "run",
            "s.toml",
            "--policy",
            "random",
            "--max-steps",
            "12000",
            "--format",
            "html",
        ],
    );
    assert!(o.stdout.contains("replay s.toml @/"), "{}", o.stderr);
    assert!(o.stdout.len() < 200_000, "{} bytes of HTML", o.stdout.len());
}

/// A run of thousands of decisions printed a token of megabytes (a million-step run under
/// the random policy: 2.6 MB, twice), which no command line takes. A long token is kept in
/// a file and printed as `@FILE`, which `replay` and `shrink` read.
#[test]
fn a_long_token_is_kept_in_a_file_that_replay_reads() {
    let dir = scratch("corpus");
    std::fs::write(dir.join("s.toml"), TWO_SPINNERS).unwrap();
    let o = sim_in(
        &dir,
        &[
            "run",
            "s.toml",
            "--policy",
            "random",
            "--max-steps",
            "12000",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.len() < 2000, "{}", o.stderr);
    let token_line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("replay token: @"))
        .unwrap_or_else(|| panic!("{}", o.stderr));
    assert!(
        token_line.contains("(sl10:random:0:") && token_line.contains("characters"),
        "{token_line}"
    );
    let again = rerun(&dir, &o.stderr, "rerun: ");
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("step limit reached after 12000 steps")
    );
    // A token file that is not one is a usage error.
    for bad in ["@missing.token", "@."] {
        let o = sim_in(&dir, &["replay", "s.toml", bad]);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(
            o.stderr.starts_with("error: cannot read the token file"),
            "{}",
            o.stderr
        );
    }
}

/// `[check] explore = 9223372036854775807` made `sim check` run for ever.
#[test]
fn check_explores_a_bounded_number_of_seeds() {
    let dir = scratch("corpus");
    std::fs::write(
        dir.join("s.toml"),
        "[main]\nsteps = []\n[check]\nexplore = 9223372036854775807\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["check", "s.toml"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: `sim check` explores at most 1000 seeds\n  --> s.toml:4:11"),
        "{}",
        o.stderr
    );
}

/// `sim check` on a missing file said "cannot read directory", with no location.
#[test]
fn check_on_a_missing_file_is_a_located_error() {
    let dir = scratch("corpus");
    let o = sim_in(&dir, &["check", "missing.toml"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: cannot read the scenario file: No such file or directory"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--> missing.toml:1:1"), "{}", o.stderr);
}

/// Ten thousand tasks named by a 5,000-character template made a 4 GB timeline (out of
/// memory): names are cut to 200 bytes.
#[test]
fn long_task_names_are_cut() {
    let dir = scratch("corpus");
    let long = "n".repeat(5000);
    std::fs::write(
        dir.join("s.toml"),
        format!("[tasks.t]\nname = \"{long}\"\nsteps = []\n[main]\nsteps = [{{ spawn = \"t\", count = 3, as = \"ts\" }}, {{ await = \"ts\" }}]\n"),
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "s.toml"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let cut = format!("#2 {}... ", "n".repeat(200));
    assert!(o.stdout.contains(&cut), "{}", &o.stdout[..400]);
    assert!(!o.stdout.contains(&"n".repeat(201)));
}

/// A 100,000-character path, or token, was quoted whole in the error (twice).
#[test]
fn long_paths_and_tokens_are_cut_in_errors() {
    let dir = scratch("corpus");
    let path = format!("{}.toml", "p".repeat(100_000));
    let o = sim_in(&dir, &["run", &path]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.len() < 2000, "{}", o.stderr.len());
    assert!(o.stderr.contains(&format!("--> {}...", "p".repeat(100))));
    std::fs::write(dir.join("s.toml"), "[main]\nsteps = []\n").unwrap();
    let token = format!("sl3:random:{}:AAAA", "9".repeat(100_000));
    let o = sim_in(&dir, &["replay", "s.toml", &token]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.len() < 2000, "{}", o.stderr.len());
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
}

const LOCK_CYCLE: &str = "[locks.a]\n[locks.b]\n[tasks.x]\nsteps = [{ with = \"a\", do = [{ sleep = 1 }, { with = \"b\", do = [] }] }]\n[tasks.y]\nsteps = [{ with = \"b\", do = [{ sleep = 1 }, { with = \"a\", do = [] }] }]\n";

/// A watchdog that cancels a member of a lock cycle later broke it in asyncio, but the cycle
/// was reported as a deadlock when it formed. A scenario in which a task may cancel another
/// reports a cycle only when the whole run stalls; `[limits] partial_deadlocks` chooses.
#[test]
fn a_watchdog_that_breaks_a_lock_cycle_is_no_deadlock() {
    let dir = scratch("corpus");
    let watchdog = format!(
        "{LOCK_CYCLE}[main]\nsteps = [{{ spawn = \"x\", as = \"x\" }}, {{ spawn = \"y\", as = \"y\" }}, {{ sleep = 5 }}, {{ cancel = \"x\" }}, {{ await = \"y\" }}, {{ log = \"y done\" }}]\n[expect]\ncontains = [\"y done\"]\n"
    );
    std::fs::write(dir.join("s.toml"), &watchdog).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "t=5000 y done\n");
    // Opting in reports the cycle as it forms, with the rule in the report.
    std::fs::write(
        dir.join("s.toml"),
        format!("[limits]\npartial_deadlocks = true\n{watchdog}"),
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("deadlock at t=1000: 2 tasks wait on each other (none of them has a timer or wake-up pending: only a cancellation by another task could release them)"),
        "{}",
        o.stderr
    );
    // Without any `cancel`, a heartbeat does not hide the cycle: reported as it forms.
    let heartbeat = format!(
        "{LOCK_CYCLE}[tasks.beat]\nsteps = [{{ while_before = 1e6, do = [{{ sleep = 1 }}] }}]\n[main]\nsteps = [{{ spawn = \"beat\" }}, {{ spawn = \"x\", as = \"x\" }}, {{ spawn = \"y\", as = \"y\" }}, {{ await = \"y\" }}]\n"
    );
    std::fs::write(dir.join("s.toml"), &heartbeat).unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("deadlock at t=1000: 2 tasks wait on each other"),
        "{}",
        o.stderr
    );
    // Opting out: the run goes on to the step limit.
    std::fs::write(
        dir.join("s.toml"),
        format!("[limits]\npartial_deadlocks = false\nmax_steps = 5000\n{heartbeat}"),
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "s.toml", "--format", "logs"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("step limit reached after 5000 steps"),
        "{}",
        o.stderr
    );
}

/// `sim explore --runs 1000000000` of a scenario in which no two tasks are ever ready
/// together ran a billion identical runs (a hang to anyone waiting): every seed gives the
/// same run, so one stands for them all, failing or not.
#[test]
fn explore_runs_once_when_every_seed_gives_the_same_run() {
    let dir = scratch("corpus");
    let sequential = "[tasks.t]\nsteps = [{ sleep = 1 }, { log = \"t\" }]\n[main]\nsteps = [{ call = \"t\" }, { call = \"t\" }]\n";
    std::fs::write(dir.join("s.toml"), sequential).unwrap();
    let o = sim_in(&dir, &["explore", "s.toml", "--runs", "1000000000"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.starts_with("explored `s`: 1 run (policy random, seeds 0..1000000000): every seed gives this same run"),
        "{}",
        o.stdout
    );
    // Failing: exit 1, and the printed command replays it.
    std::fs::write(
        dir.join("s.toml"),
        format!("{sequential}[expect]\ncontains = [\"u\"]\n"),
    )
    .unwrap();
    let o = sim_in(
        &dir,
        &[
            "explore",
            "s.toml",
            "--seeds",
            "5..1000000000000",
            "--policy",
            "pct:3",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stdout.contains("first failure: seed 5"), "{}", o.stdout);
    let again = rerun(&dir, &o.stdout, "replay it: ");
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(again.stderr.contains("no log line `u`"), "{}", again.stderr);
    // Random draws make seeds differ: every run is made.
    std::fs::write(
        dir.join("s.toml"),
        "[main]\nsteps = [{ random = \"d\", from = 0, to = 3 }, { sleep = \"{d}\" }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["explore", "s.toml", "--runs", "3"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .starts_with("explored `s`: 3 runs (policy random, seeds 0..3)\n"),
        "{}",
        o.stdout
    );
}

/// Regression (round 7): a run outside a checkout printed `rerun: cargo run -q -p
/// simloop-cli ...`, which fails there ("could not find `Cargo.toml`"). Outside a checkout
/// the command names the program as it was invoked, quotes a path that needs it, and runs
/// as printed, through a shell, in the directory where it was printed.
#[test]
fn the_rerun_command_runs_as_printed_outside_a_checkout() {
    let dir = scratch("corpus");
    std::fs::write(
        dir.join("my scenario.toml"),
        "[main]\nsteps = [{ log = \"hi\" }]\n[expect]\ncontains = [\"bye\"]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "my scenario.toml", "--seed", "5"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let line = o
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("rerun: "))
        .expect("a rerun line");
    assert!(
        line.starts_with(&format!(
            "{} replay 'my scenario.toml' sl3:fifo:5:",
            env!("CARGO_BIN_EXE_sim")
        )),
        "{line}"
    );
    let stderr = failed_in_shell(&dir, line);
    assert!(stderr.contains("  - no log line `bye`"), "{stderr}");
}

/// A failure said how to replay its run but not how to see it: `sim run`, `sim explore`
/// and `sim check` print a `timeline:` line, the replay command writing the HTML timeline
/// to `STEM.timeline.html`, which runs as printed, through a shell, where it was printed.
#[test]
fn every_failure_prints_a_timeline_command_that_runs_as_printed() {
    let dir = scratch("corpus");
    // FIFO runs `a` first; another seed may run `b` first, breaking the order.
    std::fs::write(
        dir.join("my race.toml"),
        "[tasks.t]\nparams = [\"w\"]\nsteps = [{ log = \"{w}\" }]\n[main]\nsteps = [{ spawn = \"t\", args = { w = \"a\" } }, { spawn = \"t\", args = { w = \"b\" } }, { sleep = 1 }]\n[expect]\norder = [\"a\", \"b\"]\n[check]\nexplore = 50\n",
    )
    .unwrap();
    let page = dir.join("my race.timeline.html");
    let explored = sim_in(&dir, &["explore", "my race.toml", "--runs", "50"]);
    let seed = explored
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("first failure: seed "))
        .unwrap_or_else(|| panic!("no failure:\n{}", explored.stdout))
        .to_string();
    let ran = sim_in(
        &dir,
        &["run", "my race.toml", "--policy", "random", "--seed", &seed],
    );
    let checked = sim_in(&dir, &["check", "my race.toml"]);
    let printed = [
        ("explore", explored.code, explored.stdout),
        ("run", ran.code, ran.stderr),
        ("check", checked.code, checked.stderr),
    ];
    for (what, code, printed) in printed {
        assert_eq!(code, 1, "{what}: {printed}");
        let line = printed
            .lines()
            .find_map(|l| l.strip_prefix("timeline: "))
            .unwrap_or_else(|| panic!("no timeline line after {what}:\n{printed}"));
        let replay = line
            .strip_suffix(" --format html --out 'my race.timeline.html'")
            .unwrap_or_else(|| panic!("{line}"));
        let _ = std::fs::remove_file(&page);
        failed_in_shell(&dir, line);
        let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{line}: {e}"));
        // The page is the failed run's: it names the same replay command.
        assert!(
            html.contains(&format!("<code>replay: {replay}</code>")),
            "{what}: {line}"
        );
    }
}

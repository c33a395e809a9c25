//! Under `--cfg simloop`: `SIMLOOP_REPLAY` scoped to one test (`<test>=<token>`) replays that
//! test only; another test of the same binary still explores with `SIMLOOP_RUNS`. The
//! checks run this binary again as a child process, with the variables set for it alone.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

#[path = "support/frames.rs"]
mod frames;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A read-modify-write across a yield, racing an increment that yields first: tokio's
/// order (each task runs to its next yield in spawn order) keeps both updates, some other
/// orders lose one.
#[tokio::test]
async fn lost_update() {
    let n = Arc::new(AtomicU32::new(0));
    let a = {
        let n = n.clone();
        tokio::spawn(async move {
            let seen = n.load(Ordering::SeqCst);
            tokio::task::yield_now().await;
            n.store(seen + 1, Ordering::SeqCst);
        })
    };
    let b = {
        let n = n.clone();
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            n.fetch_add(1, Ordering::SeqCst);
        })
    };
    a.await.unwrap();
    b.await.unwrap();
    assert_eq!(n.load(Ordering::SeqCst), 2, "an update was lost");
}

/// A readiness signal sent with `Notify::notify_waiters`, which stores no permit: tokio's
/// order has the client wait before the server signals; in another order the signal is
/// lost and the client waits forever, while the main task waits on it.
#[tokio::test]
async fn lost_ready_signal() {
    let ready = Arc::new(tokio::sync::Notify::new());
    let client = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notified().await }
    });
    let server = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notify_waiters() }
    });
    server.await.unwrap();
    client.await.unwrap();
}

/// Runs `lost_update` alone in a child process with `vars`; its success and its output.
fn run_lost_update(vars: &[(&str, &str)]) -> (bool, String) {
    run_alone("lost_update", vars)
}

/// Runs the test `test` alone in a child process with `vars`; its success and its output.
fn run_alone(test: &str, vars: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"]);
    for v in [
        "SIMLOOP_RUNS",
        "SIMLOOP_REPLAY",
        "SIMLOOP_SEED",
        "SIMLOOP_POLICY",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().copied());
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Regression: simloop-tokio read the raw variable, so any `SIMLOOP_REPLAY` (another test's
/// token included) turned `SIMLOOP_RUNS` off and the race went unnoticed.
#[test]
fn a_token_scoped_to_another_test_does_not_stop_the_exploration() {
    // A valid token, for another test.
    let other = format!(
        "some_other_test={}",
        tokio::simulation::simloop::Sim::new().run(async {}).token
    );
    let (passed, text) = run_lost_update(&[("SIMLOOP_RUNS", "300"), ("SIMLOOP_REPLAY", &other)]);
    assert!(
        !passed,
        "the exploration should find the lost update:\n{text}"
    );
    assert!(text.contains("a schedule fails"), "{text}");
    // The printed command replays this test only, with its own token.
    let line = text
        .lines()
        .find(|l| l.contains("rerun it:"))
        .unwrap_or_else(|| panic!("no rerun command in:\n{text}"));
    let scoped = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("SIMLOOP_REPLAY="))
        .expect("the command sets SIMLOOP_REPLAY");
    assert!(scoped.starts_with("lost_update="), "{line}");
    // The command names the target directory the test was built in: given by
    // CARGO_TARGET_DIR (as here) or by `--target-dir` (the README's `cargo simtest`).
    match std::env::var("CARGO_TARGET_DIR") {
        Ok(dir) => assert!(
            line.contains(&format!(" CARGO_TARGET_DIR={dir} ")),
            "{line}"
        ),
        Err(_) => assert_target_dir_named(line),
    }

    // That token, scoped to the test, replays the failure (and explores no more).
    let (passed, text) = run_lost_update(&[("SIMLOOP_RUNS", "300"), ("SIMLOOP_REPLAY", scoped)]);
    assert!(
        !passed,
        "the replay should fail as the explored run did:\n{text}"
    );
    assert!(text.contains("an update was lost"), "{text}");
    assert!(!text.contains("a schedule fails"), "{text}");
}

/// A command printed without CARGO_TARGET_DIR in the environment (a build given
/// `--target-dir`) names the directory holding the test binary when it is not the default
/// `target`; before, it left it out, and the rerun built into `target/`.
fn assert_target_dir_named(line: &str) {
    let exe = std::env::current_exe().unwrap();
    let root = exe
        .ancestors()
        .find(|d| d.join("CACHEDIR.TAG").is_file())
        .unwrap();
    if root.file_name().unwrap() == "target" {
        assert!(!line.contains("CARGO_TARGET_DIR="), "{line}");
    } else {
        assert!(
            line.contains(&format!(" CARGO_TARGET_DIR={} ", root.display())),
            "{line}"
        );
    }
}

/// Under the README's alias (`--target-dir target/simloop`, no CARGO_TARGET_DIR in the
/// environment) the printed command still names the simulated build's directory.
#[test]
fn the_rerun_command_names_the_target_dir_given_by_flag() {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["lost_update", "--exact", "--nocapture", "--test-threads=1"]);
    for v in [
        "SIMLOOP_REPLAY",
        "SIMLOOP_SEED",
        "SIMLOOP_POLICY",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(v);
    }
    cmd.env("SIMLOOP_RUNS", "300");
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("rerun it:"))
        .unwrap_or_else(|| panic!("no rerun command in:\n{text}"));
    assert_target_dir_named(line);
}

/// Regression: the rerun command wrote the flags as `RUSTFLAGS="<flags>"`, so a shell
/// expanded a `$` or a backtick in them and ended the word at a `"`. A POSIX shell reads the
/// printed assignments back as the flags the test was built with.
#[test]
fn the_rerun_command_quotes_the_flags_for_a_shell() {
    let flags = r#"--cfg simloop --cfg 'x="$HOME `true`"' -C link-arg=-Wl,-rpath,$ORIGIN"#;
    let (passed, text) = run_lost_update(&[("SIMLOOP_RUNS", "300"), ("RUSTFLAGS", flags)]);
    assert!(!passed, "{text}");
    let line = text
        .lines()
        .find_map(|l| l.split_once("rerun it:").map(|(_, cmd)| cmd.trim()))
        .unwrap_or_else(|| panic!("no rerun command in:\n{text}"));
    // The variable assignments before `cargo test`, run by a shell before `printenv`.
    let (assignments, _) = line
        .split_once(" cargo test ")
        .unwrap_or_else(|| panic!("no cargo test in {line}"));
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{assignments} printenv RUSTFLAGS"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{flags}\n"),
        "{line}"
    );
}

/// The `SIMLOOP_REPLAY=<test>=<token>` of the rerun command in `text`.
fn scoped_token(text: &str) -> &str {
    text.lines()
        .find_map(|l| l.split_once("rerun it:").map(|(_, cmd)| cmd))
        .and_then(|cmd| {
            cmd.split_whitespace()
                .find_map(|w| w.strip_prefix("SIMLOOP_REPLAY="))
        })
        .unwrap_or_else(|| panic!("no rerun command with a token in:\n{text}"))
}

/// Regression: a `#[tokio::test]` replayed its token in a `block_on`'s run, which is not
/// made as an explored run is (its tasks outlive it instead of ending with it), so the
/// token of an explored deadlock, whose client task was still waiting, left its recording
/// at the run's end: the printed command said "this token was recorded from another
/// program" instead of replaying the deadlock.
#[test]
fn an_explored_deadlock_replays_as_the_same_deadlock() {
    let (passed, explored) = run_alone("lost_ready_signal", &[("SIMLOOP_RUNS", "300")]);
    assert!(
        !passed,
        "the exploration should find the lost signal:\n{explored}"
    );
    assert!(explored.contains("deadlock"), "{explored}");
    let token = scoped_token(&explored);
    let (passed, replayed) = run_alone("lost_ready_signal", &[("SIMLOOP_REPLAY", token)]);
    assert!(
        !passed,
        "the replay should fail as the explored run did:\n{replayed}"
    );
    assert!(
        replayed.contains("the replayed schedule fails: deadlock at t=0"),
        "{replayed}"
    );
    assert!(!replayed.contains("another program"), "{replayed}");
    // It prints the command that replays it again, with the same token.
    assert_eq!(scoped_token(&replayed), token, "{replayed}");
}

/// A test that deadlocks in its own run (tokio's order): the client waits for a signal
/// nobody sends.
#[tokio::test]
async fn never_signalled() {
    let ready = Arc::new(tokio::sync::Notify::new());
    let client = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notified().await }
    });
    if std::env::var_os("NEVER_SIGNALLED_HANGS").is_none() {
        ready.notify_one();
    }
    client.await.unwrap();
}

/// A test's own run (no `SIMLOOP_RUNS`) is a `block_on`'s, which a token cannot replay now
/// that tokens replay as explored runs are made: its failure prints the seed and policy
/// that make it again, and that command fails the same way.
#[test]
fn a_failure_of_the_tests_own_run_is_rerun_by_its_seed_and_policy() {
    let hangs = [("NEVER_SIGNALLED_HANGS", "1")];
    let (passed, first) = run_alone("never_signalled", &hangs);
    assert!(!passed, "{first}");
    assert!(
        first.contains("the simulated run failed: deadlock"),
        "{first}"
    );
    let line = first
        .lines()
        .find(|l| l.contains("rerun it:"))
        .unwrap_or_else(|| panic!("no rerun command in:\n{first}"));
    assert!(
        line.contains(" SIMLOOP_SEED=0 SIMLOOP_POLICY=fifo cargo test "),
        "{line}"
    );
    assert!(!line.contains("SIMLOOP_REPLAY"), "{line}");
    let (passed, again) = run_alone(
        "never_signalled",
        &[hangs[0], ("SIMLOOP_SEED", "0"), ("SIMLOOP_POLICY", "fifo")],
    );
    assert!(!passed, "{again}");
    assert!(
        again.contains("the simulated run failed: deadlock"),
        "{again}"
    );
}

/// A length-prefixed frame reader whose `select!` also answers a stats request: when the
/// request wins while `read_exact` has read half a length, the half is lost and the stream
/// is out of sync. The writer sends each frame in two segments.
#[tokio::test]
async fn torn_frame() {
    use tokio::io::AsyncWriteExt;
    let (client, server) = tokio::io::duplex(64);
    let (stats, requests) = tokio::sync::mpsc::channel::<tokio::sync::oneshot::Sender<usize>>(4);
    let reader = tokio::spawn(frames::read_frames(server, requests));
    let monitor = tokio::spawn(async move {
        let (reply, answer) = tokio::sync::oneshot::channel();
        stats.send(reply).await.unwrap();
        answer.await.unwrap()
    });
    tokio::task::yield_now().await;
    let writer = tokio::spawn(async move {
        let mut client = client;
        for message in ["hello", "world"] {
            let mut frame = (message.len() as u32).to_be_bytes().to_vec();
            frame.extend_from_slice(message.as_bytes());
            client.write_all(&frame[..2]).await.unwrap();
            tokio::task::yield_now().await;
            client.write_all(&frame[2..]).await.unwrap();
        }
    });
    writer.await.unwrap();
    monitor.await.unwrap();
    assert_eq!(
        reader.await.unwrap(),
        Ok(vec!["hello".to_string(), "world".to_string()])
    );
}

/// Regression: the report headed with the failing run's message (the torn frame) while its
/// command replays the shrunk schedule, which fails with another one (the writer's broken
/// pipe once the reader gave up), so the replay seemed to show another bug. The report now
/// gives the shrunk schedule's message too, and the replay shows that one.
#[test]
fn a_shrunk_schedule_that_fails_otherwise_says_so() {
    let (passed, explored) = run_alone("torn_frame", &[("SIMLOOP_RUNS", "1000")]);
    assert!(
        !passed,
        "the exploration should find the torn frame:\n{explored}"
    );
    // The report's head: the failing run's message, down to the shrunk schedule.
    let (_, head) = explored
        .split_once("a schedule fails")
        .unwrap_or_else(|| panic!("no report in:\n{explored}"));
    let (head, _) = head.split_once("--- the failing schedule ---").unwrap();
    assert!(head.contains("out of sync"), "{explored}");
    let shrunk = explored
        .lines()
        .find(|l| l.starts_with("shrunk to "))
        .unwrap_or_else(|| panic!("no shrunk schedule in:\n{explored}"));
    let (_, otherwise) = shrunk
        .split_once("; it fails with another message than the run above: ")
        .unwrap_or_else(|| panic!("the other message is not given: {shrunk}"));
    assert!(otherwise.contains("BrokenPipe"), "{shrunk}");
    let token = scoped_token(&explored);
    let (passed, replayed) = run_alone("torn_frame", &[("SIMLOOP_REPLAY", token)]);
    assert!(!passed, "{replayed}");
    assert!(replayed.contains("BrokenPipe"), "{replayed}");
}

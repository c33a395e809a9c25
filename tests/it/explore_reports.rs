//! What failure reports say: cancelled holders, the trace around the failing event, and
//! rerun commands that work where they are printed, with `SIMLOOP_REPLAY` scoped to one
//! test.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use simloop::explore::Explorer;
use simloop::sync::Lock;
use simloop::{Policy, Semaphore, Sim, sleep, spawn_named, yield_now};

use crate::zoo::bugs;

/// The panic message of `f`.
fn panic_text(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast_ref::<&str>().unwrap_or(&"").to_string(),
    }
}

/// Issue 16: a permit leaked by a cancelled task was reported with its holder, not with
/// the fact that the holder had been cancelled (when, by whom) and ended holding it.
#[test]
fn a_holder_cancelled_while_holding_is_named_as_cancelled() {
    let semaphore = Sim::new().run(async {
        let sem = Rc::new(Semaphore::new(1));
        let s = sem.clone();
        let worker = spawn_named("worker", async move {
            s.acquire().await.forget();
            sleep(Duration::from_millis(10)).await;
            s.release();
        });
        sleep(Duration::from_millis(2)).await;
        worker.cancel();
        let _ = worker.await;
        let _permit = sem.acquire().await;
    });
    let text = semaphore.failure().unwrap();
    assert!(
        text.contains("#1 main waits on Semaphore held by #2 worker, which was cancelled at t=2 by #1 main and ended holding it"),
        "{text}"
    );
    assert!(!text.contains("cycle"), "{text}");

    let lock = Sim::new().run(async {
        let lock = Rc::new(Lock::named("config", ()));
        let l = lock.clone();
        let worker = spawn_named("worker", async move {
            l.acquire().await;
            sleep(Duration::from_millis(10)).await;
            l.release().unwrap();
        });
        let canceller = spawn_named("canceller", async move {
            sleep(Duration::from_millis(3)).await;
            worker.cancel();
        });
        canceller.await.unwrap();
        let _guard = lock.lock().await;
    });
    let text = lock.failure().unwrap();
    assert!(
        text.contains("#1 main waits on Lock 'config' held by #2 worker, which was cancelled at t=3 by #3 canceller and ended holding it"),
        "{text}"
    );
    assert!(!text.contains("cycle"), "{text}");
}

/// A task that panics early, seen by main only at the end: the panic is the failing event.
async fn late_join() {
    let boom = spawn_named("boom", async {
        yield_now().await;
        panic!("boom");
    });
    for _ in 0..60 {
        sleep(Duration::from_millis(1)).await;
    }
    boom.await.unwrap();
}

/// Issue 16: the report showed the run's last 30 lines, which for a failure seen late are
/// what happened after it.
#[test]
fn the_trace_excerpt_is_centred_on_the_failing_event() {
    let failure = Explorer::new()
        .policy(Policy::Fifo)
        .runs(1)
        .explore(late_join)
        .failure
        .unwrap();
    let excerpt = &failure.trace_excerpt;
    assert!(
        excerpt.contains("\n>> t=0 #2 boom panicked: boom\n"),
        "{excerpt}"
    );
    assert!(excerpt.contains("later line(s)"), "{excerpt}");
    assert!(
        !excerpt.contains("t=60"),
        "the excerpt runs to the end:\n{excerpt}"
    );
    // Outcome::unwrap reports the same way.
    let text = panic_text(|| Sim::new().run(late_join()).unwrap());
    assert!(text.contains("\n>> t=0 #2 boom panicked: boom\n"), "{text}");
}

/// Issue 16: `Outcome::unwrap` after `Sim::run` printed a `SIMLOOP_REPLAY=... cargo test`
/// command that `Sim::run` ignores. It prints how to replay in code instead.
#[test]
fn unwrap_after_run_prints_no_command_that_run_ignores() {
    let seed = Explorer::new()
        .explore(bugs::LOST_UPDATE.buggy)
        .failure
        .unwrap()
        .seed;
    let text = panic_text(|| {
        Sim::new()
            .policy(Policy::Random)
            .seed(seed)
            .run((bugs::LOST_UPDATE.buggy)())
            .unwrap()
    });
    assert!(text.contains("lost update"), "{text}");
    assert!(
        text.contains(&format!(
            "replay in code:   Sim::new().replay(&\"sl10:random:{seed}:"
        )),
        "{text}"
    );
    assert!(!text.contains("SIMLOOP_REPLAY"), "{text}");
}

/// Runs the lost-update program with `Sim::check` under FIFO, which passes, unless
/// `SIMLOOP_REPLAY` holds a schedule for this test; run in a child process by
/// `printed_commands_rerun_their_test_and_leave_other_tests_alone`.
#[test]
fn sim_check_child() {
    Sim::new().check((bugs::LOST_UPDATE.buggy)());
}

/// Runs this test binary on the tests named `tests` (exactly) with `SIMLOOP_REPLAY` set to
/// `replay`; returns whether it passed, and what it printed.
fn child(tests: &[&str], replay: &str) -> (bool, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(tests)
        .args(["--exact", "--test-threads=1"])
        .env(simloop::REPLAY_ENV, replay)
        .env_remove("SIMLOOP_RUNS")
        .env_remove("SIMLOOP_POLICY")
        .env_remove("SIMLOOP_SEED")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The `rerun this test:` command in `text`, as `(SIMLOOP_REPLAY's value, test name)`.
fn rerun_command(text: &str) -> (String, String) {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("rerun this test:  SIMLOOP_REPLAY="))
        .unwrap_or_else(|| panic!("no rerun command in:\n{text}"));
    // The package the test is in: a bare `cargo test` at a workspace's root tests the
    // root package only.
    let (value, rest) = line.split_once(" cargo test -p simloop ").unwrap();
    let test = rest.strip_suffix(" -- --exact").unwrap();
    (value.to_string(), test.to_string())
}

/// Issue 16: a token set for one test made every other simloop test in the process fail
/// with "replay diverged". Scoped to a test (`<test>=<token>`, as the commands print it),
/// it reruns that test and leaves the others alone; and the command each report prints
/// reruns its test to the same failure.
#[test]
fn printed_commands_rerun_their_test_and_leave_other_tests_alone() {
    let token = Explorer::new()
        .explore(bugs::LOST_UPDATE.buggy)
        .failure
        .unwrap()
        .token;
    let both = [
        "explore_reports::sim_check_child",
        "explore::replay_env_child",
    ];
    let scoped = format!("explore_reports::sim_check_child={token}");
    let (passed, text) = child(&both, &scoped);
    assert!(!passed, "{text}");
    assert!(
        text.contains("test explore::replay_env_child ... ok"),
        "{text}"
    );
    assert!(
        text.contains("test explore_reports::sim_check_child ... FAILED"),
        "{text}"
    );
    assert!(text.contains("lost update"), "{text}");

    // Sim::check's report prints the command; it reruns the failure.
    let (value, test) = rerun_command(&text);
    assert_eq!(value, scoped);
    assert_eq!(test, "explore_reports::sim_check_child");
    let (passed, again) = child(&[&test], &value);
    assert!(!passed && again.contains("lost update"), "{again}");

    // So does Explorer::check's (its shrunk schedule).
    let (passed, text) = child(
        &["explore::replay_env_child"],
        &format!("explore::replay_env_child={token}"),
    );
    assert!(!passed, "{text}");
    let (value, test) = rerun_command(&text);
    assert_eq!(test, "explore::replay_env_child");
    let (passed, again) = child(&[&test], &value);
    assert!(!passed && again.contains("lost update"), "{again}");
}

/// Regression: a summary of one run read `1 runs under random, 1 distinct schedules`.
#[test]
fn a_summary_of_one_run_says_run_in_the_singular() {
    let one = Explorer::new().runs(1).explore(|| async {});
    assert_eq!(
        one.to_string(),
        "1 run under random, 1 distinct schedule, 0 failing\n"
    );
    let two = Explorer::new().runs(2).explore(|| async {});
    assert_eq!(
        two.to_string(),
        "2 runs under random, 1 distinct schedule, 0 failing\n"
    );
}

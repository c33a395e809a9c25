//! Ports of `../shared/conformance` cases: under FIFO, simloop's log lines must equal
//! CPython's trace byte for byte. Each port is also snapshotted.

use std::time::Duration;

use simloop::{Sim, log, sleep, spawn, spawn_named, yield_now};

use crate::util::{conformance_dir, cpython_trace};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Runs `program` under FIFO and checks its log lines against CPython's trace.
fn assert_matches_cpython<F: std::future::Future + 'static>(case: &str, program: F) -> String {
    let out = Sim::new().run(program);
    assert!(out.result.is_ok(), "{case}: {:?}", out.failure());
    let logs = out.trace.logs();
    assert_eq!(
        logs,
        cpython_trace(case),
        "{case}: simloop's trace differs from CPython's"
    );
    logs
}

async fn factorial(name: &'static str, number: u64) -> u64 {
    let mut f = 1;
    for i in 2..=number {
        log!("Task {name}: Compute factorial({number}), currently i={i}...");
        sleep(secs(1.0)).await;
        f *= i;
    }
    log!("Task {name}: factorial({number}) = {f}");
    f
}

async fn join_all<T: 'static>(handles: Vec<simloop::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("child succeeds"));
    }
    out
}

#[test]
fn case_001_gather_factorial() {
    let logs = assert_matches_cpython("001_gather_factorial", async {
        let hs = vec![
            spawn(factorial("A", 2)),
            spawn(factorial("B", 3)),
            spawn(factorial("C", 4)),
        ];
        let results = join_all(hs).await;
        log!("results {results:?}");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_002_gather_factorial_reversed() {
    let logs = assert_matches_cpython("002_gather_factorial_reversed", async {
        let hs = vec![
            spawn(factorial("A", 4)),
            spawn(factorial("B", 3)),
            spawn(factorial("C", 2)),
        ];
        let results = join_all(hs).await;
        log!("results {results:?}");
    });
    insta::assert_snapshot!(logs);
}

async fn say_after(delay: f64, what: &'static str) {
    sleep(secs(delay)).await;
    log!("{what}");
}

#[test]
fn case_003_say_after_sequential() {
    let logs = assert_matches_cpython("003_say_after_sequential", async {
        log!("started");
        say_after(1.0, "hello").await;
        say_after(2.0, "world").await;
        log!("finished");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_004_say_after_create_task() {
    async fn say_after_begins(delay: u64, what: &'static str) {
        log!("say_after({delay}, '{what}') begins");
        sleep(Duration::from_secs(delay)).await;
        log!("{what}");
    }
    let logs = assert_matches_cpython("004_say_after_create_task", async {
        let task1 = spawn(say_after_begins(1, "hello"));
        let task2 = spawn(say_after_begins(2, "world"));
        log!("started (tasks created, not yet run)");
        task1.await.unwrap();
        log!("task1 awaited");
        task2.await.unwrap();
        log!("finished");
    });
    insta::assert_snapshot!(logs);
}

async fn spinner(name: &'static str, n: u32) {
    for i in 0..n {
        log!("{name} step {i}");
        yield_now().await;
    }
    log!("{name} end");
}

#[test]
fn case_019_ready_fifo_sleep0() {
    let logs = assert_matches_cpython("019_ready_fifo_sleep0", async {
        let a = spawn(spinner("A", 3));
        let b = spawn(spinner("B", 1));
        log!("main: A and B created");
        sleep(Duration::ZERO).await;
        log!("main: after 1st yield");
        let c = spawn(spinner("C", 2));
        yield_now().await;
        log!("main: after 2nd yield");
        join_all(vec![a, b, c]).await;
        log!("main: all done");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_022_busy_yield_freezes_clock() {
    let logs = assert_matches_cpython("022_busy_yield_freezes_clock", async {
        let sleeper = spawn_named("sleeper", async {
            sleep(secs(0.125)).await;
            log!("sleeper: woke");
        });
        let spinner = spawn_named("spinner", async {
            for _ in 0..20 {
                yield_now().await;
            }
            log!("spinner: 20 yields done");
        });
        sleeper.await.unwrap();
        spinner.await.unwrap();
        log!("gather done");
    });
    insta::assert_snapshot!(logs);
}

/// The full FIFO trace of case 004, to pin the event vocabulary and the wake hops: a timer
/// wake costs two slots (timer callback, then the task).
#[test]
fn case_004_full_trace_snapshot() {
    let out = Sim::new().run(async {
        let t1 = spawn_named("hello", async {
            sleep(secs(1.0)).await;
        });
        let t2 = spawn_named("world", async {
            sleep(secs(2.0)).await;
        });
        t1.await.unwrap();
        t2.await.unwrap();
    });
    insta::assert_snapshot!(out.trace.render());
}

/// The vendored expected traces are CPython's: when `../shared` is present, they must be
/// identical to it.
#[test]
fn vendored_copies_match_shared() {
    let shared = conformance_dir().join("../../../shared/conformance/cases");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        eprintln!("../shared/conformance is absent; the vendored copies stand alone");
        return;
    };
    let mut compared = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let ours = std::fs::read(conformance_dir().join(&name)).unwrap_or_else(|_| {
            panic!("{name:?} is in ../shared but not vendored in tests/conformance")
        });
        assert_eq!(
            ours,
            std::fs::read(&path).unwrap(),
            "{name:?} differs from ../shared"
        );
        compared += 1;
    }
    assert!(compared > 0);
}

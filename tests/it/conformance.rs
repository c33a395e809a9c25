//! Ports of `../shared/conformance` cases: under FIFO, simloop's log lines must equal
//! CPython's trace byte for byte. Each port is also snapshotted.

use std::time::Duration;

use simloop::{
    GatherError, Sim, gather, gather_all, gather_tasks, log, sleep, spawn, spawn_named, try_gather,
    wait_for, yield_now,
};

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

#[test]
fn case_001_gather_factorial() {
    let logs = assert_matches_cpython("001_gather_factorial", async {
        let results = gather([factorial("A", 2), factorial("B", 3), factorial("C", 4)])
            .await
            .unwrap();
        log!("results {results:?}");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_002_gather_factorial_reversed() {
    let logs = assert_matches_cpython("002_gather_factorial_reversed", async {
        let results = gather([factorial("A", 4), factorial("B", 3), factorial("C", 2)])
            .await
            .unwrap();
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
        gather_tasks(vec![a, b, c]).await.unwrap();
        log!("main: all done");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_022_busy_yield_freezes_clock() {
    let logs = assert_matches_cpython("022_busy_yield_freezes_clock", async {
        let sleeper = async {
            sleep(secs(0.125)).await;
            log!("sleeper: woke");
        };
        let spinner = async {
            for _ in 0..20 {
                yield_now().await;
            }
            log!("spinner: 20 yields done");
        };
        let both: [std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>; 2] =
            [Box::pin(sleeper), Box::pin(spinner)];
        gather(both).await.unwrap();
        log!("gather done");
    });
    insta::assert_snapshot!(logs);
}

/// Logs `"<name> <what>"` when dropped unless disarmed: how a Rust task observes its
/// cancellation (the `except CancelledError` lines of the Python cases).
struct OnCancel {
    line: Option<String>,
}

impl OnCancel {
    fn new(line: String) -> OnCancel {
        OnCancel { line: Some(line) }
    }

    fn disarm(mut self) {
        self.line = None;
    }
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if let Some(line) = self.line.take() {
            log!("{line}");
        }
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

#[test]
fn case_009_wait_for_timeout() {
    async fn work(name: &'static str, delay: f64) -> &'static str {
        let guard = OnCancel::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} finished");
        name
    }
    let logs = assert_matches_cpython("009_wait_for_timeout", async {
        if wait_for(secs(1.0), work("eternity", 3600.0)).await.is_err() {
            log!("eternity: timeout!");
        }
        let result = wait_for(secs(1.0), work("quick", 0.5)).await.unwrap();
        log!("quick: result '{result}'");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_010_gather_return_exceptions() {
    async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        sleep(secs(delay)).await;
        if fail {
            log!("{name} raising");
            return Err(name.to_string());
        }
        log!("{name} ok");
        Ok(name)
    }
    let logs = assert_matches_cpython("010_gather_return_exceptions", async {
        let results = gather_all([
            job("a", 1.0, false),
            job("b", 0.5, true),
            job("c", 0.25, false),
            job("d", 1.5, true),
        ])
        .await;
        let shown: Vec<String> = results
            .into_iter()
            .map(|r| match r.expect("no panic") {
                Ok(v) => format!("'{v}'"),
                Err(e) => format!("ValueError('{e}')"),
            })
            .collect();
        log!("results [{}]", shown.join(", "));
        if let Err(GatherError::Failed(e)) =
            try_gather([job("e", 1.0, false), job("f", 0.5, true)]).await
        {
            log!("gather raised ValueError({e})");
        }
        sleep(secs(1.0)).await;
        log!("main done");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_038_gather_cancel_children() {
    async fn child(name: &'static str, delay: f64) {
        let guard = OnCancel::new(format!("{name} got CancelledError"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
    }
    async fn parent() {
        let guard = OnCancel::new("parent got CancelledError".into());
        let _ = gather([child("p1", 3.0), child("p2", 1.0), child("p3", 2.0)]).await;
        guard.disarm();
    }
    let logs = assert_matches_cpython("038_gather_cancel_children", async {
        let g = gather([
            child("c", 3.0),
            child("a", 1.0),
            child("b", 2.0),
            child("d", 4.0),
        ]);
        sleep(secs(1.5)).await;
        log!("main: gather.cancel() -> {}", py_bool(g.cancel()));
        if g.await.is_err_and(|e| e.is_cancelled()) {
            log!("main: gather raised CancelledError");
        }
        let p = spawn(parent());
        sleep(secs(1.5)).await;
        log!("main: parent.cancel() -> {}", py_bool(p.cancel()));
        let r = p.await;
        log!(
            "main: parent cancelled={}",
            py_bool(r.is_err_and(|e| e.is_cancelled()))
        );
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

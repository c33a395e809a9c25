//! Runs on one thread reuse the previous run's buffers (task table, ready queue, timers);
//! nothing of the previous run may show: a run's trace and token depend only on its program,
//! seed and policy.

use std::rc::Rc;
use std::time::Duration;

use simloop::{Outcome, Policy, Semaphore, Sim, TraceLevel, log, sleep, spawn, yield_now};

/// A program whose schedule under Random depends on the ready queue, timers with shared
/// deadlines, and a semaphore.
async fn probe() -> u64 {
    let sem = Rc::new(Semaphore::new(2));
    let tasks: Vec<_> = (0..6u64)
        .map(|i| {
            let sem = sem.clone();
            spawn(async move {
                sleep(Duration::from_millis(i % 3)).await;
                let _permit = sem.acquire().await;
                log!("task {i} holds");
                sleep(Duration::from_millis(1 + i % 2)).await;
                yield_now().await;
                i
            })
        })
        .collect();
    let mut sum = 0;
    for t in tasks {
        sum += t.await.unwrap();
    }
    sum
}

/// A run that leaves a lot behind: a long (sparse) ready queue, many pending timers, and
/// tasks still alive when main ends.
async fn clutter() {
    for i in 0..700u64 {
        drop(spawn(async move {
            yield_now().await;
            sleep(Duration::from_millis(1 + i % 50)).await;
            sleep(Duration::from_secs(3600)).await;
        }));
    }
    sleep(Duration::from_millis(20)).await;
}

fn run_probe(policy: Policy, seed: u64) -> (String, String, u64) {
    let out: Outcome<u64> = Sim::new()
        .policy(policy)
        .seed(seed)
        .trace(TraceLevel::Full)
        .run(probe());
    (
        out.trace.render(),
        out.token.to_string(),
        out.result.unwrap(),
    )
}

#[test]
fn a_run_after_other_runs_matches_a_run_on_a_fresh_thread() {
    for policy in [Policy::Fifo, Policy::Random] {
        for seed in 0..4 {
            let fresh = std::thread::spawn(move || run_probe(policy, seed))
                .join()
                .unwrap();
            let after = std::thread::spawn(move || {
                for s in 0..3 {
                    let out = Sim::new().policy(Policy::Random).seed(s).run(clutter());
                    assert!(out.result.is_ok());
                    let _ = run_probe(Policy::Random, s + 100);
                }
                run_probe(policy, seed)
            })
            .join()
            .unwrap();
            assert_eq!(fresh, after, "policy {policy:?}, seed {seed}");
            assert_eq!(fresh.2, 15);
        }
    }
}

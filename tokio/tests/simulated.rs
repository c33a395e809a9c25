//! Under `--cfg simloop`: what the simulation adds to tokio's semantics (determinism per
//! seed and policy, threads handing wakes to a run, select!'s seeded order).
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::simulation::simloop::Policy;
use tokio::simulation::{Explorer, check_determinism};
use tokio::sync::{mpsc, oneshot};

/// Producers, a consumer selecting between a channel and a timer, and a join: every
/// scheduling decision a tokio program makes.
async fn busy_program() -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(4);
    for p in 0..3u32 {
        let tx = tx.clone();
        tokio::spawn(async move {
            for i in 0..3 {
                tokio::time::sleep(Duration::from_millis(u64::from(p + i))).await;
                tx.send(p * 10 + i).await.unwrap();
            }
        });
    }
    drop(tx);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut ticks = tokio::time::interval(Duration::from_millis(2));
    loop {
        tokio::select! {
            m = rx.recv() => match m {
                Some(m) => seen.lock().unwrap().push(m),
                None => break,
            },
            _ = ticks.tick() => seen.lock().unwrap().push(1000),
        }
    }
    seen.lock().unwrap().clone()
}

#[test]
fn the_same_seed_and_policy_give_the_same_run_for_every_policy() {
    for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }] {
        let explorer = Explorer::new().policy(policy).seed(7);
        check_determinism(&explorer, busy_program).unwrap_or_else(|e| panic!("{policy}: {e}"));
    }
}

#[test]
fn different_seeds_explore_different_orders() {
    let report = tokio::simulation::explore(&Explorer::new().runs(50), || async {
        busy_program().await;
    });
    assert!(report.passed());
    assert!(
        report.distinct > 1,
        "50 seeds gave {} schedule(s)",
        report.distinct
    );
}

#[test]
fn a_block_on_waits_for_a_wake_from_another_thread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = rt.block_on(async {
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            tx.send(5).unwrap();
        });
        rx.await.unwrap()
    });
    assert_eq!(got, 5);
}

#[test]
fn a_spawn_from_another_thread_runs_in_the_current_run() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let handle = rt.handle().clone();
    let got = rt.block_on(async move {
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            handle.spawn(async move { tx.send(9).unwrap() });
        });
        rx.await.unwrap()
    });
    assert_eq!(got, 9);
}

#[test]
fn a_deadlock_fails_the_run_with_how_to_replay_it() {
    // Nothing will ever send: after waiting (10 s) for a wake from another thread, the run
    // reports a deadlock.
    let out = std::panic::catch_unwind(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let (_tx, rx) = oneshot::channel::<()>();
            let _ = rx.await;
        })
    });
    let payload = out.expect_err("the run fails");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("deadlock"), "{message}");
    assert!(message.contains("SIMLOOP_REPLAY="), "{message}");
}

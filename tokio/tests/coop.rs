//! Under `--cfg simloop`: tokio's cooperative budget. Every poll of a task (and of a
//! `block_on`'s future) starts with a full budget, tokio's operations spend it, and a task
//! out of budget yields, as under tokio's schedulers. (Before, the budget was off in a
//! simulated run, and tokio's tests that loop until an operation yields looped forever.)
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::future::poll_fn;
use std::task::Poll;

use tokio::simulation::Explorer;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// A poll of a ready channel spends budget: among a thousand, one returns `Pending`.
async fn a_ready_channel_yields_once_out_of_budget() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for _ in 0..1000 {
        tx.send(()).unwrap();
    }
    let pending_after = poll_fn(|cx| {
        for i in 0..1000 {
            if rx.poll_recv(cx).is_pending() {
                return Poll::Ready(Some(i));
            }
        }
        Poll::Ready(None)
    })
    .await;
    // A task gets one unit less than tokio's 128 (see `task::coop`).
    assert_eq!(pending_after, Some(127));
}

#[tokio::test]
async fn a_block_on_future_has_a_budget() {
    a_ready_channel_yields_once_out_of_budget().await;
}

#[tokio::test]
async fn a_spawned_task_has_a_budget_of_its_own() {
    // The main future spends most of its budget first: the task's is fresh.
    for _ in 0..100 {
        tokio::task::consume_budget().await;
    }
    tokio::spawn(a_ready_channel_yields_once_out_of_budget())
        .await
        .unwrap();
}

#[test]
fn explored_runs_have_the_budget_too() {
    let report = tokio::simulation::explore(&Explorer::new().runs(3), || {
        a_ready_channel_yields_once_out_of_budget()
    });
    assert!(report.passed(), "{report}");
    // After the runs, this thread's budget is tokio's again (unconstrained outside a
    // runtime): a thousand operations do not run out of it.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1000 {
        tx.send(()).unwrap();
        assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(())));
    }
}

#[tokio::test]
async fn unconstrained_lifts_the_budget() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for _ in 0..1000 {
        tx.send(()).unwrap();
    }
    tokio::task::unconstrained(poll_fn(|cx| {
        for _ in 0..1000 {
            assert_eq!(rx.poll_recv(cx), Poll::Ready(Some(())));
        }
        Poll::Ready(())
    }))
    .await;
}

/// tokio's `select!` yields before polling its branches when the budget is spent, so a
/// loop of ready operations lets the `yield_now` branch win.
#[tokio::test]
async fn select_yields_when_the_budget_is_spent() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::select! {
        biased;
        _ = async {
            loop {
                tx.send(()).unwrap();
                rx.recv().await.unwrap();
            }
        } => {}
        _ = tokio::task::yield_now() => {}
    }
}

/// Joining a finished task spends budget: `join_next` of a thousand finished tasks returns
/// `Pending` at least once (tokio's `join_set_coop`).
#[tokio::test]
async fn join_next_spends_budget() {
    let mut set = JoinSet::new();
    for _ in 0..1000 {
        set.spawn(async {});
    }
    tokio::task::yield_now().await;
    let (mut joined, mut yielded) = (0, 0);
    loop {
        match poll_fn(|cx| Poll::Ready(set.poll_join_next(cx))).await {
            Poll::Ready(Some(r)) => {
                r.unwrap();
                joined += 1;
            }
            Poll::Ready(None) => break,
            Poll::Pending => {
                yielded += 1;
                tokio::task::yield_now().await;
            }
        }
    }
    assert_eq!(joined, 1000);
    assert!(yielded >= 1);
}

/// `block_in_place` lifts the budget while its closure blocks (tokio's
/// `coop_disabled_in_block_in_place*`), and puts it back after.
#[test]
fn block_in_place_lifts_the_budget() {
    let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    rt.block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for _ in 0..1000 {
            tx.send(()).unwrap();
        }
        tokio::task::block_in_place(|| {
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            for _ in 0..1000 {
                assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(())));
            }
        });
        a_ready_channel_yields_once_out_of_budget().await;
    });
}

/// Regression (the real-I/O reactor, `tokio/src/sim/real_io.rs`): `Runtime::enter` also
/// enters the runtime's reactor's tokio handle, and a `block_on` under it took that for
/// being inside a tokio runtime already, ran in place, and its tasks had no budget.
#[test]
fn a_run_of_an_entered_runtime_has_the_budget() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _entered = rt.enter();
    rt.block_on(a_ready_channel_yields_once_out_of_budget());
}

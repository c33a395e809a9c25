//! Tasks alive when a `block_on` returns, on tokio (built normally) and on the simulation
//! (`--cfg simloop`): they wait in the runtime for its next `block_on` and drop with it.
//! The same assertions hold for both.

extern crate simloop_tokio as tokio;

use std::sync::Arc;
use std::time::Duration;

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A task still waiting when its `block_on` returns goes on in the next one: it receives
/// what was sent between the two, and its handle gives its result there. Before, the run's
/// end dropped it and the handle reported a cancellation.
#[test]
fn a_task_alive_at_the_end_of_a_block_on_goes_on_in_the_next() {
    let rt = current_thread();
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let mut task = None;
    rt.block_on(async {
        task = Some(tokio::spawn(async move { rx.await.unwrap() + 1 }));
        tokio::task::yield_now().await;
    });
    let task = task.unwrap();
    assert!(!task.is_finished());
    tx.send(41).unwrap();
    assert_eq!(rt.block_on(task).unwrap(), 42);
}

/// A sleeping task kept between `block_on`s fires in a later one (tokio's
/// rt_common_before_park `before_park_does_not_stall_spawned_timer`, without the hook).
#[test]
fn a_timer_of_a_kept_task_fires_in_a_later_block_on() {
    let rt = current_thread();
    let task = rt.spawn(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        7
    });
    rt.block_on(tokio::task::yield_now());
    assert_eq!(rt.block_on(task).unwrap(), 7);
}

/// The runtime's drop drops the tasks it kept (tokio's rt_common
/// `outstanding_tasks_dropped`): the future lives between the `block_on` and the drop.
#[test]
fn kept_tasks_drop_with_the_runtime() {
    let rt = current_thread();
    let count = Arc::new(());
    rt.block_on(async {
        let count = count.clone();
        tokio::spawn(std::future::poll_fn(move |_| {
            let _held = &count;
            std::task::Poll::<()>::Pending
        }));
    });
    assert_eq!(Arc::strong_count(&count), 2);
    drop(rt);
    assert_eq!(Arc::strong_count(&count), 1);
}

/// A kept task aborted between two `block_on`s never runs again: its handle reports the
/// cancellation in the next one. (The task moves whole to the next run since its future
/// is no longer boxed apart: the abort is read at its first poll there.)
#[test]
fn a_kept_task_aborted_between_block_ons_runs_no_more() {
    let rt = current_thread();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let ran_on = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran_on.clone();
    let mut task = None;
    rt.block_on(async {
        task = Some(tokio::spawn(async move {
            let _ = rx.await;
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }));
        tokio::task::yield_now().await;
    });
    let task = task.unwrap();
    task.abort();
    let _ = tx.send(());
    assert!(rt.block_on(task).unwrap_err().is_cancelled());
    assert!(!ran_on.load(std::sync::atomic::Ordering::Relaxed));
}

/// A kept task aborted during the next `block_on`, once it waits there again, is
/// cancelled in that run (the abort reaches the task as it runs now, not as it ran in
/// the `block_on` that spawned it).
#[test]
fn a_kept_task_aborted_in_the_next_block_on_is_cancelled_there() {
    let rt = current_thread();
    let mut task = None;
    rt.block_on(async {
        task = Some(tokio::spawn(std::future::pending::<()>()));
        tokio::task::yield_now().await;
    });
    let task = task.unwrap();
    let err = rt.block_on(async move {
        tokio::task::yield_now().await; // the kept task waits again
        task.abort();
        task.await.unwrap_err()
    });
    assert!(err.is_cancelled());
}

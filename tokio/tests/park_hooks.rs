//! tokio's park hooks (`on_thread_park`, `on_thread_unpark`), on tokio (built normally)
//! and on the simulation (`--cfg simloop`), where a worker parks when the run has nothing
//! ready: the same assertions hold for both.

extern crate simloop_tokio as tokio;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

/// The park hook runs when nothing is ready, and what it wakes runs: the `block_on`
/// waits for a notification only the hook sends (before, the simulation never called
/// the hook and reported a deadlock).
#[test]
fn the_park_hook_runs_when_nothing_is_ready_and_its_wake_is_seen() {
    let notify = Arc::new(Notify::new());
    let parks = Arc::new(AtomicUsize::new(0));
    let unparks = Arc::new(AtomicUsize::new(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park({
            let (notify, parks) = (notify.clone(), parks.clone());
            move || {
                if parks.fetch_add(1, Ordering::SeqCst) == 0 {
                    notify.notify_one();
                }
            }
        })
        .on_thread_unpark({
            let unparks = unparks.clone();
            move || {
                unparks.fetch_add(1, Ordering::SeqCst);
            }
        })
        .build()
        .unwrap();
    rt.block_on(notify.notified());
    assert!(parks.load(Ordering::SeqCst) >= 1);
    assert!(unparks.load(Ordering::SeqCst) >= 1);
}

/// A task the park hook spawns runs before the runtime parks for good.
#[test]
fn a_task_spawned_by_the_park_hook_runs() {
    let notify = Arc::new(Notify::new());
    let spawned = Arc::new(AtomicUsize::new(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park({
            let (notify, spawned) = (notify.clone(), spawned.clone());
            move || {
                if spawned.fetch_add(1, Ordering::SeqCst) == 0 {
                    let notify = notify.clone();
                    tokio::spawn(async move { notify.notify_one() });
                }
            }
        })
        .build()
        .unwrap();
    rt.block_on(notify.notified());
}

/// With a paused clock, the runtime parks before the clock jumps to the next timer: the
/// first park sees the clock where it started.
#[test]
fn the_park_hook_runs_before_the_paused_clock_advances() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_park({
            let seen = seen.clone();
            move || seen.lock().unwrap().push(tokio::time::Instant::now())
        })
        .build()
        .unwrap();
    let start = rt.block_on(async {
        let start = tokio::time::Instant::now();
        tokio::time::sleep(Duration::from_secs(1)).await;
        start
    });
    let seen = seen.lock().unwrap();
    assert_eq!(seen.first().map(|t| *t - start), Some(Duration::ZERO));
}

/// Regression: the hooks' closures made `Runtime` lose `RefUnwindSafe`, so tokio's
/// time_panic tests (a `block_on` inside `catch_unwind`) did not compile.
#[test]
fn a_runtime_with_park_hooks_can_be_used_in_catch_unwind() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(|| {})
        .on_thread_unpark(|| {})
        .build()
        .unwrap();
    let panicked = std::panic::catch_unwind(|| rt.block_on(async { panic!("in the block_on") }));
    assert!(panicked.is_err());
}

//! The runtime API, on tokio (built normally) and on the simulation (`--cfg simloop`): the
//! same assertions hold for both.

extern crate simloop_tokio as tokio;

use std::cell::RefCell;

/// Regression: a runtime kept in a thread-local, dropped when its thread exits after
/// another runtime was dropped there, reached a thread-local that was already destroyed,
/// and the process aborted ("thread local panicked on drop").
#[test]
fn a_runtime_in_a_thread_local_drops_at_thread_exit() {
    thread_local! {
        static KEPT: RefCell<Option<tokio::runtime::Runtime>> = const { RefCell::new(None) };
    }
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    std::thread::spawn(move || {
        KEPT.with(|k| *k.borrow_mut() = Some(rt()));
        let other = rt();
        other.block_on(async {});
    })
    .join()
    .unwrap();
}

/// Regression: the message lacked tokio's last sentence, and tokio's rt_handle_block_on
/// `nesting` tests expect all of it.
#[test]
#[should_panic(
    expected = "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it."
)]
fn a_block_on_inside_a_block_on_panics_with_tokios_message() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::runtime::Handle::current().block_on(async {});
    });
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A task blocks in place and runs another runtime there (tokio's rt_threaded
/// `yield_after_block_in_place`, task_blocking
/// `can_enter_current_thread_rt_from_within_block_in_place`). Before, the inner `block_on`
/// panicked: simulations did not nest.
#[test]
fn block_in_place_can_block_on_another_runtime() {
    let rt = multi_thread();
    let n = rt.block_on(async {
        tokio::spawn(async {
            let n = tokio::task::block_in_place(|| {
                let inner = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                inner.block_on(async {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    tokio::spawn(async { 6 }).await.unwrap()
                })
            });
            tokio::task::yield_now().await;
            n + 1
        })
        .await
        .unwrap()
    });
    assert_eq!(n, 7);
}

/// A task blocks in place on its own runtime's handle (tokio's rt_threaded
/// `yield_now_in_block_in_place`, `mutex_in_block_in_place`); a task spawned there runs.
#[test]
fn block_in_place_can_block_on_its_own_runtime() {
    let rt = multi_thread();
    let n = rt.block_on(async {
        let lock = std::sync::Arc::new(tokio::sync::Mutex::new(0));
        let l = lock.clone();
        tokio::spawn(async move {
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(async move {
                    // More acquisitions than a task's cooperative budget.
                    for i in 0..200 {
                        *l.lock().await = i;
                    }
                    tokio::task::yield_now().await;
                });
            })
        })
        .await
        .unwrap();
        let h = tokio::task::block_in_place(|| tokio::spawn(async { 1 }));
        *lock.lock().await + h.await.unwrap()
    });
    assert_eq!(n, 200);
}

/// Regression: guards of `enter` dropped out of order were accepted (tokio panics: rt_handle
/// `interleave_enter_different_rt`, `interleave_enter_same_rt`); entering works again after.
#[test]
fn enter_guards_dropped_out_of_order_panic() {
    let rt1 = multi_thread();
    let rt2 = multi_thread();
    let out_of_order = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let enter1 = rt1.enter();
        let enter2 = rt2.enter();
        drop(enter1);
        drop(enter2);
    }));
    let message = *out_of_order.unwrap_err().downcast::<&str>().unwrap();
    assert!(
        message.starts_with("`EnterGuard` values dropped out of order"),
        "{message}"
    );
    // In order is fine, and the runtime entered last is the current one.
    let enter1 = rt1.enter();
    let enter2 = rt2.enter();
    assert_eq!(tokio::runtime::Handle::current().id(), rt2.handle().id());
    drop(enter2);
    drop(enter1);
}

/// Regression: `spawn_blocking`'s closure saw worker 0 (tokio runs it on its blocking pool,
/// no worker: rt_worker_index `worker_index_from_spawn_blocking`).
#[test]
fn spawn_blocking_runs_on_no_worker() {
    for rt in [
        multi_thread(),
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap(),
    ] {
        let (in_task, in_blocking) = rt.block_on(async {
            let in_task = tokio::spawn(async { tokio::runtime::worker_index() });
            let in_blocking = tokio::task::spawn_blocking(tokio::runtime::worker_index);
            (in_task.await.unwrap(), in_blocking.await.unwrap())
        });
        assert_eq!((in_task, in_blocking), (Some(0), None));
    }
}

/// `block_in_place` in a `Handle::block_on`'s future: allowed on a current-thread runtime
/// too (no worker runs that future), refused in the runtime's own `block_on` and tasks
/// (tokio's rt_handle_block_on `yield_in_block_in_place`, rt_threaded `test_block_in_place3`).
#[test]
fn block_in_place_is_refused_on_a_current_thread_worker_only() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let n = rt.handle().block_on(async {
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async {
                tokio::task::yield_now().await;
                4
            })
        })
    });
    assert_eq!(n, 4);
    let refused = |f: Box<dyn FnOnce() + std::panic::UnwindSafe>| {
        let e = std::panic::catch_unwind(f).unwrap_err();
        match e.downcast::<String>() {
            Ok(s) => *s,
            Err(e) => e.downcast::<&str>().unwrap().to_string(),
        }
    };
    let in_block_on = refused(Box::new(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async { tokio::task::block_in_place(|| {}) })
    }));
    assert_eq!(
        in_block_on,
        "can call blocking only when running on the multi-threaded runtime"
    );
    let rt2 = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let in_task = rt2.block_on(async {
        tokio::spawn(async { tokio::task::block_in_place(|| {}) })
            .await
            .unwrap_err()
    });
    assert!(in_task.is_panic());
}

/// Regression (tokio's task_id `task_id_block_in_place_block_on_spawn`): a runtime built in
/// `block_in_place` counted its task ids from 1, so its first task took the id of the task
/// blocking in place. Ids now go on across a runtime and the runtimes built inside it.
#[test]
fn a_runtime_built_in_block_in_place_gives_its_tasks_new_ids() {
    let rt = multi_thread();
    rt.block_on(async {
        tokio::spawn(async {
            let outer = tokio::task::id();
            let inner = tokio::task::block_in_place(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                rt.block_on(rt.spawn(async { tokio::task::id() })).unwrap()
            });
            assert_ne!(outer, inner);
            assert_eq!(outer, tokio::task::id());
        })
        .await
        .unwrap();
    });
}

/// Regression (tokio's rt_worker_index `worker_index_current_thread_concurrent_block_on`):
/// a second thread's `block_on` of a current-thread runtime whose core another thread's
/// `block_on` holds runs on no worker; before, both reported worker 0.
#[test]
fn a_concurrent_block_on_of_a_current_thread_runtime_runs_on_no_worker() {
    let rt = std::sync::Arc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
    let (entered, is_entered) = std::sync::mpsc::sync_channel(1);
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let owner = {
        let rt = rt.clone();
        std::thread::spawn(move || {
            rt.block_on(async {
                entered.send(()).unwrap();
                released.await.unwrap();
                tokio::runtime::worker_index()
            })
        })
    };
    is_entered.recv().unwrap();
    let other = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.block_on(async { tokio::runtime::worker_index() }))
    };
    assert_eq!(other.join().unwrap(), None);
    release.send(()).unwrap();
    assert_eq!(owner.join().unwrap(), Some(0));
}

/// Regression (tokio's rt_local `test_spawn_local_from_guard_other_thread`): `spawn_local`
/// under another thread's `LocalRuntime`, entered here, panics with tokio's message for it.
#[test]
#[should_panic(
    expected = "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
)]
fn spawn_local_on_another_threads_local_runtime_panics() {
    let handle = std::thread::spawn(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build_local(tokio::runtime::LocalOptions::default())
            .unwrap();
        rt.handle().clone()
    })
    .join()
    .unwrap();
    let _entered = handle.enter();
    drop(tokio::task::spawn_local(async {}));
}

/// Regression (tokio's `worker_park_unpark_count`): a multi-thread runtime's workers park
/// as it starts (the count is odd while parked), unpark and park around each run, and
/// unpark when it shuts down. Before, the simulation counted only the runs' parks, so the
/// count was even, "not parked", right after the runtime was built.
#[test]
fn a_multi_thread_runtime_s_workers_park_until_work_comes() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let metrics = rt.metrics();
    // tokio's workers park on their threads soon after the build.
    let parked = || (0..2).all(|w| metrics.worker_park_unpark_count(w) == 1);
    for _ in 0..100 {
        if parked() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(parked());
    drop(rt);
    for w in 0..2 {
        let count = metrics.worker_park_unpark_count(w);
        assert_eq!(count % 2, 0, "worker {w} unparked to shut down: {count}");
        assert!(metrics.worker_park_count(w) >= 1);
    }
}

/// Regression (tokio's `start_stop_callbacks_called`, `drop_threadpool_drops_futures`,
/// `rt_blocking_thread_exhaust`): a multi-thread runtime's `on_thread_start` and
/// `on_thread_stop` run once per worker, the stops by the time its drop returns. Before,
/// the simulation ignored both hooks.
#[test]
fn a_multi_thread_runtime_starts_and_stops_each_worker_once() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (s, t) = (started.clone(), stopped.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(move || {
            s.fetch_add(1, Ordering::Relaxed);
        })
        .on_thread_stop(move || {
            t.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    rt.block_on(async {});
    drop(rt);
    assert_eq!(started.load(Ordering::Relaxed), 2);
    assert_eq!(stopped.load(Ordering::Relaxed), 2);
}

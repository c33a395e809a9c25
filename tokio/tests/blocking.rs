//! `spawn_blocking` on a thread of its own, on tokio (built normally) and on the simulation
//! (`--cfg simloop`): the same assertions hold for both.

extern crate simloop_tokio as tokio;
// tokio itself (the dev-dependency): its `fs` and `io` are what `tokio::fs` and stdio are
// under the cfg, whose features this package's tests do not turn on.
extern crate tokio as real_tokio;

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

fn current_thread(paused: bool) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(paused)
        .build()
        .unwrap()
}

/// The run goes on while a blocking closure runs: the closure answers, then waits for the
/// test to let it go (tokio's rt_common `shutdown_timeout`). Before, the closure ran as a
/// task of the run and held its only thread, so the answer never came.
#[test]
fn the_run_goes_on_while_a_blocking_closure_runs() {
    let rt = current_thread(false);
    let (release, released) = mpsc::channel::<()>();
    let answer = rt.block_on(async move {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let blocking = tokio::task::spawn_blocking(move || {
            tx.send(7).unwrap();
            released.recv().unwrap();
        });
        let answer = rx.await.unwrap();
        release.send(()).unwrap();
        blocking.await.unwrap();
        answer
    });
    assert_eq!(answer, 7);
}

/// A paused clock waits for a blocking closure instead of jumping to the next timer (tokio's
/// task_blocking `blocking_task_wakes_paused_runtime`): the timeout does not fire, and no
/// virtual time passes while the closure runs for real.
#[test]
fn a_paused_clock_waits_for_a_blocking_closure() {
    let rt = current_thread(true);
    let elapsed = rt.block_on(async {
        let start = tokio::time::Instant::now();
        let value = tokio::time::timeout(
            Duration::from_secs(15),
            tokio::task::spawn_blocking(|| {
                std::thread::sleep(Duration::from_millis(20));
                3
            }),
        )
        .await
        .expect("the clock waited for the closure")
        .unwrap();
        assert_eq!(value, 3);
        start.elapsed()
    });
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}

/// The virtual timestamps of a run with blocking closures do not depend on how long the
/// closures take: two runs, one with a slow closure, log the same.
#[test]
fn a_run_with_blocking_closures_logs_the_same_timestamps_however_long_they_take() {
    let run = |work: Duration| {
        let rt = current_thread(true);
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        rt.block_on(async move {
            let start = tokio::time::Instant::now();
            let ticker = {
                let l = l.clone();
                tokio::spawn(async move {
                    for i in 0..3 {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        l.lock()
                            .unwrap()
                            .push(format!("tick {i} at {:?}", start.elapsed()));
                    }
                })
            };
            tokio::task::spawn_blocking(move || std::thread::sleep(work))
                .await
                .unwrap();
            l.lock()
                .unwrap()
                .push(format!("blocking done at {:?}", start.elapsed()));
            ticker.await.unwrap();
        });
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    };
    let quick = run(Duration::from_millis(1));
    let slow = run(Duration::from_millis(60));
    assert_eq!(quick, slow);
    assert_eq!(quick[0], "blocking done at 0ns");
}

/// A blocking closure spawned outside a run starts at once, and its result survives the
/// runtime's shutdown (tokio's rt_handle_block_on
/// `spawn_blocking_started_before_shutdown_continues`); before, it waited for the next run
/// and the shutdown dropped it.
#[test]
fn a_blocking_closure_started_before_shutdown_finishes() {
    let rt = current_thread(false);
    let _enter = rt.enter();
    let handle = tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_millis(20));
        42
    });
    rt.shutdown_timeout(Duration::from_secs(1000));
    let answer = tokio::runtime::Handle::current().block_on(handle).unwrap();
    assert_eq!(answer, 42);
}

/// Polls `future` to its end on this thread, outside any runtime (as
/// `futures::executor::block_on` does).
fn block_on_here<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

/// A blocking closure may sleep with tokio's timer through another executor (tokio's
/// rt_common `sleep_from_blocking`): on its thread, with no run, the sleep waits on the real
/// clock.
#[test]
fn a_blocking_closure_sleeps_on_the_real_clock() {
    let rt = current_thread(false);
    rt.block_on(async {
        tokio::task::spawn_blocking(|| {
            let start = std::time::Instant::now();
            block_on_here(tokio::time::sleep(Duration::from_millis(5)));
            assert!(start.elapsed() >= Duration::from_millis(5));
        })
        .await
        .unwrap();
    });
}

/// Regression (tokio's `block_in_place_in_spawn_local_drop_mt`): a local task's future
/// dropped because its `LocalSet` was dropped is dropped inside the set, as tokio drops it,
/// so a `block_in_place` in its `Drop` panics (and the task's handle reports the panic).
/// Before, the future was dropped outside any set and the `block_in_place` ran.
#[test]
fn a_local_task_dropped_with_its_set_is_dropped_inside_the_set() {
    struct BlockInPlaceOnDrop;

    impl std::future::Future for BlockInPlaceOnDrop {
        type Output = ();

        fn poll(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            std::task::Poll::Pending
        }
    }

    impl Drop for BlockInPlaceOnDrop {
        fn drop(&mut self) {
            tokio::task::block_in_place(|| {});
        }
    }

    let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let err = rt.block_on(async {
        let set = tokio::task::LocalSet::new();
        let task = set.spawn_local(BlockInPlaceOnDrop);
        set.run_until(tokio::task::yield_now()).await;
        drop(set);
        task.await.unwrap_err()
    });
    let payload = err.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    assert_eq!(
        message.as_deref(),
        Some("can call blocking only when running on the multi-threaded runtime")
    );
}

/// Regression (tokio's rt_handle_block_on `fs_shutdown_before_started` and
/// `stdout_shutdown_before_started`): a `block_on` of a runtime that was shut down runs
/// tokio's file and stdio I/O against a closed blocking pool, so they fail as on tokio.
/// Before, every run was hosted by the thread's live tokio runtime, whose pool did the I/O.
#[test]
fn file_and_stdio_in_a_block_on_of_a_shut_down_runtime_fail() {
    use real_tokio::io::AsyncWriteExt;

    let live = current_thread(false);
    let read = live.block_on(real_tokio::fs::read_to_string("Cargo.toml"));
    assert!(read.unwrap().contains("simloop-tokio"));
    let rt = current_thread(false);
    let _entered = rt.enter();
    rt.shutdown_timeout(Duration::from_secs(1));
    let handle = tokio::runtime::Handle::current();
    let err = handle
        .block_on(real_tokio::fs::read_to_string("Cargo.toml"))
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Other);
    assert_eq!(
        err.get_ref().map(|e| e.to_string()).as_deref(),
        Some("background task failed")
    );
    let err = handle
        .block_on(async { real_tokio::io::stderr().write_all(b"x").await })
        .unwrap_err();
    assert!(tokio::runtime::is_rt_shutdown_err(&err));
}

//! Futures, callbacks, cancellation, introspection and to_thread (cases 125, 126, 128, 130,
//! 135 and 143).

use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{PromiseError, to_thread};
use simloop::task::{self, call_at, call_later, call_soon};
use simloop::{
    Promise, Task, gather, gather_tasks, log, now, sleep, spawn, spawn_named, yield_now,
};

use super::{assert_matches_cpython, cancel_args, py_args, py_bool, secs};

/// Promises completed by callbacks: several awaiters and done-callbacks, in registration
/// order; an error set from call_soon.
#[test]
fn case_125_future_set_by_callbacks() {
    async fn waiter(fut: Rc<Promise<i32, String>>, name: String) {
        match fut.wait().await {
            Ok(r) => log!("{name} got {r}"),
            Err(PromiseError::Failed(e)) => log!("{name} got error {e}"),
            Err(e) => log!("never {e}"),
        }
    }
    assert_matches_cpython("125_future_set_by_callbacks", async {
        let fut = Rc::new(Promise::<i32, String>::new());
        fut.add_done_callback(|r| log!("callback 1 sees {}", r.unwrap()));
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(waiter(fut.clone(), format!("w{i}"))))
            .collect();
        fut.add_done_callback(|r| log!("callback 2 sees {}", r.unwrap()));
        let setter = fut.clone();
        call_later(secs(1.0), move || setter.set_result(42).unwrap());
        log!("main awaits, got {}", fut.wait().await.unwrap());
        gather_tasks(ws).await.unwrap();
        let bad = Rc::new(Promise::<i32, String>::new());
        let w = spawn(waiter(bad.clone(), "w2".to_string()));
        yield_now().await;
        let setter = bad.clone();
        call_soon(move || setter.set_error("bad input".to_string()).unwrap());
        log!("scheduled the exception");
        w.await.unwrap();
        log!("bad done={}", py_bool(bad.done()));
    });
}

/// call_soon / call_later / call_at among tasks and sleeps: a callback takes one slot;
/// timers fire by deadline, then arming order.
#[test]
fn case_126_call_soon_later_order() {
    async fn ticker(name: &'static str, n: u32, delay: f64) {
        for i in 0..n {
            log!("{name} tick {i}");
            sleep(secs(delay)).await;
        }
    }
    assert_matches_cpython("126_call_soon_later_order", async {
        let t = spawn(ticker("t", 3, 0.5));
        call_soon(|| log!("soon A"));
        call_later(secs(0.5), || log!("later 0.5"));
        call_at(now() + secs(0.25), || log!("at 0.25"));
        call_later(Duration::ZERO, || log!("later 0"));
        call_soon(|| log!("soon B"));
        log!("main yields");
        yield_now().await;
        log!("main back");
        let h = call_later(secs(1.0), || log!("cancelled callback"));
        call_later(secs(1.0), || {
            call_soon(|| log!("nested soon"));
        });
        h.cancel();
        t.await.unwrap();
        log!(
            "main after ticker, cancelled handle={}",
            py_bool(h.cancelled())
        );
        sleep(secs(0.5)).await;
        log!("end");
    });
}

/// Regression (issue 19): a gather could not be cancelled with a message, and a cancelled
/// task could not read its message (asyncio's `CancelledError.args`) in its cleanup. A task
/// cancelled before its first step never runs; a gather cancelled with a message cancels its
/// children in argument order with it.
#[test]
fn case_128_cancel_messages() {
    /// `except CancelledError as e: log(f"{name} cancelled {e.args}")`.
    struct Cancelled(Option<&'static str>);
    impl Drop for Cancelled {
        fn drop(&mut self) {
            if let Some(name) = self.0 {
                let args = py_args(task::cancel_message().as_deref());
                log!("{name} cancelled {args}");
            }
        }
    }
    async fn child(name: &'static str, delay: f64) -> &'static str {
        log!("{name} starts");
        let mut guard = Cancelled(Some(name));
        sleep(secs(delay)).await;
        guard.0 = None;
        log!("{name} done");
        name
    }
    assert_matches_cpython("128_cancel_messages", async {
        let mut never = spawn(child("never", 1.0));
        never.cancel_with("too early");
        if let Err(e) = (&mut never).await {
            log!(
                "never-task: {} cancelled={}",
                cancel_args(&e),
                py_bool(never.cancelled())
            );
        }
        let g = gather([child("g1", 1.0), child("g2", 2.0), child("g3", 0.5)]);
        sleep(secs(0.75)).await;
        log!("cancel gather -> {}", py_bool(g.cancel_with("shutdown")));
        if let Err(e) = g.await {
            log!("gather cancelled: {}", cancel_args(&e));
        }
        let t = spawn(child("plain", 1.0));
        yield_now().await;
        t.cancel();
        if let Err(e) = t.await {
            log!("plain: {}", cancel_args(&e));
        }
    });
}

/// to_thread: the blocking work's result comes back one slot later, behind the tasks
/// already queued.
#[test]
fn case_130_to_thread() {
    async fn ticker() {
        for i in 0..3 {
            log!("tick {i}");
            sleep(secs(0.5)).await;
        }
    }
    assert_matches_cpython("130_to_thread", async {
        let t = spawn(ticker());
        let r = to_thread(|| (0..1000u64).sum::<u64>(), Duration::ZERO).await;
        log!("to_thread gave {r}");
        t.await.unwrap();
        log!("end");
    });
}

/// Done-callbacks on a task take one slot each, interleaved with its awaiters in
/// registration order; a cancelled task's callback sees `cancelled()`.
#[test]
fn case_135_task_done_callbacks() {
    async fn work(name: &'static str, delay: f64) -> String {
        sleep(secs(delay)).await;
        log!("{name} finished");
        name.repeat(2)
    }
    fn report(t: &Task<String>) {
        let name = t.name().unwrap();
        if t.cancelled() {
            log!("callback: {name} cancelled");
        } else {
            log!("callback: {name} -> {}", t.result().unwrap().unwrap());
        }
    }
    assert_matches_cpython("135_task_done_callbacks", async {
        let a = spawn_named("A", work("a", 1.0)).share();
        a.add_done_callback(report);
        let watched = a.clone();
        let w = spawn(async move { log!("watcher got {}", watched.await.unwrap()) });
        yield_now().await;
        a.add_done_callback(|_| log!("second callback"));
        log!("main got {}", a.await.unwrap());
        w.await.unwrap();
        let b = spawn_named("B", work("b", 1.0)).share();
        b.add_done_callback(report);
        sleep(secs(0.5)).await;
        b.cancel();
        yield_now().await;
        log!("b done={}", py_bool(b.done()));
        yield_now().await;
        log!("end");
    });
}

/// cancel() twice counts twice; a finished task refuses cancel(); the running task's name;
/// a task's done-callback.
#[test]
fn case_143_cancelling_counts() {
    async fn named_work() -> &'static str {
        log!("running as {}", task::current_name().unwrap());
        sleep(secs(1.0)).await;
        "ok"
    }
    assert_matches_cpython("143_cancelling_counts", async {
        let mut t = spawn_named("worker-1", named_work());
        yield_now().await;
        let (first, second) = (t.cancel(), t.cancel());
        log!(
            "cancel={} cancel={} cancelling={}",
            py_bool(first),
            py_bool(second),
            t.cancelling()
        );
        if (&mut t).await.is_err() {
            log!("cancelled={}", py_bool(t.cancelled()));
        }
        let mut u = spawn_named("worker-2", named_work());
        sleep(secs(1.5)).await;
        let other = spawn(sleep(Duration::ZERO)).share();
        other.add_done_callback(|_| log!("other done"));
        let done = u.is_finished();
        log!(
            "u done={} result={}",
            py_bool(done),
            (&mut u).await.unwrap()
        );
        log!("cancel finished -> {}", py_bool(u.cancel()));
        other.await.unwrap();
    });
}

//! Bare futures (simloop's `Promise`) under cancellation, and hand-offs of queue room and
//! condition notifications to tasks cancelled before they run (cases 165-168).

use std::rc::Rc;

use simloop::sync::PromiseError;
use simloop::task::{self, call_later};
use simloop::{
    Condition, Promise, Queue, gather, gather_all_tasks, log, shield, sleep, spawn, wait_for,
    yield_now,
};

use super::{assert_matches_cpython, py_args, py_bool, secs};
use crate::util::OnDrop;

/// Regression (issue 19): cancelling a task that awaits a bare future cancels the future
/// itself, so its other awaiters see the cancellation (simloop deadlocked here: the other
/// awaiter waited on); wait_for's expiry over a future cancels it too; shield keeps it.
#[test]
fn case_165_cancel_task_awaiting_future() {
    async fn waiter(fut: Rc<Promise<&'static str>>, name: &'static str) {
        let guard = OnDrop::new(format!("{name} saw CancelledError"));
        let r = fut.wait().await;
        guard.disarm();
        match r {
            Ok(v) => log!("{name} got {v}"),
            Err(_) => log!("{name} saw CancelledError"),
        }
    }
    assert_matches_cpython("165_cancel_task_awaiting_future", async {
        let fut = Rc::new(Promise::new());
        let a = spawn(waiter(fut.clone(), "a"));
        let b = spawn(waiter(fut.clone(), "b"));
        yield_now().await;
        a.cancel();
        gather_all_tasks(vec![a, b]).await;
        log!("future cancelled={}", py_bool(fut.cancelled()));
        let fut2 = Promise::<&str>::new();
        if wait_for(secs(1.0), fut2.wait()).await.is_err() {
            log!(
                "wait_for timed out; future cancelled={}",
                py_bool(fut2.cancelled())
            );
        }
        let fut3 = Rc::new(Promise::<&str>::new());
        let setter = fut3.clone();
        call_later(secs(2.0), move || setter.set_result("late").unwrap());
        let shielded = fut3.clone();
        let guarded = shield(async move { shielded.wait().await });
        if wait_for(secs(1.0), guarded).await.is_err() {
            log!("shielded future cancelled={}", py_bool(fut3.cancelled()));
        }
        log!("then got {}", fut3.wait().await.unwrap());
    });
}

/// A producer blocked on a full queue and cancelled puts nothing; the next one goes on.
#[test]
fn case_166_put_cancelled_producer() {
    async fn producer(q: Rc<Queue<&'static str>>, item: &'static str) {
        let guard = OnDrop::new(format!("put {item} cancelled"));
        q.put(item).await.unwrap();
        guard.disarm();
        log!("put {item}");
    }
    assert_matches_cpython("166_put_cancelled_producer", async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait("first").unwrap();
        let p1 = spawn(producer(q.clone(), "p1"));
        let p2 = spawn(producer(q.clone(), "p2"));
        sleep(secs(0.5)).await;
        p1.cancel();
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        gather_all_tasks(vec![p1, p2]).await;
        log!("got {}, size={}", q.get_nowait().unwrap(), q.qsize());
    });
}

/// A Condition waiter notified and then cancelled before it runs: CPython 3.13 passes the
/// notification on to the next waiter, as simloop does; 3.12.1 loses it (its trace is the
/// `.out`, 3.13's the `.py313.out` this port is checked against).
#[test]
fn case_167_condition_notified_then_cancelled() {
    async fn waiter(cond: Rc<Condition>, name: &'static str) {
        let guard = OnDrop::new(format!("{name} cancelled"));
        let held = cond.lock().await;
        let _held = cond.wait(held).await;
        guard.disarm();
        log!("{name} woke");
    }
    assert_matches_cpython("167_condition_notified_then_cancelled.py313", async {
        let cond = Rc::new(Condition::new(()));
        let w1 = spawn(waiter(cond.clone(), "w1"));
        let w2 = spawn(waiter(cond.clone(), "w2"));
        sleep(secs(0.5)).await;
        {
            let _held = cond.lock().await;
            cond.notify(1).unwrap();
            w1.cancel();
        }
        sleep(secs(0.5)).await;
        log!("w2 done={}", py_bool(w2.is_finished()));
        {
            let _held = cond.lock().await;
            cond.notify_all().unwrap();
        }
        gather_all_tasks(vec![w1, w2]).await;
        log!("end");
    });
}

/// Regression (issue 19): gather over bare futures set by callbacks; cancelling the gather
/// cancels the futures still pending (simloop left them pending).
#[test]
fn case_168_gather_of_futures() {
    assert_matches_cpython("168_gather_of_futures", async {
        let (f1, f2) = (
            Rc::new(Promise::<&str>::new()),
            Rc::new(Promise::<&str>::new()),
        );
        let (s1, s2) = (f1.clone(), f2.clone());
        call_later(secs(1.0), move || s1.set_result("one").unwrap());
        call_later(secs(0.5), move || s2.set_result("two").unwrap());
        let (w1, w2) = (f1.clone(), f2.clone());
        let r = gather([
            Box::pin(async move { w1.wait().await }) as std::pin::Pin<Box<dyn Future<Output = _>>>,
            Box::pin(async move { w2.wait().await }),
        ])
        .await
        .unwrap();
        let values: Vec<String> = r.into_iter().map(|v| format!("'{}'", v.unwrap())).collect();
        log!("gathered [{}]", values.join(", "));
        let (f3, f4) = (
            Rc::new(Promise::<&str>::new()),
            Rc::new(Promise::<&str>::new()),
        );
        let s3 = f3.clone();
        call_later(secs(0.5), move || s3.set_result("three").unwrap());
        let (w3, w4) = (f3.clone(), f4.clone());
        let g = gather([
            Box::pin(async move { w3.wait().await }) as std::pin::Pin<Box<dyn Future<Output = _>>>,
            Box::pin(async move { w4.wait().await }),
        ]);
        sleep(secs(1.0)).await;
        g.cancel();
        if g.await.is_err() {
            let cancelled = matches!(f4.result(), Some(Err(PromiseError::Cancelled(_))));
            log!(
                "gather cancelled; f3={} f4 cancelled={}",
                f3.result().unwrap().unwrap(),
                py_bool(cancelled)
            );
        }
    });
}

/// Regression (issue 19): cancelling a task that awaits a bare future did not cancel the
/// future (its other awaiters waited on, and a lone awaiter deadlocked the run). It is
/// cancelled at once, with the message, and its awaiters and callbacks wake in
/// registration order.
#[test]
fn case_169_future_cancel_wakes_in_order() {
    /// `except CancelledError as e: log(f"{name} saw CancelledError{e.args}")` for the
    /// task's own cancellation.
    struct Cancelled(Option<&'static str>);
    impl Drop for Cancelled {
        fn drop(&mut self) {
            if let Some(name) = self.0 {
                let args = py_args(task::cancel_message().as_deref());
                log!("{name} saw CancelledError{args}");
            }
        }
    }
    async fn waiter(fut: Rc<Promise<&'static str>>, name: &'static str) {
        let mut guard = Cancelled(Some(name));
        let r = fut.wait().await;
        guard.0 = None;
        match r {
            Ok(v) => log!("{name} got {v}"),
            Err(PromiseError::Cancelled(m)) => {
                log!("{name} saw CancelledError{}", py_args(m.as_deref()));
            }
            Err(PromiseError::Failed(e)) => match e {},
        }
    }
    assert_matches_cpython("169_future_cancel_wakes_in_order", async {
        let fut = Rc::new(Promise::new());
        fut.add_done_callback(|r| {
            let cancelled = matches!(r, Err(PromiseError::Cancelled(_)));
            log!("callback: cancelled={}", py_bool(cancelled));
        });
        let early = spawn(waiter(fut.clone(), "early"));
        yield_now().await;
        let late = spawn(waiter(fut.clone(), "late"));
        yield_now().await;
        late.cancel_with("stop");
        log!(
            "right after cancel: future cancelled={}",
            py_bool(fut.cancelled())
        );
        gather_all_tasks(vec![early, late]).await;
        log!("end");
    });
}

//! The eighth round, timeouts (cases 553, 554, 568, 577-580, 586, 593, 594): deadlines moved
//! by another task while the body waits, nested timeouts disarmed or counting their
//! cancellations, a timeout of zero, expiries over shields and tied with what they wait for,
//! `wait_for` with no timeout and with a zero one.

use std::rc::Rc;
use std::time::Duration;

use simloop::sync::Promise;
use simloop::task::{self, call_later};
use simloop::{
    Event, Instant, Queue, TimeoutHandle, log, now, shield, shield_task, sleep, spawn, timeout,
    timeout_scope, wait_for, wait_for_task, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};

/// A timeout moved later by another task while its body waits on an Event: the event set
/// before the new deadline ends the body; `expired()` stays false.
#[test]
fn case_553_timeout_moved_later_event() {
    async fn mover(cm: TimeoutHandle, ev: Rc<Event>) {
        sleep(secs(0.125)).await;
        cm.reschedule(Some(now() + secs(0.5))).unwrap();
        log!("moved to {}", cm.deadline().unwrap());
        sleep(secs(0.25)).await;
        ev.set();
        log!("set");
    }
    assert_matches_cpython("553_timeout_moved_later_event", async {
        let ev = Rc::new(Event::new());
        let e = ev.clone();
        let m = Rc::new(std::cell::RefCell::new(None));
        let slot = m.clone();
        let scope = timeout_scope(Some(now() + secs(0.25)), |cm| async move {
            *slot.borrow_mut() = Some(spawn(mover(cm.clone(), e.clone())));
            e.wait().await;
            log!("woke expired={}", py_bool(cm.expired()));
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out");
        }
        let m = m.borrow_mut().take().unwrap();
        m.await.unwrap();
        log!("end expired={}", py_bool(cm.expired()));
    });
}

/// A `timeout_at` moved into the past by another task while the body sleeps expires on the
/// next pass, before the mover's next line.
#[test]
fn case_554_timeout_at_moved_into_past() {
    async fn mover(cm: TimeoutHandle) {
        sleep(secs(0.25)).await;
        cm.reschedule(Some(Instant::ZERO + secs(0.125))).unwrap();
        log!("moved into the past");
        yield_now().await;
        log!("mover after yield expired={}", py_bool(cm.expired()));
    }
    assert_matches_cpython("554_timeout_at_moved_into_past", async {
        let m = Rc::new(std::cell::RefCell::new(None));
        let slot = m.clone();
        let scope = timeout_scope(Some(now() + secs(10.0)), |cm| async move {
            *slot.borrow_mut() = Some(spawn(mover(cm)));
            sleep(secs(1.0)).await;
            log!("slept");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out expired={}", py_bool(cm.expired()));
        }
        let m = m.borrow_mut().take().unwrap();
        m.await.unwrap();
        log!("end");
    });
}

/// `cancelling()` in nested timeouts: the inner expiry counts while it unwinds, zero once
/// the inner timeout exited, then the outer expiry counts its own.
#[test]
fn case_568_cancelling_nested_timeouts() {
    assert_matches_cpython("568_cancelling_nested_timeouts", async {
        let r = timeout(secs(0.5), async {
            let inner = timeout(secs(0.125), async {
                let _c = super::Finally::new(|| {
                    log!("inner body cancelled cancelling={}", task::cancelling());
                });
                sleep(secs(1.0)).await;
            })
            .await;
            if inner.is_err() {
                log!("inner timeout cancelling={}", task::cancelling());
            }
            let _c = super::Finally::new(|| {
                log!("outer body cancelled cancelling={}", task::cancelling());
            });
            sleep(secs(1.0)).await;
        })
        .await;
        if r.is_err() {
            log!("outer timeout cancelling={}", task::cancelling());
        }
    });
}

/// A timeout expires while the body awaits `shield(task)`: the body gets `TimeoutError`
/// at once, the task runs on and is awaited later; `expired()` is true.
#[test]
fn case_577_timeout_over_shielded_task() {
    async fn work() -> u32 {
        sleep(secs(0.5)).await;
        log!("work done");
        42
    }
    assert_matches_cpython("577_timeout_over_shielded_task", async {
        let t = spawn(work()).share();
        let s = t.clone();
        let cm = timeout(secs(0.25), async move { shield_task(s).await });
        let h = cm.handle();
        if cm.await.is_err() {
            log!(
                "timed out expired={} t done={}",
                py_bool(h.expired()),
                py_bool(t.done())
            );
        }
        log!("result {}", t.await.unwrap());
    });
}

/// `wait_for` with no timeout is a plain await; `wait_for` on a finished task returns
/// without yielding (3.12; 3.11 wraps it in a task of its own).
#[test]
fn case_578_wait_for_none_and_done_task() {
    async fn work(d: f64) -> f64 {
        sleep(secs(d)).await;
        log!("work {d} done");
        d
    }
    async fn ticker() {
        for i in 0..3 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("578_wait_for_none_and_done_task", async {
        let r = timeout_at_none(work(0.125)).await;
        log!("got {r}");
        let mut t = spawn(work(0.0));
        yield_now().await;
        yield_now().await;
        let k = spawn(ticker());
        log!("t done={}", py_bool(t.is_finished()));
        let r = wait_for_task(secs(1.0), &mut t).await.unwrap().unwrap();
        log!("got {r} without yielding");
        k.await.unwrap();
    });
}

/// `wait_for(fut, None)`: no deadline.
async fn timeout_at_none<F: std::future::Future>(f: F) -> F::Output {
    timeout_scope(None, |_| f).await.unwrap()
}

/// Nested timeouts: the inner one disarmed with `reschedule(None)`; the outer expires and
/// both unwind, the inner not expired.
#[test]
fn case_579_inner_timeout_disarmed_outer_fires() {
    assert_matches_cpython("579_inner_timeout_disarmed_outer_fires", async {
        let outer = timeout_scope(Some(now() + secs(0.375)), |_| async {
            let inner = timeout_scope(Some(now() + secs(0.125)), |cm| async move {
                cm.reschedule(None).unwrap();
                log!("inner disarmed when={:?}", cm.deadline());
                sleep(secs(1.0)).await;
            });
            let h = inner.handle();
            let _exits = super::Finally::new(move || {
                log!("inner exits expired={}", py_bool(h.expired()));
            });
            inner.await
        });
        let h = outer.handle();
        if outer.await.is_err() {
            log!("outer timed out expired={}", py_bool(h.expired()));
        }
    });
}

/// `timeout(0)`: the body runs until its first suspension, then the expiry (queued at
/// once) cancels it on the next pass.
#[test]
fn case_580_timeout_zero_first_await() {
    assert_matches_cpython("580_timeout_zero_first_await", async {
        let t = spawn(async { log!("other runs") });
        let cm = timeout_scope(Some(now()), |cm| async move {
            log!("body starts expired={}", py_bool(cm.expired()));
            yield_now().await;
            log!("body after first yield");
            yield_now().await;
            log!("never");
        });
        let h = cm.handle();
        if cm.await.is_err() {
            log!("timed out expired={}", py_bool(h.expired()));
        }
        t.await.unwrap();
    });
}

/// `shield` of a bare future under `wait_for`: the expiry cancels only the shield; the
/// future, set later, is awaited afterwards.
#[test]
fn case_586_wait_for_shield_future() {
    assert_matches_cpython("586_wait_for_shield_future", async {
        let f: Rc<Promise<&str>> = Rc::new(Promise::new());
        let s = f.clone();
        call_later(secs(0.5), move || s.set_result("late").unwrap());
        let w = f.clone();
        let r = wait_for(secs(0.25), shield(async move { w.wait().await })).await;
        if r.is_err() {
            log!("timed out f cancelled={}", py_bool(f.cancelled()));
        }
        log!("f {}", f.wait().await.unwrap());
    });
}

/// An Event set by `call_later` at the instant a `wait_for` on it expires, the set armed
/// first: the waiter is woken, then the expiry cancels it (3.12; 3.11 returns); the same
/// under `timeout()`.
#[test]
fn case_593_event_set_ties_wait_for_expiry() {
    assert_matches_cpython("593_event_set_ties_wait_for_expiry", async {
        let ev = Rc::new(Event::new());
        let e = ev.clone();
        call_later(secs(0.25), move || e.set());
        let w = ev.clone();
        match wait_for(secs(0.25), async move { w.wait().await }).await {
            Ok(()) => log!("woke"),
            Err(_) => log!("timed out is_set={}", py_bool(ev.is_set())),
        }
        let ev2 = Rc::new(Event::new());
        let e2 = ev2.clone();
        let r = timeout(secs(0.25), async move {
            let s = e2.clone();
            call_later(secs(0.25), move || s.set());
            e2.wait().await;
            log!("second woke");
        })
        .await;
        if r.is_err() {
            log!("second timed out is_set={}", py_bool(ev2.is_set()));
        }
    });
}

/// `wait_for(q.get(), 0)` never starts the get (3.12): it times out with an item in the
/// queue, and the item stays.
#[test]
fn case_594_wait_for_zero_queue_get() {
    assert_matches_cpython("594_wait_for_zero_queue_get", async {
        let q: Queue<&str> = Queue::new();
        q.put_nowait("x").unwrap();
        match wait_for(Duration::ZERO, q.get()).await {
            Ok(v) => log!("got {}", v.unwrap()),
            Err(_) => log!("first timed out"),
        }
        match wait_for(Duration::ZERO, q.get()).await {
            Ok(v) => log!("got {}", v.unwrap()),
            Err(_) => log!("second timed out qsize={}", q.qsize()),
        }
        q.put_nowait("y").unwrap();
        log!("then get_nowait {}", q.get_nowait().unwrap());
    });
}

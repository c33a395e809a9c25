//! The seventh round, the known differences fixed by their rules (cases 497, 509-512): a
//! Condition waiter cancelled again while it re-acquires the lock queues for it afresh;
//! `uncancel()` to zero withdraws a cancellation not yet delivered (3.13); a bare future in
//! `gather`, `wait` or `as_completed` wakes the combinator through its own done-callback.

use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::{Condition, Promise, PromiseError};
use simloop::{
    JoinError, ReturnWhen, as_completed, gather_all_tasks, gather_tasks, log, sleep, spawn, task,
    wait, yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, secs};
use crate::util::OnDrop;

async fn cond_waiter(cond: Rc<Condition>, name: &'static str, counts: bool) {
    let seen = cond.clone();
    let cancelled = Finally::new(move || {
        let args = py_args(task::cancel_message().as_deref());
        let locked = py_bool(seen.locked());
        if counts {
            let n = task::cancelling();
            log!("{name} cancelled {args}, locked={locked}, cancelling={n}");
        } else {
            log!("{name} cancelled {args}, locked={locked}");
        }
    });
    {
        let g = cond.lock().await;
        let _g = cond.wait(g).await;
        log!("{name} woke");
    }
    cancelled.disarm();
}

async fn other(cond: Rc<Condition>, name: &'static str, hold: f64) {
    let _g = cond.lock().await;
    log!("{name} has the lock");
    if hold > 0.0 {
        sleep(secs(hold)).await;
    } else {
        yield_now().await;
    }
    log!("{name} releases");
}

/// A Condition waiter cancelled, then cancelled again while it re-acquires the lock: it
/// leaves the lock's line and queues again at the back (asyncio's `wait` loops on
/// `acquire()`), and ends with the last cancellation's message (3.13; 3.12 raises a
/// `CancelledError` without one).
#[test]
fn case_509_condition_waiter_cancelled_twice_relock() {
    assert_matches_cpython("509_condition_waiter_cancelled_twice_relock.py313", async {
        let cond = Rc::new(Condition::new(()));
        let w = spawn(cond_waiter(cond.clone(), "w", true));
        yield_now().await;
        let g = cond.lock().await;
        log!("main has the lock");
        let o1 = spawn(other(cond.clone(), "o1", 0.125));
        yield_now().await;
        w.cancel_with("first");
        yield_now().await;
        let o2 = spawn(other(cond.clone(), "o2", 0.125));
        yield_now().await;
        w.cancel_with("second");
        yield_now().await;
        log!(
            "w done={} cancelling={}",
            py_bool(w.is_finished()),
            w.cancelling()
        );
        drop(g);
        log!("main released");
        let _ = w.await;
        gather_all_tasks(vec![o1, o2]).await;
        log!("end locked={}", py_bool(cond.locked()));
    });
}

/// A cancelled Condition waiter is handed the lock and cancelled again before it runs: the
/// lock passes to the next waiter, the cancelled one queues again behind it.
#[test]
fn case_510_condition_waiter_cancelled_twice_handed_lock() {
    assert_matches_cpython(
        "510_condition_waiter_cancelled_twice_handed_lock.py313",
        async {
            let cond = Rc::new(Condition::new(()));
            let w = spawn(cond_waiter(cond.clone(), "w", false));
            yield_now().await;
            let g = cond.lock().await;
            w.cancel_with("first");
            yield_now().await;
            let o = spawn(other(cond.clone(), "o", 0.0));
            yield_now().await;
            drop(g);
            log!("main released");
            w.cancel_with("second");
            log!("w cancelling={}", w.cancelling());
            let _ = w.await;
            o.await.unwrap();
            log!("end locked={}", py_bool(cond.locked()));
        },
    );
}

/// `uncancel()` bringing the count to zero before the cancellation was delivered: as in
/// CPython 3.13, a cancellation still pending (the task was not started, or was queued)
/// is withdrawn; one already forwarded to what the task awaits (its sleep) is not. 3.11
/// and 3.12 deliver it anyway (`.out`); simloop follows 3.13 (`.py313.out`).
#[test]
fn case_511_uncancel_to_zero_pending_cancel() {
    async fn worker(name: &'static str) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(0.125)).await;
        cancelled.disarm();
        log!("{name} slept");
        name
    }
    fn render(r: &[Result<&str, JoinError>]) -> String {
        py_list(r.iter().map(|r| match r {
            Ok(v) => format!("'{v}'"),
            Err(JoinError::Cancelled { .. }) => "CancelledError('')".to_string(),
            Err(e) => panic!("{e}"),
        }))
    }
    assert_matches_cpython("511_uncancel_to_zero_pending_cancel.py313", async {
        let t = spawn(worker("a")).share();
        yield_now().await;
        t.cancel();
        let n = t.cancelling();
        log!("a cancelling={n} uncancel={}", t.uncancel());
        let res = gather_all_tasks(vec![t.clone()]).await;
        log!(
            "a result {} cancelled={}",
            render(&res),
            py_bool(t.cancelled())
        );
        let u = spawn(worker("b"));
        yield_now().await;
        u.cancel();
        u.cancel();
        log!("b uncancel={}", u.uncancel());
        log!("b result {}", render(&gather_all_tasks(vec![u]).await));
        let v = spawn(worker("c"));
        v.cancel();
        log!("c uncancel={} before its first step", v.uncancel());
        log!("c result {}", render(&gather_all_tasks(vec![v]).await));
    });
}

/// A bare future cancelled with a message wakes its gather's callback and its direct
/// awaiter in registration order, both see the message (the sixth round's known
/// difference: `gather` took tasks only, so the future went in through a task).
#[test]
fn case_497_future_cancelled_message_two_awaiters() {
    assert_matches_cpython("497_future_cancelled_message_two_awaiters", async {
        let f: Rc<Promise<()>> = Rc::new(Promise::new());
        let g = f.clone();
        let via_gather = spawn(async move {
            if let Err(e) = gather_tasks(vec![g.handle()]).await {
                log!("gather caller sees {}", super::cancel_args(&e));
            }
        });
        let d = f.clone();
        let direct = spawn(async move {
            if let Err(PromiseError::Cancelled(m)) = d.wait().await {
                log!("direct sees {}", py_args(m.as_deref()));
            }
        });
        yield_now().await;
        f.add_done_callback(|_| log!("callback"));
        f.cancel_with("stop");
        log!("cancelled");
        gather_all_tasks(vec![via_gather, direct]).await;
    });
}

/// A bare future in gather, wait and as_completed: each registers on the future itself,
/// so its completion wakes them one slot after the future is set, in registration order
/// with the direct awaiter, two slots for their callers; a ticker started in that pass
/// interleaves.
#[test]
fn case_512_future_in_gather_slot() {
    assert_matches_cpython("512_future_in_gather_slot", async {
        let f: Rc<Promise<u32>> = Rc::new(Promise::new());
        let g = f.clone();
        let w = f.clone();
        let a = f.clone();
        let d = f.clone();
        let ts = vec![
            spawn(async move {
                let r = gather_tasks(vec![g.handle()]).await.unwrap();
                log!(
                    "gather caller got {}",
                    py_list(r.iter().map(|v| v.unwrap()))
                );
            }),
            spawn(async move {
                let (done, pending) = wait(vec![w.handle()], ReturnWhen::AllCompleted, None).await;
                log!("wait caller done={} pending={}", done.len(), pending.len());
            }),
            spawn(async move {
                let mut s = as_completed(vec![a.handle()], None);
                while let Some(r) = s.next().await {
                    log!("as_completed caller got {}", r.unwrap().unwrap().unwrap());
                }
            }),
            spawn(async move {
                log!("d1 got {}", d.wait().await.unwrap());
            }),
        ];
        yield_now().await;
        let _ticker = spawn(async {
            for i in 0..4 {
                log!("tick {i}");
                yield_now().await;
            }
        });
        f.set_result(7).unwrap();
        log!("set");
        gather_all_tasks(ts).await;
        log!("end");
    });
}

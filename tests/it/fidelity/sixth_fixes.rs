//! The sixth round, the known differences fixed by their rules (cases 437, 491-493): a
//! Condition waiter re-acquires the lock before its cancellation ends it; `cancelling()`
//! counts a timeout's expiry while it is delivered, and TaskGroup's abort of its body;
//! `uncancel()`.

use std::rc::Rc;

use simloop::sync::Condition;
use simloop::{
    JoinError, TaskGroup, gather_all_tasks, log, sleep, spawn, task, timeout, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// notify_all wakes every waiter in wait order; one cancelled before it re-acquires the
/// lock re-acquires it before it ends (asyncio's `Condition.wait` re-acquires on
/// cancellation), so its cancellation shows once the lock came to it. The fifth round's
/// known difference: simloop dropped the waiter at its turn (t=0).
#[test]
fn case_437_condition_notify_all_then_cancel() {
    async fn waiter(cond: Rc<Condition>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        {
            let guard = cond.lock().await;
            let _guard = cond.wait(guard).await;
            log!("{name} woke, holds the lock");
            sleep(secs(0.25)).await;
        }
        cancelled.disarm();
    }
    assert_matches_cpython("437_condition_notify_all_then_cancel", async {
        let cond = Rc::new(Condition::new(()));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(waiter(cond.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        {
            let _held = cond.lock().await;
            cond.notify_all().unwrap();
            log!("notified all");
        }
        ws[1].cancel();
        gather_all_tasks(ws).await;
        log!("locked={}", py_bool(cond.locked()));
    });
}

/// The work a timeout's expiry cancels sees cancelling() == 1 in its except block; after
/// the timeout the count is back to 0 (asyncio's timeout uncancels its task on exit).
#[test]
fn case_491_cancelling_seen_inside_timeout_expiry() {
    async fn inner() {
        let cancelled = Finally::new(|| log!("inner cancelled, cancelling={}", task::cancelling()));
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("491_cancelling_seen_inside_timeout_expiry", async {
        if timeout(secs(0.5), inner()).await.is_err() {
            log!("timed out, cancelling={}", task::cancelling());
        }
        if wait_for(secs(0.25), inner()).await.is_err() {
            log!("wait_for timed out, cancelling={}", task::cancelling());
        }
    });
}

/// A TaskGroup's abort cancels the children (cancelling() 1 each) and the body
/// (cancelling() 1 while it unwinds); after the group the count is 0.
#[test]
fn case_492_cancelling_in_group_body_and_children() {
    async fn child() -> Result<(), &'static str> {
        let cancelled = Finally::new(|| log!("c cancelled, cancelling={}", task::cancelling()));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    assert_matches_cpython("492_cancelling_in_group_body_and_children", async {
        let tg: TaskGroup<&'static str> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child()).map(drop).unwrap();
                group
                    .spawn(async {
                        sleep(secs(0.25)).await;
                        Err::<(), _>("x")
                    })
                    .map(drop)
                    .unwrap();
                let cancelled =
                    Finally::new(|| log!("body cancelled, cancelling={}", task::cancelling()));
                sleep(secs(1.0)).await;
                cancelled.disarm();
                Ok(())
            })
            .await;
        assert!(r.is_err());
        log!("after group, cancelling={}", task::cancelling());
    });
}

/// uncancel() takes one request off the count and returns what is left, never below 0; the
/// cancellation requested is still delivered (3.11/3.12; same trace on 3.13 here, the
/// task waiting on its sleep).
#[test]
fn case_493_uncancel_counts() {
    async fn sleeper() {
        let cancelled =
            Finally::new(|| log!("sleeper cancelled, cancelling={}", task::cancelling()));
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("493_uncancel_counts", async {
        let t = spawn(sleeper()).share();
        yield_now().await;
        t.cancel();
        t.cancel();
        log!("cancelling={}", t.cancelling());
        log!("uncancel -> {}", t.uncancel());
        log!("cancelling={}", t.cancelling());
        if let Err(JoinError::Cancelled { .. }) = t.clone().await {
            log!("t cancelled={}", py_bool(t.cancelled()));
        }
        let u = spawn(sleeper());
        log!("uncancel of uncancelled -> {}", u.uncancel());
        u.cancel();
        let a = u.abort_handle();
        gather_all_tasks(vec![u]).await;
        log!("u cancelled={}", py_bool(a.cancelled()));
    });
}

/// wait_for(cond.wait()) expires while another task holds the lock: the TimeoutError comes
/// only once the waiter has re-acquired the lock (asyncio's timeout cancels the task, and
/// `Condition.wait` re-acquires before the cancellation goes on); found by this round's
/// program, fixed by the same hold the task's own cancellation uses.
#[test]
fn case_481_condition_wait_timeout_lock_held() {
    async fn holder(cond: Rc<Condition>) {
        let _g = cond.lock().await;
        log!("holder has the lock");
        sleep(secs(0.5)).await;
        log!("holder releases");
    }
    assert_matches_cpython("481_condition_wait_timeout_lock_held", async {
        let cond = Rc::new(Condition::new(()));
        let g = cond.lock().await;
        let h = spawn(holder(cond.clone()));
        match wait_for(secs(0.25), cond.wait(g)).await {
            Ok(_g) => log!("notified"),
            Err(_) => log!("timed out"),
        }
        log!("left the condition");
        h.await.unwrap();
        log!("end locked={}", py_bool(cond.locked()));
    });
}

//! The ninth round, timeouts and finished awaitables (cases 597-599, 610, 612, 615, 618,
//! 619): `when()` read and moved from inside `timeout(None)`, `wait_for` and `shield` of
//! what is already done, an empty gather, a timeout around a TaskGroup whose child awaits a
//! shield, `wait(timeout=0)`, a cancel message seen by two awaiters, nested `wait_for`s, and
//! `timeout_at` with a deadline already past.

use std::rc::Rc;
use std::time::Duration;

use simloop::sync::Promise;
use simloop::{
    JoinError, TaskGroup, gather_all_tasks, gather_tasks, log, now, shield_task, sleep, spawn,
    timeout_scope, wait, wait_for, wait_for_task, yield_now,
};

use super::{assert_matches_cpython, cancel_args, py_bool, secs, when};

/// `timeout(None)` has no deadline; `reschedule()` from inside sets one; moved earlier, it
/// expires there; `expired()` and `when()` after.
#[test]
fn case_597_timeout_when_reads_reschedule() {
    assert_matches_cpython("597_timeout_when_reads_reschedule", async {
        let scope = timeout_scope(None, |cm| async move {
            log!("when={}", when(&cm));
            sleep(secs(0.125)).await;
            cm.reschedule(Some(now() + secs(0.5))).unwrap();
            log!("when={}", when(&cm));
            sleep(secs(0.125)).await;
            cm.reschedule(Some(cm.deadline().unwrap() - secs(0.25)))
                .unwrap();
            log!("moved earlier when={}", when(&cm));
            sleep(secs(1.0)).await;
            log!("not reached");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("expired={} when={}", py_bool(cm.expired()), when(&cm));
        }
    });
}

async fn ticker(n: u32) {
    for i in 0..n {
        log!("tick {i}");
        yield_now().await;
    }
}

/// `wait_for` over a finished task or a finished future returns without yielding (3.12);
/// a ticker created before runs only at main's next real suspension.
#[test]
fn case_598_wait_for_done_task_and_future() {
    assert_matches_cpython("598_wait_for_done_task_and_future", async {
        let mut t = spawn(async {
            sleep(Duration::ZERO).await;
            "r"
        })
        .share();
        t.clone().await.unwrap();
        let f: Rc<Promise<&str>> = Rc::new(Promise::new());
        f.set_result("f").unwrap();
        let k = spawn(ticker(3));
        let r = wait_for_task(secs(1.0), &mut t).await.unwrap().unwrap();
        log!("task {r}");
        let r = wait_for(secs(1.0), f.wait()).await.unwrap().unwrap();
        log!("future {r}");
        log!("task again {}", t.clone().await.unwrap());
        yield_now().await;
        log!("main after a yield");
        k.await.unwrap();
        log!("end");
    });
}

/// A timeout around a TaskGroup whose child awaits `shield(task)`: the expiry cancels the
/// body, the group cancels the child, the shielded task runs on; TimeoutError comes after
/// the child's cleanup; the task is awaited later.
#[test]
fn case_599_shield_in_group_in_timeout() {
    async fn save() -> &'static str {
        sleep(secs(0.5)).await;
        log!("save done");
        "saved"
    }
    assert_matches_cpython("599_shield_in_group_in_timeout", async {
        let inner = spawn(save()).share();
        let i = inner.clone();
        let scope = timeout_scope(Some(now() + secs(0.25)), |_| async move {
            let tg: TaskGroup<()> = TaskGroup::new();
            let seen = i.clone();
            tg.spawn(async move {
                let cancelled = super::Finally::new(move || {
                    log!("child cancelled inner done={}", py_bool(seen.done()));
                });
                shield_task(i).await.unwrap();
                cancelled.disarm();
                log!("child got it");
                Ok(())
            })
            .map(drop)
            .unwrap();
            let body = tg.scope(async {
                sleep(secs(1.0)).await;
                Ok::<(), ()>(())
            });
            let _ = body.await;
        });
        if scope.await.is_err() {
            log!("timed out inner done={}", py_bool(inner.done()));
        }
        log!("inner {}", inner.await.unwrap());
    });
}

/// `wait()` with `timeout=0` returns after one pass (its timer is due at once): tasks
/// created just before take their first step; nothing is cancelled.
#[test]
fn case_610_wait_timeout_zero() {
    async fn work(name: &'static str, d: f64) {
        log!("{name} starts");
        sleep(secs(d)).await;
        log!("{name} done");
    }
    assert_matches_cpython("610_wait_timeout_zero", async {
        let a = spawn(work("a", 0.125)).share();
        let b = spawn(work("b", 0.0)).share();
        let (done, pending) = wait(
            vec![a.clone(), b.clone()],
            simloop::ReturnWhen::AllCompleted,
            Some(Duration::ZERO),
        )
        .await;
        log!("done={} pending={}", done.len(), pending.len());
        let (done, pending) = wait(
            vec![a.clone(), b.clone()],
            simloop::ReturnWhen::AllCompleted,
            Some(Duration::ZERO),
        )
        .await;
        log!(
            "done={} pending={} b done={}",
            done.len(),
            pending.len(),
            py_bool(b.done())
        );
        a.clone().await.unwrap();
        log!("end a cancelled={}", py_bool(a.cancelled()));
    });
}

/// Awaiting `shield()` of a finished task and an empty `gather()` do not yield; a ticker
/// runs only when main sleeps.
#[test]
fn case_612_shield_of_done_and_gather_empty() {
    assert_matches_cpython("612_shield_of_done_and_gather_empty", async {
        let t = spawn(async {
            sleep(Duration::ZERO).await;
            7
        })
        .share();
        t.clone().await.unwrap();
        let k = spawn(async { log!("tick") });
        log!("shield {}", shield_task(t).await.unwrap());
        let none: Vec<simloop::JoinHandle<u32>> = Vec::new();
        let r = gather_tasks(none).await.unwrap();
        log!("gather {r:?}");
        log!("k done={}", py_bool(k.is_finished()));
        yield_now().await;
        log!("k done={}", py_bool(k.is_finished()));
    });
}

/// A task cancelled with a message: its awaiter's CancelledError carries it; through
/// `gather(return_exceptions=True)` asyncio lists a fresh `CancelledError('')`.
#[test]
fn case_615_cancel_message_reaches_awaiter() {
    assert_matches_cpython("615_cancel_message_reaches_awaiter", async {
        let t = spawn(sleep(secs(1.0))).share();
        let watched = t.clone();
        let w = spawn(async move {
            if let Err(e) = watched.await {
                log!("watcher saw {}", cancel_args(&e));
            }
        });
        sleep(secs(0.125)).await;
        t.cancel_with("shutting down");
        let res = gather_all_tasks(vec![t.clone()]).await;
        match &res[0] {
            Err(JoinError::Cancelled { .. }) => log!("gather got CancelledError('',)"),
            other => panic!("{other:?}"),
        }
        w.await.unwrap();
        log!("cancelled={}", py_bool(t.cancelled()));
    });
}

/// `wait_for` inside `wait_for`: the inner expires first and is caught inside; the outer
/// body then finishes in time, or expires itself.
#[test]
fn case_618_nested_wait_for_inner_expires_first() {
    async fn body() -> &'static str {
        if wait_for(secs(0.125), sleep(secs(1.0))).await.is_err() {
            log!("inner timed out");
        }
        sleep(secs(0.125)).await;
        log!("body done");
        "ok"
    }
    assert_matches_cpython("618_nested_wait_for_inner_expires_first", async {
        let r = wait_for(secs(0.5), body()).await.unwrap();
        log!("outer {r}");
        if wait_for(secs(0.25), body()).await.is_err() {
            log!("outer timed out");
        }
    });
}

/// `timeout_at` with a deadline already past: the body runs until its first suspension,
/// then TimeoutError; a body that never suspends finishes, not expired.
#[test]
fn case_619_timeout_at_past_deadline_body() {
    assert_matches_cpython("619_timeout_at_past_deadline_body", async {
        sleep(secs(0.25)).await;
        let scope = timeout_scope(Some(now() - secs(0.125)), |_| async {
            log!("body starts");
            yield_now().await;
            log!("not reached");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out expired={}", py_bool(cm.expired()));
        }
        let scope = timeout_scope(Some(now() - secs(0.125)), |_| async {
            log!("body without await");
        });
        let cm2 = scope.handle();
        scope.await.unwrap();
        log!("second expired={}", py_bool(cm2.expired()));
    });
}

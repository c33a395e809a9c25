//! Timeouts over coroutines and tasks (cases 118, 127, 129 and 142).

use std::time::Duration;

use simloop::{
    JoinError, Task, gather_all_tasks, log, now, sleep, spawn, timeout, timeout_at, timeout_scope,
    wait_for, wait_for_task, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

async fn work(name: &'static str, delay: f64) -> &'static str {
    let guard = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(delay)).await;
    guard.disarm();
    log!("{name} done");
    name
}

/// `asyncio.timeout` rescheduled later and earlier, nested with `wait_for`: the nearer
/// deadline fires, and `expired()` says which one did.
#[test]
fn case_118_timeout_reschedule_nested() {
    assert_matches_cpython("118_timeout_reschedule_nested", async {
        let scope = timeout_scope(None, |cm| async move {
            cm.reschedule(Some(now() + secs(2.0))).unwrap();
            let r = wait_for(secs(3.0), work("inner", 1.0)).await;
            log!("wait_for gave {}", r.unwrap());
            cm.reschedule(Some(now() + secs(0.5))).unwrap();
            work("second", 1.0).await;
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("outer expired={}", py_bool(cm.expired()));
        }
        let scope = timeout_scope(Some(now() + secs(1.0)), |outer| async move {
            if wait_for(secs(0.5), work("w", 5.0)).await.is_err() {
                log!(
                    "wait_for timed out, outer expired={}",
                    py_bool(outer.expired())
                );
            }
            outer.reschedule(Some(now() + secs(0.25))).unwrap();
            work("tail", 1.0).await;
        });
        let outer = scope.handle();
        if scope.await.is_err() {
            log!("outer fired, expired={}", py_bool(outer.expired()));
        }
        log!("end");
    });
}

/// A task awaited by several tasks, one through `wait_for`: the timeout cancels the shared
/// task, and every awaiter sees the cancellation.
#[test]
fn case_127_task_awaiters_wait_for() {
    async fn direct(t: Task<&'static str>, name: &'static str) -> Result<(), JoinError> {
        match t.await {
            Ok(v) => {
                log!("{name} got {v}");
                Ok(())
            }
            Err(e) => {
                log!("{name} saw the cancellation");
                Err(e)
            }
        }
    }
    assert_matches_cpython("127_task_awaiters_wait_for", async {
        let t = spawn(async {
            let guard = OnDrop::new("slow cancelled");
            sleep(secs(3.0)).await;
            guard.disarm();
            "slow result"
        })
        .share();
        let a = spawn(direct(t.clone(), "a"));
        let waited = t.clone();
        let i = spawn(async move {
            if wait_for(secs(1.0), waited).await.is_err() {
                log!("impatient timed out");
            }
            Ok(())
        });
        let b = spawn(direct(t.clone(), "b"));
        let kinds: Vec<&str> = gather_all_tasks(vec![a, i, b])
            .await
            .into_iter()
            .map(|r| match r {
                Ok(Ok(())) => "'NoneType'",
                Ok(Err(_)) | Err(_) => "'CancelledError'",
            })
            .collect();
        log!("gather: [{}]", kinds.join(", "));
        log!("t cancelled={}", py_bool(t.cancelled()));
    });
}

/// A timeout whose body sleeps, then awaits a task: the expiry cancels the task. Then, as a
/// regression (issue 19: `wait_for(0, &mut task)` never looked at the task, so it could not
/// return a finished task's result), `wait_for_task` with a zero timeout, on a finished
/// task and on a running one.
#[test]
fn case_129_timeout_sleep_then_task() {
    assert_matches_cpython("129_timeout_sleep_then_task", async {
        let mut t = spawn(work("long", 3.0));
        let r = timeout(secs(1.0), async {
            sleep(secs(0.5)).await;
            log!("slept, now awaiting the task");
            (&mut t).await
        })
        .await;
        if r.is_err() {
            log!("timeout; task cancelled={}", py_bool(t.cancelled()));
        }
        let mut u = spawn(work("short", 0.25));
        let r = wait_for(secs(1.0), async {
            sleep(secs(0.5)).await;
            "nap"
        })
        .await;
        log!("wait_for gave {}", r.unwrap());
        match wait_for_task(Duration::ZERO, &mut u).await {
            Ok(r) => log!("zero timeout on finished task: {}", r.unwrap()),
            Err(_) => log!("never"),
        }
        let mut v = spawn(work("running", 1.0));
        yield_now().await;
        if wait_for_task(Duration::ZERO, &mut v).await.is_err() {
            log!(
                "zero timeout on running task: cancelled={}",
                py_bool(v.cancelled())
            );
        }
    });
}

/// timeout_at with an absolute deadline; reschedule(None) disarms it; a deadline moved into
/// the past fires at the next pass; a timeout_at in the past runs the body until it waits.
#[test]
fn case_142_timeout_at_reschedule_past() {
    assert_matches_cpython("142_timeout_at_reschedule_past", async {
        let survived = timeout_scope(Some(now() + secs(1.0)), |cm| async move {
            cm.reschedule(None).unwrap();
            sleep(secs(2.0)).await;
            let when = cm.deadline().map_or("None".to_string(), |d| d.to_string());
            log!("survived, when={when}");
        });
        survived.await.unwrap();
        let scope = timeout_scope(Some(now() + secs(5.0)), |cm| async move {
            sleep(secs(0.5)).await;
            cm.reschedule(Some(now() - secs(1.0))).unwrap();
            log!("rescheduled into the past");
            yield_now().await;
            log!("never: the past deadline fires first");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("expired={}", py_bool(cm.expired()));
        }
        let past = timeout_at(now() - secs(1.0), async {
            log!("body starts");
            sleep(secs(1.0)).await;
        });
        if past.await.is_err() {
            log!("past deadline raised");
        }
    });
}

//! The first round's cases (101-113): one per asyncio rule the fidelity work changed.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::task::{call_at, call_later, call_soon};
use simloop::{
    GatherError, ReturnWhen, Semaphore, Task, TaskGroup, as_completed, gather_all_tasks,
    gather_tasks, log, now, shield_task, sleep, spawn, spawn_named, timeout, try_gather_tasks,
    wait, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// Regression (issue 19): a timeout whose deadline came while the awaited task had been
/// woken but had not run yet let the task finish and still reported the timeout. The
/// expiry is a cancellation forwarded to the awaited task, as in CPython 3.12+.
#[test]
fn case_101_wait_for_task_at_deadline() {
    assert_matches_cpython("101_wait_for_task_at_deadline", async {
        let mut t = spawn(async {
            let guard = OnDrop::new("exact cancelled");
            sleep(secs(1.0)).await;
            guard.disarm();
            log!("exact finished");
            "exact"
        });
        yield_now().await;
        match wait_for(secs(1.0), &mut t).await {
            Ok(r) => log!("result '{}'", r.unwrap()),
            Err(_) => log!("TimeoutError"),
        }
        let cancelled = t.await.is_err_and(|e| e.is_cancelled());
        log!("cancelled={}", py_bool(cancelled));
    });
}

/// Regression (issue 19): with nested timeouts expiring together, the inner one said
/// `expired() == false` because being dropped marked it finished.
#[test]
fn case_102_nested_timeouts_same_deadline() {
    assert_matches_cpython("102_nested_timeouts_same_deadline", async {
        // asyncio creates both context managers up front; the inner one's handle is kept
        // outside the body, which the outer expiry drops.
        let inner_handle = Rc::new(RefCell::new(None));
        let slot = inner_handle.clone();
        let outer = timeout(secs(1.0), async move {
            let inner = timeout(secs(1.0), sleep(secs(5.0)));
            *slot.borrow_mut() = Some(inner.handle());
            if inner.await.is_err() {
                log!("inner raised TimeoutError");
            }
            log!("never: the outer cancellation is still pending");
        });
        let outer_handle = outer.handle();
        if outer.await.is_err() {
            log!("outer raised TimeoutError");
        }
        let inner_expired = inner_handle.borrow().as_ref().unwrap().expired();
        log!(
            "outer expired={} inner expired={}",
            py_bool(outer_handle.expired()),
            py_bool(inner_expired)
        );
    });
}

/// A delivered timeout makes primitives skip the task's waiter, as asyncio's timeout
/// callback cancels the waiter future at once: the release that follows in the same pass
/// hands the permit straight to the next waiter (before the holder's next step).
#[test]
fn case_111_timeout_skips_semaphore_waiter() {
    assert_matches_cpython("111_timeout_skips_semaphore_waiter", async {
        let sem = Rc::new(Semaphore::new(1));
        let s = sem.clone();
        let h = spawn(async move {
            {
                let _permit = s.acquire().await;
                sleep(secs(1.0)).await;
                log!("holder releasing");
            }
            yield_now().await;
            log!("holder after yield");
        });
        yield_now().await;
        let waiter = |name: &'static str, limit: f64| {
            let s = sem.clone();
            spawn(async move {
                let r = timeout(secs(limit), async {
                    let _permit = s.acquire().await;
                    log!("{name} acquired");
                })
                .await;
                if r.is_err() {
                    log!("{name} timed out");
                }
            })
        };
        let (w1, w2) = (waiter("w1", 1.0), waiter("w2", 5.0));
        gather_tasks(vec![h, w1, w2]).await.unwrap();
        log!("main done");
    });
}

/// CPython 3.12's gather runs the done-callbacks of tasks that already ended at once: a
/// gather over finished tasks does not yield (3.11's trace, vendored beside, differs).
#[test]
fn case_103_gather_finished_tasks() {
    async fn quick(name: &'static str) -> &'static str {
        log!("{name} runs");
        name
    }
    assert_matches_cpython("103_gather_finished_tasks", async {
        let a = spawn(quick("a"));
        let b = spawn(quick("b"));
        yield_now().await;
        let _other = spawn(async { log!("other runs") });
        let r = gather_tasks(vec![a, b]).await.unwrap();
        log!("gathered {}", py_list(&r));
        yield_now().await;
        log!("main done");
    });
}

/// A task awaited by many at once, without wrapper tasks: direct awaiters resume one slot
/// after it ends, gather/shield/wait callers two, each in registration order.
#[test]
fn case_104_shared_task_hop_order() {
    assert_matches_cpython("104_shared_task_hop_order", async {
        let t = spawn(async {
            sleep(secs(1.0)).await;
            log!("work done");
            7
        })
        .share();
        let direct = |t: Task<i32>, name: &'static str| {
            spawn(async move { log!("{name} got {}", t.await.unwrap()) })
        };
        let g = t.clone();
        let s = t.clone();
        let w = t.clone();
        let callers = vec![
            spawn(async move {
                let r = gather_tasks(vec![g]).await.unwrap();
                log!("gather caller got [{}]", r[0]);
            }),
            direct(t.clone(), "direct-1"),
            spawn(async move { log!("shield caller got {}", shield_task(s).await.unwrap()) }),
            spawn(async move {
                let (done, _) = wait(vec![w], ReturnWhen::AllCompleted, None).await;
                log!("wait caller: {} done", done.len());
            }),
            direct(t.clone(), "direct-2"),
        ];
        log!("main got {}", t.await.unwrap());
        for c in callers {
            c.await.unwrap();
        }
        log!("all callers done");
    });
}

/// shield of an existing task: the caller's timeout ends only the shield; the task runs on
/// and is awaited later.
#[test]
fn case_105_shield_existing_task() {
    assert_matches_cpython("105_shield_existing_task", async {
        let t = spawn(async {
            let guard = OnDrop::new("save cancelled");
            sleep(secs(2.0)).await;
            guard.disarm();
            log!("save done");
            "saved"
        })
        .share();
        if wait_for(secs(1.0), shield_task(t.clone())).await.is_err() {
            log!("timeout; task done={}", py_bool(t.done()));
        }
        log!("later: {}", t.await.unwrap());
    });
}

/// as_completed with a timeout: completion order, then the timeout; the tasks not yielded
/// are handed back, still running, and awaited afterwards.
#[test]
fn case_107_as_completed_timeout_leftovers() {
    use futures::StreamExt;
    assert_matches_cpython("107_as_completed_timeout_leftovers", async {
        let tasks: Vec<_> = [("slow", 3.0), ("fast", 1.0), ("mid", 2.0)]
            .into_iter()
            .map(|(name, delay)| {
                spawn(async move {
                    sleep(secs(delay)).await;
                    log!("{name} done");
                    name
                })
            })
            .collect();
        let mut stream = as_completed(tasks, Some(secs(2.5)));
        while let Some(item) = stream.next().await {
            match item {
                Ok(r) => log!("got {}", r.unwrap()),
                Err(_) => {
                    let left = stream.take_pending();
                    log!("timeout; not done: {}", left.len());
                    for t in left {
                        log!("awaited leftover: {}", t.await.unwrap());
                    }
                }
            }
        }
    });
}

/// Task introspection: done, cancelled, name, the cancellation count.
#[test]
fn case_109_task_introspection() {
    assert_matches_cpython("109_task_introspection", async {
        let nap = || async {
            sleep(secs(1.0)).await;
            "rested"
        };
        let t = spawn_named("napper", nap()).share();
        let u = spawn_named("worker", nap()).share();
        yield_now().await;
        let name = |t: &Task<&str>| t.name().unwrap();
        log!(
            "{} done={} cancelling={}",
            name(&t),
            py_bool(t.done()),
            t.cancelling()
        );
        log!(
            "cancel -> {} cancelling={}",
            py_bool(t.cancel()),
            t.cancelling()
        );
        log!(
            "cancel again -> {} cancelling={}",
            py_bool(t.cancel()),
            t.cancelling()
        );
        if t.clone().await.is_err_and(|e| e.is_cancelled()) {
            log!(
                "{} done={} cancelled={}",
                name(&t),
                py_bool(t.done()),
                py_bool(t.cancelled())
            );
        }
        let r = u.clone().await.unwrap();
        log!(
            "{} {r} cancelled={} cancel -> {}",
            name(&u),
            py_bool(u.cancelled()),
            py_bool(u.cancel())
        );
    });
}

fn py_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// gather over existing tasks raises the first failure when it happens, not in argument
/// order; with return_exceptions it waits for all.
#[test]
fn case_106_gather_tasks_first_failure() {
    async fn fail_after(name: &'static str, delay: f64) -> Result<(), String> {
        sleep(secs(delay)).await;
        log!("{name} raising");
        Err(name.to_string())
    }
    assert_matches_cpython("106_gather_tasks_first_failure", async {
        let t1 = spawn(fail_after("t1", 2.0)).share();
        let t2 = spawn(fail_after("t2", 1.0)).share();
        if let Err(GatherError::Failed(e)) = try_gather_tasks(vec![t1.clone(), t2.clone()]).await {
            log!("gather raised ValueError({e})");
        }
        let all = gather_all_tasks(vec![t1, t2]).await;
        let shown: Vec<String> = all
            .into_iter()
            .map(|r| format!("ValueError('{}')", r.unwrap().unwrap_err()))
            .collect();
        log!("return_exceptions: [{}]", shown.join(", "));
    });
}

/// call_soon/call_later/call_at callbacks take one ready-queue slot each: a callback armed
/// for the same instant as a sleeping task runs before it (the task needs two slots).
#[test]
fn case_108_call_soon_call_later() {
    assert_matches_cpython("108_call_soon_call_later", async {
        call_soon(|| log!("soon-1"));
        let _a = spawn(async { log!("task-A step") });
        call_soon(|| log!("soon-2"));
        let _sleeper = spawn(async {
            sleep(secs(1.0)).await;
            log!("sleeper woke");
        });
        yield_now().await;
        log!("main after yield");
        call_later(secs(1.0), || log!("later-1"));
        let h = call_later(secs(1.0), || log!("never: cancelled"));
        call_at(now() + secs(1.0), || log!("at-1"));
        h.cancel();
        sleep(secs(2.0)).await;
        log!("main done");
    });
}

/// A zero timeout, CPython 3.12: on a finished task it returns the result; a coroutine is
/// never started; a running task is cancelled and awaited. simloop's `wait_for` never starts
/// its inner future at a zero timeout (the coroutine form); for a task, `timeout` is the
/// form that asks the task first (it polls the handle once) and cancels it on expiry.
#[test]
fn case_110_wait_for_zero() {
    async fn work(name: &'static str, delay: f64) -> &'static str {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} finished");
        name
    }
    assert_matches_cpython("110_wait_for_zero", async {
        let mut done = spawn(work("done", 0.0));
        yield_now().await;
        yield_now().await;
        let r = timeout(Duration::ZERO, &mut done).await.unwrap().unwrap();
        log!("zero on finished: '{r}'");
        let _marker = spawn(async { log!("marker runs") });
        if wait_for(Duration::ZERO, work("coro", 1.0)).await.is_err() {
            log!("zero on coroutine: TimeoutError");
        }
        let mut running = spawn(work("running", 1.0));
        yield_now().await;
        let _marker = spawn(async { log!("marker runs") });
        if timeout(Duration::ZERO, &mut running).await.is_err() {
            log!(
                "zero on running task: TimeoutError, cancelled={}",
                py_bool(running.cancelled())
            );
        }
    });
}

/// `async with TaskGroup()` as `TaskGroup::scope`: a child's failure cancels the siblings,
/// then interrupts the body; a body that returns `Err` aborts the group; a body that ends
/// waits for the children.
#[test]
fn case_112_task_group_scope() {
    async fn child(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        if fail {
            log!("{name} fails");
            return Err(format!("{name} failed"));
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("112_task_group_scope", async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("a", 1.0, true)).map(drop).unwrap();
                group.spawn(child("b", 5.0, false)).map(drop).unwrap();
                let guard = OnDrop::new("body cancelled");
                sleep(secs(10.0)).await;
                guard.disarm();
                log!("body done");
                Ok(())
            })
            .await;
        log!("group: {} failure(s)", r.unwrap_err().failures.len());

        let tg = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("c", 1.0, false)).map(drop).unwrap();
                sleep(secs(0.5)).await;
                log!("body raises");
                Err::<(), _>("body".to_string())
            })
            .await;
        log!("group: {} failure(s)", r.unwrap_err().failures.len());

        let tg = TaskGroup::new();
        let group = tg.clone();
        tg.scope(async move {
            group.spawn(child("e", 1.0, false)).map(drop).unwrap();
            log!("body ends");
            Ok::<_, String>(())
        })
        .await
        .unwrap();
        log!("scope done");
    });
}

//! The seventh round, tasks, callbacks and combinators (cases 522, 523, 534-538, 541-544,
//! 547-549): `call_later`/`call_at` against sleeps of equal deadline, task inspection at
//! each step, nested gathers cancelled from a timer, Event broadcast and `wait_for`,
//! callback chains, `as_completed` timeouts, shields with two callers, `wait_for` beside a
//! direct awaiter, TaskGroup bodies that raise, call handles cancelled by a callback,
//! nested groups, `sleep(0)` fairness, a future's exception, `timeout_at`.

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::{Event, Promise, PromiseError};
use simloop::task::{CallHandle, call_at, call_later, call_soon};
use simloop::{
    ChildFailure, GroupError, JoinError, TaskGroup, as_completed, gather, gather_all_tasks, log,
    now, shield_task, sleep, spawn, spawn_named, timeout_at, wait_for, wait_for_task, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// `call_later` and sleeps with equal deadlines fire in arming order; a sleeper resumes
/// one slot after its timer (checked against `VCLOCK_TIES=fifo`: CPython's heap pops
/// these six out of arming order).
#[test]
fn case_522_call_later_vs_sleep_same_deadline() {
    async fn sleeper(name: &'static str) {
        sleep(secs(0.25)).await;
        log!("{name} woke");
    }
    assert_matches_cpython("522_call_later_vs_sleep_same_deadline.fifo", async {
        call_later(secs(0.25), || log!("cb1"));
        let t1 = spawn(sleeper("s1"));
        yield_now().await;
        call_later(secs(0.25), || log!("cb2"));
        call_at(now() + secs(0.25), || log!("cb3 at"));
        let t2 = spawn(sleeper("s2"));
        sleep(secs(0.25)).await;
        log!("main woke");
        gather_all_tasks(vec![t1, t2]).await;
    });
}

/// A task's done/cancelled/result/exception read at each step: before it starts,
/// sleeping, finished, failed, cancel requested (still pending), cancelled.
#[test]
fn case_523_task_inspection_each_step() {
    type R = Result<f64, &'static str>;
    async fn work(d: f64, fail: bool) -> R {
        sleep(secs(d)).await;
        if fail { Err("k") } else { Ok(d) }
    }
    fn show(name: &str, t: &simloop::Task<R>) {
        match t.result() {
            None => log!("{name} pending"),
            Some(Err(JoinError::Cancelled { .. })) => log!("{name} cancelled"),
            Some(Err(e)) => panic!("{e}"),
            Some(Ok(Err(e))) => log!("{name} raised KeyError('{e}')"),
            Some(Ok(Ok(v))) => log!("{name} result {v}"),
        }
    }
    assert_matches_cpython("523_task_inspection_each_step", async {
        let ts = [
            spawn_named("a", work(0.125, false)).share(),
            spawn_named("b", work(0.25, true)).share(),
            spawn_named("c", work(0.5, false)).share(),
        ];
        for t in &ts {
            show(&t.name().unwrap(), t);
        }
        sleep(secs(0.125)).await;
        for t in &ts {
            show(&t.name().unwrap(), t);
        }
        ts[2].cancel();
        show("c", &ts[2]);
        sleep(secs(0.125)).await;
        for t in &ts {
            show(&t.name().unwrap(), t);
        }
    });
}

/// An inner gather (run as a task) cancelled by a timer while an outer
/// `gather(return_exceptions=True)` waits: its unfinished leaf is cancelled and the outer
/// lists a CancelledError for it.
#[test]
fn case_534_gather_nested_return_exceptions_cancel_inner() {
    async fn leaf(name: &'static str, d: f64) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        name
    }
    assert_matches_cpython("534_gather_nested_return_exceptions_cancel_inner", async {
        let inner = spawn(async {
            let r = gather([leaf("a", 0.25), leaf("b", 0.5)]).await.unwrap();
            r.join(",")
        });
        let c = spawn(async { leaf("c", 0.125).await.to_string() });
        let abort = inner.abort_handle();
        call_later(secs(0.375), move || {
            abort.cancel();
        });
        let res = gather_all_tasks(vec![inner, c]).await;
        log!(
            "{}",
            py_list(res.iter().map(|r| match r {
                Ok(v) => format!("'{v}'"),
                Err(JoinError::Cancelled { .. }) => "CancelledError()".to_string(),
                Err(e) => panic!("{e}"),
            }))
        );
    });
}

/// An Event set once releases all current waiters; a late waiter under `wait_for` returns
/// at once; after `clear()` the next one times out.
#[test]
fn case_535_event_broadcast_then_wait_for_timeout() {
    assert_matches_cpython("535_event_broadcast_then_wait_for_timeout", async {
        let ev = Rc::new(Event::new());
        let ts: Vec<_> = (0..3)
            .map(|i| {
                let ev = ev.clone();
                spawn(async move {
                    ev.wait().await;
                    log!("w{i} released");
                })
            })
            .collect();
        sleep(secs(0.125)).await;
        ev.set();
        log!("set");
        wait_for(secs(0.125), ev.wait()).await.unwrap();
        log!("late waiter returned at once");
        gather_all_tasks(ts).await;
        ev.clear();
        if wait_for(secs(0.125), ev.wait()).await.is_err() {
            log!("after clear: timed out");
        }
    });
}

/// `call_soon` from a callback enters the next pass; tasks queued in this pass run first.
#[test]
fn case_536_call_soon_from_callbacks_chain_vs_tasks() {
    fn cb(n: u32) {
        log!("cb {n}");
        if n < 3 {
            call_soon(move || cb(n + 1));
        }
    }
    async fn t(name: &'static str) {
        log!("{name} step 1");
        yield_now().await;
        log!("{name} step 2");
    }
    assert_matches_cpython("536_call_soon_from_callbacks_chain_vs_tasks", async {
        call_soon(|| cb(1));
        let a = spawn(t("a"));
        let b = spawn(t("b"));
        gather_all_tasks(vec![a, b]).await;
        log!("end");
    });
}

/// `as_completed` with a timeout: results before it, then TimeoutError; the unfinished
/// task runs on and is awaited later.
#[test]
fn case_537_as_completed_timeout_in_loop_partial() {
    async fn job(i: u32, d: f64) -> u32 {
        sleep(secs(d)).await;
        log!("job {i} finished");
        i
    }
    assert_matches_cpython("537_as_completed_timeout_in_loop_partial", async {
        let ts: Vec<_> = [0.125, 0.5, 0.25]
            .into_iter()
            .zip(0..)
            .map(|(d, i)| spawn(job(i, d)).share())
            .collect();
        let mut got = Vec::new();
        let mut stream = as_completed(ts.clone(), Some(secs(0.375)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => {
                    got.push(v.unwrap());
                    log!("got {}", got[got.len() - 1]);
                }
                Err(_) => {
                    log!("timeout, got {}", py_list(&got));
                    break;
                }
            }
        }
        drop(stream);
        log!("late {}", ts[1].clone().await.unwrap());
    });
}

/// The caller of `shield(t)` cancelled: t keeps running; a second shield of the same t by
/// a new caller gets its result.
#[test]
fn case_538_shield_cancel_caller_twice() {
    async fn caller(t: simloop::Task<u32>, name: &'static str) {
        let seen = t.clone();
        let cancelled = Finally::new(move || {
            log!("{name} cancelled, work done={}", py_bool(seen.done()));
        });
        let r = shield_task(t).await.unwrap();
        cancelled.disarm();
        log!("{name} got {r}");
    }
    assert_matches_cpython("538_shield_cancel_caller_twice", async {
        let t = spawn(async {
            sleep(secs(0.5)).await;
            log!("work done");
            42
        })
        .share();
        let c1 = spawn(caller(t.clone(), "c1")).share();
        sleep(secs(0.125)).await;
        c1.cancel();
        yield_now().await;
        let c2 = spawn(caller(t.clone(), "c2")).share();
        gather_all_tasks(vec![c1.clone(), c2]).await;
        log!(
            "c1 cancelled={} t={}",
            py_bool(c1.cancelled()),
            t.result().unwrap().unwrap()
        );
    });
}

/// A task awaited through `wait_for` and directly: it ends before the deadline; the
/// `wait_for` caller, which awaits it inline (3.12), resumes first (3.11's `wait_for` ran a
/// task of its own, so the direct awaiter came first).
#[test]
fn case_541_wait_for_task_result_before_deadline_other_waiter() {
    assert_matches_cpython(
        "541_wait_for_task_result_before_deadline_other_waiter",
        async {
            let t = spawn(async {
                sleep(secs(0.25)).await;
                "r"
            })
            .share();
            let mut timed_t = t.clone();
            let a = spawn(async move {
                let r = wait_for_task(secs(0.5), &mut timed_t)
                    .await
                    .unwrap()
                    .unwrap();
                log!("timed {r}");
            });
            let direct_t = t.clone();
            let b = spawn(async move {
                log!("direct {}", direct_t.await.unwrap());
            });
            gather_all_tasks(vec![a, b]).await;
            log!("end");
        },
    );
}

fn group_list(e: &GroupError<String>) -> String {
    py_list(e.failures.iter().map(|f| match f {
        ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error.clone(),
        ChildFailure::Panicked { message, .. } => panic!("{message}"),
    }))
}

/// A TaskGroup body raising: the children are cancelled in creation order (3.12's trace;
/// 3.11 and 3.13 iterate a set), their cleanups run, the body's error propagates alone.
#[test]
fn case_542_task_group_body_raises_children_cleanup() {
    async fn child(name: &'static str) -> Result<(), String> {
        let _cleanup = OnDrop::new(format!("{name} cleanup"));
        sleep(secs(1.0)).await;
        Ok(())
    }
    assert_matches_cpython("542_task_group_body_raises_children_cleanup", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("a")).map(drop).unwrap();
                group.spawn(child("b")).map(drop).unwrap();
                sleep(secs(0.125)).await;
                Err::<(), _>("'body'".to_string())
            })
            .await;
        log!("caught {}", group_list(&r.unwrap_err()));
    });
}

/// Timer handles at one instant: the first callback cancels the second, which never runs;
/// `cancelled()` reads True.
#[test]
fn case_543_call_later_cancel_handles_in_loop() {
    type Handles = Rc<RefCell<Vec<CallHandle>>>;
    fn fire(name: &'static str, handles: &Handles) {
        log!("{name} fired");
        if name == "a" {
            let hs = handles.borrow();
            hs[1].cancel();
            log!("b cancelled={}", py_bool(hs[1].cancelled()));
        }
    }
    assert_matches_cpython("543_call_later_cancel_handles_in_loop", async {
        let handles: Handles = Rc::new(RefCell::new(Vec::new()));
        for (name, d) in [("a", 0.25), ("b", 0.25), ("c", 0.25), ("d", 0.375)] {
            let hs = handles.clone();
            let h = call_later(secs(d), move || fire(name, &hs));
            handles.borrow_mut().push(h);
        }
        sleep(secs(0.5)).await;
        log!("end");
    });
}

/// An inner TaskGroup fails; the outer group's other child is cancelled; the outer raises
/// a group nesting the inner one.
#[test]
fn case_544_nested_task_groups_inner_fails_outer_sibling() {
    async fn long(name: &'static str) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    async fn inner_group() -> Result<(), String> {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(async {
            sleep(secs(0.125)).await;
            Err::<(), _>("ValueError('inner')".to_string())
        })
        .map(drop)
        .unwrap();
        tg.spawn(long("inner-long")).map(drop).unwrap();
        tg.join().await.map_err(|e| {
            format!(
                "ExceptionGroup('unhandled errors in a TaskGroup', {})",
                group_list(&e)
            )
        })
    }
    assert_matches_cpython("544_nested_task_groups_inner_fails_outer_sibling", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(inner_group()).map(drop).unwrap();
        tg.spawn(long("outer-long")).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        let l = group_list(&e);
        log!("outer caught ({},)", &l[1..l.len() - 1]);
    });
}

/// Three tasks looping on `sleep(0)` take turns in creation order; those that finish leave
/// the others alternating.
#[test]
fn case_547_sleep_zero_fairness_three_tasks() {
    async fn spinner(name: &'static str, n: u32) {
        for i in 0..n {
            log!("{name}{i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("547_sleep_zero_fairness_three_tasks", async {
        gather([spinner("a", 2), spinner("b", 4), spinner("c", 3)])
            .await
            .unwrap();
        log!("end");
    });
}

/// A future's exception reaches every awaiter and done-callback in registration order;
/// reading it does not raise.
#[test]
fn case_548_future_set_exception_multiple_awaiters() {
    async fn awaiter(f: Rc<Promise<(), &'static str>>, name: &'static str) {
        if let Err(PromiseError::Failed(e)) = f.wait().await {
            log!("{name} caught KeyError('{e}')");
        }
    }
    assert_matches_cpython("548_future_set_exception_multiple_awaiters", async {
        let f: Rc<Promise<(), &'static str>> = Rc::new(Promise::new());
        let a = spawn(awaiter(f.clone(), "a"));
        yield_now().await;
        f.add_done_callback(|r| {
            if let Err(PromiseError::Failed(e)) = r {
                log!("callback sees KeyError('{e}')");
            }
        });
        let b = spawn(awaiter(f.clone(), "b"));
        yield_now().await;
        f.set_error("k").unwrap();
        if let Some(Err(PromiseError::Failed(e))) = f.result() {
            log!("exception KeyError('{e}')");
        }
        gather_all_tasks(vec![a, b]).await;
    });
}

/// `timeout_at` with one absolute deadline for two bodies in a row: the second expires at
/// that instant.
#[test]
fn case_549_timeout_at_absolute_deadlines() {
    assert_matches_cpython("549_timeout_at_absolute_deadlines", async {
        let deadline = now() + secs(0.375);
        timeout_at(deadline, async {
            sleep(secs(0.25)).await;
            log!("first body done");
        })
        .await
        .unwrap();
        let r = timeout_at(deadline, async {
            sleep(secs(0.25)).await;
            log!("not reached");
        })
        .await;
        if r.is_err() {
            log!("second body timed out");
        }
    });
}

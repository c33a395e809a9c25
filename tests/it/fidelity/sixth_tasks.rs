//! The sixth round, tasks, callbacks and combinators (cases 461, 467-471, 474, 476, 484-487,
//! 489, 496, 498): callbacks that raise, wait(FIRST_EXCEPTION) beside a cancelled task,
//! as_completed beating its timeout, wait_for over a shield in time, gathers of gathers
//! cancelled, a timeout moved into the past from inside, tasks created from done-callbacks,
//! sleep(0) against call_soon, call_at in the past, timeout(0), tasks cancelled while
//! queued, nested wait_for.

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::Promise;
use simloop::task::{call_at, call_later, call_soon};
use simloop::{
    Instant, JoinError, PanicOutput, ReturnWhen, Sim, as_completed, gather_all_tasks, gather_tasks,
    log, now, shield_task, sleep, spawn, timeout, timeout_scope, try_wait, wait, wait_for,
    yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::{OnDrop, cpython_trace};

/// A call_soon callback or a done-callback that raises is reported and the loop goes on:
/// the next callbacks run in order (the future's set_result queued among the callbacks).
#[test]
fn case_461_callbacks_raise_others_run() {
    fn boom(name: &str) {
        log!("{name} raises");
        panic!("{name}");
    }
    let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
        call_soon(|| log!("cb1"));
        call_soon(|| boom("cb2"));
        call_soon(|| log!("cb3"));
        let fut = Rc::new(Promise::<i32>::new());
        fut.add_done_callback(|_| boom("done1"));
        fut.add_done_callback(|r| log!("done2 sees {}", r.unwrap()));
        let f = fut.clone();
        call_soon(move || f.set_result(7).unwrap());
        yield_now().await;
        log!("main after one pass");
        yield_now().await;
        log!("main after two passes");
        log!("await fut -> {}", fut.wait().await.unwrap());
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        cpython_trace("461_callbacks_raise_others_run")
    );
}

/// wait(FIRST_EXCEPTION) does not return for a task that was cancelled, only for one that
/// raised; a cancelled task alone is done.
#[test]
fn case_467_wait_first_exception_cancelled() {
    async fn sleeper(d: f64, fail: bool) -> Result<f64, String> {
        sleep(secs(d)).await;
        if fail {
            return Err(format!("fail {d}"));
        }
        Ok(d)
    }
    assert_matches_cpython("467_wait_first_exception_cancelled", async {
        let a = spawn(sleeper(1.0, false)).share();
        let b = spawn(sleeper(0.5, true)).share();
        let c = spawn(sleeper(2.0, false)).share();
        let ac = a.abort_handle();
        call_later(secs(0.25), move || {
            ac.cancel();
        });
        let (done, pending) = try_wait(
            vec![a.clone(), b.clone(), c.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await;
        let has = |t: &simloop::Task<_>| done.iter().any(|d| d.id() == t.id());
        log!(
            "done a={} b={} c={}, pending {}",
            py_bool(has(&a)),
            py_bool(has(&b)),
            py_bool(has(&c)),
            pending.len()
        );
        let Some(Ok(Err(e))) = b.result() else {
            panic!("b failed")
        };
        log!(
            "a cancelled={}, b exc=ValueError('{e}')",
            py_bool(a.cancelled())
        );
        c.cancel();
        let (done, _) = try_wait(vec![c.clone()], ReturnWhen::FirstException, None).await;
        log!(
            "c done={} cancelled={}",
            py_bool(done.len() == 1),
            py_bool(c.cancelled())
        );
    });
}

async fn job(name: &'static str, d: f64) -> &'static str {
    sleep(secs(d)).await;
    name
}

/// as_completed with a timeout that every task beats: all yielded in completion order, no
/// TimeoutError; the timer left does nothing.
#[test]
fn case_468_as_completed_timeout_all_in_time() {
    assert_matches_cpython("468_as_completed_timeout_all_in_time", async {
        let ts: Vec<_> = [("a", 0.5), ("b", 0.25), ("c", 0.75)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)))
            .collect();
        let mut stream = as_completed(ts, Some(secs(1.0)));
        while let Some(r) = stream.next().await {
            log!("got {}", r.unwrap().unwrap());
        }
        log!("loop over");
        sleep(secs(1.0)).await;
        log!("end");
    });
}

/// wait_for over shield(task) that finishes in time returns its result; a second wait_for
/// that expires leaves the task running.
#[test]
fn case_469_wait_for_shielded_task_in_time() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} done");
        name
    }
    assert_matches_cpython("469_wait_for_shielded_task_in_time", async {
        let t = spawn(work("t", 0.25)).share();
        let r = wait_for(secs(0.5), shield_task(t)).await.unwrap().unwrap();
        log!("got {r}");
        let u = spawn(work("u", 0.75)).share();
        if wait_for(secs(0.5), shield_task(u.clone())).await.is_err() {
            log!(
                "timed out, u done={} cancelled={}",
                py_bool(u.done()),
                py_bool(u.cancelled())
            );
        }
        log!("u -> {}", u.await.unwrap());
    });
}

/// The task awaiting a gather of gathers is cancelled: every leaf is cancelled depth first
/// in argument order, the finished one kept.
#[test]
fn case_470_gather_of_gathers_cancelled_outside() {
    async fn leaf(name: &'static str, d: f64) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        name
    }
    async fn outer() {
        let cancelled = OnDrop::new("outer cancelled");
        let a = spawn(async {
            gather_tasks(vec![spawn(leaf("a1", 0.125)), spawn(leaf("a2", 1.0))]).await
        });
        let b = spawn(async {
            gather_tasks(vec![spawn(leaf("b1", 1.0)), spawn(leaf("b2", 1.0))]).await
        });
        let c = spawn(async { Ok(vec![leaf("c", 1.0).await]) });
        let _ = gather_tasks(vec![a, b, c]).await;
        cancelled.disarm();
    }
    assert_matches_cpython("470_gather_of_gathers_cancelled_outside", async {
        let t = spawn(outer());
        sleep(secs(0.25)).await;
        t.cancel();
        if let Err(JoinError::Cancelled { .. }) = t.await {
            log!("main sees cancelled");
        }
    });
}

/// A timeout rescheduled into the past from inside its body expires at the next pass: the
/// sleep started after is cancelled, expired() True.
#[test]
fn case_471_timeout_rescheduled_into_past_inside() {
    assert_matches_cpython("471_timeout_rescheduled_into_past_inside", async {
        let t = spawn(async {
            for i in 0..3 {
                log!("tick {i}");
                yield_now().await;
            }
        });
        let scope = timeout_scope(Some(now() + secs(10.0)), |cm| async move {
            sleep(secs(0.5)).await;
            cm.reschedule(Some(Instant::ZERO)).unwrap();
            log!("rescheduled, expired={}", py_bool(cm.expired()));
            sleep(secs(1.0)).await;
            log!("not reached");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!(
                "timed out at {}, expired={}",
                now().elapsed_since_start().as_secs_f64(),
                py_bool(cm.expired())
            );
        }
        t.await.unwrap();
    });
}

/// A task created from a done-callback starts after the callbacks and awaiters queued
/// before it.
#[test]
fn case_474_create_task_from_done_callback() {
    assert_matches_cpython("474_create_task_from_done_callback", async {
        let spawned = Rc::new(RefCell::new(Vec::new()));
        let t = spawn(async {
            sleep(secs(0.25)).await;
            log!("first ends");
        })
        .share();
        let s = spawned.clone();
        t.add_done_callback(move |_| {
            s.borrow_mut()
                .push(spawn(async { log!("from-callback runs") }));
        });
        let t2 = t.clone();
        let a = spawn(async move {
            t2.await.unwrap();
            log!("awaiter resumed");
        });
        t.add_done_callback(|_| log!("cb2"));
        t.await.unwrap();
        log!("main resumed");
        yield_now().await;
        log!("main after sleep0");
        let h = spawned.borrow_mut().pop().unwrap();
        h.await.unwrap();
        a.await.unwrap();
    });
}

/// A call_soon made before sleep(0) runs before the task resumes; one made by another task
/// in the same pass runs after it.
#[test]
fn case_476_sleep0_vs_call_soon() {
    assert_matches_cpython("476_sleep0_vs_call_soon", async {
        let t = spawn(async {
            call_soon(|| log!("other's callback"));
            log!("other step");
            yield_now().await;
            log!("other resumed");
        });
        call_soon(|| log!("main's callback"));
        yield_now().await;
        log!("main resumed");
        call_soon(|| log!("second callback"));
        yield_now().await;
        log!("main resumed again");
        t.await.unwrap();
    });
}

/// as_completed yields a failure and a cancellation in completion order; iteration goes
/// on to the last result.
#[test]
fn case_484_as_completed_failed_and_cancelled() {
    async fn work(name: &'static str, d: f64, fail: bool) -> Result<&'static str, &'static str> {
        sleep(secs(d)).await;
        if fail { Err(name) } else { Ok(name) }
    }
    assert_matches_cpython("484_as_completed_failed_and_cancelled", async {
        let ts: Vec<_> = [
            ("a", 0.5, false),
            ("b", 0.25, true),
            ("c", 1.0, false),
            ("d", 0.75, false),
        ]
        .into_iter()
        .map(|(n, d, f)| spawn(work(n, d, f)).share())
        .collect();
        let c = ts[2].abort_handle();
        call_later(secs(0.375), move || {
            c.cancel();
        });
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            match r.unwrap() {
                Ok(Ok(v)) => log!("got {v}"),
                Ok(Err(e)) => log!("failed {e}"),
                Err(JoinError::Cancelled { .. }) => log!("a cancelled one"),
                Err(e) => panic!("{e}"),
            }
        }
        log!("end");
    });
}

/// wait(ALL_COMPLETED) over tasks one of which raises in its first step: all done at the
/// last end, the failure kept.
#[test]
fn case_485_wait_all_first_step_raises() {
    async fn slow(d: f64) -> Result<f64, &'static str> {
        sleep(secs(d)).await;
        log!("slow {d} ends");
        Ok(d)
    }
    assert_matches_cpython("485_wait_all_first_step_raises", async {
        let ts = vec![
            spawn(slow(0.25)).share(),
            spawn(async { Err("at once") }).share(),
            spawn(slow(0.5)).share(),
        ];
        let (done, pending) = wait(ts.clone(), ReturnWhen::AllCompleted, None).await;
        log!("done {} pending {}", done.len(), pending.len());
        let shown = ts.iter().map(|t| match t.result() {
            Some(Ok(Ok(d))) => d.to_string(),
            Some(Ok(Err(e))) => format!("\"ValueError('{e}')\""),
            other => panic!("{other:?}"),
        });
        log!("results {}", py_list(shown));
    });
}

/// call_at in the past and call_later(-1) enter at the next pass, after call_soon
/// callbacks queued in this one, by deadline then arming order.
#[test]
fn case_486_call_at_past_vs_call_soon() {
    assert_matches_cpython("486_call_at_past_vs_call_soon", async {
        sleep(secs(0.5)).await;
        let t = now();
        call_at(t - secs(0.25), || log!("call_at past"));
        call_soon(|| log!("soon 1"));
        // call_later(-1): a deadline one second in the past.
        call_at(t - secs(0.5), || log!("call_later -1"));
        call_later(secs(0.0), || log!("call_later 0"));
        call_soon(|| log!("soon 2"));
        log!("armed");
        yield_now().await;
        log!("main after sleep0");
        yield_now().await;
        log!("main after second sleep0");
    });
}

/// timeout(0) around sleep(0): the expiry is queued at once and wins over the body's
/// resumption; a body that never awaits leaves in time.
#[test]
fn case_487_timeout_zero_sleep0() {
    assert_matches_cpython("487_timeout_zero_sleep0", async {
        let scope = timeout(secs(0.0), async {
            log!("body starts");
            yield_now().await;
            log!("after sleep0");
            yield_now().await;
            log!("after second sleep0");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out expired={}", py_bool(cm.expired()));
        }
        let r = timeout(secs(0.0), async { log!("second body, no await") }).await;
        match r {
            Ok(()) => log!("second body left in time"),
            Err(_) => log!("second timed out"),
        }
    });
}

/// gather(return_exceptions=True) over a task cancelled before its first step and one
/// raising in its first step lists both; the first failure of a plain gather.
#[test]
fn case_489_gather_cancelled_before_start_and_raising() {
    async fn val(v: u32) -> Result<u32, &'static str> {
        yield_now().await;
        Ok(v)
    }
    assert_matches_cpython("489_gather_cancelled_before_start_and_raising", async {
        let a = spawn(val(1));
        let b = spawn(val(2));
        let c = spawn(async { Err("k") });
        b.cancel();
        let res = gather_all_tasks(vec![a, b, c]).await;
        let shown = res.iter().map(|r| match r {
            Ok(Ok(v)) => v.to_string(),
            Err(JoinError::Cancelled { .. }) => "'CancelledError'".into(),
            Ok(Err(_)) => "'KeyError'".into(),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(shown));
        match simloop::try_gather_tasks(vec![spawn(val(3)), spawn(async { Err("k") })]).await {
            Err(simloop::GatherError::Failed(e)) => log!("first failure KeyError('{e}')"),
            other => panic!("{other:?}"),
        }
        yield_now().await;
        log!("end");
    });
}

/// A task queued by its own sleep(0) is cancelled before its turn: it sees the
/// cancellation at that turn; one that already ended refuses cancel().
#[test]
fn case_496_cancel_task_queued_after_sleep0() {
    async fn looper(name: &'static str, n: u32) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        for i in 0..n {
            log!("{name} step {i}");
            yield_now().await;
        }
        cancelled.disarm();
        log!("{name} ends");
    }
    assert_matches_cpython("496_cancel_task_queued_after_sleep0", async {
        let a = spawn(looper("a", 3));
        let b = spawn(looper("b", 1));
        yield_now().await;
        a.cancel();
        log!("a cancel requested");
        yield_now().await;
        log!(
            "b done={} cancel -> {}",
            py_bool(b.is_finished()),
            py_bool(b.cancel())
        );
        let r = gather_all_tasks(vec![a, b]).await;
        let kinds = r.iter().map(|x| match x {
            Err(JoinError::Cancelled { .. }) => "'CancelledError'",
            Ok(()) => "'NoneType'",
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(kinds));
    });
}

/// wait_for inside wait_for, the inner deadline first: the inner TimeoutError is caught
/// inside and the outer never fires; with tied deadlines the caller times out.
#[test]
fn case_498_wait_for_nested_expiry_inner_first() {
    assert_matches_cpython("498_wait_for_nested_expiry_inner_first", async {
        let inner = async {
            if wait_for(secs(0.25), sleep(secs(1.0))).await.is_err() {
                log!("inner timed out");
            }
            sleep(secs(0.25)).await;
            "inner done"
        };
        let r = wait_for(secs(1.0), inner).await.unwrap();
        log!("got {r}");
        let nested = wait_for(secs(0.5), wait_for(secs(0.5), sleep(secs(1.0))));
        if !matches!(nested.await, Ok(Ok(()))) {
            log!("tied deadlines: timed out");
        }
    });
}

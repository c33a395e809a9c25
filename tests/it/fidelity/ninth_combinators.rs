//! The ninth round, cancellation, timeouts and combinators (cases 621-632, and 783):
//! `reschedule()` refused after a timeout ended, `wait_for`'s caller cancelled from outside,
//! a nested gather failing inside `return_exceptions`, a TaskGroup child cancelled directly,
//! `wait_for(acquire())` retried, `as_completed` with a zero timeout or a task listed twice
//! (783: with a timeout too), a shield over a task cancelled elsewhere, a task cancelling
//! itself, `wait()` over finished tasks, `call_at` in the past, and an expiry tied with an
//! outside cancel.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use futures::StreamExt;
use simloop::task::{self, call_at, call_later, call_soon};
use simloop::{
    GatherError, ReturnWhen, Semaphore, TaskGroup, as_completed, gather_all, gather_all_tasks, log,
    now, shield_task, sleep, spawn, timeout_scope, try_gather_tasks, wait, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// `reschedule()` of a timeout that expired or that exited normally is refused (asyncio's
/// RuntimeError); `when()` keeps its last deadline.
#[test]
fn case_621_timeout_reschedule_after_exit_refused() {
    assert_matches_cpython("621_timeout_reschedule_after_exit_refused", async {
        let scope = timeout_scope(Some(now() + secs(0.125)), |_| sleep(secs(1.0)));
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("expired={}", py_bool(cm.expired()));
        }
        match cm.reschedule(Some(now() + secs(1.0))) {
            Ok(()) => log!("moved"),
            Err(_) => log!("reschedule refused when={}", cm.deadline().unwrap()),
        }
        let scope = timeout_scope(Some(now() + secs(0.5)), |_| sleep(secs(0.125)));
        let cm2 = scope.handle();
        scope.await.unwrap();
        match cm2.reschedule(None) {
            Ok(()) => log!("disarmed"),
            Err(_) => log!(
                "second refused expired={} when={}",
                py_bool(cm2.expired()),
                cm2.deadline().unwrap()
            ),
        }
    });
}

/// The caller of `wait_for(coroutine)` cancelled from outside: the inner work sees the
/// cancellation first, then the caller gets CancelledError, not TimeoutError.
#[test]
fn case_622_wait_for_caller_cancelled_inner_cleanup() {
    async fn inner() {
        let cancelled = OnDrop::new("inner cancelled");
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    async fn caller() {
        let cancelled = OnDrop::new("caller cancelled");
        if wait_for(secs(0.5), inner()).await.is_err() {
            log!("caller timed out");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("622_wait_for_caller_cancelled_inner_cleanup", async {
        let c = spawn(caller()).share();
        sleep(secs(0.125)).await;
        c.cancel();
        yield_now().await;
        log!("c done={}", py_bool(c.done()));
        if c.clone().await.is_err() {
            log!("c cancelled={}", py_bool(c.cancelled()));
        }
    });
}

type Boxed = Pin<Box<dyn Future<Output = Result<String, String>>>>;

/// `gather(gather(a, bad), c, return_exceptions=True)`: the inner gather fails at bad's
/// failure and the outer lists that error; `a` keeps running, c's result is listed when it
/// ends.
#[test]
fn case_623_gather_nested_return_exceptions() {
    async fn ok(name: &'static str, d: f64) -> Result<String, String> {
        sleep(secs(d)).await;
        log!("{name} done");
        Ok(name.to_string())
    }
    async fn bad() -> Result<String, String> {
        sleep(secs(0.125)).await;
        log!("bad raises");
        Err("ValueError('bad')".to_string())
    }
    assert_matches_cpython("623_gather_nested_return_exceptions", async {
        let a = spawn(ok("a", 0.5)).share();
        let inner = try_gather_tasks(vec![a.clone(), spawn(bad()).share()]);
        let inner: Boxed = Box::pin(async move {
            match inner.await {
                Ok(v) => Ok(format!("{v:?}")),
                Err(GatherError::Failed(error)) => Err(error),
                Err(other) => panic!("{other:?}"),
            }
        });
        let outer: Vec<Boxed> = vec![inner, Box::pin(ok("c", 0.25))];
        let res = gather_all(outer).await;
        let items = res.into_iter().map(|r| match r.unwrap() {
            Ok(v) => format!("'{v}'"),
            Err(e) => format!("\"{e}\""),
        });
        log!("res {} a done={}", py_list(items), py_bool(a.done()));
        log!("a {}", a.await.unwrap().unwrap());
    });
}

/// A TaskGroup child cancelled directly (not by the group) does not abort the group: its
/// siblings run on and the group ends normally.
#[test]
fn case_624_group_child_cancelled_directly() {
    async fn child(name: &'static str, d: f64) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("624_group_child_cancelled_directly", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let a = tg.spawn(child("a", 0.5)).unwrap().abort_handle();
        let b = tg.spawn(child("b", 0.25)).unwrap().abort_handle();
        let ac = a;
        tg.scope(async move {
            sleep(secs(0.125)).await;
            ac.cancel();
            log!("a cancel requested");
            Ok(())
        })
        .await
        .unwrap();
        log!(
            "group done a cancelled={} b done={}",
            py_bool(a.cancelled()),
            py_bool(b.is_finished())
        );
    });
}

/// Workers retry `wait_for(sem.acquire(), 0.125)` until they get the permit; each expiry
/// leaves the line and the retry rejoins at its back.
#[test]
fn case_625_semaphore_wait_for_retry_loop() {
    async fn holder(sem: Rc<Semaphore>) {
        {
            let _p = sem.acquire().await;
            log!("holder in");
            sleep(secs(0.3125)).await;
        }
        log!("holder out");
    }
    async fn worker(sem: Rc<Semaphore>, name: String) {
        let mut tries = 0;
        loop {
            tries += 1;
            match wait_for(secs(0.125), sem.acquire()).await {
                Ok(p) => {
                    p.forget();
                    break;
                }
                Err(_) => log!("{name} try {tries} timed out"),
            }
        }
        log!("{name} in after {tries}");
        sleep(secs(0.0625)).await;
        sem.release();
    }
    assert_matches_cpython("625_semaphore_wait_for_retry_loop", async {
        let sem = Rc::new(Semaphore::new(1));
        let h = spawn(holder(sem.clone()));
        yield_now().await;
        let mut ts = vec![h];
        for i in 0..2 {
            ts.push(spawn(worker(sem.clone(), format!("w{i}"))));
        }
        simloop::gather_tasks(ts).await.unwrap();
        log!("end value={}", sem.value());
    });
}

async fn work(name: &'static str, d: f64) -> &'static str {
    sleep(secs(d)).await;
    log!("{name} done");
    name
}

/// `as_completed` with `timeout=0`: a task already done is yielded first, then
/// TimeoutError for the rest, which run on.
#[test]
fn case_626_as_completed_timeout_zero_done_first() {
    assert_matches_cpython("626_as_completed_timeout_zero_done_first", async {
        let a = spawn(work("a", 0.0)).share();
        let b = spawn(work("b", 0.125)).share();
        yield_now().await;
        yield_now().await;
        log!("a done={}", py_bool(a.done()));
        let mut stream = as_completed(vec![b.clone(), a.clone()], Some(Duration::ZERO));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => log!("got {}", v.unwrap()),
                Err(_) => {
                    log!("timed out");
                    break;
                }
            }
        }
        drop(stream);
        log!("b {}", b.await.unwrap());
    });
}

/// `shield(t)` does not protect its awaiter from t's own cancellation: t cancelled by
/// another task makes the shield raise CancelledError.
#[test]
fn case_627_shield_of_task_cancelled_elsewhere() {
    assert_matches_cpython("627_shield_of_task_cancelled_elsewhere", async {
        let t = spawn(async {
            let cancelled = OnDrop::new("work cancelled");
            sleep(secs(1.0)).await;
            cancelled.disarm();
        })
        .share();
        let shielded = t.clone();
        let w = spawn(async move {
            let seen = shielded.clone();
            if shield_task(shielded).await.is_err() {
                log!(
                    "awaiter got CancelledError t cancelled={}",
                    py_bool(seen.cancelled())
                );
            }
        })
        .share();
        sleep(secs(0.125)).await;
        t.cancel();
        w.clone().await.unwrap();
        log!("w cancelled={}", py_bool(w.cancelled()));
    });
}

/// A task that cancels itself runs on until its next suspension, where the cancellation
/// arrives; `cancelling()` reads 1 before it.
#[test]
fn case_628_task_cancels_itself() {
    async fn selfish() {
        task::cancel(task::current());
        log!("requested cancelling={}", task::cancelling());
        let cancelled = OnDrop::new("cancelled at the yield");
        yield_now().await;
        cancelled.disarm();
        log!("not reached");
    }
    assert_matches_cpython("628_task_cancels_itself", async {
        let t = spawn(selfish()).share();
        let o = spawn(async { log!("other runs") });
        let rt = t.clone();
        gather_all_tasks(vec![
            futures::future::Either::Left(t),
            futures::future::Either::Right(o),
        ])
        .await;
        log!("t cancelled={}", py_bool(rt.cancelled()));
    });
}

/// `wait()` over tasks that are all done still suspends: their callbacks resolve it one
/// pass later; a ticker runs in between.
#[test]
fn case_629_wait_over_done_tasks_yields() {
    async fn ticker() {
        for i in 0..3 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("629_wait_over_done_tasks_yields", async {
        let a = spawn(yield_now()).share();
        let b = spawn(yield_now()).share();
        simloop::gather_tasks(vec![a.clone(), b.clone()])
            .await
            .unwrap();
        let k = spawn(ticker());
        let (done, pending) =
            wait(vec![a.clone(), b.clone()], ReturnWhen::AllCompleted, None).await;
        log!("wait done={} pending={}", done.len(), pending.len());
        let (done, _) = wait(vec![a, b], ReturnWhen::FirstCompleted, None).await;
        log!("first done={}", done.len());
        k.await.unwrap();
    });
}

/// `call_at` with a deadline already past runs on the next pass behind the `call_soon`
/// callbacks queued now, in deadline order among the timers due.
#[test]
fn case_630_call_at_in_past_order() {
    assert_matches_cpython("630_call_at_in_past_order", async {
        sleep(secs(0.25)).await;
        let t0 = now();
        call_at(t0, || log!("at now"));
        call_at(t0 - secs(0.125), || log!("at past"));
        call_soon(|| log!("soon"));
        let t = spawn(yield_now());
        yield_now().await;
        log!("main after one yield");
        yield_now().await;
        log!("main after two yields");
        t.await.unwrap();
    });
}

/// A timeout expiring at the instant its task is cancelled from outside (the cancel armed
/// first): the cancellation propagates, not TimeoutError; `expired()` is true.
#[test]
fn case_631_timeout_expiry_tied_with_outside_cancel() {
    async fn body() {
        let scope = timeout_scope(Some(now() + secs(0.25)), |_| sleep(secs(1.0)));
        let cm = scope.handle();
        let cancelled = Finally::new(move || {
            log!("body cancelled expired={}", py_bool(cm.expired()));
        });
        if scope.await.is_err() {
            log!("body timed out");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("631_timeout_expiry_tied_with_outside_cancel", async {
        let t = spawn(body()).share();
        let c = t.clone();
        call_later(secs(0.25), move || {
            c.cancel();
        });
        if t.clone().await.is_err() {
            log!("t cancelled={}", py_bool(t.cancelled()));
        }
    });
}

/// `as_completed` takes a set: a task listed twice is yielded once.
#[test]
fn case_632_as_completed_duplicates() {
    async fn quiet(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        name
    }
    assert_matches_cpython("632_as_completed_duplicates", async {
        let a = spawn(quiet("a", 0.25)).share();
        let b = spawn(quiet("b", 0.125)).share();
        let mut n = 0;
        let mut stream = as_completed(vec![a.clone(), b, a], None);
        while let Some(r) = stream.next().await {
            n += 1;
            log!("got {}", r.unwrap().unwrap());
        }
        log!("yielded {n}");
    });
}

/// `as_completed` takes a set, with a timeout too: over `[a, a, b, c, c]` each task is
/// yielded once and `c`, left running, raises `TimeoutError` once (three items); over
/// `[c, c]` with `c` done, one item (case 783).
#[test]
fn case_783_as_completed_duplicates_timeout() {
    async fn job(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} ready");
        name
    }
    assert_matches_cpython("783_as_completed_duplicates_timeout", async {
        let a = spawn(job("a", 0.25)).share();
        let b = spawn(job("b", 0.125)).share();
        let c = spawn(job("c", 0.5)).share();
        let listed = vec![a.clone(), a, b, c.clone(), c.clone()];
        let mut n = 0;
        let mut stream = as_completed(listed, Some(secs(0.375)));
        while let Some(r) = stream.next().await {
            n += 1;
            match r {
                Ok(v) => log!("got {}", v.unwrap()),
                Err(_) => log!("TimeoutError"),
            }
        }
        log!("yielded {n}");
        log!("c after timeout: {}", c.clone().await.unwrap());
        let mut n = 0;
        let mut stream = as_completed(vec![c.clone(), c], None);
        while let Some(r) = stream.next().await {
            n += 1;
            log!("done again {}", r.unwrap().unwrap());
        }
        log!("yielded {n}");
    });
}

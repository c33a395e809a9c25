//! Corners of the combinators (cases 316-320, 325, 330, 337-339, 344, 345, 347, 348, 352,
//! 356, 358 and 359): timeouts moved from inside, shields under wait_for, equal deadlines,
//! gather with cancellations, wait and as_completed over finished tasks and at their
//! timeouts.

use std::time::Duration;

use futures::StreamExt;
use simloop::{
    GatherError, JoinError, ReturnWhen, Task, as_completed, gather_all, gather_all_tasks, log, now,
    shield_task, sleep, spawn, timeout, timeout_at, timeout_scope, try_gather, try_wait, wait,
    wait_for, wait_for_task, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// asyncio.timeout's when() and reschedule() from inside the body (later, to no deadline,
/// then nearer); expired() after it fires, and after a body that finished in time.
#[test]
fn case_316_timeout_when_reschedule() {
    assert_matches_cpython("316_timeout_when_reschedule", async {
        let scope = timeout_scope(Some(now() + secs(1.0)), |cm| async move {
            let when = cm.deadline().unwrap() - now();
            log!("when={:?}", when.as_secs_f64());
            sleep(secs(0.5)).await;
            cm.reschedule(Some(now() + secs(1.0))).unwrap();
            log!("moved to +1, expired={}", py_bool(cm.expired()));
            sleep(secs(0.75)).await;
            log!("still inside");
            cm.reschedule(None).unwrap();
            sleep(secs(2.0)).await;
            log!("no deadline, slept 2");
            cm.reschedule(Some(now() + secs(0.25))).unwrap();
            sleep(secs(1.0)).await;
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out, expired={}", py_bool(cm.expired()));
        }
        let scope = timeout(secs(2.0), sleep(secs(1.0)));
        let cm2 = scope.handle();
        scope.await.unwrap();
        log!("finished in time, expired={}", py_bool(cm2.expired()));
    });
}

async fn save(name: &'static str, delay: f64) -> String {
    log!("{name} saving");
    sleep(secs(delay)).await;
    log!("{name} saved");
    name.to_uppercase()
}

/// wait_for over a shielded task times out; the task runs on and is awaited later.
#[test]
fn case_317_wait_for_shielded_task() {
    assert_matches_cpython("317_wait_for_shielded_task", async {
        let t = spawn(save("doc", 2.0)).share();
        if wait_for(secs(1.0), shield_task(t.clone())).await.is_err() {
            log!(
                "timed out, task done={} cancelled={}",
                py_bool(t.done()),
                py_bool(t.cancelled())
            );
        }
        log!("later: {}", t.clone().await.unwrap());
        let u = spawn(save("fast", 0.5)).share();
        let r = wait_for(secs(1.0), shield_task(u)).await.unwrap().unwrap();
        log!("in time: {r}");
    });
}

/// as_completed over tasks with equal deadlines yields them in the order they finish
/// (arming order).
#[test]
fn case_318_as_completed_equal_deadlines() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} finished");
        name
    }
    assert_matches_cpython("318_as_completed_equal_deadlines", async {
        let ts: Vec<_> = [("a", 1.0), ("b", 0.5), ("c", 1.0), ("d", 0.5)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)))
            .collect();
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            log!("as_completed gave {}", r.unwrap().unwrap());
        }
    });
}

async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, &'static str> {
    sleep(secs(delay)).await;
    if fail {
        log!("{name} fails");
        return Err(name);
    }
    log!("{name} done");
    Ok(name)
}

/// gather(return_exceptions=True) with one child cancelled from outside and one failing:
/// both listed, the others' results kept.
#[test]
fn case_319_gather_return_exceptions_mixed() {
    async fn quiet(
        name: &'static str,
        delay: f64,
        fail: bool,
    ) -> Result<&'static str, &'static str> {
        sleep(secs(delay)).await;
        if fail {
            return Err(name);
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("319_gather_return_exceptions_mixed", async {
        let ts = vec![
            spawn(quiet("a", 1.0, false)),
            spawn(quiet("b", 2.0, false)),
            spawn(quiet("c", 0.5, true)),
        ];
        let b = ts[1].abort_handle();
        simloop::task::call_later(secs(1.5), move || {
            b.cancel();
        });
        let mut all = ts;
        all.push(spawn(quiet("d", 0.25, false)));
        let shown = gather_all_tasks(all).await.into_iter().map(|r| match r {
            Ok(Ok(v)) => format!("'{v}'"),
            Ok(Err(e)) => format!("ValueError('{e}')"),
            Err(JoinError::Cancelled { .. }) => "CancelledError('')".to_string(),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(shown));
    });
}

/// Cancelling a gather(return_exceptions=True) itself cancels its unfinished children; its
/// awaiter gets CancelledError (simloop's `GatherAll` keeps its list: the cancellations
/// are read there).
#[test]
fn case_320_gather_return_exceptions_cancelled_outer() {
    async fn leaf(name: &'static str, delay: f64) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        cancelled.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("320_gather_return_exceptions_cancelled_outer", async {
        let g = gather_all([leaf("a", 0.5), leaf("b", 2.0), leaf("c", 3.0)]);
        sleep(secs(1.0)).await;
        log!("cancel -> {}", py_bool(g.cancel()));
        let r = g.await;
        if r.iter()
            .any(|e| e.as_ref().is_err_and(JoinError::is_cancelled))
        {
            log!("gather raised CancelledError");
        }
    });
}

/// The names a list of done tasks returned, sorted, as Python prints a list of strings
/// (asyncio's `wait` returns sets, whose order the programs sort).
fn names(done: &[Task<&'static str>]) -> String {
    let mut names: Vec<String> = done
        .iter()
        .map(|t| format!("'{}'", t.result().unwrap().unwrap()))
        .collect();
    names.sort();
    py_list(names)
}

/// wait(timeout=0) returns after one pass with what finished in it; the tasks keep running.
#[test]
fn case_325_wait_timeout_zero() {
    async fn slow(name: &'static str, delay: f64) -> &'static str {
        log!("{name} starts");
        sleep(secs(delay)).await;
        log!("{name} ends");
        name
    }
    async fn quick(name: &'static str) -> &'static str {
        log!("{name} returns at once");
        name
    }
    assert_matches_cpython("325_wait_timeout_zero", async {
        let ts = vec![
            spawn(quick("q")).share(),
            spawn(slow("z", 0.0)).share(),
            spawn(slow("s", 1.0)).share(),
        ];
        let zero = Some(Duration::ZERO);
        let (done, pending) = wait(ts, ReturnWhen::AllCompleted, zero).await;
        log!("done {} pending {}", names(&done), pending.len());
        let (done, pending) = wait(pending, ReturnWhen::AllCompleted, zero).await;
        log!("again: done {} pending {}", done.len(), pending.len());
        gather_all_tasks(pending).await;
    });
}

/// wait(FIRST_COMPLETED) when two tasks end in the same pass returns both as done.
#[test]
fn case_330_wait_first_completed_same_pass() {
    async fn finisher(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} finished");
        name
    }
    assert_matches_cpython("330_wait_first_completed_same_pass", async {
        let ts: Vec<_> = [("a", 1.0), ("b", 1.0), ("c", 2.0)]
            .into_iter()
            .map(|(n, d)| spawn(finisher(n, d)).share())
            .collect();
        let (done, pending) = wait(ts, ReturnWhen::FirstCompleted, None).await;
        log!("done {} pending {}", names(&done), pending.len());
        let (done, pending) = wait(pending, ReturnWhen::AllCompleted, Some(secs(0.5))).await;
        log!("after 0.5: done {} pending {}", done.len(), pending.len());
        let (done, _) = wait(pending, ReturnWhen::AllCompleted, None).await;
        log!("all: done {}", names(&done));
    });
}

/// wait_for and timeout() over a task cancel it at the deadline; the task's done() and
/// cancelled() are True when the caller resumes.
#[test]
fn case_337_wait_for_task_cancelled_state() {
    async fn slow() {
        let cancelled = OnDrop::new("slow cancelled");
        sleep(secs(3.0)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("337_wait_for_task_cancelled_state", async {
        let mut t = spawn(slow());
        if wait_for_task(secs(1.0), &mut t).await.is_err() {
            log!(
                "timeout: done={} cancelled={}",
                py_bool(t.is_finished()),
                py_bool(t.cancelled())
            );
        }
        let mut u = spawn(slow());
        if timeout(secs(1.0), &mut u).await.is_err() {
            log!(
                "timeout(): done={} cancelled={}",
                py_bool(u.is_finished()),
                py_bool(u.cancelled())
            );
        }
    });
}

/// wait_for deadlines tied with other tasks' sleeps fire in arming order (the `.fifo.out`
/// trace; CPython's heap pops these four out of order).
#[test]
fn case_338_wait_for_tied_with_sleeps() {
    async fn sleeper(name: &'static str, d: f64) {
        sleep(secs(d)).await;
        log!("{name} woke");
    }
    async fn guarded(name: &'static str, d: f64) {
        if wait_for(secs(d), sleep(secs(5.0))).await.is_err() {
            log!("{name} timed out");
        }
    }
    assert_matches_cpython("338_wait_for_tied_with_sleeps.fifo", async {
        let ts = vec![
            spawn(async { sleeper("s1", 1.0).await }),
            spawn(async { guarded("g1", 1.0).await }),
            spawn(async { sleeper("s2", 1.0).await }),
            spawn(async { guarded("g2", 1.0).await }),
        ];
        gather_all_tasks(ts).await;
    });
}

/// gather of coroutines raises its first failure while the siblings still run; they
/// finish later, unwatched.
#[test]
fn case_339_gather_failure_siblings_run_on() {
    assert_matches_cpython("339_gather_failure_siblings_run_on", async {
        let r = try_gather([
            job("a", 1.0, false),
            job("b", 0.5, true),
            job("c", 1.5, false),
        ])
        .await;
        if let Err(GatherError::Failed(e)) = r {
            log!("gather raised {e}");
        }
        sleep(secs(2.0)).await;
        log!("main after 2");
    });
}

/// timeout(0) and timeout_at(now): a body that never suspends finishes; one that yields
/// once times out.
#[test]
fn case_344_timeout_zero_body() {
    assert_matches_cpython("344_timeout_zero_body", async {
        let cm = timeout(Duration::ZERO, async { log!("no await inside") });
        let handle = cm.handle();
        cm.await.unwrap();
        log!("first exited, expired={}", py_bool(handle.expired()));
        let r = timeout(Duration::ZERO, async {
            log!("before sleep(0)");
            yield_now().await;
            log!("never");
        })
        .await;
        if r.is_err() {
            log!("sleep(0) timed out");
        }
        if timeout_at(now(), sleep(secs(1.0))).await.is_err() {
            log!("timeout_at(now) timed out");
        }
    });
}

/// wait(FIRST_EXCEPTION) with no failure waits for all; with a failure it returns at once,
/// and the pending tasks are cancelled by hand.
#[test]
fn case_345_wait_first_exception_none_fail() {
    fn task(
        name: &'static str,
        delay: f64,
        fail: bool,
    ) -> Task<Result<&'static str, &'static str>> {
        spawn(job(name, delay, fail)).share()
    }
    assert_matches_cpython("345_wait_first_exception_none_fail", async {
        let ts = vec![task("a", 0.5, false), task("b", 1.0, false)];
        let (done, pending) = try_wait(ts, ReturnWhen::FirstException, None).await;
        log!("no failure: done {} pending {}", done.len(), pending.len());
        let ts = vec![
            task("c", 1.0, false),
            task("d", 0.5, true),
            task("e", 2.0, false),
        ];
        let (done, pending) = try_wait(ts.clone(), ReturnWhen::FirstException, None).await;
        log!("failure: done {} pending {}", done.len(), pending.len());
        for t in &pending {
            t.cancel();
        }
        wait(pending, ReturnWhen::AllCompleted, None).await;
        log!(
            "c cancelled={} e cancelled={}",
            py_bool(ts[0].cancelled()),
            py_bool(ts[2].cancelled())
        );
    });
}

/// The task awaiting a shield is cancelled twice; the shielded task finishes and its result
/// is read afterwards.
#[test]
fn case_347_shield_caller_cancelled() {
    async fn work() -> u32 {
        sleep(secs(2.0)).await;
        log!("work finished");
        42
    }
    async fn caller(t: Task<u32>) -> Result<u32, JoinError> {
        let seen = t.clone();
        let cancelled = Finally::new(move || {
            log!("caller cancelled, work done={}", py_bool(seen.done()));
        });
        let r = shield_task(t).await;
        cancelled.disarm();
        r
    }
    assert_matches_cpython("347_shield_caller_cancelled", async {
        let t = spawn(work()).share();
        let c = spawn(caller(t.clone())).share();
        sleep(secs(1.0)).await;
        c.cancel();
        c.cancel();
        gather_all_tasks(vec![c.clone()]).await;
        log!(
            "caller cancelled={}, work result {}",
            py_bool(c.cancelled()),
            t.await.unwrap()
        );
    });
}

/// Nested wait_for with the same deadline: the outer one (armed first) fires first and
/// raises; with a later outer deadline the inner one's TimeoutError is handled inside.
#[test]
fn case_348_nested_wait_for_same_deadline() {
    async fn inner() -> &'static str {
        if wait_for(secs(1.0), sleep(secs(5.0))).await.is_err() {
            log!("inner timed out");
        }
        "inner"
    }
    assert_matches_cpython("348_nested_wait_for_same_deadline", async {
        match wait_for(secs(1.0), inner()).await {
            Ok(r) => log!("outer got {r}"),
            Err(_) => log!("outer timed out"),
        }
        match wait_for(secs(1.5), inner()).await {
            Ok(r) => log!("outer got {r}"),
            Err(_) => log!("never"),
        }
    });
}

/// wait() and as_completed() over tasks that already finished still yield: their
/// done-callbacks take a slot each, then the caller's wake; a ticker counts the slots.
#[test]
fn case_352_wait_over_finished_tasks() {
    async fn ticker(n: u32) {
        for i in 0..n {
            log!("tick {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("352_wait_over_finished_tasks", async {
        let ts: Vec<Task<u32>> = (0..2).map(|i| spawn(async move { i }).share()).collect();
        yield_now().await;
        let t = spawn(ticker(6));
        yield_now().await;
        log!("wait over finished tasks");
        let (done, _) = wait(ts.clone(), ReturnWhen::AllCompleted, None).await;
        log!("wait returned {} done", done.len());
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            log!("as_completed gave {}", r.unwrap().unwrap());
        }
        log!("as_completed over");
        t.await.unwrap();
    });
}

/// wait() and as_completed() timeouts tied with task completions: a task whose timer was
/// armed before the timeout's counts as done, one armed after does not.
#[test]
fn case_356_wait_timeout_ties() {
    async fn finisher(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} finished");
        name
    }
    assert_matches_cpython("356_wait_timeout_ties", async {
        let early = spawn(finisher("early", 1.0)).share();
        let (done, pending) = wait(vec![early], ReturnWhen::AllCompleted, Some(secs(1.0))).await;
        log!("wait: done {} pending {}", done.len(), pending.len());
        let x = spawn(finisher("x", 0.5)).share();
        yield_now().await;
        let y = spawn(finisher("y", 0.5)).share();
        let mut stream = as_completed(vec![x.clone(), y.clone()], Some(secs(0.5)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => log!("as_completed gave {}", v.unwrap()),
                Err(_) => {
                    log!("as_completed timed out");
                    break;
                }
            }
        }
        gather_all_tasks(vec![x, y]).await;
        let t = spawn(finisher("tie", 1.0)).share();
        yield_now().await;
        let (done, pending) = wait(vec![t], ReturnWhen::AllCompleted, Some(secs(1.0))).await;
        log!("armed later: done {} pending {}", done.len(), pending.len());
    });
}

/// A timeout over a gather whose child fails exactly at the deadline: the timeout, armed
/// first, wins and the failure is not seen; `wait_for` over a gather whose last child ties
/// with it cancels that child.
#[test]
fn case_358_timeout_vs_gather_failure_tie() {
    async fn step(
        name: &'static str,
        delay: f64,
        fail: bool,
    ) -> Result<&'static str, &'static str> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        cancelled.disarm();
        if fail {
            log!("{name} fails");
            return Err(name);
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("358_timeout_vs_gather_failure_tie", async {
        let r = timeout(
            secs(1.0),
            try_gather([step("a", 1.0, true), step("b", 2.0, false)]),
        )
        .await;
        match r {
            Err(_) => log!("timed out"),
            Ok(Err(GatherError::Failed(e))) => log!("ValueError {e}"),
            Ok(other) => log!("never {other:?}"),
        }
        let r = wait_for(
            secs(1.0),
            try_gather([step("c", 0.5, false), step("d", 1.0, false)]),
        )
        .await;
        match r {
            Ok(Ok(v)) => log!("gather gave {v:?}"),
            Ok(Err(e)) => log!("never {e:?}"),
            Err(_) => log!("wait_for timed out"),
        }
    });
}

/// as_completed when two tasks end in the same pass, one failing: both come out in
/// completion order, the failure raised by its await.
#[test]
fn case_359_as_completed_same_pass_failure() {
    assert_matches_cpython("359_as_completed_same_pass_failure", async {
        let ts: Vec<Task<_>> = [("ok", 1.0, false), ("bad", 1.0, true), ("late", 2.0, false)]
            .into_iter()
            .map(|(n, d, f)| {
                spawn(async move {
                    sleep(secs(d)).await;
                    if f { Err(n) } else { Ok(n) }
                })
                .share()
            })
            .collect();
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("got {v}"),
                Err(e) => log!("failed {e}"),
            }
        }
    });
}

//! The fifth round, combinators and groups (cases 426-430, 433, 434, 438-440): a TaskGroup
//! child cancelled alone, nested gathers with return_exceptions, wait over finished tasks
//! and same-pass ends, shield under wait_for then the task awaited, tasks cancelled before
//! they start inside gather, wait_for(0) on a free lock, a gather of semaphore waiters
//! cancelled, spawns refused while a group aborts, as_completed with failures, wait
//! counting a cancelled task.

use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::{Lock, Semaphore};
use simloop::task::call_later;
use simloop::{
    ChildFailure, GatherError, JoinError, ReturnWhen, SpawnError, TaskGroup, as_completed,
    gather_all, gather_all_tasks, log, sleep, spawn, try_gather, try_gather_tasks, wait, wait_for,
    wait_for_task, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// A TaskGroup child cancelled from outside ends cancelled without aborting the group.
#[test]
fn case_426_group_child_cancelled_alone() {
    async fn child(name: &'static str, d: f64) -> Result<(), ()> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("426_group_child_cancelled_alone", async {
        let tg = TaskGroup::new();
        let a = tg.spawn(child("a", 1.0)).unwrap().share();
        let b = tg.spawn(child("b", 2.0)).unwrap().share();
        tg.spawn(child("c", 1.5)).map(drop).unwrap();
        sleep(secs(0.5)).await;
        b.cancel();
        log!("body ends");
        tg.join().await.unwrap();
        log!(
            "group done, b cancelled={} a done={}",
            py_bool(b.cancelled()),
            py_bool(a.done())
        );
    });
}

async fn job(name: &'static str, d: f64, fail: bool) -> Result<&'static str, &'static str> {
    sleep(secs(d)).await;
    if fail {
        log!("{name} fails");
        return Err(name);
    }
    log!("{name} done");
    Ok(name)
}

/// An inner gather failing is one failure of an outer gather(return_exceptions=True); the
/// inner's other child runs on.
#[test]
fn case_427_gather_nested_return_exceptions() {
    assert_matches_cpython("427_gather_nested_return_exceptions", async {
        let inner = async {
            try_gather([job("i1", 1.0, true), job("i2", 2.0, false)])
                .await
                .map(|_| "inner")
                .map_err(|e| match e {
                    GatherError::Failed(n) => n,
                    GatherError::Join(e) => panic!("{e}"),
                })
        };
        let outer = gather_all([
            Box::pin(inner) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
            Box::pin(job("o1", 1.5, false)),
        ])
        .await;
        let shown = outer.into_iter().map(|r| match r.unwrap() {
            Ok(v) | Err(v) => format!("'{v}'"),
        });
        log!("outer {}", py_list(shown));
        sleep(secs(1.0)).await;
        log!("end");
    });
}

async fn spin(name: &'static str, spins: u32) -> &'static str {
    for _ in 0..spins {
        yield_now().await;
    }
    log!("{name} ends");
    name
}

/// wait(FIRST_COMPLETED) over a finished task returns at once; over tasks ending in one
/// pass, every task that ended before the caller's turn is done.
#[test]
fn case_428_wait_first_completed_done_and_sleep0() {
    assert_matches_cpython("428_wait_first_completed_done_and_sleep0", async {
        let f = spawn(spin("f", 0)).share();
        yield_now().await;
        let s = spawn(spin("s", 5)).share();
        let (done, pending) = wait(vec![f, s.clone()], ReturnWhen::FirstCompleted, None).await;
        log!("done={} pending={}", done.len(), pending.len());
        let ts: Vec<_> = [("a", 1), ("b", 1), ("c", 3)]
            .into_iter()
            .map(|(n, k)| spawn(spin(n, k)).share())
            .collect();
        let (done, mut pending) = wait(ts, ReturnWhen::FirstCompleted, None).await;
        let mut names: Vec<&str> = done.iter().map(|t| t.result().unwrap().unwrap()).collect();
        names.sort();
        log!(
            "done={} pending={}",
            py_list(names.iter().map(|n| format!("'{n}'"))),
            pending.len()
        );
        pending.push(s);
        wait(pending, ReturnWhen::AllCompleted, None).await;
        log!("end");
    });
}

/// wait_for(shield(t)) times out and t runs on; a second wait_for on t in time returns it.
#[test]
fn case_429_shield_timeout_then_await_inner() {
    async fn work() -> u32 {
        sleep(secs(2.0)).await;
        log!("work done");
        7
    }
    assert_matches_cpython("429_shield_timeout_then_await_inner", async {
        let mut t = spawn(work()).share();
        if wait_for(secs(1.0), simloop::shield_task(t.clone()))
            .await
            .is_err()
        {
            log!("timed out, t done={}", py_bool(t.done()));
        }
        let r = wait_for_task(secs(5.0), &mut t).await.unwrap().unwrap();
        log!("got {r}");
    });
}

/// A task cancelled before its first step never runs; gather over it fails with the
/// cancellation at once, the others run on; with return_exceptions it is listed.
#[test]
fn case_430_gather_child_cancelled_before_start() {
    async fn starter(name: &'static str, d: f64) -> Result<&'static str, ()> {
        log!("{name} starts");
        sleep(secs(d)).await;
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("430_gather_child_cancelled_before_start", async {
        let a = spawn(starter("a", 1.0)).share();
        let b = spawn(starter("b", 1.0)).share();
        b.cancel();
        if let Err(GatherError::Join(JoinError::Cancelled { .. })) =
            try_gather_tasks(vec![a.clone(), b]).await
        {
            log!("gather cancelled, a done={}", py_bool(a.done()));
        }
        a.await.unwrap().unwrap();
        let c = spawn(starter("c", 1.0));
        let d = spawn(starter("d", 1.0));
        c.cancel();
        let r = gather_all_tasks(vec![c, d]).await;
        let kinds = r.iter().map(|x| match x {
            Err(JoinError::Cancelled { .. }) => "'CancelledError'",
            Ok(Ok(_)) => "'str'",
            other => panic!("{other:?}"),
        });
        log!("listed {}", py_list(kinds));
    });
}

/// wait_for(lock.acquire(), 0) never starts the acquire, even on a free lock (3.12); with a
/// positive timeout a free lock is taken without yielding.
#[test]
fn case_433_lock_acquire_wait_for_zero() {
    assert_matches_cpython("433_lock_acquire_wait_for_zero", async {
        let lock = Lock::new(());
        let _o = spawn(async { log!("other runs") });
        if wait_for(secs(0.0), lock.acquire()).await.is_err() {
            log!("timeout 0, locked={}", py_bool(lock.locked()));
        }
        let _o2 = spawn(async { log!("other runs") });
        wait_for(secs(1.0), lock.acquire()).await.unwrap();
        log!("acquired with 1, locked={}", py_bool(lock.locked()));
        yield_now().await;
        lock.release().unwrap();
    });
}

/// Cancelling a gather of semaphore waiters cancels them in argument order; the release in
/// the same pass skips them and admits the waiter outside the gather.
#[test]
fn case_434_semaphore_waiters_cancelled_by_gather() {
    async fn user(sem: Rc<Semaphore>, name: &'static str) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let _permit = sem.acquire().await;
        log!("{name} in");
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("434_semaphore_waiters_cancelled_by_gather", async {
        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let g = spawn(gather_all([user(sem.clone(), "a"), user(sem.clone(), "b")]));
        yield_now().await;
        let out = spawn(user(sem.clone(), "out"));
        yield_now().await;
        g.cancel();
        sem.release();
        log!("cancelled and released");
        if let Err(JoinError::Cancelled { .. }) = g.await {
            log!("gather cancelled");
        }
        out.await.unwrap();
        log!("end locked={}", py_bool(sem.locked()));
    });
}

/// Once a TaskGroup child failed, spawning into the group is refused while it aborts; the
/// group reports the failure after cancelling the rest.
#[test]
fn case_438_task_group_child_spawns_after_failure() {
    async fn child(name: &'static str, d: f64, fail: bool) -> Result<(), &'static str> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        if fail {
            log!("{name} fails");
            return Err(name);
        }
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("438_task_group_child_spawns_after_failure", async {
        let tg = TaskGroup::new();
        tg.spawn(child("a", 1.0, true)).map(drop).unwrap();
        let group = tg.clone();
        tg.spawn(async move {
            let _refused = super::Finally::new(move || {
                if let Err(SpawnError::ShuttingDown) = group.spawn(child("x", 1.0, false)) {
                    log!("late: create_task refused while aborting");
                }
            });
            sleep(secs(2.0)).await;
            Ok(())
        })
        .map(drop)
        .unwrap();
        let e = tg.join().await.unwrap_err();
        let names = e.failures.iter().map(|f| match f {
            ChildFailure::Error { error, .. } => format!("'{error}'"),
            other => panic!("{other:?}"),
        });
        log!("caught {}", py_list(names));
    });
}

/// as_completed over tasks failing and finishing at distinct times yields each outcome in
/// completion order; a failure does not stop the iteration.
#[test]
fn case_439_as_completed_done_and_failing() {
    async fn quiet(name: &'static str, d: f64, fail: bool) -> Result<&'static str, &'static str> {
        sleep(secs(d)).await;
        if fail { Err(name) } else { Ok(name) }
    }
    assert_matches_cpython("439_as_completed_done_and_failing", async {
        let ts = vec![
            spawn(quiet("a", 2.0, false)),
            spawn(quiet("b", 1.0, true)),
            spawn(quiet("c", 3.0, true)),
            spawn(quiet("d", 0.5, false)),
        ];
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("result {v}"),
                Err(e) => log!("failure {e}"),
            }
        }
    });
}

/// wait(ALL_COMPLETED) counts a task cancelled meanwhile (by a call_later) as done.
#[test]
fn case_440_wait_all_completed_with_cancelled() {
    assert_matches_cpython("440_wait_all_completed_with_cancelled", async {
        let ts: Vec<_> = [("a", 1.0), ("b", 2.0), ("c", 3.0)]
            .into_iter()
            .map(|(n, d)| {
                spawn(async move {
                    sleep(secs(d)).await;
                    n
                })
                .share()
            })
            .collect();
        let c = ts[2].abort_handle();
        call_later(secs(1.5), move || {
            c.cancel();
        });
        let (done, pending) = wait(ts.clone(), ReturnWhen::AllCompleted, None).await;
        log!("done={} pending={}", done.len(), pending.len());
        for (i, t) in ts.iter().enumerate() {
            log!("t{i} cancelled={}", py_bool(t.cancelled()));
        }
    });
}

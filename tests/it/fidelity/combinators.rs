//! gather, wait, as_completed, shield and TaskGroup (cases 114-117, 119, 120, 133, 134 and
//! 136, 144-147).

use futures::{FutureExt, StreamExt};
use simloop::{
    ChildFailure, GatherError, GroupError, JoinError, ReturnWhen, Task, TaskGroup, as_completed,
    gather, gather_all, gather_all_tasks, gather_tasks, log, shield, shield_task, sleep, spawn,
    spawn_named, try_gather, try_wait, wait, wait_for, yield_now,
};

use super::{assert_matches_cpython, cancel_args, py_bool, secs};
use crate::util::OnDrop;

/// gather raises the first failure when it happens and leaves the others running; with
/// return_exceptions the failures are listed in argument order.
#[test]
fn case_114_gather_mixed_sleeps_failure() {
    async fn fetch(name: &'static str, delay: f64, fail: bool) -> Result<String, String> {
        log!("{name} start");
        sleep(secs(delay)).await;
        if fail {
            log!("{name} fails");
            return Err(format!("{name} broke"));
        }
        log!("{name} done");
        Ok(name.to_uppercase())
    }
    assert_matches_cpython("114_gather_mixed_sleeps_failure", async {
        let first = try_gather([
            fetch("a", 1.5, false),
            fetch("b", 0.5, true),
            fetch("c", 1.0, false),
        ]);
        match first.await {
            Ok(r) => log!("never {r:?}"),
            Err(GatherError::Failed(e)) => log!("gather raised {e}"),
            Err(GatherError::Join(e)) => log!("never {e}"),
        }
        sleep(secs(1.5)).await;
        log!("after the stragglers");
        let all = gather_all([
            fetch("d", 0.25, false),
            fetch("e", 0.25, true),
            fetch("f", 0.0, false),
        ])
        .await;
        let shown: Vec<String> = all
            .into_iter()
            .map(|r| match r.unwrap() {
                Ok(v) => format!("'{v}'"),
                Err(e) => format!("\"RuntimeError('{e}')\""),
            })
            .collect();
        log!("results [{}]", shown.join(", "));
    });
}

/// wait(FIRST_COMPLETED) with a timeout, in a loop until nothing is pending.
#[test]
fn case_115_wait_first_completed_loop() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} finished");
        name
    }
    assert_matches_cpython("115_wait_first_completed_loop", async {
        let mut pending: Vec<_> = [("x", 2.0), ("y", 0.5), ("z", 0.5), ("w", 4.0)]
            .into_iter()
            .map(|(n, d)| spawn_named(n, job(n, d)))
            .collect();
        let mut rounds = 0;
        while !pending.is_empty() {
            let (done, still) = wait(pending, ReturnWhen::FirstCompleted, Some(secs(1.25))).await;
            pending = still;
            rounds += 1;
            let mut names: Vec<String> = done
                .iter()
                .map(|t| format!("'{}'", t.name().unwrap()))
                .collect();
            names.sort();
            log!(
                "round {rounds}: done=[{}] pending={}",
                names.join(", "),
                pending.len()
            );
        }
        log!("all finished");
    });
}

/// Regression (issue 19): wait(FIRST_EXCEPTION) took only a panic for an exception, so a
/// task returning `Err` did not end the wait; `try_wait` counts it, as asyncio counts a
/// raised exception. The rest are cancelled by hand.
#[test]
fn case_116_wait_first_exception() {
    async fn step(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        if fail {
            log!("{name} raises");
            return Err(name.to_string());
        }
        log!("{name} ok");
        Ok(name)
    }
    assert_matches_cpython("116_wait_first_exception", async {
        let ts: Vec<Task<_>> = [("p", 0.5, false), ("q", 1.0, true), ("r", 3.0, false)]
            .into_iter()
            .map(|(n, d, f)| spawn(step(n, d, f)).share())
            .collect();
        let (done, pending) = try_wait(ts.clone(), ReturnWhen::FirstException, None).await;
        log!("done={} pending={}", done.len(), pending.len());
        for t in &done {
            if let Some(Ok(Err(e))) = t.result() {
                log!("failed with KeyError('{e}')");
            }
        }
        for t in &pending {
            t.cancel();
        }
        let kinds: Vec<&str> = gather_all_tasks(ts)
            .await
            .into_iter()
            .map(|r| match r {
                Ok(Ok(_)) => "'str'",
                Ok(Err(_)) => "'KeyError'",
                Err(_) => "'CancelledError'",
            })
            .collect();
        log!("final [{}]", kinds.join(", "));
        let s = spawn(step("s", 2.0, false)).share();
        let (done, pending) = try_wait(vec![s], ReturnWhen::FirstException, Some(secs(1.0))).await;
        log!("timeout: done={} pending={}", done.len(), pending.len());
        wait(pending, ReturnWhen::AllCompleted, None).await;
        log!("end");
    });
}

/// as_completed in completion order; with a timeout, every awaitable left raises
/// TimeoutError.
#[test]
fn case_117_as_completed_timeout_each() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} ready");
        name
    }
    assert_matches_cpython("117_as_completed_timeout_each", async {
        let coros = vec![
            spawn(job("one", 1.0)),
            spawn(job("two", 0.25)),
            spawn(job("three", 0.5)),
        ];
        let mut stream = as_completed(coros, None);
        while let Some(r) = stream.next().await {
            log!("got {}", r.unwrap().unwrap());
        }
        let tasks: Vec<Task<_>> = [("slow", 4.0), ("quick", 1.0), ("slower", 5.0)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)).share())
            .collect();
        let mut stream = as_completed(tasks.clone(), Some(secs(2.0)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => log!("got {}", v.unwrap()),
                Err(_) => log!("TimeoutError"),
            }
        }
        let left = tasks.iter().filter(|t| !t.done()).count();
        log!("pending after timeout: {left}");
        for t in &tasks {
            t.cancel();
        }
        gather_all_tasks(tasks).await;
        log!("end");
    });
}

/// shield of a task whose awaiter is cancelled with a message: the task runs on.
#[test]
fn case_119_shield_cancel_message() {
    async fn commit(delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("commit written");
        "committed"
    }
    assert_matches_cpython("119_shield_cancel_message", async {
        let inner = spawn(commit(2.0)).share();
        let shielded = inner.clone();
        let mut h = spawn(async move {
            let guard = OnDrop::new("handler cancelled");
            let r = shield_task(shielded).await;
            guard.disarm();
            log!("never {}", r.unwrap());
        });
        sleep(secs(1.0)).await;
        h.cancel_with("client went away");
        if let Err(e) = (&mut h).await {
            log!("handler ended: {}", cancel_args(&e));
        }
        log!(
            "inner done={} cancelled={}",
            py_bool(inner.done()),
            py_bool(h.cancelled())
        );
        log!("inner result {}", inner.await.unwrap());
    });
}

/// Why a child of case 120's groups failed: its own error, or its nested group's.
#[derive(Debug)]
enum Failure {
    Value(&'static str),
    Group(GroupError<Failure>),
}

/// Nested task groups: the inner failure cancels the inner siblings, then the outer ones;
/// failures in the same pass are all collected.
#[test]
fn case_120_task_group_nested() {
    async fn worker(name: &'static str, delay: f64, fail: bool) -> Result<(), Failure> {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        if fail {
            log!("{name} fails");
            return Err(Failure::Value(name));
        }
        log!("{name} done");
        Ok(())
    }
    async fn inner_group() -> Result<(), Failure> {
        let tg = TaskGroup::new();
        tg.spawn(worker("i1", 1.0, false)).map(drop).unwrap();
        tg.spawn(worker("i2", 1.5, true)).map(drop).unwrap();
        tg.spawn(worker("i3", 3.0, false)).map(drop).unwrap();
        tg.join().await.map_err(Failure::Group)?;
        log!("never: inner group ended");
        Ok(())
    }
    fn errors(e: &GroupError<Failure>) -> Vec<&Failure> {
        e.failures
            .iter()
            .map(|f| match f {
                ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error,
                ChildFailure::Panicked { message, .. } => panic!("{message}"),
            })
            .collect()
    }
    assert_matches_cpython("120_task_group_nested", async {
        let tg = TaskGroup::new();
        tg.spawn(worker("o1", 0.5, false)).map(drop).unwrap();
        tg.spawn(inner_group()).map(drop).unwrap();
        tg.spawn(worker("o2", 4.0, false)).map(drop).unwrap();
        match tg.join().await {
            Ok(()) => log!("never: outer ended"),
            Err(e) => {
                let inner: Vec<String> = errors(&e)
                    .into_iter()
                    .map(|f| match f {
                        Failure::Group(g) => g.failures.len().to_string(),
                        Failure::Value(v) => panic!("unexpected {v}"),
                    })
                    .collect();
                log!(
                    "outer: {} group(s), inner: [{}]",
                    e.failures.len(),
                    inner.join(", ")
                );
            }
        }
        let tg = TaskGroup::new();
        tg.spawn(worker("a", 1.0, true)).map(drop).unwrap();
        tg.spawn(worker("b", 1.0, true)).map(drop).unwrap();
        tg.spawn(worker("c", 2.0, false)).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        let mut names: Vec<String> = errors(&e)
            .into_iter()
            .map(|f| match f {
                Failure::Value(v) => format!("'{v}'"),
                Failure::Group(_) => panic!("unexpected nested group"),
            })
            .collect();
        names.sort();
        log!("same pass: [{}]", names.join(", "));
    });
}

/// A task awaiting gather is cancelled: the gather cancels its unfinished children in
/// argument order.
#[test]
fn case_133_gather_cancelled_outside() {
    async fn part(name: &'static str, delay: f64) -> &'static str {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("133_gather_cancelled_outside", async {
        let r = spawn(async {
            let guard = OnDrop::new("runner cancelled");
            let _ = gather([part("p1", 2.0), part("p2", 0.5), part("p3", 3.0)]).await;
            guard.disarm();
        });
        sleep(secs(1.0)).await;
        r.cancel();
        let res = gather_all_tasks(vec![r]).await;
        let kind = match &res[0] {
            Ok(()) => "NoneType",
            Err(JoinError::Cancelled { .. }) => "CancelledError",
            Err(_) => "panic",
        };
        log!("runner: {kind}");
    });
}

/// Regression (issue 19): after as_completed's timeout, simloop yielded `Elapsed` before a
/// result its callback had queued earlier, and only one `Elapsed` in all; asyncio yields
/// the queued results, then a TimeoutError for each task left.
#[test]
fn case_134_as_completed_queued_before_timeout() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} ended");
        name
    }
    assert_matches_cpython("134_as_completed_queued_before_timeout", async {
        let tasks: Vec<Task<_>> = [("a", 0.25), ("b", 0.5), ("c", 2.0)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)).share())
            .collect();
        let mut it = as_completed(tasks.clone(), Some(secs(1.0)));
        log!("got {}", it.next().await.unwrap().unwrap().unwrap());
        sleep(secs(1.5)).await;
        log!("consumer back");
        while let Some(r) = it.next().await {
            match r {
                Ok(v) => log!("got {}", v.unwrap()),
                Err(_) => log!("TimeoutError"),
            }
        }
        tasks[2].clone().await.unwrap();
        let mut it = as_completed(
            vec![spawn(job("d", 0.5)), spawn(job("e", 0.25))],
            Some(secs(1.0)),
        );
        while let Some(r) = it.next().await {
            log!("got {}", r.unwrap().unwrap());
        }
        sleep(secs(1.0)).await;
        log!("end");
    });
}

/// A gather(return_exceptions=True) cancelled by hand (asyncio raises CancelledError,
/// `GatherAll` lists the cancellations: a documented difference), then a nested gather
/// whose failure reaches the outer gather at once.
#[test]
fn case_136_gather_return_exceptions_cancelled() {
    async fn leaf(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        if fail {
            log!("{name} fails");
            return Err(name.to_string());
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("136_gather_return_exceptions_cancelled", async {
        let g = gather_all([leaf("x", 1.0, false), leaf("y", 2.0, false)]);
        sleep(secs(0.5)).await;
        g.cancel();
        // GatherAll keeps its list when cancelled by hand (documented on `cancel`): the
        // caller that cancelled it reads the cancellation there.
        let r = g.await;
        if r.iter()
            .any(|e| e.as_ref().is_err_and(JoinError::is_cancelled))
        {
            log!("gather raised CancelledError");
        }
        let inner = try_gather([leaf("i1", 0.5, false), leaf("i2", 1.0, true)]);
        let outer = try_gather([
            async move { inner.await.map(drop) }.boxed_local(),
            async {
                leaf("o1", 2.0, false)
                    .await
                    .map(drop)
                    .map_err(GatherError::Failed)
            }
            .boxed_local(),
        ]);
        if let Err(GatherError::Failed(GatherError::Failed(e))) = outer.await {
            log!("outer raised ValueError({e})");
        }
        sleep(secs(1.5)).await;
        log!("end");
    });
}

/// A TaskGroup child spawns a sibling through the group, and the group waits for both; an
/// outside cancel of the task holding a group cancels every child first.
#[test]
fn case_144_task_group_child_spawns() {
    fn child(
        tg: TaskGroup<()>,
        name: &'static str,
        delay: f64,
        spawn: Option<&'static str>,
    ) -> futures::future::LocalBoxFuture<'static, Result<(), ()>> {
        async move {
            let guard = OnDrop::new(format!("{name} cancelled"));
            sleep(secs(delay)).await;
            if let Some(sibling) = spawn {
                log!("{name} spawns {sibling}");
                tg.spawn(child(tg.clone(), sibling, delay, None))
                    .map(drop)
                    .unwrap();
            }
            guard.disarm();
            log!("{name} done");
            Ok(())
        }
        .boxed_local()
    }
    assert_matches_cpython("144_task_group_child_spawns", async {
        let tg = TaskGroup::new();
        tg.spawn(child(tg.clone(), "a", 1.0, Some("a2")))
            .map(drop)
            .unwrap();
        tg.spawn(child(tg.clone(), "b", 0.5, None))
            .map(drop)
            .unwrap();
        tg.join().await.unwrap();
        log!("first group done");
        let mut h = spawn(async {
            let guard = OnDrop::new("holder cancelled");
            let tg = TaskGroup::new();
            tg.spawn(child(tg.clone(), "c1", 1.0, None))
                .map(drop)
                .unwrap();
            tg.spawn(child(tg.clone(), "c2", 3.0, None))
                .map(drop)
                .unwrap();
            let _ = tg.join().await;
            guard.disarm();
            log!("never");
        });
        sleep(secs(2.0)).await;
        h.cancel();
        if (&mut h).await.is_err() {
            log!("holder ended cancelled={}", py_bool(h.cancelled()));
        }
    });
}

/// wait(ALL_COMPLETED) with a timeout returns what is done, failures included, and cancels
/// nothing.
#[test]
fn case_145_wait_all_completed_timeout() {
    async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        sleep(secs(delay)).await;
        if fail {
            log!("{name} raises");
            return Err(name.to_string());
        }
        log!("{name} ok");
        Ok(name)
    }
    assert_matches_cpython("145_wait_all_completed_timeout", async {
        let ts: Vec<Task<_>> = [("j1", 0.5, false), ("j2", 1.0, true), ("j3", 3.0, false)]
            .into_iter()
            .map(|(n, d, f)| spawn(job(n, d, f)).share())
            .collect();
        let (done, pending) = wait(ts.clone(), ReturnWhen::AllCompleted, Some(secs(2.0))).await;
        log!("done={} pending={}", done.len(), pending.len());
        for t in &ts {
            if done.iter().any(|d| d.id() == t.id()) {
                match t.result().unwrap().unwrap() {
                    Ok(v) => log!("result {v}"),
                    Err(e) => log!("error {e}"),
                }
            }
        }
        let (done, pending) = wait(pending, ReturnWhen::AllCompleted, None).await;
        log!("later done={} pending={}", done.len(), pending.len());
    });
}

/// A task given twice to gather, and awaited directly too: the direct awaiter resumes
/// first; a gather over the finished task does not yield.
#[test]
fn case_146_gather_same_task_twice() {
    assert_matches_cpython("146_gather_same_task_twice", async {
        let t = spawn(async {
            sleep(secs(1.0)).await;
            log!("computed");
            21
        })
        .share();
        let direct = t.clone();
        let d = spawn(async move { log!("direct got {}", direct.await.unwrap()) });
        let r = gather_tasks(vec![t.clone(), t.clone()]).await.unwrap();
        log!("gather got {r:?}");
        d.await.unwrap();
        let r = gather_tasks(vec![t.clone(), t]).await.unwrap();
        log!("again {r:?}");
    });
}

/// wait_for over shield(coroutine): the timeout ends the wait, the shielded work runs on;
/// a shield's caller cancelled.
#[test]
fn case_147_shield_coroutine_timeout() {
    async fn save(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} saved");
        name
    }
    assert_matches_cpython("147_shield_coroutine_timeout", async {
        if wait_for(secs(1.0), shield(save("s1", 2.0))).await.is_err() {
            log!("timed out waiting for s1");
        }
        let c = spawn(async {
            let guard = OnDrop::new("caller cancelled");
            let _ = shield(save("s2", 1.0)).await;
            guard.disarm();
        });
        sleep(secs(0.5)).await;
        c.cancel();
        yield_now().await;
        log!("caller cancelled={}", py_bool(c.cancelled()));
        sleep(secs(2.0)).await;
        log!("end");
    });
}

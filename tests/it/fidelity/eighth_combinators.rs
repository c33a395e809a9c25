//! The eighth round, combinators, callbacks and tasks (cases 555-558, 566, 567, 569-572,
//! 581, 584, 585, 595): `wait(FIRST_EXCEPTION)` with a cancelled member, `as_completed`
//! with late finishers, failures raised inside its loop, and over a bare future; nested
//! TaskGroups failing in both; a shield inside `wait_for` cancelled twice; call handles
//! cancelled before and after they ran; done-callbacks added after the end; a group
//! refusing a spawn while it aborts; gathers and waits over tasks and futures; a
//! cancellation at a sleeper's wake-up instant; a cancellation travelling down a chain;
//! a gather cancelled with a message.

use std::rc::Rc;

use futures::StreamExt;
use futures::future::Either;
use simloop::sync::Promise;
use simloop::task::{self, call_later, call_soon};
use simloop::{
    GroupError, JoinError, ReturnWhen, SpawnError, TaskGroup, as_completed, gather,
    gather_all_tasks, gather_tasks, log, shield_task, sleep, spawn, try_wait, wait, wait_for,
    yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// `wait(FIRST_EXCEPTION)` does not return for a member cancelled from outside (a
/// cancellation is not an exception); it returns at the first failure.
#[test]
fn case_555_wait_first_exception_cancelled_member() {
    async fn ok(name: &'static str, d: f64) -> Result<&'static str, &'static str> {
        sleep(secs(d)).await;
        log!("{name} done");
        Ok(name)
    }
    async fn bad(d: f64) -> Result<&'static str, &'static str> {
        sleep(secs(d)).await;
        log!("bad raises");
        Err("bad")
    }
    assert_matches_cpython("555_wait_first_exception_cancelled_member", async {
        let a = spawn(ok("a", 1.0)).share();
        let b = spawn(ok("b", 0.5)).share();
        let c = spawn(bad(0.375)).share();
        let ca = a.clone();
        call_later(secs(0.125), move || {
            ca.cancel();
        });
        let names = [(a.id(), "a"), (b.id(), "b"), (c.id(), "c")];
        let name = |id| names.iter().find(|(i, _)| *i == id).unwrap().1;
        let (done, pending) = try_wait(
            vec![a.clone(), b.clone(), c.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await;
        let mut d: Vec<_> = done.iter().map(|t| format!("'{}'", name(t.id()))).collect();
        let mut p: Vec<_> = pending
            .iter()
            .map(|t| format!("'{}'", name(t.id())))
            .collect();
        d.sort();
        p.sort();
        log!("done={} pending={}", py_list(d), py_list(p));
        let err = match c.result() {
            Some(Ok(Err(e))) => format!("ValueError('{e}')"),
            _ => unreachable!(),
        };
        log!("a cancelled={} c={err}", py_bool(a.cancelled()));
        b.await.unwrap().unwrap();
        log!("end");
    });
}

/// `as_completed` with a timeout: two results come in time, then `TimeoutError`; the late
/// finishers run on and are gathered afterwards in argument order.
#[test]
fn case_556_as_completed_timeout_late_finishers() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} finished");
        name
    }
    assert_matches_cpython("556_as_completed_timeout_late_finishers", async {
        let ts: Vec<_> = [("a", 0.5), ("b", 0.125), ("c", 1.0), ("d", 0.25)]
            .into_iter()
            .map(|(n, d)| spawn(work(n, d)).share())
            .collect();
        let mut got = Vec::new();
        let mut stream = as_completed(ts.clone(), Some(secs(0.375)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(v) => {
                    got.push(format!("'{}'", v.unwrap()));
                    log!("got {}", &got[got.len() - 1][1..2]);
                }
                Err(_) => {
                    log!("timeout after {}", py_list(&got));
                    break;
                }
            }
        }
        drop(stream);
        log!(
            "late done: {}",
            py_list(ts.iter().map(|t| py_bool(t.done())))
        );
        let rest = gather_tasks(ts).await.unwrap();
        log!(
            "gathered {}",
            py_list(rest.iter().map(|v| format!("'{v}'")))
        );
    });
}

/// A TaskGroup nested in a TaskGroup child, errors in both groups in one pass: the inner
/// group's failures and the outer child's error are both collected by the outer group.
#[test]
fn case_557_nested_task_groups_errors_both() {
    async fn fail(name: &'static str, d: f64) -> Result<(), String> {
        sleep(secs(d)).await;
        log!("{name} raises");
        Err(format!("'{name}'"))
    }
    async fn sleeper(name: &'static str) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    fn list(e: &GroupError<String>) -> String {
        py_list(e.failures.iter().map(|f| match f {
            simloop::ChildFailure::Error { error, .. } => error.clone(),
            other => panic!("{other:?}"),
        }))
    }
    async fn inner_group() -> Result<(), String> {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(fail("inner-x", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("inner-s")).map(drop).unwrap();
        tg.join().await.map_err(|e| {
            let l = list(&e);
            log!("inner group raised {l}");
            l
        })
    }
    assert_matches_cpython("557_nested_task_groups_errors_both", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(inner_group()).map(drop).unwrap();
        tg.spawn(fail("outer-y", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("outer-s")).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        log!("outer group raised {}", list(&e));
    });
}

/// shield inside `wait_for` whose caller is cancelled twice: the shielded task runs on to
/// its end; both requests count in `cancelling()`.
#[test]
fn case_558_shield_in_wait_for_cancelled_twice() {
    async fn save() -> &'static str {
        sleep(secs(0.5)).await;
        log!("save done");
        "saved"
    }
    async fn caller(inner: simloop::Task<&'static str>) {
        let cancelled = Finally::new(|| {
            log!("caller cancelled cancelling={}", task::cancelling());
        });
        let _ = wait_for(secs(1.0), shield_task(inner)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("558_shield_in_wait_for_cancelled_twice", async {
        let inner = spawn(save()).share();
        let c = spawn(caller(inner.clone()));
        sleep(secs(0.125)).await;
        c.cancel();
        c.cancel();
        log!("cancelling={}", c.cancelling());
        if c.await.is_err() {
            log!("caller ended inner done={}", py_bool(inner.done()));
        }
        log!("inner result {}", inner.await.unwrap());
    });
}

/// `call_soon`, `call_later` and `call_at` handles: one cancelled before it runs never
/// runs; cancelling one that already ran marks it cancelled and changes nothing else.
#[test]
fn case_566_call_handles_cancelled() {
    assert_matches_cpython("566_call_handles_cancelled", async {
        let h1 = call_soon(|| log!("soon 1"));
        let h2 = call_soon(|| log!("soon 2"));
        h2.cancel();
        let _h3 = call_later(secs(0.25), || log!("later"));
        let h4 = task::call_at(simloop::now() + secs(0.125), || log!("at"));
        let h5 = task::call_at(simloop::now() + secs(0.25), || log!("at too"));
        yield_now().await;
        log!(
            "h1 cancelled={} h2 cancelled={}",
            py_bool(h1.cancelled()),
            py_bool(h2.cancelled())
        );
        h1.cancel();
        log!("h1 cancelled after run={}", py_bool(h1.cancelled()));
        sleep(secs(0.125)).await;
        h5.cancel();
        log!(
            "h4 cancelled={} h5 cancelled={}",
            py_bool(h4.cancelled()),
            py_bool(h5.cancelled())
        );
        sleep(secs(0.25)).await;
        log!("end");
    });
}

/// A done-callback added to a task or a future already done runs one slot later, behind
/// what is queued.
#[test]
fn case_567_done_callback_added_after_done() {
    async fn ticker() {
        for i in 0..3 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("567_done_callback_added_after_done", async {
        let t = spawn(async { 1 }).share();
        t.clone().await.unwrap();
        let f: Rc<Promise<&str>> = Rc::new(Promise::new());
        f.set_result("v").unwrap();
        let k = spawn(ticker());
        t.add_done_callback(|_| log!("task callback"));
        f.add_done_callback(|_| log!("future callback"));
        log!("callbacks added");
        yield_now().await;
        log!("main after one yield");
        k.await.unwrap();
        log!("end");
    });
}

/// A TaskGroup child trying to spawn a sibling after the group began aborting is refused;
/// the failure is reported alone.
#[test]
fn case_569_task_group_spawn_while_aborting() {
    async fn spawner(tg: TaskGroup<String>) -> Result<(), String> {
        let cancelled = Finally::new(move || {
            log!("spawner cancelled, tries to spawn");
            match tg.spawn(async { Ok(()) }) {
                Ok(_) => log!("spawned"),
                Err(SpawnError::ShuttingDown | SpawnError::Finished) => log!("spawn refused"),
            }
        });
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    assert_matches_cpython("569_task_group_spawn_while_aborting", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(spawner(tg.clone())).map(drop).unwrap();
        tg.spawn(async {
            sleep(secs(0.125)).await;
            log!("failer raises");
            Err::<(), _>("boom".to_string())
        })
        .map(drop)
        .unwrap();
        let e = tg.join().await.unwrap_err();
        let names: Vec<_> = e
            .failures
            .iter()
            .map(|f| match f {
                simloop::ChildFailure::Error { error, .. } => format!("'{error}'"),
                other => panic!("{other:?}"),
            })
            .collect();
        log!("group raised {}", py_list(names));
    });
}

/// `gather(return_exceptions=True)` over tasks and bare futures: a future cancelled by a
/// callback, one failed, a task failing; the list in argument order.
#[test]
fn case_570_gather_return_exceptions_tasks_futures() {
    async fn ok(d: f64) -> Result<f64, String> {
        sleep(secs(d)).await;
        log!("ok {d}");
        Ok(d)
    }
    async fn bad() -> Result<f64, String> {
        sleep(secs(0.25)).await;
        log!("bad raises");
        Err("KeyError('k')".into())
    }
    assert_matches_cpython("570_gather_return_exceptions_tasks_futures", async {
        let f: Rc<Promise<f64, String>> = Rc::new(Promise::new());
        let g: Rc<Promise<f64, String>> = Rc::new(Promise::new());
        let cf = f.clone();
        call_later(secs(0.125), move || {
            cf.cancel();
        });
        let cg = g.clone();
        call_later(secs(0.375), move || {
            cg.set_error("ValueError('g')".to_string()).unwrap();
        });
        let r = gather_all_tasks(vec![
            Either::Left(spawn(ok(0.5))),
            Either::Right(f.handle()),
            Either::Left(spawn(bad())),
            Either::Right(g.handle()),
        ])
        .await;
        let shown = r.iter().map(|r| match r {
            Ok(Ok(v)) => format!("{v}"),
            Ok(Err(e)) => e.clone(),
            Err(JoinError::Cancelled { .. }) => "CancelledError('')".into(),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(shown));
    });
}

/// `wait(FIRST_COMPLETED)` over a bare future set by `call_later` and a task whose sleep
/// ends at the same instant: both are done when the caller resumes.
#[test]
fn case_571_wait_first_completed_future_task_tie() {
    async fn work() -> Result<&'static str, ()> {
        sleep(secs(0.25)).await;
        log!("work done");
        Ok("w")
    }
    assert_matches_cpython("571_wait_first_completed_future_task_tie", async {
        let f: Rc<Promise<&str, ()>> = Rc::new(Promise::new());
        let s = f.clone();
        call_later(secs(0.25), move || s.set_result("f").unwrap());
        let t = spawn(work()).share();
        let (done, pending) = wait(
            vec![Either::Left(t.clone()), Either::Right(f.handle())],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        let t_done = done
            .iter()
            .any(|d| matches!(d, Either::Left(h) if h.id() == t.id()));
        let f_done = done.iter().any(|d| matches!(d, Either::Right(_)));
        log!(
            "done f={} t={} pending={}",
            py_bool(f_done),
            py_bool(t_done),
            pending.len()
        );
        t.await.unwrap().unwrap();
        log!("end");
    });
}

/// `as_completed` over tasks and a bare future: the future, set by a task, comes in its
/// completion order among the tasks.
#[test]
fn case_572_as_completed_tasks_and_future() {
    async fn work(name: &'static str, d: f64) -> Result<&'static str, ()> {
        sleep(secs(d)).await;
        log!("{name} finished");
        Ok(name)
    }
    assert_matches_cpython("572_as_completed_tasks_and_future", async {
        let f: Rc<Promise<&str, ()>> = Rc::new(Promise::new());
        let sf = f.clone();
        let s = spawn(async move {
            sleep(secs(0.25)).await;
            sf.set_result("fut").unwrap();
            log!("future set");
        });
        let mut stream = as_completed(
            vec![
                Either::Left(spawn(work("a", 0.375))),
                Either::Right(f.handle()),
                Either::Left(spawn(work("b", 0.125))),
            ],
            None,
        );
        while let Some(r) = stream.next().await {
            log!("got {}", r.unwrap().unwrap().unwrap());
        }
        s.await.unwrap();
    });
}

/// `call_later` callbacks at a task's wake-up instant, armed after its sleep: one cancels
/// the task, which loses the sleep's value; the other sets the future it would await.
#[test]
fn case_581_call_later_cancel_at_wake_instant() {
    async fn sleeper(f: Rc<Promise<&'static str>>) {
        let seen = f.clone();
        let cancelled = Finally::new(move || {
            log!("sleeper cancelled f done={}", py_bool(seen.done()));
        });
        sleep(secs(0.25)).await;
        log!("sleeper got slept");
        log!("sleeper then {}", f.wait().await.unwrap());
        cancelled.disarm();
    }
    assert_matches_cpython("581_call_later_cancel_at_wake_instant", async {
        let f: Rc<Promise<&str>> = Rc::new(Promise::new());
        let t = spawn(sleeper(f.clone()));
        yield_now().await;
        let a = t.abort_handle();
        call_later(secs(0.25), move || {
            a.cancel();
        });
        let s = f.clone();
        call_later(secs(0.25), move || s.set_result("f").unwrap());
        if t.await.is_err() {
            log!("main sees cancelled f={}", f.result().unwrap().unwrap());
        }
    });
}

/// Cancelling a task awaiting a task awaiting a bare future: the cancellation travels
/// down the chain, the future is cancelled at once with the message, the tasks end inner
/// first.
#[test]
fn case_584_cancel_chain_task_task_future() {
    async fn leaf(f: Rc<Promise<()>>) {
        let seen = f.clone();
        let cancelled = Finally::new(move || {
            log!("leaf cancelled f cancelled={}", py_bool(seen.cancelled()));
        });
        let _ = f.wait().await;
        cancelled.disarm();
    }
    async fn middle(t: simloop::JoinHandle<()>) {
        let cancelled = OnDrop::new("middle cancelled");
        let _ = t.await;
        cancelled.disarm();
    }
    assert_matches_cpython("584_cancel_chain_task_task_future", async {
        let f: Rc<Promise<()>> = Rc::new(Promise::new());
        f.add_done_callback(|_| log!("f callback"));
        let l = spawn(leaf(f.clone()));
        let la = l.abort_handle();
        let m = spawn(middle(l));
        yield_now().await;
        m.cancel_with("stop");
        log!(
            "cancelled f={} l cancelling={}",
            py_bool(f.cancelled()),
            la.cancelling()
        );
        if let Err(e) = m.await {
            log!("main sees {}", super::cancel_args(&e));
        }
    });
}

/// `gather(...).cancel(msg)` forwards the message to each child in argument order; the
/// gather's awaiter sees it too.
#[test]
fn case_585_gather_cancel_message_children() {
    async fn child(name: &'static str) {
        let cancelled = Finally::new(move || {
            let args = super::py_args(task::cancel_message().as_deref());
            log!("{name} cancelled {args}");
        });
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    assert_matches_cpython("585_gather_cancel_message_children", async {
        let g = gather([child("a"), child("b"), child("c")]);
        sleep(secs(0.125)).await;
        g.cancel_with("enough");
        if let Err(e) = g.await {
            log!("gather cancelled {}", super::cancel_args(&e));
        }
    });
}

/// `as_completed` with a timeout no task reaches: a failure is raised by its await in
/// completion order and the loop goes on; no `TimeoutError`.
#[test]
fn case_595_as_completed_failure_in_loop() {
    async fn work(name: &'static str, d: f64, fail: bool) -> Result<&'static str, String> {
        sleep(secs(d)).await;
        if fail {
            log!("{name} raises");
            return Err(name.to_string());
        }
        log!("{name} finished");
        Ok(name)
    }
    assert_matches_cpython("595_as_completed_failure_in_loop", async {
        let ts = vec![
            spawn(work("a", 0.25, false)),
            spawn(work("b", 0.125, true)),
            spawn(work("c", 0.375, false)),
        ];
        let mut stream = as_completed(ts, Some(secs(1.0)));
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("got {v}"),
                Err(e) => log!("failed {e}"),
            }
        }
        log!("end");
    });
}

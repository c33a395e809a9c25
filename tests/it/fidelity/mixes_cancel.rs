//! The fourth round, cancellation mixed (cases 376-387): callbacks that panic, a Condition
//! waiter cancelled, Semaphore waiters timing out, nested TaskGroups failing together,
//! wait_for over a shield whose task fails, as_completed and wait_for over tasks cancelled
//! elsewhere, a TaskGroup child inside a gather, timeouts holding a Lock, a Barrier in an
//! aborted TaskGroup, done-callbacks that spawn, wait_for over a cancelled future.

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::PromiseError;
use simloop::task::{AbortHandle, call_later, call_soon};
use simloop::{
    Barrier, ChildFailure, Condition, GroupError, JoinError, JoinHandle, Lock, PanicOutput,
    Promise, Semaphore, Sim, TaskGroup, as_completed, gather, gather_all_tasks, gather_tasks, log,
    shield_task, sleep, spawn, timeout, wait_for, wait_for_task, yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, secs};
use crate::util::{OnDrop, cpython_trace};

/// A callback that raises (call_soon, a future's and a task's done-callback) is reported
/// and the run carries on: the next callbacks and tasks run in their slots.
///
/// Regression (bug: a panicking callback unwound out of `Sim::run`; asyncio reports the
/// exception and carries on).
#[test]
fn case_376_callback_exceptions_carry_on() {
    async fn ticker() {
        for i in 0..4 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    fn boom(what: &str) {
        log!("{what} raises");
        panic!("{what}");
    }
    let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
        let t = spawn(ticker());
        call_soon(|| boom("soon"));
        call_soon(|| log!("after soon"));
        let fut = Promise::<i32>::new();
        fut.add_done_callback(|_| boom("future cb"));
        fut.add_done_callback(|r| log!("second future cb sees {}", r.unwrap()));
        fut.set_result(1).unwrap();
        let w = spawn(sleep(secs(0.5))).share();
        w.add_done_callback(|_| boom("task cb"));
        w.add_done_callback(|_| log!("second task cb"));
        t.await.unwrap();
        w.await.unwrap();
        log!("main carries on");
        yield_now().await;
        log!("end");
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        cpython_trace("376_callback_exceptions_carry_on")
    );
}

/// A Condition waiter cancelled while the lock is free leaves the waiters; the next
/// notify(1) goes to the waiter behind it; a waiter notified and then cancelled ends
/// cancelled.
#[test]
fn case_377_condition_waiter_cancelled_lock_free() {
    async fn waiter(cond: Rc<Condition>, name: String) {
        let seen = cond.clone();
        let who = name.clone();
        let cancelled =
            Finally::new(move || log!("{who} cancelled, locked={}", py_bool(seen.locked())));
        {
            let guard = cond.lock().await;
            log!("{name} waits");
            let _guard = cond.wait(guard).await;
            log!("{name} notified");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("377_condition_waiter_cancelled_lock_free", async {
        let cond = Rc::new(Condition::new(()));
        let ts: Vec<_> = (0..3)
            .map(|i| spawn(waiter(cond.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        ts[0].cancel();
        yield_now().await;
        log!("w0 cancelled={}", py_bool(ts[0].cancelled()));
        {
            let _held = cond.lock().await;
            cond.notify(1).unwrap();
            log!("notified one");
        }
        sleep(secs(0.5)).await;
        {
            let _held = cond.lock().await;
            cond.notify(1).unwrap();
            ts[2].cancel();
            log!("notified one more and cancelled w2");
        }
        let (w1, w2) = (ts[1].abort_handle(), ts[2].abort_handle());
        gather_all_tasks(ts).await;
        log!(
            "w1 done={} w2 cancelled={} locked={}",
            py_bool(w1.is_finished()),
            py_bool(w2.cancelled()),
            py_bool(cond.locked())
        );
    });
}

/// Semaphore(1) waiters under wait_for with different limits: those that time out leave
/// the line, the release goes to the first one still waiting, the value comes back.
#[test]
fn case_378_semaphore_waiters_time_out() {
    async fn user(sem: Rc<Semaphore>, name: &'static str, limit: f64, hold: f64) {
        let Ok(permit) = wait_for(secs(limit), sem.acquire()).await else {
            log!("{name} gave up");
            return;
        };
        log!("{name} has the permit");
        sleep(secs(hold)).await;
        drop(permit);
        log!("{name} released");
    }
    assert_matches_cpython("378_semaphore_waiters_time_out", async {
        let sem = Rc::new(Semaphore::new(1));
        let ts: Vec<_> = [
            ("holder", 1.0, 2.0),
            ("a", 1.0, 1.0),
            ("b", 3.0, 1.0),
            ("c", 1.5, 1.0),
            ("d", 5.0, 1.0),
        ]
        .into_iter()
        .map(|(n, limit, hold)| spawn(user(sem.clone(), n, limit, hold)))
        .collect();
        gather_tasks(ts).await.unwrap();
        log!("value={} locked={}", sem.value(), py_bool(sem.locked()));
    });
}

/// A TaskGroup child: sleeps, then ends or fails with its name quoted; logs its
/// cancellation.
async fn leaf(name: &'static str, delay: f64, fail: bool) -> Result<(), String> {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(delay)).await;
    cancelled.disarm();
    if fail {
        log!("{name} fails");
        return Err(format!("'{name}'"));
    }
    log!("{name} done");
    Ok(())
}

/// A group's failures as a Python list, each already rendered.
fn shape(e: GroupError<String>) -> String {
    py_list(e.failures.into_iter().map(|f| match f {
        ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error,
        ChildFailure::Panicked { message, .. } => panic!("{message}"),
    }))
}

/// A nested TaskGroup's child and an outer child fail in the same pass: the outer group
/// collects the outer failure and the nested group's ExceptionGroup, in the order they
/// ended.
///
/// Regression (bug: the outer group's abort cancelled the nested group's joining task, which
/// then ended cancelled, so its child's failure was lost and the outer group reported
/// `['o1']`): asyncio's `__aexit__` catches that cancellation and, its children having
/// failed, raises their ExceptionGroup instead, which the outer group collects.
#[test]
fn case_379_nested_groups_fail_same_pass() {
    async fn nested() -> Result<(), String> {
        let tg = TaskGroup::new();
        tg.spawn(leaf("n1", 1.0, true)).map(drop).unwrap();
        tg.spawn(leaf("n2", 2.0, false)).map(drop).unwrap();
        tg.join().await.map_err(shape)
    }
    assert_matches_cpython("379_nested_groups_fail_same_pass", async {
        let tg = TaskGroup::new();
        tg.spawn(leaf("o1", 1.0, true)).map(drop).unwrap();
        tg.spawn(nested()).map(drop).unwrap();
        tg.spawn(leaf("o2", 2.0, false)).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        log!("caught {}", shape(e));
    });
}

/// wait_for(shield(t)) where t fails before the deadline raises t's error; where it fails
/// after the deadline, the caller gets TimeoutError and t's error is read later.
#[test]
fn case_380_wait_for_shield_inner_fails() {
    async fn job(name: &'static str, delay: f64) -> Result<(), String> {
        sleep(secs(delay)).await;
        log!("{name} fails");
        Err(name.to_string())
    }
    assert_matches_cpython("380_wait_for_shield_inner_fails", async {
        let t = spawn(job("early", 0.5)).share();
        if let Ok(Ok(Err(e))) = wait_for(secs(1.0), shield_task(t)).await {
            log!("caller got ConnectionError {e}");
        }
        let u = spawn(job("late", 2.0)).share();
        if wait_for(secs(1.0), shield_task(u.clone())).await.is_err() {
            log!("caller timed out, u done={}", py_bool(u.done()));
        }
        sleep(secs(1.5)).await;
        let e = u.result().unwrap().unwrap().unwrap_err();
        log!(
            "u done={} exception=ConnectionError('{e}')",
            py_bool(u.done())
        );
    });
}

/// as_completed over tasks one of which is cancelled from outside: its await raises
/// CancelledError in completion order; the others follow.
#[test]
fn case_381_as_completed_cancelled_task() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} done");
        name
    }
    assert_matches_cpython("381_as_completed_cancelled_task", async {
        let ts: Vec<_> = [("a", 1.0), ("b", 2.0), ("c", 3.0)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)).share())
            .collect();
        let c = ts[2].abort_handle();
        call_later(secs(1.5), move || {
            c.cancel();
        });
        let mut stream = as_completed(ts.clone(), None);
        while let Some(r) = stream.next().await {
            match r.unwrap() {
                Ok(v) => log!("got {v}"),
                Err(JoinError::Cancelled { .. }) => log!("a task was cancelled"),
                Err(e) => panic!("{e}"),
            }
        }
        log!(
            "cancelled {}",
            py_list(ts.iter().map(|t| py_bool(t.cancelled())))
        );
    });
}

/// A TaskGroup child awaits a gather of its own work; a sibling fails: the child is
/// cancelled, which cancels the gather's children at once (asyncio's `cancel()` forwards to
/// the gather), before the sibling cancelled after it. CPython 3.12.1 cancelled the sibling
/// first (rule 12's set order); the port is checked against 3.13.0's creation order.
#[test]
fn case_382_group_child_awaiting_gather() {
    async fn quiet(name: &'static str, delay: f64) {
        let _ = leaf(name, delay, false).await;
    }
    async fn gatherer() -> Result<(), String> {
        let cancelled = OnDrop::new("gatherer cancelled");
        gather([quiet("g1", 0.5), quiet("g2", 2.0), quiet("g3", 3.0)])
            .await
            .unwrap();
        cancelled.disarm();
        Ok(())
    }
    async fn bad() -> Result<(), String> {
        sleep(secs(1.0)).await;
        log!("bad fails");
        Err("bad".into())
    }
    assert_matches_cpython("382_group_child_awaiting_gather.py313", async {
        let tg = TaskGroup::new();
        tg.spawn(gatherer()).map(drop).unwrap();
        tg.spawn(bad()).map(drop).unwrap();
        tg.spawn(leaf("sib", 2.0, false)).map(drop).unwrap();
        if tg.join().await.is_err() {
            log!("caught IndexError");
        }
    });
}

/// wait_for over a task that another task cancels before the deadline: the caller gets
/// CancelledError (not TimeoutError) and is not itself cancelled.
#[test]
fn case_383_wait_for_task_cancelled_elsewhere() {
    async fn caller(mut t: JoinHandle<()>) -> &'static str {
        match wait_for_task(secs(2.0), &mut t).await {
            Err(_) => log!("caller timed out"),
            Ok(Err(JoinError::Cancelled { .. })) => log!(
                "caller got CancelledError, t cancelled={}",
                py_bool(t.cancelled())
            ),
            Ok(r) => panic!("{r:?}"),
        }
        sleep(secs(0.5)).await;
        log!("caller goes on");
        "ok"
    }
    assert_matches_cpython("383_wait_for_task_cancelled_elsewhere", async {
        let t = spawn(sleep(secs(5.0)));
        let t_handle = t.abort_handle();
        let mut c = spawn(caller(t));
        sleep(secs(1.0)).await;
        t_handle.cancel_with("from main");
        let r = (&mut c).await.unwrap();
        log!("caller result {r}, c cancelled={}", py_bool(c.cancelled()));
    });
}

/// A timeout expires while its task holds a Lock: the lock is released, and the first
/// waiter still in line takes it at its turn; a waiter that times out while waiting
/// leaves the line.
#[test]
fn case_384_timeout_holding_lock() {
    async fn user(lock: Rc<Lock>, name: &'static str, limit: f64, hold: f64) {
        let held = timeout(secs(limit), async {
            {
                let _held = lock.lock().await;
                log!("{name} holds");
                sleep(secs(hold)).await;
            }
            log!("{name} released");
        })
        .await;
        if held.is_err() {
            log!("{name} timed out, locked={}", py_bool(lock.locked()));
        }
    }
    assert_matches_cpython("384_timeout_holding_lock", async {
        let lock = Rc::new(Lock::new(()));
        let ts: Vec<_> = [
            ("slow", 1.0, 5.0),
            ("w1", 0.5, 1.0),
            ("w2", 3.0, 1.0),
            ("w3", 3.0, 1.0),
        ]
        .into_iter()
        .map(|(n, limit, hold)| spawn(user(lock.clone(), n, limit, hold)))
        .collect();
        gather_tasks(ts).await.unwrap();
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// TaskGroup children wait at a Barrier; a sibling fails: the waiters are cancelled, the
/// barrier is left whole (not broken, nobody waiting), and a new round passes.
#[test]
fn case_385_barrier_group_abort() {
    async fn party(b: Rc<Barrier>, name: &'static str) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled at the barrier"));
        let i = b.wait().await.unwrap();
        cancelled.disarm();
        log!("{name} passes as {i}");
        Ok(())
    }
    async fn bad() -> Result<(), String> {
        sleep(secs(1.0)).await;
        Err("bad".into())
    }
    assert_matches_cpython("385_barrier_group_abort", async {
        let b = Rc::new(Barrier::new(3));
        let tg = TaskGroup::new();
        tg.spawn(party(b.clone(), "p1")).map(drop).unwrap();
        tg.spawn(party(b.clone(), "p2")).map(drop).unwrap();
        tg.spawn(bad()).map(drop).unwrap();
        if tg.join().await.is_err() {
            log!(
                "group failed, n_waiting={} broken={}",
                b.n_waiting(),
                py_bool(b.broken())
            );
        }
        gather([
            party(b.clone(), "q1"),
            party(b.clone(), "q2"),
            party(b.clone(), "q3"),
        ])
        .await
        .unwrap();
    });
}

/// A task's done-callback schedules a call_soon and creates a task: both are queued behind
/// the task's awaiters, in the order made.
#[test]
fn case_386_done_callback_spawns() {
    async fn work() -> u32 {
        sleep(secs(0.5)).await;
        log!("work ends");
        3
    }
    async fn awaiter(t: simloop::Task<u32>, name: &'static str) {
        log!("{name} got {}", t.await.unwrap());
    }
    assert_matches_cpython("386_done_callback_spawns", async {
        let t = spawn(work()).share();
        let made: Rc<RefCell<Vec<JoinHandle<()>>>> = Rc::default();
        let a1 = spawn(awaiter(t.clone(), "a1"));
        yield_now().await;
        let keep = made.clone();
        t.add_done_callback(move |task| {
            log!("callback runs");
            call_soon(|| log!("soon from callback"));
            let n = task.result().unwrap().unwrap();
            keep.borrow_mut()
                .push(spawn(async move { log!("follow-up task got {n}") }));
        });
        let a2 = spawn(awaiter(t.clone(), "a2"));
        gather_tasks(vec![a1, a2]).await.unwrap();
        let follow = made.borrow_mut().remove(0);
        follow.await.unwrap();
        log!("end");
    });
}

/// wait_for over a future that a callback cancels before the deadline: the awaiter gets
/// CancelledError, not TimeoutError, and its task is not cancelled; a future set in time
/// returns its value; one left pending is cancelled by the expiry.
#[test]
fn case_387_future_cancelled_under_wait_for() {
    async fn body(me: Rc<RefCell<Option<AbortHandle>>>) {
        let f = Rc::new(Promise::<&'static str>::new());
        let cancel = f.clone();
        call_later(secs(1.0), move || {
            cancel.cancel_with("dropped");
        });
        match wait_for(secs(2.0), f.wait()).await {
            Err(_) => log!("timed out"),
            Ok(Err(PromiseError::Cancelled(m))) => {
                let cancelling = me.borrow().as_ref().unwrap().cancelling();
                log!(
                    "CancelledError {}, task cancelling={cancelling}",
                    py_args(m.as_deref())
                );
            }
            Ok(r) => panic!("{r:?}"),
        }
        let g = Rc::new(Promise::<&'static str>::new());
        let set = g.clone();
        call_later(secs(0.5), move || set.set_result("value").unwrap());
        log!(
            "got {}",
            wait_for(secs(1.0), g.wait()).await.unwrap().unwrap()
        );
        let h = Promise::<()>::new();
        if wait_for(secs(0.5), h.wait()).await.is_err() {
            log!("h timed out, h cancelled={}", py_bool(h.cancelled()));
        }
    }
    assert_matches_cpython("387_future_cancelled_under_wait_for", async {
        let me = Rc::new(RefCell::new(None));
        let t = spawn(body(me.clone()));
        *me.borrow_mut() = Some(t.abort_handle());
        t.await.unwrap();
    });
}

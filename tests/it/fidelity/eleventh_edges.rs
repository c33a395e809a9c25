//! The eleventh round, third batch (cases 658-665): `wait_for` over a
//! `gather(return_exceptions=True)`, `timeout()` around a queue's `join()`, `as_completed`
//! over tasks and futures set by callbacks, an Event fanned out to a TaskGroup of
//! responders claiming a job under a Lock, a cancel message through `wait_for`, a group's
//! abort reaching a Condition waiter that must re-acquire a held lock, a shielded
//! `acquire()` that outlives its timeout, and a graceful shutdown with a grace period.

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use futures::future::Either;
use simloop::sync::Promise;
use simloop::task::{self, call_later, call_soon};
use simloop::{
    ChildFailure, Condition, Event, JoinError, Lock, Queue, ReturnWhen, Semaphore, TaskGroup,
    as_completed, gather_all, gather_all_tasks, log, shield_task, sleep, spawn, timeout, wait,
    wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// `wait_for` over `gather(return_exceptions=True)`: the children that end before the
/// deadline (one failing) are not reported; the expiry cancels the gather, which cancels
/// the unfinished child; TimeoutError, and the children keep their own outcomes.
#[test]
fn case_658_wait_for_gather_return_exceptions_expiry() {
    async fn child(name: &'static str, d: f64, fail: bool) -> Result<&'static str, String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        if fail {
            log!("{name} raises");
            return Err(format!("ValueError('{name}')"));
        }
        log!("{name} done");
        Ok(name)
    }
    fn shown(r: &Result<&'static str, String>) -> String {
        match r {
            Ok(v) => quoted(v),
            Err(e) => format!("\"{e}\""),
        }
    }
    assert_matches_cpython("658_wait_for_gather_return_exceptions_expiry", async {
        let ts: Vec<_> = vec![
            spawn(child("a", 0.125, false)).share(),
            spawn(child("b", 0.125, true)).share(),
            spawn(child("c", 0.5, false)).share(),
        ];
        match wait_for(secs(0.25), gather_all_tasks(ts.clone())).await {
            Ok(r) => log!("gathered {}", r.len()),
            Err(_) => log!("TimeoutError"),
        }
        yield_now().await;
        let states = ts.iter().map(|t| match t.result().unwrap() {
            Err(_) => quoted("cancelled"),
            Ok(r) => shown(&r),
        });
        log!("states {}", py_list(states));
        let r = wait_for(
            secs(0.5),
            gather_all([child("d", 0.125, false), child("e", 0.25, true)]),
        )
        .await
        .unwrap();
        log!(
            "second gather {}",
            py_list(r.iter().map(|x| shown(x.as_ref().unwrap())))
        );
    });
}

/// `timeout()` around `q.join()`: the expiry cancels only the joiner, the workers go on;
/// the unfinished count read; a second `join()` waits for the rest. The expiry ties with a
/// worker's sleep armed after it: the port is checked against the arming-order trace
/// (rule 4).
#[test]
fn case_659_timeout_around_queue_join() {
    async fn worker(q: Rc<Queue<f64>>, name: String) {
        loop {
            let item = q.get().await.unwrap();
            sleep(secs(item)).await;
            log!("{name} finished {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("659_timeout_around_queue_join.fifo", async {
        let q = Rc::new(Queue::new());
        for item in [0.25, 0.5, 0.125, 0.375] {
            q.put_nowait(item).unwrap();
        }
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(worker(q.clone(), format!("w{i}"))))
            .collect();
        if timeout(secs(0.5), q.join()).await.is_err() {
            log!(
                "join timed out, qsize={} unfinished={}",
                q.qsize(),
                q.unfinished_tasks()
            );
        }
        q.join().await;
        log!("joined, unfinished={}", q.unfinished_tasks());
        for w in &ws {
            w.cancel();
        }
        gather_all_tasks(ws).await;
        log!("end");
    });
}

/// `as_completed` over tasks and bare futures set by `call_later` and `call_soon`
/// callbacks: yielded in completion order, a future set by `call_soon` before the first
/// await comes first, a future's exception is raised by its await in the loop.
#[test]
fn case_660_as_completed_futures_set_by_callbacks() {
    async fn work(name: &'static str, d: f64) -> Result<&'static str, String> {
        sleep(secs(d)).await;
        log!("{name} ends");
        Ok(name)
    }
    assert_matches_cpython("660_as_completed_futures_set_by_callbacks", async {
        let f1: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        let f2: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        let f3: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        let s1 = f1.clone();
        call_later(secs(0.25), move || s1.set_result("f1").unwrap());
        let s2 = f2.clone();
        call_soon(move || s2.set_result("f2").unwrap());
        let s3 = f3.clone();
        call_later(secs(0.125), move || {
            s3.set_error("ValueError('f3')".into()).unwrap()
        });
        let aws = vec![
            Either::Left(spawn(work("t1", 0.125))),
            Either::Right(f1.handle()),
            Either::Right(f2.handle()),
            Either::Right(f3.handle()),
            Either::Left(spawn(work("t2", 0.25))),
        ];
        let mut stream = as_completed(aws, None);
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("got {v}"),
                Err(e) => log!("raised {e}"),
            }
        }
        log!("end");
    });
}

/// An alarm fans out to responders in a TaskGroup waiting on one Event: all wake in wait
/// order, the first to take the Lock claims the job, the others see it claimed; a
/// responder that arrives after the set does not wait at all.
#[test]
fn case_661_first_responder_claims_with_lock() {
    struct Alarm {
        event: Event,
        lock: Lock<()>,
        claimed: RefCell<Vec<&'static str>>,
    }
    async fn responder(a: Rc<Alarm>, name: &'static str, delay: f64) -> Result<(), ()> {
        sleep(secs(delay)).await;
        log!("{name} waits, set={}", py_bool(a.event.is_set()));
        a.event.wait().await;
        let _g = a.lock.lock().await;
        if let Some(first) = a.claimed.borrow().first() {
            log!("{name} sees it claimed by {first}");
            return Ok(());
        }
        sleep(secs(0.125)).await;
        a.claimed.borrow_mut().push(name);
        log!("{name} claims the job");
        Ok(())
    }
    assert_matches_cpython("661_first_responder_claims_with_lock", async {
        let a = Rc::new(Alarm {
            event: Event::new(),
            lock: Lock::new(()),
            claimed: RefCell::new(Vec::new()),
        });
        let tg: TaskGroup<()> = TaskGroup::new();
        let group = tg.clone();
        let alarm = a.clone();
        tg.scope(async move {
            for (name, delay) in [("r1", 0.125), ("r2", 0.0), ("r3", 0.125), ("late", 0.5)] {
                group
                    .spawn(responder(alarm.clone(), name, delay))
                    .map(drop)
                    .unwrap();
            }
            sleep(secs(0.25)).await;
            alarm.event.set();
            log!("alarm set");
            Ok(())
        })
        .await
        .unwrap();
        log!(
            "group done, claimed={}",
            py_list(a.claimed.borrow().iter().map(quoted))
        );
    });
}

/// A task inside `wait_for(coroutine)` cancelled from outside with a message: the inner
/// coroutine sees the message, then the caller gets CancelledError with it, not
/// TimeoutError; `cancelling()` reads 1 in both; a later expiry is a TimeoutError with no
/// message, after which `cancelling()` is back to 0.
#[test]
fn case_662_cancel_message_through_wait_for() {
    async fn inner(name: &'static str) {
        let cancelled = Finally::new(move || {
            let message = task::cancel_message();
            log!(
                "{name} inner sees {}, cancelling={}",
                py_args(message.as_deref()),
                task::cancelling()
            );
        });
        sleep(secs(1.0)).await;
        cancelled.disarm();
    }
    async fn caller(name: &'static str, limit: f64) -> &'static str {
        let cancelled = Finally::new(move || {
            let message = task::cancel_message();
            log!(
                "{name} caller sees {}, cancelling={}",
                py_args(message.as_deref()),
                task::cancelling()
            );
        });
        let r = wait_for(secs(limit), inner(name)).await;
        cancelled.disarm();
        assert!(r.is_err());
        log!("{name} TimeoutError (), cancelling={}", task::cancelling());
        "timeout"
    }
    assert_matches_cpython("662_cancel_message_through_wait_for", async {
        let a = spawn(caller("a", 0.5));
        let b = spawn(caller("b", 0.25));
        sleep(secs(0.125)).await;
        a.cancel_with("shutdown");
        let r = gather_all_tasks(vec![a, b]).await;
        let r = r.iter().map(|x| match x {
            Ok(v) => quoted(v),
            Err(JoinError::Cancelled { .. }) => "\"CancelledError('')\"".to_string(),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(r));
    });
}

/// A TaskGroup child waits on a Condition; a sibling fails while another task holds the
/// Condition's lock: the abort cancels the waiter, which must re-acquire the lock before
/// its cancellation goes on, so the group raises only after the holder released it; a
/// waiter outside the group, notified by the holder, gets the lock after the cancelled one.
#[test]
fn case_663_group_abort_condition_waiter_relock() {
    async fn waiter(cond: Rc<Condition<()>>, name: &'static str) -> Result<(), String> {
        let c = cond.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(c.locked())));
        let g = cond.lock().await;
        let g = cond.wait(g).await;
        log!("{name} notified, locked={}", py_bool(cond.locked()));
        drop(g);
        cancelled.disarm();
        Ok(())
    }
    async fn holder(cond: Rc<Condition<()>>) {
        sleep(secs(0.125)).await;
        let _g = cond.lock().await;
        log!("holder has the lock");
        sleep(secs(0.375)).await;
        cond.notify_all().unwrap();
        log!("holder notifies and releases");
    }
    async fn failer() -> Result<(), String> {
        sleep(secs(0.25)).await;
        log!("failer raises");
        Err("boom".into())
    }
    assert_matches_cpython("663_group_abort_condition_waiter_relock", async {
        let cond = Rc::new(Condition::new(()));
        let outside = spawn(waiter(cond.clone(), "outside"));
        let h = spawn(holder(cond.clone()));
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(waiter(cond.clone(), "in-group"))
            .map(drop)
            .unwrap();
        tg.spawn(failer()).map(drop).unwrap();
        if let Err(e) = tg.join().await {
            let errors = e.failures.iter().map(|f| match f {
                ChildFailure::Error { error, .. } => quoted(error),
                other => panic!("{other:?}"),
            });
            log!(
                "group failed {}, locked={}",
                py_list(errors),
                py_bool(cond.locked())
            );
        }
        outside.await.unwrap().unwrap();
        h.await.unwrap();
        log!("end locked={}", py_bool(cond.locked()));
    });
}

/// `wait_for(shield(sem.acquire()))` expires: the caller gets TimeoutError but the
/// shielded acquire stays in line and later takes the permit, which nobody releases; a
/// plain `wait_for(acquire())` leaves the line instead, so the permit comes back.
#[test]
fn case_664_shielded_acquire_outlives_timeout() {
    async fn holder(sem: Rc<Semaphore>, d: f64) {
        let permit = sem.acquire().await;
        sleep(secs(d)).await;
        drop(permit);
        log!("holder released, value={}", sem.value());
    }
    assert_matches_cpython("664_shielded_acquire_outlives_timeout", async {
        let sem = Rc::new(Semaphore::new(1));
        let h = spawn(holder(sem.clone(), 0.25));
        yield_now().await;
        let s = sem.clone();
        let inner = spawn(async move { s.acquire().await.forget() }).share();
        if wait_for(secs(0.125), shield_task(inner.clone()))
            .await
            .is_err()
        {
            log!(
                "shielded wait timed out, inner done={}",
                py_bool(inner.done())
            );
        }
        h.await.unwrap();
        yield_now().await;
        log!(
            "inner done={} value={} locked={}",
            py_bool(inner.done()),
            sem.value(),
            py_bool(sem.locked())
        );
        sem.release();
        let h2 = spawn(holder(sem.clone(), 0.25));
        yield_now().await;
        if wait_for(secs(0.125), sem.acquire()).await.is_err() {
            log!("plain wait timed out, value={}", sem.value());
        }
        h2.await.unwrap();
        log!("end value={} locked={}", sem.value(), py_bool(sem.locked()));
    });
}

/// A graceful shutdown: workers race `q.get()` against a stop Event with
/// `wait(FIRST_COMPLETED)`, cancelling the loser each time; after stop is set, main gives
/// them a grace period with `wait(timeout=...)` and cancels the straggler; a `get()`
/// cancelled while idle loses no item.
#[test]
fn case_665_graceful_shutdown_grace_period() {
    async fn worker(q: Rc<Queue<f64>>, stop: Rc<Event>, name: String) -> String {
        loop {
            let qq = q.clone();
            let get = spawn(async move { Some(qq.get().await.unwrap()) }).share();
            let st = stop.clone();
            let halt = spawn(async move {
                st.wait().await;
                None
            })
            .share();
            let (done, pending) =
                wait(vec![get.clone(), halt], ReturnWhen::FirstCompleted, None).await;
            for t in &pending {
                t.cancel();
            }
            if !done.iter().any(|t| t.id() == get.id()) {
                log!("{name} stops idle");
                return name;
            }
            let item = get.result().unwrap().unwrap().unwrap();
            log!("{name} works on {item}");
            let cancelled = OnDrop::new(format!("{name} cancelled during {item}"));
            sleep(secs(item)).await;
            cancelled.disarm();
            log!("{name} finished {item}");
        }
    }
    assert_matches_cpython("665_graceful_shutdown_grace_period", async {
        let q = Rc::new(Queue::new());
        let stop = Rc::new(Event::new());
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(worker(q.clone(), stop.clone(), format!("w{i}"))).share())
            .collect();
        for item in [0.125, 1.0, 0.25] {
            q.put_nowait(item).unwrap();
        }
        sleep(secs(0.375)).await;
        stop.set();
        log!("stop set, qsize={}", q.qsize());
        let (done, pending) = wait(ws, ReturnWhen::AllCompleted, Some(secs(0.25))).await;
        let mut names: Vec<String> = done.iter().map(|t| t.result().unwrap().unwrap()).collect();
        names.sort();
        log!(
            "after grace: done={} pending={}",
            py_list(names.iter().map(quoted)),
            pending.len()
        );
        for t in &pending {
            t.cancel();
        }
        gather_all_tasks(pending).await;
        q.put_nowait(0.5).unwrap();
        log!("end qsize={}", q.qsize());
    });
}

//! The fifth round, callbacks and done-callbacks (cases 441, 442, 450): call handles
//! cancelled within a pass, primitives released and fed from callbacks, a task's
//! done-callbacks among its awaiters.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::sync::{Event, Lock, Queue, Semaphore};
use simloop::task::{CallHandle, call_later, call_soon};
use simloop::{ReturnWhen, gather_tasks, log, sleep, spawn, wait, yield_now};

use super::{assert_matches_cpython, py_bool, secs};

/// A queued call_soon cancelled before its turn never runs; a timer callback cancels a
/// timer due at the same instant that fired after it.
#[test]
fn case_441_call_handles_cancelled_in_pass() {
    assert_matches_cpython("441_call_handles_cancelled_in_pass", async {
        let a = call_soon(|| log!("a never"));
        call_soon(|| log!("b runs"));
        a.cancel();
        log!("a cancelled={}", py_bool(a.cancelled()));
        yield_now().await;
        let holder: Rc<RefCell<Option<CallHandle>>> = Rc::new(RefCell::new(None));
        let h = holder.clone();
        call_later(secs(1.0), move || {
            log!("first timer cancels the second");
            h.borrow().as_ref().unwrap().cancel();
        });
        *holder.borrow_mut() = Some(call_later(secs(1.0), || log!("second never")));
        call_later(secs(1.0), || log!("third runs"));
        sleep(secs(2.0)).await;
        let cancelled = holder.borrow().as_ref().unwrap().cancelled();
        log!("second cancelled={}", py_bool(cancelled));
    });
}

/// A Lock released, a Semaphore released, an Event set and a Queue fed from timer
/// callbacks due at one instant wake their waiters in the order the callbacks ran (arming
/// order: the `.fifo.out` trace).
#[test]
fn case_442_primitives_released_from_callbacks() {
    assert_matches_cpython("442_primitives_released_from_callbacks.fifo", async {
        let lock = Rc::new(Lock::new(()));
        let sem = Rc::new(Semaphore::new(0));
        let ev = Rc::new(Event::new());
        let q = Rc::new(Queue::new());
        lock.acquire().await;
        let (qq, e2, s2, l2) = (q.clone(), ev.clone(), sem.clone(), lock.clone());
        let ts = vec![
            spawn(async move { log!("queue waiter got {}", qq.get().await.unwrap()) }),
            spawn(async move {
                e2.wait().await;
                log!("event waiter in");
            }),
            spawn(async move {
                let _p = s2.acquire().await;
                log!("sem waiter in");
            }),
            spawn(async move {
                let _g = l2.lock().await;
                log!("lock waiter in");
            }),
        ];
        yield_now().await;
        call_later(secs(1.0), move || lock.release().unwrap());
        call_later(secs(1.0), move || sem.release());
        call_later(secs(1.0), move || ev.set());
        call_later(secs(1.0), move || q.put_nowait("x").unwrap());
        gather_tasks(ts).await.unwrap();
        log!("all in");
    });
}

/// A task's done-callbacks and awaiters (direct, through gather, through wait) run in
/// registration order when it ends: callbacks and direct awaiters one slot later,
/// combinator callers two.
#[test]
fn case_450_task_done_callbacks_and_awaiters() {
    assert_matches_cpython("450_task_done_callbacks_and_awaiters", async {
        let t = spawn(async {
            sleep(secs(1.0)).await;
            log!("work ends");
            1
        })
        .share();
        t.add_done_callback(|_| log!("cb1"));
        let (g, d1, w, d2) = (t.clone(), t.clone(), t.clone(), t.clone());
        let ws = vec![
            spawn(async move {
                simloop::gather_tasks(vec![g]).await.unwrap();
                log!("gather caller resumed");
            }),
            spawn(async move {
                d1.await.unwrap();
                log!("d1 resumed");
            }),
            spawn(async move {
                wait(vec![w], ReturnWhen::AllCompleted, None).await;
                log!("wait caller resumed");
            }),
            spawn(async move {
                d2.await.unwrap();
                log!("d2 resumed");
            }),
        ];
        yield_now().await;
        t.add_done_callback(|_| log!("cb2"));
        gather_tasks(ws).await.unwrap();
    });
}

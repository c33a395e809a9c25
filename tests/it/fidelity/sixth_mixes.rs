//! The sixth round, primitives and combinators combined (cases 499-508): a TaskGroup body
//! in a shield, Event waiters and Lock holders cancelled, done-callbacks calling
//! call_soon, task_done from callbacks, shields around wait_for, a Semaphore waiter's
//! timeout in the pass of the release, Condition.wait_for cancelled with the lock held,
//! tasks returned from gather children, a Barrier aborted beside a cancelled party.

use std::rc::Rc;

use simloop::sync::{Barrier, Condition, Event, Lock, Queue, Semaphore};
use simloop::task::call_soon;
use simloop::{
    JoinError, TaskGroup, gather_all_tasks, gather_tasks, log, shield_task, sleep, spawn, task,
    timeout, wait_for, wait_for_task, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

fn kinds<T>(r: &[Result<T, JoinError>]) -> String {
    py_list(r.iter().map(|x| match x {
        Err(JoinError::Cancelled { .. }) => "'CancelledError'",
        Ok(_) => "'NoneType'",
        Err(e) => panic!("{e}"),
    }))
}

/// A TaskGroup body awaiting shield(task) is cancelled by a child's failure: the shielded
/// task runs on and is awaited after the group.
#[test]
fn case_499_group_body_in_shield_child_fails() {
    assert_matches_cpython("499_group_body_in_shield_child_fails", async {
        let s = spawn(async {
            sleep(secs(0.5)).await;
            log!("save done");
            "saved"
        })
        .share();
        let tg: TaskGroup<&'static str> = TaskGroup::new();
        let group = tg.clone();
        let inner = s.clone();
        let r = tg
            .scope(async move {
                group
                    .spawn(async {
                        sleep(secs(0.25)).await;
                        log!("child raises");
                        Err::<(), _>("x")
                    })
                    .map(drop)
                    .unwrap();
                let seen = inner.clone();
                let cancelled = super::Finally::new(move || {
                    log!("body cancelled, s done={}", py_bool(seen.done()))
                });
                shield_task(inner).await.unwrap();
                cancelled.disarm();
                Ok(())
            })
            .await;
        if r.is_err() {
            log!("group failed");
        }
        log!("s -> {}", s.await.unwrap());
    });
}

/// An Event waiter woken by set() and cancelled before it runs ends cancelled; the other
/// waiter wakes.
#[test]
fn case_500_event_waiter_cancelled_after_set() {
    async fn waiter(ev: Rc<Event>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        ev.wait().await;
        cancelled.disarm();
        log!("{name} woke");
    }
    assert_matches_cpython("500_event_waiter_cancelled_after_set", async {
        let ev = Rc::new(Event::new());
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(waiter(ev.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        ev.set();
        ws[0].cancel();
        log!("set, then cancelled w0");
        let r = gather_all_tasks(ws).await;
        log!("results {}", kinds(&r));
    });
}

/// A task's done-callback that calls call_soon queues it behind the task's direct awaiter.
#[test]
fn case_501_done_callback_call_soon_vs_awaiter() {
    assert_matches_cpython("501_done_callback_call_soon_vs_awaiter", async {
        let t = spawn(async {
            sleep(secs(0.25)).await;
            log!("a ends");
        })
        .share();
        t.add_done_callback(|_| {
            log!("cb");
            call_soon(|| log!("soon from cb"));
        });
        let t2 = t.clone();
        let w = spawn(async move {
            t2.await.unwrap();
            log!("b resumed");
        });
        sleep(secs(0.5)).await;
        w.await.unwrap();
        log!("end");
    });
}

/// A task cancels itself while holding a Lock: the cancellation arrives at its next await,
/// the lock goes to the waiter.
#[test]
fn case_502_self_cancel_holding_lock() {
    assert_matches_cpython("502_self_cancel_holding_lock", async {
        let lock = Rc::new(Lock::new(()));
        let (l, seen) = (lock.clone(), lock.clone());
        let s = spawn(async move {
            let cancelled = super::Finally::new(move || {
                log!("selfish cancelled, locked={}", py_bool(seen.locked()))
            });
            {
                let _g = l.lock().await;
                log!("selfish holds");
                task::cancel(task::current());
                log!("still running after cancel()");
                sleep(secs(1.0)).await;
                log!("not reached");
            }
            cancelled.disarm();
        });
        let l = lock.clone();
        let w = spawn(async move {
            let _g = l.lock().await;
            log!("waiter holds");
        });
        let r = gather_all_tasks(vec![s, w]).await;
        log!("results {}", kinds(&r));
    });
}

/// task_done() called from call_soon callbacks releases join() one slot after the last
/// callback.
#[test]
fn case_503_queue_task_done_from_callback() {
    assert_matches_cpython("503_queue_task_done_from_callback", async {
        let q = Rc::new(Queue::new());
        for i in 0..2 {
            q.put_nowait(i).unwrap();
        }
        let jq = q.clone();
        let j = spawn(async move {
            jq.join().await;
            log!("joined");
        });
        yield_now().await;
        q.get_nowait().unwrap();
        q.get_nowait().unwrap();
        let q1 = q.clone();
        call_soon(move || q1.task_done().unwrap());
        call_soon(|| log!("between"));
        let q2 = q.clone();
        call_soon(move || q2.task_done().unwrap());
        call_soon(|| log!("after last"));
        j.await.unwrap();
        log!("end");
    });
}

/// wait_for(shield(wait_for(task, 1)), 0.5): the outer expires, the inner wait_for runs on
/// and cancels the task at its own deadline.
#[test]
fn case_504_wait_for_shield_of_wait_for() {
    assert_matches_cpython("504_wait_for_shield_of_wait_for", async {
        let t = spawn(async {
            let cancelled = OnDrop::new("work cancelled");
            sleep(secs(2.0)).await;
            cancelled.disarm();
            "done"
        })
        .share();
        let mut tt = t.clone();
        let inner = spawn(async move { wait_for_task(secs(1.0), &mut tt).await.is_err() }).share();
        if wait_for(secs(0.5), shield_task(inner.clone()))
            .await
            .is_err()
        {
            log!("outer timed out, t done={}", py_bool(t.done()));
        }
        if inner.await.unwrap() {
            log!("inner timed out, t cancelled={}", py_bool(t.cancelled()));
        }
    });
}

/// A Semaphore waiter's timeout expires in the pass the permit is released: the holder's
/// timer armed first releases, the expiry still cancels that waiter's acquire, and the
/// permit goes to the next waiter.
#[test]
fn case_505_semaphore_timeout_handoff_same_pass() {
    async fn user(sem: Rc<Semaphore>, name: &'static str, limit: f64) {
        match timeout(secs(limit), sem.acquire()).await {
            Ok(p) => {
                log!("{name} acquired");
                sleep(secs(0.25)).await;
                drop(p);
            }
            Err(_) => log!("{name} timed out"),
        }
    }
    assert_matches_cpython("505_semaphore_timeout_handoff_same_pass", async {
        let sem = Rc::new(Semaphore::new(1));
        let s = sem.clone();
        let h = spawn(async move {
            let _p = s.acquire().await;
            sleep(secs(0.5)).await;
            log!("holder releases");
        });
        yield_now().await;
        let us = vec![
            spawn(user(sem.clone(), "u0", 0.5)),
            spawn(user(sem.clone(), "u1", 2.0)),
        ];
        h.await.unwrap();
        gather_tasks(us).await.unwrap();
        log!("end value={}", sem.value());
    });
}

/// A task in cond.wait_for(pred) cancelled while the notifier holds the lock ends once the
/// lock is released (it re-acquires first).
#[test]
fn case_506_condition_wait_for_cancelled_lock_held() {
    assert_matches_cpython("506_condition_wait_for_cancelled_lock_held", async {
        let cond = Rc::new(Condition::new(false));
        let c = cond.clone();
        let w = spawn(async move {
            let cancelled = OnDrop::new("waiter cancelled");
            {
                let g = c.lock().await;
                let _g = c.wait_for(g, |ready| *ready).await;
                log!("waiter sees ready");
            }
            cancelled.disarm();
        });
        yield_now().await;
        {
            let _g = cond.lock().await;
            w.cancel();
            log!("cancelled while holding");
            sleep(secs(0.25)).await;
            log!("releasing");
        }
        let a = w.abort_handle();
        gather_all_tasks(vec![w]).await;
        log!("end cancelled={}", py_bool(a.cancelled()));
    });
}

/// A gather child creates a task and returns it; the caller awaits it after the gather.
#[test]
fn case_507_gather_child_returns_task() {
    async fn maker(name: &'static str) -> simloop::JoinHandle<String> {
        sleep(secs(0.125)).await;
        let t = spawn(async move {
            sleep(secs(0.25)).await;
            format!("{name} inner")
        });
        log!("{name} made a task");
        t
    }
    assert_matches_cpython("507_gather_child_returns_task", async {
        let ts = gather_tasks(vec![spawn(maker("a")), spawn(maker("b"))])
            .await
            .unwrap();
        log!("gathered");
        for t in ts {
            log!("{}", t.await.unwrap());
        }
    });
}

/// A Barrier party is cancelled and the barrier aborted in one step: the cancelled one
/// ends cancelled, the other gets BrokenBarrierError.
#[test]
fn case_508_barrier_abort_with_cancelled_party() {
    async fn party(b: Rc<Barrier>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let r = b.wait().await;
        cancelled.disarm();
        match r {
            Ok(_) => log!("{name} passed"),
            Err(_) => log!("{name} broken"),
        }
    }
    assert_matches_cpython("508_barrier_abort_with_cancelled_party", async {
        let b = Rc::new(Barrier::new(3));
        let ps: Vec<_> = (0..2)
            .map(|i| spawn(party(b.clone(), format!("p{i}"))))
            .collect();
        yield_now().await;
        ps[0].cancel();
        b.abort().await;
        log!("aborted");
        gather_all_tasks(ps).await;
        log!("end broken={}", py_bool(b.broken()));
    });
}

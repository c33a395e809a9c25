//! Edges between primitives and cancellation: hand-offs to waiters cancelled before they
//! run, timeouts over gathers, waits and task groups, callbacks acting on tasks (cases
//! 157-164).

use std::rc::Rc;

use futures::StreamExt;
use simloop::task::{call_later, call_soon};
use simloop::{
    Event, JoinError, Lock, Queue, ReturnWhen, Semaphore, Task, TaskGroup, as_completed,
    gather_all_tasks, gather_tasks, log, sleep, spawn, timeout, wait, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// A getter woken for an item but cancelled before it runs does not lose the item.
#[test]
fn case_157_queue_getter_cancelled_after_wake() {
    async fn getter(q: Rc<Queue<&'static str>>, name: &'static str) {
        let guard = OnDrop::new(format!("{name} cancelled"));
        let item = q.get().await.unwrap();
        guard.disarm();
        log!("{name} got {item}");
    }
    assert_matches_cpython("157_queue_getter_cancelled_after_wake", async {
        let q = Rc::new(Queue::new());
        let g1 = spawn(getter(q.clone(), "g1"));
        let g2 = spawn(getter(q.clone(), "g2"));
        yield_now().await;
        q.put_nowait("only").unwrap();
        g1.cancel();
        gather_all_tasks(vec![g1, g2]).await;
        log!("size={}", q.qsize());
    });
}

/// A Lock released to a waiter that is cancelled before it runs passes on.
#[test]
fn case_158_lock_handoff_cancelled() {
    async fn user(lock: Rc<Lock>, name: &'static str) {
        let guard = OnDrop::new(format!("{name} cancelled"));
        let _held = lock.lock().await;
        guard.disarm();
        log!("{name} holds");
        sleep(secs(0.5)).await;
    }
    assert_matches_cpython("158_lock_handoff_cancelled", async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let w1 = spawn(user(lock.clone(), "w1"));
        let w2 = spawn(user(lock.clone(), "w2"));
        sleep(secs(1.0)).await;
        lock.release().unwrap();
        w1.cancel();
        log!("released; locked={}", py_bool(lock.locked()));
        gather_all_tasks(vec![w1, w2]).await;
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// A gather child cancelled from outside makes the gather raise CancelledError; the
/// others keep running.
#[test]
fn case_159_gather_child_cancelled() {
    async fn part(name: &'static str, delay: f64) -> &'static str {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("159_gather_child_cancelled", async {
        let a = spawn(part("a", 1.0)).share();
        let b = spawn(part("b", 2.0)).share();
        let target = a.clone();
        let _canceller = spawn(async move {
            sleep(secs(0.5)).await;
            target.cancel();
        });
        if let Err(e) = gather_tasks(vec![a, b.clone()]).await
            && e.is_cancelled()
        {
            log!("gather raised CancelledError, b done={}", py_bool(b.done()));
        }
        log!("b -> {}", b.await.unwrap());
    });
}

/// A timeout over a gather of a new task and an existing one cancels both, in argument
/// order; a wait_for over wait() cancels nothing.
#[test]
fn case_160_timeout_over_gather_of_tasks() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("160_timeout_over_gather_of_tasks", async {
        let t = spawn(job("existing", 3.0)).share();
        let existing = t.clone();
        let r = timeout(secs(1.0), async move {
            gather_tasks(vec![spawn(job("fresh", 2.0)).share(), existing]).await
        })
        .await;
        if r.is_err() {
            log!(
                "TimeoutError; existing cancelled={}",
                py_bool(t.cancelled())
            );
        }
        let u = spawn(job("kept", 2.0)).share();
        let waited = wait(vec![u.clone()], ReturnWhen::AllCompleted, None);
        if wait_for(secs(1.0), waited).await.is_err() {
            log!("wait timed out; kept cancelled={}", py_bool(u.cancelled()));
        }
        log!("kept -> {}", u.await.unwrap());
    });
}

/// A timeout around a TaskGroup: the expiry cancels the body, the group its children,
/// and the timeout raises. CPython cancels the children in set order (3.12 printed c3
/// first); simloop uses creation order, which 3.13's trace shows, vendored as
/// `.py313.out`.
#[test]
fn case_161_timeout_around_task_group() {
    async fn child(name: &'static str, delay: f64) -> Result<(), ()> {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("161_timeout_around_task_group.py313", async {
        let r = timeout(secs(1.5), async {
            let tg = TaskGroup::new();
            let group = tg.clone();
            tg.scope(async move {
                for (name, delay) in [("c1", 1.0), ("c2", 2.0), ("c3", 3.0)] {
                    group.spawn(child(name, delay)).map(drop).unwrap();
                }
                Ok(())
            })
            .await
            .unwrap();
            log!("never");
        })
        .await;
        if r.is_err() {
            log!("TimeoutError");
        }
        log!("end");
    });
}

/// Callbacks act on tasks and events: call_later cancels a task, call_soon sets an Event.
#[test]
fn case_162_callbacks_cancel_and_set() {
    assert_matches_cpython("162_callbacks_cancel_and_set", async {
        let t = spawn(async {
            let guard = OnDrop::new("sleeper cancelled");
            sleep(secs(10.0)).await;
            guard.disarm();
        });
        let abort = t.abort_handle();
        call_later(secs(1.0), move || {
            abort.cancel();
        });
        let ev = Rc::new(Event::new());
        let e = ev.clone();
        let w = spawn(async move {
            e.wait().await;
            log!("waiter woke");
        });
        sleep(secs(0.5)).await;
        call_soon(move || ev.set());
        log!("set scheduled");
        w.await.unwrap();
        let res = gather_all_tasks(vec![t]).await;
        if let Err(JoinError::Cancelled { .. }) = res[0] {
            log!("sleeper: CancelledError at the callback's time");
        }
    });
}

/// A Semaphore permit handed to a waiter that is cancelled before it runs goes to the
/// next waiter; none leaks.
#[test]
fn case_163_semaphore_handoff_cancelled() {
    async fn worker(sem: Rc<Semaphore>, name: String) {
        let guard = OnDrop::new(format!("{name} cancelled"));
        {
            let _permit = sem.acquire().await;
            log!("{name} in");
            sleep(secs(0.5)).await;
        }
        guard.disarm();
        log!("{name} out");
    }
    assert_matches_cpython("163_semaphore_handoff_cancelled", async {
        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(worker(sem.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(1.0)).await;
        sem.release();
        ws[0].cancel();
        gather_all_tasks(ws).await;
        log!("locked={}", py_bool(sem.locked()));
    });
}

/// as_completed hands back failures in completion order too.
#[test]
fn case_164_as_completed_failures() {
    async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        sleep(secs(delay)).await;
        if fail {
            return Err(format!("{name} failed"));
        }
        Ok(name)
    }
    assert_matches_cpython("164_as_completed_failures", async {
        let tasks: Vec<Task<_>> = [
            ("a", 1.0, false),
            ("b", 0.5, true),
            ("c", 1.5, false),
            ("d", 0.25, true),
        ]
        .into_iter()
        .map(|(n, d, f)| spawn(job(n, d, f)).share())
        .collect();
        let mut stream = as_completed(tasks, None);
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => log!("ok {v}"),
                Err(e) => log!("error {e}"),
            }
        }
        log!("end");
    });
}

//! The seventh round, what real services do (cases 513-521, 530-533, 545, 546): worker
//! pools over a Queue with sentinels, retries with backoff under `wait_for`, rate limiters
//! over a Semaphore with cancellation, `as_completed` feeding a TaskGroup, producers and
//! consumers with `join`, Event-driven state machines, timeouts three deep, shields inside
//! groups inside timeouts, mixed `gather(return_exceptions=True)`, pools refilled with
//! `wait(FIRST_COMPLETED)`, heartbeats pushing a watchdog back.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::{Event, Lock, Queue, Semaphore};
use simloop::task::{self, call_later};
use simloop::{
    ChildFailure, JoinError, ReturnWhen, TaskGroup, as_completed, gather_all_tasks, log, now,
    shield_task, sleep, spawn, timeout, timeout_scope, wait, wait_for,
};

use super::{Finally, assert_matches_cpython, py_list, secs};
use crate::util::OnDrop;

/// A worker pool over a Queue stops on one `None` sentinel per worker; `join()` returns
/// after the last `task_done()`.
#[test]
fn case_513_worker_pool_sentinels() {
    async fn worker(name: String, q: Rc<Queue<Option<u32>>>, results: Rc<RefCell<Vec<u32>>>) {
        loop {
            let Some(item) = q.get().await.unwrap() else {
                log!("{name} stops");
                q.task_done().unwrap();
                return;
            };
            sleep(secs(f64::from(item) * 0.125)).await;
            results.borrow_mut().push(item);
            log!("{name} did {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("513_worker_pool_sentinels", async {
        let q = Rc::new(Queue::new());
        let results = Rc::new(RefCell::new(Vec::new()));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(worker(format!("w{i}"), q.clone(), results.clone())))
            .collect();
        for item in [3, 1, 2, 1, 2] {
            q.put(Some(item)).await.unwrap();
        }
        for _ in &ws {
            q.put(None).await.unwrap();
        }
        q.join().await;
        log!("joined, {} results", results.borrow().len());
        gather_all_tasks(ws).await;
        log!("order {}", py_list(results.borrow().iter()));
    });
}

/// Retries with doubling backoff, each attempt under `wait_for`: the attempts that time
/// out are cancelled, the third succeeds.
#[test]
fn case_514_retry_backoff_wait_for() {
    async fn flaky(attempts: Rc<Cell<u32>>) -> String {
        attempts.set(attempts.get() + 1);
        let n = attempts.get();
        let cancelled = OnDrop::new(format!("attempt {n} cancelled"));
        sleep(secs(if n < 3 { 1.0 } else { 0.125 })).await;
        cancelled.disarm();
        format!("ok on {n}")
    }
    assert_matches_cpython("514_retry_backoff_wait_for", async {
        let attempts = Rc::new(Cell::new(0));
        let mut delay = 0.125;
        for i in 0..5 {
            match wait_for(secs(0.25), flaky(attempts.clone())).await {
                Ok(r) => {
                    log!("got '{r}'");
                    break;
                }
                Err(_) => {
                    log!("timeout {i}, backing off {delay}");
                    sleep(secs(delay)).await;
                    delay *= 2.0;
                }
            }
        }
        log!("done");
    });
}

/// A Semaphore(2) rate limiter; waiting requests cancelled leave the line, the permits go
/// on in order.
#[test]
fn case_515_rate_limiter_semaphore_cancel() {
    async fn request(sem: Rc<Semaphore>, name: String, d: f64) {
        let seen = sem.clone();
        let who = name.clone();
        let cancelled = Finally::new(move || log!("{who} cancelled, value={}", seen.value()));
        {
            let _p = sem.acquire().await;
            log!("{name} start");
            sleep(secs(d)).await;
            log!("{name} end");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("515_rate_limiter_semaphore_cancel", async {
        let sem = Rc::new(Semaphore::new(2));
        let ts: Vec<_> = (0..6)
            .map(|i| {
                let d = 0.25 * f64::from(i % 2 + 1);
                spawn(request(sem.clone(), format!("r{i}"), d))
            })
            .collect();
        sleep(secs(0.125)).await;
        ts[3].cancel();
        ts[4].cancel();
        let res = gather_all_tasks(ts).await;
        let kinds = res.iter().map(|r| match r {
            Ok(()) => "'NoneType'",
            Err(JoinError::Cancelled { .. }) => "'CancelledError'",
            Err(e) => panic!("{e}"),
        });
        log!("{} value={}", py_list(kinds), sem.value());
    });
}

/// `as_completed` results spawned into a TaskGroup as they arrive; the group waits for the
/// follow-ups.
#[test]
fn case_516_as_completed_into_task_group() {
    async fn fetch(i: u32) -> u32 {
        sleep(secs(0.125 * f64::from(4 - i))).await;
        i
    }
    async fn follow(i: u32) -> Result<(), String> {
        sleep(secs(0.125)).await;
        log!("follow-up {i} done");
        Ok(())
    }
    assert_matches_cpython("516_as_completed_into_task_group", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        tg.scope(async move {
            let hs = (0..4).map(|i| spawn(fetch(i))).collect();
            let mut stream = as_completed(hs, None);
            while let Some(r) = stream.next().await {
                let i = r.unwrap().unwrap();
                log!("fetched {i}");
                group.spawn(follow(i)).map(drop).unwrap();
            }
            Ok(())
        })
        .await
        .unwrap();
        log!("group done");
    });
}

/// Producer and consumer with `join()`; one `task_done()` too many is an error; `join`
/// waits for the last item.
#[test]
fn case_517_queue_join_task_done_error() {
    async fn consumer(q: Rc<Queue<u32>>) {
        loop {
            let item = q.get().await.unwrap();
            sleep(secs(0.125)).await;
            log!("consumed {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("517_queue_join_task_done_error", async {
        let q = Rc::new(Queue::with_maxsize(2));
        let c = spawn(consumer(q.clone())).share();
        for i in 0..4 {
            q.put(i).await.unwrap();
            log!("put {i} size={}", q.qsize());
        }
        q.join().await;
        log!("joined");
        if let Err(e) = q.task_done() {
            log!("ValueError {e}");
        }
        c.cancel();
        let _ = gather_all_tasks(vec![c.clone()]).await;
        log!("consumer cancelled={}", super::py_bool(c.cancelled()));
    });
}

/// An Event-driven state machine: each state waits for its event, set by a timer or by
/// the main task; `clear()` re-arms.
#[test]
fn case_518_event_state_machine() {
    async fn machine(events: Rc<[Event; 3]>) -> &'static str {
        let mut state = "idle";
        for (i, next) in ["connecting", "ready", "closing"].into_iter().enumerate() {
            events[i].wait().await;
            log!("{state} -> {next}");
            state = next;
            events[i].clear();
        }
        state
    }
    assert_matches_cpython("518_event_state_machine", async {
        let events = Rc::new([Event::new(), Event::new(), Event::new()]);
        let m = spawn(machine(events.clone()));
        for i in 0..2 {
            let e = events.clone();
            call_later(secs(0.25), move || e[i].set());
        }
        sleep(secs(0.5)).await;
        log!("ready set={}", super::py_bool(events[1].is_set()));
        events[2].set();
        log!("final {}", m.await.unwrap());
    });
}

/// Three nested `timeout()` blocks, the middle deadline first: the middle expires; the
/// inner sees the cancellation pass through; the outer body goes on.
#[test]
fn case_519_timeouts_three_deep_middle_fires() {
    assert_matches_cpython("519_timeouts_three_deep_middle_fires", async {
        let outer = timeout_scope(Some(now() + secs(1.0)), |_| async {
            let middle = timeout_scope(Some(now() + secs(0.25)), |_| async {
                let inner = timeout(secs(0.5), sleep(secs(2.0)));
                let inner_h = inner.handle();
                let exits = Finally::new(move || {
                    log!("inner exits expired={}", super::py_bool(inner_h.expired()))
                });
                let _ = inner.await;
                exits.disarm();
            });
            let middle_h = middle.handle();
            if middle.await.is_err() {
                log!("middle expired={}", super::py_bool(middle_h.expired()));
            }
            sleep(secs(0.125)).await;
            log!("outer body goes on");
        });
        let outer_h = outer.handle();
        if outer.await.is_err() {
            log!("outer timeout");
        }
        log!("outer expired={}", super::py_bool(outer_h.expired()));
    });
}

fn failures(e: &simloop::GroupError<String>) -> String {
    py_list(e.failures.iter().map(|f| match f {
        ChildFailure::Error { error, .. } | ChildFailure::Body { error } => format!("'{error}'"),
        ChildFailure::Panicked { message, .. } => panic!("{message}"),
    }))
}

/// A timeout around a TaskGroup whose child awaits `shield(save)`: the expiry cancels the
/// group's children, the save runs on and is awaited afterwards.
#[test]
fn case_520_shield_in_group_in_timeout() {
    async fn save(name: &'static str) -> &'static str {
        sleep(secs(0.5)).await;
        log!("{name} saved");
        name
    }
    async fn child(s: simloop::Task<&'static str>) -> Result<(), String> {
        let cancelled = OnDrop::new("child cancelled, save running");
        shield_task(s).await.unwrap();
        cancelled.disarm();
        Ok(())
    }
    assert_matches_cpython("520_shield_in_group_in_timeout", async {
        let s = spawn(save("doc")).share();
        let inner = s.clone();
        let r = timeout(secs(0.25), async move {
            let tg: TaskGroup<String> = TaskGroup::new();
            let group = tg.clone();
            tg.scope(async move {
                group.spawn(child(inner)).map(drop).unwrap();
                group
                    .spawn(async {
                        sleep(secs(1.0)).await;
                        Ok(())
                    })
                    .map(drop)
                    .unwrap();
                Ok(())
            })
            .await
        })
        .await;
        if r.is_err() {
            log!("timed out, save done={}", super::py_bool(s.done()));
        }
        log!("save result {}", s.await.unwrap());
    });
}

/// `gather(return_exceptions=True)` over a success, a failure, a task cancelled by a timer
/// callback, and a task cancelling itself.
#[test]
fn case_521_gather_return_exceptions_mixed_cancel() {
    type R = Result<&'static str, &'static str>;
    assert_matches_cpython("521_gather_return_exceptions_mixed_cancel", async {
        let v = spawn(async {
            sleep(secs(1.0)).await;
            R::Ok("victim")
        });
        let va = v.abort_handle();
        call_later(secs(0.375), move || {
            va.cancel();
        });
        let ok = spawn(async {
            sleep(secs(0.125)).await;
            R::Ok("ok")
        });
        let bad = spawn(async {
            sleep(secs(0.25)).await;
            R::Err("bad")
        });
        let self_cancel = spawn(async {
            sleep(secs(0.125)).await;
            task::cancel(task::current());
            simloop::yield_now().await;
            R::Ok("unreachable")
        });
        let res = gather_all_tasks(vec![ok, bad, v, self_cancel]).await;
        log!(
            "{}",
            py_list(res.iter().map(|r| match r {
                Ok(Ok(v)) => format!("'{v}'"),
                Ok(Err(e)) => format!("ValueError('{e}')"),
                Err(JoinError::Cancelled { .. }) => "CancelledError('')".to_string(),
                Err(e) => panic!("{e}"),
            }))
        );
    });
}

/// A pool kept at two tasks with `wait(FIRST_COMPLETED)`: each finished task is replaced;
/// results in completion order.
#[test]
fn case_530_wait_first_completed_pool_refill() {
    async fn job(i: u32) -> u32 {
        sleep(secs(0.125 * f64::from(1 + i % 3))).await;
        i
    }
    assert_matches_cpython("530_wait_first_completed_pool_refill", async {
        let mut todo: Vec<u32> = (0..6).collect();
        let mut running = Vec::new();
        let mut order = Vec::new();
        while !todo.is_empty() || !running.is_empty() {
            while !todo.is_empty() && running.len() < 2 {
                running.push(spawn(job(todo.remove(0))));
            }
            let (done, pending) = wait(running, ReturnWhen::FirstCompleted, None).await;
            running = pending;
            let mut results = Vec::new();
            for h in done {
                results.push(h.await.unwrap());
            }
            results.sort_unstable();
            for r in results {
                order.push(r);
                log!("done {r}, running {}", running.len());
            }
        }
        log!("order {}", py_list(order));
    });
}

/// `wait_for(lock.acquire(), 0.25)` retried until the holder lets go; no acquisition leaks.
#[test]
fn case_531_wait_for_retries_lock() {
    assert_matches_cpython("531_wait_for_retries_lock", async {
        let lock = Rc::new(Lock::new(()));
        let l = lock.clone();
        let h = spawn(async move {
            let _g = l.lock().await;
            sleep(secs(0.625)).await;
            log!("holder releases");
        });
        simloop::yield_now().await;
        let mut tries = 0;
        loop {
            tries += 1;
            if wait_for(secs(0.25), lock.acquire()).await.is_ok() {
                break;
            }
            log!(
                "try {tries} timed out, locked={}",
                super::py_bool(lock.locked())
            );
        }
        log!("acquired after {tries} tries");
        lock.release().unwrap();
        h.await.unwrap();
        log!("locked={}", super::py_bool(lock.locked()));
    });
}

/// A watchdog timeout pushed back by each heartbeat; when the heartbeats stop it expires.
#[test]
fn case_532_timeout_reschedule_heartbeat() {
    assert_matches_cpython("532_timeout_reschedule_heartbeat", async {
        let beats = Rc::new(Cell::new(0));
        let b = beats.clone();
        let r = timeout_scope(Some(now() + secs(0.25)), |cm| async move {
            loop {
                sleep(secs(if b.get() < 3 { 0.125 } else { 0.5 })).await;
                b.set(b.get() + 1);
                cm.reschedule(Some(now() + secs(0.25))).unwrap();
                log!("beat {}, deadline {}", b.get(), cm.deadline().unwrap());
            }
        })
        .await;
        if r.is_err() {
            log!("watchdog fired after {} beats", beats.get());
        }
    });
}

/// TaskGroup workers blocked on `Queue.get` are cancelled when one worker fails; the
/// group cancels them in creation order (3.13's trace; 3.12 iterates a set).
#[test]
fn case_533_group_child_fails_while_siblings_hold_queue() {
    async fn worker(q: Rc<Queue<&'static str>>, name: String) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        loop {
            let item = q.get().await.unwrap();
            if item == "bad" {
                cancelled.disarm();
                return Err(format!("{name} got bad"));
            }
            log!("{name} handled {item}");
            sleep(secs(0.125)).await;
        }
    }
    assert_matches_cpython(
        "533_group_child_fails_while_siblings_hold_queue.py313",
        async {
            let q = Rc::new(Queue::new());
            for item in ["a", "b", "c", "bad", "d", "e"] {
                q.put_nowait(item).unwrap();
            }
            let tg: TaskGroup<String> = TaskGroup::new();
            for i in 0..3 {
                tg.spawn(worker(q.clone(), format!("w{i}")))
                    .map(drop)
                    .unwrap();
            }
            if let Err(e) = tg.join().await {
                log!("group failed: {}", failures(&e));
            }
            log!("left {}", q.qsize());
        },
    );
}

/// Workers wait for items with `wait_for(q.get(), 0.25)` and exit when idle; late items go
/// to whoever waits.
#[test]
fn case_545_queue_get_wait_for_idle_workers() {
    async fn worker(q: Rc<Queue<u32>>, name: String) {
        loop {
            let Ok(item) = wait_for(secs(0.25), q.get()).await else {
                log!("{name} idle, exits");
                return;
            };
            log!("{name} got {}", item.unwrap());
            sleep(secs(0.125)).await;
        }
    }
    assert_matches_cpython("545_queue_get_wait_for_idle_workers", async {
        let q = Rc::new(Queue::new());
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(worker(q.clone(), format!("w{i}"))))
            .collect();
        for i in 0..3 {
            sleep(secs(0.125)).await;
            q.put_nowait(i).unwrap();
        }
        gather_all_tasks(ws).await;
        log!("left {}", q.qsize());
    });
}

/// gather raises the first failure; the caller then cancels the still-running children
/// itself, and a second gather lists every outcome.
#[test]
fn case_546_gather_first_failure_others_cancelled_by_caller() {
    async fn job(name: &'static str, d: f64, fail: bool) -> Result<&'static str, &'static str> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        if fail {
            return Err(name);
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython(
        "546_gather_first_failure_others_cancelled_by_caller",
        async {
            let ts: Vec<_> = [
                ("a", 0.125, false),
                ("b", 0.25, true),
                ("c", 0.5, false),
                ("d", 0.375, false),
            ]
            .into_iter()
            .map(|(n, d, f)| spawn(job(n, d, f)).share())
            .collect();
            if let Err(simloop::GatherError::Failed(e)) =
                simloop::try_gather_tasks(ts.clone()).await
            {
                log!("gather raised {e}");
                for t in &ts {
                    if !t.done() {
                        t.cancel();
                    }
                }
            }
            let res = gather_all_tasks(ts).await;
            log!(
                "{}",
                py_list(res.iter().map(|r| match r {
                    Ok(Ok(v)) => format!("'{v}'"),
                    Ok(Err(e)) => format!("ValueError('{e}')"),
                    Err(JoinError::Cancelled { .. }) => "CancelledError('')".to_string(),
                    Err(e) => panic!("{e}"),
                }))
            );
        },
    );
}

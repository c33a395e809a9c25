//! The fourth round, waits of every kind together (cases 398-409): workers with idle
//! timeouts, a gather whose child is cancelled, spawning into an aborting TaskGroup, one
//! task shielded by two callers, every kind of wake-up queued in one step, timeouts moved
//! inside TaskGroup children, a Condition predicate under a timeout tied with its notifier,
//! awaits of finished work, a Semaphore(0) as a signal, a timeout with no deadline, a
//! Barrier aborted while draining, LifoQueue getters cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::sync::Promise;
use simloop::task::{AbortHandle, call_later, call_soon};
use simloop::{
    Barrier, Condition, Event, Instant, JoinError, LifoQueue, Queue, Semaphore, SpawnError, Task,
    TaskGroup, gather, gather_all_tasks, gather_tasks, log, now, shield_task, sleep, spawn,
    timeout_scope, wait_for, wait_for_task, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// Workers that stop after an idle `wait_for(q.get(), 1)`: items put at irregular times go
/// to the waiting workers in turn; a get given up by its timeout loses no item.
#[test]
fn case_398_worker_idle_timeout() {
    async fn worker(q: Rc<Queue<&'static str>>, name: String) {
        loop {
            let Ok(item) = wait_for(secs(1.0), q.get()).await else {
                log!("{name} idle, stops");
                return;
            };
            log!("{name} took {}", item.unwrap());
            sleep(secs(0.25)).await;
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("398_worker_idle_timeout", async {
        let q = Rc::new(Queue::new());
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(worker(q.clone(), format!("w{i}"))))
            .collect();
        for (delay, item) in [(0.0, "a"), (0.5, "b"), (0.0, "c"), (0.75, "d"), (1.0, "e")] {
            if delay == 0.0 {
                yield_now().await;
            } else {
                sleep(secs(delay)).await;
            }
            q.put_nowait(item).unwrap();
            log!("put {item}");
        }
        gather_tasks(ws).await.unwrap();
        log!(
            "left qsize={} unfinished={}",
            q.qsize(),
            q.unfinished_tasks()
        );
    });
}

/// gather (no return_exceptions) over tasks, one cancelled from outside: the gather raises
/// CancelledError to its caller, which is not cancelled; the other children run on.
#[test]
fn case_399_gather_child_cancelled_others_run() {
    async fn job(name: &'static str, delay: f64) -> &'static str {
        sleep(secs(delay)).await;
        log!("{name} done");
        name
    }
    async fn body(me: Rc<RefCell<Option<AbortHandle>>>) {
        let ts: Vec<Task<&'static str>> = [("a", 1.0), ("b", 2.0), ("c", 3.0)]
            .into_iter()
            .map(|(n, d)| spawn(job(n, d)).share())
            .collect();
        let b = ts[1].abort_handle();
        call_later(secs(1.5), move || {
            b.cancel();
        });
        if let Err(JoinError::Cancelled { .. }) = gather_tasks(ts.clone()).await {
            let cancelling = me.borrow().as_ref().unwrap().cancelling();
            log!("gather raised CancelledError, main cancelling={cancelling}");
        }
        log!("c done={}", py_bool(ts[2].done()));
        log!("c result {}", ts[2].clone().await.unwrap());
    }
    assert_matches_cpython("399_gather_child_cancelled_others_run", async {
        let me = Rc::new(RefCell::new(None));
        let t = spawn(body(me.clone()));
        *me.borrow_mut() = Some(t.abort_handle());
        t.await.unwrap();
    });
}

/// After a child fails, spawning into the aborting TaskGroup is refused (RuntimeError "is
/// shutting down"), here from the cancelled sibling's cleanup; after the group ended, "is
/// finished".
#[test]
fn case_400_group_spawn_while_aborting() {
    async fn bad() -> Result<(), &'static str> {
        sleep(secs(0.5)).await;
        log!("bad fails");
        Err("bad")
    }
    async fn spawner(tg: TaskGroup<&'static str>) -> Result<(), &'static str> {
        let cleanup = Finally::new(move || {
            log!("spawner cancelled");
            if let Err(SpawnError::ShuttingDown) = tg.spawn(async { Ok(()) }) {
                log!("create_task refused: shutting down=True");
            }
        });
        sleep(secs(1.0)).await;
        cleanup.disarm();
        Ok(())
    }
    assert_matches_cpython("400_group_spawn_while_aborting", async {
        let tg = TaskGroup::new();
        tg.spawn(bad()).map(drop).unwrap();
        tg.spawn(spawner(tg.clone())).map(drop).unwrap();
        if tg.join().await.is_err() {
            log!("group failed");
        }
        if let Err(SpawnError::Finished) = tg.spawn(async { Ok(()) }) {
            log!("after exit: finished=True");
        }
    });
}

/// One task shielded by two callers, both cancelled at different times: the task runs on,
/// and a third caller awaiting it directly gets its result.
#[test]
fn case_401_shielded_task_two_callers_cancelled() {
    async fn work() -> u32 {
        sleep(secs(2.0)).await;
        log!("work done");
        42
    }
    async fn caller(t: Task<u32>, name: &'static str) {
        let seen = t.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, t done={}", py_bool(seen.done())));
        let r = shield_task(t).await.unwrap();
        cancelled.disarm();
        log!("{name} got {r}");
    }
    assert_matches_cpython("401_shielded_task_two_callers_cancelled", async {
        let t = spawn(work()).share();
        let c1 = spawn(caller(t.clone(), "c1"));
        let c2 = spawn(caller(t.clone(), "c2"));
        let direct = t.clone();
        let d = spawn(async move { log!("direct got {}", direct.await.unwrap()) });
        sleep(secs(0.5)).await;
        c1.cancel();
        sleep(secs(1.0)).await;
        c2.cancel();
        let (h1, h2) = (c1.abort_handle(), c2.abort_handle());
        gather_all_tasks(vec![c1, c2, d]).await;
        log!(
            "c1 cancelled={} c2 cancelled={} t cancelled={}",
            py_bool(h1.cancelled()),
            py_bool(h2.cancelled()),
            py_bool(t.cancelled())
        );
    });
}

/// One step queues a call_soon, an Event wake, a Future wake and a task's first step: they
/// run in the order queued; a sleep(0) loop takes its turn between them.
#[test]
fn case_402_wakeup_kinds_interleave() {
    async fn spinner() {
        for i in 0..3 {
            log!("spin {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("402_wakeup_kinds_interleave", async {
        let ev = Rc::new(Event::new());
        let f = Rc::new(Promise::<&'static str>::new());
        let s = spawn(spinner());
        let waits = ev.clone();
        let e = spawn(async move {
            waits.wait().await;
            log!("event waiter");
        });
        let fut = f.clone();
        let w = spawn(async move { log!("future waiter got {}", fut.wait().await.unwrap()) });
        yield_now().await;
        log!("main queues four");
        call_soon(|| log!("call_soon"));
        ev.set();
        f.set_result("v").unwrap();
        let n = spawn(async { log!("fresh task first step") });
        gather_tasks(vec![s, e, w, n]).await.unwrap();
        log!("end");
    });
}

/// TaskGroup children extend their own timeouts with reschedule(); one is cut short by a
/// deadline in the past; their TimeoutErrors stay inside them, the group ends normally.
#[test]
fn case_403_timeout_reschedule_in_group_child() {
    async fn child(name: &'static str, plan: &'static [(f64, f64)]) -> Result<&'static str, ()> {
        let scope = timeout_scope(Some(now() + secs(1.0)), |cm| async move {
            for &(step, extra) in plan {
                sleep(secs(step)).await;
                // A deadline in the past (Python's `loop.time() - 1`) is due at once either
                // way; the virtual clock cannot go below zero.
                let when = if extra < 0.0 {
                    now() - secs(step.min(-extra))
                } else {
                    now() + secs(extra)
                };
                cm.reschedule(Some(when)).unwrap();
                log!("{name} moved its deadline by {extra}");
            }
            sleep(secs(5.0)).await;
        });
        let cm = scope.handle();
        scope.await.unwrap_err();
        log!("{name} timed out, expired={}", py_bool(cm.expired()));
        Ok(name)
    }
    assert_matches_cpython("403_timeout_reschedule_in_group_child", async {
        let tg = TaskGroup::new();
        let a = tg.spawn(child("a", &[(0.5, 1.0), (0.75, 1.0)])).unwrap();
        let b = tg.spawn(child("b", &[(0.5, -1.0)])).unwrap();
        let c = tg.spawn(child("c", &[])).unwrap();
        tg.join().await.unwrap();
        let mut names = Vec::new();
        for h in [a, b, c] {
            names.push(format!("'{}'", h.await.unwrap().unwrap()));
        }
        log!("group done: {}", py_list(names));
    });
}

/// `wait_for(cond.wait_for(pred), t)` whose deadline ties with the notifier's sleep: the
/// earlier-armed timer decides; here both waiters' expiries are delivered before they run
/// (the lock is free when they give up, so re-acquiring it changes nothing).
#[test]
fn case_404_condition_wait_for_predicate_tie() {
    async fn consumer(cond: Rc<Condition<u32>>, name: &'static str, limit: f64) {
        let guard = cond.lock().await;
        match wait_for(secs(limit), cond.wait_for(guard, |n| *n > 0)).await {
            Ok(n) => log!("{name} sees {}", *n),
            Err(_) => log!("{name} timed out"),
        }
    }
    async fn producer(cond: Rc<Condition<u32>>) {
        sleep(secs(1.0)).await;
        let mut n = cond.lock().await;
        *n += 1;
        cond.notify_all().unwrap();
        log!("produced");
    }
    assert_matches_cpython("404_condition_wait_for_predicate_tie", async {
        let cond = Rc::new(Condition::new(0));
        let early = spawn(consumer(cond.clone(), "early", 1.0));
        let p = spawn(producer(cond.clone()));
        let late = spawn(consumer(cond.clone(), "late", 1.0));
        gather_tasks(vec![early, p, late]).await.unwrap();
        log!("locked={}", py_bool(cond.locked()));
    });
}

/// Awaits that find their work done do not yield: shield and wait_for of a finished task,
/// an empty gather. A TaskGroup whose child has ended still waits for the child's
/// done-callback (two slots), as asyncio's `__aexit__` waits for `_on_task_done`.
///
/// Regression (bug: `shield_task` of a finished task waited for a done-callback and a wake,
/// two slots; asyncio's `shield` returns the finished task itself, whose await does not
/// yield).
#[test]
fn case_405_done_fast_paths() {
    async fn quick() -> u32 {
        5
    }
    assert_matches_cpython("405_done_fast_paths", async {
        let t = spawn(quick()).share();
        let k = spawn(async {
            for i in 0..6 {
                log!("tick {i}");
                yield_now().await;
            }
        });
        yield_now().await;
        log!("t done={}", py_bool(t.done()));
        log!(
            "shield of a finished task: {}",
            shield_task(t.clone()).await.unwrap()
        );
        let mut again = t.clone();
        let r = wait_for_task(secs(1.0), &mut again).await.unwrap().unwrap();
        log!("wait_for of a finished task: {r}");
        let none: Vec<std::future::Ready<u32>> = Vec::new();
        let empty = gather(none).await.unwrap();
        log!("gather of nothing: {}", py_list(empty));
        let tg = TaskGroup::<()>::new();
        let c = tg.spawn(async { Ok(quick().await) }).unwrap();
        yield_now().await;
        log!("child done={}", py_bool(c.is_finished()));
        tg.join().await.unwrap();
        log!("group exited");
        yield_now().await;
        log!("main yields");
        k.await.unwrap();
    });
}

/// Semaphore(0) as a signal: waiters queue in order; each release wakes the first, a
/// release with nobody waiting is banked for the next acquire, which does not yield.
#[test]
fn case_406_semaphore_zero_signal() {
    async fn waiter(sem: Rc<Semaphore>, name: String) {
        sem.acquire().await.forget();
        log!("{name} signalled");
    }
    assert_matches_cpython("406_semaphore_zero_signal", async {
        let sem = Rc::new(Semaphore::new(0));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(waiter(sem.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        sem.release();
        log!("released once");
        yield_now().await;
        sem.release();
        sem.release();
        sem.release();
        log!("released three more, value={}", sem.value());
        gather_tasks(ws).await.unwrap();
        log!("value={}", sem.value());
        sem.acquire().await.forget();
        log!(
            "banked permit taken without yielding, value={}",
            sem.value()
        );
    });
}

/// A timeout with no deadline never expires until another task sets one; a timeout with no
/// deadline at all (asyncio's `wait_for(x, None)`) waits as long as needed.
#[test]
fn case_407_timeout_none_then_reschedule() {
    fn secs_of(i: Instant) -> f64 {
        (i - Instant::ZERO).as_secs_f64()
    }
    assert_matches_cpython("407_timeout_none_then_reschedule", async {
        let boxed: Rc<RefCell<Option<simloop::TimeoutHandle>>> = Rc::default();
        let held = boxed.clone();
        let s = spawn(async move {
            sleep(secs(2.0)).await;
            let cm = held.borrow().clone().unwrap();
            cm.reschedule(Some(now() + secs(0.5))).unwrap();
            log!("deadline set, when={}", secs_of(cm.deadline().unwrap()));
        });
        let scope = timeout_scope(None, |cm| async move {
            log!(
                "when={}",
                cm.deadline()
                    .map_or("None".to_string(), |d| secs_of(d).to_string())
            );
            sleep(secs(10.0)).await;
        });
        let cm = scope.handle();
        *boxed.borrow_mut() = Some(cm.clone());
        if scope.await.is_err() {
            log!("timed out, expired={}", py_bool(cm.expired()));
        }
        s.await.unwrap();
        let r = timeout_scope(None, |_| async {
            sleep(secs(3.0)).await;
            "slept"
        })
        .await
        .unwrap();
        log!("wait_for(None) returned {r}");
    });
}

/// A Barrier round passes and, while a released party has not run yet, a new arrival
/// waits for the next round; abort() then breaks the new round and the released party
/// that had not left yet.
#[test]
fn case_408_barrier_abort_while_draining() {
    async fn party(b: Rc<Barrier>, name: &'static str, delay: f64) {
        if delay > 0.0 {
            sleep(secs(delay)).await;
        } else {
            yield_now().await;
        }
        match b.wait().await {
            Ok(i) => log!("{name} passes as {i}"),
            Err(_) => log!("{name} broken"),
        }
    }
    assert_matches_cpython("408_barrier_abort_while_draining", async {
        let b = Rc::new(Barrier::new(2));
        let ts = vec![
            spawn(party(b.clone(), "a", 0.0)),
            spawn(party(b.clone(), "b", 0.5)),
            spawn(party(b.clone(), "c", 0.5)),
        ];
        sleep(secs(0.5)).await;
        yield_now().await;
        log!("n_waiting={} broken={}", b.n_waiting(), py_bool(b.broken()));
        b.abort().await;
        log!("aborted, broken={}", py_bool(b.broken()));
        gather_tasks(ts).await.unwrap();
    });
}

/// LifoQueue getters waiting, the first cancelled; items put in one step go to the
/// remaining getters in wait order, each taking the newest item when it runs.
#[test]
fn case_409_lifo_getters_cancelled() {
    async fn getter(q: Rc<LifoQueue<u32>>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let item = q.get().await.unwrap();
        cancelled.disarm();
        log!("{name} got {item}");
    }
    assert_matches_cpython("409_lifo_getters_cancelled", async {
        let q = Rc::new(LifoQueue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        gs[0].cancel();
        for item in [1, 2, 3] {
            q.put_nowait(item).unwrap();
        }
        log!("put 1 2 3");
        gather_all_tasks(gs).await;
        log!("left {}", q.get_nowait().unwrap());
    });
}

//! The sixth round, primitives under cancellation (cases 462-465, 472, 473, 478-480, 482,
//! 488, 494, 495): tasks blocked in Queue.get/put/join cancelled, Lock and Semaphore
//! hand-offs with the woken waiter cancelled in the same step, Event set and clear in one
//! step, Barrier parties cancelled, Condition waiters cancelled with the lock held or free.

use std::rc::Rc;

use simloop::sync::{Barrier, Condition, Event, Lock, PriorityQueue, Queue, Semaphore};
use simloop::task::call_later;
use simloop::{JoinError, gather_all_tasks, log, sleep, spawn, wait_for, yield_now};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// A getter blocked in Queue.get cancelled from outside leaves the line; the next put goes
/// to the next getter.
#[test]
fn case_462_queue_getter_cancelled_blocked() {
    async fn getter(q: Rc<Queue<&'static str>>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let item = q.get().await.unwrap();
        cancelled.disarm();
        log!("{name} got {item}");
    }
    assert_matches_cpython("462_queue_getter_cancelled_blocked", async {
        let q = Rc::new(Queue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        gs[0].cancel();
        yield_now().await;
        q.put_nowait("a").unwrap();
        q.put_nowait("b").unwrap();
        log!("put two, size={}", q.qsize());
        gather_all_tasks(gs).await;
        log!("end size={}", q.qsize());
    });
}

/// A task blocked in Queue.join() cancelled from outside; the other joiner is released by
/// the last task_done().
#[test]
fn case_463_queue_join_waiter_cancelled() {
    async fn joiner(q: Rc<Queue<u32>>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        q.join().await;
        cancelled.disarm();
        log!("{name} joined");
    }
    assert_matches_cpython("463_queue_join_waiter_cancelled", async {
        let q = Rc::new(Queue::new());
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        let js: Vec<_> = (0..2)
            .map(|i| spawn(joiner(q.clone(), format!("j{i}"))))
            .collect();
        yield_now().await;
        js[0].cancel();
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        sleep(secs(0.125)).await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("all done");
        let res = gather_all_tasks(js).await;
        let kinds = res.iter().map(|r| match r {
            Err(JoinError::Cancelled { .. }) => "'CancelledError'",
            Ok(()) => "'NoneType'",
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(kinds));
    });
}

/// The first Lock waiter cancelled, then the lock released in the same step: the lock goes
/// to the second waiter.
#[test]
fn case_464_lock_cancel_then_release_same_step() {
    async fn user(lock: Rc<Lock>, name: String) {
        let seen = lock.clone();
        let who = name.clone();
        let cancelled =
            Finally::new(move || log!("{who} cancelled, locked={}", py_bool(seen.locked())));
        {
            let _g = lock.lock().await;
            log!("{name} holds");
            sleep(secs(0.25)).await;
        }
        cancelled.disarm();
    }
    assert_matches_cpython("464_lock_cancel_then_release_same_step", async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let us: Vec<_> = (0..3)
            .map(|i| spawn(user(lock.clone(), format!("u{i}"))))
            .collect();
        yield_now().await;
        us[0].cancel();
        lock.release().unwrap();
        log!("released, locked={}", py_bool(lock.locked()));
        gather_all_tasks(us).await;
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// Two releases with the first woken waiter cancelled in the same step: the permits go to
/// the next two waiters, none leaks.
#[test]
fn case_465_semaphore_release_twice_cancel_first() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        {
            let _p = sem.acquire().await;
            log!("{name} in");
            sleep(secs(0.25)).await;
            log!("{name} out");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("465_semaphore_release_twice_cancel_first", async {
        let sem = Rc::new(Semaphore::new(0));
        let us: Vec<_> = (0..4)
            .map(|i| spawn(user(sem.clone(), format!("u{i}"))))
            .collect();
        yield_now().await;
        sem.release();
        sem.release();
        us[0].cancel();
        log!("released two, cancelled u0");
        gather_all_tasks(us).await;
        log!("end value={}", sem.value());
    });
}

/// Event.set then clear in one step wakes the waiters; a waiter arriving after clear waits
/// for a timer's set.
#[test]
fn case_472_event_set_clear_same_pass_timer_set() {
    async fn waiter(ev: Rc<Event>, name: &'static str) {
        ev.wait().await;
        log!("{name} woke, is_set={}", py_bool(ev.is_set()));
    }
    assert_matches_cpython("472_event_set_clear_same_pass_timer_set", async {
        let ev = Rc::new(Event::new());
        let mut ws: Vec<_> = ["w0", "w1"]
            .into_iter()
            .map(|n| spawn(waiter(ev.clone(), n)))
            .collect();
        yield_now().await;
        ev.set();
        ev.clear();
        ws.push(spawn(waiter(ev.clone(), "late")));
        log!("set and cleared");
        let e = ev.clone();
        call_later(secs(0.25), move || e.set());
        gather_all_tasks(ws).await;
        log!("end");
    });
}

/// A Barrier party cancelled while waiting leaves its place (re-taking the condition's lock
/// first); a later arrival fills the round.
#[test]
fn case_473_barrier_party_cancelled_then_filled() {
    async fn party(b: Rc<Barrier>, name: String) {
        let seen = b.clone();
        let who = name.clone();
        let cancelled = Finally::new(move || log!("{who} cancelled, waiting={}", seen.n_waiting()));
        let i = b.wait().await.unwrap();
        cancelled.disarm();
        log!("{name} passed as {i}");
    }
    assert_matches_cpython("473_barrier_party_cancelled_then_filled", async {
        let b = Rc::new(Barrier::new(3));
        let mut ps: Vec<_> = (0..2)
            .map(|i| spawn(party(b.clone(), format!("p{i}"))))
            .collect();
        yield_now().await;
        log!("waiting={}", b.n_waiting());
        ps[0].cancel();
        yield_now().await;
        log!("after cancel waiting={}", b.n_waiting());
        ps.push(spawn(party(b.clone(), "p2".into())));
        ps.push(spawn(party(b.clone(), "p3".into())));
        gather_all_tasks(ps).await;
        log!(
            "end waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
    });
}

async fn cond_waiter(cond: Rc<Condition>, name: String) {
    let seen = cond.clone();
    let who = name.clone();
    let cancelled =
        Finally::new(move || log!("{who} cancelled, locked={}", py_bool(seen.locked())));
    {
        let g = cond.lock().await;
        let _g = cond.wait(g).await;
        log!("{name} woke");
    }
    cancelled.disarm();
}

/// A Condition waiter cancelled while another task holds the lock ends only when it has
/// re-acquired the lock (asyncio's `Condition.wait` re-acquires before raising).
#[test]
fn case_478_condition_waiter_cancelled_lock_held() {
    async fn holder(cond: Rc<Condition>) {
        let _g = cond.lock().await;
        log!("holder has the lock");
        sleep(secs(0.5)).await;
        log!("holder releases");
    }
    assert_matches_cpython("478_condition_waiter_cancelled_lock_held", async {
        let cond = Rc::new(Condition::new(()));
        let w = spawn(cond_waiter(cond.clone(), "w".into()));
        yield_now().await;
        let h = spawn(holder(cond.clone()));
        sleep(secs(0.25)).await;
        w.cancel();
        yield_now().await;
        log!("w done={}", py_bool(w.is_finished()));
        let _ = w.await;
        h.await.unwrap();
        log!("end locked={}", py_bool(cond.locked()));
    });
}

/// A Condition waiter cancelled with the lock free re-acquires it at its turn and ends in
/// that step; a notify afterwards goes to the other waiter.
#[test]
fn case_479_condition_waiter_cancelled_lock_free() {
    assert_matches_cpython("479_condition_waiter_cancelled_lock_free", async {
        let cond = Rc::new(Condition::new(()));
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(cond_waiter(cond.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        ws[0].cancel();
        yield_now().await;
        log!("locked={}", py_bool(cond.locked()));
        {
            let _g = cond.lock().await;
            cond.notify(1).unwrap();
            log!("notified one");
        }
        gather_all_tasks(ws).await;
        log!("end");
    });
}

/// A Barrier round passes and a released party is cancelled before it runs: it ends
/// cancelled, the others pass; the barrier is whole for the next round.
#[test]
fn case_480_barrier_cancel_after_release() {
    async fn party(b: Rc<Barrier>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let i = b.wait().await.unwrap();
        cancelled.disarm();
        log!("{name} passed as {i}");
    }
    assert_matches_cpython("480_barrier_cancel_after_release", async {
        let b = Rc::new(Barrier::new(3));
        let mut ps: Vec<_> = (0..2)
            .map(|i| spawn(party(b.clone(), format!("p{i}"))))
            .collect();
        yield_now().await;
        let last = spawn(party(b.clone(), "p2".into()));
        yield_now().await;
        ps[0].cancel();
        ps.push(last);
        gather_all_tasks(ps).await;
        log!(
            "end waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
        let qs: Vec<_> = (0..3)
            .map(|i| spawn(party(b.clone(), format!("q{i}"))))
            .collect();
        gather_all_tasks(qs).await;
    });
}

/// A blocked putter is cancelled in the step that frees a slot: the next putter gets it.
#[test]
fn case_482_queue_putter_cancelled_same_pass_get() {
    async fn putter(q: Rc<Queue<String>>, name: String, item: u32) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        q.put(item.to_string()).await.unwrap();
        cancelled.disarm();
        log!("{name} put {item}");
    }
    assert_matches_cpython("482_queue_putter_cancelled_same_pass_get", async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait("x".to_string()).unwrap();
        let ps: Vec<_> = (0..3)
            .map(|i| spawn(putter(q.clone(), format!("p{i}"), i)))
            .collect();
        yield_now().await;
        ps[0].cancel();
        log!("got {}", q.get_nowait().unwrap());
        yield_now().await;
        log!("size={}", q.qsize());
        log!("got {}", q.get_nowait().unwrap());
        gather_all_tasks(ps).await;
        let items: Vec<String> = (0..q.qsize()).map(|_| q.get_nowait().unwrap()).collect();
        log!("end items={}", py_list(items));
    });
}

/// wait_for(lock.acquire()) waiting while the holder is cancelled: the waiter gets the
/// lock before its deadline.
#[test]
fn case_488_wait_for_lock_acquire_holder_cancelled() {
    assert_matches_cpython("488_wait_for_lock_acquire_holder_cancelled", async {
        let lock = Rc::new(Lock::new(()));
        let l = lock.clone();
        let h = spawn(async move {
            let _g = l.lock().await;
            log!("holder in");
            let cancelled = OnDrop::new("holder cancelled");
            sleep(secs(5.0)).await;
            cancelled.disarm();
        });
        yield_now().await;
        let l = lock.clone();
        let w = spawn(async move {
            wait_for(secs(1.0), l.acquire()).await.unwrap();
            log!("waiter has the lock, locked={}", py_bool(l.locked()));
            l.release().unwrap();
        });
        sleep(secs(0.25)).await;
        h.cancel();
        w.await.unwrap();
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// A PriorityQueue getter cancelled while waiting; items put in one step go to the
/// remaining getters, smallest first.
#[test]
fn case_494_priority_queue_getter_cancelled() {
    async fn getter(q: Rc<PriorityQueue<u32>>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let item = q.get().await.unwrap();
        cancelled.disarm();
        log!("{name} got {item}");
    }
    assert_matches_cpython("494_priority_queue_getter_cancelled", async {
        let q = Rc::new(PriorityQueue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        gs[1].cancel();
        for item in [5, 1, 3] {
            q.put_nowait(item).unwrap();
        }
        log!("put 5, 1, 3");
        gather_all_tasks(gs).await;
        log!("left {}", q.get_nowait().unwrap());
    });
}

/// An Event waiter given up by wait_for leaves; a set afterwards wakes only the waiter
/// still there.
#[test]
fn case_495_event_wait_timeout_then_set() {
    async fn waiter(ev: Rc<Event>, name: &'static str, t: f64) {
        match wait_for(secs(t), ev.wait()).await {
            Ok(()) => log!("{name} woke"),
            Err(_) => log!("{name} gave up"),
        }
    }
    assert_matches_cpython("495_event_wait_timeout_then_set", async {
        let ev = Rc::new(Event::new());
        let ws = vec![
            spawn(waiter(ev.clone(), "a", 0.25)),
            spawn(waiter(ev.clone(), "b", 1.0)),
        ];
        sleep(secs(0.5)).await;
        ev.set();
        log!("set");
        gather_all_tasks(ws).await;
    });
}

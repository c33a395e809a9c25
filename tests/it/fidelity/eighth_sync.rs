//! The eighth round, primitives and queues (cases 559-565, 573-576, 582, 583, 591, 592):
//! `join` with nothing unfinished, waiters cancelled first or after a hand-off, expiries
//! tied with releases, Event set-and-clear under `wait_for`, Condition `wait_for` with
//! `notify(2)`, a Barrier party cancelled mid-wait, `Queue.shutdown` (3.13) with blocked
//! getters and putters or `immediate`, a bounded PriorityQueue's blocked producers, reads
//! of a Lock and a Semaphore right after a release.

use std::rc::Rc;

use simloop::sync::QueueShutDown;
use simloop::task::call_later;
use simloop::{
    Barrier, BoundedSemaphore, Condition, Event, Lock, PriorityQueue, Queue, Semaphore, TaskGroup,
    gather_all_tasks, gather_tasks, log, sleep, spawn, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// `Queue.join` with nothing unfinished returns without yielding; `task_done` before any
/// `get` is an error; two joiners wake in join order after the last `task_done`.
#[test]
fn case_559_queue_join_zero_two_joiners() {
    async fn joiner(q: Rc<Queue<u32>>, name: &'static str) {
        q.join().await;
        log!("{name} joined");
    }
    assert_matches_cpython("559_queue_join_zero_two_joiners", async {
        let q = Rc::new(Queue::new());
        q.join().await;
        log!("join on empty returned");
        if let Err(e) = q.task_done() {
            log!("task_done: {e}");
        }
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        let j1 = spawn(joiner(q.clone(), "j1"));
        let j2 = spawn(joiner(q.clone(), "j2"));
        yield_now().await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("one done, unfinished={}", q.unfinished_tasks());
        yield_now().await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("two done");
        gather_tasks(vec![j1, j2]).await.unwrap();
        log!("end");
    });
}

async fn sem_user(sem: Rc<Semaphore>, name: String) {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    let _permit = sem.acquire().await;
    cancelled.disarm();
    log!("{name} in");
    sleep(secs(0.125)).await;
    log!("{name} out");
}

/// Semaphore(1) with three waiters; the first is cancelled before the release: the permit
/// goes to the second; a newcomer after the release queues behind the third.
#[test]
fn case_560_semaphore_first_waiter_cancelled() {
    assert_matches_cpython("560_semaphore_first_waiter_cancelled", async {
        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let mut ws: Vec<_> = (0..3)
            .map(|i| spawn(sem_user(sem.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        ws[0].cancel();
        yield_now().await;
        sem.release();
        let late = spawn(sem_user(sem.clone(), "late".into()));
        log!("released locked={}", py_bool(sem.locked()));
        drop(ws.remove(0));
        ws.push(late);
        gather_tasks(ws).await.unwrap();
        log!("end value={}", sem.value());
    });
}

/// BoundedSemaphore(2): a waiter handed a permit and cancelled before it runs passes it
/// on; over-release is refused once all permits are back.
#[test]
fn case_561_bounded_semaphore_handoff_cancel() {
    async fn user(sem: Rc<BoundedSemaphore>, name: &'static str, hold: f64) {
        let cancelled = OnDrop::new(format!("{name} cancelled while waiting"));
        sem.acquire().await.forget();
        cancelled.disarm();
        log!("{name} acquired");
        sleep(secs(hold)).await;
        sem.release().unwrap();
        log!("{name} released");
    }
    assert_matches_cpython("561_bounded_semaphore_handoff_cancel", async {
        let sem = Rc::new(BoundedSemaphore::new(2));
        let a = spawn(user(sem.clone(), "a", 0.25));
        let b = spawn(user(sem.clone(), "b", 0.125));
        let c = spawn(user(sem.clone(), "c", 0.125));
        let d = spawn(user(sem.clone(), "d", 0.125));
        sleep(secs(0.125)).await;
        log!("b's release is due");
        yield_now().await;
        c.cancel();
        let rc = c.abort_handle();
        gather_all_tasks(vec![a, b, c, d]).await;
        if let Err(e) = sem.release() {
            log!("release: {e}");
        }
        log!("c cancelled={}", py_bool(rc.cancelled()));
    });
}

/// `wait_for(lock.acquire())` expiring at the instant the holder releases (the holder's
/// timer armed first): the release hands the lock to the impatient waiter, whose expiry
/// then cancels it; the lock passes to the next waiter.
#[test]
fn case_562_lock_wait_for_tie_release() {
    async fn holder(lock: Rc<Lock>) {
        {
            let _g = lock.lock().await;
            log!("holder in");
            sleep(secs(0.25)).await;
            log!("holder releases");
        }
    }
    async fn impatient(lock: Rc<Lock>) {
        match wait_for(secs(0.25), lock.lock()).await {
            Ok(_g) => log!("impatient got it"),
            Err(_) => log!("impatient timed out locked={}", py_bool(lock.locked())),
        }
    }
    async fn patient(lock: Rc<Lock>) {
        let _g = lock.lock().await;
        log!("patient in");
    }
    assert_matches_cpython("562_lock_wait_for_tie_release", async {
        let lock = Rc::new(Lock::new(()));
        let h = spawn(holder(lock.clone()));
        let i = spawn(impatient(lock.clone()));
        let p = spawn(patient(lock.clone()));
        gather_tasks(vec![h, i, p]).await.unwrap();
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// Event.set then clear in one step: both waiters return; a waiter arriving after clear
/// times out under `wait_for`; a set by `call_later` releases it at last.
#[test]
fn case_563_event_set_clear_wait_for() {
    async fn waiter(ev: Rc<Event>, name: &'static str) {
        ev.wait().await;
        log!("{name} woke is_set={}", py_bool(ev.is_set()));
    }
    async fn late(ev: Rc<Event>) {
        match wait_for(secs(0.125), ev.wait()).await {
            Ok(()) => log!("late woke"),
            Err(_) => log!("late timed out"),
        }
        ev.wait().await;
        log!("late woke at last is_set={}", py_bool(ev.is_set()));
    }
    assert_matches_cpython("563_event_set_clear_wait_for", async {
        let ev = Rc::new(Event::new());
        let mut ts = vec![
            spawn(waiter(ev.clone(), "w1")),
            spawn(waiter(ev.clone(), "w2")),
        ];
        yield_now().await;
        ev.set();
        ev.clear();
        log!("set and cleared");
        ts.push(spawn(late(ev.clone())));
        let e = ev.clone();
        call_later(secs(0.375), move || e.set());
        gather_tasks(ts).await.unwrap();
        log!("end");
    });
}

/// Condition `wait_for` with `notify(2)` while only one predicate holds: the other waiter
/// re-checks and waits again; `notify_all` later releases it.
#[test]
fn case_564_condition_wait_for_notify_two() {
    async fn waiter(cond: Rc<Condition<u32>>, name: &'static str, want: u32) {
        let g = cond.lock().await;
        let n = cond.wait_for(g, move |n| *n >= want).await;
        log!("{name} passed n={}", *n);
    }
    assert_matches_cpython("564_condition_wait_for_notify_two", async {
        let cond = Rc::new(Condition::new(0u32));
        let ts = vec![
            spawn(waiter(cond.clone(), "w1", 1)),
            spawn(waiter(cond.clone(), "w2", 2)),
            spawn(waiter(cond.clone(), "w1", 1)),
        ];
        yield_now().await;
        {
            let mut n = cond.lock().await;
            *n = 1;
            cond.notify(2).unwrap();
            log!("notify(2) n=1");
        }
        sleep(secs(0.125)).await;
        {
            let mut n = cond.lock().await;
            *n = 2;
            cond.notify_all().unwrap();
            log!("notify_all n=2");
        }
        gather_tasks(ts).await.unwrap();
        log!("end");
    });
}

/// A Barrier party cancelled while it waits for the others leaves the count; two later
/// arrivals fill the barrier with the one left.
#[test]
fn case_565_barrier_party_cancelled_mid_wait() {
    async fn party(b: Rc<Barrier>, name: &'static str) {
        let seen = b.clone();
        let cancelled = Finally::new(move || {
            log!("{name} cancelled n_waiting={}", seen.n_waiting());
        });
        let i = b.wait().await.unwrap();
        cancelled.disarm();
        log!("{name} passed index={i}");
    }
    assert_matches_cpython("565_barrier_party_cancelled_mid_wait", async {
        let b = Rc::new(Barrier::new(3));
        let p1 = spawn(party(b.clone(), "p1"));
        let p2 = spawn(party(b.clone(), "p2"));
        yield_now().await;
        log!("waiting={}", b.n_waiting());
        p2.cancel();
        yield_now().await;
        log!("after cancel waiting={}", b.n_waiting());
        let p3 = spawn(party(b.clone(), "p3"));
        let p4 = spawn(party(b.clone(), "p4"));
        gather_tasks(vec![p1, p3, p4]).await.unwrap();
        log!(
            "end waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
    });
}

/// `Queue.shutdown()` (3.13) with getters waiting on an empty queue and a producer blocked
/// on a full one: the getters raise `QueueShutDown` in wait order, the producer too; the
/// item left can still be taken, then `get_nowait` raises.
#[test]
fn case_573_queue_shutdown_blocked_getters_putter() {
    async fn getter(q: Rc<Queue<&'static str>>, name: String) {
        match q.get().await {
            Ok(item) => log!("{name} got {item}"),
            Err(QueueShutDown(())) => log!("{name} shut down"),
        }
    }
    async fn putter(q: Rc<Queue<&'static str>>, item: &'static str) {
        match q.put(item).await {
            Ok(()) => log!("put {item}"),
            Err(_) => log!("put {item} shut down"),
        }
    }
    assert_matches_cpython("573_queue_shutdown_blocked_getters_putter", async {
        let q = Rc::new(Queue::new());
        let gs: Vec<_> = (0..2)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        q.shutdown(false);
        log!("shutdown empty");
        gather_tasks(gs).await.unwrap();
        let q2 = Rc::new(Queue::with_maxsize(1));
        q2.put_nowait("x").unwrap();
        let p = spawn(putter(q2.clone(), "y"));
        yield_now().await;
        q2.shutdown(false);
        log!("shutdown full qsize={}", q2.qsize());
        p.await.unwrap();
        log!("left {}", q2.get_nowait().unwrap());
        if q2.get_nowait().is_err() {
            log!("empty and shut down");
        }
    });
}

/// `Queue.shutdown(immediate=True)` (3.13) drops the items left and takes them off the
/// count: `join` waits only for the item taken before; a `task_done` too many is an error.
#[test]
fn case_574_queue_shutdown_immediate_join() {
    async fn joiner(q: Rc<Queue<u32>>) {
        q.join().await;
        log!("joined qsize={}", q.qsize());
    }
    assert_matches_cpython("574_queue_shutdown_immediate_join", async {
        let q = Rc::new(Queue::new());
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        let item = q.get_nowait().unwrap();
        let j = spawn(joiner(q.clone()));
        yield_now().await;
        q.shutdown(true);
        log!("shutdown immediate qsize={}", q.qsize());
        yield_now().await;
        log!(
            "join still waits for item {item}: done={}",
            py_bool(j.is_finished())
        );
        q.task_done().unwrap();
        log!("task_done for {item}");
        j.await.unwrap();
        if let Err(e) = q.task_done() {
            log!("task_done again: {e}");
        }
    });
}

/// `wait_for(sem.acquire())` expiring at the instant a holder releases: the release hands
/// the permit to the waiter, whose expiry then cancels it; the permit passes on, none
/// leaks.
#[test]
fn case_575_semaphore_wait_for_tie_release() {
    async fn holder(sem: Rc<Semaphore>) {
        {
            let _p = sem.acquire().await;
            log!("holder in");
            sleep(secs(0.25)).await;
        }
        log!("holder out");
    }
    async fn impatient(sem: Rc<Semaphore>) {
        match wait_for(secs(0.25), sem.acquire()).await {
            Ok(_p) => log!("impatient in"),
            Err(_) => log!("impatient timed out value={}", sem.value()),
        }
    }
    async fn patient(sem: Rc<Semaphore>) {
        let _p = sem.acquire().await;
        log!("patient in value={}", sem.value());
    }
    assert_matches_cpython("575_semaphore_wait_for_tie_release", async {
        let sem = Rc::new(Semaphore::new(1));
        let ts = vec![
            spawn(holder(sem.clone())),
            spawn(impatient(sem.clone())),
            spawn(patient(sem.clone())),
        ];
        gather_tasks(ts).await.unwrap();
        log!("end value={}", sem.value());
    });
}

/// A TaskGroup child waiting on an Event is cancelled when a sibling fails; a later
/// `set()` finds no waiter; the event stays set.
#[test]
fn case_576_group_event_waiter_cancelled() {
    async fn waiter(ev: Rc<Event>) -> Result<(), String> {
        let cancelled = OnDrop::new("waiter cancelled");
        ev.wait().await;
        cancelled.disarm();
        log!("waiter woke");
        Ok(())
    }
    assert_matches_cpython("576_group_event_waiter_cancelled", async {
        let ev = Rc::new(Event::new());
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(waiter(ev.clone())).map(drop).unwrap();
        tg.spawn(async {
            sleep(secs(0.125)).await;
            log!("failer raises");
            Err::<(), _>("x".to_string())
        })
        .map(drop)
        .unwrap();
        if tg.join().await.is_err() {
            log!("group failed");
        }
        ev.set();
        ev.wait().await;
        log!("set is_set={}", py_bool(ev.is_set()));
    });
}

/// A Condition waiter cancelled before `notify` leaves the line; `notify(1)` then goes to
/// the next waiter. 3.13 also wakes one waiter whenever a wait raises (a spurious wake-up,
/// `.py313.out`); simloop passes on only a notification the cancelled waiter had (167), so
/// it prints 3.12's trace here.
#[test]
fn case_582_condition_waiter_cancelled_before_notify() {
    async fn waiter(cond: Rc<Condition>, name: String) {
        let seen = cond.clone();
        let who = name.clone();
        let cancelled = Finally::new(move || {
            log!("{who} cancelled locked={}", py_bool(seen.locked()));
        });
        {
            let g = cond.lock().await;
            let _g = cond.wait(g).await;
            log!("{name} notified");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("582_condition_waiter_cancelled_before_notify", async {
        let cond = Rc::new(Condition::new(()));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(waiter(cond.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        ws[0].cancel();
        yield_now().await;
        {
            let _g = cond.lock().await;
            cond.notify(1).unwrap();
            log!("notify(1)");
        }
        sleep(secs(0.125)).await;
        {
            let _g = cond.lock().await;
            cond.notify(1).unwrap();
            log!("notify(1) again");
        }
        gather_all_tasks(ws).await;
        log!("end");
    });
}

/// A bounded PriorityQueue: blocked producers are admitted in blocking order as getters
/// free slots; each get takes the smallest item present at its turn.
#[test]
fn case_583_priority_queue_blocked_producers() {
    async fn producer(q: Rc<PriorityQueue<u32>>, item: u32) {
        q.put(item).await.unwrap();
        log!("put {item}");
    }
    assert_matches_cpython("583_priority_queue_blocked_producers", async {
        let q = Rc::new(PriorityQueue::with_maxsize(2));
        q.put_nowait(5).unwrap();
        q.put_nowait(3).unwrap();
        let ps: Vec<_> = [4, 1, 2]
            .into_iter()
            .map(|i| spawn(producer(q.clone(), i)))
            .collect();
        yield_now().await;
        for _ in 0..5 {
            let v = q.get().await.unwrap();
            log!("got {v} qsize={}", q.qsize());
            yield_now().await;
        }
        gather_tasks(ps).await.unwrap();
    });
}

/// `Lock.release()` with a waiter: `locked()` reads false until the woken waiter runs,
/// yet a newcomer queues behind it.
#[test]
fn case_591_lock_locked_reads_after_release() {
    async fn user(lock: Rc<Lock>, name: &'static str) {
        {
            let _g = lock.lock().await;
            log!("{name} in locked={}", py_bool(lock.locked()));
            yield_now().await;
        }
        log!("{name} out");
    }
    assert_matches_cpython("591_lock_locked_reads_after_release", async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let w = spawn(user(lock.clone(), "w"));
        yield_now().await;
        lock.release().unwrap();
        log!("released locked={}", py_bool(lock.locked()));
        let n = spawn(user(lock.clone(), "newcomer"));
        yield_now().await;
        log!("after one pass locked={}", py_bool(lock.locked()));
        gather_tasks(vec![w, n]).await.unwrap();
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// `Semaphore(1).release()` with two waiters: `locked()` and the value right after it and
/// at each waiter's turn.
#[test]
fn case_592_semaphore_reads_after_release() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        let _p = sem.acquire().await;
        log!(
            "{name} in value={} locked={}",
            sem.value(),
            py_bool(sem.locked())
        );
        sleep(secs(0.125)).await;
    }
    assert_matches_cpython("592_semaphore_reads_after_release", async {
        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(user(sem.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        sem.release();
        log!(
            "released value={} locked={}",
            sem.value(),
            py_bool(sem.locked())
        );
        gather_tasks(ws).await.unwrap();
        log!("end value={} locked={}", sem.value(), py_bool(sem.locked()));
    });
}

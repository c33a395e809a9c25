//! The synchronisation primitives (cases 121-124, 131, 132 and 137-141).

use std::rc::Rc;

use simloop::sync::{TryGetError, TryPutError};
use simloop::{
    Barrier, BoundedSemaphore, Condition, Event, LifoQueue, Lock, PriorityQueue, Queue, Semaphore,
    gather, gather_all_tasks, gather_tasks, log, sleep, spawn, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// Semaphore(2) limits five downloads, waiters served FIFO; BoundedSemaphore refuses an
/// extra release.
#[test]
fn case_121_semaphore_workers() {
    async fn download(sem: Rc<Semaphore>, name: String, delay: f64) -> f64 {
        log!("{name} waiting");
        {
            let _permit = sem.acquire().await;
            log!("{name} acquired");
            sleep(secs(delay)).await;
        }
        log!("{name} released");
        delay
    }
    assert_matches_cpython("121_semaphore_workers", async {
        let sem = Rc::new(Semaphore::new(2));
        let downloads = [1.0, 0.5, 0.75, 0.25, 1.0]
            .into_iter()
            .enumerate()
            .map(|(i, d)| download(sem.clone(), format!("d{i}"), d));
        let r = gather(downloads).await.unwrap();
        log!("total {}", r.iter().sum::<f64>());
        let b = BoundedSemaphore::new(1);
        b.acquire().await.forget();
        b.release().unwrap();
        if let Err(e) = b.release() {
            log!("ValueError: {e}");
        }
    });
}

/// Condition: wait_for a predicate; notify(1) wakes the longest waiter, notify_all the
/// rest, each re-taking the lock in turn; notify without the lock is an error.
#[test]
fn case_122_condition_notify() {
    async fn consumer(cond: Rc<Condition<Vec<&'static str>>>, name: String) {
        let guard = cond.lock().await;
        let mut items = cond.wait_for(guard, |items| !items.is_empty()).await;
        let item = items.remove(0);
        log!("{name} took {item}");
        sleep(secs(0.25)).await;
        log!("{name} leaves");
    }
    assert_matches_cpython("122_condition_notify", async {
        let cond = Rc::new(Condition::new(Vec::new()));
        let cs: Vec<_> = (0..4)
            .map(|i| spawn(consumer(cond.clone(), format!("c{i}"))))
            .collect();
        sleep(secs(1.0)).await;
        {
            let mut items = cond.lock().await;
            items.push("first");
            cond.notify(1).unwrap();
            log!("notified one");
        }
        sleep(secs(1.0)).await;
        {
            let mut items = cond.lock().await;
            items.extend(["second", "third", "fourth"]);
            cond.notify_all().unwrap();
            log!("notified all");
        }
        gather_tasks(cs).await.unwrap();
        if let Err(e) = cond.notify(1) {
            log!("RuntimeError: {e}");
        }
    });
}

/// Barrier(3): the last arrival passes first; Event.set wakes every waiter even when
/// clear() follows at once.
#[test]
fn case_123_barrier_event() {
    async fn party(barrier: Rc<Barrier>, name: &'static str, delay: f64) {
        sleep(secs(delay)).await;
        log!("{name} arrives");
        let idx = barrier.wait().await.unwrap();
        log!("{name} passes with index {idx}");
    }
    async fn waiter(ev: Rc<Event>, name: String) {
        log!("{name} waits");
        ev.wait().await;
        log!("{name} woke, set={}", py_bool(ev.is_set()));
    }
    assert_matches_cpython("123_barrier_event", async {
        let b = Rc::new(Barrier::new(3));
        gather([
            party(b.clone(), "p0", 0.5),
            party(b.clone(), "p1", 1.0),
            party(b.clone(), "p2", 0.25),
        ])
        .await
        .unwrap();
        log!("round 1 over, waiting={}", b.n_waiting());
        let ev = Rc::new(Event::new());
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(waiter(ev.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        ev.set();
        ev.clear();
        log!("set and cleared");
        gather_tasks(ws).await.unwrap();
        if ev.is_set() {
            ev.wait().await;
        } else {
            log!("event is clear");
        }
    });
}

/// Queue(maxsize=2): the producer blocks on put; join returns after the last task_done;
/// then the consumers are cancelled.
#[test]
fn case_124_queue_join_task_done() {
    async fn consumer(q: Rc<Queue<u32>>, name: &'static str, delay: f64) {
        let _cancelled = OnDrop::new(format!("{name} cancelled"));
        loop {
            let item = q.get().await.unwrap();
            log!("{name} got {item}");
            sleep(secs(delay)).await;
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("124_queue_join_task_done", async {
        let q = Rc::new(Queue::with_maxsize(2));
        let cs = vec![
            spawn(consumer(q.clone(), "c0", 0.5)),
            spawn(consumer(q.clone(), "c1", 0.75)),
        ];
        for i in 0..6 {
            q.put(i).await.unwrap();
            log!("put {i} (size {})", q.qsize());
        }
        log!("producer done");
        q.join().await;
        log!("joined");
        for c in &cs {
            c.cancel();
        }
        gather_all_tasks(cs).await;
        if let Err(TryGetError::Empty) = q.get_nowait() {
            log!("QueueEmpty");
        }
        if let Err(e) = q.task_done() {
            log!("ValueError: {e}");
        }
    });
}

/// Lock is FIFO: a newcomer queues behind the woken waiter; releasing an unlocked lock is
/// an error.
#[test]
fn case_131_lock_fifo() {
    async fn user(lock: Rc<Lock>, name: String, hold: f64) {
        {
            let _held = lock.lock().await;
            log!("{name} holds");
            sleep(secs(hold)).await;
        }
        log!("{name} released");
    }
    async fn late(lock: Rc<Lock>) {
        sleep(secs(1.0)).await;
        log!("late asks, locked={}", py_bool(lock.locked()));
        let _held = lock.lock().await;
        log!("late holds");
    }
    assert_matches_cpython("131_lock_fifo", async {
        let lock = Rc::new(Lock::new(()));
        let mut ts: Vec<_> = (0..3)
            .map(|i| spawn(user(lock.clone(), format!("u{i}"), 1.0)))
            .collect();
        ts.push(spawn(late(lock.clone())));
        gather_tasks(ts).await.unwrap();
        if let Err(e) = lock.release() {
            log!("RuntimeError: {e}");
        }
    });
}

/// Queue.shutdown (CPython 3.13; 3.12 has none): getters see the shutdown once the queue
/// drained; a put fails; an immediate shutdown drops the items and releases join.
#[test]
fn case_132_queue_shutdown() {
    async fn consumer(q: Rc<Queue<u32>>, name: String) {
        loop {
            let Ok(item) = q.get().await else {
                log!("{name} sees shutdown");
                return;
            };
            log!("{name} got {item}");
            sleep(secs(0.5)).await;
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("132_queue_shutdown", async {
        let q = Rc::new(Queue::new());
        let cs: Vec<_> = (0..2)
            .map(|i| spawn(consumer(q.clone(), format!("c{i}"))))
            .collect();
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        sleep(secs(0.25)).await;
        q.shutdown(false);
        log!("shut down");
        if let Err(TryPutError::ShutDown(_)) = q.put_nowait(9) {
            log!("put refused");
        }
        gather_tasks(cs).await.unwrap();
        let q2 = Rc::new(Queue::new());
        for i in 0..3 {
            q2.put_nowait(i).unwrap();
        }
        let joiner = q2.clone();
        let j = spawn(async move { joiner.join().await });
        yield_now().await;
        q2.shutdown(true);
        j.await.unwrap();
        log!("immediate: size={} joined", q2.qsize());
    });
}

/// A get() given up by wait_for loses no item; getters are served in the order they
/// waited; PriorityQueue and LifoQueue order.
#[test]
fn case_137_queue_get_timeout_priority() {
    async fn getter(q: Rc<Queue<&'static str>>, name: String) {
        let item = q.get().await.unwrap();
        log!("{name} got {item}");
    }
    assert_matches_cpython("137_queue_get_timeout_priority", async {
        let q = Rc::new(Queue::new());
        if wait_for(secs(0.5), q.get()).await.is_err() {
            log!("get timed out");
        }
        let gs: Vec<_> = (0..2)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        q.put_nowait("first").unwrap();
        q.put_nowait("second").unwrap();
        log!("put two, size={}", q.qsize());
        gather_tasks(gs).await.unwrap();
        let pq = PriorityQueue::new();
        for item in [(3, "c"), (1, "a"), (2, "b")] {
            pq.put_nowait(item).unwrap();
        }
        let order: Vec<String> = (0..3)
            .map(|_| format!("'{}'", pq.get_nowait().unwrap().1))
            .collect();
        log!("priority: [{}]", order.join(", "));
        let lq = LifoQueue::with_maxsize(2);
        lq.put(1).await.unwrap();
        lq.put(2).await.unwrap();
        if let Err(TryPutError::Full(_)) = lq.put_nowait(3) {
            log!("QueueFull");
        }
        let (a, b) = (lq.get_nowait().unwrap(), lq.get_nowait().unwrap());
        log!("lifo: [{a}, {b}]");
    });
}

/// Barrier.abort breaks the barrier for current and later waiters.
#[test]
fn case_138_barrier_abort() {
    async fn party(b: Rc<Barrier>, name: &str) {
        match b.wait().await {
            Ok(i) => log!("{name} passed {i}"),
            Err(_) => log!("{name} saw a broken barrier"),
        }
    }
    assert_matches_cpython("138_barrier_abort", async {
        let b = Rc::new(Barrier::new(3));
        let ts: Vec<_> = (0..2)
            .map(|i| {
                let b = b.clone();
                spawn(async move { party(b, &format!("p{i}")).await })
            })
            .collect();
        sleep(secs(1.0)).await;
        log!("waiting={} broken={}", b.n_waiting(), py_bool(b.broken()));
        b.abort().await;
        log!("aborted, broken={}", py_bool(b.broken()));
        gather_tasks(ts).await.unwrap();
        party(b, "late").await;
    });
}

/// A task cancelled while waiting for a Lock leaves the queue; the lock passes on.
#[test]
fn case_139_lock_waiter_cancelled() {
    async fn user(lock: Rc<Lock>, name: &'static str, hold: f64) {
        let guard = OnDrop::new(format!("{name} cancelled"));
        {
            let _held = lock.lock().await;
            log!("{name} holds");
            sleep(secs(hold)).await;
        }
        guard.disarm();
        log!("{name} released");
    }
    assert_matches_cpython("139_lock_waiter_cancelled", async {
        let lock = Rc::new(Lock::new(()));
        let a = spawn(user(lock.clone(), "a", 1.0));
        let b = spawn(user(lock.clone(), "b", 1.0));
        let c = spawn(user(lock.clone(), "c", 1.0));
        sleep(secs(0.5)).await;
        b.cancel();
        gather_all_tasks(vec![a, b, c]).await;
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// wait_for around Semaphore.acquire: the waiter that times out leaves, no permit leaks.
#[test]
fn case_140_semaphore_wait_for_acquire() {
    async fn worker(sem: Rc<Semaphore>, name: &'static str, limit: f64, hold: f64) {
        let Ok(permit) = wait_for(secs(limit), sem.acquire()).await else {
            log!("{name} gave up");
            return;
        };
        log!("{name} acquired");
        sleep(secs(hold)).await;
        drop(permit);
        log!("{name} released");
    }
    assert_matches_cpython("140_semaphore_wait_for_acquire", async {
        let sem = Rc::new(Semaphore::new(1));
        gather([
            worker(sem.clone(), "w0", 1.0, 2.0),
            worker(sem.clone(), "w1", 1.0, 1.0),
            worker(sem.clone(), "w2", 3.0, 1.0),
        ])
        .await
        .unwrap();
        log!("value={} locked={}", sem.value(), py_bool(sem.locked()));
    });
}

/// Waiting on an Event with a timeout; the setter wakes the waiters still waiting.
#[test]
fn case_141_event_wait_timeout() {
    async fn waiter(ev: Rc<Event>, name: &'static str, limit: f64) {
        match wait_for(secs(limit), ev.wait()).await {
            Ok(()) => log!("{name} saw the event"),
            Err(_) => log!("{name} timed out"),
        }
    }
    async fn setter(ev: Rc<Event>, delay: f64) {
        sleep(secs(delay)).await;
        log!("setting");
        ev.set();
    }
    assert_matches_cpython("141_event_wait_timeout", async {
        let ev = Rc::new(Event::new());
        let waits = vec![
            spawn(waiter(ev.clone(), "short", 0.5)),
            spawn(waiter(ev.clone(), "long", 2.0)),
            spawn(setter(ev.clone(), 1.0)),
            spawn(waiter(ev.clone(), "exact", 1.0)),
        ];
        gather_tasks(waits).await.unwrap();
        log!("is_set={}", py_bool(ev.is_set()));
    });
}

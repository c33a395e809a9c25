//! The ninth round, primitives and queues (cases 601-606, 613, 616, 620): a bounded
//! LifoQueue with a blocked producer, a `get_nowait` that beats a woken getter, a
//! PriorityQueue of tuples served by workers until `join`, a Barrier of one party, Event
//! waiters cancelled with and without a message, `notify(n)` with fewer waiters, a
//! Condition `wait_for` already true, two releases of a Semaphore(0) in one step, and a
//! bounded Queue's blocked producer cancelled.

use std::rc::Rc;

use simloop::sync::{TryGetError, TryPutError};
use simloop::task;
use simloop::{
    Barrier, Condition, Event, LifoQueue, PriorityQueue, Queue, Semaphore, gather_all_tasks,
    gather_tasks, log, sleep, spawn, yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, secs};
use crate::util::OnDrop;

/// A bounded LifoQueue: `put_nowait` on a full one raises QueueFull; a blocked producer is
/// admitted when a get frees a slot; gets take the newest item at their turn.
#[test]
fn case_601_lifo_queue_maxsize_blocked_putter() {
    async fn producer(q: Rc<LifoQueue<u32>>, item: u32) {
        q.put(item).await.unwrap();
        log!("put {item} qsize={}", q.qsize());
    }
    assert_matches_cpython("601_lifo_queue_maxsize_blocked_putter", async {
        let q = Rc::new(LifoQueue::with_maxsize(2));
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        if let Err(TryPutError::Full(_)) = q.put_nowait(3) {
            log!("QueueFull full={}", py_bool(q.full()));
        }
        let p = spawn(producer(q.clone(), 4));
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        log!("got {}", q.get().await.unwrap());
        p.await.unwrap();
        while !q.empty() {
            log!("drain {}", q.get_nowait().unwrap());
        }
        if q.get_nowait() == Err(TryGetError::Empty) {
            log!("QueueEmpty");
        }
    });
}

/// A put wakes a waiting getter, but the running task takes the item first with
/// `get_nowait`; the getter finds the queue empty and waits again for the next item.
#[test]
fn case_602_queue_get_nowait_beats_woken_getter() {
    assert_matches_cpython("602_queue_get_nowait_beats_woken_getter", async {
        let q: Rc<Queue<&str>> = Rc::new(Queue::new());
        let gq = q.clone();
        let g = spawn(async move {
            let item = gq.get().await.unwrap();
            log!("getter got {item}");
        });
        yield_now().await;
        q.put_nowait("a").unwrap();
        log!("main took {}", q.get_nowait().unwrap());
        yield_now().await;
        log!("getter done={}", py_bool(g.is_finished()));
        q.put_nowait("b").unwrap();
        g.await.unwrap();
        log!("end qsize={}", q.qsize());
    });
}

/// A PriorityQueue of (priority, name) served by two workers; an item put while the
/// workers are busy goes to the first free one; `join` returns after the last
/// `task_done`.
#[test]
fn case_603_priority_queue_workers_join() {
    async fn worker(name: &'static str, q: Rc<PriorityQueue<(u32, &'static str)>>) {
        loop {
            let (prio, job) = q.get().await.unwrap();
            log!("{name} takes {job} ({prio})");
            sleep(secs(0.125 * f64::from(prio))).await;
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("603_priority_queue_workers_join", async {
        let q = Rc::new(PriorityQueue::new());
        for item in [(2, "b"), (1, "a"), (3, "c")] {
            q.put_nowait(item).unwrap();
        }
        let ws = vec![
            spawn(worker("w0", q.clone())),
            spawn(worker("w1", q.clone())),
        ];
        sleep(secs(0.125)).await;
        q.put_nowait((1, "late")).unwrap();
        log!("late put qsize={}", q.qsize());
        q.join().await;
        log!("joined at {}", simloop::now());
        for w in &ws {
            w.cancel();
        }
        gather_all_tasks(ws).await;
        log!("end");
    });
}

/// A Barrier of one party passes at once with index 0 and does not yield; a Barrier of
/// two passes the last arrival first.
#[test]
fn case_604_barrier_one_party_no_yield() {
    async fn party(b: Rc<Barrier>, name: &'static str) {
        let i = b.wait().await.unwrap();
        log!("{name} index={i}");
    }
    assert_matches_cpython("604_barrier_one_party_no_yield", async {
        let t = spawn(async { log!("tick") });
        let b1 = Barrier::new(1);
        log!("first {}", b1.wait().await.unwrap());
        log!("second {}", b1.wait().await.unwrap());
        let b2 = Rc::new(Barrier::new(2));
        let p = spawn(party(b2.clone(), "p"));
        party(b2.clone(), "main").await;
        p.await.unwrap();
        t.await.unwrap();
        log!("end n_waiting={}", b2.n_waiting());
    });
}

/// An Event waiter cancelled with a message gets it; the remaining waiter wakes on
/// `set()`; a cancel after `set()`, before the waiter runs, still cancels it.
#[test]
fn case_605_event_waiter_cancelled_with_message() {
    async fn waiter(ev: Rc<Event>, name: &'static str) {
        let cancelled = Finally::new(move || {
            log!(
                "{name} cancelled {}",
                py_args(task::cancel_message().as_deref())
            );
        });
        ev.wait().await;
        cancelled.disarm();
        log!("{name} woke");
    }
    assert_matches_cpython("605_event_waiter_cancelled_with_message", async {
        let ev = Rc::new(Event::new());
        let a = spawn(waiter(ev.clone(), "a"));
        let b = spawn(waiter(ev.clone(), "b"));
        let c = spawn(waiter(ev.clone(), "c"));
        yield_now().await;
        a.cancel_with("stop a");
        yield_now().await;
        ev.set();
        c.cancel();
        log!("set, c cancelled");
        let res = gather_all_tasks(vec![a, b, c]).await;
        let names = res.iter().map(|r| match r {
            Ok(()) => "'NoneType'",
            Err(_) => "'CancelledError'",
        });
        log!("results {}", py_list(names));
    });
}

/// `notify(5)` with two waiters wakes both; a waiter arriving afterwards is not notified
/// by it and waits for the next notify.
#[test]
fn case_606_condition_notify_more_than_waiting() {
    async fn waiter(cond: Rc<Condition>, name: String) {
        let g = cond.lock().await;
        let _g = cond.wait(g).await;
        log!("{name} notified");
    }
    assert_matches_cpython("606_condition_notify_more_than_waiting", async {
        let cond = Rc::new(Condition::new(()));
        let mut ws: Vec<_> = (0..2)
            .map(|i| spawn(waiter(cond.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        {
            let _g = cond.lock().await;
            cond.notify(5).unwrap();
            log!("notify(5)");
        }
        let late = spawn(waiter(cond.clone(), "late".into()));
        sleep(secs(0.125)).await;
        log!("late done={}", py_bool(late.is_finished()));
        {
            let _g = cond.lock().await;
            cond.notify(1).unwrap();
            log!("notify()");
        }
        ws.push(late);
        gather_tasks(ws).await.unwrap();
        log!("end");
    });
}

/// Condition `wait_for` with a predicate already true returns at once, holding the lock,
/// without yielding; a false one waits for a notify.
#[test]
fn case_613_condition_wait_for_true_no_wait() {
    assert_matches_cpython("613_condition_wait_for_true_no_wait", async {
        let cond = Rc::new(Condition::new(0u32));
        let k = spawn(async { log!("tick") });
        {
            let g = cond.lock().await;
            let _g = cond.wait_for(g, |_| true).await;
            log!("true at once True locked={}", py_bool(cond.locked()));
        }
        let c = cond.clone();
        let b = spawn(async move {
            sleep(secs(0.125)).await;
            let mut n = c.lock().await;
            *n = 2;
            c.notify_all().unwrap();
            log!("bumped");
        });
        {
            let g = cond.lock().await;
            let n = cond.wait_for(g, |n| *n > 1).await;
            log!("waited True n={}", *n);
        }
        b.await.unwrap();
        k.await.unwrap();
    });
}

/// Semaphore(0) with three waiters: two releases in one step wake the first two in order;
/// the third waits for the next release; the value stays 0.
#[test]
fn case_616_semaphore_two_releases_one_step() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        sem.acquire().await.forget();
        log!("{name} in value={}", sem.value());
    }
    assert_matches_cpython("616_semaphore_two_releases_one_step", async {
        let sem = Rc::new(Semaphore::new(0));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(user(sem.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        sem.release();
        sem.release();
        log!("two released value={}", sem.value());
        sleep(secs(0.125)).await;
        log!("w2 done={}", py_bool(ws[2].is_finished()));
        sem.release();
        gather_tasks(ws).await.unwrap();
        log!("end value={}", sem.value());
    });
}

/// A bounded Queue with two blocked producers; the first is cancelled; a get admits the
/// second; `join` counts only the items put.
#[test]
fn case_620_queue_maxsize_put_cancelled_then_get() {
    async fn producer(q: Rc<Queue<&'static str>>, item: &'static str) {
        let cancelled = OnDrop::new(format!("put {item} cancelled"));
        q.put(item).await.unwrap();
        cancelled.disarm();
        log!("put {item}");
    }
    assert_matches_cpython("620_queue_maxsize_put_cancelled_then_get", async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait("x").unwrap();
        let p1 = spawn(producer(q.clone(), "y"));
        let p2 = spawn(producer(q.clone(), "z"));
        yield_now().await;
        p1.cancel();
        yield_now().await;
        log!("got {}", q.get().await.unwrap());
        q.task_done().unwrap();
        yield_now().await;
        log!("qsize={}", q.qsize());
        log!("got {}", q.get_nowait().unwrap());
        q.task_done().unwrap();
        q.join().await;
        gather_all_tasks(vec![p1, p2]).await;
        log!("joined");
    });
}

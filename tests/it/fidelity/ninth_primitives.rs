//! The ninth round, last batch (cases 633-636): an Event set at the instant a `wait_for`
//! on it expires (the expiry armed first), a Semaphore released from callbacks, a Lock and
//! a Queue that need not wait, and a gather cancelled after one child finished.

use std::rc::Rc;

use simloop::task::{call_later, call_soon};
use simloop::{
    Event, Lock, Queue, Semaphore, gather_tasks, log, sleep, spawn, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// An Event set by `call_later` at the instant a `wait_for` on it expires, the expiry
/// armed first: the expiry cancels the wait before the set, so TimeoutError; the event
/// stays set for the next wait.
#[test]
fn case_633_event_set_after_wait_for_expiry_same_instant() {
    assert_matches_cpython("633_event_set_after_wait_for_expiry_same_instant", async {
        let ev = Rc::new(Event::new());
        let e = ev.clone();
        let s = spawn(async move {
            yield_now().await;
            call_later(secs(0.25), move || e.set());
        });
        match wait_for(secs(0.25), ev.wait()).await {
            Ok(()) => log!("woke"),
            Err(_) => log!("timed out is_set={}", py_bool(ev.is_set())),
        }
        s.await.unwrap();
        ev.wait().await;
        log!("second wait returns at once");
    });
}

/// A Semaphore released by `call_soon` and `call_later` callbacks hands the permit to the
/// first waiter each time; a waiter that asks after the release queues behind.
#[test]
fn case_634_semaphore_release_from_callback() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        sem.acquire().await.forget();
        log!("{name} in");
    }
    assert_matches_cpython("634_semaphore_release_from_callback", async {
        let sem = Rc::new(Semaphore::new(0));
        let mut ws: Vec<_> = (0..2)
            .map(|i| spawn(user(sem.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        let s = sem.clone();
        call_soon(move || s.release());
        let s = sem.clone();
        call_later(secs(0.125), move || s.release());
        let late = spawn(user(sem.clone(), "late".into()));
        sleep(secs(0.125)).await;
        log!(
            "late done={} value={}",
            py_bool(late.is_finished()),
            sem.value()
        );
        sem.release();
        ws.push(late);
        gather_tasks(ws).await.unwrap();
        log!("end value={}", sem.value());
    });
}

/// An uncontended Lock acquire, a put on an unbounded Queue and a get with an item waiting
/// return without yielding; a ticker runs only at main's sleep.
#[test]
fn case_635_uncontended_lock_queue_no_yield() {
    assert_matches_cpython("635_uncontended_lock_queue_no_yield", async {
        let lock = Lock::new(());
        let q: Queue<u32> = Queue::new();
        let k = spawn(async { log!("tick") });
        {
            let _g = lock.lock().await;
            log!("locked={}", py_bool(lock.locked()));
        }
        q.put(1).await.unwrap();
        log!("put qsize={}", q.qsize());
        log!("got {}", q.get().await.unwrap());
        log!("k done={}", py_bool(k.is_finished()));
        yield_now().await;
        log!("k done={}", py_bool(k.is_finished()));
    });
}

/// Cancelling a gather after one child finished cancels only the other; the gather's
/// awaiter gets CancelledError; the finished child keeps its result.
#[test]
fn case_636_gather_cancelled_after_one_child_done() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        name
    }
    assert_matches_cpython("636_gather_cancelled_after_one_child_done", async {
        let a = spawn(work("a", 0.125)).share();
        let b = spawn(work("b", 0.5)).share();
        let g = gather_tasks(vec![a.clone(), b.clone()]);
        sleep(secs(0.25)).await;
        log!("cancel returns {}", py_bool(g.cancel()));
        if g.await.is_err() {
            log!(
                "gather cancelled a={} b cancelled={}",
                a.result().unwrap().unwrap(),
                py_bool(b.cancelled())
            );
        }
    });
}

//! The fourth round, primitives and callbacks mixed (cases 364-367, 370, 372 and 373):
//! cancellation at a Barrier, in Queue.join and of a woken Semaphore waiter, Event races
//! under wait_for, futures set and cancelled by callbacks, a Lock asked again at once,
//! call_later(0), call_at in the past and cancelled handles.

use std::rc::Rc;

use simloop::sync::PromiseError;
use simloop::task::{call_at, call_later, call_soon};
use simloop::{
    Barrier, Event, Lock, Promise, Queue, Semaphore, gather_all_tasks, gather_tasks, log, now,
    sleep, spawn, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// A Barrier(3) waiter is cancelled while waiting: the barrier is not broken, its count
/// drops, and a later arrival completes the round with the stayer.
#[test]
fn case_364_barrier_waiter_cancelled() {
    async fn party(b: Rc<Barrier>, name: &'static str, delay: f64) {
        sleep(secs(delay)).await;
        log!("{name} arrives, n_waiting={}", b.n_waiting());
        let cancelled = OnDrop::new(format!("{name} cancelled at the barrier"));
        let i = b.wait().await.unwrap();
        cancelled.disarm();
        log!("{name} passes as {i}");
    }
    assert_matches_cpython("364_barrier_waiter_cancelled", async {
        let b = Rc::new(Barrier::new(3));
        let a = spawn(party(b.clone(), "a", 0.0));
        let c = spawn(party(b.clone(), "c", 0.5));
        sleep(secs(1.0)).await;
        c.cancel();
        yield_now().await;
        log!(
            "after cancel n_waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
        let d = spawn(party(b.clone(), "d", 0.5));
        let e = spawn(party(b.clone(), "e", 1.0));
        gather_tasks(vec![a, d, e]).await.unwrap();
        log!(
            "round done n_waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
    });
}

/// One of three tasks waiting on Queue.join is cancelled; the last task_done wakes the
/// others; a join over an empty queue returns without yielding.
#[test]
fn case_365_queue_join_cancelled_joiner() {
    async fn joiner(q: Rc<Queue<u32>>, name: &'static str) {
        let cancelled = OnDrop::new(format!("{name} cancelled in join"));
        q.join().await;
        cancelled.disarm();
        log!("{name} joined");
    }
    assert_matches_cpython("365_queue_join_cancelled_joiner", async {
        let q = Rc::new(Queue::new());
        for i in 0..2 {
            q.put_nowait(i).unwrap();
        }
        let j1 = spawn(joiner(q.clone(), "j1"));
        let j2 = spawn(joiner(q.clone(), "j2"));
        let j3 = spawn(joiner(q.clone(), "j3"));
        sleep(secs(0.5)).await;
        j2.cancel();
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("one done");
        sleep(secs(0.5)).await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("both done");
        gather_tasks(vec![j1, j3]).await.unwrap();
        log!("j2 cancelled={}", py_bool(j2.cancelled()));
        q.join().await;
        log!("empty join did not yield");
    });
}

/// Semaphore(1): the holder releases to the first waiter, which is cancelled before it
/// runs; the permit passes to the second waiter, and a newcomer asking in the same step
/// queues behind it.
#[test]
fn case_366_semaphore_woken_cancelled_newcomer() {
    async fn user(sem: Rc<Semaphore>, name: &'static str, hold: f64) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        {
            let _permit = sem.acquire().await;
            log!("{name} has the permit");
            sleep(secs(hold)).await;
        }
        cancelled.disarm();
        log!("{name} released");
    }
    assert_matches_cpython("366_semaphore_woken_cancelled_newcomer", async {
        let sem = Rc::new(Semaphore::new(1));
        let h = spawn(user(sem.clone(), "holder", 1.0));
        yield_now().await;
        let w1 = spawn(user(sem.clone(), "w1", 0.5));
        let w2 = spawn(user(sem.clone(), "w2", 0.5));
        sleep(secs(0.5)).await;
        sleep(secs(0.5)).await;
        log!("after holder: locked={}", py_bool(sem.locked()));
        w1.cancel();
        let n = spawn(user(sem.clone(), "newcomer", 0.5));
        gather_all_tasks(vec![h, w2, n]).await;
        log!(
            "w1 cancelled={} value={}",
            py_bool(w1.cancelled()),
            sem.value()
        );
    });
}

/// Event waiters under wait_for: set() then clear() in one step wakes those waiting; one
/// arriving after clear() times out; set again releases a late one.
#[test]
fn case_367_event_clear_wait_for_timeout() {
    async fn waiter(ev: Rc<Event>, name: &'static str, delay: f64, limit: f64) {
        sleep(secs(delay)).await;
        match wait_for(secs(limit), ev.wait()).await {
            Ok(()) => log!("{name} woke, is_set={}", py_bool(ev.is_set())),
            Err(_) => log!("{name} timed out"),
        }
    }
    assert_matches_cpython("367_event_clear_wait_for_timeout", async {
        let ev = Rc::new(Event::new());
        let ts = vec![
            spawn(waiter(ev.clone(), "a", 0.0, 2.0)),
            spawn(waiter(ev.clone(), "b", 0.5, 2.0)),
            spawn(waiter(ev.clone(), "c", 1.5, 1.0)),
            spawn(waiter(ev.clone(), "d", 1.5, 3.0)),
        ];
        sleep(secs(1.0)).await;
        ev.set();
        ev.clear();
        log!("set and cleared");
        sleep(secs(2.0)).await;
        ev.set();
        log!("set again");
        gather_tasks(ts).await.unwrap();
    });
}

/// A future's done-callback sets a second future and cancels a third; their callbacks and
/// awaiters run in the order the completions queued them.
#[test]
fn case_370_future_callbacks_set_and_cancel() {
    async fn awaiter(f: Rc<Promise<i32>>, name: &'static str) {
        match f.wait().await {
            Ok(r) => log!("{name} got {r}"),
            Err(PromiseError::Cancelled(_)) => log!("{name} saw the cancellation"),
            Err(PromiseError::Failed(never)) => match never {},
        }
    }
    assert_matches_cpython("370_future_callbacks_set_and_cancel", async {
        let f1 = Rc::new(Promise::<i32>::new());
        let f2 = Rc::new(Promise::<i32>::new());
        let f3 = Rc::new(Promise::<i32>::new());
        let (two, three) = (f2.clone(), f3.clone());
        f1.add_done_callback(move |r| {
            let v = r.unwrap();
            log!("cb1 sees {v}");
            two.set_result(v * 2).unwrap();
            three.cancel();
            log!("cb1 set f2, cancelled f3");
        });
        f2.add_done_callback(|r| log!("cb2 sees {}", r.unwrap()));
        f3.add_done_callback(|r| {
            let cancelled = matches!(r, Err(PromiseError::Cancelled(_)));
            log!("cb3 cancelled={}", py_bool(cancelled));
        });
        let ts = vec![
            spawn(awaiter(f3.clone(), "t3")),
            spawn(awaiter(f2.clone(), "t2")),
            spawn(awaiter(f1.clone(), "t1")),
        ];
        yield_now().await;
        let setter = f1.clone();
        call_later(secs(1.0), move || setter.set_result(21).unwrap());
        gather_tasks(ts).await.unwrap();
        log!("f2 cancel now? {}", py_bool(f2.cancel()));
    });
}

/// A Lock holder releases and asks again at once: it queues behind the waiters, each woken
/// in turn; locked() stays True throughout.
#[test]
fn case_372_lock_release_reacquire() {
    async fn worker(lock: Rc<Lock>, name: &'static str, rounds: u32) {
        for r in 0..rounds {
            let _held = lock.lock().await;
            log!("{name} round {r}");
            sleep(secs(0.25)).await;
        }
    }
    assert_matches_cpython("372_lock_release_reacquire", async {
        let lock = Rc::new(Lock::new(()));
        let ts: Vec<_> = ["x", "y", "z"]
            .into_iter()
            .map(|n| spawn(worker(lock.clone(), n, 2)))
            .collect();
        sleep(secs(0.3)).await;
        log!("locked={}", py_bool(lock.locked()));
        gather_tasks(ts).await.unwrap();
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// call_later(0) is a timer: it runs after the call_soon callbacks queued with it, behind
/// a call_at in the past; a cancelled handle never runs, even one cancelled by a callback.
#[test]
fn case_373_call_later_zero_and_cancel() {
    async fn ticker() {
        for i in 0..4 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("373_call_later_zero_and_cancel", async {
        sleep(secs(1.0)).await;
        let t = spawn(ticker());
        call_soon(|| log!("soon 1"));
        call_later(secs(0.0), || log!("later 0"));
        let h = call_soon(|| log!("soon cancelled"));
        call_at(now() - secs(1.0), || log!("at past"));
        call_soon(|| log!("soon 2"));
        h.cancel();
        let h2 = Rc::new(call_later(secs(0.5), || log!("later cancelled")));
        call_later(secs(0.5), || log!("later 0.5"));
        let cancel = h2.clone();
        call_soon(move || {
            cancel.cancel();
        });
        t.await.unwrap();
        sleep(secs(1.0)).await;
        log!(
            "cancelled={} {}",
            py_bool(h.cancelled()),
            py_bool(h2.cancelled())
        );
    });
}

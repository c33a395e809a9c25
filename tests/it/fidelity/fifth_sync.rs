//! The fifth round, primitives (cases 414-417, 423): Queue.shutdown with blocked getters
//! and putters, BoundedSemaphore over-release beside waiters, Lock waiters cancelled in
//! turn, Barrier abort then reset.

use std::rc::Rc;

use simloop::sync::{Barrier, BoundedSemaphore, Lock, Queue, Semaphore, TryGetError};
use simloop::{gather_all_tasks, gather_tasks, log, sleep, spawn, yield_now};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// Queue.shutdown(immediate=True) (3.13) wakes blocked getters and putters with
/// QueueShutDown in blocking order, drops the items, releases join.
#[test]
fn case_414_queue_shutdown_immediate_blocked() {
    async fn getter(q: Rc<Queue<u32>>, name: String) {
        match q.get().await {
            Ok(item) => log!("{name} got {item}"),
            Err(_) => log!("{name} getter shut down"),
        }
    }
    async fn putter(q: Rc<Queue<&'static str>>, name: String, item: &'static str) {
        match q.put(item).await {
            Ok(()) => log!("{name} put {item}"),
            Err(_) => log!("{name} putter shut down"),
        }
    }
    assert_matches_cpython("414_queue_shutdown_immediate_blocked", async {
        let q = Rc::new(Queue::new());
        let gs: Vec<_> = (0..2)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        let b = Rc::new(Queue::with_maxsize(1));
        b.put_nowait("x").unwrap();
        let ps: Vec<_> = ["0", "1"]
            .into_iter()
            .map(|i| spawn(putter(b.clone(), format!("p{i}"), i)))
            .collect();
        let joiner = b.clone();
        let j = spawn(async move { joiner.join().await });
        yield_now().await;
        q.shutdown(true);
        b.shutdown(true);
        log!("shut both, b size={}", b.qsize());
        gather_tasks(gs).await.unwrap();
        gather_tasks(ps).await.unwrap();
        j.await.unwrap();
        log!("join released");
        if let Err(TryGetError::ShutDown) = b.get_nowait() {
            log!("get_nowait refused");
        }
    });
}

/// After shutdown() (3.13, not immediate) getters drain the items left, then see
/// QueueShutDown; a blocked putter is refused at once; join waits for the drained items.
#[test]
fn case_415_queue_shutdown_drain_then_refuse() {
    async fn worker(q: Rc<Queue<u32>>, name: String) {
        loop {
            let Ok(item) = q.get().await else {
                log!("{name} done");
                return;
            };
            log!("{name} takes {item}");
            sleep(secs(0.25)).await;
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("415_queue_shutdown_drain_then_refuse", async {
        let q = Rc::new(Queue::with_maxsize(2));
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        let lq = q.clone();
        let p = spawn(async move {
            match lq.put(3).await {
                Ok(()) => log!("late put 3"),
                Err(_) => log!("late putter refused"),
            }
        });
        yield_now().await;
        q.shutdown(false);
        log!("shut, size={}", q.qsize());
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(worker(q.clone(), format!("w{i}"))))
            .collect();
        q.join().await;
        log!("joined");
        p.await.unwrap();
        gather_tasks(ws).await.unwrap();
        log!("end");
    });
}

/// BoundedSemaphore over-release fails; a release while the permit is held and tasks wait
/// is accepted (it hands the permit on), so the last holder's release fails. A plain
/// Semaphore(0) released while tasks wait admits them in order.
#[test]
fn case_416_bounded_semaphore_release_errors() {
    async fn bounded_user(sem: Rc<BoundedSemaphore>, name: String, hold: f64) {
        sem.acquire().await.forget();
        log!("{name} in, locked={}", py_bool(sem.locked()));
        sleep(secs(hold)).await;
        match sem.release() {
            Ok(()) => log!("{name} out"),
            Err(e) => log!("{name} release failed: {e}"),
        }
    }
    async fn user(sem: Rc<Semaphore>, name: String, hold: f64) {
        sem.acquire().await.forget();
        log!("{name} in, locked={}", py_bool(sem.locked()));
        sleep(secs(hold)).await;
        sem.release();
        log!("{name} out");
    }
    assert_matches_cpython("416_bounded_semaphore_release_errors", async {
        let b = Rc::new(BoundedSemaphore::new(1));
        if let Err(e) = b.release() {
            log!("over-release: {e}");
        }
        let ts: Vec<_> = (0..3)
            .map(|i| spawn(bounded_user(b.clone(), format!("u{i}"), 0.5)))
            .collect();
        sleep(secs(0.25)).await;
        b.release().unwrap();
        log!(
            "extra release with waiters accepted, locked={}",
            py_bool(b.locked())
        );
        gather_tasks(ts).await.unwrap();
        let s = Rc::new(Semaphore::new(0));
        let vs: Vec<_> = (0..3)
            .map(|i| spawn(user(s.clone(), format!("v{i}"), 0.25)))
            .collect();
        yield_now().await;
        s.release();
        s.release();
        log!("released twice, locked={}", py_bool(s.locked()));
        sleep(secs(0.5)).await;
        s.release();
        gather_tasks(vs).await.unwrap();
        log!("end locked={}", py_bool(s.locked()));
    });
}

/// Lock waiters cancelled one after another while the lock is held: the release hands it
/// to the first waiter still waiting; a newcomer queues behind.
#[test]
fn case_417_lock_waiters_cancelled_in_turn() {
    async fn waiter(lock: Rc<Lock>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        {
            let _held = lock.lock().await;
            log!("{name} has the lock");
            sleep(secs(0.25)).await;
        }
        cancelled.disarm();
    }
    assert_matches_cpython("417_lock_waiters_cancelled_in_turn", async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let ws: Vec<_> = (0..4)
            .map(|i| spawn(waiter(lock.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        ws[0].cancel();
        yield_now().await;
        ws[2].cancel();
        lock.release().unwrap();
        log!("released");
        ws[1].cancel();
        let mut all = ws;
        all.push(spawn(waiter(lock.clone(), "new".to_string())));
        gather_all_tasks(all).await;
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// Barrier.abort breaks current and later waiters; reset() repairs it and a new round
/// passes, the last arrival first.
#[test]
fn case_423_barrier_abort_then_reset_reuse() {
    async fn party(b: Rc<Barrier>, name: String) {
        match b.wait().await {
            Ok(i) => log!("{name} passed index {i}"),
            Err(_) => log!("{name} broken"),
        }
    }
    assert_matches_cpython("423_barrier_abort_then_reset_reuse", async {
        let b = Rc::new(Barrier::new(3));
        let mut ps: Vec<_> = (0..2)
            .map(|i| spawn(party(b.clone(), format!("p{i}"))))
            .collect();
        yield_now().await;
        b.abort().await;
        log!(
            "aborted, broken={} waiting={}",
            py_bool(b.broken()),
            b.n_waiting()
        );
        yield_now().await;
        ps.push(spawn(party(b.clone(), "late".to_string())));
        gather_tasks(ps).await.unwrap();
        b.reset().await;
        log!("reset, broken={}", py_bool(b.broken()));
        let qs: Vec<_> = (0..3)
            .map(|i| spawn(party(b.clone(), format!("q{i}"))))
            .collect();
        gather_tasks(qs).await.unwrap();
    });
}

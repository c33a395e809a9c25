//! The twelfth round, first batch (cases 666-671): cancellation arriving inside `async with`
//! of a Lock, a Semaphore and a Condition, `join()` with consumers cancelled mid-item, a
//! Barrier reset while parties wait, and an Event used as a gate that is set and cleared in
//! one step.

use std::rc::Rc;

use simloop::task::call_later;
use simloop::{
    Barrier, Condition, Event, Lock, Queue, Semaphore, gather_all_tasks, gather_tasks, log, sleep,
    spawn, yield_now,
};

use super::{Finally, assert_matches_cpython, outcome_names, py_bool, py_list, secs};

/// Cancellation arriving during `async with lock`: the holder is cancelled inside the body
/// (its finally runs while it still holds the lock, then the lock is released on the way
/// out) and a waiter is cancelled in the same step; the first waiter left takes the lock,
/// the cancelled waiter never enters.
#[test]
fn case_666_lock_async_with_holder_and_waiter_cancelled() {
    async fn user(lock: Rc<Lock<()>>, name: &'static str, hold: f64) {
        let l = lock.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(l.locked())));
        let guard = lock.lock().await;
        log!("{name} in");
        let l = lock.clone();
        let finally = Finally::new(move || log!("{name} finally, locked={}", py_bool(l.locked())));
        sleep(secs(hold)).await;
        drop(finally);
        drop(guard);
        log!("{name} out, locked={}", py_bool(lock.locked()));
        cancelled.disarm();
    }
    assert_matches_cpython("666_lock_async_with_holder_and_waiter_cancelled", async {
        let lock = Rc::new(Lock::new(()));
        let ts: Vec<_> = [("a", 0.5), ("b", 0.25), ("c", 0.25), ("d", 0.125)]
            .into_iter()
            .map(|(n, h)| spawn(user(lock.clone(), n, h)))
            .collect();
        sleep(secs(0.125)).await;
        ts[2].cancel();
        ts[0].cancel();
        log!("cancelled a and c, locked={}", py_bool(lock.locked()));
        let r = gather_all_tasks(ts).await;
        log!(
            "end {} locked={}",
            outcome_names(&r),
            py_bool(lock.locked())
        );
    });
}

/// Cancellation during `async with` a Semaphore(2): a holder cancelled inside the body gives
/// its permit to the first waiter, a waiter cancelled in the same step leaves the line, a
/// waiter cancelled at the instant a permit is handed to the one before it leaves the line;
/// `locked()` read at each point.
#[test]
fn case_667_semaphore_async_with_cancelled_holders_waiters() {
    async fn user(sem: Rc<Semaphore>, name: &'static str, hold: f64) {
        let s = sem.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(s.locked())));
        let permit = sem.acquire().await;
        log!("{name} in, locked={}", py_bool(sem.locked()));
        sleep(secs(hold)).await;
        drop(permit);
        log!("{name} out");
        cancelled.disarm();
    }
    assert_matches_cpython(
        "667_semaphore_async_with_cancelled_holders_waiters",
        async {
            let sem = Rc::new(Semaphore::new(2));
            let specs = [
                ("h1", 0.5),
                ("h2", 0.25),
                ("w1", 0.125),
                ("w2", 0.125),
                ("w3", 0.125),
                ("w4", 0.125),
            ];
            let ts: Vec<_> = specs
                .into_iter()
                .map(|(n, h)| spawn(user(sem.clone(), n, h)))
                .collect();
            sleep(secs(0.125)).await;
            ts[2].cancel();
            ts[0].cancel();
            log!("cancelled h1 and w1, locked={}", py_bool(sem.locked()));
            yield_now().await;
            log!("after one pass, locked={}", py_bool(sem.locked()));
            sleep(secs(0.125)).await;
            ts[5].cancel();
            log!(
                "cancelled w4 at the release instant, locked={}",
                py_bool(sem.locked())
            );
            let r = gather_all_tasks(ts).await;
            log!("end {} locked={}", outcome_names(&r), py_bool(sem.locked()));
        },
    );
}

/// `async with cond` around `wait()`: a notified waiter is cancelled after `wait()`
/// returned, while it holds the lock in its body; the lock is released on the way out and
/// the next notified waiter re-acquires it; a waiter still waiting is unaffected until
/// `notify_all`.
#[test]
fn case_668_condition_cancelled_after_wait_returns() {
    async fn waiter(cond: Rc<Condition<()>>, name: &'static str, work: f64) {
        let c = cond.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(c.locked())));
        let guard = cond.lock().await;
        log!("{name} waits");
        let guard = cond.wait(guard).await;
        log!("{name} notified, holds the lock");
        sleep(secs(work)).await;
        log!("{name} done");
        drop(guard);
        cancelled.disarm();
    }
    assert_matches_cpython("668_condition_cancelled_after_wait_returns", async {
        let cond = Rc::new(Condition::new(()));
        let ts: Vec<_> = [("a", 0.5), ("b", 0.125), ("c", 0.125)]
            .into_iter()
            .map(|(n, w)| spawn(waiter(cond.clone(), n, w)))
            .collect();
        sleep(secs(0.125)).await;
        {
            let _guard = cond.lock().await;
            cond.notify(2).unwrap();
            log!("notify(2)");
        }
        sleep(secs(0.125)).await;
        ts[0].cancel();
        log!("cancelled a, locked={}", py_bool(cond.locked()));
        sleep(secs(0.25)).await;
        {
            let _guard = cond.lock().await;
            cond.notify_all().unwrap();
            log!("notify_all");
        }
        let r = gather_all_tasks(ts).await;
        log!(
            "end {} locked={}",
            outcome_names(&r),
            py_bool(cond.locked())
        );
    });
}

/// `Queue.join()` with three consumers, two cancelled mid-item: each cancelled consumer
/// marks its item done in `finally`, so the count stays right and `join()` returns once
/// the last consumer has finished the last item, in the pass of the cancellations.
#[test]
fn case_669_queue_join_consumers_cancelled() {
    async fn consumer(q: Rc<Queue<u32>>, name: &'static str, d: f64) {
        let qq = q.clone();
        let _cancelled = Finally::new(move || log!("{name} cancelled, qsize={}", qq.qsize()));
        loop {
            let item = q.get().await.unwrap();
            let qd = q.clone();
            let finally = Finally::new(move || qd.task_done().unwrap());
            log!("{name} takes {item}");
            sleep(secs(d)).await;
            log!("{name} finished {item}");
            drop(finally);
        }
    }
    assert_matches_cpython("669_queue_join_consumers_cancelled", async {
        let q = Rc::new(Queue::new());
        for i in 0..6 {
            q.put_nowait(i).unwrap();
        }
        let cs: Vec<_> = [("c0", 0.25), ("c1", 0.5), ("c2", 0.125)]
            .into_iter()
            .map(|(n, d)| spawn(consumer(q.clone(), n, d)))
            .collect();
        let qj = q.clone();
        let joiner = spawn(async move { qj.join().await }).share();
        joiner.add_done_callback(|_| log!("join returned"));
        sleep(secs(0.375)).await;
        cs[0].cancel();
        cs[1].cancel();
        log!("cancelled c0 and c1, qsize={}", q.qsize());
        joiner.await.unwrap();
        log!("joined, qsize={}", q.qsize());
        cs[2].cancel();
        let r = gather_all_tasks(cs).await;
        log!("end {}", outcome_names(&r));
    });
}

/// `Barrier.reset()` while two of three parties wait: both get BrokenBarrierError and
/// retry; the barrier is not broken after the reset, so with the third party they all
/// pass, the last arrival first; `n_waiting` and `broken` read at each point.
#[test]
fn case_670_barrier_reset_while_parties_wait() {
    async fn party(b: Rc<Barrier>, name: &'static str, delay: f64) -> Option<usize> {
        sleep(secs(delay)).await;
        for attempt in 0..2 {
            log!(
                "{name} waits (attempt {attempt}), n_waiting={}",
                b.n_waiting()
            );
            match b.wait().await {
                Ok(i) => {
                    log!("{name} passes as {i}");
                    return Some(i);
                }
                Err(_) => log!(
                    "{name} broken, broken={} n_waiting={}",
                    py_bool(b.broken()),
                    b.n_waiting()
                ),
            }
        }
        None
    }
    assert_matches_cpython("670_barrier_reset_while_parties_wait", async {
        let b = Rc::new(Barrier::new(3));
        let ts: Vec<_> = [("p0", 0.0), ("p1", 0.125), ("p2", 0.5)]
            .into_iter()
            .map(|(n, d)| spawn(party(b.clone(), n, d)))
            .collect();
        sleep(secs(0.25)).await;
        log!("reset, n_waiting={}", b.n_waiting());
        b.reset().await;
        log!(
            "after reset, broken={} n_waiting={}",
            py_bool(b.broken()),
            b.n_waiting()
        );
        let r = gather_tasks(ts).await.unwrap();
        log!(
            "end {} broken={} n_waiting={}",
            py_list(r.into_iter().map(Option::unwrap)),
            py_bool(b.broken()),
            b.n_waiting()
        );
    });
}

/// An Event used as a gate: `set()` then `clear()` in one step still lets every waiter
/// through (each sees `is_set` False), then they block at the closed gate again; a gate
/// opened by `call_later` and closed by the next `call_soon` lets them through once more; a
/// late arrival waits for the next opening.
#[test]
fn case_671_event_gate_set_clear_same_step() {
    async fn worker(gate: Rc<Event>, name: &'static str, rounds: usize) {
        for r in 0..rounds {
            gate.wait().await;
            log!(
                "{name} through round {r}, is_set={}",
                py_bool(gate.is_set())
            );
            yield_now().await;
        }
    }
    assert_matches_cpython("671_event_gate_set_clear_same_step", async {
        let gate = Rc::new(Event::new());
        let ws: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|n| spawn(worker(gate.clone(), n, 3)).share())
            .collect();
        sleep(secs(0.125)).await;
        gate.set();
        gate.clear();
        log!("set and cleared");
        sleep(secs(0.125)).await;
        let late = spawn(worker(gate.clone(), "late", 1)).share();
        let g = gate.clone();
        call_later(secs(0.125), move || {
            g.set();
            log!("opened");
            simloop::task::call_soon(move || {
                g.clear();
                log!("closed");
            });
        });
        sleep(secs(0.25)).await;
        log!(
            "waiters blocked: {} late done={}",
            py_list(ws.iter().map(|w| py_bool(w.done()))),
            py_bool(late.done())
        );
        gate.set();
        let mut all = ws;
        all.push(late);
        gather_tasks(all).await.unwrap();
        log!("end is_set={}", py_bool(gate.is_set()));
    });
}

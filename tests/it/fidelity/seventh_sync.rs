//! The seventh round, primitives (cases 524-529, 539, 540, 550): PriorityQueue and
//! LifoQueue ties, `Queue(maxsize=1)` hand-offs with a cancelled putter, Barrier reset
//! while parties wait, BoundedSemaphore over-release by a task, Lock fairness when the
//! woken waiter is cancelled, a Condition-guarded buffer, a Semaphore hand-off cancelled,
//! a Lock chain.

use std::rc::Rc;

use simloop::sync::{
    Barrier, BoundedSemaphore, Condition, LifoQueue, Lock, PriorityQueue, Queue, Semaphore,
};
use simloop::{JoinError, gather, gather_all_tasks, log, sleep, spawn, yield_now};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// PriorityQueue items of equal priority ordered by a sequence number; getters waiting
/// before the puts are served FIFO, each taking the smallest item.
#[test]
fn case_524_priority_queue_ties_fifo_by_seq() {
    type Item = (u32, u32, &'static str);
    async fn getter(q: Rc<PriorityQueue<Item>>, name: String) {
        let (p, seq, v) = q.get().await.unwrap();
        log!("{name} got {v} (p={p}, seq={seq})");
    }
    assert_matches_cpython("524_priority_queue_ties_fifo_by_seq", async {
        let q = Rc::new(PriorityQueue::new());
        let gs: Vec<_> = (0..2)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        for (seq, (p, v)) in [(2, "low"), (1, "high-a"), (1, "high-b"), (2, "low-b")]
            .into_iter()
            .enumerate()
        {
            q.put_nowait((p, seq as u32, v)).unwrap();
        }
        log!("size {}", q.qsize());
        gather_all_tasks(gs).await;
        while !q.empty() {
            let (p, seq, v) = q.get_nowait().unwrap();
            log!("left ({p}, {seq}, '{v}')");
        }
    });
}

/// A LifoQueue: blocked getters are served in FIFO getter order, each taking the newest
/// item present at its turn.
#[test]
fn case_525_lifo_queue_getters_and_puts() {
    async fn getter(q: Rc<LifoQueue<u32>>, name: String) {
        let v = q.get().await.unwrap();
        log!("{name} got {v}");
    }
    assert_matches_cpython("525_lifo_queue_getters_and_puts", async {
        let q = Rc::new(LifoQueue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        log!("put 1, 2");
        yield_now().await;
        q.put_nowait(3).unwrap();
        q.put_nowait(4).unwrap();
        log!("put 3, 4");
        gather_all_tasks(gs).await;
        log!("left {}", q.get_nowait().unwrap());
    });
}

/// A `Queue(maxsize=1)` hand-off: a blocked putter cancelled leaves its item out; the next
/// putter's item follows.
#[test]
fn case_526_queue_maxsize1_handoff_cancel() {
    async fn putter(q: Rc<Queue<char>>, v: char) {
        let cancelled = OnDrop::new(format!("putter {v} cancelled"));
        q.put(v).await.unwrap();
        cancelled.disarm();
        log!("put {v}");
    }
    assert_matches_cpython("526_queue_maxsize1_handoff_cancel", async {
        let q = Rc::new(Queue::with_maxsize(1));
        let ps: Vec<_> = "abc".chars().map(|v| spawn(putter(q.clone(), v))).collect();
        yield_now().await;
        ps[1].cancel();
        log!("got {}", q.get().await.unwrap());
        yield_now().await;
        log!("got {}", q.get().await.unwrap());
        gather_all_tasks(ps).await;
        log!("size {}", q.qsize());
    });
}

/// `Barrier.reset()` while two parties wait: they get BrokenBarrierError; the barrier is
/// whole again for a full round.
#[test]
fn case_527_barrier_reset_during_wait() {
    async fn party(b: Rc<Barrier>, name: String) {
        match b.wait().await {
            Ok(i) => log!("{name} passed {i}"),
            Err(_) => log!("{name} broken"),
        }
    }
    assert_matches_cpython("527_barrier_reset_during_wait", async {
        let b = Rc::new(Barrier::new(3));
        let ps: Vec<_> = (0..2)
            .map(|i| spawn(party(b.clone(), format!("p{i}"))))
            .collect();
        sleep(secs(0.125)).await;
        log!("waiting {}", b.n_waiting());
        b.reset().await;
        log!("reset broken={}", py_bool(b.broken()));
        gather_all_tasks(ps).await;
        let ps: Vec<_> = (0..3)
            .map(|i| spawn(party(b.clone(), format!("q{i}"))))
            .collect();
        gather_all_tasks(ps).await;
        log!(
            "end waiting={} broken={}",
            b.n_waiting(),
            py_bool(b.broken())
        );
    });
}

/// A task releases a BoundedSemaphore it never acquired while another holds it: the
/// waiter gets in at once; the last release then fails (in the waiter, as asyncio's
/// `async with` exit raises).
#[test]
fn case_528_bounded_semaphore_extra_release_by_task() {
    async fn user(sem: Rc<BoundedSemaphore>, name: &'static str) -> Result<(), String> {
        sem.acquire().await.forget();
        log!("{name} in");
        sleep(secs(0.25)).await;
        sem.release().map_err(|e| e.to_string())?;
        log!("{name} out");
        Ok(())
    }
    assert_matches_cpython("528_bounded_semaphore_extra_release_by_task", async {
        let sem = Rc::new(BoundedSemaphore::new(1));
        let s = sem.clone();
        let ts = vec![
            spawn(user(sem.clone(), "holder")),
            spawn(user(sem.clone(), "waiter")),
            spawn(async move {
                sleep(secs(0.125)).await;
                s.release().map_err(|e| e.to_string())?;
                log!("rogue released, value={}", s.value());
                Ok(())
            }),
        ];
        let res = gather_all_tasks(ts).await;
        log!(
            "{}",
            py_list(res.iter().map(|r| match r {
                Ok(Ok(())) => "None".to_string(),
                Ok(Err(e)) => format!("ValueError('{e}')"),
                Err(e) => panic!("{e}"),
            }))
        );
        log!("value={}", sem.value());
    });
}

/// A Lock waiter woken by `release()` and cancelled before it runs: the lock passes to the
/// next waiter; the newcomer queues behind the others.
#[test]
fn case_529_lock_woken_waiter_cancelled_fairness() {
    async fn user(lock: Rc<Lock>, name: String) {
        let seen = lock.clone();
        let who = name.clone();
        let cancelled =
            Finally::new(move || log!("{who} cancelled, locked={}", py_bool(seen.locked())));
        {
            let _g = lock.lock().await;
            log!("{name} has it");
            yield_now().await;
        }
        cancelled.disarm();
    }
    assert_matches_cpython("529_lock_woken_waiter_cancelled_fairness", async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let mut ts: Vec<_> = (0..3)
            .map(|i| spawn(user(lock.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        lock.release().unwrap();
        ts[0].cancel();
        ts.push(spawn(user(lock.clone(), "newcomer".into())));
        gather_all_tasks(ts).await;
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// A Condition-guarded buffer: each put notifies one consumer; consumers wake in wait
/// order and re-check their predicate.
#[test]
fn case_539_condition_producer_consumers_notify_one() {
    async fn consumer(cond: Rc<Condition<Vec<char>>>, name: String) {
        let g = cond.lock().await;
        let mut g = cond.wait_for(g, |b| !b.is_empty()).await;
        let item = g.remove(0);
        log!("{name} took {item}");
    }
    assert_matches_cpython("539_condition_producer_consumers_notify_one", async {
        let cond = Rc::new(Condition::new(Vec::new()));
        let cs: Vec<_> = (0..3)
            .map(|i| spawn(consumer(cond.clone(), format!("c{i}"))))
            .collect();
        yield_now().await;
        for item in "xyz".chars() {
            {
                let mut g = cond.lock().await;
                g.push(item);
                cond.notify(1).unwrap();
                log!("put {item}");
            }
            sleep(secs(0.125)).await;
        }
        gather_all_tasks(cs).await;
    });
}

/// A Semaphore waiter handed the permit and cancelled in the same step: the permit goes to
/// the next waiter; the count ends whole.
#[test]
fn case_540_semaphore_acquire_cancel_after_handoff() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        {
            let _p = sem.acquire().await;
            log!("{name} in");
            sleep(secs(0.125)).await;
        }
        cancelled.disarm();
    }
    assert_matches_cpython("540_semaphore_acquire_cancel_after_handoff", async {
        let sem = Rc::new(Semaphore::new(1));
        let ts: Vec<_> = (0..4)
            .map(|i| spawn(user(sem.clone(), format!("u{i}"))))
            .collect();
        sleep(secs(0.125)).await;
        log!("u0 released, cancel u1");
        ts[1].cancel();
        let res = gather_all_tasks(ts).await;
        assert!(matches!(res[1], Err(JoinError::Cancelled { .. })));
        log!("value={}", sem.value());
    });
}

/// Five tasks contend for a Lock, each holding it across a sleep: FIFO order, one every
/// 125 ms.
#[test]
fn case_550_lock_chain_handoff_order() {
    async fn user(lock: Rc<Lock>, name: String) {
        let _g = lock.lock().await;
        log!("{name} holds");
        sleep(secs(0.125)).await;
    }
    assert_matches_cpython("550_lock_chain_handoff_order", async {
        let lock = Rc::new(Lock::new(()));
        gather((0..5).map(|i| user(lock.clone(), format!("u{i}"))))
            .await
            .unwrap();
        log!("end");
    });
}

//! Corners of the synchronisation primitives (cases 300-308, 336, 340, 342, 346, 349, 353,
//! 354, 357 and 360): notify(n), Event races, Barrier reset and abort, cancelled waiters,
//! operations that do not yield.

use std::rc::Rc;

use simloop::{
    Barrier, BoundedSemaphore, Condition, Event, Lock, Queue, Semaphore, gather, gather_all_tasks,
    gather_tasks, log, sleep, spawn, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// Condition.notify(n) wakes the n longest waiters; two notify(2) in one hold wake four,
/// each re-taking the lock in turn.
#[test]
fn case_300_condition_notify_n() {
    async fn waiter(cond: Rc<Condition>, name: String) {
        {
            let guard = cond.lock().await;
            log!("{name} waits");
            let _guard = cond.wait(guard).await;
            log!("{name} woke, locked={}", py_bool(cond.locked()));
            sleep(secs(0.25)).await;
        }
        log!("{name} out");
    }
    assert_matches_cpython("300_condition_notify_n", async {
        let cond = Rc::new(Condition::new(()));
        let ts: Vec<_> = (0..5)
            .map(|i| spawn(waiter(cond.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(1.0)).await;
        {
            let _held = cond.lock().await;
            cond.notify(2).unwrap();
            cond.notify(2).unwrap();
            log!("notified 2 + 2");
        }
        yield_now().await;
        log!("main after notify");
        sleep(secs(2.0)).await;
        {
            let _held = cond.lock().await;
            cond.notify(3).unwrap();
            log!("notify 3 with one waiter");
        }
        gather_tasks(ts).await.unwrap();
    });
}

/// Condition.wait_for re-checks its predicate at every wake-up: a notify_all that leaves it
/// false puts the waiter back in line.
#[test]
fn case_301_condition_wait_for_recheck() {
    async fn consumer(cond: Rc<Condition<u32>>, need: u32) {
        let guard = cond.lock().await;
        log!("c{need} wants {need}");
        let n = cond.wait_for(guard, |n| *n >= need).await;
        log!("c{need} sees {}", *n);
    }
    assert_matches_cpython("301_condition_wait_for_recheck", async {
        let cond = Rc::new(Condition::new(0u32));
        let ts: Vec<_> = [3, 1, 2]
            .into_iter()
            .map(|need| spawn(consumer(cond.clone(), need)))
            .collect();
        for _ in 0..3 {
            sleep(secs(0.5)).await;
            let mut n = cond.lock().await;
            *n += 1;
            cond.notify_all().unwrap();
            log!("n={}", *n);
        }
        gather_tasks(ts).await.unwrap();
        let guard = cond.lock().await;
        let _guard = cond.wait_for(guard, |_| true).await;
        log!("true at once: already");
    });
}

async fn event_waiter(ev: Rc<Event>, name: &'static str) {
    log!("{name} waits");
    ev.wait().await;
    log!("{name} woke, is_set={}", py_bool(ev.is_set()));
}

/// Event.set wakes every waiter even if clear() and set() follow in the same step; a waiter
/// arriving after clear() waits for the next set.
#[test]
fn case_302_event_set_clear_set() {
    assert_matches_cpython("302_event_set_clear_set", async {
        let ev = Rc::new(Event::new());
        let a = spawn(event_waiter(ev.clone(), "a"));
        let b = spawn(event_waiter(ev.clone(), "b"));
        sleep(secs(0.5)).await;
        ev.set();
        ev.clear();
        ev.set();
        ev.clear();
        let c = spawn(event_waiter(ev.clone(), "c"));
        log!("set, clear, set, clear");
        gather_tasks(vec![a, b]).await.unwrap();
        sleep(secs(0.5)).await;
        ev.set();
        log!("set again");
        c.await.unwrap();
        ev.clear();
        log!("cleared: {}", py_bool(ev.is_set()));
    });
}

/// An Event waiter cancelled before set() is skipped; the others wake in wait order.
#[test]
fn case_303_event_waiter_cancelled() {
    async fn waiter(ev: Rc<Event>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        ev.wait().await;
        cancelled.disarm();
        log!("{name} woke");
    }
    assert_matches_cpython("303_event_waiter_cancelled", async {
        let ev = Rc::new(Event::new());
        let ts: Vec<_> = (0..4)
            .map(|i| spawn(waiter(ev.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(1.0)).await;
        ts[1].cancel();
        ev.set();
        ts[2].cancel();
        log!("set with w1 cancelled before and w2 after");
        let kinds = gather_all_tasks(ts).await.into_iter().map(|r| match r {
            Ok(()) => "'NoneType'",
            Err(_) => "'CancelledError'",
        });
        log!("results {}", py_list(kinds));
    });
}

async fn barrier_party(b: Rc<Barrier>, name: String, delay: f64) -> i64 {
    sleep(secs(delay)).await;
    match b.wait().await {
        Ok(i) => {
            log!("{name} passed as {i}");
            i as i64
        }
        Err(_) => {
            log!("{name}: broken");
            -1
        }
    }
}

/// Barrier.reset() breaks the round for the tasks waiting (BrokenBarrierError) and makes
/// the barrier usable again.
#[test]
fn case_304_barrier_reset_waiting() {
    assert_matches_cpython("304_barrier_reset_waiting", async {
        let b = Rc::new(Barrier::new(3));
        let first: Vec<_> = (0..2)
            .map(|i| spawn(barrier_party(b.clone(), format!("p{i}"), 0.5)))
            .collect();
        sleep(secs(1.0)).await;
        log!("waiting={}", b.n_waiting());
        b.reset().await;
        log!(
            "reset, broken={} waiting={}",
            py_bool(b.broken()),
            b.n_waiting()
        );
        gather_tasks(first).await.unwrap();
        log!("after the broken round broken={}", py_bool(b.broken()));
        let second: Vec<_> = (0..3)
            .map(|i| spawn(barrier_party(b.clone(), format!("q{i}"), 0.25 * i as f64)))
            .collect();
        gather_tasks(second).await.unwrap();
        log!("second round done, waiting={}", b.n_waiting());
    });
}

/// An aborted Barrier stays broken until reset(); after reset a full round passes, the
/// last arrival first.
#[test]
fn case_305_barrier_abort_then_reset() {
    fn party(b: &Rc<Barrier>, name: &str) -> impl std::future::Future<Output = i64> + use<> {
        barrier_party(b.clone(), name.to_string(), 0.0)
    }
    assert_matches_cpython("305_barrier_abort_then_reset", async {
        let b = Rc::new(Barrier::new(2));
        let t = spawn(party(&b, "early"));
        sleep(secs(0.5)).await;
        b.abort().await;
        log!("aborted: broken={}", py_bool(b.broken()));
        t.await.unwrap();
        log!("late gets {}", party(&b, "late").await);
        b.reset().await;
        log!("reset: broken={}", py_bool(b.broken()));
        let r = gather([party(&b, "x"), party(&b, "y")]).await.unwrap();
        log!("indices {r:?}");
    });
}

/// BoundedSemaphore(2) with waiters: releases hand permits on; over-release raises only
/// once every permit is back.
#[test]
fn case_306_bounded_semaphore_waiters() {
    async fn worker(sem: Rc<BoundedSemaphore>, name: String, hold: f64) {
        {
            let _permit = sem.acquire().await;
            log!("{name} in, value={}", sem.value());
            sleep(secs(hold)).await;
        }
        log!("{name} out, value={}", sem.value());
    }
    assert_matches_cpython("306_bounded_semaphore_waiters", async {
        let sem = Rc::new(BoundedSemaphore::new(2));
        let ts: Vec<_> = (0..4)
            .map(|i| spawn(worker(sem.clone(), format!("w{i}"), 0.5 * (i + 1) as f64)))
            .collect();
        yield_now().await;
        log!("locked={} value={}", py_bool(sem.locked()), sem.value());
        gather_tasks(ts).await.unwrap();
        log!("all out, value={}", sem.value());
        if let Err(e) = sem.release() {
            log!("ValueError: {e}");
        }
        sem.acquire().await.forget();
        sem.release().unwrap();
        log!("acquire/release ok, value={}", sem.value());
    });
}

/// A Semaphore waiter in the middle of the line is cancelled; the release goes to the next
/// one in line.
#[test]
fn case_307_semaphore_cancel_middle_waiter() {
    async fn user(sem: Rc<Semaphore>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled while waiting"));
        let _permit = sem.acquire().await;
        cancelled.disarm();
        log!("{name} holds");
        sleep(secs(1.0)).await;
    }
    assert_matches_cpython("307_semaphore_cancel_middle_waiter", async {
        let sem = Rc::new(Semaphore::new(1));
        let ts: Vec<_> = (0..4)
            .map(|i| spawn(user(sem.clone(), format!("u{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        ts[1].cancel();
        yield_now().await;
        log!("u1 cancelled={}", py_bool(ts[1].cancelled()));
        ts[2].cancel();
        gather_all_tasks(ts).await;
        log!("value={}", sem.value());
    });
}

/// The task holding a Lock is cancelled inside `async with`; the lock goes to the first
/// waiter still in line, and a cancelled waiter leaves the line.
#[test]
fn case_308_lock_holder_cancelled() {
    async fn user(lock: Rc<Lock>, name: String, hold: f64) {
        let seen = lock.clone();
        let who = name.clone();
        let cancelled = Finally::new(move || {
            log!("{who} cancelled, locked={}", py_bool(seen.locked()));
        });
        {
            let _held = lock.lock().await;
            log!("{name} holds");
            sleep(secs(hold)).await;
            log!("{name} done");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("308_lock_holder_cancelled", async {
        let lock = Rc::new(Lock::new(()));
        let holder = spawn(user(lock.clone(), "holder".into(), 5.0));
        let ws: Vec<_> = (0..3)
            .map(|i| spawn(user(lock.clone(), format!("w{i}"), 1.0)))
            .collect();
        sleep(secs(1.0)).await;
        ws[0].cancel();
        holder.cancel();
        log!("cancelled w0 and holder");
        let mut all = vec![holder];
        all.extend(ws);
        gather_all_tasks(all).await;
        log!("locked={}", py_bool(lock.locked()));
    });
}

/// A plain Semaphore released more often than acquired grows its value; locked() follows
/// it.
#[test]
fn case_336_semaphore_grows() {
    async fn worker(sem: Rc<Semaphore>, name: String) {
        let permit = sem.acquire().await;
        log!("{name} in, value={}", sem.value());
        sleep(secs(1.0)).await;
        drop(permit);
    }
    assert_matches_cpython("336_semaphore_grows", async {
        let sem = Rc::new(Semaphore::new(0));
        log!("locked={}", py_bool(sem.locked()));
        let ts: Vec<_> = (0..3)
            .map(|i| spawn(worker(sem.clone(), format!("w{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        sem.release();
        sem.release();
        log!("released twice, value={}", sem.value());
        yield_now().await;
        log!(
            "after a yield, value={} locked={}",
            sem.value(),
            py_bool(sem.locked())
        );
        gather_tasks(ts).await.unwrap();
        sem.release();
        log!("end value={} locked={}", sem.value(), py_bool(sem.locked()));
    });
}

/// wait_for(lock.acquire()) whose deadline ties with the holder's release: the timer armed
/// first decides who wins.
#[test]
fn case_340_lock_acquire_timeout_tie() {
    async fn holder(lock: Rc<Lock>, hold: f64) {
        {
            let _held = lock.lock().await;
            log!("holder in");
            sleep(secs(hold)).await;
        }
        log!("holder released");
    }
    async fn impatient(lock: Rc<Lock>, name: &'static str, patience: f64) {
        if wait_for(secs(patience), lock.acquire()).await.is_err() {
            log!("{name} gave up, locked={}", py_bool(lock.locked()));
            return;
        }
        log!("{name} got the lock");
        sleep(secs(0.25)).await;
        lock.release().unwrap();
    }
    assert_matches_cpython("340_lock_acquire_timeout_tie", async {
        let lock = Rc::new(Lock::new(()));
        let h = spawn(holder(lock.clone(), 1.0));
        yield_now().await;
        let a = spawn(impatient(lock.clone(), "a", 1.0));
        let b = spawn(impatient(lock.clone(), "b", 2.0));
        gather_tasks(vec![h, a, b]).await.unwrap();
        let c = spawn(impatient(lock.clone(), "c", 1.0));
        yield_now().await;
        c.await.unwrap();
    });
}

/// An Event as a starting gun for tasks behind Semaphore(2): all wake in wait order, two
/// at a time go through.
#[test]
fn case_342_event_start_semaphore() {
    async fn runner(name: String, start: Rc<Event>, sem: Rc<Semaphore>) {
        start.wait().await;
        log!("{name} off");
        {
            let _permit = sem.acquire().await;
            log!("{name} running");
            sleep(secs(1.0)).await;
        }
        log!("{name} finished");
    }
    assert_matches_cpython("342_event_start_semaphore", async {
        let start = Rc::new(Event::new());
        let sem = Rc::new(Semaphore::new(2));
        let rs: Vec<_> = (0..4)
            .map(|i| spawn(runner(format!("r{i}"), start.clone(), sem.clone())))
            .collect();
        sleep(secs(0.5)).await;
        log!("bang");
        start.set();
        gather_tasks(rs).await.unwrap();
    });
}

/// Event.set wakes its waiter one slot later; a task looping on sleep(0) interleaves with
/// the wake-ups.
#[test]
fn case_346_event_set_vs_sleep0() {
    async fn waiter(ev: Rc<Event>, name: String) {
        ev.wait().await;
        log!("{name} woke");
    }
    async fn spinner() {
        for i in 0..3 {
            log!("spin {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("346_event_set_vs_sleep0", async {
        let ev = Rc::new(Event::new());
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(waiter(ev.clone(), format!("w{i}"))))
            .collect();
        yield_now().await;
        let s = spawn(spinner());
        ev.set();
        log!("set");
        yield_now().await;
        log!("main back");
        s.await.unwrap();
        gather_tasks(ws).await.unwrap();
    });
}

/// wait_for(sem.acquire()) expiring in the same pass as the release: the release skips the
/// expired waiter.
#[test]
fn case_349_semaphore_acquire_timeout_tie() {
    async fn holder(sem: Rc<Semaphore>) {
        {
            let _permit = sem.acquire().await;
            sleep(secs(1.0)).await;
        }
        log!("holder released");
    }
    async fn waiter(sem: Rc<Semaphore>, name: &'static str, patience: f64) {
        let Ok(permit) = wait_for(secs(patience), sem.acquire()).await else {
            log!("{name} timed out, value={}", sem.value());
            return;
        };
        log!("{name} acquired");
        sleep(secs(0.5)).await;
        drop(permit);
    }
    assert_matches_cpython("349_semaphore_acquire_timeout_tie", async {
        let sem = Rc::new(Semaphore::new(1));
        let a = spawn(waiter(sem.clone(), "early", 1.0));
        let h = spawn(holder(sem.clone()));
        yield_now().await;
        let b = spawn(waiter(sem.clone(), "tie", 1.0));
        let c = spawn(waiter(sem.clone(), "patient", 3.0));
        gather_tasks(vec![a, h, b, c]).await.unwrap();
        log!("value={}", sem.value());
    });
}

async fn ticker(n: u32) {
    for i in 0..n {
        log!("tick {i}");
        yield_now().await;
    }
}

/// A Barrier of one party passes at once, without yielding; a Barrier(2) reused by the
/// same two tasks gives the indices in arrival order, the last arrival first.
#[test]
fn case_353_barrier_one_party() {
    async fn pair(b: Rc<Barrier>, name: &'static str) {
        for r in 0..2 {
            let i = b.wait().await.unwrap();
            log!("{name} round {r} index {i}");
        }
    }
    assert_matches_cpython("353_barrier_one_party", async {
        let t = spawn(ticker(3));
        yield_now().await;
        let b1 = Barrier::new(1);
        log!("alone passes as {}", b1.wait().await.unwrap());
        log!("and again as {}", b1.wait().await.unwrap());
        t.await.unwrap();
        let b2 = Rc::new(Barrier::new(2));
        gather([pair(b2.clone(), "x"), pair(b2.clone(), "y")])
            .await
            .unwrap();
    });
}

/// Uncontended Lock, Semaphore, Event, Queue and Condition operations do not yield; a
/// ticker shows none of them takes a slot.
#[test]
fn case_354_uncontended_no_yield() {
    assert_matches_cpython("354_uncontended_no_yield", async {
        let t = spawn(ticker(3));
        yield_now().await;
        let (lock, sem, ev, q) = (Lock::new(()), Semaphore::new(2), Event::new(), Queue::new());
        {
            let _held = lock.lock().await;
            log!("lock held");
        }
        {
            let _permit = sem.acquire().await;
            log!("semaphore held");
        }
        ev.set();
        ev.wait().await;
        log!("event passed");
        q.put(1).await.unwrap();
        log!("queue gave {}", q.get().await.unwrap());
        q.task_done().unwrap();
        q.join().await;
        log!("joined");
        let cond = Condition::new(());
        {
            let guard = cond.lock().await;
            let _guard = cond.wait_for(guard, |_| true).await;
            log!("condition predicate true");
        }
        yield_now().await;
        log!("main yields once");
        t.await.unwrap();
    });
}

/// A notified Condition waiter re-acquires the lock behind a task already waiting for that
/// lock.
#[test]
fn case_357_condition_notified_behind_lock_waiter() {
    async fn waiter(cond: Rc<Condition>) {
        let guard = cond.lock().await;
        log!("waiter waits");
        let _guard = cond.wait(guard).await;
        log!("waiter has the lock again");
    }
    async fn other(cond: Rc<Condition>) {
        log!("other asks for the lock");
        {
            let _held = cond.lock().await;
            log!("other has the lock");
            sleep(secs(0.5)).await;
        }
        log!("other released");
    }
    assert_matches_cpython("357_condition_notified_behind_lock_waiter", async {
        let cond = Rc::new(Condition::new(()));
        let w = spawn(waiter(cond.clone()));
        yield_now().await;
        let o = {
            let _held = cond.lock().await;
            let o = spawn(other(cond.clone()));
            yield_now().await;
            cond.notify(1).unwrap();
            log!("notified, releasing");
            o
        };
        gather_tasks(vec![w, o]).await.unwrap();
        log!("locked={}", py_bool(cond.locked()));
    });
}

/// The lectures' semaphore-limited fetches, the gather cancelled halfway: the holders and
/// the waiters are cancelled in argument order, and every permit comes back.
#[test]
fn case_360_semaphore_gather_cancelled() {
    async fn fetch(sem: Rc<Semaphore>, i: u32) {
        let cancelled = OnDrop::new(format!("fetch {i} cancelled"));
        {
            let _permit = sem.acquire().await;
            log!("fetch {i} starts");
            sleep(secs(1.0)).await;
            log!("fetch {i} done");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("360_semaphore_gather_cancelled", async {
        let sem = Rc::new(Semaphore::new(2));
        let g = gather((0..5).map(|i| fetch(sem.clone(), i)));
        sleep(secs(1.5)).await;
        g.cancel();
        if g.await.is_err() {
            log!(
                "gather cancelled, value={} locked={}",
                sem.value(),
                py_bool(sem.locked())
            );
        }
    });
}

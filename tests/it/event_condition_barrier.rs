//! Event, Condition and Barrier: who wakes, in which order, and what breaks.
//!
//! Some orders asserted here were checked against CPython 3.11.7; `tests/cpython_checks/`
//! lists which, with the equivalent asyncio programs and their output.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{Barrier, BrokenBarrierError, Condition, LockReleaseError, NotifyUnlocked};
use simloop::{Event, Lock, Sim, log, sleep, spawn, spawn_named, yield_now};

#[test]
fn cancelled_event_waiter_leaves_and_others_still_wake() {
    let out = Sim::new().run(async {
        let ev = Rc::new(Event::named("go"));
        let mut hs = Vec::new();
        for name in ["a", "b", "c"] {
            let ev = ev.clone();
            hs.push(spawn_named(name, async move {
                ev.wait().await;
                log!("{name} woke");
            }));
        }
        yield_now().await;
        hs[1].cancel();
        ev.set();
        for h in hs {
            let _ = h.await;
        }
    });
    assert_eq!(out.trace.logs(), "t=0 a woke\nt=0 c woke\n");
}

/// notify(n) wakes the n longest waiters; each re-acquires the lock in turn.
#[test]
fn condition_notify_wakes_the_longest_waiters_in_order() {
    let out = Sim::new().run(async {
        let cond = Rc::new(Condition::named("c", 0u32));
        let mut hs = Vec::new();
        for i in 0..4 {
            let cond = cond.clone();
            hs.push(spawn(async move {
                let g = cond.lock().await;
                let mut g = cond.wait(g).await;
                *g += 1;
                log!("w{i} woke, count={}", *g);
            }));
        }
        yield_now().await;
        let g = cond.lock().await;
        assert_eq!(cond.notify(2), Ok(2));
        log!("notified 2");
        drop(g);
        sleep(Duration::from_secs(1)).await;
        let g = cond.lock().await;
        assert_eq!(cond.notify_all(), Ok(2));
        drop(g);
        for h in hs {
            h.await.unwrap();
        }
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 notified 2\nt=0 w0 woke, count=1\nt=0 w1 woke, count=2\n\
         t=1000 w2 woke, count=3\nt=1000 w3 woke, count=4\n"
    );
}

/// asyncio's `async with cond: ...; await cond.wait(); ...` takes the lock without a guard
/// (`acquire`): `Lock::adopt` lends the hold to `Condition::wait`, `LockGuard::detach` gives
/// it back, and the waiter holds the lock after the wait (case 300: `w1` wakes only once
/// `w0` leaves). The hold cannot be adopted by another task, nor twice.
#[test]
fn condition_waits_on_a_lock_taken_without_a_guard() {
    let out = Sim::new().run(async {
        let lock = Rc::new(Lock::named("c", ()));
        let cond = Rc::new(Condition::with_lock(lock.clone()));
        let mut hs = Vec::new();
        for i in 0..2 {
            let (lock, cond) = (lock.clone(), cond.clone());
            hs.push(spawn(async move {
                lock.acquire().await;
                log!("w{i} waits");
                let g = lock.adopt().unwrap();
                assert_eq!(lock.adopt().err(), Some(LockReleaseError::HeldByGuard));
                cond.wait(g).await.detach();
                log!("w{i} woke, locked={}", lock.locked());
                sleep(Duration::from_millis(250)).await;
                lock.release().unwrap();
            }));
        }
        yield_now().await;
        assert_eq!(lock.adopt().err(), Some(LockReleaseError::NotAcquired));
        lock.acquire().await;
        assert_eq!(cond.notify(2), Ok(2));
        lock.release().unwrap();
        log!("notified 2");
        for h in hs {
            h.await.unwrap();
        }
        assert!(!lock.locked());
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 w0 waits\nt=0 w1 waits\nt=0 notified 2\nt=0 w0 woke, locked=true\n\
         t=250 w1 woke, locked=true\n"
    );
}

#[test]
fn notifying_without_the_lock_is_an_error() {
    Sim::new().check(async {
        let cond = Condition::new(());
        assert_eq!(cond.notify(1), Err(NotifyUnlocked));
        assert_eq!(cond.notify_all(), Err(NotifyUnlocked));
        let _g = cond.lock().await;
        assert_eq!(cond.notify(1), Ok(0));
    });
}

#[test]
fn condition_wait_for_rechecks_the_predicate_after_each_notification() {
    let out = Sim::new().run(async {
        let cond = Rc::new(Condition::new(0));
        let c = cond.clone();
        let checks = Rc::new(RefCell::new(0));
        let k = checks.clone();
        let h = spawn(async move {
            let g = c.lock().await;
            let g = c
                .wait_for(g, |v| {
                    *k.borrow_mut() += 1;
                    *v == 3
                })
                .await;
            log!("saw {}", *g);
        });
        for _ in 0..3 {
            yield_now().await;
            let mut g = cond.lock().await;
            *g += 1;
            cond.notify_all().unwrap();
        }
        h.await.unwrap();
        *checks.borrow()
    });
    assert_eq!(
        out.result.unwrap(),
        4,
        "checked once up front and after each notify"
    );
    assert_eq!(out.trace.logs(), "t=0 saw 3\n");
}

/// The last arrival passes first and gets the highest index; the barrier is reusable. In
/// round 1, `b` (the last to leave round 0) refills the barrier first: `c` and `a` were
/// blocked while it drained and re-take the lock after `b`, exactly as asyncio's algorithm
/// orders them.
#[test]
fn barrier_releases_last_arrival_first_and_is_reusable() {
    let out = Sim::new().run(async {
        let b = Rc::new(Barrier::new(3));
        let mut hs = Vec::new();
        for name in ["a", "b", "c"] {
            let b = b.clone();
            hs.push(spawn(async move {
                for round in 0..2 {
                    let i = b.wait().await.unwrap();
                    log!("{name} round {round} index {i}");
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        b.n_waiting()
    });
    assert_eq!(out.result.unwrap(), 0);
    assert_eq!(
        out.trace.logs(),
        "t=0 c round 0 index 2\nt=0 a round 0 index 0\nt=0 b round 0 index 1\n\
         t=0 a round 1 index 2\nt=0 b round 1 index 0\nt=0 c round 1 index 1\n"
    );
}

#[test]
fn barrier_abort_breaks_current_and_later_waiters_until_reset() {
    let out = Sim::new().run(async {
        let b = Rc::new(Barrier::new(3));
        let b1 = b.clone();
        let w = spawn(async move { b1.wait().await });
        yield_now().await;
        assert_eq!(b.n_waiting(), 1);
        b.abort().await;
        assert_eq!(w.await.unwrap(), Err(BrokenBarrierError));
        assert!(b.broken());
        assert_eq!(b.wait().await, Err(BrokenBarrierError));
        b.reset().await;
        assert!(!b.broken());
        let b2 = b.clone();
        let b3 = b.clone();
        let x = spawn(async move { b2.wait().await });
        let y = spawn(async move { b3.wait().await });
        // main arrives first (x and y have not run yet); y arrives last and passes first.
        let mine = b.wait().await;
        (mine, x.await.unwrap(), y.await.unwrap())
    });
    assert_eq!(out.result.unwrap(), (Ok(0), Ok(1), Ok(2)));
}

#[test]
fn barrier_reset_breaks_the_current_round() {
    let out = Sim::new().run(async {
        let b = Rc::new(Barrier::new(2));
        let b1 = b.clone();
        let w = spawn(async move { b1.wait().await });
        yield_now().await;
        b.reset().await;
        let r = w.await.unwrap();
        (r, b.broken(), b.n_waiting())
    });
    assert_eq!(out.result.unwrap(), (Err(BrokenBarrierError), false, 0));
}

#[test]
fn cancelled_barrier_waiter_withdraws_its_arrival() {
    let out = Sim::new().run(async {
        let b = Rc::new(Barrier::new(2));
        let b1 = b.clone();
        let w = spawn(async move { b1.wait().await });
        yield_now().await;
        assert_eq!(b.n_waiting(), 1);
        w.cancel();
        let _ = w.await;
        assert_eq!(b.n_waiting(), 0);
        let b2 = b.clone();
        let x = spawn(async move { b2.wait().await });
        (b.wait().await, x.await.unwrap())
    });
    assert_eq!(
        out.result.unwrap(),
        (Ok(0), Ok(1)),
        "main arrives before x runs"
    );
}

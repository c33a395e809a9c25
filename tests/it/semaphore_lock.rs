//! Semaphore and Lock: FIFO hand-off, no barging, permits passed on by cancelled waiters,
//! and the errors of releasing too often.
//!
//! Some orders asserted here were checked against CPython 3.11.7; `tests/cpython_checks/`
//! lists which, with the equivalent asyncio programs and their output.

use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{LockReleaseError, Semaphore};
use simloop::{BoundedSemaphore, Lock, Sim, log, sleep, spawn, spawn_named, yield_now};

/// A waiter that was handed a permit and is cancelled before it runs passes the permit to the
/// next waiter; none leaks.
#[test]
fn cancelled_waiter_handed_a_permit_passes_it_on() {
    let out = Sim::new().run(async {
        let sem = Rc::new(Semaphore::new(1));
        let held = sem.acquire().await;
        let (s1, s2) = (sem.clone(), sem.clone());
        let b = spawn_named("b", async move {
            let _p = s1.acquire().await;
            log!("b acquired");
        });
        let c = spawn_named("c", async move {
            let _p = s2.acquire().await;
            log!("c acquired");
        });
        yield_now().await; // b and c queue up
        drop(held); // hands the permit to b ...
        b.cancel(); // ... which is dropped at its turn and passes it on to c
        log!("released, b cancelled");
        assert!(b.await.unwrap_err().is_cancelled());
        c.await.unwrap();
        (sem.value(), sem.holders())
    });
    assert_eq!(out.result.unwrap(), (1, vec![]));
    assert_eq!(
        out.trace.logs(),
        "t=0 released, b cancelled\nt=0 c acquired\n"
    );
}

/// When the first waiter's cancellation is already pending, `release` skips it (asyncio: the
/// cancelled waiter future is `done()`), so the permit goes straight to the next.
#[test]
fn release_skips_a_waiter_whose_cancellation_is_pending() {
    let out = Sim::new().run(async {
        let sem = Rc::new(Semaphore::new(1));
        let held = sem.acquire().await;
        let (s1, s2) = (sem.clone(), sem.clone());
        let b = spawn(async move {
            let _p = s1.acquire().await;
            log!("b acquired");
        });
        let c = spawn(async move {
            let _p = s2.acquire().await;
            log!("c acquired");
        });
        yield_now().await;
        b.cancel();
        assert!(sem.locked(), "c still waits");
        drop(held);
        assert_eq!(sem.value(), 0, "handed to c, not to the cancelled b");
        let _ = b.await;
        c.await.unwrap();
        sem.value()
    });
    assert_eq!(out.result.unwrap(), 1);
    assert_eq!(out.trace.logs(), "t=0 c acquired\n");
}

/// No barging: a task that asks right after a release queues behind the woken waiter.
#[test]
fn newcomer_after_release_queues_behind_the_woken_waiter() {
    let out = Sim::new().run(async move {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let l = lock.clone();
        let waiter = spawn(async move {
            let _g = l.lock().await;
            log!("waiter got it");
        });
        yield_now().await;
        lock.release().unwrap();
        assert!(
            !lock.locked(),
            "asyncio: handed but not yet taken counts as unlocked"
        );
        let g = lock.lock().await;
        log!("newcomer got it");
        drop(g);
        waiter.await.unwrap();
    });
    assert_eq!(out.trace.logs(), "t=0 waiter got it\nt=0 newcomer got it\n");
}

#[test]
fn lock_is_fifo_and_guards_its_value() {
    let out = Sim::new().run(async {
        let lock = Rc::new(Lock::named("log", Vec::new()));
        let mut hs = Vec::new();
        for i in 0..4u32 {
            let lock = lock.clone();
            hs.push(spawn(async move {
                sleep(Duration::from_millis(u64::from(4 - i))).await;
                let mut g = lock.lock().await;
                sleep(Duration::from_millis(10)).await;
                g.push(i);
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        Rc::try_unwrap(lock).unwrap().into_inner()
    });
    // Arrival order is 3, 2, 1, 0 (shorter sleeps first); FIFO keeps it.
    assert_eq!(out.result.unwrap(), [3, 2, 1, 0]);
}

#[test]
fn releasing_an_unlocked_or_guarded_lock_is_an_error() {
    Sim::new().check(async {
        let lock = Lock::new(0);
        assert_eq!(lock.release(), Err(LockReleaseError::NotAcquired));
        let g = lock.lock().await;
        assert_eq!(lock.holder(), Some(simloop::task::current()));
        assert_eq!(lock.release(), Err(LockReleaseError::HeldByGuard));
        drop(g);
        assert_eq!(lock.holder(), None);
        lock.acquire().await;
        assert_eq!(lock.release(), Ok(()));
        assert_eq!(lock.release(), Err(LockReleaseError::NotAcquired));
    });
}

#[test]
fn bounded_semaphore_refuses_over_release_but_plain_grows() {
    Sim::new().check(async {
        let b = BoundedSemaphore::new(1);
        b.acquire().await.forget();
        assert_eq!(b.value(), 0);
        b.release().unwrap();
        assert_eq!(
            b.release().unwrap_err().to_string(),
            "BoundedSemaphore released too many times"
        );
        assert_eq!(b.value(), 1);
        let s = Semaphore::new(1);
        s.release();
        s.release();
        assert_eq!(s.value(), 3);
    });
}

#[test]
fn try_acquire_respects_queued_waiters() {
    Sim::new().check(async {
        let sem = Rc::new(Semaphore::new(1));
        let p = sem.try_acquire().expect("free");
        let s = sem.clone();
        let w = spawn(async move {
            drop(s.acquire().await);
        });
        yield_now().await;
        drop(p); // handed to the waiter
        assert!(sem.try_acquire().is_none(), "the woken waiter comes first");
        w.await.unwrap();
        assert!(sem.try_acquire().is_some());
    });
}

/// asyncio's Lock wakes only the first waiter on release; when that waiter is being
/// cancelled, the next one is woken at the cancelled task's turn. Its Semaphore skips the
/// cancelled waiter at once. The same program shows both orders (CPython 3.11.7 agrees).
#[test]
fn lock_waits_for_a_cancelled_first_waiter_but_semaphore_skips_it() {
    async fn x() {
        log!("x ran");
    }
    let out = Sim::new().run(async {
        let lock = Rc::new(Lock::new(()));
        lock.acquire().await;
        let (l1, l2) = (lock.clone(), lock.clone());
        let b = spawn(async move {
            let _g = l1.lock().await;
            log!("b acquired");
        });
        let c = spawn(async move {
            let _g = l2.lock().await;
            log!("c acquired");
        });
        yield_now().await;
        b.cancel();
        lock.release().unwrap();
        log!(
            "released, locked={}",
            if lock.locked() { "True" } else { "False" }
        );
        let xt = spawn(x());
        if b.await.is_err() {
            log!("b cancelled");
        }
        c.await.unwrap();
        xt.await.unwrap();

        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let (s1, s2) = (sem.clone(), sem.clone());
        let b = spawn(async move {
            let _p = s1.acquire().await;
            log!("b acquired");
        });
        let c = spawn(async move {
            let _p = s2.acquire().await;
            log!("c acquired");
        });
        yield_now().await;
        b.cancel();
        sem.release();
        let xt = spawn(x());
        if b.await.is_err() {
            log!("b cancelled");
        }
        c.await.unwrap();
        xt.await.unwrap();
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 released, locked=False\nt=0 x ran\nt=0 c acquired\nt=0 b cancelled\n\
         t=0 c acquired\nt=0 x ran\nt=0 b cancelled\n"
    );
}

/// Wake-ups from primitives are ready-queue entries like any other, so the random policy
/// explores other hand-off orders while FIFO keeps asyncio's.
#[test]
fn random_policy_explores_other_acquisition_orders() {
    async fn contend() {
        let sem = Rc::new(Semaphore::new(1));
        let hs: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|n| {
                let sem = sem.clone();
                spawn(async move {
                    let _p = sem.acquire().await;
                    log!("{n}");
                    yield_now().await;
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    }
    let fifo = Sim::new().run(contend()).trace.logs();
    assert_eq!(fifo, "t=0 a\nt=0 b\nt=0 c\n");
    let seen: std::collections::BTreeSet<String> = (0..40)
        .map(|seed| {
            let out = Sim::new()
                .policy(simloop::Policy::Random)
                .seed(seed)
                .run(contend());
            out.trace.logs()
        })
        .collect();
    assert!(seen.len() > 1, "only {seen:?}");
    assert!(seen.iter().all(|l| l.lines().count() == 3));
}

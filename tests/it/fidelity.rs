//! Ports of simloop's own conformance cases (`tests/conformance/1NN_*.py`, traced with
//! CPython 3.12; see `tests/conformance/README.md`): under FIFO, simloop's log lines equal
//! CPython's trace byte for byte.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::{Semaphore, Sim, gather_tasks, log, sleep, spawn, timeout, wait_for, yield_now};

use crate::util::{OnDrop, cpython_trace};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Runs `program` under FIFO and checks its log lines against CPython's trace.
fn assert_matches_cpython<F: std::future::Future + 'static>(case: &str, program: F) {
    let out = Sim::new().run(program);
    assert!(out.result.is_ok(), "{case}: {:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace(case),
        "{case}: simloop's trace differs from CPython's"
    );
}

/// Regression (issue 19): a timeout whose deadline came while the awaited task had been
/// woken but had not run yet let the task finish and still reported the timeout. The
/// expiry is a cancellation forwarded to the awaited task, as in CPython 3.12+.
#[test]
fn case_101_wait_for_task_at_deadline() {
    assert_matches_cpython("101_wait_for_task_at_deadline", async {
        let mut t = spawn(async {
            let guard = OnDrop::new("exact cancelled");
            sleep(secs(1.0)).await;
            guard.disarm();
            log!("exact finished");
            "exact"
        });
        yield_now().await;
        match wait_for(secs(1.0), &mut t).await {
            Ok(r) => log!("result '{}'", r.unwrap()),
            Err(_) => log!("TimeoutError"),
        }
        let cancelled = t.await.is_err_and(|e| e.is_cancelled());
        log!("cancelled={}", py_bool(cancelled));
    });
}

/// Regression (issue 19): with nested timeouts expiring together, the inner one said
/// `expired() == false` because being dropped marked it finished.
#[test]
fn case_102_nested_timeouts_same_deadline() {
    assert_matches_cpython("102_nested_timeouts_same_deadline", async {
        // asyncio creates both context managers up front; the inner one's handle is kept
        // outside the body, which the outer expiry drops.
        let inner_handle = Rc::new(RefCell::new(None));
        let slot = inner_handle.clone();
        let outer = timeout(secs(1.0), async move {
            let inner = timeout(secs(1.0), sleep(secs(5.0)));
            *slot.borrow_mut() = Some(inner.handle());
            if inner.await.is_err() {
                log!("inner raised TimeoutError");
            }
            log!("never: the outer cancellation is still pending");
        });
        let outer_handle = outer.handle();
        if outer.await.is_err() {
            log!("outer raised TimeoutError");
        }
        let inner_expired = inner_handle.borrow().as_ref().unwrap().expired();
        log!(
            "outer expired={} inner expired={}",
            py_bool(outer_handle.expired()),
            py_bool(inner_expired)
        );
    });
}

/// A delivered timeout makes primitives skip the task's waiter, as asyncio's timeout
/// callback cancels the waiter future at once: the release that follows in the same pass
/// hands the permit straight to the next waiter (before the holder's next step).
#[test]
fn case_111_timeout_skips_semaphore_waiter() {
    assert_matches_cpython("111_timeout_skips_semaphore_waiter", async {
        let sem = Rc::new(Semaphore::new(1));
        let s = sem.clone();
        let h = spawn(async move {
            {
                let _permit = s.acquire().await;
                sleep(secs(1.0)).await;
                log!("holder releasing");
            }
            yield_now().await;
            log!("holder after yield");
        });
        yield_now().await;
        let waiter = |name: &'static str, limit: f64| {
            let s = sem.clone();
            spawn(async move {
                let r = timeout(secs(limit), async {
                    let _permit = s.acquire().await;
                    log!("{name} acquired");
                })
                .await;
                if r.is_err() {
                    log!("{name} timed out");
                }
            })
        };
        let (w1, w2) = (waiter("w1", 1.0), waiter("w2", 5.0));
        gather_tasks(vec![h, w1, w2]).await.unwrap();
        log!("main done");
    });
}

//! Promise (asyncio's settable Future) and to_thread.
//!
//! Some orders asserted here were checked against CPython 3.11.7; `tests/cpython_checks/`
//! lists which, with the equivalent asyncio programs and their output.

use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{InvalidState, Promise, PromiseError, to_thread};
use simloop::{Sim, log, now, sleep, spawn, yield_now};

/// Awaiting tasks and done callbacks are queued in one registration order.
#[test]
fn awaiters_and_callbacks_run_in_registration_order() {
    let out = Sim::new().run(async {
        let p: Rc<Promise<u8>> = Rc::new(Promise::named("reply"));
        let p1 = p.clone();
        let w1 = spawn(async move { log!("w1 got {:?}", p1.wait().await) });
        yield_now().await;
        p.add_done_callback(|r| log!("callback got {r:?}"));
        let p2 = p.clone();
        let w2 = spawn(async move { log!("w2 got {:?}", p2.wait().await) });
        yield_now().await;
        p.set_result(7).unwrap();
        log!("set");
        w1.await.unwrap();
        w2.await.unwrap();
        p.add_done_callback(|r| log!("late callback got {r:?}"));
        yield_now().await;
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 set\nt=0 w1 got Ok(7)\nt=0 callback got Ok(7)\nt=0 w2 got Ok(7)\n\
         t=0 late callback got Ok(7)\n"
    );
}

#[test]
fn error_cancel_and_invalid_state() {
    let out = Sim::new().run(async {
        let p: Rc<Promise<u8, String>> = Rc::new(Promise::new());
        let p1 = p.clone();
        let w = spawn(async move { p1.wait().await });
        yield_now().await;
        p.set_error("boom".into()).unwrap();
        assert_eq!(p.set_result(1), Err(InvalidState));
        assert!(!p.cancel());
        let got = w.await.unwrap();
        let c: Promise<u8> = Promise::new();
        assert!(c.cancel_with("stop"));
        (got, c.wait().await, c.cancelled())
    });
    assert_eq!(
        out.result.unwrap(),
        (
            Err(PromiseError::Failed("boom".to_string())),
            Err(PromiseError::Cancelled(Some("stop".into()))),
            true
        )
    );
}

#[test]
fn a_promise_nobody_sets_is_reported_in_a_deadlock() {
    let out = Sim::new().run(async {
        let p: Promise<()> = Promise::named("never");
        p.wait().await
    });
    let report = out.result.unwrap_err().to_string();
    assert!(
        report.contains("#1 main waits on Future 'never'"),
        "{report}"
    );
}

#[test]
fn to_thread_runs_at_first_poll_and_completes_after_its_cost() {
    let out = Sim::new().run(async {
        sleep(Duration::from_millis(5)).await;
        let ran_at = to_thread(|| now(), Duration::from_millis(20)).await;
        (ran_at.to_string(), now().to_string())
    });
    assert_eq!(out.result.unwrap(), ("5".to_string(), "25".to_string()));
}

#[test]
fn to_thread_cancelled_before_its_first_poll_never_runs() {
    let out = Sim::new().run(async {
        let h = spawn(to_thread(|| log!("ran"), Duration::from_secs(1)));
        h.cancel();
        h.await.unwrap_err().is_cancelled()
    });
    assert!(out.result.unwrap());
    assert_eq!(out.trace.logs(), "");
}

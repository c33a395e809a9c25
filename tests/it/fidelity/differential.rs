//! Cases found by `scripts/differential.py` (700-), the differential fuzzer that runs
//! random asyncio programs on CPython and as `sim` scenarios: each pins a difference it
//! found and that was fixed. The scenario each was shrunk from is checked too
//! (`sim/tests/differential/`).

use std::cell::RefCell;
use std::rc::Rc;

use simloop::task::AbortHandle;
use simloop::{JoinError, JoinHandle, log, now, shield_task, sleep, spawn, wait_for, yield_now};

use super::{assert_matches_cpython, secs};

async fn sleeper() {
    sleep(secs(1.0)).await;
}

/// Awaits `t`, cancelled, and logs its `CancelledError` as Python's `repr` prints it.
async fn show(what: &str, t: JoinHandle<()>) {
    match t.await {
        Err(JoinError::Cancelled { message: Some(m) }) => log!("{what}: CancelledError('{m}')"),
        Err(JoinError::Cancelled { message: None }) => log!("{what}: CancelledError()"),
        other => panic!("{what}: expected a cancellation, got {other:?}"),
    }
}

/// `cancel()` twice before the cancellation is delivered: a task not started, queued or
/// running takes the message of the last call (`None` included); a sleeping task keeps the
/// first, with which its sleep was cancelled (asyncio's `_cancel_message` against the
/// message its awaited future was cancelled with).
#[test]
fn case_700_cancel_twice_which_message() {
    assert_matches_cpython("700_cancel_twice_which_message", async {
        let t = spawn(sleeper());
        t.cancel_with("first");
        t.cancel_with("second");
        show("not started", t).await;
        let t = spawn(sleeper());
        t.cancel_with("first");
        t.cancel();
        show("not started, then no message", t).await;
        let t = spawn(sleeper());
        yield_now().await;
        t.cancel_with("first");
        t.cancel_with("second");
        show("sleeping", t).await;
        let t = spawn(sleeper());
        yield_now().await;
        t.cancel();
        t.cancel_with("second");
        show("sleeping, first without a message", t).await;
        let t = spawn(async {
            yield_now().await;
            sleep(secs(1.0)).await;
        });
        yield_now().await;
        t.cancel_with("first");
        t.cancel_with("second");
        show("queued after sleep(0)", t).await;
        let me: Rc<RefCell<Option<AbortHandle>>> = Rc::default();
        let mine = Rc::clone(&me);
        let t = spawn(async move {
            let me = mine.borrow_mut().take().unwrap();
            me.cancel_with("first");
            me.cancel_with("second");
            sleep(secs(1.0)).await;
        });
        *me.borrow_mut() = Some(t.abort_handle());
        show("cancelling itself", t).await;
    });
}

/// A shielded task cancelled with a message: the shield's caller gets a `CancelledError`
/// without it (asyncio's `_inner_done_callback` cancels the outer future with no
/// message), a direct awaiter gets the message; the same through `wait_for(shield(t))`.
#[test]
fn case_701_shield_of_cancelled_task_no_message() {
    fn repr(r: Result<(), JoinError>) -> String {
        match r {
            Err(JoinError::Cancelled { message: Some(m) }) => format!("CancelledError('{m}')"),
            Err(JoinError::Cancelled { message: None }) => "CancelledError()".to_string(),
            other => panic!("expected a cancellation, got {other:?}"),
        }
    }
    assert_matches_cpython("701_shield_of_cancelled_task_no_message", async {
        let t = spawn(sleeper()).share();
        let inner = t.clone();
        let s = spawn(async move {
            log!("shield caller: {}", repr(shield_task(inner).await));
        });
        yield_now().await;
        t.cancel_with("stop");
        s.await.unwrap();
        log!("direct awaiter: {}", repr(t.await));
        let t = spawn(sleeper()).share();
        t.cancel_with("stop early");
        let r = wait_for(secs(5.0), shield_task(t)).await.unwrap();
        let t = now().elapsed_since_start().as_secs_f64();
        log!("wait_for(shield): {} at {t:?}", repr(r));
    });
}

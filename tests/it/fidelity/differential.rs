//! Cases found by `scripts/differential.py` (700-), the differential fuzzer that runs
//! random asyncio programs on CPython and as `sim` scenarios: each pins a difference it
//! found and that was fixed. The scenario each was shrunk from is checked too
//! (`sim/tests/differential/`).

use std::cell::RefCell;
use std::rc::Rc;

use simloop::sync::{Barrier, Condition, Promise};
use simloop::task::AbortHandle;
use simloop::{
    ChildFailure, JoinError, JoinHandle, TaskGroup, gather_all_tasks, log, now, shield_task, sleep,
    spawn, timeout, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

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

/// A timeout or `wait_for` around a Condition or Barrier wait expires in the pass in which
/// the task is cancelled from outside: the Condition re-acquires its lock, then the
/// outside cancel wins (asyncio's timeout sees `uncancel() > cancelling()` at its exit and
/// lets the `CancelledError` through); a cancel after the task's turn, or none, leaves the
/// `TimeoutError`.
#[test]
fn case_704_timeout_held_expiry_outside_cancel() {
    /// The waiter's `except CancelledError: log(...); raise`, read as it unwinds.
    /// (`None`: the work finished, nothing to log).
    struct Cancelled(&'static str, Option<Rc<Condition<()>>>);
    impl Drop for Cancelled {
        fn drop(&mut self) {
            if let Some(c) = &self.1 {
                log!("{}: CancelledError, locked={}", self.0, py_bool(c.locked()));
            }
        }
    }
    #[derive(Clone, Copy)]
    enum How {
        Timeout,
        WaitFor,
        Barrier,
    }
    async fn cond_wait(c: &Condition<()>) {
        let g = c.lock().await;
        drop(c.wait(g).await);
    }
    async fn waiter(name: &'static str, how: How, c: Rc<Condition<()>>, b: Rc<Barrier>) {
        let mut guard = Cancelled(name, Some(c.clone()));
        let r = match how {
            How::Timeout => timeout(secs(0.25), cond_wait(&c)).await,
            How::WaitFor => wait_for(secs(0.25), cond_wait(&c)).await,
            How::Barrier => {
                timeout(secs(0.25), async {
                    let _ = b.wait().await;
                })
                .await
            }
        };
        if r.is_err() {
            log!("{name}: TimeoutError, locked={}", py_bool(c.locked()));
        }
        guard.1 = None;
    }
    fn gathered(r: Result<(), JoinError>) -> &'static str {
        match r {
            Ok(()) => "[None]",
            Err(JoinError::Cancelled { message: None }) => "[CancelledError('')]",
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_matches_cpython("704_timeout_held_expiry_outside_cancel", async {
        let c = Rc::new(Condition::new(()));
        let b = Rc::new(Barrier::new(2));
        for (name, how) in [
            ("timeout, cancelled after the expiry", How::Timeout),
            ("wait_for, cancelled after the expiry", How::WaitFor),
            ("barrier, cancelled after the expiry", How::Barrier),
        ] {
            let t = spawn(waiter(name, how, c.clone(), b.clone()));
            sleep(secs(0.25)).await;
            t.cancel();
            log!("gather: {}", gathered(t.await));
        }
        let t = spawn(waiter(
            "cancelled after its turn",
            How::Timeout,
            c.clone(),
            b.clone(),
        ));
        yield_now().await;
        sleep(secs(0.25)).await;
        t.cancel();
        log!("gather: {}", gathered(t.await));
        let t = spawn(waiter("not cancelled", How::Timeout, c.clone(), b.clone()));
        sleep(secs(1.0)).await;
        log!(
            "done: {} {}",
            py_bool(t.is_finished()),
            py_bool(t.cancelled())
        );
    });
}

/// A task woken by the cancellation of the future (or task) it awaits, then cancelled
/// itself before it runs, ends with the awaited one's `CancelledError` (its message, or
/// none: asyncio's `Task.__step` throws it in rather than one with `_cancel_message`),
/// whatever `cancel()` says; a future set with a result leaves the task's own message.
#[test]
fn case_705_woken_by_cancelled_future_then_cancelled() {
    async fn waiter<T>(name: &'static str, aw: impl Future<Output = T>) {
        let cancelled = OnDrop::new(format!("{name}: cancelled"));
        let _ = aw.await;
        cancelled.disarm();
        log!("{name}: woken");
    }
    fn future() -> Rc<Promise<i32, ()>> {
        Rc::new(Promise::new())
    }
    assert_matches_cpython("705_woken_by_cancelled_future_then_cancelled", async {
        let f = future();
        let g = f.clone();
        let t = spawn(waiter("future's message", async move { g.wait().await }));
        yield_now().await;
        f.cancel_with("future");
        t.cancel_with("task");
        show("future's message awaited", t).await;

        let f = future();
        let g = f.clone();
        let t = spawn(waiter(
            "future without a message",
            async move { g.wait().await },
        ));
        yield_now().await;
        f.cancel();
        t.cancel_with("task");
        show("future without a message awaited", t).await;

        let f = future();
        let g = f.clone();
        let t = spawn(waiter("cancelled twice", async move { g.wait().await }));
        yield_now().await;
        f.cancel_with("future");
        t.cancel_with("task 1");
        t.cancel_with("task 2");
        show("cancelled twice awaited", t).await;

        let inner = spawn(sleeper());
        let inner_handle = inner.abort_handle();
        let t = spawn(waiter("awaited task", inner));
        yield_now().await;
        inner_handle.cancel_with("inner");
        yield_now().await;
        t.cancel_with("task");
        show("awaited task awaited", t).await;

        let f = future();
        let g = f.clone();
        let t = spawn(waiter("future set", async move { g.wait().await }));
        yield_now().await;
        f.set_result(1).unwrap();
        t.cancel_with("task");
        show("future set awaited", t).await;
    });
}

/// A task cancelled while its TaskGroup waits for a child after the body raised: asyncio's
/// `__aexit__` is aborting, so it swallows the `CancelledError` and raises the group's
/// failures once the child ended; the task goes on and returns its value. Cancelled while
/// the group waits after a body that ended normally, the task ends cancelled once the child
/// did. The children are Condition waiters whose cancellation waits for the lock main holds.
#[test]
fn case_720_group_body_raised_then_cancelled() {
    async fn child(name: String, c: Rc<Condition<()>>) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let g = c.lock().await;
        drop(c.wait(g).await);
        cancelled.disarm();
        Ok(())
    }
    async fn worker(name: &'static str, body_raises: bool, c: Rc<Condition<()>>) -> &'static str {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group
                    .spawn(child(format!("{name}.child"), c))
                    .map(drop)
                    .unwrap();
                sleep(secs(0.25)).await;
                if body_raises {
                    return Err(format!("ValueError('{name}')"));
                }
                log!("{name} body ends");
                Ok(())
            })
            .await;
        if let Err(e) = r {
            let errors = e.failures.iter().map(|f| match f {
                ChildFailure::Body { error } => error.clone(),
                other => panic!("{other:?}"),
            });
            log!(
                "{name} caught ExceptionGroup('unhandled errors in a TaskGroup', {})",
                py_list(errors)
            );
        }
        log!("{name} goes on");
        sleep(secs(0.5)).await;
        log!("{name} returns");
        name
    }
    assert_matches_cpython("720_group_body_raised_then_cancelled", async {
        let c = Rc::new(Condition::new(()));
        let a = spawn(worker("a", true, c.clone()));
        let b = spawn(worker("b", false, c.clone()));
        sleep(secs(0.125)).await;
        let held = c.lock().await;
        sleep(secs(0.25)).await;
        log!("main cancels a and b");
        a.cancel();
        b.cancel();
        sleep(secs(0.125)).await;
        log!("main releases the lock");
        drop(held);
        for (name, t) in [("a", a), ("b", b)] {
            match t.await {
                Ok(v) => log!("{name} returned '{v}'"),
                Err(JoinError::Cancelled { .. }) => log!("{name} ended cancelled"),
                Err(e) => panic!("{e}"),
            }
        }
    });
}

/// `Task.cancel()` on a task that awaits another task cancels the awaited one again each
/// time, so it counts every request in `cancelling()`; the same through a gather, whose
/// children count each cancel of the gather's caller.
#[test]
fn case_723_forwarded_cancel_counts() {
    fn listed(n: usize) -> String {
        py_list(std::iter::repeat_n("CancelledError('')", n))
    }
    assert_matches_cpython("723_forwarded_cancel_counts", async {
        let inner = spawn(sleeper());
        let inner_abort = inner.abort_handle();
        let outer = spawn(async move {
            let _ = inner.await;
        });
        yield_now().await;
        for n in 1..=3 {
            outer.cancel();
            log!(
                "outer.cancel() {n}: outer {}, inner {}",
                outer.cancelling(),
                inner_abort.cancelling()
            );
        }
        let outer_abort = outer.abort_handle();
        let _ = outer.await;
        log!(
            "ended {}: outer {}, inner {}",
            listed(2),
            outer_abort.cancelling(),
            inner_abort.cancelling()
        );
        let (a, b) = (spawn(sleeper()), spawn(sleeper()));
        let (aa, ba) = (a.abort_handle(), b.abort_handle());
        let g = spawn(async move {
            let _ = gather_all_tasks(vec![a, b]).await;
        });
        yield_now().await;
        g.cancel();
        g.cancel();
        log!(
            "gatherer cancelled twice: {}, children {} {}",
            g.cancelling(),
            aa.cancelling(),
            ba.cancelling()
        );
        let _ = g.await;
        log!("ended {}", listed(3));
    });
}

//! Cases found by `scripts/differential.py` (700-), the differential fuzzer that runs
//! random asyncio programs on CPython and as `sim` scenarios: each pins a difference it
//! found and that was fixed. The scenario each was shrunk from is checked too
//! (`sim/tests/differential/`).

use std::cell::RefCell;
use std::rc::Rc;

use simloop::sync::{Barrier, Condition, Event, Promise};
use simloop::task::{AbortHandle, call_later, call_soon};
use simloop::{
    ChildFailure, Elapsed, JoinError, JoinHandle, TaskGroup, gather_all_tasks, log, now,
    shield_task, sleep, spawn, timeout, wait_for, yield_now,
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

/// Main returns: asyncio's `loop.stop()` (main's done-callback) ends the loop after the
/// pass it runs in, so the entries queued behind it still run (a task woken after main's
/// step in main's last pass, a `call_later(0)` armed before main returned), then the
/// tasks left are cancelled.
#[test]
fn case_706_main_end_pass() {
    async fn worker() {
        let cancelled = OnDrop::new("worker: cancelled by asyncio.run");
        yield_now().await;
        sleep(secs(1.0)).await;
        log!("worker: woken at main's deadline");
        yield_now().await;
        log!("worker: after sleep(0), behind the stop");
        yield_now().await;
        log!("worker: never");
        cancelled.disarm();
    }
    assert_matches_cpython("706_main_end_pass", async {
        let _worker = spawn(worker());
        sleep(secs(1.0)).await;
        call_soon(|| log!("call_soon before main's end"));
        call_later(secs(0.0), || log!("call_later(0) armed before main's end"));
        call_later(secs(1.0), || log!("call_later(1): never"));
        log!("main: returns");
    });
}

/// A cancelled task hands its message to the first retrieval of its `CancelledError` only
/// (asyncio's `_make_cancelled_error` gives the kept `_cancelled_exc` once): a second
/// awaiter, a later await, a second `result()`, an await after a gather, `as_completed`,
/// `wait_for` or a shield of the ended task get none. `gather_all_tasks`, a shield of a
/// pending task, `wait`, `cancelled()` leave it; a bare future's message is never taken.
#[test]
fn case_707_cancel_message_first_retrieval() {
    use futures::StreamExt as _;
    use simloop::task::Task;
    use simloop::{ReturnWhen, as_completed, gather_all_tasks, gather_tasks, wait};

    use super::log_retrieval as line;
    async fn cancelled(message: &str) -> Task<()> {
        let t = spawn(sleeper()).share();
        yield_now().await;
        t.cancel_with(message);
        yield_now().await;
        t
    }
    assert_matches_cpython("707_cancel_message_first_retrieval", async {
        let t = spawn(sleeper()).share();
        let (x, y) = (t.clone(), t.clone());
        let a1 = spawn(async move { line("first awaiter", x.await) });
        let a2 = spawn(async move { line("second awaiter", y.await) });
        yield_now().await;
        t.cancel_with("m1");
        a1.await.unwrap();
        a2.await.unwrap();
        line("later await", t.await);

        let t = cancelled("m2").await;
        line("result()", t.result().unwrap());
        line("exception() after result()", t.result().unwrap());

        let t = cancelled("m3").await;
        line("exception()", t.result().unwrap());
        line("await after exception()", t.await);

        let t = cancelled("m4").await;
        log!("cancelled(): {}", py_bool(t.cancelled()));
        line("gather", gather_tasks(vec![t.clone()]).await);
        line("await after gather", t.await);

        let t = cancelled("m5").await;
        let r = gather_all_tasks(vec![t.clone()]).await;
        assert!(r[0].as_ref().is_err_and(JoinError::is_cancelled));
        log!("gather(return_exceptions=True): [CancelledError('')]");
        line("await after gather(return_exceptions=True)", t.await);

        let t = cancelled("m6").await;
        line(
            "shield of a cancelled task (shield returns the task)",
            shield_task(t.clone()).await,
        );
        line("await after shield", t.await);

        let t = spawn(sleeper()).share();
        let inner = t.clone();
        let s = spawn(async move { line("shield", shield_task(inner).await) });
        yield_now().await;
        t.cancel_with("m6b");
        s.await.unwrap();
        line("await after shield", t.await);

        let t = cancelled("m7").await;
        let (done, _) = wait(vec![t.clone()], ReturnWhen::AllCompleted, None).await;
        log!("wait: {} done", done.len());
        line("result() after wait", t.result().unwrap());

        let t = cancelled("m8").await;
        let mut each = as_completed(vec![t.clone()], None);
        while let Some(r) = each.next().await {
            line("as_completed", r.unwrap());
        }
        line("await after as_completed", t.await);

        let t = cancelled("m9").await;
        line("wait_for", wait_for(secs(5.0), t.clone()).await.unwrap());
        line("await after wait_for", t.await);

        let t = spawn(sleeper()).share();
        t.add_done_callback(|t| log!("done-callback: cancelled() {}", py_bool(t.cancelled())));
        yield_now().await;
        t.cancel_with("m10");
        yield_now().await;
        yield_now().await;
        line("await after done-callback", t.await);

        let t = spawn(sleeper()).share();
        t.add_done_callback(|t| line("done-callback's result()", t.result().unwrap()));
        yield_now().await;
        t.cancel_with("m11");
        yield_now().await;
        yield_now().await;
        line("await after done-callback's result()", t.await);

        let inner = spawn(sleeper()).share();
        let watched = inner.clone();
        let outer = spawn(async move { line("awaiting task", watched.await) });
        yield_now().await;
        inner.cancel_with("m12");
        outer.await.unwrap();
        line("await inner after its awaiter", inner.await);

        let f: Promise<(), ()> = Promise::new();
        f.cancel_with("future");
        for what in ["future, first await", "future, second await"] {
            match f.wait().await {
                Err(simloop::sync::PromiseError::Cancelled(Some(m))) => {
                    log!("{what}: CancelledError('{m}')");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        match f.result() {
            Some(Err(simloop::sync::PromiseError::Cancelled(Some(m)))) => {
                log!("future's result(): CancelledError('{m}')");
            }
            other => panic!("{other:?}"),
        }
    });
}

/// A task awaiting another is cancelled: the cancellation goes on to the awaited task,
/// which ends with the message; the awaiter's wake-up retrieves it (asyncio's `__wakeup`
/// calls `result()`), so a later await of the awaited task gets none, and the awaiter's own
/// awaiter gets the message.
#[test]
fn case_708_cancelled_awaiter_takes_message() {
    assert_matches_cpython("708_cancelled_awaiter_takes_message", async {
        let t = spawn(sleeper()).share();
        let inner = t.clone();
        let a = spawn(async move {
            let cancelled = OnDrop::new("awaiter: cancelled");
            let _ = inner.await;
            cancelled.disarm();
        });
        yield_now().await;
        a.cancel_with("via the awaiter");
        yield_now().await;
        yield_now().await;
        match t.await {
            Err(JoinError::Cancelled { message: None }) => {
                log!("later await of the task: CancelledError()");
            }
            other => panic!("later await of the task: {other:?}"),
        }
        show("await of the awaiter", a).await;
    });
}

/// A task queued with a `cancel(msg)` pending when its timeout expires: asyncio's expiry
/// is another `Task.cancel()`, with no message, which replaces a pending `_must_cancel`'s,
/// so the task ends with `CancelledError()`; a task cancelled while it sleeps keeps the
/// message its sleep was cancelled with.
#[test]
fn case_709_timeout_expiry_replaces_message() {
    assert_matches_cpython("709_timeout_expiry_replaces_message", async {
        let t = spawn(async {
            let _ = timeout(secs(0.0), yield_now()).await;
        });
        yield_now().await;
        t.cancel_with("outside");
        show("queued, then its timeout expires", t).await;
        let t = spawn(async {
            let _ = timeout(secs(0.5), sleep(secs(1.0))).await;
        });
        sleep(secs(0.25)).await;
        t.cancel_with("outside");
        show("sleeping, cancelled before its timeout", t).await;
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

/// A task awaiting another is cancelled with a message, which goes on to the awaited task;
/// another awaiter, woken first, retrieves the awaited task's `CancelledError` and so takes
/// the message, and the cancelled awaiter's wake-up retrieves `CancelledError()` and ends
/// with it: its own awaiter gets no message, not the one it was cancelled with.
#[test]
fn case_710_forwarded_cancel_message_taken_first() {
    assert_matches_cpython("710_forwarded_cancel_message_taken_first", async {
        let t = spawn(async { sleep(secs(10.0)).await }).share();
        let seen = t.clone();
        let f = spawn(async move {
            match seen.await {
                Err(JoinError::Cancelled { message: Some(m) }) => {
                    log!("first: CancelledError('{m}')");
                }
                other => panic!("first: {other:?}"),
            }
        });
        let a = spawn(async move {
            yield_now().await;
            let _ = t.await;
        });
        yield_now().await;
        yield_now().await;
        a.cancel_with("via the awaiter");
        show("await of the awaiter", a).await;
        log!("first done: {}", py_bool(f.is_finished()));
    });
}

/// A timeout's expiry cancels what its task awaits (a sleep, an Event wait) and so wakes
/// the task; a `cancel(msg)` before the task runs finds asyncio's `_fut_waiter` done, and
/// the task's step keeps the wake-up's `CancelledError()`: an awaiter gets no message. A
/// task queued before the expiry (its Event set in the same pass) ends with the message.
#[test]
fn case_711_expiry_woke_then_cancelled_with_message() {
    async fn bounded_wait(e: Rc<Event>) {
        let _ = timeout(secs(1.0), e.wait()).await;
    }
    assert_matches_cpython("711_expiry_woke_then_cancelled_with_message", async {
        let t = spawn(async {
            let _ = timeout(secs(1.0), sleep(secs(1.0))).await;
        });
        sleep(secs(1.0)).await;
        t.cancel_with("outside");
        show("sleep woken by its expiry", t).await;
        let t = spawn(bounded_wait(Rc::new(Event::new())));
        sleep(secs(1.0)).await;
        t.cancel_with("outside");
        show("event wait woken by its expiry", t).await;
        let e = Rc::new(Event::new());
        let set = e.clone();
        let s = spawn(async move {
            call_later(secs(1.0), move || set.set());
        });
        let t = spawn(bounded_wait(e));
        sleep(secs(1.0)).await;
        t.cancel_with("outside");
        show("event set before its expiry", t).await;
        s.await.unwrap();
    });
}

/// A timeout's expiry is asyncio's `Task.cancel()`, so `cancelling()` counts it from the
/// timeout callback until the timeout's exit uncancels it: read between the expiry and
/// the task's step, it is 1 (a Barrier wait, a sleep, an Event wait), 2 when two nested
/// timeouts expired in one pass, and 0 once the task ended.
#[test]
fn case_712_expiry_counts_in_cancelling() {
    async fn show_end(what: &str, t: JoinHandle<Result<(), Elapsed>>) {
        let abort = t.abort_handle();
        match t.await {
            Ok(Err(Elapsed { .. })) => log!("{what}: TimeoutError"),
            other => panic!("{what}: expected TimeoutError, got {other:?}"),
        }
        log!("{what} ended: cancelling={}", abort.cancelling());
    }
    async fn expired(what: &str, t: JoinHandle<Result<(), Elapsed>>) {
        sleep(secs(1.0)).await;
        log!("{what} expired: cancelling={}", t.cancelling());
        show_end(what, t).await;
    }
    assert_matches_cpython("712_expiry_counts_in_cancelling", async {
        let b = Rc::new(Barrier::new(2));
        let t = spawn(async move { timeout(secs(1.0), b.wait()).await.map(drop) });
        expired("barrier wait", t).await;
        let t = spawn(timeout(secs(1.0), sleep(secs(2.0))));
        expired("sleep", t).await;
        let e = Rc::new(Event::new());
        let t = spawn(async move { timeout(secs(1.0), e.wait()).await });
        expired("event wait", t).await;
        let t = spawn(async {
            timeout(secs(1.0), timeout(secs(1.0), sleep(secs(2.0))))
                .await
                .and_then(|inner| inner)
        });
        expired("nested", t).await;
    });
}

/// A task waits in its TaskGroup's exit; the group's last child ends (failing, or
/// returning) and, in the same pass, before the group's done-callback runs, the task is
/// cancelled, then another task: asyncio's wake-up of the task is queued behind the
/// child's done-callback, and at that turn the exit finds no child left and raises at once
/// (the ExceptionGroup, which the task catches, or the `CancelledError`), before the other
/// task's cancellation is delivered.
#[test]
fn case_713_group_children_ended_then_cancelled() {
    async fn child(fails: bool) -> Result<(), String> {
        sleep(secs(0.5)).await;
        if fails {
            return Err("ValueError('child')".to_string());
        }
        Ok(())
    }
    async fn holder(name: &'static str, fails: bool) {
        let cancelled = OnDrop::new(format!("{name}: cancelled"));
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child(fails)).map(drop).unwrap();
                Ok(())
            })
            .await;
        cancelled.disarm();
        match r {
            Ok(()) => log!("{name}: group done"),
            Err(e) => log!(
                "{name}: caught ExceptionGroup unhandled errors in a TaskGroup ({} sub-exception)",
                e.failures.len()
            ),
        }
    }
    async fn other(name: &'static str) {
        let _cancelled = OnDrop::new(format!("{name}: other cancelled"));
        sleep(secs(1.0)).await;
    }
    fn outcome(r: Result<(), JoinError>) -> &'static str {
        match r {
            Ok(()) => "None",
            Err(JoinError::Cancelled { message: None }) => "CancelledError('')",
            Err(e) => panic!("{e}"),
        }
    }
    assert_matches_cpython("713_group_children_ended_then_cancelled", async {
        for (name, fails) in [("failing child", true), ("returning child", false)] {
            let h = spawn(holder(name, fails));
            sleep(secs(0.25)).await;
            let o = spawn(other(name));
            sleep(secs(0.25)).await;
            h.cancel();
            o.cancel();
            let (h, o) = (h.await, o.await);
            log!("{name}: {}", py_list([outcome(h), outcome(o)]));
        }
    });
}

/// A TaskGroup child fails while the group's body waits in a nested group's exit (the
/// inner group aborting: its body raised): asyncio cancels the parent task, the inner
/// exit swallows that `CancelledError` (it is aborting) and raises its own ExceptionGroup
/// into the outer body, which catches it and goes on; the outer group then raises the
/// failing child's.
#[test]
fn case_714_group_interrupt_held() {
    fn listed(e: &simloop::GroupError<String>) -> String {
        py_list(e.failures.iter().map(|f| match f {
            ChildFailure::Body { error } | ChildFailure::Error { error, .. } => error.clone(),
            other => panic!("{other:?}"),
        }))
    }
    assert_matches_cpython("714_group_interrupt_held", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let outer = tg.clone();
        let r = tg
            .scope(async move {
                outer
                    .spawn(async { Err::<(), _>("ValueError('outer child')".to_string()) })
                    .map(drop)
                    .unwrap();
                let inner_tg: TaskGroup<String> = TaskGroup::new();
                let inner = inner_tg.clone();
                let r = inner_tg
                    .scope(async move {
                        inner
                            .spawn(async {
                                let _cancelled = OnDrop::new("inner child cancelled");
                                sleep(secs(1.0)).await;
                                Ok(())
                            })
                            .map(drop)
                            .unwrap();
                        yield_now().await;
                        Err::<(), _>("ValueError('inner body')".to_string())
                    })
                    .await;
                if let Err(e) = r {
                    log!(
                        "body caught ExceptionGroup ExceptionGroup('unhandled errors in a TaskGroup', {})",
                        listed(&e)
                    );
                }
                log!("body goes on");
                Ok(())
            })
            .await;
        if let Err(e) = r {
            log!(
                "main caught ExceptionGroup ExceptionGroup('unhandled errors in a TaskGroup', {})",
                listed(&e)
            );
        }
    });
}

/// A task waits in its aborting TaskGroup's exit (a child failed, the other was
/// cancelled); the last child's done-callback ends the wait and queues the task, and
/// another task cancels it before its turn: the exit swallows the `CancelledError` (it is
/// aborting) and raises the ExceptionGroup, which the task catches, and it goes on.
#[test]
fn case_715_group_exit_cancelled_after_failures_counted() {
    async fn fails(name: &'static str) -> Result<(), String> {
        sleep(secs(0.25)).await;
        Err(format!("ValueError(\"{name}\")"))
    }
    async fn slow() -> Result<(), String> {
        sleep(secs(0.375)).await;
        Ok(())
    }
    fn caught(who: &str, e: &simloop::GroupError<String>) {
        let errors = e.failures.iter().map(|f| match f {
            ChildFailure::Error { error, .. } => error.clone(),
            other => panic!("{other:?}"),
        });
        log!(
            "{who} caught ExceptionGroup ExceptionGroup('unhandled errors in a TaskGroup', {})",
            py_list(errors)
        );
    }
    assert_matches_cpython("715_group_exit_cancelled_after_failures_counted", async {
        let h = spawn(async {
            let tg: TaskGroup<String> = TaskGroup::new();
            let group = tg.clone();
            let r = tg
                .scope(async move {
                    group.spawn(fails("holder's child")).map(drop).unwrap();
                    group.spawn(slow()).map(drop).unwrap();
                    Ok(())
                })
                .await;
            if let Err(e) = r {
                caught("holder", &e);
            }
            yield_now().await;
            log!("holder goes on");
            "done"
        });
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(slow()).map(drop).unwrap();
                group.spawn(fails("main's child")).map(drop).unwrap();
                Ok(())
            })
            .await;
        if let Err(e) = r {
            caught("main", &e);
        }
        h.cancel();
        match h.await {
            Ok(v) => log!("holder returned '{v}'"),
            Err(JoinError::Cancelled { message: None }) => log!("holder ended CancelledError()"),
            Err(e) => panic!("{e}"),
        }
    });
}

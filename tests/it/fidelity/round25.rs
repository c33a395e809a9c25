//! The differences fixed in round 25 (768, 769, 780-782, 784): a TaskGroup's exit leaving
//! an eager child's abort of its task pending, `wait_for` with a zero timeout, a task
//! cancelled while its gather's callback is queued, and who retrieves a cancelled task's
//! message when a gather and an `await` both wait for it.

use std::future::Future;

use simloop::task::{self, Task, catch_cancelled};
use simloop::{
    ChildFailure, JoinError, JoinHandle, Sim, TaskGroup, gather_all_tasks, gather_tasks, log, now,
    sleep, spawn, timeout_scope, wait_for,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::cpython_trace;

/// A task that catches `caught` cancellations without `uncancel()`, then holds a TaskGroup
/// whose eager child fails inside `spawn`, the body ending without awaiting (or raising,
/// when `raises`), then sleeps.
async fn caught_then_group(name: &'static str, caught: u32, raises: bool) {
    for _ in 0..caught {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}, cancelling {}", task::cancelling());
        }
    }
    let tg: TaskGroup<String> = TaskGroup::new();
    let group = tg.clone();
    let scope = tg.scope(async move {
        group
            .spawn(async move {
                log!("{name} child fails");
                Err::<(), _>(format!("ValueError('{name}')"))
            })
            .map(drop)
            .unwrap();
        log!("{name} body ends, cancelling {}", task::cancelling());
        if raises {
            return Err(format!("KeyError('{name}')"));
        }
        Ok(())
    });
    let err = scope.await.unwrap_err();
    let raised: Vec<String> = err
        .failures
        .into_iter()
        .map(|f| match f {
            ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error,
            other => panic!("{other:?}"),
        })
        .collect();
    let raised = match raised.as_slice() {
        [one] => format!("({one},)"),
        many => format!("({})", many.join(", ")),
    };
    log!(
        "{name} group raised {raised}, cancelling {}",
        task::cancelling()
    );
    match catch_cancelled(sleep(secs(0.25))).await {
        Ok(()) => log!("{name} slept on"),
        Err(e) => {
            log!(
                "{name} next await cancelled {e}, cancelling {}",
                task::cancelling()
            );
            e.reraise::<()>().await;
        }
    }
}

/// An eager TaskGroup child failing inside `spawn` cancels its running task; the body ends
/// without awaiting, and the group's exit uncancels that request, leaving the one the task
/// caught earlier: the abort's cancellation stays pending, so the task's next await is
/// cancelled at once with no message (found by the fuzzer, seed 8400, program 157).
#[test]
fn case_768_eager_group_exit_uncancel_left() {
    let out = Sim::new().eager_tasks(true).run(async {
        for (name, caught, raises) in [("a", 1, false), ("b", 1, true), ("c", 2, false)] {
            let h = spawn(caught_then_group(name, caught, raises)).share();
            for i in 0..caught {
                sleep(secs(0.0)).await;
                h.cancel_with(format!("main{i}"));
            }
            let r = gather_all_tasks(vec![h]).await;
            let shown = r.into_iter().map(|r| match r {
                Err(JoinError::Cancelled { message }) => {
                    format!("CancelledError('{}')", message.unwrap_or_default())
                }
                other => panic!("{other:?}"),
            });
            log!("{name}: {}", py_list(shown));
        }
    });
    assert!(out.result.is_ok(), "{:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace("768_eager_group_exit_uncancel_left"),
        "simloop's trace differs from CPython's"
    );
}

/// Logs `n` ticks, one a step (`await asyncio.sleep(0)` after each).
async fn ticker(name: &'static str, n: u32) {
    for i in 0..n {
        log!("{name} tick {i}");
        sleep(secs(0.0)).await;
    }
}

/// Logs that it started, then sleeps a second.
async fn work(name: &'static str) -> &'static str {
    log!("{name} started");
    sleep(secs(1.0)).await;
    log!("{name} slept");
    name
}

/// Logs and returns without suspending.
async fn quick(name: &'static str) -> &'static str {
    log!("{name} ran");
    name
}

/// `wait_for(coro, 0)` wraps the coroutine in a task, cancels it before it starts and
/// waits for it: three slots (the wrapper's cancelled step, its done-callback, the
/// caller), a task number taken, the coroutine never run; a caller cancelled while it
/// waits gets its own cancellation (the known difference `wait_for(coroutine, 0)`).
#[test]
fn case_769_wait_for_zero_wraps_in_task() {
    async fn waits(name: &'static str) {
        match catch_cancelled(wait_for(secs(0.0), work(name))).await {
            Ok(Ok(_)) => log!("{name} returned"),
            Ok(Err(_)) => log!("{name} TimeoutError"),
            Err(e) => {
                log!("{name} cancelled {e}");
                e.reraise::<()>().await;
            }
        }
    }
    fn shown(r: Vec<Result<(), JoinError>>) -> String {
        py_list(r.into_iter().map(|r| match r {
            Err(JoinError::Cancelled { .. }) => "CancelledError('')",
            other => panic!("{other:?}"),
        }))
    }
    assert_matches_cpython("769_wait_for_zero_wraps_in_task", async {
        let t = spawn(ticker("t", 6));
        sleep(secs(0.0)).await;
        if wait_for(secs(0.0), work("w")).await.is_err() {
            log!("w TimeoutError");
        }
        let u = spawn(quick("u"));
        // asyncio's wrapper took Task-3 (main is Task-1, the ticker Task-2): `u` is Task-4.
        assert_eq!(u.id().get(), 4);
        u.await.unwrap();
        match wait_for(secs(0.0), quick("q")).await {
            Ok(_) => log!("q returned"),
            Err(_) => log!("q TimeoutError"),
        }
        let h = spawn(waits("x")).share();
        sleep(secs(0.0)).await;
        h.cancel_with("stop");
        log!("x: {}", shown(gather_all_tasks(vec![h]).await));
        let h = spawn(waits("y")).share();
        sleep(secs(0.0)).await;
        sleep(secs(0.0)).await;
        h.cancel_with("late");
        log!("y: {}", shown(gather_all_tasks(vec![h]).await));
        t.await.unwrap();
    });
}

/// With eager tasks, `wait_for(coro, 0)` starts its wrapper at once: a coroutine that
/// returns (or raises) without suspending gives its outcome without yielding, the wrapper
/// taking a task number; one that suspends is cancelled and waited for, three slots, then
/// `TimeoutError`.
#[test]
fn case_780_eager_wait_for_zero() {
    async fn bad(name: &'static str) -> Result<(), String> {
        log!("{name} raises");
        Err(format!("ValueError('{name}')"))
    }
    let out = Sim::new().eager_tasks(true).run(async {
        let t = spawn(ticker("t", 6));
        let r = wait_for(secs(0.0), quick("q")).await.unwrap();
        log!("q returned {r}");
        let u = spawn(quick("u"));
        // The eager wrapper that ended at once took Task-3: `u` is Task-4.
        assert_eq!(u.id().get(), 4);
        if let Err(e) = wait_for(secs(0.0), bad("b")).await.unwrap() {
            log!("b raised {e}");
        }
        match wait_for(secs(0.0), work("w")).await {
            Ok(_) => log!("w returned"),
            Err(_) => log!("w TimeoutError"),
        }
        drop(u);
        t.await.unwrap();
    });
    assert!(out.result.is_ok(), "{:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace("780_eager_wait_for_zero"),
        "simloop's trace differs from CPython's"
    );
}

/// A task awaiting `gather(a, b)` is cancelled once both children ended, the gather's
/// done-callback still queued: nothing is left to cancel (`_must_cancel`), so the task runs
/// only when the callback wakes it, behind a task spawned after the `cancel()`; then it
/// raises the message (found by the fuzzer, seed 8500, program 186).
#[test]
fn case_781_gather_children_ended_cancel_waits_callback() {
    async fn child(name: String) -> String {
        sleep(secs(0.0)).await;
        log!("{name} ends");
        name
    }
    async fn waiter(name: &'static str, hs: Vec<Task<String>>, re: bool) {
        let gathered = if re {
            catch_cancelled(gather_all_tasks(hs)).await.map(|r| r.len())
        } else {
            catch_cancelled(gather_tasks(hs))
                .await
                .map(|r| r.unwrap().len())
        };
        match gathered {
            Ok(n) => log!("{name} gathered {n}"),
            Err(e) => {
                log!("{name} cancelled {e}");
                e.reraise::<()>().await;
            }
        }
    }
    async fn other(name: String, yields: bool) {
        if yields {
            sleep(secs(0.0)).await;
        }
        log!("{name} runs");
    }
    /// `create_task` without (or, `eager`, with) the eager task factory set.
    fn start<F: Future + 'static>(eager: bool, f: F) -> JoinHandle<F::Output> {
        if eager {
            task::spawn_eager(f)
        } else {
            spawn(f)
        }
    }
    async fn one(name: &'static str, re: bool, eager: bool) {
        let a = start(eager, child(format!("{name}a"))).share();
        let b = start(eager, child(format!("{name}b"))).share();
        let w = start(eager, waiter(name, vec![a.clone(), b.clone()], re)).share();
        // Eager children queue their second step at their creation: one turn fewer.
        for _ in 0..if eager { 1 } else { 2 } {
            sleep(secs(0.0)).await;
        }
        log!(
            "{name} children done {} {}",
            py_bool(a.done()),
            py_bool(b.done())
        );
        w.cancel_with("stop");
        let o = start(eager, other(format!("{name}o"), eager)).share();
        let r = gather_all_tasks(vec![w, o]).await;
        let shown = r.into_iter().map(|r| match r {
            Ok(()) => "None",
            Err(JoinError::Cancelled { .. }) => "CancelledError('')",
            Err(other) => panic!("{other:?}"),
        });
        log!("{name}: {}", py_list(shown));
    }
    assert_matches_cpython("781_gather_children_ended_cancel_waits_callback", async {
        one("p", false, false).await;
        one("q", true, false).await;
        one("r", false, true).await;
    });
}

/// A timeout's expiry caught inside its block: until the block ends the timeout is
/// `expiring` (`reschedule` fails, `expired()` is true), then `expired`; one that ended in
/// time is `finished` (found by the fuzzer, seed 8501, program 328, where the scenario
/// language named the first state `expired`).
#[test]
fn case_782_timeout_reschedule_while_expiring() {
    assert_matches_cpython("782_timeout_reschedule_while_expiring", async {
        let scope = timeout_scope(Some(now() + secs(0.5)), |cm| async move {
            if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
                log!("caught {e}, expired {}", py_bool(cm.expired()));
            }
            if cm.reschedule(Some(now() + secs(1.0))).is_err() && cm.expiring() {
                log!("inside: RuntimeError('Cannot change state of expiring Timeout')");
            }
        });
        let cm = scope.handle();
        scope.await.unwrap();
        log!("after the block, expired {}", py_bool(cm.expired()));
        if cm.reschedule(Some(now() + secs(1.0))).is_err() && !cm.expiring() && cm.expired() {
            log!("after: RuntimeError('Cannot change state of expired Timeout')");
        }
        let scope = timeout_scope(Some(now() + secs(0.5)), |_| sleep(secs(0.25)));
        let cm2 = scope.handle();
        scope.await.unwrap();
        if cm2.reschedule(Some(now() + secs(1.0))).is_err() && !cm2.expired() {
            log!("in time, after: RuntimeError('Cannot change state of finished Timeout')");
        }
    });
}

/// A task ends cancelled with a message while a task gathers it and another awaits it: the
/// message goes to the first done-callback to run, the gather's when it registered first,
/// though the awaiting task resumes before the gathering one; a `return_exceptions` gather
/// leaves it to a later `await` (found by the fuzzer, seed 8501, program 32, where the
/// scenario language gave the message to neither).
#[test]
fn case_784_gather_callback_takes_message() {
    use super::log_retrieval as line;
    async fn victim() {
        sleep(secs(10.0)).await;
    }
    fn waiting(what: &'static str, t: &Task<()>) -> JoinHandle<()> {
        let t = t.clone();
        spawn(async move { line(what, t.await) })
    }
    fn gathering(what: &'static str, t: &Task<()>) -> JoinHandle<()> {
        let t = t.clone();
        spawn(async move { line(what, gather_tasks(vec![t]).await) })
    }
    assert_matches_cpython("784_gather_callback_takes_message", async {
        let t = spawn(victim()).share();
        let g = gathering("gather, registered first", &t);
        let a = waiting("await, registered second", &t);
        sleep(secs(0.0)).await;
        t.cancel_with("m1");
        g.await.unwrap();
        a.await.unwrap();
        line("later await", t.await);

        let t = spawn(victim()).share();
        let a = waiting("await, registered first", &t);
        let g = gathering("gather, registered second", &t);
        sleep(secs(0.0)).await;
        t.cancel_with("m2");
        a.await.unwrap();
        g.await.unwrap();

        let t = spawn(victim()).share();
        let g1 = gathering("first gather", &t);
        let a = waiting("await between", &t);
        let g2 = gathering("second gather", &t);
        sleep(secs(0.0)).await;
        t.cancel_with("m3");
        g1.await.unwrap();
        a.await.unwrap();
        g2.await.unwrap();

        let t = spawn(victim()).share();
        sleep(secs(0.0)).await;
        t.cancel_with("m4");
        let r = gather_all_tasks(vec![t.clone()]).await;
        assert!(r[0].as_ref().is_err_and(JoinError::is_cancelled));
        log!("gather(return_exceptions=True): [CancelledError('')]");
        line("await after the listing gather", t.clone().await);
        line("gather after the await", gather_tasks(vec![t]).await);
    });
}

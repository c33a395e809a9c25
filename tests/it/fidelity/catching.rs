//! A task that catches its own cancellation (`task::catch_cancelled`, asyncio's
//! `except CancelledError`), cases 730-738: what it is handed, what it may do after, and
//! how timeouts, awaited tasks, TaskGroups and nested scopes see it.

use simloop::sync::Promise;
use simloop::task::{self, Cancelled, catch_cancelled};
use simloop::{
    ChildFailure, JoinError, JoinHandle, ReturnWhen, Task, TaskGroup, gather_all_tasks,
    gather_tasks, log, now, sleep, spawn, timeout, timeout_scope, wait, wait_for, wait_for_task,
    yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// A caught cancellation's message, its cancelling count, sleeping after catching, and a
/// value returned: the awaiter and a gather see the value, the task is not cancelled.
#[test]
fn case_730_catch_own_cancellation() {
    async fn worker(name: &'static str) -> String {
        match catch_cancelled(sleep(secs(1.0))).await {
            Ok(()) => format!("{name} finished"),
            Err(e) => {
                log!("{name} caught {e}, cancelling {}", task::cancelling());
                sleep(secs(0.5)).await;
                log!(
                    "{name} slept after catching, cancelling {}",
                    task::cancelling()
                );
                yield_now().await;
                format!("{name} stopped")
            }
        }
    }
    assert_matches_cpython("730_catch_own_cancellation", async {
        let a = spawn(worker("a")).share();
        let b = spawn(worker("b")).share();
        let c = spawn(worker("c")).share();
        sleep(secs(0.25)).await;
        a.cancel_with("stop a");
        b.cancel();
        log!(
            "a cancelling {}, b cancelling {}",
            a.cancelling(),
            b.cancelling()
        );
        let r = a.clone().await.unwrap();
        log!(
            "await a: {}, cancelled {}, cancelling {}",
            quoted(r),
            py_bool(a.cancelled()),
            a.cancelling()
        );
        let r = gather_tasks(vec![b.clone(), c]).await.unwrap();
        log!(
            "gather: {}, b cancelled {}, cancelling {}",
            py_list(r.iter().map(quoted)),
            py_bool(b.cancelled()),
            b.cancelling()
        );
    });
}

/// After catching: raising another exception, re-raising, a second cancellation during
/// the clean-up, and a loop that catches each cancellation.
#[test]
fn case_731_catch_then_reraise_or_cancel_again() {
    async fn raises_other() -> Result<(), String> {
        if catch_cancelled(sleep(secs(1.0))).await.is_err() {
            log!("raises_other caught");
            return Err("ValueError('from the cancellation')".into());
        }
        Ok(())
    }
    async fn reraises() {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("reraises caught {e}");
            e.reraise::<()>().await;
        }
    }
    async fn cleans_up() -> &'static str {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("cleans_up caught {e}");
            let _finally = OnDrop::new("cleans_up cleanup ends");
            sleep(secs(1.0)).await;
        }
        "unreachable"
    }
    async fn loops() -> u32 {
        let mut caught = 0;
        while caught < 2 {
            if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
                caught += 1;
                log!("loops caught {e}, cancelling {}", task::cancelling());
            }
        }
        caught
    }
    fn cancelled(e: JoinError) -> Cancelled {
        match e {
            JoinError::Cancelled { message } => Cancelled::new(message.as_deref()),
            other => panic!("expected a cancellation, got {other}"),
        }
    }
    assert_matches_cpython("731_catch_then_reraise_or_cancel_again", async {
        let t = spawn(raises_other()).share();
        yield_now().await;
        t.cancel();
        let e = t.clone().await.unwrap().unwrap_err();
        log!("raises_other: {e}, cancelled {}", py_bool(t.cancelled()));
        let t = spawn(reraises()).share();
        yield_now().await;
        t.cancel_with("again");
        let e = cancelled(t.clone().await.unwrap_err());
        log!("reraises: {e}, cancelled {}", py_bool(t.cancelled()));
        let t = spawn(cleans_up()).share();
        yield_now().await;
        t.cancel_with("first");
        sleep(secs(0.5)).await;
        t.cancel_with("second");
        let e = cancelled(t.clone().await.unwrap_err());
        log!("cleans_up: {e}, cancelled {}", py_bool(t.cancelled()));
        let t = spawn(loops()).share();
        yield_now().await;
        t.cancel_with("one");
        sleep(secs(0.5)).await;
        t.cancel_with("two");
        let n = t.clone().await.unwrap();
        log!("loops returned {n}, cancelling {}", t.cancelling());
    });
}

/// A timeout's expiry caught in its body (the timeout exits without `Elapsed`, expired),
/// `wait_for` of a coroutine that catches it, a timeout inside a catch, and an outside
/// cancellation caught around a pending timeout.
#[test]
fn case_732_catch_inside_and_around_timeout() {
    async fn in_timeout() -> &'static str {
        let t = timeout_scope(Some(now() + secs(1.0)), |cm| async move {
            if let Err(e) = catch_cancelled(sleep(secs(5.0))).await {
                log!(
                    "in_timeout caught {e}, cancelling {}, expired {}",
                    task::cancelling(),
                    py_bool(cm.expired())
                );
                sleep(secs(0.5)).await;
                log!("in_timeout cleaned up, cancelling {}", task::cancelling());
            }
        });
        let cm = t.handle();
        t.await.expect("the caught expiry raises no TimeoutError");
        log!(
            "in_timeout exited, expired {}, cancelling {}",
            py_bool(cm.expired()),
            task::cancelling()
        );
        "in_timeout"
    }
    async fn body() -> Option<&'static str> {
        if catch_cancelled(sleep(secs(5.0))).await.is_err() {
            log!("wait_for body caught");
            sleep(secs(0.25)).await;
            return Some("late value");
        }
        None
    }
    async fn timeout_inside() -> &'static str {
        match catch_cancelled(timeout(secs(0.5), sleep(secs(5.0)))).await {
            Err(_) => log!("timeout_inside: CancelledError (not expected)"),
            Ok(Err(_)) => log!("timeout_inside: TimeoutError"),
            Ok(Ok(())) => panic!("slept through its timeout"),
        }
        "timeout_inside"
    }
    async fn outside_cancel() -> &'static str {
        match catch_cancelled(timeout(secs(5.0), sleep(secs(10.0)))).await {
            Err(e) => log!("outside_cancel caught {e}"),
            Ok(Err(_)) => log!("outside_cancel: TimeoutError (not expected)"),
            Ok(Ok(())) => panic!("slept through its cancellation"),
        }
        "outside_cancel"
    }
    assert_matches_cpython("732_catch_inside_and_around_timeout", async {
        log!("returned {}", quoted(in_timeout().await));
        let r = wait_for(secs(1.0), body()).await.unwrap().unwrap();
        log!(
            "wait_for returned {}, cancelling {}",
            quoted(r),
            task::cancelling()
        );
        log!("returned {}", quoted(timeout_inside().await));
        let t = spawn(outside_cancel()).share();
        sleep(secs(1.0)).await;
        t.cancel_with("from main");
        let r = t.clone().await.unwrap();
        log!("returned {}, cancelling {}", quoted(r), t.cancelling());
    });
}

/// A catch around `await t`: the cancellation is forwarded to `t`; `t` re-raising hands the
/// waiter the message, `t` catching it and returning hands the waiter the value, and
/// nothing is raised in the waiter.
#[test]
fn case_733_catch_around_awaited_task() {
    async fn leaf(name: &'static str, swallow: bool) -> String {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}");
            if swallow {
                return format!("{name} value");
            }
            e.reraise::<()>().await;
        }
        format!("{name} finished")
    }
    async fn waiter(t: Task<String>) -> String {
        match catch_cancelled(t.clone()).await {
            Ok(r) => {
                let r = r.unwrap();
                log!(
                    "waiter got {}, cancelling {}",
                    quoted(&r),
                    task::cancelling()
                );
                r
            }
            Err(e) => {
                log!(
                    "waiter caught {e}, awaited cancelled {}",
                    py_bool(t.cancelled())
                );
                sleep(secs(0.25)).await;
                "waiter stopped".into()
            }
        }
    }
    assert_matches_cpython("733_catch_around_awaited_task", async {
        for (name, swallow) in [("reraising", false), ("swallowing", true)] {
            let t = spawn(leaf(name, swallow)).share();
            let w = spawn(waiter(t.clone())).share();
            sleep(secs(0.5)).await;
            w.cancel_with(format!("stop {name}"));
            let r = w.clone().await.unwrap();
            log!(
                "waiter returned {}, cancelled {}, cancelling {}, {name} cancelling {}",
                quoted(r),
                py_bool(w.cancelled()),
                w.cancelling(),
                t.cancelling()
            );
        }
    });
}

/// TaskGroup children that catch the group's abort, clean up (one sleeping) and return:
/// the group raises the sibling's failure once they ended.
#[test]
fn case_734_group_child_catches_abort() {
    async fn child(name: &'static str, clean: f64) -> Result<&'static str, String> {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught the abort {e}");
            sleep(secs(clean)).await;
            log!("{name} cleaned up");
            return Ok(name);
        }
        Ok("unreachable")
    }
    async fn failing() -> Result<&'static str, String> {
        sleep(secs(0.5)).await;
        log!("failing raises");
        Err("ValueError('boom')".into())
    }
    assert_matches_cpython("734_group_child_catches_abort", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let children: std::rc::Rc<std::cell::RefCell<Vec<Task<Option<&'static str>>>>> =
            std::rc::Rc::default();
        let kept = children.clone();
        let r = tg
            .scope(async move {
                for (name, clean) in [("a", 0.25), ("b", 0.0)] {
                    let h: JoinHandle<Option<&'static str>> =
                        group.spawn(child(name, clean)).unwrap();
                    kept.borrow_mut().push(h.share());
                }
                group.spawn(failing()).map(drop).unwrap();
                sleep(secs(2.0)).await;
                Ok(())
            })
            .await;
        let errors = r.unwrap_err().failures.into_iter().map(|f| match f {
            ChildFailure::Error { error, .. } => format!("\"{error}\""),
            other => panic!("{other:?}"),
        });
        log!("group raised {}", py_list(errors));
        let children = children.borrow();
        let result = |t: &Task<Option<&'static str>>| quoted(t.result().unwrap().unwrap().unwrap());
        log!(
            "a -> {}, b -> {}, a cancelled {}",
            result(&children[0]),
            result(&children[1]),
            py_bool(children[0].cancelled())
        );
    });
}

/// Nested catch scopes: the innermost pending one catches; a second cancellation during
/// its clean-up reaches the outer one, and so does a re-raise.
#[test]
fn case_735_nested_catch_scopes() {
    async fn nested(name: &'static str, reraise: bool) -> String {
        let inner = async {
            if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
                log!("{name} inner caught {e}");
                if reraise {
                    e.reraise::<()>().await;
                }
                sleep(secs(1.0)).await;
                log!("{name} inner cleanup done");
            }
        };
        if let Err(e) = catch_cancelled(inner).await {
            log!("{name} outer caught {e}");
        }
        format!("{name} done")
    }
    assert_matches_cpython("735_nested_catch_scopes", async {
        let t = spawn(nested("twice", false)).share();
        sleep(secs(0.5)).await;
        t.cancel_with("first");
        sleep(secs(0.5)).await;
        t.cancel_with("second");
        let r = t.clone().await.unwrap();
        log!("returned {}, cancelling {}", quoted(r), t.cancelling());
        let t = spawn(nested("reraise", true)).share();
        sleep(secs(0.5)).await;
        t.cancel_with("only");
        let r = t.clone().await.unwrap();
        log!("returned {}, cancelling {}", quoted(r), t.cancelling());
    });
}

/// `uncancel()` after catching brings the count back to 0; with or without it, a later
/// timeout raises its `TimeoutError` (3.12 compares with the count at the timeout's entry).
#[test]
fn case_736_uncancel_after_catching() {
    async fn worker(name: &'static str, uncancel: bool) -> &'static str {
        if catch_cancelled(sleep(secs(1.0))).await.is_err() {
            log!("{name} caught, cancelling {}", task::cancelling());
            if uncancel {
                log!("{name} uncancel() -> {}", task::uncancel());
            }
        }
        sleep(secs(0.5)).await;
        log!("{name} slept on, cancelling {}", task::cancelling());
        match catch_cancelled(timeout(secs(0.5), sleep(secs(1.0)))).await {
            Ok(Err(_)) => log!("{name} TimeoutError, cancelling {}", task::cancelling()),
            Err(_) => log!(
                "{name} CancelledError from the timeout, cancelling {}",
                task::cancelling()
            ),
            Ok(Ok(())) => panic!("slept through its timeout"),
        }
        name
    }
    assert_matches_cpython("736_uncancel_after_catching", async {
        for (name, uncancel) in [("uncancels", true), ("keeps", false)] {
            let t = spawn(worker(name, uncancel)).share();
            sleep(secs(0.5)).await;
            t.cancel();
            let r = t.clone().await.unwrap();
            log!(
                "returned {}, cancelled {}",
                quoted(r),
                py_bool(t.cancelled())
            );
        }
    });
}

/// A timeout's expiry forwarded to the one task its work awaits, which catches it and
/// returns: the work gets the value and the timeout exits without `Elapsed`, expired
/// (found by the fuzzer, seed 4000, programs 19 and 150).
#[test]
fn case_737_timeout_expiry_swallowed_by_awaited_task() {
    async fn swallows(name: &'static str) -> String {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}");
            return format!("{name} value");
        }
        format!("{name} finished")
    }
    assert_matches_cpython("737_timeout_expiry_swallowed_by_awaited_task", async {
        let t = spawn(swallows("a"));
        let r = wait_for(secs(0.25), t).await.unwrap().unwrap();
        log!("wait_for(coroutine) returned {}", quoted(r));
        let mut t = spawn(swallows("b"));
        let r = wait_for_task(secs(0.25), &mut t).await.unwrap().unwrap();
        log!("wait_for(task) returned {}", quoted(r));
        let t = spawn(swallows("c"));
        let scope = timeout_scope(Some(now() + secs(0.25)), |cm| async move {
            let r = t.await.unwrap();
            log!(
                "timeout body got {}, expired {}",
                quoted(r),
                py_bool(cm.expired())
            );
        });
        let cm = scope.handle();
        scope.await.expect("no TimeoutError");
        log!(
            "timeout exited, expired {}, cancelling {}",
            py_bool(cm.expired()),
            task::cancelling()
        );
    });
}

/// A timeout expiring in the pass its task is cancelled from outside, its body catching
/// and re-raising: the `CancelledError` passes the timeout (a request beyond its own, as
/// in case 704), no `Elapsed` (found by the fuzzer, seed 4000, program 676).
#[test]
fn case_738_catch_reraise_timeout_outside_cancel() {
    async fn worker(f: std::rc::Rc<Promise<(), ()>>) {
        let cancelled = OnDrop::new("worker cancelled");
        let r = timeout(secs(0.25), async {
            if let Err(e) = catch_cancelled(f.wait()).await {
                log!("worker caught, re-raises");
                e.reraise::<()>().await;
            }
        })
        .await;
        if r.is_err() {
            log!("worker TimeoutError (not expected)");
        }
        cancelled.disarm();
    }
    assert_matches_cpython("738_catch_reraise_timeout_outside_cancel", async {
        let f = std::rc::Rc::new(Promise::new());
        let t = spawn(worker(f)).share();
        let _ = wait(vec![t.clone()], ReturnWhen::AllCompleted, Some(secs(0.25))).await;
        t.cancel();
        let r = gather_all_tasks(vec![t]).await;
        log!("gather {}", outcome_reprs(&r));
    });
}

/// `gather(return_exceptions=True)`'s list of cancelled tasks as Python prints it.
fn outcome_reprs(r: &[Result<(), JoinError>]) -> String {
    py_list(r.iter().map(|x| match x {
        Err(JoinError::Cancelled { .. }) => "CancelledError('')",
        other => panic!("{other:?}"),
    }))
}

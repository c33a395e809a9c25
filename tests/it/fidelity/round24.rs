//! The differences fixed in round 24 (756-759, 766, 767): a timeout's expiry reaching a gather
//! through its caller, a TaskGroup body's interrupt cancelled again, a gather's listing of
//! cancelled futures, and a resolved gather dropped before it was read.

use std::future::Future;
use std::rc::Rc;

use futures::future::Either;
use simloop::sync::Promise;
use simloop::task::{self, call_later, call_soon, catch_cancelled};
use simloop::{
    ChildFailure, GatherError, JoinError, Sim, TaskGroup, gather_all_tasks, gather_tasks, log, now,
    sleep, spawn, timeout, timeout_scope, try_gather_tasks, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, quoted, secs};
use crate::util::cpython_trace;

/// A task that catches its cancellation, uncancels and returns a value.
async fn swallows(name: &'static str) -> String {
    if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
        log!("{name} caught {e}");
        task::uncancel();
        return format!("{name} value");
    }
    format!("{name} finished")
}

/// A task that catches its cancellation and fails (`raise ValueError(name)`).
async fn fails(name: &'static str) -> Result<String, String> {
    if catch_cancelled(sleep(secs(1.0))).await.is_err() {
        log!("{name} caught, raises ValueError");
        return Err(name.to_string());
    }
    Ok(format!("{name} finished"))
}

/// A timeout's expiry forwarded through a gather to its children, which catch it and
/// return: the gather raises `CancelledError` and the timeout `TimeoutError`; a child that
/// fails instead fails the gather, and the timeout lets the failure through, expired
/// (found by the fuzzer, seed 8300, program 42).
#[test]
fn case_756_expiry_through_gather_swallowed() {
    assert_matches_cpython("756_expiry_through_gather_swallowed", async {
        let t = spawn(swallows("a")).share();
        let scope = timeout_scope(Some(now() + secs(0.25)), |_| {
            let t = t.clone();
            async move {
                let r = gather_tasks(vec![t]).await.unwrap();
                log!("gather returned {}", py_list(r.iter().map(quoted)));
            }
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!(
                "one child: TimeoutError, expired {}, a {}",
                py_bool(cm.expired()),
                quoted(t.await.unwrap())
            );
        }
        let ts = vec![spawn(swallows("b")), spawn(swallows("c"))];
        let scope = timeout(secs(0.25), gather_tasks(ts));
        let cm = scope.handle();
        if scope.await.is_err() {
            log!(
                "two children: TimeoutError, expired {}",
                py_bool(cm.expired())
            );
        }
        let t = spawn(swallows("d"));
        if timeout(secs(0.25), gather_all_tasks(vec![t]))
            .await
            .is_err()
        {
            log!("return_exceptions: TimeoutError");
        }
        let t = spawn(swallows("e"));
        if wait_for(secs(0.25), gather_tasks(vec![t])).await.is_err() {
            log!("wait_for: TimeoutError, cancelling {}", task::cancelling());
        }
        for names in [&["f"][..], &["g", "h"]] {
            let mut ts = vec![spawn(fails(names[0])).share()];
            let h = names
                .get(1)
                .map(|&n| spawn(async move { Ok(swallows(n).await) }).share());
            ts.extend(h.clone());
            let scope = timeout(secs(0.25), try_gather_tasks(ts));
            let cm = scope.handle();
            match scope.await {
                Ok(Err(GatherError::Failed(e))) => {
                    log!("ValueError {e} passes, expired {}", py_bool(cm.expired()));
                }
                other => log!("unexpected {:?}", other.map(|r| r.is_ok())),
            }
            if let Some(h) = h {
                yield_now().await;
                log!(
                    "h {}, cancelling {}",
                    quoted(h.await.unwrap().unwrap()),
                    task::cancelling()
                );
            }
        }
    });
}

/// A TaskGroup body whose child `child` fails: the body catches its task's cancellation,
/// logs it and re-raises; the group's failure is caught around it and the task returns.
async fn group_body(
    name: &'static str,
    child: impl Future<Output = Result<(), String>> + 'static,
) -> String {
    let tg: TaskGroup<String> = TaskGroup::new();
    let group = tg.clone();
    let scope = tg.scope(async move {
        // Spawned in the body, as asyncio's `tg.create_task` inside `async with`: an eager
        // child fails inside the body's first poll.
        group.spawn(child).map(drop).unwrap();
        if let Err(e) = catch_cancelled(sleep(secs(0.25))).await {
            log!("{name} body caught {e}, cancelling {}", task::cancelling());
            return e.reraise().await;
        }
        Ok(())
    });
    match scope.await {
        Err(group) => {
            let errors: Vec<String> = group
                .failures
                .into_iter()
                .map(|f| match f {
                    ChildFailure::Error { error, .. } => error,
                    other => panic!("{other:?}"),
                })
                .collect();
            log!(
                "{name} group raised {}, cancelling {}",
                errors[0],
                task::cancelling()
            );
        }
        Ok(()) => log!("{name} group ended"),
    }
    format!("{name} returned")
}

/// Spawns `group_body(name)` (its child from `child`), yields `yields` times, cancels it
/// with a message and logs `gather(return_exceptions=True)` of it.
async fn interrupt_then_cancel<C>(name: &'static str, yields: usize, child: fn(&'static str) -> C)
where
    C: Future<Output = Result<(), String>> + 'static,
{
    let h = spawn(group_body(name, child(name))).share();
    for _ in 0..yields {
        sleep(secs(0.0)).await;
    }
    h.cancel_with("main");
    let r = gather_all_tasks(vec![h]).await;
    let r = r.into_iter().map(|r| quoted(r.unwrap()));
    log!("{name}: {}", py_list(r));
}

/// A TaskGroup body interrupted by a child's failure, then cancelled with a message before
/// its turn: the body's catch sees the interrupt's `CancelledError()` (the sleep it awaited
/// was cancelled first, 705's rule), `cancelling()` 2; cancelled before the child fails, it
/// sees the message. Either way the group raises the child's failure and the task returns
/// (found by the fuzzer, seed 8200, program 146).
#[test]
fn case_757_group_interrupt_then_message() {
    async fn fails(name: &'static str) -> Result<(), String> {
        sleep(secs(0.0)).await;
        Err(format!("ValueError('{name}')"))
    }
    assert_matches_cpython("757_group_interrupt_then_message", async {
        interrupt_then_cancel("a", 4, fails).await;
        interrupt_then_cancel("b", 2, fails).await;
    });
}

/// 757 with eager tasks: the child fails in its first step, inside `create_task`, and the
/// body's first await is cancelled at once; a `cancel(msg)` before the task's next turn
/// leaves the body `CancelledError()` (seed 8200, program 146 as saved).
#[test]
fn case_758_eager_group_interrupt_then_message() {
    async fn fails(name: &'static str) -> Result<(), String> {
        log!("{name} child fails");
        Err(format!("ValueError('{name}')"))
    }
    let out = Sim::new().eager_tasks(true).run(async {
        interrupt_then_cancel("a", 0, fails).await;
        interrupt_then_cancel("b", 1, fails).await;
    });
    assert!(out.result.is_ok(), "{:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace("758_eager_group_interrupt_then_message"),
        "simloop's trace differs from CPython's"
    );
}

/// `gather_all` over bare futures and a task: a future cancelled with a message is listed
/// with it, before the gather or while it waits, and again in a second gather; one
/// cancelled without is `CancelledError('')` (found by the fuzzer, seed 8400, program 23).
#[test]
fn case_759_gather_return_exceptions_cancelled_future() {
    fn shown<T: std::fmt::Display + std::fmt::Debug>(
        r: &[Result<Result<T, String>, JoinError>],
    ) -> String {
        py_list(r.iter().map(|r| match r {
            Ok(Ok(v)) => quoted(v),
            Err(JoinError::Cancelled { message }) => {
                format!("CancelledError('{}')", message.as_deref().unwrap_or(""))
            }
            other => panic!("{other:?}"),
        }))
    }
    assert_matches_cpython("759_gather_return_exceptions_cancelled_future", async {
        let f: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        let g: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        f.cancel_with("early");
        let cg = g.clone();
        call_later(secs(0.125), move || {
            cg.cancel_with("late");
        });
        let t = spawn(async {
            sleep(secs(0.25)).await;
            Ok("w")
        });
        let r = gather_all_tasks(vec![
            Either::Right(f.handle()),
            Either::Left(t),
            Either::Right(g.handle()),
        ])
        .await;
        log!("first {}", shown(&r));
        let r = gather_all_tasks(vec![g.handle(), f.handle()]).await;
        log!("again {}", shown(&r));
        let h: Rc<Promise<&str, String>> = Rc::new(Promise::new());
        let ch = h.clone();
        call_soon(move || {
            ch.cancel();
        });
        let r = gather_all_tasks(vec![h.handle()]).await;
        log!("no message {}", shown(&r));
    });
}

/// A task awaiting `gather(a, b)` is cancelled (a timeout's expiry, or `cancel()`): `a`
/// catches the forwarded cancellation and sleeps on, `b` ends cancelled and fails the
/// gather. The gather is done, so dropping it unread cancels nothing: `a` is not
/// cancelled again (found by the fuzzer, seed 8400, program 301).
#[test]
fn case_766_gather_resolved_then_dropped() {
    async fn catches(name: &'static str) -> &'static str {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}");
            task::uncancel();
        }
        match catch_cancelled(sleep(secs(0.125))).await {
            Ok(()) => log!("{name} slept on"),
            Err(e) => log!("{name} caught again {e}"),
        }
        name
    }
    assert_matches_cpython("766_gather_resolved_then_dropped", async {
        let a = spawn(catches("a")).share();
        let b = spawn(async {
            sleep(secs(1.0)).await;
            ""
        })
        .share();
        if timeout(secs(0.25), gather_tasks(vec![a.clone(), b]))
            .await
            .is_err()
        {
            log!("timed: TimeoutError");
        }
        log!("a: {}", quoted(a.await.unwrap()));
        let t = spawn(async {
            let c = spawn(catches("c")).share();
            let d = spawn(async {
                sleep(secs(1.0)).await;
                ""
            })
            .share();
            let _ = gather_tasks(vec![c, d]).await;
        })
        .share();
        sleep(secs(0.5)).await;
        t.cancel();
        if let Err(JoinError::Cancelled { message }) = t.await {
            log!("cancelled: {}", task::Cancelled::new(message.as_deref()));
        }
        sleep(secs(0.25)).await;
        log!("end");
    });
}

/// A gather with `return_exceptions` cancelled through its awaiter raises the message of
/// its last child in argument order, not of the child that ended last (found by the
/// fuzzer, seed 8410, program 105).
#[test]
fn case_767_gather_cancel_message_last_argument() {
    async fn shape(b_last: bool) {
        let a = spawn(sleep(secs(1.0))).share();
        let b = spawn(async { log!("quick ran") }).share();
        b.cancel_with("from main");
        let children = if b_last {
            vec![a.clone(), b]
        } else {
            vec![b, a.clone()]
        };
        let w = spawn(async move {
            match catch_cancelled(gather_all_tasks(children)).await {
                Ok(r) => log!("gather returned {} results", r.len()),
                Err(e) => log!("waiter caught {e}"),
            }
        })
        .share();
        sleep(secs(0.0)).await;
        w.cancel();
        let _ = gather_all_tasks(vec![a, w]).await;
    }
    assert_matches_cpython("767_gather_cancel_message_last_argument", async {
        shape(true).await;
        shape(false).await;
        log!("end");
    });
}

//! The known differences of round 21 fixed in round 22 (716-): a gather cancelled through
//! its caller, a re-raise inside a TaskGroup body, combinators retrieving a cancelled
//! task's message, and the fuzzer's findings of the round.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use simloop::sync::{Promise, PromiseError};
use simloop::task::{self, Cancelled, catch_cancelled};
use simloop::{
    ChildFailure, JoinError, Task, TaskGroup, gather, gather_all, gather_all_tasks, gather_tasks,
    log, shield_task, sleep, spawn, timeout, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, quoted, secs};

/// A cancelled task's `CancelledError` as Python's `repr` prints it.
fn error_repr(e: &JoinError) -> Cancelled {
    match e {
        JoinError::Cancelled { message } => Cancelled::new(message.as_deref()),
        other => panic!("expected a cancellation, got {other}"),
    }
}

type Gathered = Pin<Box<dyn Future<Output = Result<Vec<String>, JoinError>>>>;

/// A gather whose caller is cancelled: the children catch the forwarded cancellation and
/// return values, and the gather still raises `CancelledError()` to its caller, for one
/// child (a coroutine or a task), two, and with `return_exceptions`.
#[test]
fn case_716_gather_one_child_catches() {
    async fn child(name: &'static str, clean: f64) -> String {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}");
            if clean > 0.0 {
                sleep(secs(clean)).await;
            }
            return format!("{name} value");
        }
        format!("{name} finished")
    }
    async fn gatherer(label: &'static str, g: Gathered) -> &'static str {
        match catch_cancelled(g).await {
            Ok(r) => {
                log!("{label} got {}", py_list(r.unwrap().iter().map(quoted)));
                "returned"
            }
            Err(e) => {
                log!("{label} caught {e}, cancelling {}", task::cancelling());
                "stopped"
            }
        }
    }
    fn collected(g: impl Future<Output = Vec<Result<String, JoinError>>> + 'static) -> Gathered {
        Box::pin(async move { g.await.into_iter().collect() })
    }
    assert_matches_cpython("716_gather_one_child_catches", async {
        for label in ["one", "one task", "two", "one, return_exceptions"] {
            // `gather(coro)` wraps its coroutines in tasks when the gatherer calls it; a
            // task passed in is created by main, before the gatherer.
            let b = (label == "one task").then(|| spawn(child("b", 0.25)));
            let g = spawn(async move {
                let g: Gathered = match label {
                    "one" => Box::pin(gather([child("a", 0.0)])),
                    "one task" => Box::pin(gather_tasks(vec![b.unwrap()])),
                    "two" => Box::pin(gather([child("c", 0.0), child("d", 0.25)])),
                    _ => collected(gather_all([child("e", 0.0)])),
                };
                gatherer(label, g).await
            })
            .share();
            sleep(secs(0.5)).await;
            g.cancel_with(format!("stop {label}"));
            let r = g.clone().await.unwrap();
            log!(
                "{label}: {}, cancelled {}",
                quoted(r),
                py_bool(g.cancelled())
            );
        }
    });
}

/// A TaskGroup body that catches its task's cancellation and re-raises it: the group's exit
/// cancels the child, waits for its clean-up, then raises the `CancelledError` on with its
/// message; a child failing while the body cleans up makes the group raise its failure.
#[test]
fn case_717_group_body_reraises() {
    async fn child(name: String, clean: f64) -> Result<String, String> {
        if let Err(e) = catch_cancelled(sleep(secs(2.0))).await {
            log!("{name} caught {e}");
            if clean > 0.0 {
                sleep(secs(clean)).await;
                log!("{name} cleaned up");
            }
            return e.reraise().await;
        }
        Ok(name)
    }
    async fn failing() -> Result<String, String> {
        sleep(secs(0.75)).await;
        Err("ValueError('boom')".into())
    }
    async fn grouped(label: &'static str, clean: f64, fail: bool) -> &'static str {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(child(format!("{label}-a"), 0.25))
            .map(drop)
            .unwrap();
        if fail {
            tg.spawn(failing()).map(drop).unwrap();
        }
        let body = async move {
            if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
                log!("{label} body caught {e}");
                if clean > 0.0 {
                    sleep(secs(clean)).await;
                    log!("{label} body cleaned up");
                }
                return e.reraise().await;
            }
            Ok(())
        };
        match catch_cancelled(tg.scope(body)).await {
            Err(e) => {
                log!(
                    "{label} outside caught {e}, cancelling {}",
                    task::cancelling()
                );
                e.reraise().await
            }
            Ok(Err(group)) => {
                let errors = group.failures.into_iter().map(|f| match f {
                    ChildFailure::Error { error, .. } => error,
                    other => panic!("{other:?}"),
                });
                log!(
                    "{label} outside caught ExceptionGroup('unhandled errors in a TaskGroup', {})",
                    py_list(errors)
                );
                "failed"
            }
            Ok(Ok(())) => "returned",
        }
    }
    assert_matches_cpython("717_group_body_reraises", async {
        for (label, clean, fail) in [
            ("plain", 0.0, false),
            ("clean", 0.5, false),
            ("failing", 0.5, true),
        ] {
            let t = spawn(grouped(label, clean, fail)).share();
            sleep(secs(0.5)).await;
            t.cancel_with(format!("stop {label}"));
            match t.clone().await {
                Ok(r) => log!("{label} returned {}", quoted(r)),
                Err(e) => log!(
                    "{label} ended {}, cancelled {}",
                    error_repr(&e),
                    py_bool(t.cancelled())
                ),
            }
        }
    });
}

/// Tasks ended by a `CancelledError` that propagated out of them (an awaited future or
/// task cancelled by someone else, a gather failing with a cancelled child): in Rust the
/// task re-raises what it got (`Cancelled::reraise`) and ends cancelled, `cancelling()`
/// 0, handing the message to the first retrieval only.
#[test]
fn case_718_cancelled_error_propagated() {
    fn reraise_of(e: &JoinError) -> Cancelled {
        error_repr(e)
    }
    async fn awaits_future(f: Rc<Promise<String, ()>>) -> String {
        log!("a awaits");
        match f.wait().await {
            Ok(v) => v,
            Err(PromiseError::Cancelled(m)) => Cancelled::new(m.as_deref()).reraise().await,
            Err(e) => panic!("{e:?}"),
        }
    }
    async fn awaits_task(t: Task<String>) -> String {
        log!("b awaits");
        match t.await {
            Ok(v) => v,
            Err(e) => reraise_of(&e).reraise().await,
        }
    }
    async fn gathers(t: Task<String>) -> String {
        log!("c gathers");
        match gather_tasks(vec![t]).await {
            Ok(v) => py_list(v.iter().map(quoted)),
            Err(e) => reraise_of(&e).reraise().await,
        }
    }
    async fn sleeper() -> String {
        sleep(secs(1.0)).await;
        "slept".into()
    }
    assert_matches_cpython("718_cancelled_error_propagated", async {
        let f = Rc::new(Promise::new());
        let a = spawn(awaits_future(f.clone())).share();
        let s = spawn(sleeper()).share();
        let b = spawn(awaits_task(s.clone())).share();
        let s2 = spawn(sleeper()).share();
        let c = spawn(gathers(s2.clone())).share();
        sleep(secs(0.5)).await;
        f.cancel_with("future gone");
        s.cancel_with("sleeper gone");
        s2.cancel_with("gathered gone");
        yield_now().await;
        yield_now().await;
        for (name, t) in [("a", &a), ("b", &b), ("c", &c)] {
            log!(
                "{name}: done {}, cancelled {}, cancelling {}",
                py_bool(t.done()),
                py_bool(t.cancelled()),
                t.cancelling()
            );
            for _ in 0..2 {
                match t.clone().await {
                    Ok(v) => log!("{name} returned {}", quoted(v)),
                    Err(e) => log!("{name} raised {}", error_repr(&e)),
                }
            }
        }
    });
}

/// A task awaiting a gather of one task is cancelled with a message, forwarded to the
/// gathered task, which catches and re-raises it; the gather fails with that
/// `CancelledError`, the awaiting task catches and re-raises it and ends with the message,
/// which the first retrieval (a shield) gets.
#[test]
fn case_724_gather_reraise_keeps_message() {
    async fn leaf(f: Rc<Promise<String, ()>>) {
        let c = task::cancelling();
        match catch_cancelled(f.wait()).await {
            Ok(v) => log!("leaf got {v:?}"),
            Err(e) => {
                log!("leaf caught {e}");
                if task::cancelling() > c {
                    e.reraise::<()>().await;
                }
                log!("leaf swallowed it");
            }
        }
    }
    async fn gatherer(leaf: Task<()>) {
        let c = task::cancelling();
        match catch_cancelled(gather_tasks(vec![leaf])).await {
            Ok(r) => log!("gatherer got {r:?}"),
            Err(e) => {
                log!("gatherer caught {e}");
                if task::cancelling() > c {
                    e.reraise::<()>().await;
                }
                log!("gatherer swallowed it");
            }
        }
    }
    assert_matches_cpython("724_gather_reraise_keeps_message", async {
        let f = Rc::new(Promise::new());
        let l = spawn(leaf(f)).share();
        let g = spawn(gatherer(l.clone())).share();
        let target = g.clone();
        let r = gather_all([async move {
            target.cancel_with("from canceller");
            yield_now().await;
        }])
        .await;
        log!("canceller {}", py_list(r.iter().map(|_| "None")));
        match shield_task(g.clone()).await {
            Ok(()) => log!("shield got None"),
            Err(e) => log!("main caught {}", error_repr(&e)),
        }
        if let Err(e) = g.clone().await {
            log!("main caught {} again", error_repr(&e));
        }
        log!(
            "leaf cancelled {}, gatherer cancelled {}",
            py_bool(l.cancelled()),
            py_bool(g.cancelled())
        );
    });
}

/// A task awaiting another is cancelled; the cancellation is forwarded to the awaited task,
/// waiting in its TaskGroup's exit, which takes it, then raises the child's failure; the
/// task catches it and returns a value, which the awaiter gets: it is not cancelled.
#[test]
fn case_725_forwarded_cancel_absorbed() {
    async fn failing() -> Result<(), String> {
        Err("ValueError('boom')".into())
    }
    async fn inner() -> String {
        sleep(secs(0.125)).await;
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(failing()).map(drop).unwrap();
        if let Err(group) = tg.join().await {
            let errors = group.failures.into_iter().map(|f| match f {
                ChildFailure::Error { error, .. } => error,
                other => panic!("{other:?}"),
            });
            log!(
                "inner caught ExceptionGroup('unhandled errors in a TaskGroup', {})",
                py_list(errors)
            );
        }
        "inner value".into()
    }
    async fn outer() -> String {
        let t = spawn(inner()).share();
        match catch_cancelled(t).await {
            Ok(v) => {
                let v = v.unwrap();
                log!(
                    "outer got {}, cancelling {}",
                    quoted(&v),
                    task::cancelling()
                );
                v
            }
            Err(e) => {
                log!("outer cancelled {e}");
                e.reraise().await
            }
        }
    }
    assert_matches_cpython("725_forwarded_cancel_absorbed", async {
        let o = spawn(outer()).share();
        yield_now().await;
        yield_now().await;
        sleep(secs(0.125)).await;
        o.cancel_with("stop");
        let r = gather_all_tasks(vec![o.clone()]).await;
        let r = r.into_iter().map(|x| match x {
            Ok(v) => quoted(v),
            Err(_) => "CancelledError('')".into(),
        });
        log!("outer {}, cancelled {}", py_list(r), py_bool(o.cancelled()));
    });
}

/// A cancellation caught inside a timeout and not uncancelled: the timeout's later expiry
/// lets its `CancelledError` through instead of `TimeoutError` (`wait_for` and `timeout`
/// alike); after `uncancel()` the expiry raises `TimeoutError`.
#[test]
fn case_726_timeout_after_caught_cancel() {
    async fn work(label: &'static str, uncancel: bool) -> &'static str {
        if let Err(e) = catch_cancelled(sleep(secs(0.25))).await {
            log!("{label} caught {e}");
            if uncancel {
                task::uncancel();
            }
        }
        sleep(secs(1.0)).await;
        "finished"
    }
    async fn timed(label: &'static str, uncancel: bool, ctx: bool) -> &'static str {
        let timed = async {
            if ctx {
                timeout(secs(0.5), work(label, uncancel)).await
            } else {
                wait_for(secs(0.5), work(label, uncancel)).await
            }
        };
        match catch_cancelled(timed).await {
            Ok(Ok(r)) => {
                log!("{label} got {}", quoted(r));
                r
            }
            Ok(Err(_)) => {
                log!("{label} TimeoutError, cancelling {}", task::cancelling());
                "timed out"
            }
            Err(e) => {
                log!("{label} cancelled {e}, cancelling {}", task::cancelling());
                e.reraise().await
            }
        }
    }
    assert_matches_cpython("726_timeout_after_caught_cancel", async {
        for (label, uncancel, ctx) in [
            ("wait_for", false, false),
            ("timeout", false, true),
            ("uncancelled", true, false),
        ] {
            let t = spawn(timed(label, uncancel, ctx)).share();
            sleep(secs(0.125)).await;
            t.cancel_with("stop");
            let r = gather_all_tasks(vec![t.clone()]).await;
            let r = r.into_iter().map(|x| match x {
                Ok(v) => quoted(v),
                Err(_) => "CancelledError('')".into(),
            });
            log!(
                "{label}: {}, cancelled {}",
                py_list(r),
                py_bool(t.cancelled())
            );
        }
    });
}

/// A task awaits a gather whose one child has just ended, its done-callback not yet run; a
/// `cancel(msg)` finds nothing to cancel, so the task's wake-up raises `CancelledError`
/// with the message (`_must_cancel`), which it re-raises and ends with.
#[test]
fn case_727_gather_children_ended_then_cancelled() {
    async fn quick() -> &'static str {
        yield_now().await;
        log!("quick returns");
        "quick"
    }
    async fn gatherer(q: Task<&'static str>) {
        let c = task::cancelling();
        match catch_cancelled(gather_all_tasks(vec![q])).await {
            Ok(r) => log!(
                "gatherer got {}",
                py_list(r.into_iter().map(|x| quoted(x.unwrap())))
            ),
            Err(e) => {
                log!("gatherer caught {e}");
                if task::cancelling() > c {
                    e.reraise::<()>().await;
                }
            }
        }
    }
    assert_matches_cpython("727_gather_children_ended_then_cancelled", async {
        let q = spawn(quick()).share();
        let g = spawn(gatherer(q.clone())).share();
        log!("main got {}", quoted(q.await.unwrap()));
        g.cancel_with("main stops it");
        if let Err(e) = g.clone().await {
            log!(
                "main caught {}, gatherer cancelled {}",
                error_repr(&e),
                py_bool(g.cancelled())
            );
        }
    });
}

//! The fourth round, combinators mixed (cases 361-363, 368, 369, 371, 374 and 375):
//! timeouts inside and around TaskGroups, shield under wait_for with its caller cancelled,
//! as_completed's timeout after a failure, wait(FIRST_EXCEPTION) beside a cancelled task,
//! gather(return_exceptions=True) of cancelled children, a timeout moved by another task.

use std::cell::RefCell;
use std::rc::Rc;

use futures::StreamExt;
use simloop::{
    ChildFailure, GroupError, JoinError, ReturnWhen, Task, TaskGroup, TimeoutHandle, as_completed,
    gather_all_tasks, log, now, shield_task, sleep, spawn, timeout, try_wait, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// The failures of a TaskGroup, each as `str(e)` in a Python list.
pub(super) fn failure_names(e: &GroupError<&'static str>) -> String {
    let names = e.failures.iter().map(|f| match f {
        ChildFailure::Error { error, .. } | ChildFailure::Body { error } => format!("'{error}'"),
        ChildFailure::Panicked { message, .. } => panic!("{message}"),
    });
    py_list(names)
}

/// A TaskGroup child that sleeps, then ends or fails; logs its cancellation.
pub(super) async fn leaf(name: &'static str, delay: f64, fail: bool) -> Result<(), &'static str> {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(delay)).await;
    cancelled.disarm();
    if fail {
        log!("{name} fails");
        return Err(name);
    }
    log!("{name} done");
    Ok(())
}

/// A TaskGroup child times out on its own (a timeout inside it) and goes on; a sibling
/// fails later and cancels the rest (equal deadlines: arming order, the `.fifo.out` trace).
#[test]
fn case_361_timeout_inside_task_group_child() {
    async fn patient(name: &'static str) -> Result<(), &'static str> {
        if timeout(secs(1.0), sleep(secs(5.0))).await.is_err() {
            log!("{name} timed out, goes on");
        }
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(3.0)).await;
        cancelled.disarm();
        log!("{name} finished");
        Ok(())
    }
    async fn failing() -> Result<(), &'static str> {
        sleep(secs(2.0)).await;
        log!("failing raises");
        Err("boom")
    }
    async fn quick() -> Result<(), &'static str> {
        timeout(secs(2.0), sleep(secs(0.5))).await.unwrap();
        log!("quick done in time");
        Ok(())
    }
    assert_matches_cpython("361_timeout_inside_task_group_child.fifo", async {
        let tg = TaskGroup::new();
        tg.spawn(patient("p1")).map(drop).unwrap();
        tg.spawn(quick()).map(drop).unwrap();
        tg.spawn(failing()).map(drop).unwrap();
        tg.spawn(patient("p2")).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        log!("group failed {}", failure_names(&e));
    });
}

/// A timeout around a TaskGroup holding a nested TaskGroup: the expiry cancels the outer
/// children, then (at the nested group's turn) the nested group's; expired() is True.
#[test]
fn case_362_timeout_around_nested_groups() {
    async fn inner() -> Result<(), &'static str> {
        let tg = TaskGroup::new();
        tg.spawn(leaf("i1", 0.5, false)).map(drop).unwrap();
        tg.spawn(leaf("i2", 3.0, false)).map(drop).unwrap();
        tg.join().await.map_err(|_| "inner")?;
        log!("inner never ends");
        Ok(())
    }
    assert_matches_cpython("362_timeout_around_nested_groups", async {
        let scope = timeout(secs(1.0), async {
            let tg = TaskGroup::new();
            tg.spawn(leaf("o1", 0.25, false)).map(drop).unwrap();
            tg.spawn(inner()).map(drop).unwrap();
            tg.spawn(leaf("o2", 2.0, false)).map(drop).unwrap();
            tg.join().await
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!("timed out, expired={}", py_bool(cm.expired()));
        }
    });
}

async fn work() -> u32 {
    log!("work starts");
    sleep(secs(2.0)).await;
    log!("work ends");
    7
}

/// A task awaiting wait_for(shield(t)) is cancelled before the deadline: the shield keeps
/// t running, the caller ends cancelled, t's result is read later; then in time.
#[test]
fn case_363_wait_for_shield_caller_cancelled() {
    async fn caller(t: Task<u32>) {
        let seen = t.clone();
        let cancelled =
            Finally::new(move || log!("caller cancelled, t done={}", py_bool(seen.done())));
        let r = wait_for(secs(3.0), shield_task(t)).await.unwrap().unwrap();
        cancelled.disarm();
        log!("caller got {r}");
    }
    assert_matches_cpython("363_wait_for_shield_caller_cancelled", async {
        let t = spawn(work()).share();
        let c = spawn(caller(t.clone()));
        sleep(secs(1.0)).await;
        c.cancel();
        yield_now().await;
        log!(
            "c cancelled={} t done={}",
            py_bool(c.cancelled()),
            py_bool(t.done())
        );
        log!("t result {}", t.await.unwrap());
        let c2 = spawn(caller(spawn(work()).share()));
        sleep(secs(0.5)).await;
        log!("main waits c2");
        c2.await.unwrap();
    });
}

/// as_completed with a timeout: the failure raises from its await, the result comes next,
/// then TimeoutError for the slow task, which keeps running.
#[test]
fn case_368_as_completed_timeout_failures() {
    async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, String> {
        sleep(secs(delay)).await;
        if fail {
            log!("{name} fails");
            return Err(format!("'{name}'"));
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("368_as_completed_timeout_failures", async {
        let slow = spawn(job("slow", 3.0, false)).share();
        let ts = vec![
            spawn(job("bad", 0.5, true)).share(),
            spawn(job("good", 1.0, false)).share(),
            slow.clone(),
        ];
        let mut stream = as_completed(ts, Some(secs(2.0)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(Ok(Ok(v))) => log!("got {v}"),
                Ok(Ok(Err(e))) => log!("failure {e}"),
                Ok(Err(e)) => panic!("{e}"),
                Err(_) => log!("timeout, slow done={}", py_bool(slow.done())),
            }
        }
        log!("slow result {}", slow.await.unwrap().unwrap());
    });
}

/// wait(FIRST_EXCEPTION): a task cancelled from outside is not an exception, so the wait
/// goes on until a real failure; a second wait over the cancelled task waits for all.
#[test]
fn case_369_wait_first_exception_cancelled() {
    fn task(name: &'static str, delay: f64, fail: bool) -> Task<Result<&'static str, String>> {
        spawn(async move {
            sleep(secs(delay)).await;
            if fail {
                log!("{name} fails");
                return Err(format!("OSError('{name}')"));
            }
            log!("{name} done");
            Ok(name)
        })
        .share()
    }
    assert_matches_cpython("369_wait_first_exception_cancelled", async {
        let a = task("a", 2.0, false);
        let b = task("b", 1.5, true);
        let c = task("c", 3.0, false);
        let cancel_a = a.abort_handle();
        simloop::task::call_later(secs(0.5), move || {
            cancel_a.cancel();
        });
        let named = [(a.id(), "a"), (b.id(), "b"), (c.id(), "c")];
        let show = |ts: &[Task<Result<&'static str, String>>]| {
            let mut ns: Vec<&str> = ts
                .iter()
                .map(|t| named.iter().find(|(id, _)| *id == t.id()).unwrap().1)
                .collect();
            ns.sort();
            py_list(ns.into_iter().map(|n| format!("'{n}'")))
        };
        let (done, pending) = try_wait(
            vec![a.clone(), b.clone(), c.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await;
        log!("done {} pending {}", show(&done), show(&pending));
        let b_exc = b.result().unwrap().unwrap().unwrap_err();
        log!("a cancelled={} b exception={b_exc}", py_bool(a.cancelled()));
        let (done, pending) = try_wait(vec![a, c], ReturnWhen::FirstException, None).await;
        log!("second wait done {} pending {}", show(&done), pending.len());
    });
}

/// gather(return_exceptions=True) where children are cancelled with and without a message
/// and one fails: each listed at its place; the gather's caller is not cancelled.
#[test]
fn case_371_gather_return_exceptions_message() {
    async fn job(name: &'static str, delay: f64, fail: bool) -> Result<&'static str, ()> {
        sleep(secs(delay)).await;
        if fail {
            return Err(());
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("371_gather_return_exceptions_message", async {
        let ts = vec![
            spawn(job("a", 1.0, false)).share(),
            spawn(job("b", 2.0, false)).share(),
            spawn(job("c", 2.0, false)).share(),
            spawn(job("d", 0.5, true)).share(),
        ];
        let b = ts[1].abort_handle();
        simloop::task::call_later(secs(1.5), move || {
            b.cancel_with("stop b");
        });
        let c = ts[2].abort_handle();
        simloop::task::call_later(secs(1.5), move || {
            c.cancel();
        });
        let shown = gather_all_tasks(ts.clone())
            .await
            .into_iter()
            .map(|r| match r {
                Ok(Ok(v)) => format!("'{v}'"),
                Ok(Err(())) => "'ArithmeticError'".to_string(),
                Err(JoinError::Cancelled { .. }) => "'CancelledError'".to_string(),
                Err(e) => panic!("{e}"),
            });
        log!("results {}", py_list(shown));
        log!(
            "cancelled {}",
            py_list(ts.iter().map(|t| py_bool(t.cancelled())))
        );
    });
}

/// A timeout's deadline moved by another task while the body waits: later, then into the
/// past, which fires before the mover's next step (asyncio's `call_soon` of the expiry).
///
/// Regression (bug: `TimeoutHandle::expired` turned true only when the timed-out task had
/// run again, and `reschedule` was accepted until then): asyncio's timeout is "expiring"
/// from its callback's turn, so the mover, which runs between the two, sees
/// `expired() == True` and its `reschedule` refused.
#[test]
fn case_374_timeout_rescheduled_by_other_task() {
    async fn mover(cm: Rc<RefCell<Option<TimeoutHandle>>>) {
        sleep(secs(0.5)).await;
        let cm = cm.borrow().clone().unwrap();
        cm.reschedule(Some(now() + secs(2.0))).unwrap();
        log!("moved to 2.5");
        sleep(secs(1.0)).await;
        cm.reschedule(Some(now() - secs(1.0))).unwrap();
        log!("moved into the past, expired={}", py_bool(cm.expired()));
        yield_now().await;
        log!("mover after one yield, expired={}", py_bool(cm.expired()));
        if cm.reschedule(None).is_err() {
            log!("reschedule refused: expiring");
        }
    }
    assert_matches_cpython("374_timeout_rescheduled_by_other_task", async {
        let boxed = Rc::new(RefCell::new(None));
        let m = spawn(mover(boxed.clone()));
        let scope = timeout(secs(1.0), sleep(secs(5.0)));
        let cm = scope.handle();
        *boxed.borrow_mut() = Some(cm.clone());
        if scope.await.is_err() {
            log!("timed out, expired={}", py_bool(cm.expired()));
        }
        m.await.unwrap();
    });
}

/// An outer TaskGroup child fails while a nested group waits: the outer siblings are
/// cancelled, then (at the nested group's turn) its children; only the failure is raised.
#[test]
fn case_375_group_child_fails_while_nested_body_waits() {
    async fn nested() -> Result<(), &'static str> {
        let tg = TaskGroup::new();
        tg.spawn(leaf("n1", 2.0, false)).map(drop).unwrap();
        tg.spawn(leaf("n2", 0.5, false)).map(drop).unwrap();
        tg.join().await.map_err(|_| "nested")?;
        log!("nested never");
        Ok(())
    }
    assert_matches_cpython("375_group_child_fails_while_nested_body_waits", async {
        let tg = TaskGroup::new();
        tg.spawn(nested()).map(drop).unwrap();
        tg.spawn(leaf("s1", 2.0, false)).map(drop).unwrap();
        tg.spawn(leaf("bad", 1.0, true)).map(drop).unwrap();
        tg.spawn(leaf("s2", 2.0, false)).map(drop).unwrap();
        let e = tg.join().await.unwrap_err();
        log!("caught {}", failure_names(&e));
    });
}

//! Corners of TaskGroup (cases 313-315 and 343): errors from several children and from the
//! body, a nested group cancelled by a sibling's failure, spawning after the group ended.

use simloop::{ChildFailure, GroupError, TaskGroup, log, sleep, spawn};

use super::{assert_matches_cpython, py_list, secs};
use crate::util::OnDrop;

/// The exceptions of cases 313-315, by the Python class each stands for.
#[derive(Debug)]
enum Exc {
    Key(&'static str),
    Value(&'static str),
    Runtime(&'static str),
}

/// A TaskGroup child: sleeps, then fails with `exc` or succeeds; logs its cancellation.
async fn child(name: &'static str, delay: f64, exc: Option<Exc>) -> Result<(), Exc> {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(delay)).await;
    cancelled.disarm();
    match exc {
        Some(e) => {
            let class = match e {
                Exc::Key(_) => "KeyError",
                Exc::Value(_) => "ValueError",
                Exc::Runtime(_) => "RuntimeError",
            };
            log!("{name} raises {class}");
            Err(e)
        }
        None => {
            log!("{name} ok");
            Ok(())
        }
    }
}

fn errors(e: GroupError<Exc>) -> Vec<Exc> {
    e.failures
        .into_iter()
        .map(|f| match f {
            ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error,
            ChildFailure::Panicked { message, .. } => panic!("{message}"),
        })
        .collect()
}

/// Two TaskGroup children fail in the same pass (equal deadlines: arming order, the
/// `.fifo.out` trace); `except*` splits the group by class; the group lists them in the
/// order they failed.
#[test]
fn case_313_task_group_two_errors() {
    assert_matches_cpython("313_task_group_two_errors.fifo", async {
        let tg = TaskGroup::new();
        tg.spawn(child("a", 1.0, Some(Exc::Key("a"))))
            .map(drop)
            .unwrap();
        tg.spawn(child("b", 0.5, None)).map(drop).unwrap();
        tg.spawn(child("c", 1.0, Some(Exc::Value("c"))))
            .map(drop)
            .unwrap();
        tg.spawn(child("d", 2.0, None)).map(drop).unwrap();
        let failures = errors(tg.join().await.unwrap_err());
        let keys = failures.iter().filter_map(|e| match e {
            Exc::Key(k) => Some(format!("\"'{k}'\"")),
            _ => None,
        });
        log!("KeyError group: {}", py_list(keys));
        let values = failures.iter().filter_map(|e| match e {
            Exc::Value(v) => Some(format!("'{v}'")),
            _ => None,
        });
        log!("ValueError group: {}", py_list(values));
        let tg = TaskGroup::new();
        tg.spawn(child("x", 1.0, Some(Exc::Value("x"))))
            .map(drop)
            .unwrap();
        tg.spawn(child("y", 1.0, Some(Exc::Value("y"))))
            .map(drop)
            .unwrap();
        let names = errors(tg.join().await.unwrap_err())
            .into_iter()
            .map(|e| match e {
                Exc::Value(v) => format!("'{v}'"),
                other => panic!("unexpected {other:?}"),
            });
        log!("unhandled errors in a TaskGroup: {}", py_list(names));
    });
}

/// A TaskGroup body raises while its children run: the children are cancelled and the
/// body's error is collected.
#[test]
fn case_314_task_group_body_raises() {
    async fn quiet(name: &'static str, delay: f64) -> Result<(), Exc> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        cancelled.disarm();
        log!("{name} ok");
        Ok(())
    }
    assert_matches_cpython("314_task_group_body_raises", async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(quiet("a", 0.5)).map(drop).unwrap();
                group.spawn(quiet("b", 2.0)).map(drop).unwrap();
                sleep(secs(1.0)).await;
                log!("body raises");
                Err::<(), _>(Exc::Value("body"))
            })
            .await;
        let caught = errors(r.unwrap_err()).into_iter().map(|e| match e {
            Exc::Value(v) => format!("'{v}'"),
            other => panic!("unexpected {other:?}"),
        });
        log!("caught {}", py_list(caught));
    });
}

/// A child's failure cancels the outer group's children in creation order, then a nested
/// group's, which ends cancelled (CPython 3.12.1 cancels in a set's order; the trace is
/// 3.13.0's, vendored as `.py313.out`).
///
/// Regression (bug: a TaskGroup's joining task cancelled from outside cancelled its
/// children inside `cancel()`): `i1` and `i2` were cancelled before `o2`, which the outer
/// group cancelled after `inner`; asyncio cancels them at `inner`'s turn.
#[test]
fn case_315_task_group_nested_cancel_order() {
    async fn inner() -> Result<(), Exc> {
        let cancelled = OnDrop::new("inner group cancelled");
        let tg = TaskGroup::new();
        tg.spawn(child("i1", 3.0, None)).map(drop).unwrap();
        tg.spawn(child("i2", 4.0, None)).map(drop).unwrap();
        let r = tg.join().await;
        cancelled.disarm();
        r.map_err(|_| Exc::Runtime("inner"))
    }
    async fn bad() -> Result<(), Exc> {
        sleep(secs(1.0)).await;
        log!("bad fails");
        Err(Exc::Runtime("bad"))
    }
    assert_matches_cpython("315_task_group_nested_cancel_order.py313", async {
        let tg = TaskGroup::new();
        tg.spawn(child("o1", 5.0, None)).map(drop).unwrap();
        tg.spawn(inner()).map(drop).unwrap();
        tg.spawn(bad()).map(drop).unwrap();
        tg.spawn(child("o2", 5.0, None)).map(drop).unwrap();
        let caught = errors(tg.join().await.unwrap_err())
            .into_iter()
            .map(|e| match e {
                Exc::Runtime(v) => format!("'{v}'"),
                other => panic!("unexpected {other:?}"),
            });
        log!("caught {}", py_list(caught));
    });
}

/// create_task on a TaskGroup that has finished is refused; a TaskGroup with no children
/// ends without yielding.
#[test]
fn case_343_task_group_after_exit() {
    async fn late_child() -> Result<(), ()> {
        sleep(secs(0.5)).await;
        log!("child done");
        Ok(())
    }
    assert_matches_cpython("343_task_group_after_exit", async {
        let t = spawn(async { log!("ticker runs") });
        let tg = TaskGroup::<()>::new();
        tg.join().await.unwrap();
        log!("empty group exited");
        t.await.unwrap();
        let tg = TaskGroup::new();
        tg.spawn(late_child()).map(drop).unwrap();
        tg.join().await.unwrap();
        log!("group exited");
        if tg.spawn(late_child()).is_err() {
            log!("RuntimeError: finished");
        }
    });
}

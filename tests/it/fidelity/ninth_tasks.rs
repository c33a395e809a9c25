//! The ninth round, tasks, callbacks and combinators (cases 600, 607-609, 611, 614, 617):
//! `wait()` given a task twice, `call_at`/`call_later` and a sleep sharing one deadline,
//! task names read in done-callbacks, `all_tasks()` through a task's life, a TaskGroup
//! child failing in its first step, a future's callbacks and awaiters interleaved, and
//! `as_completed` over tasks ending at the same instant.

use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::Promise;
use simloop::task::{self, TaskState, call_at, call_later, call_soon};
use simloop::{
    ChildFailure, ReturnWhen, TaskGroup, as_completed, gather_tasks, log, now, sleep, spawn,
    spawn_named, wait, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// `wait()` takes a set: a task listed twice counts once; FIRST_COMPLETED returns at the
/// first end.
#[test]
fn case_600_wait_first_completed_duplicates() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} done");
        name
    }
    assert_matches_cpython("600_wait_first_completed_duplicates", async {
        let a = spawn(work("a", 0.25)).share();
        let b = spawn(work("b", 0.125)).share();
        let (done, pending) = wait(
            vec![a.clone(), a.clone(), b.clone(), b.clone()],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        let b_in = done.iter().any(|t| t.id() == b.id());
        log!(
            "done={} pending={} b in done={}",
            done.len(),
            pending.len(),
            py_bool(b_in)
        );
        let (done, pending) = wait(
            vec![a.clone(), b.clone(), a.clone()],
            ReturnWhen::AllCompleted,
            None,
        )
        .await;
        log!("done={} pending={}", done.len(), pending.len());
    });
}

/// `call_at` and `call_later` callbacks and a sleep sharing one deadline run in arming
/// order (the `VCLOCK_TIES=fifo` trace); a `call_soon` from a timer callback runs after
/// every timer of that instant and the task the sleep woke.
#[test]
fn case_607_call_at_call_later_same_deadline() {
    assert_matches_cpython("607_call_at_call_later_same_deadline.fifo", async {
        let t0 = now();
        call_at(t0 + secs(0.25), || log!("at 1"));
        let s = spawn(async {
            sleep(secs(0.25)).await;
            log!("sleeper woke");
        });
        yield_now().await;
        call_later(secs(0.25), || {
            log!("later 1");
            call_soon(|| log!("soon from later 1"));
        });
        call_at(t0 + secs(0.25), || log!("at 2"));
        sleep(secs(0.25)).await;
        log!("main woke");
        s.await.unwrap();
        log!("end");
    });
}

/// asyncio's name for a task: the one it was given, else `Task-N`.
fn py_name(t: &simloop::Task<()>) -> String {
    t.name().unwrap_or_else(|| format!("Task-{}", t.id().get()))
}

/// Task names: unnamed tasks number `Task-N` in creation order (3.12: a named task takes a
/// number too), a given name is kept; `current_task()` inside a task is it; names read
/// from done-callbacks.
#[test]
fn case_608_current_task_names_in_callbacks() {
    async fn show() {
        let id = task::current();
        let name = task::current_name().unwrap_or_else(|| format!("Task-{}", id.get()));
        log!("running {name}");
        yield_now().await;
    }
    assert_matches_cpython("608_current_task_names_in_callbacks", async {
        let a = spawn(show()).share();
        let b = spawn_named("named", show()).share();
        let c = spawn(show()).share();
        for t in [&a, &b, &c] {
            t.add_done_callback(|t| log!("{} done", py_name(t)));
        }
        let names = [&a, &b, &c].map(|t| format!("'{}'", py_name(t)));
        log!("names {}", py_list(names));
        gather_tasks(vec![a, b, c]).await.unwrap();
        log!("end");
    });
}

/// How many tasks `asyncio.all_tasks()` lists: the unfinished ones.
fn unfinished() -> usize {
    task::all_tasks()
        .iter()
        .filter(|t| {
            matches!(
                t.state,
                TaskState::Running | TaskState::Ready | TaskState::Waiting
            )
        })
        .count()
}

/// `all_tasks()` counts main, tasks created but not started, and running ones; a task
/// leaves it when it ends, a cancelled one at its turn, not at `cancel()`.
#[test]
fn case_609_all_tasks_lifecycle() {
    assert_matches_cpython("609_all_tasks_lifecycle", async {
        log!("at start {}", unfinished());
        let a = spawn(yield_now());
        let b = spawn(sleep(secs(1.0)));
        log!("created {}", unfinished());
        yield_now().await;
        yield_now().await;
        log!("a done={} {}", py_bool(a.is_finished()), unfinished());
        b.cancel();
        log!("b cancel requested {}", unfinished());
        yield_now().await;
        log!("b cancelled={} {}", py_bool(b.cancelled()), unfinished());
    });
}

/// A TaskGroup child failing in its first step: a sibling created after it already had its
/// first step queued, so it starts before the group's abort cancels it; the siblings are
/// cancelled in creation order.
#[test]
fn case_611_task_group_sibling_never_started() {
    async fn other(name: &'static str) -> Result<(), String> {
        log!("{name} started");
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    assert_matches_cpython("611_task_group_sibling_never_started", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let first = tg.spawn(other("first")).unwrap().abort_handle();
        tg.spawn(async {
            log!("bad raises");
            Err::<(), _>("bad".to_string())
        })
        .map(drop)
        .unwrap();
        let late = tg.spawn(other("late")).unwrap().abort_handle();
        log!("body done");
        let e = tg.join().await.unwrap_err();
        let msgs = e.failures.iter().map(|f| match f {
            ChildFailure::Error { error, .. } => format!("'{error}'"),
            other => panic!("{other:?}"),
        });
        log!("group raised {}", py_list(msgs));
        log!(
            "first cancelled={} late cancelled={}",
            py_bool(first.cancelled()),
            py_bool(late.cancelled())
        );
    });
}

/// A future's done-callbacks and awaiting tasks wake in registration order, interleaved; a
/// callback added after `set_result` goes after the others.
#[test]
fn case_614_future_callbacks_and_awaiters_order() {
    async fn awaiter(f: Rc<Promise<u32>>, name: &'static str) {
        let v = f.wait().await.unwrap();
        log!("{name} got {v}");
    }
    assert_matches_cpython("614_future_callbacks_and_awaiters_order", async {
        let f: Rc<Promise<u32>> = Rc::new(Promise::new());
        f.add_done_callback(|_| log!("cb1"));
        let a = spawn(awaiter(f.clone(), "a"));
        yield_now().await;
        f.add_done_callback(|_| log!("cb2"));
        let b = spawn(awaiter(f.clone(), "b"));
        yield_now().await;
        f.set_result(5).unwrap();
        f.add_done_callback(|_| log!("cb3"));
        log!("set");
        gather_tasks(vec![a, b]).await.unwrap();
        log!("end");
    });
}

/// `as_completed` over tasks ending at the same instant yields them in the order their
/// sleeps were armed, whatever the argument order.
#[test]
fn case_617_as_completed_ties_same_instant() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} ends");
        name
    }
    assert_matches_cpython("617_as_completed_ties_same_instant", async {
        let a = spawn(work("a", 0.25)).share();
        let b = spawn(work("b", 0.125)).share();
        let c = spawn(work("c", 0.25)).share();
        let mut stream = as_completed(vec![c, b, a], None);
        while let Some(r) = stream.next().await {
            log!("got {}", r.unwrap().unwrap());
        }
        log!("end");
    });
}

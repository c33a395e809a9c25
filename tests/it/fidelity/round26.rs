//! The differences fixed in round 26 (785, 786, 788): a TaskGroup child reading its own
//! name, and a timeout's held expiry after a caught cancellation.

use std::future::Future;
use std::rc::Rc;

use simloop::sync::Barrier;
use simloop::task::{self, AbortHandle, catch_cancelled};
use simloop::{Sim, TaskGroup, gather, log, sleep, spawn, wait_for};

use super::{assert_matches_cpython, secs};
use crate::util::cpython_trace;

/// asyncio's `current_task().get_name()`: the name given, else `Task-N` (N the task's
/// number, as simloop counts them: main is 1).
fn own_name() -> String {
    task::current_name().unwrap_or_else(|| {
        format!(
            "Task-{}",
            task::current().to_string().trim_start_matches('#')
        )
    })
}

async fn who(tag: &'static str) -> Result<(), String> {
    log!("{tag}: I am {}", own_name());
    sleep(secs(0.0)).await;
    log!("{tag}: still {}", own_name());
    Ok(())
}

async fn quick(tag: &'static str) -> Result<(), String> {
    log!("{tag}: I am {}", own_name());
    Ok(())
}

/// `tg.create_task(fut, name=name)` as asyncio 3.12 does it: the task made (its first step
/// run inside the spawn when eager), then named.
fn named<F>(tg: &TaskGroup<String>, name: &str, fut: F) -> AbortHandle
where
    F: Future<Output = Result<(), String>> + 'static,
{
    let h = tg.spawn(fut).unwrap().abort_handle();
    h.set_name(name);
    h
}

/// A task holding a TaskGroup of one named child.
async fn holder() -> Result<(), String> {
    let tg = TaskGroup::new();
    let group = tg.clone();
    tg.scope(async move {
        named(&group, "c", who("c"));
        Ok(())
    })
    .await
    .unwrap();
    log!("holder: I am {}", own_name());
    Ok(())
}

/// A TaskGroup child's own `current_task().get_name()` reads the name it was spawned with,
/// in main's group and in a task's; the numbers count the named children (a gather's child
/// after them is Task-5). The scenario language spawned group children unnamed (found by
/// the fuzzer, seed 8600, programs 5, 34 and 41).
#[test]
fn case_785_group_child_names() {
    assert_matches_cpython("785_group_child_names", async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let (a, b) = tg
            .scope(async move {
                Ok((
                    named(&group, "a", who("a")),
                    named(&group, "holder", holder()),
                ))
            })
            .await
            .unwrap();
        log!("after: {} {}", a.name().unwrap(), b.name().unwrap());
        gather([who("gathered")]).await.unwrap();
    });
}

/// With eager tasks a group child's first step runs inside the spawn, before it is named:
/// it reads `Task-N`, its later steps the name; a child done in its first step is named
/// once the spawn returned.
#[test]
fn case_786_eager_group_child_names() {
    let out = Sim::new().eager_tasks(true).run(async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let (a, q, b) = tg
            .scope(async move {
                let a = named(&group, "a", who("a"));
                let q = named(&group, "q", quick("q"));
                log!("spawned: {} {}", a.name().unwrap(), q.name().unwrap());
                Ok((a, q, named(&group, "holder", holder())))
            })
            .await
            .unwrap();
        log!(
            "after: {} {} {}",
            a.name().unwrap(),
            q.name().unwrap(),
            b.name().unwrap()
        );
    });
    assert!(out.result.is_ok(), "{:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace("786_eager_group_child_names")
    );
}

/// A timeout's expiry delivered to a Barrier wait (which, as a Condition wait, takes its
/// lock again before the cancellation leaves it), in work that caught a cancellation of
/// its task earlier without `uncancel()`: the timeout's exit finds more requests than at
/// its entry and lets the `CancelledError` through (726's rule), as it does when the work
/// sleeps there; simloop raised `TimeoutError` after a held expiry (found by the fuzzer,
/// seed 8603, program 29).
#[test]
fn case_788_held_expiry_after_caught_cancel() {
    async fn worker(name: &'static str, barrier: Option<Rc<Barrier>>) {
        let work = async {
            if catch_cancelled(sleep(secs(0.375))).await.is_err() {
                log!("{name} caught, cancelling={}", task::cancelling());
                sleep(secs(0.25)).await;
                log!("{name} cleaned up");
            }
            match &barrier {
                Some(b) => drop(b.wait().await),
                None => sleep(secs(5.0)).await,
            }
        };
        if wait_for(secs(0.75), work).await.is_err() {
            log!("{name} timed out");
        }
        log!("{name} goes on");
    }
    assert_matches_cpython("788_held_expiry_after_caught_cancel", async {
        let b = Rc::new(Barrier::new(2));
        for (name, barrier) in [("sleeper", None), ("party", Some(Rc::clone(&b)))] {
            let t = spawn(worker(name, barrier));
            sleep(secs(0.25)).await;
            t.abort_handle().cancel();
            if t.await.is_err() {
                log!("{name} ended cancelled, barrier waiting={}", b.n_waiting());
            }
        }
    });
}

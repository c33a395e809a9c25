//! The sixth round, TaskGroups and future chains (cases 466, 475, 477, 483, 490): a group
//! aborted while children sit in shields, nested groups failing in one pass, a chain of
//! futures set by done-callbacks, a child cancelled from outside before a sibling fails,
//! Semaphore users in an aborted group.

use std::rc::Rc;

use simloop::sync::{Promise, Semaphore};
use simloop::task::call_soon;
use simloop::{
    ChildFailure, GroupError, TaskGroup, gather_tasks, log, shield_task, sleep, spawn, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

fn names(e: &GroupError<String>) -> Vec<String> {
    e.failures
        .iter()
        .map(|f| match f {
            ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error.clone(),
            ChildFailure::Panicked { message, .. } => panic!("{message}"),
        })
        .collect()
}

async fn raise_after(name: &'static str, d: f64) -> Result<(), String> {
    sleep(secs(d)).await;
    log!("{name} raises");
    Err(name.to_string())
}

/// A TaskGroup child fails while siblings await shielded tasks: the siblings are
/// cancelled, the shielded work runs on.
#[test]
fn case_466_group_abort_children_in_shield() {
    async fn work(name: &'static str, d: f64) -> &'static str {
        sleep(secs(d)).await;
        log!("{name} work done");
        name
    }
    async fn child(name: &'static str, d: f64) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let r = shield_task(spawn(work(name, d))).await.unwrap();
        cancelled.disarm();
        log!("{name} got {r}");
        Ok(())
    }
    assert_matches_cpython("466_group_abort_children_in_shield", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(child("a", 0.5)).map(drop).unwrap();
        tg.spawn(child("b", 0.125)).map(drop).unwrap();
        tg.spawn(async {
            sleep(secs(0.25)).await;
            log!("failing raises");
            Err::<(), _>("boom".to_string())
        })
        .map(drop)
        .unwrap();
        if let Err(e) = tg.join().await {
            let shown = names(&e).into_iter().map(|n| format!("'{n}'"));
            log!("group failed: {}", py_list(shown));
        }
        sleep(secs(1.0)).await;
        log!("end");
    });
}

/// An inner and an outer TaskGroup child fail in the same pass: the outer group collects
/// both, the inner as a group of its own.
#[test]
fn case_475_nested_groups_fail_same_pass() {
    async fn sleeper(name: &'static str) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    async fn inner() -> Result<(), String> {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(raise_after("inner-fail", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("inner-sleeper")).map(drop).unwrap();
        tg.join()
            .await
            .map_err(|e| format!("[{}]", names(&e).join(", ")))
    }
    assert_matches_cpython("475_nested_groups_fail_same_pass", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(inner()).map(drop).unwrap();
        tg.spawn(raise_after("outer-fail", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("outer-sleeper")).map(drop).unwrap();
        if let Err(e) = tg.join().await {
            log!("caught [{}]", names(&e).join(", "));
        }
    });
}

/// A chain of futures, each set by a done-callback of the one before: one slot per link;
/// a task awaiting the last resumes one slot after it.
#[test]
fn case_477_future_chain() {
    async fn watch(f: Rc<Promise<u32>>, name: &'static str) {
        let r = f.wait().await.unwrap();
        log!("{name} got {r}");
    }
    assert_matches_cpython("477_future_chain", async {
        let futs: Vec<Rc<Promise<u32>>> = (0..4).map(|_| Rc::new(Promise::new())).collect();
        for pair in futs.windows(2) {
            let next = pair[1].clone();
            pair[0].add_done_callback(move |r| {
                let v = r.unwrap() + 1;
                log!("link sets {v}");
                next.set_result(v).unwrap();
            });
        }
        let ws = vec![
            spawn(watch(futs[3].clone(), "last")),
            spawn(watch(futs[0].clone(), "first")),
        ];
        yield_now().await;
        call_soon(|| log!("before"));
        futs[0].set_result(0).unwrap();
        call_soon(|| log!("after"));
        gather_tasks(ws).await.unwrap();
        log!("end");
    });
}

/// A TaskGroup child cancelled from outside does not abort the group; a later failure of
/// a sibling does.
#[test]
fn case_483_group_child_cancelled_then_sibling_fails() {
    async fn child(name: &'static str, d: f64) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("483_group_child_cancelled_then_sibling_fails", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                let a = group.spawn(child("a", 1.0)).unwrap();
                group.spawn(raise_after("b", 0.5)).map(drop).unwrap();
                group.spawn(child("c", 1.0)).map(drop).unwrap();
                sleep(secs(0.25)).await;
                a.cancel();
                log!("a cancel requested");
                sleep(secs(0.125)).await;
                log!("body continues");
                Ok(())
            })
            .await;
        if let Err(e) = r {
            let shown = names(&e).into_iter().map(|n| format!("'{n}'"));
            log!("caught {}", py_list(shown));
        }
    });
}

/// TaskGroup children holding and waiting for a Semaphore are cancelled by a sibling's
/// failure: every permit comes back.
#[test]
fn case_490_semaphore_in_group_abort_permits_back() {
    async fn user(sem: Rc<Semaphore>, name: String) -> Result<(), String> {
        let _p = sem.acquire().await;
        log!("{name} in");
        sleep(secs(1.0)).await;
        Ok(())
    }
    assert_matches_cpython("490_semaphore_in_group_abort_permits_back", async {
        let sem = Rc::new(Semaphore::new(2));
        let tg: TaskGroup<String> = TaskGroup::new();
        for i in 0..4 {
            tg.spawn(user(sem.clone(), format!("u{i}")))
                .map(drop)
                .unwrap();
        }
        tg.spawn(async {
            sleep(secs(0.25)).await;
            Err::<(), _>("stop".to_string())
        })
        .map(drop)
        .unwrap();
        if tg.join().await.is_err() {
            log!(
                "group failed, value={} locked={}",
                sem.value(),
                py_bool(sem.locked())
            );
        }
        let _p = sem.acquire().await;
        log!("main in");
    });
}

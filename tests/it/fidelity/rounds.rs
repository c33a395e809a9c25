//! Barrier rounds, timeout ties, queue orders seen by waiting getters, a set Event, a
//! shield inside a TaskGroup, nested gathers cancelled (cases 170-175).

use std::cell::RefCell;
use std::rc::Rc;

use futures::FutureExt;
use simloop::{
    Barrier, ChildFailure, Event, LifoQueue, PriorityQueue, Task, TaskGroup, gather,
    gather_all_tasks, gather_tasks, log, shield_task, sleep, spawn, timeout, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// A Barrier(2) used for three rounds by parties of different speeds.
#[test]
fn case_170_barrier_rounds() {
    async fn runner(b: Rc<Barrier>, name: &'static str, step: f64) {
        for r in 0..3 {
            sleep(secs(step)).await;
            log!("{name} at round {r}, waiting={}", b.n_waiting());
            let i = b.wait().await.unwrap();
            log!("{name} passes round {r} as {i}");
        }
    }
    assert_matches_cpython("170_barrier_rounds", async {
        let b = Rc::new(Barrier::new(2));
        gather([
            runner(b.clone(), "fast", 0.25),
            runner(b.clone(), "slow", 0.75),
        ])
        .await
        .unwrap();
        log!("done, waiting={}", b.n_waiting());
    });
}

/// A timeout and a sleep due at the same instant: the timeout armed first wins; a task
/// whose sleep was armed first is woken first, but the expiry still cancels it.
#[test]
fn case_171_timeout_ties_sleep() {
    assert_matches_cpython("171_timeout_ties_sleep", async {
        if timeout(secs(1.0), sleep(secs(1.0))).await.is_err() {
            log!("TimeoutError at the tie");
        }
        let mut t = spawn(async {
            sleep(secs(1.0)).await;
            "task first"
        });
        yield_now().await;
        let scope = timeout(secs(1.0), &mut t);
        let cm = scope.handle();
        match scope.await {
            Ok(r) => log!("{}, expired={}", r.unwrap(), py_bool(cm.expired())),
            Err(_) => log!(
                "TimeoutError; the task woken first lost its value: cancelled={}",
                py_bool(t.cancelled())
            ),
        }
        let scope = timeout(secs(1.0), sleep(secs(0.5)));
        let cm = scope.handle();
        match scope.await {
            Ok(()) => log!("finished early, expired={}", py_bool(cm.expired())),
            Err(_) => log!("never"),
        }
    });
}

/// Getters waiting on a PriorityQueue (or a LifoQueue) each take the first item in the
/// queue's order when they run, not the one whose put woke them.
#[test]
fn case_172_priority_queue_getters() {
    assert_matches_cpython("172_priority_queue_getters", async {
        let q = Rc::new(PriorityQueue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| {
                let q = q.clone();
                spawn(async move {
                    let (prio, item): (u32, &str) = q.get().await.unwrap();
                    log!("g{i} got {item} ({prio})");
                })
            })
            .collect();
        yield_now().await;
        q.put_nowait((3, "low")).unwrap();
        q.put_nowait((1, "high")).unwrap();
        q.put_nowait((2, "mid")).unwrap();
        log!("three put");
        gather_tasks(gs).await.unwrap();
        let lq = Rc::new(LifoQueue::new());
        let hs: Vec<_> = (0..2)
            .map(|i| {
                let lq = lq.clone();
                spawn(async move {
                    let (prio, item): (u32, &str) = lq.get().await.unwrap();
                    log!("h{i} got {item} ({prio})");
                })
            })
            .collect();
        yield_now().await;
        lq.put_nowait((1, "first")).unwrap();
        lq.put_nowait((2, "second")).unwrap();
        gather_tasks(hs).await.unwrap();
    });
}

/// Waiting on an Event that is already set does not yield.
#[test]
fn case_173_event_set_before_wait() {
    assert_matches_cpython("173_event_set_before_wait", async {
        let ev = Rc::new(Event::new());
        ev.set();
        let _bystander = spawn(async { log!("bystander runs") });
        ev.wait().await;
        log!("passed the set event without yielding");
        ev.clear();
        let e = ev.clone();
        let _setter = spawn(async move {
            log!("setter sets");
            e.set();
        });
        ev.wait().await;
        log!("woke after the setter");
    });
}

/// A TaskGroup child shields its save; a sibling's failure cancels the child, not the save.
#[test]
fn case_174_shield_in_task_group() {
    assert_matches_cpython("174_shield_in_task_group", async {
        let holder: Rc<RefCell<Option<Task<&str>>>> = Rc::new(RefCell::new(None));
        let tg = TaskGroup::new();
        let slot = holder.clone();
        tg.spawn(async move {
            let save = spawn(async {
                sleep(secs(2.0)).await;
                log!("save finished");
                "saved"
            })
            .share();
            *slot.borrow_mut() = Some(save.clone());
            let guard = OnDrop::new("writer cancelled, save goes on");
            let _ = shield_task(save).await;
            guard.disarm();
            Ok(())
        })
        .map(drop)
        .unwrap();
        tg.spawn(async {
            sleep(secs(1.0)).await;
            log!("failer raises");
            Err::<(), _>("boom")
        })
        .map(drop)
        .unwrap();
        let save = || holder.borrow().clone().unwrap();
        if let Err(e) = tg.join().await
            && matches!(e.failures[..], [ChildFailure::Error { .. }])
        {
            log!("group failed; save done={}", py_bool(save().done()));
        }
        log!("save -> {}", save().await.unwrap());
    });
}

/// Cancelling the task that awaits an outer gather cancels the inner gathers' children
/// too, in argument order, depth first.
#[test]
fn case_175_nested_gather_cancelled() {
    async fn leaf(name: String, delay: f64) -> String {
        let guard = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(delay)).await;
        guard.disarm();
        log!("{name} done");
        name
    }
    async fn branch(prefix: &str) -> Vec<String> {
        gather([
            leaf(format!("{prefix}1"), 2.0),
            leaf(format!("{prefix}2"), 3.0),
        ])
        .await
        .unwrap()
    }
    assert_matches_cpython("175_nested_gather_cancelled", async {
        // gather's arguments share one output type: the leaf's is listed too.
        let t = spawn(gather([
            branch("a").boxed_local(),
            branch("b").boxed_local(),
            async { vec![leaf("c".to_string(), 0.5).await] }.boxed_local(),
        ]));
        sleep(secs(1.0)).await;
        t.cancel();
        let res = gather_all_tasks(vec![t]).await;
        let kind = if res[0].as_ref().is_err_and(|e| e.is_cancelled()) {
            "CancelledError"
        } else {
            "NoneType"
        };
        log!("outer: {kind}");
    });
}

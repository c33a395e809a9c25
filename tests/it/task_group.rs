//! TaskGroup: ends when all children end; the first failure cancels the others; outside
//! cancellation cancels all; spawning into a finished group is an error.

use std::time::Duration;

use simloop::{ChildFailure, Sim, SpawnError, TaskGroup, log, sleep, spawn_named};

use crate::util::OnDrop;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn child(name: &'static str, delay: u64, fail: bool) -> Result<&'static str, String> {
    let g = OnDrop::new(format!("{name} cancelled"));
    sleep(ms(delay)).await;
    g.disarm();
    if fail {
        log!("{name} fails");
        return Err(format!("{name} failed"));
    }
    log!("{name} done");
    Ok(name)
}

#[test]
fn join_waits_for_every_child_and_values_come_through_the_handles() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        let a = tg.spawn(child("a", 20, false)).unwrap();
        let b = tg.spawn(child("b", 10, false)).unwrap();
        tg.join().await.unwrap();
        (
            a.await.unwrap(),
            b.await.unwrap(),
            simloop::now().to_string(),
        )
    });
    assert_eq!(
        out.result.unwrap(),
        (Some("a"), Some("b"), "20".to_string())
    );
}

#[test]
fn the_first_failure_cancels_the_siblings_in_creation_order() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        for (name, delay, fail) in [
            ("a", 50, false),
            ("b", 10, true),
            ("c", 40, false),
            ("d", 30, false),
        ] {
            tg.spawn(child(name, delay, fail)).map(drop).unwrap();
        }
        let err = tg.join().await.unwrap_err();
        log!("join: {err}");
        err.failures
    });
    let failures = out.result.unwrap();
    assert!(matches!(&failures[..], [ChildFailure::Error { error, .. }] if error == "b failed"));
    assert_eq!(
        out.trace.logs(),
        "t=10 b fails\nt=10 a cancelled\nt=10 c cancelled\nt=10 d cancelled\nt=10 join: 1 task(s) of the group failed\n"
    );
}

#[test]
fn failures_in_the_same_pass_are_all_collected() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        tg.spawn(child("a", 10, true)).map(drop).unwrap();
        tg.spawn(child("b", 10, true)).map(drop).unwrap();
        tg.spawn(async {
            sleep(ms(10)).await;
            panic!("c panics") as Result<(), String>
        })
        .map(drop)
        .unwrap();
        tg.spawn(child("d", 60, false)).map(drop).unwrap();
        tg.join().await.unwrap_err().failures
    });
    let failures = out.result.unwrap();
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert!(matches!(&failures[0], ChildFailure::Error { error, .. } if error == "a failed"));
    assert!(matches!(&failures[1], ChildFailure::Error { error, .. } if error == "b failed"));
    assert!(
        matches!(&failures[2], ChildFailure::Panicked { message, .. } if message == "c panics")
    );
    assert!(out.trace.logs().contains("t=10 d cancelled"));
}

#[test]
fn outside_cancellation_cancels_every_child() {
    let out = Sim::new().run(async {
        let parent = spawn_named("parent", async {
            let _g = OnDrop::new("parent cancelled");
            let tg = TaskGroup::new();
            tg.spawn(child("a", 100, false)).map(drop).unwrap();
            tg.spawn(child("b", 200, false)).map(drop).unwrap();
            let _ = tg.join().await;
            log!("unreachable");
        });
        sleep(ms(10)).await;
        parent.cancel();
        parent.await.unwrap_err().is_cancelled()
    });
    assert!(out.result.unwrap());
    assert_eq!(
        out.trace.logs(),
        "t=10 a cancelled\nt=10 b cancelled\nt=10 parent cancelled\n"
    );
}

#[test]
fn spawning_into_a_finished_or_shutting_down_group_is_an_error() {
    let out = Sim::new().run(async {
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(child("a", 10, true)).map(drop).unwrap();
        tg.spawn(child("b", 50, false)).map(drop).unwrap();
        sleep(ms(20)).await; // a failed; the group is shutting down
        let during = tg.spawn(child("late", 1, false)).map(|_| ());
        let _ = tg.join().await;
        let after = tg.spawn(child("later", 1, false)).map(|_| ());
        (during, after)
    });
    assert_eq!(
        out.result.unwrap(),
        (Err(SpawnError::ShuttingDown), Err(SpawnError::Finished))
    );
    assert!(!out.trace.logs().contains("late"));
}

#[test]
fn task_group_trace() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        tg.spawn(child("ok", 10, false)).map(drop).unwrap();
        tg.spawn(child("bad", 20, true)).map(drop).unwrap();
        tg.spawn(child("slow", 30, false)).map(drop).unwrap();
        let _ = tg.join().await;
    });
    out.result.unwrap();
    insta::assert_snapshot!(out.trace.render());
}

/// CPython aborts in set order; FIFO uses creation order, and the random policy explores
/// other orders as recorded choices that replay.
#[test]
fn under_random_the_abort_order_is_explored_and_replays() {
    let program = || async {
        let tg = TaskGroup::new();
        tg.spawn(child("bad", 10, true)).map(drop).unwrap();
        for name in ["a", "b", "c"] {
            tg.spawn(child(name, 100, false)).map(drop).unwrap();
        }
        let _ = tg.join().await;
    };
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let out = Sim::new()
            .seed(seed)
            .policy(simloop::Policy::Random)
            .run(program());
        let logs = out.trace.logs();
        let again = Sim::new().replay(&out.token).run(program());
        assert_eq!(again.trace.logs(), logs, "seed {seed}: replay differs");
        orders.insert(logs);
    }
    assert!(orders.len() > 1, "only one abort order seen: {orders:?}");
}

/// `async with TaskGroup()`: a child's failure cancels the siblings, then interrupts the
/// body (asyncio cancels the parent task), in that order. CPython 3.11 prints the same lines.
#[test]
fn a_failure_interrupts_the_scope_body_after_cancelling_the_siblings() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("a", 1000, true)).map(drop).unwrap();
                group.spawn(child("b", 5000, false)).map(drop).unwrap();
                let g = OnDrop::new("body cancelled");
                sleep(ms(10_000)).await;
                g.disarm();
                log!("body done");
                Ok(())
            })
            .await;
        let err = r.unwrap_err();
        log!("group: {} failure(s)", err.failures.len());
        err.failures
    });
    let failures = out.result.unwrap();
    assert!(matches!(&failures[..], [ChildFailure::Error { error, .. }] if error == "a failed"));
    assert_eq!(
        out.trace.logs(),
        "t=1000 a fails\nt=1000 b cancelled\nt=1000 body cancelled\nt=1000 group: 1 failure(s)\n"
    );
}

/// A body that returns `Err` aborts the group; its error comes last among the failures.
#[test]
fn a_scope_body_error_cancels_the_children_and_is_reported() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("c", 1000, false)).map(drop).unwrap();
                sleep(ms(500)).await;
                log!("body raises");
                Err::<(), _>("body".to_string())
            })
            .await;
        r.unwrap_err().failures
    });
    let failures = out.result.unwrap();
    assert!(matches!(&failures[..], [ChildFailure::Body { error }] if error == "body"));
    assert_eq!(out.trace.logs(), "t=500 body raises\nt=500 c cancelled\n");
    assert_eq!(out.elapsed, ms(500));
}

/// A body that finishes waits for the children, then the scope returns its value.
#[test]
fn a_scope_returns_the_body_value_after_every_child() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let v = tg
            .scope(async move {
                group.spawn(child("e", 1000, false)).map(drop).unwrap();
                log!("body ends");
                Ok::<_, String>(7)
            })
            .await;
        log!("scope done");
        v
    });
    assert_eq!(out.result.unwrap(), Ok(7));
    assert_eq!(
        out.trace.logs(),
        "t=0 body ends\nt=1000 e done\nt=1000 scope done\n"
    );
}

/// Dropping a scope (its task cancelled from outside) drops the body and cancels the children.
#[test]
fn cancelling_the_task_of_a_scope_drops_body_and_children() {
    let out = Sim::new().run(async {
        let parent = spawn_named("parent", async {
            let tg = TaskGroup::new();
            let group = tg.clone();
            let _ = tg
                .scope(async move {
                    group.spawn(child("f", 1000, false)).map(drop).unwrap();
                    let _g = OnDrop::new("body cancelled");
                    sleep(ms(5000)).await;
                    Ok::<_, String>(())
                })
                .await;
            log!("unreachable");
        });
        sleep(ms(10)).await;
        parent.cancel();
        parent.await.unwrap_err().is_cancelled()
    });
    assert!(out.result.unwrap());
    assert_eq!(out.trace.logs(), "t=10 body cancelled\nt=10 f cancelled\n");
}

/// A group's child is a task like any other: shared, it is awaited by a sibling and
/// gathered by the body while the group waits for it, with asyncio's hop order (the direct
/// awaiter one slot after it ends, the gather's caller two).
#[test]
fn a_shared_child_is_awaited_by_many() {
    let out = Sim::new().run(async {
        let tg = TaskGroup::<String>::new();
        let group = tg.clone();
        tg.scope(async move {
            let c = group.spawn(child("c", 1000, false)).unwrap().share();
            let watched = c.clone();
            group
                .spawn(async move {
                    log!("sibling got {:?}", watched.await.unwrap());
                    Ok(())
                })
                .map(drop)
                .unwrap();
            let r = simloop::gather_tasks(vec![c.clone()]).await.unwrap();
            log!("body gathered {r:?}");
            Ok(())
        })
        .await
        .unwrap();
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=1000 c done\nt=1000 sibling got Some(\"c\")\nt=1000 body gathered [Some(\"c\")]\n"
    );
}

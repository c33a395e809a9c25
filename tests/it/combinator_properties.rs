//! Properties of the combinators over seeds and the random policy: gather keeps argument
//! order, a TaskGroup never returns with a child still running, no inner work runs past its
//! timeout in virtual time, and shielded work always completes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use proptest::prelude::*;
use simloop::{
    Instant, Policy, Sim, TaskGroup, gather, now, shield, sleep, spawn, task::TaskState, timeout,
    yield_now,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// One step of a child: yield once, or sleep a multiple of 5 ms (zero included).
fn steps() -> impl Strategy<Value = Vec<Option<u8>>> {
    prop::collection::vec(prop::option::of(0u8..6), 0..5)
}

async fn run_steps(steps: &[Option<u8>], seen: Option<&RefCell<Vec<Instant>>>) {
    for step in steps {
        if let Some(seen) = seen {
            seen.borrow_mut().push(now());
        }
        match step {
            None => yield_now().await,
            Some(n) => sleep(ms(u64::from(*n) * 5)).await,
        }
    }
    if let Some(seen) = seen {
        seen.borrow_mut().push(now());
    }
}

/// A task that keeps the ready queue busy, so the random policy has choices to make.
fn background(rounds: u8) {
    drop(spawn(async move {
        for _ in 0..rounds {
            yield_now().await;
            sleep(ms(3)).await;
        }
    }));
}

fn policies() -> impl Strategy<Value = Policy> {
    prop_oneof![Just(Policy::Fifo), Just(Policy::Random)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn gather_returns_argument_order(
        children in prop::collection::vec(steps(), 0..7),
        seed in 0u64..10_000,
        policy in policies(),
    ) {
        let n = children.len();
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            background(4);
            gather(children.into_iter().enumerate().map(|(i, s)| async move {
                run_steps(&s, None).await;
                i
            }))
            .await
        });
        prop_assert_eq!(out.result.unwrap().unwrap(), (0..n).collect::<Vec<_>>());
    }

    #[test]
    fn a_task_group_never_leaves_a_child_running_after_join_returns(
        children in prop::collection::vec((steps(), any::<bool>()), 0..6),
        seed in 0u64..10_000,
        policy in policies(),
    ) {
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            background(4);
            let tg: TaskGroup<()> = TaskGroup::new();
            let ids = Rc::new(RefCell::new(Vec::new()));
            for (s, fail) in children {
                let (inner, ids2) = (tg.clone(), ids.clone());
                let h = tg.spawn(async move {
                    run_steps(&s, None).await;
                    // A child may spawn a sibling, which the group must wait for as well.
                    if let Ok(h) = inner.spawn(async { yield_now().await; Ok(()) }) {
                        ids2.borrow_mut().push(h.id());
                    }
                    if fail { Err(()) } else { Ok(()) }
                });
                ids.borrow_mut().push(h.unwrap().id());
            }
            let _ = tg.join().await;
            let ids = ids.borrow().clone();
            simloop::task::all_tasks()
                .into_iter()
                .filter(|t| ids.contains(&t.id))
                .filter(|t| !matches!(t.state, TaskState::Returned | TaskState::Panicked | TaskState::Cancelled))
                .map(|t| t.id)
                .collect::<Vec<_>>()
        });
        prop_assert_eq!(out.result.unwrap(), Vec::new());
    }

    #[test]
    fn no_inner_work_runs_past_its_timeout(
        inner in steps(),
        limit in 0u64..40,
        seed in 0u64..10_000,
        policy in policies(),
    ) {
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            background(6);
            let seen = Rc::new(RefCell::new(Vec::new()));
            let start = now();
            let s2 = seen.clone();
            let r = timeout(ms(limit), async move { run_steps(&inner, Some(&s2)).await }).await;
            let latest = seen.borrow().iter().copied().max();
            (start + ms(limit), latest, r.is_ok(), now())
        });
        let (deadline, latest, finished, end) = out.result.unwrap();
        if let Some(latest) = latest {
            prop_assert!(latest <= deadline, "inner ran at {latest} past {deadline}");
        }
        if !finished {
            prop_assert_eq!(end, deadline, "the timeout reports at its deadline");
        }
    }

    #[test]
    fn shielded_work_always_completes(
        work in steps(),
        cancel_after in 0u64..40,
        seed in 0u64..10_000,
        policy in policies(),
    ) {
        let out = Sim::new().seed(seed).policy(policy).run(async move {
            background(4);
            let (started, done) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
            let (s2, d2) = (started.clone(), done.clone());
            let caller = spawn(async move {
                // A caller cancelled before its first step never reaches the shield.
                s2.set(true);
                shield(async move {
                    run_steps(&work, None).await;
                    d2.set(true);
                })
                .await
            });
            sleep(ms(cancel_after)).await;
            caller.cancel();
            let _ = caller.await;
            // The longest work: 4 steps of 25 ms.
            sleep(ms(200)).await;
            (started.get(), done.get())
        });
        let (started, done) = out.result.unwrap();
        prop_assert_eq!(done, started);
    }
}

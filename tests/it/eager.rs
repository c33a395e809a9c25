//! Eager tasks (`Sim::eager_tasks`, `task::spawn_eager`) beyond the CPython cases 740-752:
//! determinism under every policy, starts from a callback, failures and cancellations in
//! the first step, the nesting limit, deadlocks formed by a first step, context variables.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use simloop::contextvars::ContextVar;
use simloop::task::{self, call_soon, spawn_eager};
use simloop::{
    JoinError, Lock, PanicOutput, Policy, RunError, Sim, TaskGroup, gather, log, sleep, spawn,
    yield_now,
};

/// Spawns a few generations of tasks that sleep, yield and lock, all eagerly.
async fn program() -> u32 {
    let lock = Rc::new(Lock::new(0u32));
    let handles: Vec<_> = (0..6u32)
        .map(|i| {
            let lock = lock.clone();
            spawn(async move {
                log!("t{i} starts");
                if i % 2 == 0 {
                    yield_now().await;
                }
                let inner = spawn(async move {
                    log!("t{i}'s child");
                    sleep(Duration::from_millis(u64::from(i % 3))).await;
                    i
                });
                *lock.lock().await += 1;
                inner.await.unwrap()
            })
        })
        .collect();
    let mut sum = 0;
    for h in handles {
        sum += h.await.unwrap();
    }
    sum + gather([1u32, 2].map(|n| async move { n }))
        .await
        .unwrap()
        .into_iter()
        .sum::<u32>()
}

/// Same seed and policy, eager tasks on: the same trace, byte for byte, and the token
/// replays the run.
#[test]
fn eager_runs_are_deterministic_under_every_policy() {
    for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }] {
        for seed in 0..5 {
            let sim = Sim::new().eager_tasks(true).policy(policy).seed(seed);
            let a = sim.clone().run(program());
            let b = sim.clone().run(program());
            assert_eq!(a.result.as_ref().unwrap(), &18, "{policy} seed {seed}");
            assert_eq!(a.trace.render(), b.trace.render(), "{policy} seed {seed}");
            assert_eq!(a.token.to_string(), b.token.to_string());
            let replayed = Sim::new().eager_tasks(true).replay(&a.token).run(program());
            assert_eq!(replayed.trace.render(), a.trace.render(), "{policy} replay");
        }
    }
}

/// An eager start is no scheduling decision: the eager run of a program makes fewer
/// entries (the first steps) than the lazy one, and the first step runs before the
/// spawner's next line under every policy.
#[test]
fn an_eager_start_runs_before_the_spawners_next_line_under_every_policy() {
    for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 2 }] {
        for seed in 0..20 {
            let out = Sim::new().policy(policy).seed(seed).run(async {
                let h = spawn_eager(async { log!("child") });
                log!("parent");
                h.await.unwrap();
            });
            assert_eq!(
                out.trace.logs(),
                "t=0 child\nt=0 parent\n",
                "{policy} {seed}"
            );
            assert_eq!(
                out.stats.decisions, 0,
                "no decision: one task ready at a time"
            );
        }
    }
}

/// From a callback (no running task), the eager task is current in its first step and no
/// task is after it, as asyncio's `current_task()` is `None` in a callback.
#[test]
fn an_eager_start_from_a_callback_restores_no_current_task() {
    let out = Sim::new().run(async {
        let seen = Rc::new(std::cell::Cell::new(None));
        let keep = seen.clone();
        call_soon(move || {
            let h = spawn_eager(async { task::current().get() });
            keep.set(Some((h.is_finished(), task::try_current().is_none())));
        });
        yield_now().await;
        seen.get()
    });
    assert_eq!(out.result.unwrap(), Some((true, true)));
}

/// A first step that panics ends the task, not its spawner; one that cancels itself and
/// returns ends cancelled, its value lost, as asyncio's task cancelled in the step in which
/// it returns.
#[test]
fn a_first_step_that_fails_or_cancels_itself_ends_the_task_only() {
    let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
        let boom = spawn_eager(async { panic!("boom") as u8 });
        assert!(boom.is_finished());
        let me = spawn_eager(async {
            task::cancel(task::current());
            5
        });
        assert!(me.is_finished());
        (boom.await, me.await)
    });
    let (boom, me) = out.result.unwrap();
    assert!(matches!(boom, Err(JoinError::Panicked { message }) if message == "boom"));
    assert!(matches!(me, Err(JoinError::Cancelled { .. })));
}

fn nest(depth: u32) -> Pin<Box<dyn Future<Output = u32>>> {
    Box::pin(async move {
        if depth == 0 {
            return 0;
        }
        match spawn_eager(nest(depth - 1)).await {
            Ok(n) => n + 1,
            Err(e) => panic!("{e}"),
        }
    })
}

/// Eager starts nest up to 64 deep; deeper, the spawn panics in its caller with a clear
/// message (asyncio's `RecursionError`), never a stack overflow.
#[test]
fn eager_starts_nest_64_deep_then_refuse() {
    assert_eq!(Sim::new().run(nest(64)).result.unwrap(), 64);
    let out = Sim::new().panic_output(PanicOutput::Quiet).run(nest(100));
    let Err(RunError::MainPanicked { message }) = out.result else {
        panic!("expected the main task to fail: {:?}", out.result)
    };
    assert!(message.contains("nested more than 64 deep"), "{message}");
}

/// A first step's wait is registered as any step's: a lock its spawner holds while awaiting
/// it is a deadlock, reported with both tasks.
#[test]
fn a_first_steps_wait_is_registered() {
    let out = Sim::new().run(async {
        let lock = Rc::new(Lock::new(()));
        let _held = lock.lock().await;
        let l = lock.clone();
        let child = spawn_eager(async move {
            let _g = l.lock().await;
        });
        child.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = out.result else {
        panic!("expected a deadlock: {:?}", out.result)
    };
    assert_eq!(report.blocked.len(), 2, "{report}");
}

static N: ContextVar<u32> = ContextVar::new("n");

/// The first step runs in the task's copy of its spawner's context: it sees the spawner's
/// values, and its own sets stay its own.
#[test]
fn a_first_step_runs_in_the_tasks_copy_of_the_context() {
    let out = Sim::new().eager_tasks(true).run(async {
        N.set(1);
        let h = spawn(async {
            let seen = N.get();
            N.set(2);
            yield_now().await;
            (seen, N.get())
        });
        let after = N.get();
        (h.await.unwrap(), after)
    });
    assert_eq!(out.result.unwrap(), ((Some(1), Some(2)), Some(1)));
}

/// A TaskGroup child that fails in its first step aborts the group inside `spawn`: later
/// spawns are refused at once.
#[test]
fn a_group_child_failing_at_once_aborts_the_group_inside_spawn() {
    let out = Sim::new().eager_tasks(true).run(async {
        let tg: TaskGroup<&str> = TaskGroup::new();
        let _bad = tg.spawn(async { Err::<(), _>("bad") }).unwrap();
        let refused = tg.spawn(async { Ok(()) }).is_err();
        (refused, tg.join().await.unwrap_err().failures.len())
    });
    assert_eq!(out.result.unwrap(), (true, 1));
}

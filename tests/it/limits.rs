//! Safety nets: step and time limits, wakers from other threads or after the run, nesting.

use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

use simloop::{RunError, Sim, sleep, spawn, yield_now};

#[test]
fn step_limit_stops_a_livelock() {
    let out = Sim::new().max_steps(1_000).run(async {
        spawn(async {
            loop {
                yield_now().await;
            }
        })
        .await
    });
    assert_eq!(
        out.result.unwrap_err(),
        RunError::StepLimit { steps: 1_000 }
    );
    assert_eq!(out.stats.steps, 1_000);
}

/// The step budget grows with the tasks a run spawns (issue 18: the fixed default of ten
/// million steps failed a legitimate run of a million tasks that sleep ten times each).
#[test]
fn step_budget_grows_with_the_tasks_spawned() {
    let program = || async {
        let handles: Vec<_> = (0..200)
            .map(|_| {
                spawn(async {
                    for _ in 0..10 {
                        sleep(Duration::from_millis(1)).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    };
    // About 22 steps per task: past the base of 1,000, within 1,000 + 50 per task.
    let out = Sim::new().step_budget(1_000, 50).run(program());
    assert!(out.result.is_ok(), "{:?}", out.result);
    assert!(out.stats.steps > 1_000);
    let out = Sim::new().max_steps(1_000).run(program());
    let err = out.result.unwrap_err();
    assert_eq!(err, RunError::StepLimit { steps: 1_000 });
    // The message says how to raise it.
    assert!(err.to_string().contains("Sim::step_budget"), "{err}");
}

#[test]
fn time_limit_stops_a_runaway_timer_loop() {
    let out = Sim::new().max_time(Duration::from_secs(10)).run(async {
        loop {
            sleep(Duration::from_secs(3)).await;
        }
    });
    assert!(matches!(out.result, Err(RunError::TimeLimit { .. })));
    assert_eq!(out.elapsed, Duration::from_secs(9));
    assert!(
        out.result
            .unwrap_err()
            .to_string()
            .contains("Sim::max_time")
    );
}

/// A future that hands its waker out and completes once it is woken.
fn waker_escape(slot: Arc<Mutex<Option<Waker>>>) -> impl std::future::Future<Output = ()> {
    let mut polled = false;
    futures::future::poll_fn(move |cx| {
        if polled {
            return Poll::Ready(());
        }
        polled = true;
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

#[test]
fn a_wake_from_another_thread_is_ignored() {
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let s2 = slot.clone();
    let out = Sim::new().run(async move {
        let h = spawn(waker_escape(s2.clone()));
        yield_now().await;
        let waker = s2.lock().unwrap().take().unwrap();
        std::thread::spawn(move || waker.wake()).join().unwrap();
        h.await
    });
    // The foreign wake was dropped, so the child never completes: a deadlock, not corruption.
    assert!(
        matches!(out.result, Err(RunError::Deadlock(_))),
        "{:?}",
        out.result
    );
}

#[test]
fn a_wake_after_the_run_ended_is_ignored() {
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let s2 = slot.clone();
    let first = Sim::new().run(async move {
        drop(spawn(waker_escape(s2)));
        yield_now().await;
    });
    first.result.unwrap();
    let waker = slot.lock().unwrap().take().unwrap();
    waker.wake_by_ref(); // no run: nothing happens
    // Nor does it disturb a later run on the same thread.
    let second = Sim::new().run(async move {
        waker.wake_by_ref();
        spawn(async { 1 }).await.unwrap()
    });
    assert_eq!(second.result.unwrap(), 1);
    assert_eq!(second.stats.wakes, 1, "only the join wake of main");
}

#[test]
fn runs_do_not_nest_on_one_thread() {
    let out = Sim::new().run(async {
        std::panic::catch_unwind(|| Sim::new().run(async {}).result.is_ok()).is_err()
    });
    assert!(out.result.unwrap(), "a nested run must panic");
}

#[test]
fn primitives_outside_a_run_panic_with_a_clear_message() {
    let err = std::panic::catch_unwind(simloop::now).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("`now` was used outside a simulation"), "{msg}");
}

#[test]
fn runs_on_separate_threads_are_independent() {
    let run = || {
        Sim::new()
            .run(async {
                sleep(Duration::from_secs(1)).await;
                spawn(async { 2 }).await.unwrap()
            })
            .trace
            .render()
    };
    let threads: Vec<_> = (0..4).map(|_| std::thread::spawn(run)).collect();
    let here = run();
    for t in threads {
        assert_eq!(t.join().unwrap(), here);
    }
}

/// Issue 20: work inside one poll was invisible to the step limit. Spent with
/// `task::spend_steps`, it stops the run before the clock moves or a deadlock is declared.
#[test]
fn work_spent_inside_a_poll_stops_the_run_at_the_step_limit() {
    let out = Sim::new().max_steps(10_000).run(async {
        let _sleeper = spawn(async {
            sleep(Duration::from_secs(5)).await;
        });
        let mut spins = 0u64;
        while simloop::task::spend_steps(1).is_ok() {
            spins += 1;
        }
        assert!(spins < 10_000);
        std::future::pending::<()>().await;
    });
    assert_eq!(
        out.result.unwrap_err(),
        RunError::StepLimit { steps: 10_000 }
    );
    assert_eq!(out.elapsed, Duration::ZERO, "the clock did not move");
    assert!(out.stats.steps >= 10_000);
}

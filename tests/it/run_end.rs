//! Why a run ended, as its trace says: the teardown lines (`cancel delivered (<why>)`, the
//! cancellations of the tasks a stopped run leaves) name the reason the run stopped.
//!
//! Regression: every teardown line said `(main ended)`, also after a deadlock or a limit had
//! stopped the run with its main task still waiting, which misled the trace's reader.

use std::future::pending;
use std::time::Duration;

use simloop::trace::{EventKind, RunEnd};
use simloop::{Outcome, PanicOutput, RunError, Sim, sleep, spawn, task, yield_now};

/// The run's teardown lines, rendered.
fn teardown<T>(out: &Outcome<T>) -> Vec<String> {
    out.trace
        .render()
        .lines()
        .filter(|l| l.contains(" cancel delivered ("))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_deadlock_labels_the_teardown_deadlock() {
    let out = Sim::new().run(async {
        let _left = spawn(pending::<()>());
        pending::<()>().await
    });
    assert!(matches!(out.result, Err(RunError::Deadlock(_))));
    assert_eq!(out.trace.run_end(), Some(RunEnd::Deadlock));
    assert_eq!(
        teardown(&out),
        [
            "t=0 #1 main cancel delivered (deadlock)",
            "t=0 #2 cancel delivered (deadlock)"
        ]
    );
}

#[test]
fn a_step_limit_labels_the_teardown_step_limit() {
    let out = Sim::new().max_steps(50).run(async {
        spawn(async {
            loop {
                yield_now().await;
            }
        })
        .await
    });
    assert_eq!(
        out.result.as_ref().unwrap_err(),
        &RunError::StepLimit { steps: 50 }
    );
    assert_eq!(out.trace.run_end(), Some(RunEnd::StepLimit));
    assert_eq!(
        teardown(&out),
        [
            "t=0 #1 main cancel delivered (step limit)",
            "t=0 #2 cancel delivered (step limit)"
        ]
    );
}

#[test]
fn a_time_limit_labels_the_teardown_time_limit() {
    let out = Sim::new().max_time(Duration::from_secs(1)).run(async {
        let _left = spawn(sleep(Duration::from_secs(5)));
        sleep(Duration::from_millis(500)).await;
        sleep(Duration::from_secs(10)).await;
    });
    assert!(matches!(out.result, Err(RunError::TimeLimit { .. })));
    assert_eq!(out.trace.run_end(), Some(RunEnd::TimeLimit));
    assert_eq!(
        teardown(&out),
        [
            "t=500 #1 main cancel delivered (time limit)",
            "t=500 #2 cancel delivered (time limit)"
        ]
    );
}

#[test]
fn a_main_task_that_panicked_labels_the_teardown_main_panicked() {
    let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
        let _left = spawn(pending::<()>());
        yield_now().await;
        panic!("boom");
    });
    assert!(matches!(out.result, Err(RunError::MainPanicked { .. })));
    assert_eq!(out.trace.run_end(), Some(RunEnd::MainPanicked));
    assert_eq!(teardown(&out), ["t=0 #2 cancel delivered (main panicked)"]);
}

#[test]
fn a_main_task_that_was_cancelled_labels_the_teardown_main_cancelled() {
    let out = Sim::new().run(async {
        let _left = spawn(pending::<()>());
        task::cancel(task::current());
        yield_now().await;
    });
    assert!(matches!(out.result, Err(RunError::MainCancelled { .. })));
    assert_eq!(out.trace.run_end(), Some(RunEnd::MainCancelled));
    assert_eq!(teardown(&out), ["t=0 #2 cancel delivered (main cancelled)"]);
}

/// The label of a run whose main task returned is what it always was.
#[test]
fn a_main_task_that_returned_labels_the_teardown_main_ended() {
    let out = Sim::new().run(async {
        let _left = spawn(pending::<()>());
        yield_now().await;
    });
    out.result.as_ref().unwrap();
    assert_eq!(out.trace.run_end(), Some(RunEnd::MainEnded));
    assert_eq!(teardown(&out), ["t=0 #2 cancel delivered (main ended)"]);
    // The events say which lines are the teardown; the trace says why.
    let at_end = out
        .trace
        .events()
        .iter()
        .filter(|e| e.kind == EventKind::CancelDelivered { at_run_end: true })
        .count();
    assert_eq!(at_end, 1);
}

/// A run's end is part of its trace, and as deterministic as the rest: the same run
/// recorded twice has equal traces.
#[test]
fn the_run_end_is_deterministic_and_part_of_the_trace() {
    let program = |steps| {
        Sim::new().max_steps(steps).run(async {
            let _left = spawn(pending::<()>());
            for _ in 0..3 {
                yield_now().await;
            }
        })
    };
    assert_eq!(program(100).trace, program(100).trace);
    assert_eq!(program(100).trace.run_end(), Some(RunEnd::MainEnded));
    assert_eq!(program(3).trace, program(3).trace);
    assert_eq!(program(3).trace.run_end(), Some(RunEnd::StepLimit));
}

/// A replayed run stops for the same reason as the run it replays, and says so in the same
/// words: its teardown lines and `run_end` equal the recorded run's, under every policy and
/// from a token with its decisions listed or a seed-only one (tracing off).
#[test]
fn a_replayed_run_labels_its_teardown_as_the_recorded_run_did() {
    async fn deadlock() {
        let a = spawn(async { yield_now().await });
        let _left = spawn(pending::<()>());
        a.await.unwrap();
        pending::<()>().await
    }
    async fn busy() {
        let _a = spawn(async {
            loop {
                yield_now().await;
            }
        });
        spawn(async {
            loop {
                yield_now().await;
            }
        })
        .await
        .unwrap()
    }
    async fn slow() {
        let _left = spawn(sleep(Duration::from_secs(5)));
        let _b = spawn(async { yield_now().await });
        sleep(Duration::from_millis(500)).await;
        sleep(Duration::from_secs(10)).await;
    }
    async fn panics() {
        let _left = spawn(pending::<()>());
        let _b = spawn(async { yield_now().await });
        yield_now().await;
        panic!("boom");
    }
    type Program = fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;
    let cases: [(RunEnd, Sim, Program); 4] = [
        (RunEnd::Deadlock, Sim::new(), || Box::pin(deadlock())),
        (RunEnd::StepLimit, Sim::new().max_steps(40), || {
            Box::pin(busy())
        }),
        (
            RunEnd::TimeLimit,
            Sim::new().max_time(Duration::from_secs(1)),
            || Box::pin(slow()),
        ),
        (RunEnd::MainPanicked, Sim::new(), || Box::pin(panics())),
    ];
    let policies = [
        simloop::Policy::Fifo,
        simloop::Policy::Random,
        simloop::Policy::Pct { depth: 3 },
    ];
    for (end, sim, program) in cases {
        let sim = sim.panic_output(PanicOutput::Quiet);
        for policy in policies {
            for seed in 0..4 {
                let sim = sim.clone().policy(policy).seed(seed);
                let recorded = sim.clone().run(program());
                assert_eq!(
                    recorded.trace.run_end(),
                    Some(end),
                    "{policy:?} seed {seed}"
                );
                let lines = teardown(&recorded);
                assert!(!lines.is_empty(), "{end:?}: tasks are left to cancel");
                assert!(lines.iter().all(|l| l.ends_with(&format!("({end})"))));
                // With the decisions listed (tracing on) and from the seed alone.
                let quiet = sim.clone().trace(simloop::TraceLevel::Off).run(program());
                for token in [&recorded.token, &quiet.token] {
                    let replayed = sim.clone().replay(token).run(program());
                    assert_eq!(
                        replayed.trace.run_end(),
                        Some(end),
                        "{end:?} {policy:?} seed {seed} token {token}: {:?}",
                        replayed.result.as_ref().err()
                    );
                    assert_eq!(teardown(&replayed), lines, "{policy:?} seed {seed}");
                    assert_eq!(
                        replayed.result.as_ref().err().map(ToString::to_string),
                        recorded.result.as_ref().err().map(ToString::to_string),
                    );
                }
            }
        }
    }
}

/// Main's end stops the run once the pass it runs in is spent, as asyncio's `loop.stop()`
/// (case 706): the `call_later(0)` callbacks armed in main's last step fire at the start of
/// the stop's pass, behind it, and run under every policy. They run oldest first, with no
/// decision: a Random or PCT run decides only until it picks the stop (at most one pick per
/// callback before it), so its tokens record what they recorded before, and replay.
#[test]
fn the_pass_main_ends_in_runs_to_its_end_with_no_decision() {
    let program = || async {
        for i in 0..3 {
            task::call_later(Duration::ZERO, move || simloop::log!("behind the stop {i}"));
        }
    };
    for policy in [
        simloop::Policy::Fifo,
        simloop::Policy::Random,
        simloop::Policy::Pct { depth: 3 },
    ] {
        for seed in 0..16 {
            let out = Sim::new().policy(policy).seed(seed).run(program());
            assert!(out.result.is_ok());
            let logs = out.trace.logs();
            for i in 0..3 {
                assert!(
                    logs.contains(&format!("behind the stop {i}")),
                    "{policy} {seed}: {logs}"
                );
            }
            assert!(out.stats.decisions <= 3, "{policy} {seed}");
            assert_eq!(out.trace.run_end(), Some(RunEnd::MainEnded));
            let again = Sim::new().replay(&out.token).run(program());
            assert_eq!(again.trace, out.trace, "{policy} seed {seed}");
        }
    }
    let fifo = Sim::new().run(program());
    assert_eq!(
        fifo.trace.logs(),
        "t=0 behind the stop 0\nt=0 behind the stop 1\nt=0 behind the stop 2\n"
    );
}

//! wait_for / timeout / timeout_at / timeout_scope: expiry cancels the inner work, zero never
//! starts it, reschedule moves the deadline, ties and nesting follow asyncio.

use std::collections::BTreeSet;
use std::time::Duration;

use simloop::{
    Instant, Policy, Sim, log, now, sleep, spawn_named, timeout, timeout_at, timeout_scope,
    wait_for, yield_now,
};

use crate::util::OnDrop;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn at(n: u64) -> Instant {
    Instant::ZERO + ms(n)
}

#[test]
fn inner_work_that_finishes_first_returns_its_value_and_disarms_the_timer() {
    let out = Sim::new().run(async {
        timeout(ms(100), async {
            sleep(ms(40)).await;
            7
        })
        .await
    });
    assert_eq!(out.result.unwrap(), Ok(7));
    assert_eq!(
        out.elapsed,
        ms(40),
        "the disarmed timer must not hold the clock"
    );
}

#[test]
fn expiry_drops_the_inner_work_at_the_deadline() {
    let out = Sim::new().run(async {
        let r = wait_for(ms(100), async {
            let g = OnDrop::new("inner dropped");
            sleep(ms(500)).await;
            g.disarm();
        })
        .await;
        log!("elapsed: {}", r.unwrap_err());
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=100 inner dropped\nt=100 elapsed: deadline has elapsed\n"
    );
}

#[test]
fn a_zero_timeout_never_starts_the_inner_work() {
    let out = Sim::new().run(async {
        let t = wait_for(Duration::ZERO, async { log!("started") });
        let h = t.handle();
        let r = t.await;
        (r.is_err(), h.expired())
    });
    assert_eq!(out.result.unwrap(), (true, true));
    assert_eq!(out.trace.logs(), "");
}

/// asyncio's `async with timeout_at(past):` runs the body until it suspends (the expiry is
/// only queued): a body that finishes without suspending is not timed out; one that
/// suspends is (CPython 3.11-3.13 agree).
#[test]
fn timeout_at_a_past_instant_runs_the_body_until_it_suspends() {
    let out = Sim::new().run(async {
        sleep(ms(10)).await;
        let quick = timeout_at(at(5), async { log!("started") }).await;
        let slow = timeout_at(at(5), async {
            log!("started again");
            yield_now().await;
            log!("never: the expiry came first");
        })
        .await;
        (quick.is_ok(), slow.is_err())
    });
    assert_eq!(out.result.unwrap(), (true, true));
    assert_eq!(out.trace.logs(), "t=10 started\nt=10 started again\n");
}

#[test]
fn reschedule_later_earlier_into_the_past_and_to_none() {
    // Later: the work (300 ms) fits in the extended deadline.
    let later = Sim::new().run(async {
        timeout_scope(Some(at(100)), |cm| async move {
            cm.reschedule(Some(at(400))).unwrap();
            sleep(ms(300)).await;
            now()
        })
        .await
    });
    assert_eq!(later.result.unwrap(), Ok(at(300)));

    // Earlier: the deadline moves from 1 s to 50 ms.
    let earlier = Sim::new().run(async {
        let r = timeout_scope(Some(at(1000)), |cm| async move {
            cm.reschedule(Some(at(50))).unwrap();
            sleep(ms(300)).await;
        })
        .await;
        (r.is_err(), now())
    });
    assert_eq!(earlier.result.unwrap(), (true, at(50)));

    // Into the past: fires on the next pass, so a busy body gets no further than its yield.
    let past = Sim::new().run(async {
        timeout_scope(Some(at(1000)), |cm| async move {
            sleep(ms(20)).await;
            log!("rescheduling into the past");
            cm.reschedule(Some(at(10))).unwrap();
            yield_now().await;
            log!("unreachable");
        })
        .await
        .is_err()
    });
    assert!(past.result.unwrap());
    assert_eq!(past.trace.logs(), "t=20 rescheduling into the past\n");

    // None: no deadline any more.
    let none = Sim::new().run(async {
        timeout_scope(Some(at(10)), |cm| async move {
            cm.reschedule(None).unwrap();
            sleep(ms(60)).await;
            cm.deadline()
        })
        .await
    });
    assert_eq!(none.result.unwrap(), Ok(None));
}

/// A deadline a handle sets before the first poll is the one the timeout starts with, and
/// `deadline()` reports none until then (round 12 keeps it in the field the started
/// timeout's deadline uses).
#[test]
fn a_deadline_rescheduled_before_the_start_is_the_one_armed() {
    let out = Sim::new().run(async {
        sleep(ms(20)).await;
        let t = timeout(ms(1000), sleep(ms(500)));
        let h = t.handle();
        h.reschedule(Some(at(300))).unwrap();
        let before = h.deadline();
        let r = t.await;
        (before, h.deadline(), r.is_err(), h.expired(), now())
    });
    assert_eq!(
        out.result.unwrap(),
        (None, Some(at(300)), true, true, at(300))
    );
}

#[test]
fn reschedule_after_expiry_is_an_error() {
    let out = Sim::new().run(async {
        let t = timeout(ms(5), sleep(ms(10)));
        let h = t.handle();
        let _ = t.await;
        (h.expired(), h.reschedule(Some(at(100))).is_err())
    });
    assert_eq!(out.result.unwrap(), (true, true));
}

/// asyncio: the timeout's callback cancels the task; a task woken with a value loses it.
/// Under FIFO the timeout wins a tie, even when the inner timer was armed first.
#[test]
fn under_fifo_the_timeout_wins_an_exact_tie() {
    let armed_first = Sim::new().run(async { timeout(ms(100), sleep(ms(100))).await });
    assert!(armed_first.result.unwrap().is_err());

    let armed_after = Sim::new().run(async {
        timeout_scope(None, |cm| async move {
            futures::future::join(sleep(ms(100)), async {
                // The inner sleep's timer is armed; now arm the timeout at the same instant.
                cm.reschedule(Some(at(100))).unwrap();
            })
            .await;
        })
        .await
    });
    assert!(armed_after.result.unwrap().is_err());
}

/// Under the random policy, the tie is explored: the task's step may be picked before the
/// expiry's ready-queue entry (the inner work wins) or after it (the expiry wins, asyncio's
/// order); both outcomes occur, and the replay token reproduces each.
#[test]
fn under_random_the_tie_is_a_recorded_choice() {
    let program = || async {
        let r = timeout_scope(None, |cm| async move {
            futures::future::join(sleep(ms(100)), async {
                cm.reschedule(Some(at(100))).unwrap();
            })
            .await;
        })
        .await;
        r.is_ok()
    };
    let mut seen = BTreeSet::new();
    for seed in 0..40 {
        let out = Sim::new().seed(seed).policy(Policy::Random).run(program());
        let won = out.result.unwrap();
        seen.insert(won);
        let again = Sim::new().replay(&out.token).run(program());
        assert_eq!(again.result.unwrap(), won, "seed {seed}: replay differs");
        assert_eq!(again.trace.render(), out.trace.render());
    }
    assert_eq!(seen, BTreeSet::from([false, true]));
}

#[test]
fn nested_timeouts_expiring_together_the_outer_one_reports() {
    let out = Sim::new().run(async { timeout(ms(100), timeout(ms(100), sleep(ms(500)))).await });
    // `Err` from the outer timeout, not `Ok(Err(..))` from the inner one.
    assert!(out.result.unwrap().is_err());

    let inner_first =
        Sim::new().run(async { timeout(ms(200), timeout(ms(100), sleep(ms(500)))).await });
    assert!(matches!(inner_first.result.unwrap(), Ok(Err(_))));
}

#[test]
fn cancelling_the_task_drops_the_timeout_and_its_timer() {
    let out = Sim::new().run(async {
        let h = spawn_named("worker", async {
            let _ = timeout(ms(1000), sleep(ms(5000))).await;
            log!("unreachable");
        });
        sleep(ms(10)).await;
        h.cancel();
        h.await.unwrap_err().is_cancelled()
    });
    assert!(out.result.unwrap());
    assert_eq!(out.elapsed, ms(10));
}

/// A timer wake costs two ready-queue slots; timeout expiry likewise (the timer's callback,
/// then the task).
#[test]
fn timeout_expiry_trace() {
    let out = Sim::new().run(async {
        let _ = timeout(ms(100), sleep(ms(300))).await;
    });
    insta::assert_snapshot!(out.trace.render());
}

/// Regression (issue 18): a timeout armed its deadline outside `Core::arm_timer`, so
/// `Sim::timer_jitter` moved sleeps but never timeouts. Both now take one timer path.
#[test]
fn timer_jitter_moves_timeouts_like_sleeps() {
    use simloop::Policy;
    let ends = |timed: bool| -> BTreeSet<u128> {
        (0..40)
            .map(|seed| {
                let sim = Sim::new()
                    .policy(Policy::Random)
                    .seed(seed)
                    .timer_jitter(ms(40));
                let out = sim.run(async move {
                    if timed {
                        let r = timeout(ms(100), sleep(ms(1_000))).await;
                        assert!(r.is_err());
                    } else {
                        sleep(ms(100)).await;
                    }
                });
                out.elapsed.as_millis()
            })
            .collect()
    };
    for timed in [false, true] {
        let ends = ends(timed);
        assert!(ends.len() > 1, "timed={timed}: no jitter: {ends:?}");
        assert!(
            ends.iter().all(|&e| (100..=140).contains(&e)),
            "timed={timed}: {ends:?}"
        );
    }
}

/// wait_for_task with a zero timeout: a finished task's result at once, without yielding
/// (a task queued before does not run first); a running task cancelled and waited for.
#[test]
fn wait_for_task_at_zero_returns_a_finished_result_or_cancels() {
    let out = Sim::new().run(async {
        let mut done = simloop::spawn(async { 3 });
        yield_now().await;
        let _other = simloop::spawn(async { log!("other runs") });
        let r = simloop::wait_for_task(Duration::ZERO, &mut done).await;
        log!("finished: {:?}", r.map(Result::unwrap));
        let mut running = simloop::spawn(async {
            let g = OnDrop::new("running cancelled");
            sleep(ms(10)).await;
            g.disarm();
        });
        let r = simloop::wait_for_task(Duration::ZERO, &mut running).await;
        log!(
            "running: elapsed={} cancelled={}",
            r.is_err(),
            running.cancelled()
        );
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=0 finished: Ok(3)\nt=0 other runs\nt=0 running cancelled\nt=0 running: elapsed=true cancelled=true\n"
    );
}

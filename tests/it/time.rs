//! The virtual clock: sleeps, ordering of timers, passes.

use std::time::Duration;

use simloop::{Instant, Sim, log, now, sleep, sleep_until, spawn, yield_now};

#[test]
fn clock_jumps_to_the_next_deadline() {
    let out = Sim::new().run(async {
        sleep(Duration::from_secs(3600)).await;
        now()
    });
    assert_eq!(
        out.result.unwrap(),
        Instant::ZERO + Duration::from_secs(3600)
    );
    assert_eq!(out.elapsed, Duration::from_secs(3600));
}

#[test]
fn equal_deadlines_fire_in_arming_order_under_fifo() {
    let out = Sim::new().run(async {
        let hs: Vec<_> = (0..5)
            .map(|i| {
                spawn(async move {
                    sleep(Duration::from_millis(10)).await;
                    log!("woke {i}");
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    });
    let expected: String = (0..5).map(|i| format!("t=10 woke {i}\n")).collect();
    assert_eq!(out.trace.logs(), expected);
}

#[test]
fn timer_wake_costs_two_slots_and_yield_one() {
    // t=0: A sleeps 0-length (yield, 1 slot); B arms a 1 ms timer. At t=1 ms the timer's
    // callback and then B run; a task woken by a yield in the same pass runs first.
    let out = Sim::new().run(async {
        let b = spawn(async {
            sleep(Duration::from_millis(1)).await;
            log!("B woke");
            yield_now().await;
            log!("B after yield");
        });
        let c = spawn(async {
            sleep(Duration::from_millis(1)).await;
            log!("C woke");
        });
        b.await.unwrap();
        c.await.unwrap();
    });
    assert_eq!(
        out.trace.logs(),
        "t=1 B woke\nt=1 C woke\nt=1 B after yield\n"
    );
}

#[test]
fn sleep_until_in_the_past_yields_once() {
    let out = Sim::new().run(async {
        let other = spawn(async { log!("other ran") });
        sleep_until(Instant::ZERO).await;
        log!("main after past deadline");
        other.await.unwrap();
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 other ran\nt=0 main after past deadline\n"
    );
    assert_eq!(out.stats.timers, 0);
}

#[test]
fn sub_millisecond_times_render_like_python() {
    let out = Sim::new().run(async {
        sleep(Duration::from_micros(1500)).await;
        log!("a");
        sleep(Duration::from_nanos(250_000)).await;
        log!("b");
    });
    assert_eq!(out.trace.logs(), "t=1.5 a\nt=1.75 b\n");
}

#[test]
fn dropped_sleep_disarms_its_timer() {
    let out = Sim::new().run(async {
        let mut s = Box::pin(sleep(Duration::from_secs(100)));
        // Poll once so the timer is armed, then drop it.
        futures::future::poll_fn(|cx| {
            let _ = s.as_mut().poll(cx);
            std::task::Poll::Ready(())
        })
        .await;
        drop(s);
        sleep(Duration::from_secs(1)).await;
    });
    out.result.unwrap();
    assert_eq!(out.elapsed, Duration::from_secs(1));
}

use std::future::Future as _;

#[test]
fn seeded_program_randomness_is_policy_independent() {
    let draw = |policy| {
        Sim::new()
            .seed(99)
            .policy(policy)
            .run(async {
                let a = spawn(async { simloop::rng::random_range(0..1_000_000u32) });
                let b = spawn(async { yield_now().await });
                b.await.unwrap();
                a.await.unwrap()
            })
            .result
            .unwrap()
    };
    assert_eq!(draw(simloop::Policy::Fifo), draw(simloop::Policy::Fifo));
    assert_eq!(draw(simloop::Policy::Fifo), draw(simloop::Policy::Random));
    let other_seed = Sim::new()
        .seed(100)
        .run(async { simloop::rng::random_range(0..1_000_000u32) });
    assert_ne!(other_seed.result.unwrap(), draw(simloop::Policy::Fifo));
}

/// A sleep armed by one task and finished by another wakes the task that polls it last:
/// the timer keeps the new waker (not the arming task's own).
#[test]
fn a_sleep_handed_to_another_task_wakes_that_task() {
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::Poll;

    type Shared = Rc<RefCell<Option<Pin<Box<simloop::Sleep>>>>>;
    let out = Sim::new().run(async {
        let shared: Shared = Rc::new(RefCell::new(None));
        let arming = {
            let shared = shared.clone();
            spawn(async move {
                let mut s = Box::pin(sleep(Duration::from_millis(50)));
                // Arm it with this task's waker, then hand it over unfinished.
                std::future::poll_fn(|cx| {
                    assert!(s.as_mut().poll(cx).is_pending());
                    Poll::Ready(())
                })
                .await;
                *shared.borrow_mut() = Some(s);
            })
        };
        arming.await.unwrap();
        let finishing = spawn(async move {
            let s = shared.borrow_mut().take().unwrap();
            s.await;
            log!("woke");
            now()
        });
        finishing.await.unwrap()
    });
    assert_eq!(
        out.result.unwrap(),
        Instant::ZERO + Duration::from_millis(50)
    );
    assert_eq!(out.trace.logs(), "t=50 woke\n");
}

/// Sleeps dropped while armed in a run with more timers than the small deque holds (their
/// deadlines in the radix heap, with no slab entry): the clock never stops at a dropped
/// sleep's deadline, and the live ones still fire in deadline order.
#[test]
fn dropped_sleeps_among_many_timers_leave_no_clock_stop() {
    let out = Sim::new().run(async {
        let handles: Vec<_> = (0..40u64)
            .map(|i| {
                spawn(async move {
                    if i % 2 == 0 {
                        // Dropped at 10 ms, before its deadline (20-58 ms).
                        let r = simloop::timeout(
                            Duration::from_millis(10),
                            sleep(Duration::from_millis(20 + i)),
                        )
                        .await;
                        assert!(r.is_err());
                    } else {
                        sleep(Duration::from_millis(100 - i)).await;
                        log!("{i}");
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    out.result.unwrap();
    assert_eq!(out.elapsed, Duration::from_millis(99));
    let logs = out.trace.logs();
    let logged: Vec<&str> = logs.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    let order: Vec<String> = (1..40)
        .rev()
        .step_by(2)
        .map(|i: u64| i.to_string())
        .collect();
    assert_eq!(logged, order);
    // The clock stopped at the timeouts (10 ms) and at each live deadline (61-99 ms) only.
    let stops: Vec<Instant> = out
        .trace
        .events()
        .iter()
        .filter(|e| matches!(e.kind, simloop::trace::EventKind::ClockAdvanced))
        .map(|e| e.time)
        .collect();
    let expected: Vec<Instant> = std::iter::once(10)
        .chain((61..100).step_by(2))
        .map(|ms| Instant::ZERO + Duration::from_millis(ms))
        .collect();
    assert_eq!(stops, expected);
}

/// A sleep armed in one run and awaited in a later one (on the same thread, whose core is
/// reused) finishes at once: its timer belonged to the ended run. Regression: a sleep with
/// no slab entry compared its deadline with the new run's clock and waited forever.
#[test]
#[allow(clippy::async_yields_async)] // The first run hands its armed sleep out, unfinished.
fn a_sleep_armed_in_an_ended_run_finishes_at_once_in_the_next() {
    use std::future::Future;
    use std::task::Poll;

    let out = Sim::new().run(async {
        let mut s = Box::pin(sleep(Duration::from_secs(100)));
        std::future::poll_fn(|cx| {
            assert!(s.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        s
    });
    let s = out.result.unwrap();
    let out = Sim::new().run(async move {
        s.await;
        now()
    });
    assert_eq!(out.result.unwrap(), Instant::ZERO);
}

/// A pass that begins after the clock advanced and fires only sleeps on their tasks' own
/// wakers queues the tasks without their wake-up hops (`Core::hops_to_polls`): FIFO's steps still
/// count the hops' slots, and under Random the tasks are the only entries to pick from.
#[test]
fn own_wake_ups_after_the_clock_moved_take_no_entries() {
    let program = || async {
        for _ in 0..3 {
            drop(spawn(sleep(Duration::from_millis(1))));
        }
        sleep(Duration::from_millis(2)).await;
    };
    // The main task, three first polls; at 1 ms three hops' slots and three polls; at 2 ms
    // the main task's hop and poll; the stop.
    assert_eq!(Sim::new().run(program()).stats.steps, 13);
    for seed in 0..20 {
        let out = Sim::new()
            .policy(simloop::Policy::Random)
            .seed(seed)
            .run(program());
        assert_eq!(out.stats.steps, 13, "seed {seed}");
        // Two picks among the first polls and two among the polls at 1 ms; with the three
        // hops as entries there were at least five at 1 ms.
        assert_eq!(out.stats.decisions, 4, "seed {seed}");
    }
}

/// A wake-up of a task that ended (its sleep outlived it) readies nothing: it keeps its hop
/// (only hops that each queue their task are turned into polls), the clock moves on to
/// the next deadline, and the idle hook is called again first.
#[test]
fn a_wake_up_that_readies_nothing_lets_the_clock_move_on() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let idle = Arc::new(AtomicUsize::new(0));
    let calls = idle.clone();
    let out = Sim::new()
        .on_idle(move || {
            calls.fetch_add(1, Ordering::Relaxed);
            false
        })
        .run(async {
            let nap = spawn(async {
                let mut nap = Box::pin(sleep(Duration::from_millis(1)));
                // Armed on this task's own waker, then handed out as the task ends.
                assert!(futures::poll!(nap.as_mut()).is_pending());
                Some(nap)
            })
            .await
            .unwrap()
            .unwrap();
            sleep(Duration::from_millis(5)).await;
            (nap.deadline(), now())
        });
    let at = |ms| Some(Instant::ZERO + Duration::from_millis(ms));
    assert_eq!(out.result.unwrap(), (at(1), at(5).unwrap()));
    // Idle before the clock moves to 1 ms and again before it moves to 5 ms.
    assert_eq!(idle.load(Ordering::Relaxed), 2);
    // main, the task, main (joins, sleeps), the idle call, the wake-up's slot at 1 ms, the
    // idle call, main's hop and poll at 5 ms, the stop.
    assert_eq!(out.stats.steps, 9);
}

//! Runs with tens of thousands of ready tasks under the random policy, where the engine
//! reads the coming picks ahead (`runtime/read_ahead.rs`) and hands the ready queue the
//! positions it predicted: a wrong prediction must never change which entry a pick takes.

use std::time::Duration;

use simloop::{Policy, Sim, log, sleep, spawn, yield_now};

/// 40,000 tasks (above the read-ahead's threshold) that yield, end at different times, spawn
/// and sleep, so that the number of ready entries keeps its trend for a while and then
/// breaks it, over and over.
async fn crowd() -> u64 {
    crowd_of(40_000).await
}

/// [`crowd`] with `n` tasks.
async fn crowd_of(n: u64) -> u64 {
    let handles: Vec<_> = (0..n)
        .map(|i| {
            spawn(async move {
                for k in 0..(i % 5) {
                    yield_now().await;
                    if (i + k) % 997 == 0 {
                        log!("task {i} step {k}");
                        spawn(async move { yield_now().await }).await.unwrap();
                    }
                    if (i + k) % 1499 == 0 {
                        sleep(Duration::from_millis(1 + i % 3)).await;
                    }
                }
                i
            })
        })
        .collect();
    let mut sum = 0;
    for h in handles {
        sum += h.await.unwrap();
    }
    sum
}

/// A recorded random run replayed by its decisions (the replay strategy reads nothing ahead)
/// gives the same trace: every pick of the first run took the entry its index named.
#[test]
fn reading_picks_ahead_never_changes_what_a_pick_takes() {
    for seed in [1, 2] {
        let first = Sim::new().policy(Policy::Random).seed(seed).run(crowd());
        assert_eq!(first.result.as_ref().ok(), Some(&(40_000 * 39_999 / 2)));
        assert!(first.token.decisions().len() > 100_000);
        let again = Sim::new().replay(&first.token).run(crowd());
        assert!(again.result.is_ok(), "{:?}", again.result);
        assert!(
            first.trace == again.trace,
            "seed {seed}: the replay differs"
        );
    }
}

/// The same with 70,000 tasks, above the size (65,536 ready entries) from which the
/// engine reads twelve picks ahead instead of eight, and below it again as they end: the
/// ring is predicted afresh at each change of depth.
#[test]
fn reading_picks_ahead_deeper_never_changes_what_a_pick_takes() {
    let first = Sim::new()
        .policy(Policy::Random)
        .seed(4)
        .run(crowd_of(70_000));
    assert_eq!(first.result.as_ref().ok(), Some(&(70_000 * 69_999 / 2)));
    let again = Sim::new().replay(&first.token).run(crowd_of(70_000));
    assert!(again.result.is_ok(), "{:?}", again.result);
    assert!(first.trace == again.trace, "the replay differs");
}

/// The same under PCT, where the engine prefetches the task the strategy expects next (the
/// best one left after each pick): a replay by decisions gives the same trace.
#[test]
fn prefetching_pcts_next_task_never_changes_what_a_pick_takes() {
    let first = Sim::new()
        .policy(Policy::Pct { depth: 3 })
        .seed(3)
        .run(crowd());
    assert_eq!(first.result.as_ref().ok(), Some(&(40_000 * 39_999 / 2)));
    let again = Sim::new().replay(&first.token).run(crowd());
    assert!(again.result.is_ok(), "{:?}", again.result);
    assert!(first.trace == again.trace, "the replay differs");
}

/// More timers than the engine gathers at once (256), in a run big enough for it to read
/// their tasks ahead (32,768 task slots), fall due at one instant: they still wake their
/// tasks in arming order, as asyncio's timer heap does.
#[test]
fn forty_thousand_timers_due_at_once_fire_in_arming_order() {
    let out = Sim::new().run(async {
        let hs: Vec<_> = (0..40_000u32)
            .map(|i| {
                spawn(async move {
                    sleep(Duration::from_millis(5)).await;
                    log!("{i}");
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    });
    assert!(out.result.is_ok());
    assert_eq!(out.elapsed, Duration::from_millis(5));
    let order: Vec<u32> = out
        .trace
        .logs()
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(order, (0..40_000).collect::<Vec<_>>());
}

//! The workloads on simloop.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::Queue;
use simloop::{Policy, Semaphore, Sim, TraceLevel, gather, sleep, spawn, timeout, yield_now};

use crate::inputs::*;

/// How a simloop case is configured: the policy and the trace level.
#[derive(Clone, Copy)]
pub struct Mode {
    pub policy: Policy,
    pub trace: TraceLevel,
    /// Run with `Sim::new()` as it is (the policy and trace level above are its defaults).
    pub defaults: bool,
}

/// The goal configuration: Random policy, cheapest trace.
pub const FAST: Mode = Mode {
    policy: Policy::Random,
    trace: TraceLevel::Off,
    defaults: false,
};
/// Random policy with every event recorded.
pub const FULL_TRACE: Mode = Mode {
    policy: Policy::Random,
    trace: TraceLevel::Full,
    defaults: false,
};
/// asyncio's order, cheapest trace.
pub const FIFO: Mode = Mode {
    policy: Policy::Fifo,
    trace: TraceLevel::Off,
    defaults: false,
};
/// What a user gets without configuring anything: `Sim::new()`.
pub const DEFAULTS: Mode = Mode {
    policy: Policy::Fifo,
    trace: TraceLevel::Full,
    defaults: true,
};

fn sim(mode: Mode, seed: u64) -> Sim {
    if mode.defaults {
        return Sim::new();
    }
    Sim::new().seed(seed).policy(mode.policy).trace(mode.trace)
}

/// W1: 10,000 tasks each sleep ten seeded lengths; the run lasts as long as the longest.
pub fn w1(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        let handles: Vec<_> = (0..W1_TASKS)
            .map(|t| {
                spawn(async move {
                    let mut total = 0;
                    for k in 0..W1_SLEEPS {
                        let ms = w1_sleep_ms(t, k);
                        sleep(Duration::from_millis(ms)).await;
                        total += ms;
                    }
                    total
                })
            })
            .collect();
        let mut longest = 0;
        for h in handles {
            longest = longest.max(h.await.expect("W1 task"));
        }
        longest
    });
    let longest = out.result.expect("W1 run");
    assert_eq!(out.elapsed, Duration::from_millis(longest));
    assert_eq!(out.stats.timers, W1_TASKS * W1_SLEEPS);
}

/// W3: 1,000 rounds of gathering 100 tasks that yield ten times and return their index;
/// the results come back in argument order.
pub fn w3(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        for _ in 0..W3_ROUNDS {
            let results = gather((0..W3_FANOUT).map(|i| async move {
                for _ in 0..W3_YIELDS {
                    yield_now().await;
                }
                i
            }))
            .await
            .expect("W3 gather");
            assert!(results.iter().enumerate().all(|(i, &v)| i == v), "W3 order");
        }
    });
    out.result.expect("W3 run");
    assert!(out.stats.polls >= W3_POLLS);
}

/// W3 without `gather`: the same tasks spawned and their handles awaited in order (what the
/// tokio peer does).
pub fn w3_spawn(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        for _ in 0..W3_ROUNDS {
            let handles: Vec<_> = (0..W3_FANOUT)
                .map(|i| {
                    spawn(async move {
                        for _ in 0..W3_YIELDS {
                            yield_now().await;
                        }
                        i
                    })
                })
                .collect();
            for (i, h) in handles.into_iter().enumerate() {
                assert_eq!(h.await.expect("W3 task"), i);
            }
        }
    });
    out.result.expect("W3 run");
    assert!(out.stats.polls >= W3_POLLS);
}

/// W5: 10,000 fresh runs of a tiny program: three tasks that each sleep, take a permit of
/// Semaphore(1), sleep holding it, and release it.
pub fn w5(mode: Mode, seed: u64) {
    for run in 0..W5_RUNS as u64 {
        let out = sim(mode, seed.wrapping_mul(1_000_003) ^ run).run(crate::w5::simloop_program());
        out.result.expect("W5 run");
        assert_eq!(out.elapsed, Duration::from_millis(4));
    }
}

/// W2: 10,000 tasks each take a permit of Semaphore(10), hold it for a seeded 1..10 ms, and
/// give it back; at most 10 hold one at a time.
pub fn w2(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        let sem = Rc::new(Semaphore::new(W2_PERMITS));
        let holders = Rc::new(Cell::new(0usize));
        let max = Rc::new(Cell::new(0usize));
        let handles: Vec<_> = (0..W2_TASKS)
            .map(|t| {
                let (sem, holders, max) = (sem.clone(), holders.clone(), max.clone());
                spawn(async move {
                    let permit = sem.acquire().await;
                    holders.set(holders.get() + 1);
                    max.set(max.get().max(holders.get()));
                    sleep(Duration::from_millis(w2_hold_ms(t))).await;
                    holders.set(holders.get() - 1);
                    drop(permit);
                })
            })
            .collect();
        for h in handles {
            h.await.expect("W2 task");
        }
        max.get()
    });
    let max = out.result.expect("W2 run");
    assert!(max <= W2_PERMITS && max > 1, "W2: max holders {max}");
}

/// W4: a producer puts 100,000 items into Queue(maxsize 16); 4 workers take them, sleep
/// 1 ms each, and put the result on an unbounded results queue, which the main task reads
/// as results come (as the tokio peer streams them through its channel); every item comes
/// out once.
pub fn w4(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        let work = Rc::new(Queue::<u64>::with_maxsize(W4_CAPACITY));
        let results = Rc::new(Queue::<u64>::new());
        let workers: Vec<_> = (0..W4_WORKERS)
            .map(|_| {
                let (work, results) = (work.clone(), results.clone());
                spawn(async move {
                    while let Ok(item) = work.get().await {
                        sleep(Duration::from_millis(1)).await;
                        results.put_nowait(item * 2).expect("unbounded");
                    }
                })
            })
            .collect();
        let producer = {
            let work = work.clone();
            spawn(async move {
                for i in 0..W4_ITEMS {
                    work.put(i).await.expect("queue open");
                }
            })
        };
        let (mut n, mut sum) = (0u64, 0u64);
        while n < W4_ITEMS {
            sum += results.get().await.expect("results open");
            n += 1;
        }
        producer.await.expect("producer");
        // Every item came back: the workers wait on an empty queue, which ends them.
        work.shutdown(false);
        for w in workers {
            w.await.expect("worker");
        }
        (n, sum)
    });
    let (n, sum) = out.result.expect("W4 run");
    assert_eq!(n, W4_ITEMS);
    assert_eq!(sum, W4_ITEMS * (W4_ITEMS - 1));
}

/// W6: 10,000 tasks each wrap a seeded sleep in a timeout with a seeded deadline (never
/// equal); the expected half expire.
pub fn w6(mode: Mode, seed: u64) {
    let out = sim(mode, seed).run(async {
        let handles: Vec<_> = (0..W6_TASKS)
            .map(|t| {
                spawn(async move {
                    let (s, d) = w6_sleep_and_deadline_ms(t);
                    let r =
                        timeout(Duration::from_millis(d), sleep(Duration::from_millis(s))).await;
                    u64::from(r.is_err())
                })
            })
            .collect();
        let mut expired = 0;
        for h in handles {
            expired += h.await.expect("W6 task");
        }
        expired
    });
    assert_eq!(out.result.expect("W6 run"), w6_expected_expiries());
}

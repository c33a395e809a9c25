//! The workloads on simloop.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use simloop::{Policy, Sim, TraceLevel, sleep, spawn, yield_now};

use crate::inputs::*;

/// How a simloop case is configured: the policy and the trace level.
#[derive(Clone, Copy)]
pub struct Mode {
    pub policy: Policy,
    pub trace: TraceLevel,
}

/// The goal configuration: Random policy, cheapest trace.
pub const FAST: Mode = Mode {
    policy: Policy::Random,
    trace: TraceLevel::Off,
};
/// Random policy with every event recorded.
pub const FULL_TRACE: Mode = Mode {
    policy: Policy::Random,
    trace: TraceLevel::Full,
};
/// asyncio's order, cheapest trace.
pub const FIFO: Mode = Mode {
    policy: Policy::Fifo,
    trace: TraceLevel::Off,
};

fn sim(mode: Mode, seed: u64) -> Sim {
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

/// W3: 1,000 rounds of 100 tasks that yield ten times and return their index, joined in
/// argument order.
pub fn w3(mode: Mode, seed: u64) {
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
    // Task polls plus the main task's.
    assert!(out.stats.polls >= W3_POLLS);
}

/// A stand-in lock for W5 until simloop's Semaphore is merged: a flag and a list of wakers
/// (a spin-yield loop would livelock: the virtual clock only moves when nothing is ready).
/// Not the final W5 (see BENCHMARKS.md).
#[derive(Default)]
struct FlagLock {
    held: Cell<bool>,
    waiters: std::cell::RefCell<std::collections::VecDeque<std::task::Waker>>,
}

impl FlagLock {
    async fn acquire(&self) {
        std::future::poll_fn(|cx| {
            if self.held.replace(true) {
                self.waiters.borrow_mut().push_back(cx.waker().clone());
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await
    }

    fn release(&self) {
        self.held.set(false);
        let next = self.waiters.borrow_mut().pop_front();
        if let Some(w) = next {
            w.wake();
        }
    }
}

/// W5: 10,000 fresh runs of a tiny program: three tasks that each sleep, take the lock,
/// sleep holding it, and release it.
pub fn w5(mode: Mode, seed: u64) {
    for run in 0..W5_RUNS as u64 {
        let out = sim(mode, seed.wrapping_mul(1_000_003) ^ run).run(async {
            let lock = Rc::new(FlagLock::default());
            let holders = Rc::new(Cell::new(0u32));
            let tasks: Vec<_> = (0..3)
                .map(|_| {
                    let (lock, holders) = (lock.clone(), holders.clone());
                    spawn(async move {
                        sleep(Duration::from_millis(1)).await;
                        lock.acquire().await;
                        holders.set(holders.get() + 1);
                        assert_eq!(holders.get(), 1, "W5: two holders");
                        sleep(Duration::from_millis(1)).await;
                        holders.set(holders.get() - 1);
                        lock.release();
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("W5 task");
            }
        });
        out.result.expect("W5 run");
        assert_eq!(out.elapsed, Duration::from_millis(4));
    }
}

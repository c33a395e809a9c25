// The workloads on tokio: a current-thread runtime with the clock paused. Written against
// tokio's API only: simloop-tokio's `tokio_api` bench `include!`s this file twice (so its
// comments are plain ones), once on tokio and once on simloop-tokio.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};
use tokio::time::{Instant, sleep};

use crate::inputs::*;

fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime")
}

pub fn w1() {
    runtime().block_on(async {
        let start = Instant::now();
        let handles: Vec<_> = (0..W1_TASKS)
            .map(|t| {
                tokio::spawn(async move {
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
        // tokio's wheel has 1 ms resolution; the paused clock jumps to each deadline.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(longest));
        assert!(elapsed <= Duration::from_millis(longest + W1_SLEEPS));
    });
}

pub fn w3() {
    runtime().block_on(async {
        for _ in 0..W3_ROUNDS {
            let handles: Vec<_> = (0..W3_FANOUT)
                .map(|i| {
                    tokio::spawn(async move {
                        for _ in 0..W3_YIELDS {
                            tokio::task::yield_now().await;
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
}

/// W5: a fresh runtime per run, tokio's Semaphore(1).
pub fn w5() {
    for _ in 0..W5_RUNS {
        runtime().block_on(async {
            let start = Instant::now();
            let sem = Arc::new(tokio::sync::Semaphore::new(1));
            let holders = Arc::new(AtomicU32::new(0));
            let tasks: Vec<_> = (0..3)
                .map(|_| {
                    let (sem, holders) = (sem.clone(), holders.clone());
                    tokio::spawn(async move {
                        sleep(Duration::from_millis(1)).await;
                        let permit = sem.acquire().await.expect("open semaphore");
                        assert_eq!(
                            holders.fetch_add(1, Ordering::Relaxed),
                            0,
                            "W5: two holders"
                        );
                        sleep(Duration::from_millis(1)).await;
                        holders.fetch_sub(1, Ordering::Relaxed);
                        drop(permit);
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("W5 task");
            }
            assert!(start.elapsed() >= Duration::from_millis(4));
        });
    }
}

/// W2: 10,000 tasks through tokio's Semaphore(10).
pub fn w2() {
    runtime().block_on(async {
        let sem = Arc::new(tokio::sync::Semaphore::new(W2_PERMITS));
        let holders = Arc::new(AtomicU32::new(0));
        let max = Arc::new(AtomicU32::new(0));
        let handles: Vec<_> = (0..W2_TASKS)
            .map(|t| {
                let (sem, holders, max) = (sem.clone(), holders.clone(), max.clone());
                tokio::spawn(async move {
                    let permit = sem.acquire().await.expect("open semaphore");
                    let now = holders.fetch_add(1, Ordering::Relaxed) + 1;
                    max.fetch_max(now, Ordering::Relaxed);
                    sleep(Duration::from_millis(w2_hold_ms(t))).await;
                    holders.fetch_sub(1, Ordering::Relaxed);
                    drop(permit);
                })
            })
            .collect();
        for h in handles {
            h.await.expect("W2 task");
        }
        let max = max.load(Ordering::Relaxed) as usize;
        assert!(max <= W2_PERMITS && max > 1, "W2: max holders {max}");
    });
}

/// W4: producer -> bounded channel(16) -> 4 workers (sharing the receiver behind tokio's
/// Mutex: tokio has no multi-consumer channel) sleeping 1 ms per item -> results channel.
pub fn w4() {
    runtime().block_on(async {
        let (tx, rx) = tokio::sync::mpsc::channel::<u64>(W4_CAPACITY);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
        let workers: Vec<_> = (0..W4_WORKERS)
            .map(|_| {
                let (rx, done_tx) = (rx.clone(), done_tx.clone());
                tokio::spawn(async move {
                    loop {
                        let item = rx.lock().await.recv().await;
                        let Some(item) = item else { break };
                        sleep(Duration::from_millis(1)).await;
                        done_tx.send(item * 2).expect("results open");
                    }
                })
            })
            .collect();
        drop(done_tx);
        let producer = tokio::spawn(async move {
            for i in 0..W4_ITEMS {
                tx.send(i).await.expect("workers alive");
            }
        });
        let (mut n, mut sum) = (0u64, 0u64);
        while let Some(v) = done_rx.recv().await {
            n += 1;
            sum += v;
        }
        producer.await.expect("producer");
        for w in workers {
            w.await.expect("worker");
        }
        assert_eq!(n, W4_ITEMS);
        assert_eq!(sum, W4_ITEMS * (W4_ITEMS - 1));
    });
}

/// W6: 10,000 tasks each wrap a sleep in tokio's timeout.
pub fn w6() {
    runtime().block_on(async {
        let handles: Vec<_> = (0..W6_TASKS)
            .map(|t| {
                tokio::spawn(async move {
                    let (s, d) = w6_sleep_and_deadline_ms(t);
                    let r = tokio::time::timeout(
                        Duration::from_millis(d),
                        sleep(Duration::from_millis(s)),
                    )
                    .await;
                    u64::from(r.is_err())
                })
            })
            .collect();
        let mut expired = 0;
        for h in handles {
            expired += h.await.expect("W6 task");
        }
        assert_eq!(expired, w6_expected_expiries());
    });
}

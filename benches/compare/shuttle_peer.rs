//! W5 on shuttle: the same three-task program, with yields standing in for sleeps (shuttle
//! has no clock) and shuttle's own async semaphore.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use shuttle::future::batch_semaphore::{BatchSemaphore, Fairness};
use shuttle::future::{block_on, spawn, yield_now};

use crate::inputs::W5_RUNS;

fn program() {
    block_on(async {
        let sem = Arc::new(BatchSemaphore::new(1, Fairness::StrictlyFair));
        let holders = Arc::new(AtomicU32::new(0));
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let (sem, holders) = (sem.clone(), holders.clone());
                spawn(async move {
                    yield_now().await;
                    sem.acquire(1).await.expect("open semaphore");
                    assert_eq!(
                        holders.fetch_add(1, Ordering::Relaxed),
                        0,
                        "W5: two holders"
                    );
                    yield_now().await;
                    holders.fetch_sub(1, Ordering::Relaxed);
                    sem.release(1);
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("W5 task");
        }
    });
}

pub fn w5_random() {
    shuttle::check_random(program, W5_RUNS);
}

pub fn w5_pct() {
    shuttle::check_pct(program, W5_RUNS, 3);
}

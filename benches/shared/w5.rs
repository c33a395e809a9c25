//! W5, the tiny program both benches time (`compare` as W5, `explore` as "tiny"), once for
//! simloop and once for shuttle 0.9: three tasks each wait, take the permit of a
//! `Semaphore(1)`, wait holding it and give it back; never two holders. Shuttle has no
//! clock, so yields stand in for the sleeps there. Each bench includes this file with
//! `#[path]`, so the two measure the same program.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use shuttle::future::batch_semaphore::{BatchSemaphore, Fairness};

/// The program on simloop (to run inside `Sim::run`); takes 4 ms of virtual time.
pub async fn simloop_program() {
    use simloop::{Semaphore, sleep, spawn};
    let sem = Rc::new(Semaphore::new(1));
    let holders = Rc::new(Cell::new(0u32));
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let (sem, holders) = (sem.clone(), holders.clone());
            spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let permit = sem.acquire().await;
                holders.set(holders.get() + 1);
                assert_eq!(holders.get(), 1, "W5: two holders");
                sleep(Duration::from_millis(1)).await;
                holders.set(holders.get() - 1);
                drop(permit);
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("W5 task");
    }
}

/// The program on shuttle (a test body for `shuttle::check_*`).
pub fn shuttle_program() {
    use shuttle::future::{block_on, spawn, yield_now};
    block_on(async {
        let sem = Arc::new(BatchSemaphore::new(1, Fairness::StrictlyFair));
        let holders = Arc::new(AtomicU32::new(0));
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let (sem, holders) = (sem.clone(), holders.clone());
                spawn(async move {
                    yield_now().await;
                    sem.acquire(1).await.expect("open semaphore");
                    let before = holders.fetch_add(1, Ordering::Relaxed);
                    assert_eq!(before, 0, "W5: two holders");
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

//! The programs the explorer is timed on, written for simloop.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{Lock, Queue};
use simloop::{Semaphore, sleep, spawn, yield_now};

/// Tasks of the medium program.
pub const MEDIUM_TASKS: u32 = 10;
/// Rounds of each medium task: a lock with a yield inside, a queue operation, a yield.
pub const MEDIUM_ROUNDS: u32 = 20;

/// The tiny program: 3 tasks, each sleeps, takes a permit of a `Semaphore(1)`, sleeps
/// holding it, and gives it back; never two holders.
pub async fn tiny() {
    let sem = Rc::new(Semaphore::new(1));
    let holders = Rc::new(Cell::new(0u32));
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let (sem, holders) = (sem.clone(), holders.clone());
            spawn(async move {
                sleep(Duration::from_millis(1)).await;
                let permit = sem.acquire().await;
                holders.set(holders.get() + 1);
                assert_eq!(holders.get(), 1, "tiny: two holders");
                sleep(Duration::from_millis(1)).await;
                holders.set(holders.get() - 1);
                drop(permit);
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("tiny task");
    }
}

/// The medium program: 10 tasks share a `Lock` and a `Queue`; each round a task takes the
/// lock, yields inside it, then half the tasks put an item and the other half take one,
/// and every task yields. About 50 scheduling points per task; every item is taken once.
pub async fn medium() {
    let lock = Rc::new(Lock::new(0u32));
    let queue: Rc<Queue<u32>> = Rc::new(Queue::new());
    let tasks: Vec<_> = (0..MEDIUM_TASKS)
        .map(|i| {
            let (lock, queue) = (lock.clone(), queue.clone());
            spawn(async move {
                let mut taken = 0;
                for round in 0..MEDIUM_ROUNDS {
                    {
                        let mut g = lock.lock().await;
                        *g += 1;
                        yield_now().await;
                    }
                    if i % 2 == 0 {
                        queue.put(round).await.expect("open queue");
                    } else {
                        taken += queue.get().await.expect("open queue");
                    }
                    yield_now().await;
                }
                taken
            })
        })
        .collect();
    let mut taken = 0;
    for t in tasks {
        taken += t.await.expect("medium task");
    }
    let expected = (MEDIUM_TASKS / 2) * (0..MEDIUM_ROUNDS).sum::<u32>();
    assert_eq!(taken, expected, "medium: every item taken once");
    let Ok(lock) = Rc::try_unwrap(lock) else {
        panic!("medium: the tasks ended")
    };
    assert_eq!(lock.into_inner(), MEDIUM_TASKS * MEDIUM_ROUNDS);
}

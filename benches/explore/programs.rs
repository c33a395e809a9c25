//! The programs the explorer is timed on, written for simloop.

use std::rc::Rc;

use simloop::sync::{Lock, Queue};
use simloop::{spawn, yield_now};

/// Tasks of the medium program.
pub const MEDIUM_TASKS: u32 = 10;
/// Rounds of each medium task: a lock with a yield inside, a queue operation, a yield.
pub const MEDIUM_ROUNDS: u32 = 20;

/// The tiny program: W5 (`benches/shared/w5.rs`), 3 tasks around a `Semaphore(1)`.
pub async fn tiny() {
    crate::w5::simloop_program().await
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

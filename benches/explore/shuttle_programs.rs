//! The same programs on shuttle 0.9: yields stand in for sleeps (shuttle has no clock), a
//! `BatchSemaphore(1)` for the lock, and a queue made of a mutex-guarded deque and a
//! semaphore counting its items.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use shuttle::future::batch_semaphore::{BatchSemaphore, Fairness};
use shuttle::future::{block_on, spawn, yield_now};
use shuttle::sync::Mutex;

use crate::programs::{MEDIUM_ROUNDS, MEDIUM_TASKS};

/// The tiny program: W5 (`benches/shared/w5.rs`).
pub fn tiny() {
    crate::w5::shuttle_program()
}

/// An unbounded async queue: items behind a mutex, a semaphore counting them.
pub struct Queue {
    items: Mutex<VecDeque<u32>>,
    count: BatchSemaphore,
}

impl Queue {
    pub fn new() -> Queue {
        Queue {
            items: Mutex::new(VecDeque::new()),
            count: BatchSemaphore::new(0, Fairness::StrictlyFair),
        }
    }

    pub fn put(&self, item: u32) {
        self.items.lock().unwrap().push_back(item);
        self.count.release(1);
    }

    pub async fn get(&self) -> u32 {
        self.count.acquire(1).await.expect("open queue");
        self.items
            .lock()
            .unwrap()
            .pop_front()
            .expect("an item per permit")
    }
}

/// The medium program.
pub fn medium() {
    block_on(async {
        let lock = Arc::new(BatchSemaphore::new(1, Fairness::StrictlyFair));
        let count = Arc::new(AtomicU32::new(0));
        let queue = Arc::new(Queue::new());
        let tasks: Vec<_> = (0..MEDIUM_TASKS)
            .map(|i| {
                let (lock, count, queue) = (lock.clone(), count.clone(), queue.clone());
                spawn(async move {
                    let mut taken = 0;
                    for round in 0..MEDIUM_ROUNDS {
                        lock.acquire(1).await.expect("open lock");
                        count.fetch_add(1, Ordering::Relaxed);
                        yield_now().await;
                        lock.release(1);
                        if i % 2 == 0 {
                            queue.put(round);
                        } else {
                            taken += queue.get().await;
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
        assert_eq!(count.load(Ordering::Relaxed), MEDIUM_TASKS * MEDIUM_ROUNDS);
    });
}

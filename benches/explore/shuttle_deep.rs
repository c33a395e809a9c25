//! The zoo's deep bugs (`tests/it/zoo/deep.rs`) ported to shuttle: the same three workers
//! and steps, `yield_now` or a bounded queue drained by a pacer per worker, and a
//! `BatchSemaphore(1)` for the config's lock in the queue-and-lock form.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use shuttle::future::batch_semaphore::{BatchSemaphore, Fairness};
use shuttle::future::{JoinHandle, block_on, spawn, yield_now};
use shuttle::sync::Mutex;

use crate::deep::{AUDIT, COMMIT, REVALIDATE, SNAPSHOT, STAGE, STEPS};

/// A queue of at most one item: a slot semaphore, an item semaphore and the item.
struct Bounded {
    slots: BatchSemaphore,
    items: BatchSemaphore,
    item: Mutex<VecDeque<u32>>,
}

impl Bounded {
    fn new() -> Bounded {
        Bounded {
            slots: BatchSemaphore::new(1, Fairness::StrictlyFair),
            items: BatchSemaphore::new(0, Fairness::StrictlyFair),
            item: Mutex::new(VecDeque::new()),
        }
    }

    async fn put(&self, v: u32) {
        self.slots.acquire(1).await.expect("open");
        self.item.lock().unwrap().push_back(v);
        self.items.release(1);
    }

    async fn get(&self) -> u32 {
        self.items.acquire(1).await.expect("open");
        let v = self.item.lock().unwrap().pop_front().expect("an item");
        self.slots.release(1);
        v
    }
}

#[derive(Default)]
struct Config {
    version: AtomicU32,
    committed: AtomicBool,
    /// 0: no snapshot.
    snapshot: AtomicU32,
}

#[derive(Clone)]
enum Pace {
    Yield,
    Queue(Arc<Bounded>),
}

impl Pace {
    async fn step(&self, s: u32) {
        match self {
            Pace::Yield => yield_now().await,
            Pace::Queue(q) => q.put(s).await,
        }
    }
}

/// The deep bug with yields; panics when it shows.
pub fn yielding() {
    block_on(run(false));
}

/// The deep bug with queue and lock operations; panics when it shows.
pub fn queued() {
    block_on(run(true));
}

async fn run(queues: bool) {
    let config = Arc::new(Config::default());
    config.version.store(1, Ordering::Relaxed);
    // The config's lock, in the queue-and-lock form only (as in the simloop program).
    let lock = queues.then(|| Arc::new(BatchSemaphore::new(1, Fairness::StrictlyFair)));
    let mut pacers: Vec<JoinHandle<()>> = Vec::new();
    let mut pace = || {
        if !queues {
            return Pace::Yield;
        }
        let q = Arc::new(Bounded::new());
        let inbox = q.clone();
        pacers.push(spawn(async move {
            for _ in 0..STEPS {
                inbox.get().await;
            }
        }));
        Pace::Queue(q)
    };
    let (c, l, p) = (config.clone(), lock.clone(), pace());
    let publisher = spawn(async move {
        for s in 0..STEPS {
            if s == STAGE {
                if let Some(l) = &l {
                    l.acquire(1).await.expect("open");
                }
                c.version.store(2, Ordering::Relaxed);
                p.step(s).await;
                if let Some(l) = &l {
                    l.release(1);
                }
                continue;
            }
            if s == COMMIT {
                c.committed.store(true, Ordering::Relaxed);
            }
            p.step(s).await;
        }
    });
    let (c, l, p) = (config.clone(), lock.clone(), pace());
    let cache = spawn(async move {
        for s in 0..STEPS {
            if s == SNAPSHOT {
                if let Some(l) = &l {
                    l.acquire(1).await.expect("open");
                }
                c.snapshot
                    .store(c.version.load(Ordering::Relaxed), Ordering::Relaxed);
                if let Some(l) = &l {
                    l.release(1);
                }
            }
            if s == REVALIDATE && !c.committed.load(Ordering::Relaxed) {
                c.snapshot.store(0, Ordering::Relaxed);
            }
            p.step(s).await;
        }
    });
    let (c, p) = (config.clone(), pace());
    let auditor = spawn(async move {
        for s in 0..STEPS {
            if s == AUDIT && !c.committed.load(Ordering::Relaxed) {
                assert_ne!(
                    c.snapshot.load(Ordering::Relaxed),
                    2,
                    "the cache serves version 2, which is not committed"
                );
            }
            p.step(s).await;
        }
    });
    for task in [publisher, cache, auditor].into_iter().chain(pacers) {
        task.await.expect("a worker");
    }
}

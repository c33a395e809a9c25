//! Two deep bugs: three ordering constraints spread over runs of 100+ scheduling decisions,
//! the last of them far past the first two dozen decisions.
//!
//! The story is the same in both: a `publisher` stages a new config (version 2) and commits
//! it much later; a `cache` snapshots the current version, and drops its snapshot when it
//! revalidates and finds nothing committed; an `auditor` checks, late in its work, that the
//! cache does not serve an uncommitted version. The bug (the cache snapshots a staged,
//! uncommitted version) shows only when
//!
//! 1. the publisher stages version 2 before the cache takes its snapshot (the publisher runs
//!    some twenty steps ahead of the cache),
//! 2. the auditor checks before the cache revalidates (it gets ahead of the cache), and
//! 3. the auditor checks before the publisher commits (it overtakes the publisher too).
//!
//! In asyncio's FIFO order every task advances in lockstep, so the snapshot holds version 1
//! and the run passes; a random walk almost never lets one task run twenty steps ahead. PCT
//! finds it: priorities publisher > cache > auditor, one change point in the publisher's
//! eight steps between staging and committing, one in the cache's 28 steps between snapshot
//! and revalidation.
//!
//! [`yielding`] takes its steps with `yield_now`; [`queued`] takes them through a bounded
//! [`Queue`] drained by a pacer task per worker, and guards the config with a [`Lock`] held
//! across the publisher's staging step, so its scheduling points are only queue and lock
//! operations. This file is shared with the explorer's bench (`benches/explore/`), which
//! ports the same programs to shuttle.

// The step numbers are read by the bench's shuttle port, not by the tests.
#![allow(dead_code)]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use simloop::sync::{Lock, Queue};
use simloop::{spawn_named, yield_now};

/// A deep bug's program, buggy or fixed, boxed so that both kinds have one type.
pub type Deep = Pin<Box<dyn Future<Output = ()>>>;

/// Steps each worker takes.
pub const STEPS: u32 = 40;
/// The publisher stages version 2 at this step...
pub const STAGE: u32 = 30;
/// ...and commits it at this one.
pub const COMMIT: u32 = 38;
/// The cache snapshots the current version at this step...
pub const SNAPSHOT: u32 = 8;
/// ...and drops an uncommitted snapshot at this one.
pub const REVALIDATE: u32 = 36;
/// The auditor checks the cache at this step.
pub const AUDIT: u32 = 39;

/// The shared config and the cache's snapshot.
#[derive(Default)]
struct Config {
    version: Cell<u32>,
    committed: Cell<bool>,
    snapshot: Cell<Option<u32>>,
}

/// How a worker takes one step: `yield_now`, or a put into its pacer's bounded queue.
#[derive(Clone)]
enum Pace {
    Yield,
    Queue(Rc<Queue<u32>>),
}

impl Pace {
    async fn step(&self, s: u32) {
        match self {
            Pace::Yield => yield_now().await,
            Pace::Queue(q) => q.put(s).await.expect("the pacer's queue stays open"),
        }
    }
}

/// The config's lock, taken only by the queue-and-lock form (in the yield form a lock
/// would be a scheduling point of another kind when contended).
async fn locked(lock: &Option<Rc<Lock<()>>>) -> Option<simloop::sync::LockGuard<'_, ()>> {
    match lock {
        Some(l) => Some(l.lock().await),
        None => None,
    }
}

/// The deep bug with `yield_now` as every scheduling point.
pub fn yielding(fixed: bool) -> Deep {
    Box::pin(run(fixed, false))
}

/// The deep bug with queue and lock operations as every scheduling point.
pub fn queued(fixed: bool) -> Deep {
    Box::pin(run(fixed, true))
}

async fn run(fixed: bool, queues: bool) {
    let config = Rc::new(Config::default());
    config.version.set(1);
    // The config's lock: the publisher holds it across its staging step.
    let lock = queues.then(|| Rc::new(Lock::new(())));
    let mut pacers = Vec::new();
    let mut pace = |name: &'static str| {
        if !queues {
            return Pace::Yield;
        }
        let q = Rc::new(Queue::with_maxsize(1));
        let inbox = q.clone();
        pacers.push(spawn_named(name, async move {
            for _ in 0..STEPS {
                inbox.get().await.expect("the queue stays open");
            }
        }));
        Pace::Queue(q)
    };
    let (c, l, p) = (config.clone(), lock.clone(), pace("publisher's pacer"));
    let publisher = spawn_named("publisher", async move {
        for s in 0..STEPS {
            if s == STAGE {
                let _staging = locked(&l).await;
                c.version.set(2);
                p.step(s).await;
                continue;
            }
            if s == COMMIT {
                c.committed.set(true);
            }
            p.step(s).await;
        }
    });
    let (c, l, p) = (config.clone(), lock.clone(), pace("cache's pacer"));
    let cache = spawn_named("cache", async move {
        for s in 0..STEPS {
            if s == SNAPSHOT {
                let _read = locked(&l).await;
                // The fix: only a committed version may be cached.
                if !fixed || c.committed.get() {
                    c.snapshot.set(Some(c.version.get()));
                }
            }
            if s == REVALIDATE && !c.committed.get() {
                c.snapshot.set(None);
            }
            p.step(s).await;
        }
    });
    let (c, p) = (config.clone(), pace("auditor's pacer"));
    let auditor = spawn_named("auditor", async move {
        for s in 0..STEPS {
            if s == AUDIT && !c.committed.get() {
                assert_ne!(
                    c.snapshot.get(),
                    Some(2),
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

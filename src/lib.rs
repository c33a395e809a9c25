//! simloop: a deterministic simulation scheduler for async Rust.
//!
//! A [`Sim`] runs a program on a single-threaded executor with a **virtual clock** (time
//! jumps to the next timer when nothing is ready) and a **seeded scheduler** that chooses
//! among ready tasks. The same seed and policy give a byte-identical run: the same
//! interleaving, the same virtual timestamps, the same [`Trace`]. Under [`Policy::Fifo`] the
//! order is CPython asyncio's; [`Policy::Random`] explores other legal interleavings; every
//! run yields a [`Token`] that [`Sim::replay`] reproduces exactly. [`explore`] hunts race
//! bugs: many schedules (random, [`Policy::Pct`], bounded exhaustive), shrinking, replay.
//!
//! # Examples
//!
//! asyncio's `gather` of three factorials, as in the lectures the project started from:
//!
//! ```
//! use std::time::Duration;
//! use simloop::{Sim, log, sleep, spawn};
//!
//! async fn factorial(name: &'static str, n: u64) -> u64 {
//!     let mut f = 1;
//!     for i in 2..=n {
//!         log!("Task {name}: Compute factorial({n}), currently i={i}...");
//!         sleep(Duration::from_secs(1)).await;
//!         f *= i;
//!     }
//!     log!("Task {name}: factorial({n}) = {f}");
//!     f
//! }
//!
//! let out = Sim::new().run(async {
//!     let tasks = [spawn(factorial("A", 2)), spawn(factorial("B", 3))];
//!     let mut results = Vec::new();
//!     for t in tasks {
//!         results.push(t.await.unwrap());
//!     }
//!     results
//! });
//! assert_eq!(out.result.unwrap(), [2, 6]);
//! assert!(out.trace.logs().starts_with("t=0 Task A: Compute factorial(2), currently i=2..."));
//! assert_eq!(out.elapsed, Duration::from_secs(2));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod combinators;
mod runtime;
mod sim;
mod varint;

pub mod contextvars;
pub mod explore;
pub mod rng;
pub mod schedule;
pub mod sync;
pub mod task;
pub mod time;
pub mod trace;

pub use self::combinators::{
    AsCompleted, ChildFailure, Elapsed, Gather, GatherAll, GatherError, GroupError, GroupJoin,
    GroupScope, RescheduleError, ReturnWhen, Shield, SpawnError, TaskGroup, Timeout, TimeoutHandle,
    TryGather, Wait, as_completed, gather, gather_all, gather_all_tasks, gather_tasks, shield,
    shield_task, timeout, timeout_at, timeout_scope, try_gather, try_gather_tasks, try_wait, wait,
    wait_for, wait_for_task,
};
pub use self::schedule::{Policy, Token, TokenError};
pub use self::sim::{
    BlockedTask, DeadlockReport, Outcome, PANICS_ENV, PanicOutput, REPLAY_ENV, RunError, Sim,
    Stats, TaskPanic,
};
pub use self::sync::{
    Barrier, BoundedSemaphore, Condition, Event, LifoQueue, Lock, LockGuard, PriorityQueue,
    Promise, Queue, Semaphore, SemaphorePermit, to_thread,
};
pub use self::task::{
    AbortHandle, Awaitable, Cancelled, CatchCancelled, JoinError, JoinHandle, Task, TaskHandle,
    TaskId, YieldNow, catch_cancelled, spawn, spawn_eager, spawn_eager_named, spawn_named,
    yield_now,
};
pub use self::time::{Instant, Sleep, now, sleep, sleep_until};
pub use self::trace::{Trace, TraceLevel};

/// The README's examples, compiled and run as doc-tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

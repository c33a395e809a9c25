//! Synchronisation primitives with asyncio's semantics: semaphores, locks, events,
//! conditions, barriers, queues, settable futures and `to_thread`.
//!
//! Every primitive is a thin public layer over one private FIFO waiter list
//! (`waiters.rs`): a wait registers the task at the back, a wake-up marks the oldest
//! entries and queues their tasks (one ready-queue slot, like resolving an asyncio Future),
//! and a future dropped at its task's turn (cancellation) removes its entry and passes on
//! whatever it had been handed. The counting semaphore that `Semaphore`, `BoundedSemaphore`
//! and `Lock` share lives in `permits.rs`.
//!
//! Each wait registers the primitive's kind, optional name and current holders with the
//! runtime, so a deadlock report prints a wait-for graph ("waits on Lock 'b' held by #3").
//!
//! Primitives keep their state in a `RefCell` inside themselves rather than in the run's
//! core: they can be created before a run starts (and outlive it), and their futures borrow
//! them, so the borrow checker rules out a future outliving its primitive. Share them between
//! tasks with `Rc`.
//!
//! # Examples
//!
//! ```
//! use std::rc::Rc;
//! use simloop::sync::{Queue, Semaphore};
//! use simloop::{Sim, spawn};
//!
//! let out = Sim::new().run(async {
//!     let q = Rc::new(Queue::new());
//!     let sem = Rc::new(Semaphore::new(1));
//!     let (q2, sem2) = (q.clone(), sem.clone());
//!     let producer = spawn(async move {
//!         let _permit = sem2.acquire().await;
//!         q2.put(42).await.unwrap();
//!     });
//!     let got = q.get().await.unwrap();
//!     producer.await.unwrap();
//!     got
//! });
//! assert_eq!(out.result.unwrap(), 42);
//! ```

mod barrier;
mod bounded;
mod condition;
mod event;
mod lock;
mod permits;
mod promise;
mod queue;
mod resource;
mod semaphore;
mod to_thread;
mod waiters;

pub use self::barrier::{Barrier, BarrierControl, BarrierWait, BrokenBarrierError};
pub use self::bounded::{BoundedSemaphore, ReleasedTooManyTimes};
pub use self::condition::{Condition, ConditionWait, ConditionWaitFor, NotifyUnlocked};
pub use self::event::{Event, EventWait};
pub use self::lock::{Lock, LockAcquire, LockFuture, LockGuard, LockReleaseError};
pub use self::promise::{InvalidState, Promise, PromiseError, PromiseHandle, PromiseWait};
pub use self::queue::{
    Fifo, Get, Join, Lifo, LifoQueue, Priority, PriorityQueue, Put, Queue, QueueShutDown, Store,
    TaskDoneError, TryGetError, TryPutError,
};
pub use self::semaphore::{Acquire, Semaphore, SemaphorePermit};
pub use self::to_thread::{ToThread, to_thread};
pub use crate::runtime::DoneCallbackKey;

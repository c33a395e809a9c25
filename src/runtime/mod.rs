//! The private engine: one owner for all mutable run state, one entry point.
//!
//! Everything a running simulation knows lives in one [`Core`], stored in a thread-local
//! slot while [`crate::Sim::run`] executes. Public types (sleep, join handles, primitives)
//! hold task ids and timer keys, never references into the core, and reach it through
//! [`with`]. The core is never borrowed while user code runs: futures are taken out of their
//! slots before they are polled, and wakers or values whose `Drop` might run user code are
//! handed back to [`with`], which runs them after the borrow ends.

mod ambient;
mod arm;
mod aside;
mod awaiters;
mod callback_key;
mod cancel_hold;
mod catch;
mod cell;
mod cell_pool;
mod context;
mod core;
mod deadlock;
mod decide;
mod deferred;
mod eager;
mod engine;
mod id_table;
mod idle;
mod instant;
mod join_error;
mod keep;
mod lifecycle;
mod pass;
mod pool;
mod prefetch;
mod read_ahead;
mod ready;
mod ready_queue;
mod remote;
mod scope;
mod slot;
mod stats;
mod task_id;
mod tasks;
mod timers;
mod wait;
mod waker;
mod wakeups;

pub use self::aside::set_aside;
pub use self::callback_key::DoneCallbackKey;
pub use self::deadlock::{BlockedTask, DeadlockReport};
pub use self::instant::Instant;
pub use self::join_error::JoinError;
pub use self::keep::{Kept, spawn_keepable, spawn_keepable_at, spawn_kept, take_kept};
pub use self::stats::Stats;
pub use self::task_id::TaskId;

pub(crate) use self::ambient::{Ambient, Enter, run_in};
pub(crate) use self::cell::{ErasedTask, Host, TaskCell};
pub(crate) use self::context::{running_label, try_with, with};
pub(crate) use self::core::{Completion, Core, DoneCallback, Hop, Limits, Message};
pub(crate) use self::eager::start as start_eager;
pub(crate) use self::engine::{Finish, run};
pub(crate) use self::idle::IdleHook;
pub(crate) use self::pool::recycle;
pub(crate) use self::prefetch::prefetch;
pub(crate) use self::ready::Entry;
pub(crate) use self::ready::ReadyView;
pub(crate) use self::ready_queue::ReadyQueue;
pub(crate) use self::remote::Inbox;
pub(crate) use self::scope::ScopeMark;
pub(crate) use self::timers::{Deadline, TimerKey, TimerKind};
pub(crate) use self::wait::{CancelFuture, ResourceInfo, WaitOn};
pub(crate) use self::waker::next_run_id;

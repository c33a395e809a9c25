//! Tasks: tokio's `task` module on simloop tasks.

mod blocking;
pub mod coop;
mod id;
mod join;
mod join_set;
mod local;
mod spawn;
mod state;
mod yield_now;

pub use self::blocking::{block_in_place, spawn_blocking};
pub use self::id::{Id, id, try_id};
pub use self::join::{AbortHandle, JoinError, JoinHandle};
pub use self::join_set::JoinSet;
pub use self::local::{LocalEnterGuard, LocalSet, spawn_local};
pub use self::spawn::spawn;
pub use self::yield_now::yield_now;
pub use tokio::task::{LocalKey, futures};
pub use tokio::task::{Unconstrained, consume_budget, unconstrained};

pub(crate) use self::blocking::{in_blocking, spawn_blocking_on};
pub(crate) use self::spawn::{TaskFuture, spawn_on};

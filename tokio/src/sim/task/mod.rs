//! Tasks: tokio's `task` module on simloop tasks.
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
//! let order = rt.block_on(async {
//!     let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
//!     for i in 0..3 {
//!         let tx = tx.clone();
//!         tokio::spawn(async move { tx.send(i).unwrap() });
//!     }
//!     drop(tx);
//!     let mut order = Vec::new();
//!     while let Some(i) = rx.recv().await {
//!         order.push(i);
//!     }
//!     order
//! });
//! // The default policy runs ready tasks in spawn order, as tokio's current-thread runtime.
//! assert_eq!(order, [0, 1, 2]);
//! ```

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

//! Tasks: spawning, joining, cancelling, yielding, and introspection.
//!
//! ```
//! use std::time::Duration;
//! use simloop::{JoinError, Sim, sleep, spawn, spawn_named, task};
//!
//! let out = Sim::new().run(async {
//!     let slow = spawn_named("slow", sleep(Duration::from_secs(10)));
//!     let quick = spawn(async { task::current_name() });
//!     assert_eq!(quick.await.unwrap(), None);
//!     slow.cancel();
//!     matches!(slow.await, Err(JoinError::Cancelled { .. }))
//! });
//! assert!(out.result.unwrap());
//! assert_eq!(out.elapsed, Duration::ZERO);
//! ```

mod abort;
mod budget;
mod call;
mod catch;
mod eager;
pub(crate) mod handle;
mod info;
mod join;
mod shared;
mod spawn;
mod yield_now;

pub use self::abort::AbortHandle;
pub use self::budget::{BudgetExhausted, spend_steps};
pub use self::call::{CallHandle, call_at, call_later, call_soon};
pub use self::catch::{Cancelled, CatchCancelled, Reraise, catch_cancelled};
pub(crate) use self::eager::spawn_unstarted;
pub use self::eager::{spawn_eager, spawn_eager_named};
pub use self::handle::{Awaitable, TaskHandle};
pub use self::info::{
    TaskInfo, TaskState, all_tasks, cancel, cancel_message, cancelling, current, current_name,
    set_current_name, try_current, uncancel,
};
pub use self::join::JoinHandle;
pub use self::shared::Task;
pub use self::spawn::{spawn, spawn_at, spawn_named};
pub use self::yield_now::{YieldNow, try_yield, yield_now};
pub use crate::runtime::{
    DoneCallbackKey, JoinError, Kept, TaskId, set_aside, spawn_keepable, spawn_keepable_at,
    spawn_kept, take_kept,
};

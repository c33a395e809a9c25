//! Tasks: spawning, joining, cancelling, yielding, and introspection.

mod abort;
mod budget;
mod call;
pub(crate) mod handle;
mod info;
mod join;
mod shared;
mod spawn;
mod yield_now;

pub use self::abort::AbortHandle;
pub use self::budget::{BudgetExhausted, spend_steps};
pub use self::call::{CallHandle, call_at, call_later, call_soon};
pub use self::handle::TaskHandle;
pub use self::info::{
    TaskInfo, TaskState, all_tasks, cancel, cancel_message, current, current_name,
};
pub use self::join::JoinHandle;
pub use self::shared::Task;
pub use self::spawn::{spawn, spawn_named};
pub use self::yield_now::{YieldNow, yield_now};
pub use crate::runtime::{JoinError, TaskId, set_aside};

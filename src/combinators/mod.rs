//! asyncio's combinators: gather, wait, as_completed, timeouts, shield and task groups.
//!
//! Each is a free function plus a named `#[must_use]` future. Their wake paths follow
//! asyncio's hop rules (`../shared/reference/asyncio-order.md`, rules 5, 6, 11 and 12): a
//! child's completion runs a done-callback one ready-queue slot later, and the callback wakes
//! the caller, so FIFO traces match CPython's.

mod as_completed;
mod callback;
mod children;
mod gather;
mod gather_all;
mod group_error;
mod group_scope;
mod shield;
mod task_group;
mod timeout;
mod try_gather;
mod wait;

pub use self::as_completed::{AsCompleted, as_completed};
pub use self::gather::{Gather, gather, gather_tasks};
pub use self::gather_all::{GatherAll, gather_all, gather_all_tasks};
pub use self::group_scope::GroupScope;
pub use self::shield::{Shield, shield, shield_task};
pub use self::task_group::{ChildFailure, GroupError, GroupJoin, SpawnError, TaskGroup};
pub use self::timeout::{
    Elapsed, RescheduleError, Timeout, TimeoutHandle, timeout, timeout_at, timeout_scope, wait_for,
    wait_for_task,
};
pub use self::try_gather::{GatherError, TryGather, try_gather, try_gather_tasks};
pub use self::wait::{ReturnWhen, Wait, try_wait, wait};

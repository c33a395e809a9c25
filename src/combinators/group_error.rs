//! What a [`TaskGroup`](crate::TaskGroup) reports: the failures it collected
//! ([`GroupError`], asyncio's `ExceptionGroup`) and why it refused a child ([`SpawnError`]).

use std::error::Error;
use std::fmt;

use crate::task::TaskId;

/// Why [`TaskGroup::spawn`](crate::TaskGroup::spawn) refused a child.
///
/// ```
/// assert_eq!(simloop::SpawnError::Finished.to_string(), "the task group has finished");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpawnError {
    /// `join` already returned.
    Finished,
    /// A child failed and the group is cancelling the others.
    ShuttingDown,
}

/// Every failure a [`TaskGroup`](crate::TaskGroup) collected, in the order the children
/// ended; asyncio's `ExceptionGroup`.
///
/// ```
/// let e: simloop::GroupError<()> = simloop::GroupError { failures: Vec::new() };
/// assert_eq!(e.to_string(), "0 task(s) of the group failed");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct GroupError<E> {
    /// The failures, in the order the failing children ended.
    pub failures: Vec<ChildFailure<E>>,
}

/// One failed child of a [`TaskGroup`](crate::TaskGroup).
///
/// ```
/// use simloop::{ChildFailure, Sim, TaskGroup};
///
/// let out = Sim::new().run(async {
///     let tg: TaskGroup<u8> = TaskGroup::new();
///     tg.spawn(async { Err::<(), u8>(7) }).map(drop).unwrap();
///     tg.join().await.unwrap_err()
/// });
/// let failures = out.result.unwrap().failures;
/// assert!(matches!(failures[..], [ChildFailure::Error { error: 7, .. }]));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum ChildFailure<E> {
    /// The child returned `Err(error)`.
    Error {
        /// The child.
        task: TaskId,
        /// Its error.
        error: E,
    },
    /// The child panicked.
    Panicked {
        /// The child.
        task: TaskId,
        /// The panic message.
        message: String,
    },
    /// The body of a [`TaskGroup::scope`](crate::TaskGroup::scope) returned `Err(error)`.
    Body {
        /// Its error.
        error: E,
    },
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpawnError::Finished => "the task group has finished",
            SpawnError::ShuttingDown => "the task group is shutting down after a failure",
        })
    }
}

impl Error for SpawnError {}

impl<E> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} task(s) of the group failed", self.failures.len())
    }
}

impl<E: fmt::Debug> Error for GroupError<E> {}

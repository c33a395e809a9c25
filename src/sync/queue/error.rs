//! The errors of queue operations.

use std::error::Error;
use std::fmt;

/// Why [`Queue::put_nowait`](super::Queue::put_nowait) refused an item; the item comes back.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Queue, TryPutError};
///
/// let q = Queue::with_maxsize(1);
/// q.put_nowait(1).unwrap();
/// assert_eq!(q.put_nowait(2), Err(TryPutError::Full(2)));
/// assert_eq!(TryPutError::Full(2).to_string(), "QueueFull: the queue is full");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is at its maxsize (asyncio's `QueueFull`).
    Full(T),
    /// The queue was shut down (asyncio's `QueueShutDown`).
    ShutDown(T),
}

/// Why [`Queue::get_nowait`](super::Queue::get_nowait) returned no item.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Queue, TryGetError};
///
/// let q: Queue<u8> = Queue::new();
/// assert_eq!(q.get_nowait(), Err(TryGetError::Empty));
/// assert_eq!(TryGetError::Empty.to_string(), "QueueEmpty: the queue is empty");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryGetError {
    /// The queue is empty (asyncio's `QueueEmpty`).
    Empty,
    /// The queue is empty and shut down (asyncio's `QueueShutDown`).
    ShutDown,
}

/// The queue was shut down: a blocked `put` gets its item back in `.0`; `get` finds the queue
/// shut down and empty (asyncio's `QueueShutDown`).
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let q: simloop::sync::Queue<i32> = simloop::sync::Queue::new();
///     q.shutdown(false);
///     assert_eq!(q.put(7).await, Err(simloop::sync::QueueShutDown(7)));
///     assert_eq!(q.get().await.unwrap_err().to_string(), "QueueShutDown: the queue is shut down");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueShutDown<T = ()>(pub T);

/// [`Queue::task_done`](super::Queue::task_done) was called more often than items were put
/// (asyncio's `ValueError`).
///
/// # Examples
///
/// ```
/// let q: simloop::sync::Queue<u8> = simloop::sync::Queue::new();
/// let err: simloop::sync::TaskDoneError = q.task_done().unwrap_err();
/// assert_eq!(err.to_string(), "task_done() called too many times");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskDoneError;

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("QueueFull: the queue is full"),
            TryPutError::ShutDown(_) => f.write_str("QueueShutDown: the queue is shut down"),
        }
    }
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryGetError::Empty => f.write_str("QueueEmpty: the queue is empty"),
            TryGetError::ShutDown => f.write_str("QueueShutDown: the queue is shut down"),
        }
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueShutDown: the queue is shut down")
    }
}

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl<T: fmt::Debug> Error for TryPutError<T> {}
impl Error for TryGetError {}
impl<T: fmt::Debug> Error for QueueShutDown<T> {}
impl Error for TaskDoneError {}

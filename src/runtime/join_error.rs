//! How a task produced no value, shared by every layer (the engine stores it as a failed
//! task's output; `JoinHandle` and the combinators hand it out).

use std::error::Error;
use std::fmt;

/// Why a task produced no value.
///
/// # Examples
///
/// ```
/// use simloop::{JoinError, Sim, spawn};
///
/// let out = Sim::new().run(async {
///     spawn(async { panic!("boom") }).await
/// });
/// let err: JoinError = out.result.unwrap().unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.to_string(), "task panicked: boom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task was cancelled; asyncio's `CancelledError`, with its optional message.
    Cancelled {
        /// The message given to [`crate::JoinHandle::cancel_with`], if any. As in asyncio,
        /// only the first retrieval of a task's cancellation carries it (an await, a
        /// `result()`, a gather the task fails, `as_completed`); later ones get `None`,
        /// asyncio's `CancelledError()`.
        message: Option<String>,
    },
    /// The task panicked; the simulation caught the panic and went on.
    Panicked {
        /// The panic message.
        message: String,
    },
}

impl JoinError {
    /// Whether the task was cancelled.
    ///
    /// ```
    /// let e = simloop::JoinError::Cancelled { message: None };
    /// assert!(e.is_cancelled() && !e.is_panic());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JoinError::Cancelled { .. })
    }

    /// Whether the task panicked.
    ///
    /// ```
    /// let e = simloop::JoinError::Panicked { message: "x".into() };
    /// assert!(e.is_panic());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self, JoinError::Panicked { .. })
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled { message: None } => write!(f, "task was cancelled"),
            JoinError::Cancelled { message: Some(m) } => write!(f, "task was cancelled: {m}"),
            JoinError::Panicked { message } => write!(f, "task panicked: {message}"),
        }
    }
}

impl Error for JoinError {}

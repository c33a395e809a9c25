//! Time errors.
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use tokio::time::error::Elapsed;
//!
//! fn describe(e: &Elapsed) -> String {
//!     format!("gave up: {e}")
//! }
//! # let _ = describe;
//! ```

use std::fmt;

/// The error of [`super::timeout`] when the deadline passed first.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let elapsed = rt
///     .block_on(async { tokio::time::timeout(Duration::from_secs(1), std::future::pending::<()>()).await })
///     .unwrap_err();
/// assert_eq!(elapsed.to_string(), "deadline has elapsed");
/// assert_eq!(std::io::Error::from(elapsed).kind(), std::io::ErrorKind::TimedOut);
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        "deadline has elapsed".fmt(f)
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> std::io::Error {
        std::io::ErrorKind::TimedOut.into()
    }
}

/// Timer errors, kept for API compatibility: the simulated timer never fails.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// fn report(e: tokio::time::error::Error) -> String {
///     format!("timer failed: {e}")
/// }
/// # let _ = report;
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Error(());

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        "timer error".fmt(f)
    }
}

impl std::error::Error for Error {}

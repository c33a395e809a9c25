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

/// Timer errors, as tokio's: the simulated timer never fails, so nothing here returns
/// one, but code that builds or inspects them (a wrapper mapping its own errors onto
/// tokio's, say) compiles and behaves as with tokio.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::time::error::Error;
///
/// let e = Error::at_capacity();
/// assert!(e.is_at_capacity() && !e.is_shutdown() && !e.is_invalid());
/// assert_eq!(e.to_string(), "timer is at capacity and cannot create a new entry");
/// let copy = e; // `Copy`, as tokio's
/// assert!(copy.is_at_capacity() && e.is_at_capacity());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(Kind);

/// Which of tokio's three timer failures an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shutdown,
    AtCapacity,
    Invalid,
}

impl Error {
    /// The error of a timer used outside a runtime, or after its runtime shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(tokio::time::error::Error::shutdown().is_shutdown());
    /// ```
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Whether this is the error of a timer whose runtime is gone ([`Error::shutdown`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(!tokio::time::error::Error::invalid().is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.0 == Kind::Shutdown
    }

    /// The error of a timer that could not be registered because the timer is full.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(tokio::time::error::Error::at_capacity().is_at_capacity());
    /// ```
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Whether this is the error of a full timer ([`Error::at_capacity`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(!tokio::time::error::Error::shutdown().is_at_capacity());
    /// ```
    pub fn is_at_capacity(&self) -> bool {
        self.0 == Kind::AtCapacity
    }

    /// The error of a timer whose duration exceeds the longest one tokio's timer takes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(tokio::time::error::Error::invalid().is_invalid());
    /// ```
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Whether this is the error of a too long duration ([`Error::invalid`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// assert!(!tokio::time::error::Error::at_capacity().is_invalid());
    /// ```
    pub fn is_invalid(&self) -> bool {
        self.0 == Kind::Invalid
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // tokio's messages, word for word: code may match on them.
        match self.0 {
            Kind::Shutdown => {
                "the timer is shutdown, must be called from the context of Tokio runtime"
            }
            Kind::AtCapacity => "timer is at capacity and cannot create a new entry",
            Kind::Invalid => "timer duration exceeds maximum duration",
        }
        .fmt(f)
    }
}

impl std::error::Error for Error {}

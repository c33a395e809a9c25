//! tokio's signals, on the runtime's real reactor (`real_io.rs`): tokio's own types, with
//! the constructors wrapped so that a runtime listening for a signal turns its reactor
//! before its virtual clock advances (`RealIo::turn`): a signal already sent is delivered
//! before a virtual timer fires, as on tokio's paused clock.
//!
//! ```
//! # use simloop_tokio as tokio;
//! let _kind = tokio::signal::unix::SignalKind::user_defined1();
//! ```

// tokio::signal holds `ctrl_c` and `unix` (and `windows`, elsewhere): both wrapped here.

/// Completes when the process receives `SIGINT` (tokio's `ctrl_c`); the current runtime
/// turns its reactor at each idle point from then on, so a signal already sent comes
/// before a virtual timer.
///
/// # Errors
///
/// tokio's, when the handler cannot be registered.
///
/// # Panics
///
/// Polled outside a runtime with I/O, as tokio's.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// tokio::runtime::Runtime::new().unwrap().block_on(async {
///     tokio::select! {
///         r = tokio::signal::ctrl_c() => r.unwrap(),
///         _ = tokio::time::sleep(Duration::from_secs(1)) => {}
///     }
/// });
/// ```
pub async fn ctrl_c() -> std::io::Result<()> {
    crate::sim::real_io::watching_real_events();
    tokio::signal::ctrl_c().await
}

/// Unix signals: tokio's, with [`unix::signal`] wrapped as [`ctrl_c`] is.
#[cfg(unix)]
pub mod unix {
    pub use tokio::signal::unix::*;

    /// Listens for signal `kind` (tokio's `signal`); the current runtime turns its
    /// reactor at each idle point from then on, so a signal already sent comes before a
    /// virtual timer.
    ///
    /// # Errors
    ///
    /// tokio's: a signal that cannot be listened for (`SIGKILL`, say).
    ///
    /// # Panics
    ///
    /// Outside a runtime with I/O, as tokio's.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::signal::unix::{SignalKind, signal};
    ///
    /// tokio::runtime::Runtime::new().unwrap().block_on(async {
    ///     let _hangup = signal(SignalKind::hangup())?;
    ///     Ok::<_, std::io::Error>(())
    /// }).unwrap();
    /// ```
    #[track_caller]
    pub fn signal(kind: SignalKind) -> std::io::Result<Signal> {
        crate::sim::real_io::watching_real_events();
        tokio::signal::unix::signal(kind)
    }
}

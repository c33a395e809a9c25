//! The runtime: `Builder`, `Runtime`, `Handle`, each `block_on` one simulation.
//!
//! # Examples
//!
//! A runtime's clock goes on from one `block_on` to the next:
//!
//! ```
//! # use simloop_tokio as tokio;
//! use std::time::Duration;
//! use tokio::time::Instant;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
//! let start = rt.block_on(async { Instant::now() });
//! rt.block_on(async { tokio::time::sleep(Duration::from_secs(60)).await });
//! let end = rt.block_on(async { Instant::now() });
//! assert_eq!(end - start, Duration::from_secs(60));
//! ```

mod blocking;
mod builder;
mod enter;
mod handle;
mod host;
mod id;
mod local;
mod metrics;
mod park;
mod run;
#[allow(clippy::module_inception)]
mod runtime;

pub use self::builder::Builder;
pub use self::enter::EnterGuard;
pub use self::handle::{Handle, TryCurrentError};
pub(crate) use self::host::host_block_on;
pub use self::id::Id;
pub use self::local::{LocalOptions, LocalRuntime};
pub use self::metrics::RuntimeMetrics;
pub(crate) use self::park::in_park_hook;
pub use self::runtime::Runtime;

/// The kind of runtime a program asked for; the simulation itself is single-threaded
/// either way.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::runtime::{Builder, RuntimeFlavor};
///
/// let rt = Builder::new_multi_thread().worker_threads(4).build().unwrap();
/// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// `Builder::new_current_thread`.
    CurrentThread,
    /// `Builder::new_multi_thread`.
    MultiThread,
}

/// The index of the worker running the current task: 0 inside a task of a run (one
/// thread), and in the future of a current-thread `Runtime::block_on`; `None` elsewhere
/// (in `spawn_blocking`'s closure too, which tokio runs on a thread of its blocking pool).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::runtime::worker_index;
///
/// assert_eq!(worker_index(), None);
/// let rt = tokio::runtime::Builder::new_multi_thread().build().unwrap();
/// let in_task = rt.block_on(async { tokio::spawn(async { worker_index() }).await.unwrap() });
/// assert_eq!(in_task, Some(0));
/// ```
pub fn worker_index() -> Option<usize> {
    let worker = super::context::with_run(|r| r.worker)?;
    if crate::sim::task::in_blocking() {
        return None;
    }
    (worker || crate::sim::task::try_id().is_some()).then_some(0)
}

/// tokio's message for an operation refused because its runtime shuts down.
pub(crate) const SHUTTING_DOWN: &str = "A Tokio 1.x context was found, but it is being shutdown.";

/// Whether `err` says that a runtime was shutting down (tokio's check, on tokio's message).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let other = std::io::Error::other("disk full");
/// assert!(!tokio::runtime::is_rt_shutdown_err(&other));
/// ```
pub fn is_rt_shutdown_err(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|inner| {
        err.kind() == std::io::ErrorKind::Other
            && inner.source().is_none()
            && inner.to_string() == SHUTTING_DOWN
    })
}

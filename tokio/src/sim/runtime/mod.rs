//! The runtime: `Builder`, `Runtime`, `Handle`, each `block_on` one simulation.

mod builder;
mod handle;
mod local;
mod park;
#[allow(clippy::module_inception)]
mod runtime;

pub use self::builder::Builder;
pub(crate) use self::handle::host_block_on;
pub use self::handle::{EnterGuard, Handle, Id, RuntimeMetrics, TryCurrentError};
pub use self::local::{LocalOptions, LocalRuntime};
pub(crate) use self::park::in_park_hook;
pub use self::runtime::Runtime;

/// The kind of runtime a program asked for; the simulation itself is single-threaded
/// either way.
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
pub fn is_rt_shutdown_err(err: &std::io::Error) -> bool {
    err.get_ref().is_some_and(|inner| {
        err.kind() == std::io::ErrorKind::Other
            && inner.source().is_none()
            && inner.to_string() == SHUTTING_DOWN
    })
}

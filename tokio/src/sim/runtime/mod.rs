//! The runtime: `Builder`, `Runtime`, `Handle`, each `block_on` one simulation.

mod builder;
mod handle;
#[allow(clippy::module_inception)]
mod runtime;

pub use self::builder::Builder;
pub use self::handle::{EnterGuard, Handle, RuntimeMetrics, TryCurrentError};
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

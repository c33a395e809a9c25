//! The simulated side: tokio's API on simloop (compiled under `--cfg simloop` only).

mod context;
mod entry;
pub mod net;
mod real_io;
pub mod runtime;
pub mod simulation;
pub mod task;

/// Empty, as tokio's own `stream` module: tokio keeps its `Stream` utilities in the
/// `tokio-stream` crate. Here so that a path naming it resolves as with tokio.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// #[allow(unused_imports)]
/// use tokio::stream;
/// ```
pub mod stream {}
pub mod time;

/// tokio's synchronisation primitives, re-exported: they are runtime-independent (they
/// park tasks through wakers only) and therefore as deterministic as the simulation that
/// polls them.
///
/// ```
/// let _m = simloop_tokio::sync::Mutex::new(0);
/// ```
pub mod sync {
    pub use tokio::sync::*;
}

/// tokio's I/O traits, utilities and in-memory pipes (`duplex`, `simplex`, `empty`,
/// `sink`, `repeat`), re-exported; they need no reactor (the simulated sockets of
/// [`net`] implement their traits). Real I/O (`stdin`, files) is not simulated.
///
/// ```
/// let (_a, _b) = simloop_tokio::io::duplex(64);
/// ```
pub mod io {
    pub use tokio::io::*;
}

// Files, processes and signals are not simulated. Files are tokio's own module (on
// tokio's blocking threads); processes and signals are tokio's own objects on the
// runtime's real reactor thread (`real_io`); `process::Command` is wrapped, to pace the
// runtime's clock, and the signals' constructors, to turn its reactor when it idles. `net` is simulated (`net/`).
#[cfg(feature = "fs")]
pub use tokio::fs;
#[cfg(feature = "process")]
pub mod process;
#[cfg(feature = "signal")]
pub mod signal;

pub use self::task::spawn;
pub use simloop_tokio_macros::{main, test};
pub use tokio::{pin, task_local};

// Public and hidden as tokio's is: code outside tokio names `tokio::macros::support`
// (tokio's own `async_send_sync` test names its `poll_fn`).
#[macro_use]
#[doc(hidden)]
pub mod macros;
mod macros_support;

#[doc(hidden)]
pub mod __private {
    pub use crate::sim::entry::{TestConfig, TestOutput, run_main, run_test};
    pub use crate::sim::macros_support::{MaybeDone, budget_available, pin_project, select_start};
    pub use simloop_tokio_macros::{join_impl, select_impl, try_join_impl};
}

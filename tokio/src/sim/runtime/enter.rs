//! `EnterGuard`: the current runtime, entered until the guard drops.

use super::Handle;
use crate::sim::context;

/// The guard of [`Handle::enter`] and `Runtime::enter`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let guard = rt.enter();
/// assert!(tokio::runtime::Handle::try_current().is_ok());
/// drop(guard);
/// assert!(tokio::runtime::Handle::try_current().is_err());
/// ```
#[derive(Debug)]
pub struct EnterGuard<'a> {
    _entered: Entered,
    /// A `LocalRuntime`'s set, entered with it.
    pub(crate) _local: Option<crate::sim::task::LocalEnterGuard>,
    _handle: std::marker::PhantomData<&'a Handle>,
}

impl EnterGuard<'_> {
    /// The guard of a runtime entered `depth` deep (see [`context::push_entered`]).
    pub(crate) fn new(depth: usize) -> Self {
        EnterGuard {
            _entered: Entered(depth),
            _local: None,
            _handle: std::marker::PhantomData,
        }
    }
}

/// Leaves the entered runtime when dropped. (A field rather than `EnterGuard`'s own `Drop`:
/// the guard then does not keep its runtime borrowed while it drops, as tokio's does not,
/// so a runtime may be shut down while entered.)
/// The number of entered runtimes with this one (`Handle::enter`'s nesting depth).
#[derive(Debug)]
struct Entered(usize);

impl Drop for Entered {
    fn drop(&mut self) {
        if context::entered_depth() == self.0 {
            context::pop_entered();
        } else if std::thread::panicking() {
            // Unwinding from an out-of-order drop: leave the stack as deep as this guard
            // found it, quietly.
            context::truncate_entered(self.0.saturating_sub(1));
        } else {
            panic!(
                "`EnterGuard` values dropped out of order. Guards returned by `tokio::runtime::Handle::enter()` must be dropped in the reverse order as they were acquired."
            );
        }
    }
}

//! `EnterGuard`: the current runtime, entered until the guard drops.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::sync::MutexGuard;

use super::Handle;
use crate::sim::context;
use crate::sim::task::LocalEnterGuard;

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
    /// The runtime's real-I/O reactor, entered after it (so left first).
    _real_io: Option<crate::sim::real_io::EnteredIo<'a>>,
    _entered: Entered,
    /// A `LocalRuntime`'s set, entered with it.
    _local: Option<LocalEntered>,
    _handle: PhantomData<&'a Handle>,
    /// `!Send` and `Sync`, as tokio's guard is (it leaves the runtime of its thread).
    _not_send: PhantomData<MutexGuard<'static, ()>>,
}

impl<'a> EnterGuard<'a> {
    /// The guard of a runtime entered `depth` deep (see [`context::push_entered`]).
    pub(crate) fn new(depth: usize) -> Self {
        EnterGuard {
            _real_io: None,
            _entered: Entered(depth),
            _local: None,
            _handle: PhantomData,
            _not_send: PhantomData,
        }
    }

    /// Keeps the runtime's real-I/O reactor entered as long as the runtime is.
    pub(crate) fn with_real_io(mut self, entered: crate::sim::real_io::EnteredIo<'a>) -> Self {
        self._real_io = Some(entered);
        self
    }

    /// Keeps a `LocalRuntime`'s set entered as long as the runtime is.
    pub(crate) fn with_local(mut self, local: LocalEnterGuard) -> Self {
        self._local = Some(LocalEntered::new(local));
        self
    }
}

thread_local! {
    /// The sets entered with a `LocalRuntime` on this thread, by number.
    static LOCAL_GUARDS: RefCell<Vec<(u64, LocalEnterGuard)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LOCAL: Cell<u64> = const { Cell::new(0) };
}

/// A set's guard kept on its thread: a `LocalEnterGuard` is `!Sync`, while tokio's
/// `EnterGuard` is `Sync`, so the `EnterGuard` holds the number of a guard its thread
/// keeps (the `EnterGuard` is `!Send`: it drops on that thread).
#[derive(Debug)]
struct LocalEntered(u64);

impl LocalEntered {
    fn new(guard: LocalEnterGuard) -> Self {
        let key = NEXT_LOCAL.with(|n| n.replace(n.get() + 1));
        LOCAL_GUARDS.with(|g| g.borrow_mut().push((key, guard)));
        LocalEntered(key)
    }
}

impl Drop for LocalEntered {
    fn drop(&mut self) {
        let guard = LOCAL_GUARDS.try_with(|g| {
            let mut guards = g.borrow_mut();
            let at = guards.iter().position(|(k, _)| *k == self.0)?;
            Some(guards.remove(at))
        });
        // Dropped outside the borrow: leaving the set touches the thread's state.
        drop(guard);
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

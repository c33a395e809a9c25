//! Which runtime and which run the current thread is in.
//!
//! A run (one simulation) is entered by `Runtime::block_on` or an explored test; while it
//! runs, `RUN` names its runtime handle and where its virtual clock starts. `Runtime::enter`
//! pushes a handle without a run: spawns then wait in the runtime until its next run.

use std::cell::{Cell, RefCell};

use super::runtime::Handle;

/// The run in progress on this thread.
#[derive(Clone)]
pub(crate) struct Run {
    pub(crate) handle: Handle,
    /// The real instant the virtual clock's zero stands for (tokio's `Instant` wraps
    /// `std::time::Instant`).
    pub(crate) origin: std::time::Instant,
    /// Distinguishes this run from earlier ones (task handles remember their run).
    pub(crate) number: u64,
    /// The thread drives the runtime as its worker (`Runtime::block_on` of a current-thread
    /// runtime, a test), rather than merely blocking on it (`Handle::block_on`).
    pub(crate) worker: bool,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    static ENTERED: RefCell<Vec<Handle>> = const { RefCell::new(Vec::new()) };
    static RUNS: Cell<u64> = const { Cell::new(0) };
}

/// `f` applied to the run in progress, if any (no clone).
pub(crate) fn with_run<R>(f: impl FnOnce(&Run) -> R) -> Option<R> {
    RUN.try_with(|r| r.borrow().as_ref().map(f)).ok().flatten()
}

/// The number of the run in progress, or 0.
pub(crate) fn run_number() -> u64 {
    with_run(|r| r.number).unwrap_or(0)
}

/// Makes `handle` the runtime of a new run on this thread until the guard drops.
pub(crate) fn enter_run(handle: Handle, origin: std::time::Instant, worker: bool) -> RunGuard {
    let number = RUNS.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let previous = RUN.with(|r| {
        r.borrow_mut().replace(Run {
            handle,
            origin,
            number,
            worker,
        })
    });
    RunGuard { previous }
}

/// Restores the previous run (normally none) when dropped.
pub(crate) struct RunGuard {
    previous: Option<Run>,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = RUN.try_with(|r| *r.borrow_mut() = previous);
    }
}

/// The handle of the runtime this thread is in: the run's, else the innermost entered.
pub(crate) fn current_handle() -> Option<Handle> {
    if let Some(h) = with_run(|r| r.handle.clone()) {
        return Some(h);
    }
    ENTERED
        .try_with(|e| e.borrow().last().cloned())
        .ok()
        .flatten()
}

/// Pushes an entered handle (`Runtime::enter`).
pub(crate) fn push_entered(handle: Handle) {
    ENTERED.with(|e| e.borrow_mut().push(handle));
}

/// Pops the innermost entered handle.
pub(crate) fn pop_entered() {
    let _ = ENTERED.try_with(|e| e.borrow_mut().pop());
}

/// tokio's message when a runtime-bound function runs outside a runtime.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

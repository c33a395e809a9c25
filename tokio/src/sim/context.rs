//! Which runtime and which run the current thread is in.
//!
//! A run (one simulation) is entered by `Runtime::block_on` or an explored test; while it
//! runs, `RUN` names its runtime handle and where its virtual clock starts. `Runtime::enter`
//! pushes a handle without a run: spawns then wait in the runtime until its next run.

use std::cell::{Cell, RefCell};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// The run waits for other threads' wakes (a `block_on`'s): `spawn_blocking` closures
    /// run on threads of their own. An explored run accepts none, and runs them as tasks.
    pub(crate) threads: bool,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    /// `RUN`'s number, 0 without a run: read at every task poll, without a borrow.
    static NUMBER: Cell<u64> = const { Cell::new(0) };
    static ENTERED: RefCell<Vec<Handle>> = const { RefCell::new(Vec::new()) };
}

/// Numbers runs, process-wide (a task handle remembers its run's number, and may be used
/// on another thread).
static RUNS: AtomicU64 = AtomicU64::new(1);

/// The runs in progress, on every thread, by number: how a handle used on another thread
/// (or outside the run) reaches its task's run.
static IN_PROGRESS: Mutex<Vec<(u64, Handle)>> = Mutex::new(Vec::new());

fn in_progress() -> std::sync::MutexGuard<'static, Vec<(u64, Handle)>> {
    IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The runtime handle of run `number`, if it is in progress (on any thread).
pub(crate) fn run_handle(number: u64) -> Option<Handle> {
    in_progress()
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, h)| h.clone())
}

/// `f` applied to the run in progress, if any (no clone).
pub(crate) fn with_run<R>(f: impl FnOnce(&Run) -> R) -> Option<R> {
    RUN.try_with(|r| r.borrow().as_ref().map(f)).ok().flatten()
}

/// The number of the run in progress, or 0.
#[inline]
pub(crate) fn run_number() -> u64 {
    NUMBER.try_with(Cell::get).unwrap_or(0)
}

/// Sets `RUN` (and its number).
fn set_run(run: Option<Run>) -> Option<Run> {
    let _ = NUMBER.try_with(|n| n.set(run.as_ref().map_or(0, |r| r.number)));
    RUN.try_with(|r| std::mem::replace(&mut *r.borrow_mut(), run))
        .ok()
        .flatten()
}

/// Makes `handle` the runtime of a new run on this thread until the guard drops.
pub(crate) fn enter_run(
    handle: Handle,
    origin: std::time::Instant,
    worker: bool,
    threads: bool,
) -> RunGuard {
    let number = RUNS.fetch_add(1, Ordering::Relaxed);
    in_progress().push((number, handle.clone()));
    super::time::reset_busy(handle.is_paused());
    let previous = set_run(Some(Run {
        handle,
        origin,
        number,
        worker,
        threads,
    }));
    RunGuard { previous, number }
}

/// Restores the previous run (normally none) when dropped.
pub(crate) struct RunGuard {
    previous: Option<Run>,
    number: u64,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        in_progress().retain(|(n, _)| *n != self.number);
        let previous = self.previous.take();
        if let Some(run) = &previous {
            super::time::reset_busy(run.handle.is_paused());
        }
        set_run(previous);
    }
}

/// Runs `f` with this thread's run set aside (a blocking call inside one of its tasks,
/// `block_in_place`): inside, no run is in progress here and the run's runtime is merely
/// entered, so `f` may block on a runtime (another run) and its spawns wait for the run.
pub(crate) fn set_aside<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Run>);

    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(run) = self.0.take() {
                pop_entered();
                // A run nested in the closure counted its own polls.
                super::time::reset_busy(run.handle.is_paused());
                set_run(Some(run));
            }
        }
    }

    let run = set_run(None);
    if let Some(run) = &run {
        push_entered(run.handle.clone());
    }
    let _restore = Restore(run);
    simloop::task::set_aside(f)
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

/// Pushes an entered handle (`Runtime::enter`); gives the number entered with it.
pub(crate) fn push_entered(handle: Handle) -> usize {
    // `try_with`: a runtime may be dropped by a thread-local's destructor, after this one's.
    ENTERED
        .try_with(|e| {
            let mut e = e.borrow_mut();
            e.push(handle);
            e.len()
        })
        .unwrap_or(0)
}

/// The number of entered handles.
pub(crate) fn entered_depth() -> usize {
    ENTERED.try_with(|e| e.borrow().len()).unwrap_or(0)
}

/// Leaves the handles entered past the first `depth`.
pub(crate) fn truncate_entered(depth: usize) {
    let _ = ENTERED.try_with(|e| e.borrow_mut().truncate(depth));
}

/// Pops the innermost entered handle.
pub(crate) fn pop_entered() {
    let _ = ENTERED.try_with(|e| e.borrow_mut().pop());
}

/// tokio's message when a runtime-bound function runs outside a runtime.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

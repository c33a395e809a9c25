//! Blocking work: a task of the simulation, as asyncio's `to_thread` is.

use std::cell::Cell;
use std::future::Future;

use super::JoinHandle;
use crate::sim::context::{self, NO_RUNTIME};

/// Runs a blocking closure as a task of the simulation (tokio runs it on a thread of its
/// blocking pool): it starts at its turn, like any spawned task, and holds the run's only
/// thread while it runs, so it must not wait for other tasks.
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::current_handle() {
        Some(handle) => handle.spawn_blocking(f),
        None => panic!("{NO_RUNTIME}"),
    }
}

thread_local! {
    /// A blocking closure of `spawn_blocking` runs on this thread (not on a worker).
    static BLOCKING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `spawn_blocking`'s closure, marked as blocking work while it runs (tokio runs it on
/// a thread of its blocking pool, which is no worker: `runtime::worker_index` is `None`).
pub(crate) fn run_blocking<R>(f: impl FnOnce() -> R) -> R {
    struct Unmark(bool);

    impl Drop for Unmark {
        fn drop(&mut self) {
            BLOCKING.set(self.0);
        }
    }

    let _unmark = Unmark(BLOCKING.replace(true));
    f()
}

/// Whether a `spawn_blocking` closure runs on this thread now.
pub(crate) fn in_blocking() -> bool {
    BLOCKING.get()
}

/// Runs a blocking closure in place (the run is single-threaded: there is no worker to
/// hand the other tasks to, so they wait until `f` returns). Inside `f` the runtime is
/// entered but no run is in progress: `f` may block on a runtime (`Handle::block_on`, a new
/// runtime's `block_on`), which runs a simulation of its own, and its spawns start when
/// the run resumes.
///
/// # Panics
///
/// On a current-thread runtime's worker (in its `Runtime::block_on` or one of its tasks)
/// or inside a `LocalSet`, as tokio does.
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    // A current-thread runtime's worker (its `Runtime::block_on`, its tasks) has no other
    // worker to hand the tasks to; a `Handle::block_on`'s future runs on no worker.
    let current_worker = context::with_run(|r| {
        r.handle.runtime_flavor() == crate::sim::runtime::RuntimeFlavor::CurrentThread
            && (r.worker || super::try_id().is_some())
    });
    if current_worker == Some(true) || (current_worker.is_some() && super::local::in_local_set()) {
        panic!("can call blocking only when running on the multi-threaded runtime");
    }
    // tokio lifts the cooperative budget while `f` blocks (a blocking loop over tokio's
    // channels must not run out of it) and puts it back after: `f` runs inside one poll of
    // an `unconstrained` future, which does both. The run is set aside meanwhile, so that
    // `f` may block on a runtime (a run of its own) as it may under tokio.
    let mut f = Some(f);
    let mut once = std::pin::pin!(tokio::task::unconstrained(std::future::poll_fn(|_| {
        std::task::Poll::Ready(context::set_aside(f.take().expect("polled once")))
    })));
    match once
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(r) => r,
        std::task::Poll::Pending => unreachable!("a poll_fn that is always ready"),
    }
}

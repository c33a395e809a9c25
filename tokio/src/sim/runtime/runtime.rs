//! `Runtime`: owns a handle; each `block_on` is one simulation.

use std::future::Future;
use std::time::Duration;

use super::{EnterGuard, Handle, RuntimeFlavor};
use crate::sim::task::JoinHandle;

/// A simulated tokio runtime.
///
/// Each [`Runtime::block_on`] runs one simulation: the future and the tasks it spawns run on
/// the virtual clock under the run's scheduler. The clock goes on from one `block_on` to
/// the next. Tasks still alive when a `block_on` returns stay in the runtime, as tokio's
/// do, and go on in its next run (where each is polled again at its turn, woken or not:
/// the wakers it left belonged to the ended run); the runtime's drop drops them.
#[derive(Debug)]
pub struct Runtime {
    handle: Handle,
    /// Shut down by `shutdown_timeout`/`shutdown_background`, which tokio allows inside an
    /// asynchronous context (a plain drop there panics).
    explicit_shutdown: bool,
}

impl Runtime {
    /// A multi-thread runtime (simulated on one thread), tokio's default.
    pub fn new() -> std::io::Result<Runtime> {
        let rt = Runtime::with(RuntimeFlavor::MultiThread, false, true);
        rt.handle
            .set_workers(std::thread::available_parallelism().map_or(1, |n| n.get()));
        Ok(rt)
    }

    pub(crate) fn with(flavor: RuntimeFlavor, paused: bool, time: bool) -> Runtime {
        Runtime {
            handle: Handle::with(flavor, paused, time),
            explicit_shutdown: false,
        }
    }

    /// Runs `future` to completion as one simulation (see [`Handle::block_on`]).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        // A current-thread runtime's `block_on` drives it as its worker, unless another
        // thread's `block_on` has its core (this one then only blocks on it, as in tokio).
        struct GiveBack<'a>(Option<&'a Handle>);

        impl Drop for GiveBack<'_> {
            fn drop(&mut self) {
                if let Some(handle) = self.0 {
                    handle.give_core_back();
                }
            }
        }

        let worker =
            self.handle.runtime_flavor() == RuntimeFlavor::CurrentThread && self.handle.take_core();
        let _give_back = GiveBack(worker.then_some(&self.handle));
        self.handle.run(future, worker)
    }

    /// Spawns a task; it starts with the next `block_on` unless one is running here.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure as a task.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// Makes this the current runtime until the guard drops.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Shuts the runtime down: tasks that never started are dropped, and blocking
    /// closures still running get up to `duration` to end (then they are left running).
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.explicit_shutdown = true;
        self.handle.shut_down();
        self.handle.wait_for_blocking(Some(duration));
    }

    /// Shuts the runtime down without waiting.
    pub fn shutdown_background(mut self) {
        self.explicit_shutdown = true;
    }

    /// Counters of the runtime.
    pub fn metrics(&self) -> super::RuntimeMetrics {
        self.handle.metrics()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if simloop::time::try_now().is_some()
            && !self.explicit_shutdown
            && !std::thread::panicking()
        {
            panic!(
                "Cannot drop a runtime in a context where blocking is not allowed. This happens when a runtime is dropped from within an asynchronous context."
            );
        }
        let waits = !self.explicit_shutdown && !self.handle.is_shut_down();
        self.handle.shut_down();
        if waits {
            // As tokio's drop: the blocking closures still running end first.
            self.handle.wait_for_blocking(None);
        }
    }
}

//! `LocalRuntime`: a current-thread runtime whose `block_on` runs inside a `LocalSet`, so
//! `spawn_local` works without one.

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;
use std::time::Duration;

use super::{EnterGuard, Handle, Runtime, RuntimeFlavor, RuntimeMetrics};
use crate::sim::task::{JoinHandle, LocalSet};

/// Options of `Builder::build_local` (none yet, as in tokio).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct LocalOptions {
    _private: PhantomData<Rc<()>>,
}

/// A runtime whose tasks need not be `Send`.
#[derive(Debug)]
pub struct LocalRuntime {
    rt: Runtime,
    local: LocalSet,
}

impl LocalRuntime {
    /// A local runtime with timers.
    pub fn new() -> std::io::Result<LocalRuntime> {
        Ok(LocalRuntime::from(Runtime::with(
            RuntimeFlavor::CurrentThread,
            false,
            true,
        )))
    }

    pub(crate) fn from(rt: Runtime) -> LocalRuntime {
        rt.handle().set_local_owner();
        LocalRuntime {
            rt,
            local: LocalSet::new(),
        }
    }

    /// The runtime's handle.
    pub fn handle(&self) -> &Handle {
        self.rt.handle()
    }

    /// Spawns a `!Send` task.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local.spawn_local(future)
    }

    /// Runs a blocking closure as a task.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt.spawn_blocking(f)
    }

    /// Runs `future` to completion as one simulation, with the runtime's `LocalSet`
    /// current.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.local.block_on(&self.rt, future)
    }

    /// Makes this the current runtime, and its `LocalSet` the current set (so
    /// `spawn_local` works), until the guard drops.
    pub fn enter(&self) -> EnterGuard<'_> {
        let mut guard = self.rt.enter();
        guard._local = Some(self.local.enter());
        guard
    }

    /// Shuts the runtime down.
    pub fn shutdown_timeout(self, _duration: Duration) {}

    /// Shuts the runtime down without waiting.
    pub fn shutdown_background(self) {}

    /// Counters of the runtime.
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt.metrics()
    }
}

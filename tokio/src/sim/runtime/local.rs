//! `LocalRuntime`: a current-thread runtime whose `block_on` runs inside a `LocalSet`, so
//! `spawn_local` works without one.

use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::time::Duration;

use super::{EnterGuard, Handle, Runtime, RuntimeFlavor, RuntimeMetrics};
use crate::sim::task::{JoinHandle, LocalSet};

/// Options of `Builder::build_local` (none yet, as in tokio).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::runtime::{Builder, LocalOptions};
///
/// let rt = Builder::new_current_thread().build_local(LocalOptions::default()).unwrap();
/// assert_eq!(rt.block_on(async { 1 }), 1);
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct LocalOptions {
    _private: PhantomData<Rc<()>>,
}

/// A runtime whose tasks need not be `Send`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::rc::Rc;
///
/// let rt = tokio::runtime::LocalRuntime::new().unwrap();
/// let shared = Rc::new(5);
/// let task = rt.spawn_local({
///     let shared = shared.clone();
///     async move { *shared * 2 }
/// });
/// assert_eq!(rt.block_on(task).unwrap(), 10);
/// ```
#[derive(Debug)]
pub struct LocalRuntime {
    rt: Runtime,
    /// Asserted unwind-safe so that the runtime is `UnwindSafe` and `RefUnwindSafe`, as
    /// tokio's: the set's only interior state is its queue of tasks not yet started (a
    /// `RefCell` no panic leaves borrowed), so a runtime used after a panic caught around
    /// its `block_on` sees no broken invariant.
    local: AssertUnwindSafe<LocalSet>,
}

impl LocalRuntime {
    /// A local runtime with timers.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// rt.block_on(async { tokio::time::sleep(std::time::Duration::from_secs(1)).await });
    /// ```
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
            local: AssertUnwindSafe(LocalSet::new()),
        }
    }

    /// The runtime's handle.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::runtime::{LocalRuntime, RuntimeFlavor};
    ///
    /// let rt = LocalRuntime::new().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt.handle()
    }

    /// Spawns a `!Send` task (it starts with the next `block_on`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.spawn_local(async { std::rc::Rc::new("local") });
    /// assert_eq!(*rt.block_on(task).unwrap(), "local");
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local.spawn_local(future)
    }

    /// Runs a blocking closure on a thread of its own (see `Handle::spawn_blocking`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// let task = rt.spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// let out = rt.block_on(async { tokio::task::spawn_local(async { 7 }).await.unwrap() });
    /// assert_eq!(out, 7);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.local.block_on(&self.rt, future)
    }

    /// Makes this the current runtime, and its `LocalSet` the current set (so
    /// `spawn_local` works), until the guard drops.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// let task = {
    ///     let _guard = rt.enter();
    ///     tokio::task::spawn_local(async { 8 })
    /// };
    /// assert_eq!(rt.block_on(task).unwrap(), 8);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.rt.enter().with_local(self.local.enter())
    }

    /// Shuts the runtime down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_timeout(std::time::Duration::from_secs(1));
    /// ```
    pub fn shutdown_timeout(self, _duration: Duration) {}

    /// Shuts the runtime down without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// tokio::runtime::LocalRuntime::new().unwrap().shutdown_background();
    /// ```
    pub fn shutdown_background(self) {}

    /// Counters of the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt.metrics()
    }
}

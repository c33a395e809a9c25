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
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Runtime::new().unwrap();
/// let answer = rt.block_on(async {
///     let task = tokio::spawn(async {
///         tokio::time::sleep(Duration::from_millis(10)).await;
///         42
///     });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[derive(Debug)]
pub struct Runtime {
    handle: Handle,
    /// Shut down by `shutdown_timeout`/`shutdown_background`, which tokio allows inside an
    /// asynchronous context (a plain drop there panics).
    explicit_shutdown: bool,
}

impl Runtime {
    /// A multi-thread runtime (simulated on one thread), tokio's default.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    /// ```
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
    ///
    /// # Examples
    ///
    /// A task still alive when `block_on` returns goes on in the next one:
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let task = rt.block_on(async {
    ///     tokio::spawn(async {
    ///         tokio::time::sleep(Duration::from_secs(1)).await;
    ///         "late"
    ///     })
    /// });
    /// assert_eq!(rt.block_on(task).unwrap(), "late");
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let task = rt.spawn(async { "spawned" });
    /// assert_eq!(rt.block_on(task).unwrap(), "spawned");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on a thread of its own (see [`Handle::spawn_blocking`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let task = rt.spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// Makes this the current runtime until the guard drops.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// let task = tokio::spawn(async { 3 });
    /// assert_eq!(rt.block_on(task).unwrap(), 3);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// The runtime's handle.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || assert_eq!(handle.block_on(async { 5 }), 5)).join().unwrap();
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Shuts the runtime down: tasks that never started are dropped, and blocking
    /// closures still running get up to `duration` to end (then they are left running).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let never_started = rt.spawn(async {});
    /// rt.shutdown_timeout(Duration::from_secs(1));
    /// assert!(never_started.is_finished());
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.explicit_shutdown = true;
        self.handle.shut_down();
        self.handle.wait_for_blocking(Some(duration));
    }

    /// Shuts the runtime down without waiting.
    ///
    /// # Examples
    ///
    /// It may be called inside an asynchronous context, where dropping a runtime panics:
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let outer = tokio::runtime::Runtime::new().unwrap();
    /// outer.block_on(async {
    ///     let inner = tokio::runtime::Runtime::new().unwrap();
    ///     inner.shutdown_background();
    /// });
    /// ```
    pub fn shutdown_background(mut self) {
        self.explicit_shutdown = true;
    }

    /// Counters of the runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
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

//! `RuntimeMetrics`: the few of tokio's runtime counters the simulation keeps.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Handle, RuntimeFlavor};

/// A few of tokio's runtime counters.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let metrics = rt.metrics();
/// let task = rt.spawn(async {});
/// assert_eq!(metrics.num_alive_tasks(), 1);
/// assert_eq!(metrics.global_queue_depth(), 1);
/// rt.block_on(task).unwrap();
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// assert_eq!(metrics.worker_park_count(0), 1);
/// ```
#[derive(Debug, Clone)]
pub struct RuntimeMetrics {
    handle: Handle,
    workers: usize,
    alive: Arc<AtomicUsize>,
    activity: Arc<Mutex<(u64, Duration)>>,
}

impl RuntimeMetrics {
    pub(crate) fn new(
        handle: Handle,
        workers: usize,
        alive: Arc<AtomicUsize>,
        activity: Arc<Mutex<(u64, Duration)>>,
    ) -> RuntimeMetrics {
        RuntimeMetrics {
            handle,
            workers,
            alive,
            activity,
        }
    }

    /// The number of workers: 1 for a current-thread runtime, else what the builder asked
    /// for (the simulation runs them all on one thread).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 4);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.workers
    }

    /// The number of tasks spawned and not yet ended.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(metrics.num_alive_tasks(), 1);
    /// task.abort();
    /// assert_eq!(metrics.num_alive_tasks(), 1); // until its runtime's next run cancels it
    /// let _ = rt.block_on(task);
    /// assert_eq!(metrics.num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.alive.load(Ordering::Relaxed)
    }

    /// The tasks waiting for the runtime's next run (spawned while no run is in progress
    /// here, or from another thread during one): tokio's global queue.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// let task = rt.spawn(async {});
    /// assert_eq!(metrics.global_queue_depth(), 1); // waiting for a run
    /// rt.block_on(task).unwrap();
    /// assert_eq!(metrics.global_queue_depth(), 0);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.handle.pending_len()
    }

    /// The wall time the runtime spent running (all its runs; every worker reports it,
    /// the simulation running them on one thread). A measurement, never read by a run.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { tokio::task::yield_now().await });
    /// assert!(rt.metrics().worker_total_busy_duration(0) > std::time::Duration::ZERO);
    /// ```
    pub fn worker_total_busy_duration(&self, _worker: usize) -> Duration {
        lock(&self.activity).1
    }

    /// How many times a worker parked: at the end of each run and, on a multi-thread
    /// runtime (whose workers idle until work comes), once when the runtime was built.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.worker_park_count(1), 1);
    /// rt.block_on(async {});
    /// assert_eq!(metrics.worker_park_count(1), 2);
    /// ```
    pub fn worker_park_count(&self, _worker: usize) -> u64 {
        self.parked_at_start() + lock(&self.activity).0
    }

    /// Parks and unparks together, odd while the worker is parked: a run unparks and
    /// parks again; a multi-thread runtime's workers also park when it is built and
    /// unpark when it shuts down.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.worker_park_unpark_count(0), 1); // parked, waiting for work
    /// rt.block_on(async {});
    /// assert_eq!(metrics.worker_park_unpark_count(0), 3);
    /// drop(rt);
    /// assert_eq!(metrics.worker_park_unpark_count(0), 4); // unparked to shut down
    /// ```
    pub fn worker_park_unpark_count(&self, _worker: usize) -> u64 {
        let parked = self.parked_at_start();
        let shut_down = parked * u64::from(self.handle.is_shut_down());
        parked + 2 * lock(&self.activity).0 + shut_down
    }

    /// 1 on a multi-thread runtime, whose workers park as it starts; 0 on a current-thread
    /// one, whose worker is the thread of its `block_on`.
    fn parked_at_start(&self) -> u64 {
        u64::from(self.handle.runtime_flavor() == RuntimeFlavor::MultiThread)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

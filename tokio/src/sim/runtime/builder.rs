//! `Builder`: tokio's runtime options, accepted; the simulation uses the flavor and
//! `start_paused`.

use std::sync::Arc;

use super::park::ThreadHooks;
use super::{Runtime, RuntimeFlavor};

/// Builds a [`Runtime`]. The simulation runs on the calling thread: thread names, stack
/// sizes and the scheduler's tuning are accepted and ignored, the worker count is what the
/// metrics report, and the thread hooks are called as each method says.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_multi_thread()
///     .worker_threads(8)
///     .thread_name("worker")
///     .enable_all()
///     .build()
///     .unwrap();
/// rt.block_on(async { tokio::time::sleep(Duration::from_secs(1)).await });
/// assert_eq!(rt.metrics().num_workers(), 8);
/// ```
#[derive(Debug)]
pub struct Builder {
    flavor: RuntimeFlavor,
    start_paused: bool,
    time: bool,
    /// `enable_io`: without it, sockets panic as tokio's do.
    io: bool,
    name: Option<String>,
    workers: Option<usize>,
    hooks: ThreadHooks,
}

macro_rules! accepted {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&mut self, $($arg: $ty),*) -> &mut Builder {
                $(let _ = $arg;)*
                self
            }
        )*
    };
}

impl Builder {
    /// A builder of a current-thread runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { "ran" }), "ran");
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder {
            flavor: RuntimeFlavor::CurrentThread,
            start_paused: false,
            time: false,
            io: false,
            name: None,
            workers: None,
            hooks: ThreadHooks::default(),
        }
    }

    /// A builder of a multi-thread runtime (simulated on one thread).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::runtime::{Builder, RuntimeFlavor};
    ///
    /// let rt = Builder::new_multi_thread().build().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder {
            flavor: RuntimeFlavor::MultiThread,
            start_paused: false,
            time: false,
            io: false,
            name: None,
            workers: None,
            hooks: ThreadHooks::default(),
        }
    }

    /// Starts the clock paused (tokio's `test-util`); the simulated clock is virtual anyway,
    /// this sets what `time::pause`/`resume`/`advance` accept.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    /// use tokio::time::Instant;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .start_paused(true)
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async {
    ///     let start = Instant::now();
    ///     tokio::time::advance(Duration::from_secs(10)).await;
    ///     assert_eq!(start.elapsed(), Duration::from_secs(10));
    /// });
    /// ```
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Builder {
        self.start_paused = start_paused;
        self
    }

    /// Enables timers and the simulated network (files, processes and signals are not
    /// simulated).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async { tokio::time::sleep(std::time::Duration::from_secs(1)).await });
    /// ```
    pub fn enable_all(&mut self) -> &mut Builder {
        self.time = true;
        self.io = true;
        self
    }

    /// Enables timers, on the virtual clock; without it, creating a timer panics as in
    /// tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let out = rt.block_on(async { tokio::time::timeout(Duration::from_secs(1), async { 1 }).await });
    /// assert_eq!(out, Ok(1));
    /// ```
    pub fn enable_time(&mut self) -> &mut Builder {
        self.time = true;
        self
    }

    /// Enables I/O: the runtime's simulated network (`tokio::net`); without it, creating
    /// a socket panics as in tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn enable_io(&mut self) -> &mut Builder {
        self.io = true;
        self
    }

    accepted! {
        /// Accepted and ignored.
        ///
        /// # Examples
        ///
        /// ```
        /// # use simloop_tokio as tokio;
        /// let rt = tokio::runtime::Builder::new_multi_thread()
        ///     .thread_stack_size(4 << 20)
        ///     .build()
        ///     .unwrap();
        /// assert_eq!(rt.block_on(async { 1 }), 1);
        /// ```
        thread_stack_size(n: usize);
        /// Accepted and ignored.
        ///
        /// # Examples
        ///
        /// ```
        /// # use simloop_tokio as tokio;
        /// let rt = tokio::runtime::Builder::new_multi_thread()
        ///     .thread_keep_alive(std::time::Duration::from_secs(10))
        ///     .build()
        ///     .unwrap();
        /// assert_eq!(rt.block_on(async { 1 }), 1);
        /// ```
        thread_keep_alive(d: std::time::Duration);
        /// Accepted and ignored.
        ///
        /// # Examples
        ///
        /// ```
        /// # use simloop_tokio as tokio;
        /// let rt = tokio::runtime::Builder::new_multi_thread().disable_lifo_slot().build().unwrap();
        /// assert_eq!(rt.block_on(async { 1 }), 1);
        /// ```
        disable_lifo_slot();
    }

    /// The number of workers the runtime reports (`RuntimeMetrics::num_workers`); the
    /// simulation runs them all on one thread.
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(3).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 3);
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "Worker threads cannot be set to 0");
        self.workers = Some(n);
        self
    }

    /// Builds a [`super::LocalRuntime`] (a current-thread runtime whose tasks need not be
    /// `Send`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use tokio::runtime::{Builder, LocalOptions};
    ///
    /// let rt = Builder::new_current_thread().build_local(LocalOptions::default()).unwrap();
    /// let task = rt.spawn_local(async { std::rc::Rc::new(1) });
    /// assert_eq!(*rt.block_on(task).unwrap(), 1);
    /// ```
    pub fn build_local(
        &mut self,
        _options: super::LocalOptions,
    ) -> std::io::Result<super::LocalRuntime> {
        Ok(super::LocalRuntime::from(self.build()?))
    }

    /// Names the runtime ([`super::Handle::name`]).
    ///
    /// # Panics
    ///
    /// When the name is blank, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().name("api").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("api"));
    /// ```
    #[track_caller]
    pub fn name(&mut self, name: impl Into<String>) -> &mut Builder {
        let name = name.into();
        assert!(!name.trim().is_empty(), "runtime name shouldn't be empty");
        self.name = Some(name);
        self
    }

    /// Accepted and ignored (real I/O is not simulated).
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .max_io_events_per_tick(512)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "max_io_events_per_tick must be non-zero");
        self
    }

    /// Accepted and ignored (real I/O is not simulated).
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .max_io_events_per_busy_tick(64)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "max_io_events_per_busy_tick must be non-zero");
        self
    }

    /// Accepted and ignored (blocking work runs as tasks).
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .max_blocking_threads(4)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(rt.spawn_blocking(|| 2)).unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "Max blocking threads cannot be set to 0");
        self
    }

    /// Accepted and ignored.
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .global_queue_interval(31)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, n: u32) -> &mut Builder {
        assert!(n > 0, "global_queue_interval must be greater than 0");
        self
    }

    /// Accepted and ignored.
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .event_interval(61)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, n: u32) -> &mut Builder {
        assert!(n > 0, "event_interval must be greater than 0");
        self
    }

    /// Accepted and ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .thread_name("api-worker")
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        let _ = name.into();
        self
    }

    /// Accepted and ignored.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .thread_name_fn(|| "api-worker".to_string())
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { 1 }), 1);
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        drop(f);
        self
    }

    /// Calls `f` once for each worker of a multi-thread runtime as `build` starts it, as
    /// tokio's workers call it when their threads start. The simulated workers have no
    /// threads of their own: `f` runs on the thread that calls `build`. A current-thread
    /// runtime starts no worker (its worker is the thread of its `block_on`), and
    /// `spawn_blocking`'s threads do not call it.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let (started, stopped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    /// let (s, t) = (started.clone(), stopped.clone());
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .worker_threads(3)
    ///     .on_thread_start(move || {
    ///         s.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .on_thread_stop(move || {
    ///         t.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(started.load(Ordering::Relaxed), 3);
    /// drop(rt);
    /// assert_eq!(stopped.load(Ordering::Relaxed), 3);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.start = Some(Arc::new(f));
        self
    }

    /// Calls `f` once for each worker of a multi-thread runtime as it shuts down (its drop,
    /// `shutdown_timeout`, `shutdown_background`), on the thread that shuts it down; see
    /// [`Builder::on_thread_start`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let stopped = Arc::new(AtomicUsize::new(0));
    /// let counted = stopped.clone();
    /// let rt = tokio::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .on_thread_stop(move || {
    ///         counted.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.shutdown_background();
    /// assert_eq!(stopped.load(Ordering::Relaxed), 2);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.stop = Some(Arc::new(f));
        self
    }

    /// Calls `f` when the runtime has nothing to run, as a tokio worker does before it
    /// parks: in a run, when no task is ready, before the virtual clock advances (what `f`
    /// spawns or wakes runs first).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::time::Duration;
    ///
    /// let parks = Arc::new(AtomicUsize::new(0));
    /// let counted = parks.clone();
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .on_thread_park(move || {
    ///         counted.fetch_add(1, Ordering::Relaxed);
    ///     })
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { tokio::time::sleep(Duration::from_secs(1)).await });
    /// // Idle once: before the clock jumped to the sleep's deadline.
    /// assert_eq!(parks.load(Ordering::Relaxed), 1);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.park = Some(Arc::new(f));
        self
    }

    /// Calls `f` after each park (see [`Builder::on_thread_park`]), as a tokio worker does
    /// when it wakes: the simulated park takes no time, so right after the park hook.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    ///
    /// let log = Arc::new(Mutex::new(Vec::new()));
    /// let (park, unpark) = (log.clone(), log.clone());
    /// let rt = tokio::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .on_thread_park(move || park.lock().unwrap().push("park"))
    ///     .on_thread_unpark(move || unpark.lock().unwrap().push("unpark"))
    ///     .build()
    ///     .unwrap();
    /// rt.block_on(async { tokio::time::sleep(Duration::from_secs(1)).await });
    /// assert_eq!(*log.lock().unwrap(), ["park", "unpark"]);
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.unpark = Some(Arc::new(f));
        self
    }

    /// The runtime.
    ///
    /// # Errors
    ///
    /// Never in the simulation (tokio's fails when the OS refuses a thread or a driver).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { 2 }), 2);
    /// ```
    pub fn build(&mut self) -> std::io::Result<Runtime> {
        let rt = Runtime::with(self.flavor, self.start_paused, self.time);
        rt.handle().set_name(self.name.clone());
        rt.handle().set_park_hooks(self.hooks.clone());
        rt.handle().set_io(self.io);
        let workers = match self.flavor {
            RuntimeFlavor::CurrentThread => 1,
            RuntimeFlavor::MultiThread => self
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        };
        rt.handle().set_workers(workers);
        if let (RuntimeFlavor::MultiThread, Some(start)) = (self.flavor, &self.hooks.start) {
            for _ in 0..workers {
                start();
            }
        }
        Ok(rt)
    }
}

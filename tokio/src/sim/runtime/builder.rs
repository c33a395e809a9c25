//! `Builder`: tokio's runtime options, accepted; the simulation uses the flavor and
//! `start_paused`.

use std::sync::Arc;

use super::park::ParkHooks;
use super::{Runtime, RuntimeFlavor};

/// Builds a [`Runtime`]. Thread counts, names and hooks are accepted and ignored: the
/// simulation runs on the calling thread.
#[derive(Debug)]
pub struct Builder {
    flavor: RuntimeFlavor,
    start_paused: bool,
    time: bool,
    name: Option<String>,
    workers: Option<usize>,
    hooks: ParkHooks,
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
    pub fn new_current_thread() -> Builder {
        Builder {
            flavor: RuntimeFlavor::CurrentThread,
            start_paused: false,
            time: false,
            name: None,
            workers: None,
            hooks: ParkHooks::default(),
        }
    }

    /// A builder of a multi-thread runtime (simulated on one thread).
    pub fn new_multi_thread() -> Builder {
        Builder {
            flavor: RuntimeFlavor::MultiThread,
            start_paused: false,
            time: false,
            name: None,
            workers: None,
            hooks: ParkHooks::default(),
        }
    }

    /// Starts the clock paused (tokio's `test-util`); the simulated clock is virtual anyway,
    /// this sets what `time::pause`/`resume`/`advance` accept.
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Builder {
        self.start_paused = start_paused;
        self
    }

    /// Enables timers (real I/O is not simulated).
    pub fn enable_all(&mut self) -> &mut Builder {
        self.time = true;
        self
    }

    /// Enables timers, on the virtual clock; without it, creating a timer panics as in
    /// tokio.
    pub fn enable_time(&mut self) -> &mut Builder {
        self.time = true;
        self
    }

    accepted! {
        /// Accepted: real I/O is not simulated.
        enable_io();
        /// Accepted and ignored.
        thread_stack_size(n: usize);
        /// Accepted and ignored.
        thread_keep_alive(d: std::time::Duration);
        /// Accepted and ignored.
        disable_lifo_slot();
    }

    /// The number of workers the runtime reports (`RuntimeMetrics::num_workers`); the
    /// simulation runs them all on one thread.
    ///
    /// # Panics
    ///
    /// When `n` is zero, as tokio.
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Builder {
        assert!(n > 0, "Worker threads cannot be set to 0");
        self.workers = Some(n);
        self
    }

    /// Builds a [`super::LocalRuntime`] (a current-thread runtime whose tasks need not be
    /// `Send`).
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
    #[track_caller]
    pub fn event_interval(&mut self, n: u32) -> &mut Builder {
        assert!(n > 0, "event_interval must be greater than 0");
        self
    }

    /// Accepted and ignored.
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Builder {
        let _ = name.into();
        self
    }

    /// Accepted and ignored.
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        drop(f);
        self
    }

    /// Accepted and ignored (no worker threads start).
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        drop(f);
        self
    }

    /// Accepted and ignored.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        drop(f);
        self
    }

    /// Calls `f` when the runtime has nothing to run, as a tokio worker does before it
    /// parks: in a run, when no task is ready, before the virtual clock advances (what `f`
    /// spawns or wakes runs first).
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.park = Some(Arc::new(f));
        self
    }

    /// Calls `f` after each park (see [`Builder::on_thread_park`]), as a tokio worker does
    /// when it wakes: the simulated park takes no time, so right after the park hook.
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Builder
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.hooks.unpark = Some(Arc::new(f));
        self
    }

    /// The runtime.
    pub fn build(&mut self) -> std::io::Result<Runtime> {
        let rt = Runtime::with(self.flavor, self.start_paused, self.time);
        rt.handle().set_name(self.name.clone());
        rt.handle().set_park_hooks(self.hooks.clone());
        let workers = match self.flavor {
            RuntimeFlavor::CurrentThread => 1,
            RuntimeFlavor::MultiThread => self
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        };
        rt.handle().set_workers(workers);
        Ok(rt)
    }
}

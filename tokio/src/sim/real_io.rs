//! Real I/O inside a simulated run: tokio's own processes, signals, `AsyncFd` and pipes.
//!
//! A run is hosted in a real tokio runtime's `block_on` (`runtime::host_block_on`), so
//! tokio's own code in the run finds a runtime context. For a runtime built with I/O
//! (`enable_io`, `enable_all`) the host is the runtime's own [`RealIo`]: a tokio runtime
//! with tokio's I/O, signal and process drivers, driven by a thread of its own
//! (`simloop-tokio-io`, from a pool of idle driver threads), started at the runtime's
//! first run or `enter` and stopped when the simulated runtime shuts down. `Runtime::enter` enters it too ([`EnteredIo`]).
//! tokio's `process::Command::spawn`, `signal::unix::signal`, `signal::ctrl_c`,
//! `io::unix::AsyncFd::new` and `net::unix::pipe` take the current tokio runtime's handle
//! when they are created, so they register with that reactor; a simulated task polls them
//! with the simulation's waker, and when the reactor thread sees the event it wakes that
//! waker from its own thread, which lands in the run's remote-wake inbox
//! (`Sim::accept_remote_wakes`: the run waits up to 10 s for one when nothing else can go
//! on, rather than reporting a deadlock; a runtime that spawned a process waits as long as
//! it takes, as tokio would). When the simulated runtime is dropped, its
//! reactor stops, and what was registered there fails with tokio's shutdown error, as in
//! a dropped tokio runtime.
//!
//! **What is and is not deterministic.** The simulated parts keep their order: a run
//! that receives no wake from the reactor thread is the run it was without it. When a
//! real event comes is the operating system's: a process's exit, a signal, a pipe's
//! bytes arrive between two passes of the run at a real instant. A runtime that spawned a
//! process paces its clock by the real one from then on (`Sim::pace_clock`: an idle run
//! waits for a real event up to its next timer, in real time), so that a child's exit can
//! come before a virtual timeout; its runs are reproducible only as far as the real I/O
//! is. Other real I/O (signals, `AsyncFd`, pipes) does not pace the clock: a program that
//! keeps a `ctrl_c` handler beside its work keeps its virtual time, and a real event
//! arriving while virtual timers are armed is seen at the run's next pass. A runtime that
//! made a real socket, a signal listener or a process turns its reactor before its clock
//! advances ([`RealIo::turn`]), so events already pending there come before a virtual
//! timer, as on tokio's paused clock.
//!
//! A reactor per runtime rather than one for the process, as tokio: a dropped runtime's
//! I/O fails. The cost is a tokio runtime with I/O (an epoll instance) for each runtime
//! with I/O that runs, and a driver thread while it lives, taken from a pool (a runtime
//! built with `enable_time` alone, as the benchmarks' are, takes none).

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A simulated runtime's real I/O: its tokio runtime with I/O, signal and process drivers
/// (started at its first run or `enter`, driven by a thread of its own until the
/// simulated runtime shuts down), and whether its runs pace their clock.
#[derive(Default)]
pub(crate) struct RealIo {
    handle: OnceLock<tokio::runtime::Handle>,
    driver: Mutex<Option<Driver>>,
    shut_down: AtomicBool,
    /// Set once the runtime spawned a real process (`Sim::pace_clock`).
    paced: Arc<AtomicBool>,
    /// Set once the runtime made something real whose events may be pending while its
    /// run looks idle (a real socket, a signal listener, a process): its idle runs turn
    /// the reactor before the clock advances ([`RealIo::turn`]).
    watched: AtomicBool,
}

/// The thread driving a runtime's reactor, how to stop it, and how to know it stopped.
struct Driver {
    stop: tokio::sync::oneshot::Sender<()>,
    /// Closed once the reactor's runtime is dropped (what waited there woken).
    dropped: std::sync::mpsc::Receiver<()>,
}

impl RealIo {
    /// The handle of the runtime's I/O host, started on first use. After the simulated
    /// runtime shut down, a host that was shut down too: tokio's real I/O then fails with
    /// its shutdown error, as in a dropped tokio runtime.
    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        self.handle.get_or_init(|| {
            if self.shut_down.load(Ordering::Acquire) {
                return io_runtime().handle().clone();
            }
            let rt = io_runtime();
            let handle = rt.handle().clone();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let (done, dropped) = std::sync::mpsc::channel::<()>();
            drive(Box::new(move || {
                // A current-thread runtime's `block_on` parks in its drivers: the reactor
                // turns here until the simulated runtime shuts down; then its drop wakes
                // what waits on it with tokio's shutdown error. Its blocking threads
                // (`tokio::fs` work in flight) are not waited for: they end on their own,
                // and neither this thread nor the runtime's drop, which waits for `done`,
                // hangs on one (a read of stdin, say).
                rt.block_on(async {
                    let _ = stopped.await;
                });
                rt.shutdown_background();
                drop(done);
            }));
            *lock(&self.driver) = Some(Driver { stop, dropped });
            handle
        })
    }

    /// Stops the reactor thread (the simulated runtime shuts down) and waits until its
    /// runtime is dropped, so that when the simulated runtime's drop returns, what was
    /// registered there (a real socket's pending accept, say) has been woken with
    /// tokio's shutdown error and its wakers dropped, as after a tokio runtime's drop.
    /// (Bounded: a reactor thread that does not stop within 5 s is left to finish.)
    pub(crate) fn shut_down(&self) {
        self.shut_down.store(true, Ordering::Release);
        if let Some(driver) = lock(&self.driver).take() {
            let _ = driver.stop.send(());
            let _ = driver
                .dropped
                .recv_timeout(std::time::Duration::from_secs(5));
        }
    }

    /// Turns the reactor once and waits for it (a run is idle, about to advance its
    /// virtual clock): what the reactor had pending (a signal already sent, a socket's
    /// bytes already there) wakes its tasks into the run's inbox first, so the run sees
    /// it before a virtual timer fires. tokio's paused clock does the same: before it
    /// auto-advances, its driver polls I/O without waiting, and does not advance when
    /// that woke something. A task spawned on the reactor's runtime yields once (tokio
    /// defers a yield past the next poll of its drivers) and then signals; at most a
    /// second is waited for it. Only once the runtime made something real that may have
    /// events pending ([`RealIo::watch`]): a turn is a round trip to the reactor thread
    /// (about 6 us an idle point, measured), which a runtime with I/O that only uses the
    /// simulated network or tokio's own `AsyncFd` and pipes does not pay; nothing for a
    /// runtime without I/O (the benchmarks') or one shut down.
    pub(crate) fn turn(&self) {
        if !self.watched.load(Ordering::Relaxed) {
            return;
        }
        let Some(handle) = self.handle.get() else {
            return;
        };
        if self.shut_down.load(Ordering::Acquire) {
            return;
        }
        let (turned, wait) = std::sync::mpsc::sync_channel::<()>(1);
        drop(handle.spawn(async move {
            tokio::task::yield_now().await;
            let _ = turned.send(());
        }));
        let _ = wait.recv_timeout(std::time::Duration::from_secs(1));
    }

    /// The runtime's idle runs turn the reactor from now on ([`RealIo::turn`]).
    pub(crate) fn watch(&self) {
        self.watched.store(true, Ordering::Relaxed);
    }

    /// The flag of `Sim::pace_clock` for the runtime's runs.
    pub(crate) fn pace_flag(&self) -> Arc<AtomicBool> {
        self.paced.clone()
    }

    /// Paces the runtime's runs by the real clock from now on (it waits on real I/O).
    pub(crate) fn pace_clock(&self) {
        self.paced.store(true, Ordering::Release);
    }

    /// Runs `future` (a run) in a `block_on` of the I/O host, as
    /// `runtime::host_block_on` does in the driverless one.
    pub(crate) fn host_block_on<F: Future>(&self, future: F) -> F::Output {
        if in_tokio_runtime() {
            return crate::sim::runtime::host_block_on(future);
        }
        hosted(self.handle(), future)
    }
}

/// A reactor to drive until its runtime shuts down.
type Job = Box<dyn FnOnce() + Send>;

/// Driver threads waiting for a reactor to drive: a thread whose runtime shut down goes
/// back here, so that a program making many runtimes with I/O (a `#[tokio::test]` each)
/// starts a thread only when more reactors run at once than ever before (starting and
/// joining a thread was most of a runtime's cost).
static IDLE_DRIVERS: Mutex<Vec<std::sync::mpsc::Sender<Job>>> = Mutex::new(Vec::new());

/// Drives `job` on an idle driver thread, or on a new one.
fn drive(job: Job) {
    let mut job = job;
    while let Some(driver) = lock(&IDLE_DRIVERS).pop() {
        match driver.send(job) {
            Ok(()) => return,
            // The thread is gone (never, but then another takes the job).
            Err(std::sync::mpsc::SendError(back)) => job = back,
        }
    }
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("simloop-tokio-io".into())
        .spawn(move || {
            let mut job = job;
            loop {
                job();
                lock(&IDLE_DRIVERS).push(tx.clone());
                match rx.recv() {
                    Ok(next) => job = next,
                    Err(_) => return,
                }
            }
        })
        .expect("simloop-tokio: a thread for the real-I/O reactor");
}

fn io_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("simloop-tokio: a tokio runtime with I/O for real I/O in runs")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// Inside a host's `block_on` on this thread (a run is in progress).
    static HOSTED: Cell<usize> = const { Cell::new(0) };
    /// tokio runtimes entered by simulated runtimes' `enter` on this thread.
    static ENTERED: Cell<usize> = const { Cell::new(0) };
}

/// `future` in a `block_on` of `host`, marked as hosted for [`in_tokio_runtime`].
pub(crate) fn hosted<F: Future>(host: &tokio::runtime::Handle, future: F) -> F::Output {
    struct Unmark;
    impl Drop for Unmark {
        fn drop(&mut self) {
            HOSTED.with(|h| h.set(h.get() - 1));
        }
    }
    host.block_on(async {
        HOSTED.with(|h| h.set(h.get() + 1));
        let _unmark = Unmark;
        future.await
    })
}

/// Whether this thread is inside a tokio runtime (where another `block_on` is refused): a
/// host's, or a real tokio runtime's in code that mixes both; not merely a simulated
/// runtime's `enter`, which enters its I/O host's handle too (`EnteredIo`).
pub(crate) fn in_tokio_runtime() -> bool {
    HOSTED.with(Cell::get) > 0
        || (ENTERED.with(Cell::get) == 0 && tokio::runtime::Handle::try_current().is_ok())
}

/// A simulated runtime's I/O host entered with it (`Runtime::enter`), so that tokio's own
/// real-I/O constructors (`AsyncFd::new`, pipes) find it outside a run, as they find
/// tokio's runtime.
pub(crate) struct EnteredIo<'a> {
    _guard: tokio::runtime::EnterGuard<'a>,
    _counted: Counted,
}

impl<'a> EnteredIo<'a> {
    pub(crate) fn enter(io: &'a RealIo) -> EnteredIo<'a> {
        let guard = io.handle().enter();
        ENTERED.with(|e| e.set(e.get() + 1));
        EnteredIo {
            _guard: guard,
            _counted: Counted,
        }
    }
}

/// Counts an [`EnteredIo`] out. Its own type, without the lifetime: a `Drop` of the guard
/// itself would keep the runtime borrowed until the guard drops (tokio's guard does not,
/// and programs shut a runtime down while entered).
struct Counted;

impl Drop for Counted {
    fn drop(&mut self) {
        let _ = ENTERED.try_with(|e| e.set(e.get().saturating_sub(1)));
    }
}

impl std::fmt::Debug for EnteredIo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnteredIo")
    }
}

/// A real process is about to be spawned in the current runtime (`process::Command`): its
/// runs pace their clock by the real one from now on. (Outside a runtime, or in one
/// without I/O, tokio's constructor panics as on tokio.)
#[cfg_attr(not(feature = "process"), allow(dead_code))]
pub(crate) fn spawning_a_process() {
    if let Some(runtime) = crate::sim::context::current_handle() {
        if !runtime.io_disabled() && !runtime.is_shut_down() {
            runtime.real_io().pace_clock();
            runtime.real_io().watch();
        }
    }
}

/// Something real whose events may be pending while a run looks idle (a real socket, a
/// signal listener) is being made in the current runtime: its idle runs turn the reactor
/// from now on ([`RealIo::turn`]). (Only the signal listeners call it so far.)
#[cfg(feature = "signal")]
pub(crate) fn watching_real_events() {
    if let Some(runtime) = crate::sim::context::current_handle() {
        runtime.real_io().watch();
    }
}

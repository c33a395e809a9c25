//! What two jobs would gain on two free cores, measured on a shared machine: the CPU time
//! of each thread that runs programs.
//!
//! Wall-clock time on a machine shared with other work (this one has 2 vCPUs and a load of
//! 4-9) measures the load as much as the explorer. A thread's CPU time (its CPU clock,
//! `cpu_time::ThreadTime`) does not count the time it waited for a CPU that another
//! process held, so the slowest exploring thread's CPU time is what a 2-job exploration
//! would take on two free cores, provided the threads never wait for each other: their
//! *voluntary* context switches (a thread blocking on a lock or a channel, from Linux's
//! `/proc/thread-self/status`) tell that.
//!
//! The explorer's threads are its own; the bench reaches them through the program factory,
//! which every run calls on the thread that runs it. A thread samples its counters at its
//! first call and then every `every` calls (see [`measure`]), and the CPU time of all its
//! runs is projected from the sampled ones (the runs after the last sample, fewer than
//! `every`, and the thread's start and end are not sampled).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Calls between two samples (a sample reads the clock and a small file, about 10 µs), set by
/// [`measure`].
static EVERY: AtomicU64 = AtomicU64::new(64);

/// A thread's counters at one moment.
#[derive(Clone, Copy, Default)]
struct Sample {
    /// Calls of the factory on this thread so far.
    calls: u64,
    /// Time on a CPU, ns.
    cpu: u64,
    /// Times the thread blocked (a lock, a channel, a join, I/O).
    voluntary: u64,
}

/// What a thread recorded: its first and last samples and its calls.
#[derive(Clone, Copy, Default)]
pub struct Thread {
    first: Sample,
    last: Sample,
    calls: u64,
}

impl Thread {
    /// CPU time of all its runs, in seconds, projected from the sampled runs.
    pub fn cpu(&self) -> f64 {
        let sampled = self.last.calls - self.first.calls;
        if sampled == 0 {
            return 0.0;
        }
        (self.last.cpu - self.first.cpu) as f64 / sampled as f64 * self.calls as f64 * 1e-9
    }

    /// Its runs.
    pub fn runs(&self) -> u64 {
        self.calls
    }

    /// Times it blocked between its first and last samples.
    pub fn blocked(&self) -> u64 {
        self.last.voluntary - self.first.voluntary
    }
}

/// The measurement under way: bumped by [`measure`], so threads register afresh.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// The threads of the measurement under way.
static THREADS: Mutex<Vec<Arc<Mutex<Thread>>>> = Mutex::new(Vec::new());

thread_local! {
    /// This thread's record in the measurement under way, and that measurement's number.
    static MINE: RefCell<Option<(u64, Arc<Mutex<Thread>>)>> = const { RefCell::new(None) };
}

/// Counts a call of the program factory on this thread (sampling every `every` calls).
pub fn tick() {
    let generation = GENERATION.load(Ordering::Relaxed);
    MINE.with(|mine| {
        let mut mine = mine.borrow_mut();
        if mine.as_ref().is_none_or(|(g, _)| *g != generation) {
            let thread = Arc::new(Mutex::new(Thread::default()));
            THREADS.lock().unwrap().push(thread.clone());
            let first = sample(0);
            *thread.lock().unwrap() = Thread {
                first,
                last: first,
                calls: 0,
            };
            *mine = Some((generation, thread));
        }
        let mut thread = mine.as_ref().unwrap().1.lock().unwrap();
        thread.calls += 1;
        if thread.calls % EVERY.load(Ordering::Relaxed) == 0 {
            thread.last = sample(thread.calls);
        }
    });
}

/// Runs `f` and returns what each thread that called [`tick`] meanwhile recorded, sampling
/// every `every` calls.
pub fn measure(every: u64, f: impl FnOnce()) -> Vec<Thread> {
    THREADS.lock().unwrap().clear();
    EVERY.store(every, Ordering::Relaxed);
    GENERATION.fetch_add(1, Ordering::Relaxed);
    f();
    let threads = std::mem::take(&mut *THREADS.lock().unwrap());
    threads.iter().map(|t| *t.lock().unwrap()).collect()
}

/// This thread's counters (no context switches where Linux does not count them).
fn sample(calls: u64) -> Sample {
    let cpu = cpu_time::ThreadTime::now().as_duration().as_nanos() as u64;
    let status = std::fs::read_to_string("/proc/thread-self/status").unwrap_or_default();
    let voluntary = status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Sample {
        calls,
        cpu,
        voluntary,
    }
}

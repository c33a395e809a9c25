//! Wakes from other threads, for runs that accept them (`Sim::accept_remote_wakes`).
//!
//! A simulated program is single-threaded, but a program under test may hand a waker to a
//! real thread (a `std::thread` that sends on a channel, tokio's tests do it often). By
//! default such a wake is dropped ([`super::waker::TaskWaker`]). A run that accepts them
//! registers an [`Inbox`] under its run id: a wake from another thread lands there, and the
//! engine moves it to the ready queue at the start of the next pass; when nothing is ready
//! and no timer is armed, the run waits for such a wake (up to a wall-clock limit) instead
//! of reporting a deadlock at once.
//!
//! **Invariant: a run that receives no remote wake is unaffected**: its order and trace are
//! those of a run without an inbox. Remote wakes themselves arrive when the other thread
//! sends them, so a run that receives them is reproducible only as far as that thread is.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::TaskId;

/// The wakes received from other threads for one run.
#[derive(Default)]
pub(crate) struct Inbox {
    tasks: Mutex<Vec<TaskId>>,
    /// Set when `tasks` is non-empty: the engine checks this flag at each pass.
    pending: AtomicBool,
    arrived: Condvar,
}

/// The runs accepting remote wakes, by run id (few at a time: a `Vec`, scanned).
static INBOXES: Mutex<Vec<(u64, Arc<Inbox>)>> = Mutex::new(Vec::new());
/// How many runs are registered, so that a dropped wake costs one load when none are.
static REGISTERED: AtomicUsize = AtomicUsize::new(0);

fn inboxes() -> std::sync::MutexGuard<'static, Vec<(u64, Arc<Inbox>)>> {
    INBOXES.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inbox {
    /// Registers a new inbox for run `run` until the guard drops.
    pub(crate) fn register(run: u64) -> (Arc<Inbox>, Registration) {
        let inbox = Arc::new(Inbox::default());
        inboxes().push((run, inbox.clone()));
        REGISTERED.fetch_add(1, Ordering::Relaxed);
        (inbox, Registration { run })
    }

    /// Whether wakes are waiting.
    #[inline]
    pub(crate) fn has_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Takes the waiting wakes, in arrival order.
    pub(crate) fn drain(&self) -> Vec<TaskId> {
        let mut tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        self.pending.store(false, Ordering::Release);
        std::mem::take(&mut *tasks)
    }

    /// Waits up to `limit` for a wake and takes what arrived (empty when none did).
    pub(crate) fn wait(&self, limit: Duration) -> Vec<TaskId> {
        let tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        let (mut tasks, _) = self
            .arrived
            .wait_timeout_while(tasks, limit, |t| t.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        self.pending.store(false, Ordering::Release);
        std::mem::take(&mut *tasks)
    }
}

/// Unregisters a run's inbox when dropped (also when the run unwinds).
pub(crate) struct Registration {
    run: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        inboxes().retain(|(r, _)| *r != self.run);
        REGISTERED.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Delivers a wake of `task` of run `run` that found no run on this thread: to the run's
/// inbox if it accepts remote wakes, else nowhere.
pub(crate) fn wake(run: u64, task: TaskId) {
    if REGISTERED.load(Ordering::Relaxed) == 0 {
        return;
    }
    let inbox = inboxes()
        .iter()
        .find(|(r, _)| *r == run)
        .map(|(_, i)| i.clone());
    if let Some(inbox) = inbox {
        inbox
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
        inbox.pending.store(true, Ordering::Release);
        inbox.arrived.notify_one();
    }
}

impl super::Core {
    /// Whether the run is paced now (`Sim::pace_clock`, its flag set). A paced run idle
    /// with no timer armed waits for a wake from another thread without the remote-wake
    /// limit (the engine's idle path): it waits on real I/O, which takes what it takes.
    #[cold]
    pub(super) fn paced(&self) -> bool {
        self.pace
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Acquire))
    }

    /// A paced run (`Sim::pace_clock`, its flag set) idle until its timer at `next`:
    /// waits in real time up to the virtual time left until then (at most the remote-wake
    /// limit) for a wake from another thread. When one comes, the clock moves on by the
    /// real time waited (never past `next`) and the woken tasks are queued: `true`. When
    /// none comes, `false`, and the clock advances to the timer as in any run.
    #[cold]
    pub(super) fn wait_paced(&mut self, next: super::Instant) -> bool {
        let paced = self.paced();
        let Some((inbox, limit)) = self.remote.as_ref().filter(|_| paced) else {
            return false;
        };
        let gap = next.saturating_duration_since(self.now).min(*limit);
        let started = std::time::Instant::now();
        let tasks = inbox.wait(gap);
        if tasks.is_empty() {
            return false;
        }
        let waited = started.elapsed().min(gap);
        let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        let now = super::Instant::from_nanos(self.now.as_nanos().saturating_add(nanos)).min(next);
        if now > self.now && self.trace.full() {
            self.trace
                .quick(now, None, crate::trace::Quick::ClockAdvanced);
        }
        self.now = now;
        for task in tasks {
            self.wake_task(task);
        }
        !self.ready.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{RunError, Sim};

    /// A task waiting for a real thread: the run waits for the thread's wake when it accepts
    /// remote wakes, and reports a deadlock (the wake is dropped) when it does not.
    fn waits_for_a_thread(sim: Sim) -> Result<u32, RunError> {
        sim.run(async {
            let (tx, rx) = futures::channel::oneshot::channel();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                // Fails when the run has already given up.
                let _ = tx.send(7);
            });
            rx.await.unwrap_or(0)
        })
        .result
    }

    #[test]
    fn a_run_accepting_remote_wakes_waits_for_them() {
        let sim = Sim::new().accept_remote_wakes(Duration::from_secs(10));
        assert_eq!(waits_for_a_thread(sim).unwrap(), 7);
    }

    #[test]
    fn by_default_a_remote_wake_is_dropped() {
        assert!(matches!(
            waits_for_a_thread(Sim::new()),
            Err(RunError::Deadlock(_))
        ));
    }

    /// A thread answering after 20 ms of real time, raced against a virtual timer of
    /// `timer`: `Some(answer)` when the answer won, with the virtual time it took.
    fn thread_against_timer(sim: Sim, timer: Duration) -> (Option<u32>, Duration) {
        sim.run(async move {
            let start = crate::time::now();
            let (tx, rx) = futures::channel::oneshot::channel();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                let _ = tx.send(7);
            });
            let answer = crate::timeout(timer, rx).await.ok().and_then(Result::ok);
            (answer, crate::time::now() - start)
        })
        .result
        .unwrap()
    }

    /// `Sim::pace_clock`: with the flag set, the clock waits for the real thread and moves
    /// on by about the real time waited; with it clear, the timer fires first, as in a
    /// run without the setting.
    #[test]
    fn a_paced_clock_follows_the_real_one_while_its_flag_is_set() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};

        let flag = Arc::new(AtomicBool::new(true));
        let sim = Sim::new()
            .accept_remote_wakes(Duration::from_secs(10))
            .pace_clock(flag.clone());
        let (answer, took) = thread_against_timer(sim.clone(), Duration::from_secs(60));
        assert_eq!(answer, Some(7));
        assert!(
            took >= Duration::from_millis(20) && took < Duration::from_secs(60),
            "{took:?}"
        );

        flag.store(false, Ordering::Release);
        let (answer, took) = thread_against_timer(sim, Duration::from_secs(60));
        assert_eq!((answer, took), (None, Duration::from_secs(60)));
    }

    /// A paced run with no timer armed waits for a slow thread past the remote-wake
    /// limit; the same run unpaced reports the deadlock at the limit.
    #[test]
    fn a_paced_run_waits_past_the_limit_when_no_timer_is_armed() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;

        let slow = |sim: Sim| {
            sim.run(async {
                let (tx, rx) = futures::channel::oneshot::channel();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(100));
                    let _ = tx.send(7);
                });
                rx.await.unwrap_or(0)
            })
            .result
        };
        let sim = Sim::new().accept_remote_wakes(Duration::from_millis(10));
        assert!(matches!(slow(sim.clone()), Err(RunError::Deadlock(_))));
        let paced = sim.pace_clock(Arc::new(AtomicBool::new(true)));
        assert_eq!(slow(paced).unwrap(), 7);
    }

    #[test]
    fn an_idle_run_gives_up_after_the_wait() {
        let out = Sim::new()
            .accept_remote_wakes(Duration::from_millis(10))
            .run(std::future::pending::<()>());
        assert!(matches!(out.result, Err(RunError::Deadlock(_))));
    }
}

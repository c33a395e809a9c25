//! The runtime's count of `spawn_blocking` closures running on their threads: a runtime's
//! drop waits for them, and an idle run holds its clock for them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::handle::lock;

#[derive(Default)]
pub(super) struct BlockingThreads {
    /// Closures running on their threads (`task::blocking`).
    running: Mutex<usize>,
    /// Signalled at each closure's end (a runtime's drop waits for none to run).
    ended: Condvar,
    /// The run's idle hook asked to hold the clock for blocking threads: the next one to
    /// end wakes the run's main task, so that an idle run waiting for it goes on.
    holding: AtomicBool,
}

impl BlockingThreads {
    /// Whether closures are running; if so, the next to end asks for the run to be woken.
    pub(super) fn in_flight(&self) -> bool {
        let running = lock(&self.running);
        let holding = *running > 0;
        self.holding.store(holding, Ordering::Release);
        holding
    }

    /// Counts a closure starting on its thread.
    pub(super) fn started(&self) {
        *lock(&self.running) += 1;
    }

    /// Counts a closure out; `true` when the run was idle holding its clock for blocking
    /// threads and its main task must be woken.
    pub(super) fn ended(&self) -> bool {
        *lock(&self.running) -= 1;
        self.ended.notify_all();
        self.holding.swap(false, Ordering::AcqRel)
    }

    /// Waits until no closure runs, up to `limit`; `None`: as long as it takes.
    pub(super) fn wait_idle(&self, limit: Option<Duration>) {
        let running = lock(&self.running);
        let busy = |n: &mut usize| *n > 0;
        match limit {
            None => drop(self.ended.wait_while(running, busy)),
            Some(limit) => drop(self.ended.wait_timeout_while(running, limit, busy)),
        }
    }
}

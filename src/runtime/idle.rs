//! The idle hook (`Sim::on_idle`): code of the program called when its run has nothing
//! ready.
//!
//! When a pass would begin with an empty ready queue (before the clock advances to the next
//! timer, before the run waits for a wake from another thread, before it reports a
//! deadlock), the engine queues one call of the hook as a callback ([`Hop::Call`]), which
//! runs at its turn like `call_soon`'s and may spawn and wake. The hook is called once per
//! idle period: if it readies nothing the run goes on as it would have, and the next call
//! comes after something else ran. A hook that returns `true` holds the clock: when nothing
//! is ready after it, the run waits for a wake from another thread (up to the limit of
//! `Sim::accept_remote_wakes`) before it advances the clock, the way a tokio runtime's
//! paused clock waits for its blocking threads.
//!
//! **Invariant: a run without a hook is unaffected.** With one, the run's order is that
//! of the run without it plus one callback step at each idle point, unless the hook wakes
//! something.

use std::fmt;
use std::sync::Arc;

use super::{Hop, try_with};

/// The hook of `Sim::on_idle` (shared by the clones of a `Sim`).
#[derive(Clone)]
pub(crate) struct IdleHook(pub(crate) Arc<dyn Fn() -> bool + Send + Sync>);

impl fmt::Debug for IdleHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdleHook")
    }
}

/// A run's idle hook and where it stands.
pub(crate) struct Idle {
    hook: IdleHook,
    /// Something ran since the last call: the next idle point calls the hook.
    armed: bool,
    /// The last call asked to hold the clock.
    hold: bool,
}

impl Idle {
    pub(crate) fn new(hook: IdleHook) -> Idle {
        Idle {
            hook,
            armed: true,
            hold: false,
        }
    }

    /// The call to queue at an idle point, if the hook is due (it then is not until
    /// [`Idle::arm`]).
    pub(crate) fn call(&mut self) -> Option<Hop> {
        if !self.armed {
            return None;
        }
        self.armed = false;
        self.hold = false;
        let hook = self.hook.0.clone();
        Some(Hop::Call(Box::new(move || {
            let hold = hook();
            try_with(|c| {
                if let Some(idle) = &mut c.idle {
                    idle.hold = hold;
                }
            });
        })))
    }

    /// Something is ready again: the next idle point calls the hook.
    #[inline]
    pub(crate) fn arm(&mut self) {
        self.armed = true;
    }

    /// Whether the last call asked to hold the clock (asked once).
    pub(crate) fn take_hold(&mut self) -> bool {
        std::mem::take(&mut self.hold)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::time::Duration;

    use crate::{RunError, Sim};

    /// A hook that readies nothing is called once per idle period and leaves the deadlock
    /// a deadlock (it is not called in a loop).
    #[test]
    fn a_hook_that_readies_nothing_leaves_a_deadlock_reported() {
        let calls = Arc::new(AtomicU32::new(0));
        let count = calls.clone();
        let out = Sim::new()
            .on_idle(move || {
                count.fetch_add(1, Ordering::Relaxed);
                false
            })
            .run(std::future::pending::<()>());
        assert!(matches!(out.result, Err(RunError::Deadlock(_))));
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    /// What the hook spawns runs before the run gives up: a task waiting for a flag that
    /// only the hook's task sets completes.
    #[test]
    fn a_task_spawned_by_the_hook_runs() {
        // Once per idle period: a hook that always spawned would keep the run busy.
        let spawns = Arc::new(AtomicU32::new(0));
        let count = spawns.clone();
        let out = Sim::new()
            .on_idle(move || {
                if count.fetch_add(1, Ordering::Relaxed) < 2 {
                    drop(crate::spawn(async { crate::log!("spawned at idle") }));
                }
                false
            })
            .run(async { crate::sleep(Duration::from_secs(1)).await });
        assert!(out.result.is_ok());
        // Twice at t=0 (the second call follows the first spawn's step), then once idle
        // before the clock advances, and none after the main task ends.
        assert_eq!(
            out.trace.logs(),
            "t=0 spawned at idle\nt=0 spawned at idle\n"
        );
        assert_eq!(spawns.load(Ordering::Relaxed), 3);
    }

    /// A hook that holds the clock makes the run wait for another thread's wake before the
    /// clock advances: the thread's answer is seen at virtual time 0, before the timer.
    #[test]
    fn holding_the_clock_waits_for_the_other_thread_before_advancing() {
        let done = Arc::new(AtomicBool::new(false));
        let busy = done.clone();
        let out = Sim::new()
            .accept_remote_wakes(Duration::from_secs(10))
            .on_idle(move || !busy.load(Ordering::SeqCst))
            .run(async move {
                let (tx, rx) = futures::channel::oneshot::channel();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    done.store(true, Ordering::SeqCst);
                    tx.send(()).unwrap();
                });
                let timer = crate::spawn(crate::sleep(Duration::from_secs(5)));
                rx.await.unwrap();
                let seen = crate::now().elapsed_since_start();
                timer.cancel();
                seen
            });
        assert_eq!(out.result.unwrap(), Duration::ZERO);
    }
}

//! Setting the run in progress aside while a blocking call inside one of its tasks runs
//! another simulation on the same thread (tokio's `block_in_place` then `block_on`).

use std::sync::Arc;

use super::Core;
use super::context::{Deferred, SLOT};
use super::remote::{Inbox, Registration};

/// Runs `f` with the run in progress on this thread set aside, and puts the run back as it
/// was when `f` returns (or unwinds).
///
/// Inside `f` no run is in progress here, so `f` may start a simulation of its own
/// ([`crate::Sim::run`] would otherwise panic: runs do not nest); the set-aside run does not
/// move meanwhile (its clock, its tasks). Wakes of its tasks made during `f` are kept in
/// the order they came and queued when it resumes. Outside a run, `f` simply runs.
///
/// A blocking call inside a task holds the run's only thread, as tokio's `block_in_place`
/// holds a worker: this is for adapters of such calls, the inner run being a separate
/// simulation with its own schedule.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, now, sleep, task::set_aside};
/// use std::time::Duration;
///
/// let out = Sim::new().run(async {
///     // A blocking call in the middle of a task runs a simulation of its own.
///     let inner = set_aside(|| Sim::new().run(sleep(Duration::from_secs(5))).elapsed);
///     (inner, now())
/// });
/// let (inner, outer_now) = out.result.unwrap();
/// assert_eq!(inner, Duration::from_secs(5));
/// assert_eq!(outer_now.as_nanos(), 0); // the set-aside run's clock did not move
/// ```
pub fn set_aside<R>(f: impl FnOnce() -> R) -> R {
    let aside = Aside::take();
    let r = f();
    drop(aside);
    r
}

/// A run taken out of the thread's slot; dropping it puts the run back.
struct Aside {
    core: Option<Box<Core>>,
    deferred: Deferred,
    had_deferred: bool,
    /// Where wakes of the run land meanwhile, when it has no inbox of its own (a run that
    /// accepts remote wakes keeps using its own).
    inbox: Option<(Arc<Inbox>, Registration)>,
}

impl Aside {
    /// Takes the run out of the slot; `None` outside a run (or while the core is borrowed,
    /// which a task's poll never is).
    fn take() -> Option<Aside> {
        SLOT.try_with(|slot| {
            let core = slot.core.try_borrow_mut().ok()?.take()?;
            let deferred = std::mem::take(&mut *slot.deferred.borrow_mut());
            let had_deferred = slot.has_deferred.replace(false);
            let inbox = core
                .remote
                .is_none()
                .then(|| Inbox::register(core.run_id()));
            Some(Aside {
                core: Some(core),
                deferred,
                had_deferred,
                inbox,
            })
        })
        .ok()
        .flatten()
    }
}

impl Drop for Aside {
    fn drop(&mut self) {
        let Some(mut core) = self.core.take() else {
            return;
        };
        if let Some((inbox, registration)) = self.inbox.take() {
            drop(registration);
            for task in inbox.drain() {
                core.wake_task(task);
            }
        }
        let deferred = std::mem::take(&mut self.deferred);
        let _ = SLOT.try_with(|slot| {
            let mut current = slot.core.borrow_mut();
            debug_assert!(
                current.is_none(),
                "a run started in set_aside is still installed"
            );
            *current = Some(core);
            let mut d = slot.deferred.borrow_mut();
            // Deferred work of the run comes first: it was deferred before `f` ran.
            let later = std::mem::replace(&mut *d, deferred);
            d.wakers.extend(later.wakers);
            d.drops.extend(later.drops);
            let pending = self.had_deferred || !d.wakers.is_empty() || !d.drops.is_empty();
            slot.has_deferred.set(pending);
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::set_aside;
    use crate::{Sim, sleep, spawn, yield_now};

    /// A wake made while the run is set aside reaches its task when the run resumes (the
    /// waker finds no run of its own on the thread, as a wake from another thread would).
    #[test]
    fn a_wake_made_while_set_aside_is_delivered_on_resume() {
        let out = Sim::new().run(async {
            let (tx, rx) = futures::channel::oneshot::channel();
            let waiter = spawn(async move { rx.await.unwrap() });
            yield_now().await;
            set_aside(|| tx.send(5).unwrap());
            waiter.await.unwrap()
        });
        assert_eq!(out.result.unwrap(), 5);
    }

    /// The inner run is a simulation of its own; the outer one resumes where it was, its
    /// timers and tasks intact, and the two can nest again.
    #[test]
    fn runs_nest_inside_set_aside() {
        let out = Sim::new().run(async {
            let ticker = spawn(sleep(Duration::from_secs(2)));
            let inner = set_aside(|| {
                Sim::new()
                    .run(async {
                        sleep(Duration::from_secs(7)).await;
                        set_aside(|| Sim::new().run(async { 1 }).result.unwrap()) + 1
                    })
                    .result
                    .unwrap()
            });
            ticker.await.unwrap();
            (inner, crate::now())
        });
        let (inner, now) = out.result.unwrap();
        assert_eq!((inner, now.as_nanos()), (2, 2_000_000_000));
    }

    #[test]
    fn outside_a_run_the_closure_just_runs() {
        assert_eq!(set_aside(|| 3), 3);
    }
}

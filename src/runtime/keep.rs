//! Tasks that outlive their run: kept, rather than cancelled, when the run ends, and
//! spawned again in a later run on the same thread.
//!
//! simloop-tokio needs them: a tokio task still alive when its `block_on` returns goes on
//! in the runtime's next `block_on`, and each `block_on` is one simloop run. A kept task's
//! cell (its future, where it stopped) moves whole from one run to the next, so its future
//! is stored once, inline in the cell, as any task's is.
//!
//! **Invariant: a task is kept only if it was spawned keepable, is alive when its run's
//! teardown reaches it, and no cancellation is pending for it**; every other task is
//! cancelled there, in creation order, as before. Kept tasks wait on this thread, in the
//! order the teardown met them (creation order), until [`take_kept`] takes them.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Poll, Waker};

use pin_project_lite::pin_project;

use super::cell::Host;
use super::slot::KEEP;
use super::{ErasedTask, JoinError, TaskCell, TaskId, cell_pool, with};

thread_local! {
    /// The tasks kept by the runs that ended on this thread, not taken yet.
    static KEPT: RefCell<Vec<Kept>> = const { RefCell::new(Vec::new()) };
}

/// A task that was alive when its run ended, kept for a later run ([`spawn_kept`]), on
/// this thread or another. Dropping it drops the task's future, outside any run.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::{Sim, task};
///
/// let held = Arc::new(());
/// let inside = held.clone();
/// Sim::new().run(async move {
///     task::spawn_keepable(async move {
///         let _inside = inside;
///         std::future::pending::<()>().await;
///     });
/// });
/// let kept = task::take_kept();
/// assert_eq!(Arc::strong_count(&held), 2); // the kept future holds it
/// drop(kept);
/// assert_eq!(Arc::strong_count(&held), 1);
/// ```
pub struct Kept {
    cell: Pin<Box<dyn ErasedTask + Send>>,
    /// Where the task was first spawned: its task in a later run reports that place.
    at: Option<&'static Location<'static>>,
}

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

/// Spawns `future` as a detached task that, if it is still alive and not cancelled when
/// the run ends, is kept ([`take_kept`]) instead of cancelled.
///
/// A kept task takes only its future to the later run: its context variables
/// (`simloop::contextvars`) belong to the run that ends, so in the later run it starts
/// with an empty context, as every run does.
///
/// # Examples
///
/// ```
/// use futures::channel::oneshot;
/// use simloop::{Sim, task};
///
/// let (tx, rx) = oneshot::channel();
/// let (done_tx, done_rx) = std::sync::mpsc::channel();
/// Sim::new().run(async move {
///     // Still waiting when the main future ends, and so the run.
///     task::spawn_keepable(async move { done_tx.send(rx.await.unwrap()).unwrap() });
/// });
/// let kept = task::take_kept();
/// assert_eq!(kept.len(), 1);
/// tx.send("sent between the runs").unwrap();
/// Sim::new().run(async move {
///     for k in kept {
///         task::spawn_kept(k);
///     }
///     task::yield_now().await;
/// });
/// assert_eq!(done_rx.try_recv(), Ok("sent between the runs"));
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
#[inline]
pub fn spawn_keepable<F: Future<Output = ()> + Send + 'static>(future: F) -> TaskId {
    spawn_keepable_at(Location::caller(), future)
}

/// [`spawn_keepable`] of a task that deadlock reports say was spawned at `at` rather than
/// at the caller: for a layer that spawns later what its user spawned (a spawn deferred to
/// a runtime's next run), which passes its caller's place through.
///
/// # Examples
///
/// ```
/// use std::panic::Location;
/// use simloop::{RunError, Sim, task};
///
/// let here = Location::caller();
/// let out = Sim::new().run(async move {
///     task::spawn_keepable_at(here, std::future::pending());
///     std::future::pending::<()>().await
/// });
/// let Err(RunError::Deadlock(report)) = out.result else { panic!("expected a deadlock") };
/// assert_eq!(report.blocked[1].spawned_at, Some(here));
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn spawn_keepable_at<F: Future<Output = ()> + Send + 'static>(
    at: &'static Location<'static>,
    future: F,
) -> TaskId {
    // A pooled cell of this type when there is one (a detached cell is given back when
    // its task ends: `ErasedTask::recycle_detached`), else a new one.
    let cell: Pin<Box<dyn ErasedTask>> = match cell_pool::take::<SendCell<F>>() {
        Some(mut cell) => {
            cell.as_mut().project().cell.refill(future);
            cell
        }
        None => Box::pin(SendCell {
            cell: TaskCell::new(future),
        }),
    };
    with("spawn_keepable", |c| {
        let id = c.spawn_cell(None, cell, Some(at));
        let slot = c.slot_mut(id).expect("a task just spawned has a slot");
        slot.set(KEEP);
        // Nobody joins it: its output is dropped when it ends.
        let ended = c.detach(id);
        debug_assert!(ended.is_none(), "a task just spawned has not ended");
        id
    })
}

/// Takes the tasks kept by the runs that ended on this thread, in the order they were kept.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, task};
///
/// Sim::new().run(async {
///     task::spawn_keepable(std::future::pending());
/// });
/// assert_eq!(task::take_kept().len(), 1);
/// assert!(task::take_kept().is_empty());
/// ```
pub fn take_kept() -> Vec<Kept> {
    KEPT.try_with(|k| std::mem::take(&mut *k.borrow_mut()))
        .unwrap_or_default()
}

/// Spawns a kept task in the run in progress: it is queued as a new task (a new id, keepable
/// again) and polled at its turn, where its future goes on from where it stopped.
///
/// # Examples
///
/// A kept task goes on where it stopped, in as many runs as it needs:
///
/// ```
/// use simloop::{Sim, task};
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// Sim::new().run(async move {
///     task::spawn_keepable(async move {
///         for round in 0.. {
///             tx.send(round).unwrap();
///             task::yield_now().await;
///         }
///     });
///     task::yield_now().await;
/// });
/// for _ in 0..2 {
///     let kept = task::take_kept();
///     Sim::new().run(async move {
///         for k in kept {
///             task::spawn_kept(k);
///         }
///         task::yield_now().await;
///     });
/// }
/// assert_eq!(task::take_kept().len(), 1); // still going
/// // It ran in each of the three runs, never starting over.
/// let rounds: Vec<i32> = rx.try_iter().collect();
/// assert!(rounds.len() >= 3);
/// assert!(rounds.iter().copied().eq(0..rounds.len() as i32));
/// ```
///
/// # Panics
///
/// Outside a simulation.
#[track_caller]
pub fn spawn_kept(kept: Kept) -> TaskId {
    with("spawn_kept", |c| {
        let id = c.spawn_cell(None, kept.cell, kept.at);
        let slot = c.slot_mut(id).expect("a task just spawned has a slot");
        slot.set(KEEP);
        let ended = c.detach(id);
        debug_assert!(ended.is_none(), "a task just spawned has not ended");
        id
    })
}

/// Keeps the cell of a task alive at its run's teardown (called by the engine).
pub(crate) fn keep(cell: Pin<Box<dyn ErasedTask>>, at: Option<&'static Location<'static>>) {
    let Ok(cell) = cell.into_send() else {
        unreachable!("only `SendCell`s are flagged KEEP")
    };
    let _ = KEPT.try_with(|k| k.borrow_mut().push(Kept { cell, at }));
}

pin_project! {
    /// A keepable task's cell: its future and output are `Send`, so a kept task may go on
    /// in a run on another thread.
    pub(super) struct SendCell<F: Future> {
        #[pin]
        cell: TaskCell<F>,
    }
}

impl<F> ErasedTask for SendCell<F>
where
    F: Future + Send + 'static,
    F::Output: Send,
{
    fn poll_task(self: Pin<&mut Self>) -> Poll<()> {
        self.project().cell.poll_task()
    }

    fn poll_host(self: Pin<&mut Self>, host: &mut Host<'_>) -> Poll<()> {
        self.project().cell.poll_host(host)
    }

    fn fail(self: Pin<&mut Self>, err: JoinError) {
        self.project().cell.fail(err)
    }

    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any) {
        self.project().cell.take_output(out)
    }

    fn set_waker(self: Pin<&mut Self>, waker: Waker) {
        self.project().cell.set_waker(waker)
    }

    fn prefetch(&self) {
        self.cell.prefetch()
    }

    fn recycle_detached(mut self: Pin<Box<Self>>) {
        if self.as_mut().project().cell.empty() {
            cell_pool::put::<_, { cell_pool::MAX_DETACHED }>(self);
        }
    }

    fn into_send(
        self: Pin<Box<Self>>,
    ) -> Result<Pin<Box<dyn ErasedTask + Send>>, Pin<Box<dyn ErasedTask>>> {
        Ok(self)
    }
}

//! Spawning tasks.

use std::future::Future;
use std::panic::Location;

use super::JoinHandle;
use crate::runtime::{TaskCell, with};

/// Spawns `future` as a new task and returns its handle; asyncio's `create_task`.
///
/// The task remembers where it was spawned (this call's place, through `#[track_caller]`):
/// a deadlock report names it beside the task, as `#3 (spawned at tests/races.rs:41:17)`.
///
/// The task's first step is queued behind everything already ready; it does not run until
/// the spawning task yields. In a run with [`Sim::eager_tasks`](crate::Sim::eager_tasks)
/// on, it runs at once instead, inside this call ([`spawn_eager`](crate::task::spawn_eager)). Dropping the handle detaches the task, which keeps running
/// (asyncio keeps tasks alive too); when the main future ends, tasks still alive are
/// cancelled in creation order.
///
/// Unlike tokio's `spawn`, the future need not be `Send`: a run is single-threaded.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, spawn};
///
/// let out = Sim::new().run(async {
///     let h = spawn(async { log!("child runs"); 7 });
///     log!("spawned, not yet run");
///     h.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), 7);
/// assert_eq!(out.trace.logs(), "t=0 spawned, not yet run\nt=0 child runs\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
#[inline]
pub fn spawn<F: Future + 'static>(future: F) -> JoinHandle<F::Output> {
    spawn_at(Location::caller(), future)
}

/// [`spawn`] of a task that deadlock reports say was spawned at `at` rather than at the
/// caller: for a layer that spawns later what its user spawned (a spawn deferred to a
/// runtime's next run), which passes its caller's place through.
///
/// # Examples
///
/// ```
/// use std::panic::Location;
/// use simloop::{RunError, Sim, task};
///
/// let here = Location::caller();
/// let out = Sim::new().run(async move {
///     task::spawn_at(here, std::future::pending::<()>()).await.unwrap()
/// });
/// let Err(RunError::Deadlock(report)) = out.result else { panic!("expected a deadlock") };
/// assert_eq!(report.blocked[1].spawned_at, Some(here));
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn spawn_at<F: Future + 'static>(
    at: &'static Location<'static>,
    future: F,
) -> JoinHandle<F::Output> {
    // Boxed before the core access: a large future is then moved once.
    let cell = TaskCell::boxed(future);
    let spawned = with("spawn", |c| {
        if c.eager_tasks() {
            // `Sim::eager_tasks`: the one branch a plain spawn pays for the switch.
            return Err(cell);
        }
        let id = c.spawn_cell(None, cell, Some(at));
        Ok(JoinHandle::new(id, c.run_id()))
    });
    spawned.unwrap_or_else(|cell| super::eager::start_cell(None, cell, at))
}

/// Spawns a task with a name, shown in traces, timelines and deadlock reports.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, spawn_named, task};
///
/// let out = Sim::new().run(async {
///     spawn_named("worker-1", async { task::current_name() }).await.unwrap()
/// });
/// assert_eq!(out.result.unwrap().as_deref(), Some("worker-1"));
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn spawn_named<F: Future + 'static>(
    name: impl Into<String>,
    future: F,
) -> JoinHandle<F::Output> {
    let name: String = name.into();
    let cell = TaskCell::boxed(future);
    let at = Location::caller();
    let spawned = with("spawn_named", |c| {
        if c.eager_tasks() {
            return Err((cell, name));
        }
        let id = c.spawn_cell(Some(name.into()), cell, Some(at));
        Ok(JoinHandle::new(id, c.run_id()))
    });
    spawned.unwrap_or_else(|(cell, name)| super::eager::start_cell(Some(name), cell, at))
}

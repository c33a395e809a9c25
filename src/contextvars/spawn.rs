//! Tasks and their contexts: spawning in a given context, and a task's context.

use std::future::Future;
use std::panic::Location;

use super::Context;
use super::state::with_state;
use crate::task::{JoinHandle, TaskId, spawn_at};

/// Spawns `future` as a task that runs in `context` itself (not a copy): asyncio's
/// `create_task(coro, context=ctx)`. What the task sets is set in `context`, and seen
/// through every handle on it.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, contextvars::{ContextVar, copy_context, spawn_in}};
///
/// static V: ContextVar<u8> = ContextVar::new("v");
///
/// let out = Sim::new().run(async {
///     let ctx = copy_context();
///     spawn_in(ctx.clone(), async { V.set(7); }).await.unwrap();
///     (V.get(), ctx.get(&V))
/// });
/// assert_eq!(out.result.unwrap(), (None, Some(7)));
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn spawn_in<F: Future + 'static>(context: Context, future: F) -> JoinHandle<F::Output> {
    let handle = spawn_at(Location::caller(), future);
    let id = handle.id().get();
    let replaced = with_state(|s, _| s.tasks.insert(id, context));
    // Dropped outside the runtime's borrow.
    drop(replaced);
    handle
}

/// The context task `id` runs in: a handle on it, not a copy (asyncio 3.12's
/// `Task.get_context()`). `None` outside a run, or for an id the run never gave a task.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, contextvars::{ContextVar, task_context}, spawn};
///
/// static V: ContextVar<u8> = ContextVar::new("v");
///
/// let out = Sim::new().run(async {
///     let child = spawn(async { V.set(3); });
///     let id = child.id();
///     child.await.unwrap();
///     task_context(id).unwrap().get(&V)
/// });
/// assert_eq!(out.result.unwrap(), Some(3));
/// ```
pub fn task_context(id: TaskId) -> Option<Context> {
    let spawned = crate::runtime::try_with(|c| c.task_count())?;
    if id.get() == 0 || id.get() as usize > spawned {
        return None;
    }
    Some(with_state(|s, _| s.task(id).clone()))
}

//! Eager spawns: a task's first step run inside the call that spawns it (asyncio 3.12's
//! eager tasks; the engine's side is `runtime/eager.rs`).

use std::borrow::Cow;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;

use super::JoinHandle;
use crate::runtime::{ErasedTask, TaskCell, start_eager, with};

/// Spawns `future` as a new task and runs its first step at once, inside this call; asyncio
/// 3.12's `create_task` under `loop.set_task_factory(asyncio.eager_task_factory)`.
///
/// The new task is the current task during that step ([`task::current`](crate::task::current)
/// names it), and the caller is again when this returns. A task that returns (or fails)
/// without suspending is done when `spawn_eager` returns: its handle reads its outcome at
/// once and awaiting it does not yield, as for any ended task. One that suspends goes on
/// as any task: its first lines ran before the caller's next, and it runs again when what it
/// awaits wakes it. The first step is not a scheduling decision: it runs the same under
/// every policy. [`Sim::eager_tasks`](crate::Sim::eager_tasks) makes every spawn of a run
/// eager (asyncio's factory for the whole loop, which `gather` and `TaskGroup` use too).
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, task, yield_now};
///
/// let out = Sim::new().run(async {
///     let quick = task::spawn_eager(async { log!("quick runs"); 7 });
///     log!("quick done at once: {}", quick.is_finished());
///     let slow = task::spawn_eager(async {
///         log!("slow's first step");
///         yield_now().await;
///         log!("slow's second step");
///     });
///     log!("slow spawned");
///     slow.await.unwrap();
///     quick.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), 7);
/// assert_eq!(
///     out.trace.logs(),
///     "t=0 quick runs\nt=0 quick done at once: true\nt=0 slow's first step\n\
///      t=0 slow spawned\nt=0 slow's second step\n"
/// );
/// ```
///
/// # Panics
///
/// Panics outside a simulation, and when eager starts nest more than 64 deep (a first step
/// spawning eagerly, whose first step spawns eagerly, and so on), where asyncio raises
/// `RecursionError`. A panic of the task's own first step ends the task, not the caller.
#[track_caller]
pub fn spawn_eager<F: Future + 'static>(future: F) -> JoinHandle<F::Output> {
    start_cell(None, TaskCell::boxed(future), Location::caller())
}

/// [`spawn_eager`] of a named task. As in asyncio, whose `create_task` names the task after
/// the factory made it, the name is set once the first step ran: that step sees the task
/// unnamed.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, task, yield_now};
///
/// let out = Sim::new().run(async {
///     let h = task::spawn_eager_named("worker", async {
///         let first = task::current_name();
///         yield_now().await;
///         (first, task::current_name())
///     });
///     h.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), (None, Some("worker".to_string())));
/// ```
///
/// # Panics
///
/// As [`spawn_eager`].
#[track_caller]
pub fn spawn_eager_named<F: Future + 'static>(
    name: impl Into<String>,
    future: F,
) -> JoinHandle<F::Output> {
    let name: String = name.into();
    start_cell(Some(name), TaskCell::boxed(future), Location::caller())
}

/// Creates a task from `cell`, runs its first step now and names it `name` afterwards.
pub(super) fn start_cell<T>(
    name: Option<String>,
    cell: Pin<Box<dyn ErasedTask>>,
    at: &'static Location<'static>,
) -> JoinHandle<T> {
    let (handle, start) = spawn_unstarted(cell, at);
    if start {
        start_eager(handle.id());
    }
    if let Some(name) = name {
        with("spawn_eager_named", |c| {
            c.set_name(handle.id(), Cow::Owned(name))
        });
    }
    handle
}

/// Creates a task whose first step the caller runs with [`start_eager`] when the flag says
/// so (it is false once the run stopped: the task was queued as a plain spawn's). A
/// TaskGroup registers its child in between.
pub(crate) fn spawn_unstarted<T>(
    cell: Pin<Box<dyn ErasedTask>>,
    at: &'static Location<'static>,
) -> (JoinHandle<T>, bool) {
    with("spawn_eager", |c| {
        let (id, start) = c.spawn_unstarted(None, cell, Some(at));
        (JoinHandle::new(id, c.run_id()), start)
    })
}

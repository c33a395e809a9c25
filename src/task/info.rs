//! Introspection: the current task and all tasks of the run.

use super::TaskId;
use crate::runtime::{Completion, with};

/// The running task's id.
///
/// # Examples
///
/// ```
/// let out = simloop::Sim::new().run(async { simloop::task::current() });
/// assert_eq!(out.result.unwrap().to_string(), "#1");
/// ```
///
/// # Panics
///
/// Panics outside a task step of a simulation (in a callback, say); [`try_current`] returns
/// `None` there.
#[track_caller]
pub fn current() -> TaskId {
    with("task::current", |c| c.current())
}

/// The running task's id, or `None` between task steps (in a [`call_soon`](crate::task::call_soon)
/// or timer callback, or in a done-callback); asyncio's `asyncio.current_task()`, which
/// returns `None` there too. [`current`] panics where this returns `None`.
///
/// # Examples
///
/// ```
/// use std::{cell::Cell, rc::Rc};
/// use simloop::{Sim, task};
///
/// let out = Sim::new().run(async {
///     let seen = Rc::new(Cell::new(None));
///     let s = seen.clone();
///     task::call_soon(move || s.set(Some(task::try_current())));
///     simloop::yield_now().await;
///     (task::try_current(), seen.get())
/// });
/// let (inside, in_callback) = out.result.unwrap();
/// assert_eq!(inside.unwrap().to_string(), "#1");
/// assert_eq!(in_callback, Some(None));
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn try_current() -> Option<TaskId> {
    with("task::try_current", |c| c.running())
}

/// The running task's name, if it has one (the main task is named `main`).
///
/// ```
/// let out = simloop::Sim::new().run(async { simloop::task::current_name() });
/// assert_eq!(out.result.unwrap().as_deref(), Some("main"));
/// ```
#[track_caller]
pub fn current_name() -> Option<String> {
    with("task::current_name", |c| {
        let id = c.current();
        c.name(id).map(String::from)
    })
}

/// Renames the running task; asyncio's `asyncio.current_task().set_name(name)` (see
/// [`AbortHandle::set_name`](crate::AbortHandle::set_name)).
///
/// ```
/// let out = simloop::Sim::new().run(async {
///     simloop::task::set_current_name("boss");
///     simloop::task::current_name()
/// });
/// assert_eq!(out.result.unwrap().as_deref(), Some("boss"));
/// ```
///
/// # Panics
///
/// Panics outside a task of a simulation.
#[track_caller]
pub fn set_current_name(name: impl Into<String>) {
    let name: String = name.into();
    with("task::set_current_name", |c| {
        let id = c.current();
        c.set_name(id, name.into());
    });
}

/// The message of the cancellation requested for the running task, if it carried one; what
/// asyncio's `CancelledError.args` holds in the cancelled coroutine.
///
/// A cancelled task's future is dropped at its turn, so an `except CancelledError as e:`
/// block becomes a `Drop` guard: called from that `Drop`, this returns the message given to
/// [`JoinHandle::cancel_with`](crate::JoinHandle::cancel_with) (or to a gather's
/// [`cancel_with`](crate::Gather::cancel_with), or forwarded from an awaiting task's
/// cancellation). `None` when the cancellation has no message, when none was requested, and
/// when a timeout's expiry drops the work (asyncio's timeouts cancel without a message).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep, spawn, task};
///
/// struct Cleanup;
/// impl Drop for Cleanup {
///     fn drop(&mut self) {
///         log!("cancelled with {:?}", task::cancel_message());
///     }
/// }
///
/// let out = Sim::new().run(async {
///     let t = spawn(async {
///         let _cleanup = Cleanup;
///         sleep(Duration::from_secs(5)).await;
///     });
///     simloop::yield_now().await;
///     t.cancel_with("shutting down");
///     let _ = t.await;
/// });
/// assert_eq!(out.trace.logs(), "t=0 cancelled with Some(\"shutting down\")\n");
/// ```
///
/// # Panics
///
/// Panics outside a task of a simulation.
#[track_caller]
pub fn cancel_message() -> Option<String> {
    with("task::cancel_message", |c| {
        let id = c.current();
        c.cancel_message(id).map(String::from)
    })
}

/// How many cancellations of the running task were requested (asyncio's
/// `current_task().cancelling()`): from a `Drop` guard (an `except CancelledError:` block)
/// it counts the cancellation being delivered, a timeout's expiry included.
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep, task, timeout};
///
/// struct Cleanup;
/// impl Drop for Cleanup {
///     fn drop(&mut self) {
///         log!("cancelling={}", task::cancelling());
///     }
/// }
///
/// let out = Sim::new().run(async {
///     let _ = timeout(Duration::from_secs(1), async {
///         let _cleanup = Cleanup;
///         sleep(Duration::from_secs(5)).await;
///     })
///     .await;
///     task::cancelling()
/// });
/// assert_eq!(out.trace.logs(), "t=1000 cancelling=1\n");
/// assert_eq!(out.result.unwrap(), 0);
/// ```
///
/// # Panics
///
/// Panics outside a task of a simulation.
#[track_caller]
pub fn cancelling() -> u32 {
    with("task::cancelling", |c| {
        let id = c.current();
        c.cancel_requests(id)
    })
}

/// asyncio's `asyncio.current_task().uncancel()`: one cancellation request of the running
/// task fewer in [`cancelling`] (never below zero); returns how many are left. Typically
/// called after [`catch_cancelled`](crate::task::catch_cancelled) caught the task's
/// cancellation, so that later timeouts and TaskGroups see the count they expect; see
/// [`crate::AbortHandle::uncancel`].
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, spawn, task, yield_now};
///
/// let out = Sim::new().run(async {
///     let worker = spawn(async {
///         let caught = task::catch_cancelled(sleep(Duration::from_secs(5))).await.is_err();
///         (caught, task::cancelling(), task::uncancel(), task::cancelling())
///     });
///     yield_now().await;
///     worker.cancel();
///     worker.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), (true, 1, 0, 0));
/// ```
///
/// # Panics
///
/// Panics outside a task of a simulation.
#[track_caller]
pub fn uncancel() -> u32 {
    with("task::uncancel", |c| {
        let id = c.current();
        c.uncancel(id)
    })
}

/// Requests cancellation of any task of the run by id, the running one included; see
/// [`crate::JoinHandle::cancel`]. Returns false if the task already finished.
///
/// ```
/// use simloop::{Sim, spawn, task};
///
/// let out = Sim::new().run(async {
///     let h = spawn(async {});
///     assert!(task::cancel(h.id()));
///     h.await
/// });
/// assert!(out.result.unwrap().unwrap_err().is_cancelled());
/// ```
///
/// # Panics
///
/// Panics outside a simulation, or for an id the run never issued.
#[track_caller]
pub fn cancel(id: TaskId) -> bool {
    with("task::cancel", |c| {
        assert!(
            id.index() < c.task_count(),
            "simloop: no task {id} in this run"
        );
        c.cancel(id, None)
    })
}

/// A snapshot of one task.
///
/// ```
/// use simloop::{Sim, task};
///
/// let out = Sim::new().run(async { task::all_tasks() });
/// let main = &out.result.unwrap()[0];
/// assert_eq!((main.id.to_string(), main.name.as_deref()), ("#1".to_string(), Some("main")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// The task's id.
    pub id: TaskId,
    /// The task's name, if it was given one.
    pub name: Option<String>,
    /// Where the task is in its life.
    pub state: TaskState,
}

/// Where a task is in its life.
///
/// ```
/// use simloop::{Sim, spawn, task::{self, TaskState}};
///
/// let out = Sim::new().run(async {
///     let done = spawn(async {});
///     let id = done.id();
///     done.await.unwrap();
///     task::all_tasks().into_iter().find(|t| t.id == id).unwrap().state
/// });
/// assert_eq!(out.result.unwrap(), TaskState::Returned);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Queued to run (or to receive its cancellation).
    Ready,
    /// Running now.
    Running,
    /// Waiting to be woken.
    Waiting,
    /// Returned a value.
    Returned,
    /// Panicked.
    Panicked,
    /// Cancelled.
    Cancelled,
}

/// Every task of the run in spawn order, finished ones included.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, spawn_named, task::{self, TaskState}};
///
/// let out = Sim::new().run(async {
///     let _h = spawn_named("w", async {});
///     task::all_tasks()
/// });
/// let tasks = out.result.unwrap();
/// assert_eq!(tasks[0].state, TaskState::Running);
/// assert_eq!((tasks[1].name.as_deref(), tasks[1].state), (Some("w"), TaskState::Ready));
/// ```
#[track_caller]
pub fn all_tasks() -> Vec<TaskInfo> {
    with("task::all_tasks", |c| {
        (0..c.task_count())
            .map(|i| {
                let id = TaskId::from_index(i);
                let state = match c.completion(id) {
                    Some(Completion::Returned) => TaskState::Returned,
                    Some(Completion::Panicked(_)) => TaskState::Panicked,
                    Some(Completion::Cancelled(_)) => TaskState::Cancelled,
                    None if c.running() == Some(id) => TaskState::Running,
                    None if c.is_queued(id) => TaskState::Ready,
                    None => TaskState::Waiting,
                };
                TaskInfo {
                    id,
                    name: c.name(id).map(String::from),
                    state,
                }
            })
            .collect()
    })
}

//! Task ids, as tokio numbers them: unique within a runtime, never reused.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;

/// A task's id, unique among the tasks of its runtime and of the runtimes built inside it.
///
/// Ids count from 1 per runtime in spawn order, so a simulated run numbers its tasks the
/// same way every time; a runtime built where another is current (in `block_in_place`,
/// under `Runtime::enter`) goes on with that runtime's count, so a nested runtime's tasks
/// never take the ids of the outer one's. (tokio's ids are unique in the whole process,
/// which would make them depend on what other threads spawned.)
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let a = tokio::spawn(async { tokio::task::id() });
///     let b = tokio::spawn(async { tokio::task::id() });
///     let (a_id, b_id) = (a.id(), b.id());
///     assert_eq!(a.await.unwrap(), a_id);
///     assert!(b.await.unwrap() > a_id);
///     assert_ne!(a_id, b_id);
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub(crate) NonZeroU64);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

thread_local! {
    /// The id of the task being polled (or dropped) on this thread.
    static CURRENT: Cell<Option<Id>> = const { Cell::new(None) };
}

/// The id of the running task.
///
/// # Panics
///
/// Outside a task (tokio's message).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let (inside, handle_id) = rt.block_on(async {
///     let task = tokio::spawn(async { tokio::task::id() });
///     let handle_id = task.id();
///     (task.await.unwrap(), handle_id)
/// });
/// assert_eq!(inside, handle_id);
/// ```
#[track_caller]
pub fn id() -> Id {
    try_id().expect("Can't get a task id when not inside a task")
}

/// The id of the running task, or `None` outside a task (the future of `block_on` is not a
/// task).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     assert_eq!(tokio::task::try_id(), None);
///     let inside = tokio::spawn(async { tokio::task::try_id() }).await.unwrap();
///     assert!(inside.is_some());
/// });
/// ```
pub fn try_id() -> Option<Id> {
    CURRENT.try_with(Cell::get).ok().flatten()
}

/// Marks `id` as the running task until the guard drops (the previous one is restored).
// Inlined, as the guard's drop: every task poll sets its id, and the two calls were about
// 8 instructions of each poll.
#[inline]
pub(crate) fn set_current(id: Option<Id>) -> CurrentGuard {
    CurrentGuard {
        previous: CURRENT.with(|c| c.replace(id)),
    }
}

/// Restores the task id that ran before.
pub(crate) struct CurrentGuard {
    previous: Option<Id>,
}

impl Drop for CurrentGuard {
    #[inline]
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(self.previous));
    }
}

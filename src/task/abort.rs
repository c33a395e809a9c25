//! Cancelling and inspecting a task without awaiting it.

use std::fmt;

use super::TaskId;
use crate::runtime::{Completion, Core, with};

/// A handle that cancels or inspects a task but cannot await it; tokio's `AbortHandle`,
/// the parts of asyncio's `Task` that do not need its result.
///
/// Cheap to copy around (two words), `Send` and `Sync`; any number may exist beside the
/// task's [`JoinHandle`](crate::JoinHandle) or [`Task`](crate::Task) clones. Every method
/// panics outside the simulation that spawned the task.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, spawn_named};
///
/// let out = Sim::new().run(async {
///     let h = spawn_named("napper", sleep(Duration::from_secs(60)));
///     let abort = h.abort_handle();
///     assert_eq!(abort.name().as_deref(), Some("napper"));
///     assert!(abort.cancel());
///     assert_eq!(abort.cancelling(), 1);
///     let _ = h.await;
///     (abort.is_finished(), abort.cancelled())
/// });
/// assert_eq!(out.result.unwrap(), (true, true));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AbortHandle {
    id: TaskId,
    run: u64,
}

impl AbortHandle {
    pub(crate) fn new(id: TaskId, run: u64) -> AbortHandle {
        AbortHandle { id, run }
    }

    /// The task's id.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// assert_eq!(h.abort_handle().id(), h.id());
    /// # });
    /// ```
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Requests cancellation, like asyncio's `Task.cancel()` (see
    /// [`JoinHandle::cancel`](crate::JoinHandle::cancel)); false if the task already
    /// finished.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// assert!(h.abort_handle().cancel());
    /// assert!(h.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.on_core("AbortHandle::cancel", |c, id| c.cancel(id, None))
    }

    /// Requests cancellation with a message; asyncio's `Task.cancel(msg)`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// h.abort_handle().cancel_with("enough");
    /// assert_eq!(h.await.unwrap_err().to_string(), "task was cancelled: enough");
    /// # });
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        let message = message.into().into_boxed_str();
        self.on_core("AbortHandle::cancel", |c, id| c.cancel(id, Some(message)))
    }

    /// Whether the task has ended (returned, panicked or was cancelled); asyncio's `done()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let a = h.abort_handle();
    /// assert!(!a.is_finished());
    /// h.await.unwrap();
    /// assert!(a.is_finished());
    /// # });
    /// ```
    #[track_caller]
    pub fn is_finished(&self) -> bool {
        self.on_core("AbortHandle::is_finished", |c, id| c.is_done(id))
    }

    /// Whether the task ended by cancellation; asyncio's `cancelled()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let a = h.abort_handle();
    /// a.cancel();
    /// assert!(!a.cancelled(), "not yet delivered");
    /// let _ = h.await;
    /// assert!(a.cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelled(&self) -> bool {
        self.on_core("AbortHandle::cancelled", |c, id| {
            matches!(c.completion(id), Some(Completion::Cancelled(_)))
        })
    }

    /// The task's name, if it was given one; asyncio's `get_name()` (asyncio names the
    /// others `Task-N`; simloop's traces call them `#N`).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn_named("worker", async {});
    /// assert_eq!(h.abort_handle().name().as_deref(), Some("worker"));
    /// # });
    /// ```
    #[track_caller]
    pub fn name(&self) -> Option<String> {
        self.on_core("AbortHandle::name", |c, id| c.name(id).map(String::from))
    }

    /// Renames the task; asyncio's `Task.set_name()`. Its later [`name`](AbortHandle::name)
    /// reads, deadlock reports, and the run's trace (rendered after the run, so events from
    /// before the rename too) use the new name. A task that has ended can be renamed.
    ///
    /// **Differs from asyncio:** asyncio's `set_name` takes any object and names the task
    /// `str()` of it; here the name is a string.
    ///
    /// ```
    /// use simloop::{Sim, log, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let h = spawn(async { log!("working") });
    ///     assert_eq!(h.name(), None);
    ///     h.abort_handle().set_name("renamed");
    ///     let id = h.id();
    ///     h.await.unwrap();
    ///     id
    /// });
    /// assert_eq!(out.trace.label(out.result.unwrap()), "#2 renamed");
    /// ```
    #[track_caller]
    pub fn set_name(&self, name: impl Into<String>) {
        let name: String = name.into();
        self.on_core("AbortHandle::set_name", |c, id| c.set_name(id, name.into()));
    }

    /// How many cancellations were requested while the task had not ended; asyncio's
    /// `cancelling()`.
    ///
    /// A timeout's expiry and a TaskGroup's abort of its body count while they are
    /// delivered (the inner work's `Drop` guards see them, see [`crate::task::cancelling`]),
    /// and no longer once the timeout or group is left, as asyncio uncancels them there.
    ///
    /// **Differs from asyncio:** a task cannot catch its cancellation and carry on; only
    /// [`uncancel`](AbortHandle::uncancel) takes a request off the count.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let a = h.abort_handle();
    /// a.cancel();
    /// a.cancel();
    /// assert_eq!(a.cancelling(), 2);
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelling(&self) -> u32 {
        self.on_core("AbortHandle::cancelling", |c, id| c.cancel_requests(id))
    }

    /// asyncio's `Task.uncancel()`: one cancellation request fewer in
    /// [`cancelling`](AbortHandle::cancelling) (never below zero); returns how many are
    /// left. A cancellation already requested is still delivered (asyncio 3.11 and 3.12;
    /// 3.13 withdraws it when the count reaches zero, if the task was not waiting on a
    /// future).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let a = h.abort_handle();
    /// a.cancel();
    /// a.cancel();
    /// assert_eq!(a.uncancel(), 1);
    /// assert_eq!(a.uncancel(), 0);
    /// assert_eq!(a.uncancel(), 0);
    /// assert!(h.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn uncancel(&self) -> u32 {
        self.on_core("AbortHandle::uncancel", |c, id| c.uncancel(id))
    }

    #[track_caller]
    fn on_core<R>(&self, what: &str, f: impl FnOnce(&mut Core, TaskId) -> R) -> R {
        let (id, run) = (self.id, self.run);
        with(what, |c| {
            assert_eq!(
                c.run_id(),
                run,
                "simloop: a task handle was used outside the run that spawned it"
            );
            f(c, id)
        })
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle").field("id", &self.id).finish()
    }
}

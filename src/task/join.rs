//! Awaiting a task's result.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{AbortHandle, JoinError, TaskId};
use crate::runtime::{WaitOn, try_with, with};

/// An owned handle to a spawned task; awaiting it yields the task's value or a
/// [`JoinError`].
///
/// Awaiting a task that already finished does not yield (asyncio rule 1). Dropping the
/// handle detaches the task: it keeps running. While a task awaits exactly one handle,
/// cancelling that task cancels the awaited one too and delivers its own cancellation once
/// the awaited task ended, which is how asyncio propagates `cancel()` through `await task`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     let h = spawn(async {
///         sleep(Duration::from_secs(1)).await;
///         "done"
///     });
///     h.await
/// });
/// assert_eq!(out.result.unwrap().unwrap(), "done");
/// ```
#[must_use = "dropping a JoinHandle detaches the task"]
pub struct JoinHandle<T> {
    id: TaskId,
    run: u64,
    taken: bool,
    _output: PhantomData<fn() -> T>,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(id: TaskId, run: u64) -> Self {
        JoinHandle {
            id,
            run,
            taken: false,
            _output: PhantomData,
        }
    }

    /// The task's id.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// assert_eq!(h.id().get(), 2);
    /// # });
    /// ```
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Requests cancellation, like asyncio's `Task.cancel()`; returns false if the task
    /// already finished.
    ///
    /// The task is queued, and at its turn its future is dropped instead of polled, so
    /// `Drop` guards run there and release what they hold. A task cancelled before its first
    /// poll never runs. Awaiting it then yields [`JoinError::Cancelled`].
    ///
    /// **Differs from asyncio:** Rust cannot raise inside a future, so the task cannot catch
    /// the cancellation and carry on; cleanup belongs in `Drop`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, sleep, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let h = spawn(sleep(Duration::from_secs(60)));
    ///     assert!(h.cancel());
    ///     h.await
    /// });
    /// assert!(out.result.unwrap().unwrap_err().is_cancelled());
    /// assert_eq!(out.elapsed.as_secs(), 0);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that spawned the task.
    #[track_caller]
    pub fn cancel(&self) -> bool {
        self.request_cancel(None)
    }

    /// Requests cancellation with a message, carried by [`JoinError::Cancelled`]; asyncio's
    /// `Task.cancel(msg)`.
    ///
    /// ```
    /// use simloop::{JoinError, Sim, spawn, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let h = spawn(async { loop { yield_now().await } });
    ///     h.cancel_with("shutting down");
    ///     h.await
    /// });
    /// let expected = JoinError::Cancelled { message: Some("shutting down".into()) };
    /// assert_eq!(out.result.unwrap().unwrap_err(), expected);
    /// ```
    #[track_caller]
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.request_cancel(Some(message.into().into_boxed_str()))
    }

    #[track_caller]
    fn request_cancel(&self, message: Option<Box<str>>) -> bool {
        let (id, run) = (self.id, self.run);
        with("JoinHandle::cancel", |c| {
            assert_eq!(
                c.run_id(),
                run,
                "simloop: JoinHandle used outside the run that spawned it"
            );
            c.cancel(id, message)
        })
    }

    /// A handle that cancels or inspects the task without awaiting it; see
    /// [`AbortHandle`].
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// let a = h.abort_handle();
    /// h.await.unwrap();
    /// assert!(a.is_finished() && !a.cancelled());
    /// # });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle::new(self.id, self.run)
    }

    /// Whether the task ended by cancellation; asyncio's `Task.cancelled()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// h.cancel();
    /// simloop::yield_now().await;
    /// assert!(h.cancelled());
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelled(&self) -> bool {
        self.abort_handle().cancelled()
    }

    /// The task's name, if it was given one; asyncio's `Task.get_name()`.
    ///
    /// **Differs from asyncio:** asyncio names an unnamed task `Task-N`; here that name is
    /// `format!("Task-{}", id().get())` (ids count spawns from 1 for the main task, as
    /// asyncio's counter does under `asyncio.run`, where the main coroutine is `Task-1`).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn_named("w", async {});
    /// assert_eq!(h.name().as_deref(), Some("w"));
    /// # });
    /// ```
    #[track_caller]
    pub fn name(&self) -> Option<String> {
        self.abort_handle().name()
    }

    /// Renames the task; asyncio's `Task.set_name()` (see [`AbortHandle::set_name`]).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn_named("before", async {});
    /// h.set_name("after");
    /// assert_eq!(h.name().as_deref(), Some("after"));
    /// # });
    /// ```
    #[track_caller]
    pub fn set_name(&self, name: impl Into<String>) {
        self.abort_handle().set_name(name)
    }

    /// How many cancellations were requested before the task ended; asyncio's
    /// `Task.cancelling()` (see [`AbortHandle::cancelling`]).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// h.cancel();
    /// h.cancel();
    /// assert_eq!(h.cancelling(), 2);
    /// # });
    /// ```
    #[track_caller]
    pub fn cancelling(&self) -> u32 {
        self.abort_handle().cancelling()
    }

    /// asyncio's `Task.uncancel()`; see [`AbortHandle::uncancel`](crate::AbortHandle::uncancel).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// h.cancel();
    /// assert_eq!(h.uncancel(), 0);
    /// assert_eq!(h.cancelling(), 0);
    /// # });
    /// ```
    #[track_caller]
    pub fn uncancel(&self) -> u32 {
        self.abort_handle().uncancel()
    }

    /// The task's id and run, leaving the handle inert (its drop detaches nothing).
    pub(crate) fn into_parts(mut self) -> (TaskId, u64) {
        self.taken = true;
        (self.id, self.run)
    }

    /// Whether the task has finished (returned, panicked or been cancelled).
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::spawn(async {});
    /// assert!(!h.is_finished());
    /// simloop::yield_now().await;
    /// assert!(h.is_finished());
    /// # });
    /// ```
    #[track_caller]
    pub fn is_finished(&self) -> bool {
        let (id, run) = (self.id, self.run);
        with("JoinHandle::is_finished", |c| {
            c.run_id() == run && c.is_done(id)
        })
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.taken, "simloop: JoinHandle polled after it returned");
        let (id, run) = (this.id, this.run);
        let cell = with("JoinHandle", |c| {
            assert_eq!(
                c.run_id(),
                run,
                "simloop: JoinHandle awaited outside the run that spawned it"
            );
            if let Some(cell) = c.join_output(id) {
                return cell;
            }
            c.await_task(id, cx.waker());
            c.wait_on(WaitOn::Join(id));
            None
        });
        let Some(cell) = cell else {
            return Poll::Pending;
        };
        let mut out: Option<Result<T, JoinError>> = None;
        cell.take_output_and_recycle(&mut out);
        this.taken = true;
        let out = out.expect("simloop: a finished task holds its result until joined");
        Poll::Ready(retrieved(id, out))
    }
}

/// A retrieval of task `id`'s outcome `out`: a cancellation carries the message only the
/// first time (`Core::take_cancel_message`, asyncio's
/// `_make_cancelled_error`); a later retrieval gets none, as asyncio's `CancelledError()`.
pub(crate) fn retrieved<T>(id: TaskId, mut out: Result<T, JoinError>) -> Result<T, JoinError> {
    if let Err(JoinError::Cancelled { message }) = &mut out {
        *message = try_with(|c| c.take_cancel_message(id))
            .flatten()
            .map(String::from);
    }
    out
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.taken {
            return;
        }
        let (id, run) = (self.id, self.run);
        let cell = try_with(|c| {
            if c.run_id() != run {
                return None;
            }
            c.detach(id)
        });
        drop(cell);
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id).finish()
    }
}

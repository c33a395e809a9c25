//! Awaiting a task: `JoinHandle`, `JoinError`, `AbortHandle`.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::Id;
use super::state::{Abortable, Shared, abort, lock};

/// An owned permission to await a task, as tokio's: dropping it detaches the task.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let task = tokio::spawn(async { "result" });
///     assert!(!task.is_finished());
///     assert_eq!(task.await.unwrap(), "result");
/// });
/// ```
pub struct JoinHandle<T> {
    pub(crate) shared: Shared<T>,
    pub(crate) id: Id,
}

impl<T> JoinHandle<T> {
    /// Aborts the task: it is cancelled at its next turn (its future is dropped there, in the
    /// simulation) and awaiting the handle then gives a cancelled [`JoinError`]. A task that
    /// already finished keeps its result.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// use std::time::Duration;
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(tokio::time::sleep(Duration::from_secs(60)));
    ///     task.abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        abort(&self.shared)
    }

    /// Whether the task has finished (returned, panicked or been aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(async {});
    ///     assert!(!task.is_finished());
    ///     tokio::task::yield_now().await;
    ///     assert!(task.is_finished());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        lock(&self.shared).finished
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(async { tokio::task::id() });
    ///     let id = task.id();
    ///     assert_eq!(task.await.unwrap(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

impl<T> JoinHandle<T> {
    /// A handle that can abort the task without owning its result; for any output, as
    /// tokio's (a `!Send` one of a local task's too).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(std::future::pending::<()>());
    ///     let abort = task.abort_handle();
    ///     abort.abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    ///     assert!(abort.is_finished());
    /// });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        // The output may not be `Send`, so the handle shares the task's abort state
        // apart from it (allocated at the first call; `JoinSet` keeps the cheaper
        // `send_abort_handle` for the outputs it may).
        AbortHandle {
            task: lock(&self.shared).control(),
        }
    }
}

impl<T: Send + 'static> JoinHandle<T> {
    /// An abort handle sharing the task's whole state: no allocation, for a `Send`
    /// output (a `JoinSet`'s spawns).
    pub(crate) fn send_abort_handle(&self) -> AbortHandle {
        AbortHandle {
            task: self.shared.clone(),
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Awaiting a task spends a unit of tokio's budget, as tokio's handle does.
        let coop = std::task::ready!(super::coop::poll_proceed(cx));
        let mut j = lock(&self.shared);
        if let Some(result) = j.output.take() {
            coop.made_progress();
            return Poll::Ready(result);
        }
        assert!(!j.finished, "`JoinHandle` polled after completion");
        match &mut j.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            w => *w = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Unpin for JoinHandle<T> {}

impl<T> Drop for JoinHandle<T> {
    /// Detaches the task; a result already there is dropped now, with the task's id current.
    fn drop(&mut self) {
        let output = {
            let mut j = lock(&self.shared);
            j.detached = true;
            j.output.take()
        };
        if output.is_some() {
            let _current = super::id::set_current(Some(self.id));
            // A panic in the output's `Drop` stays here, as in tokio.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(output)));
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id).finish()
    }
}

/// A handle that aborts a task (tokio's `AbortHandle`); cloning it is cheap.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let mut set = tokio::task::JoinSet::new();
///     let abort = set.spawn(std::future::pending::<()>());
///     abort.clone().abort();
///     assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
/// });
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    // Unwind-safe, as tokio's handle: the state is behind a `Mutex`, which is.
    task: Arc<dyn Abortable + RefUnwindSafe + UnwindSafe>,
}

impl AbortHandle {
    /// Aborts the task, as [`JoinHandle::abort`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(std::future::pending::<()>());
    ///     task.abort_handle().abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.task.abort()
    }

    /// Whether the task has finished.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let abort = tokio::spawn(async {}).abort_handle();
    ///     assert!(!abort.is_finished());
    ///     tokio::task::yield_now().await;
    ///     assert!(abort.is_finished());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// The task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(async {});
    ///     assert_eq!(task.abort_handle().id(), task.id());
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.task.id()
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("id", &self.id())
            .finish()
    }
}

/// Why a task gave no value: it was cancelled (aborted, or its runtime shut down) or it
/// panicked.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let err = tokio::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// });
/// ```
pub struct JoinError {
    id: Id,
    repr: Repr,
}

enum Repr {
    Cancelled,
    Panic(Mutex<Box<dyn Any + Send + 'static>>),
}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            id,
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            id,
            repr: Repr::Panic(Mutex::new(payload)),
        }
    }

    /// Whether the task was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let err = rt.block_on(async {
    ///     let task = tokio::spawn(std::future::pending::<()>());
    ///     task.abort();
    ///     task.await.unwrap_err()
    /// });
    /// assert!(err.is_cancelled() && !err.is_panic());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Whether the task panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let err = rt.block_on(async { tokio::spawn(async { panic!("boom") }).await.unwrap_err() });
    /// assert!(err.is_panic() && !err.is_cancelled());
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic's payload.
    ///
    /// # Panics
    ///
    /// When the task was cancelled rather than panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let err = rt.block_on(async { tokio::spawn(async { panic!("boom") }).await.unwrap_err() });
    /// assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// The panic's payload, or the error itself when the task was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let err = rt.block_on(async {
    ///     let task = tokio::spawn(std::future::pending::<()>());
    ///     task.abort();
    ///     task.await.unwrap_err()
    /// });
    /// let err = err.try_into_panic().unwrap_err();
    /// assert!(err.is_cancelled());
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.into_inner().unwrap_or_else(|e| e.into_inner())),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let task = tokio::spawn(async { panic!("boom") });
    ///     let id = task.id();
    ///     assert_eq!(task.await.unwrap_err().id(), id);
    /// });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    fn panic_message(&self) -> Option<String> {
        let Repr::Panic(p) = &self.repr else {
            return None;
        };
        let p = p.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = p.downcast_ref::<&'static str>() {
            Some((*s).to_string())
        } else {
            p.downcast_ref::<String>().cloned()
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {} was cancelled", self.id),
            (Repr::Panic(_), Some(m)) => write!(f, "task {} panicked with message {m:?}", self.id),
            (Repr::Panic(_), None) => write!(f, "task {} panicked", self.id),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({:?})", self.id),
            (Repr::Panic(_), Some(m)) => write!(f, "JoinError::Panic({:?}, {m:?}, ...)", self.id),
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({:?}, ...)", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(e: JoinError) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }
}

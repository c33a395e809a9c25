//! `catch_cancelled`: a task that catches its own cancellation, asyncio's
//! `try: await work() except CancelledError as e:`; the engine's side is in
//! `runtime/catch.rs`.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::runtime::{try_with, with};
use crate::task::TaskId;

/// Awaits `future`, catching the cancellation of the task that awaits it; asyncio's
/// `try: await future except CancelledError as e:`.
///
/// When the task is cancelled while this scope is pending (and no scope nested inside it
/// is), the scope drops `future` (what it awaited is cancelled: a sleep, a lock's wait, a
/// task it awaits, to which the cancellation was forwarded as usual) and returns
/// `Err(Cancelled)`, with the message of the `cancel_with` call. The task goes on: it may
/// await again, return a value (its awaiters then get the value; the task did not end
/// cancelled), or [re-raise](Cancelled::reraise). As in asyncio the request stays counted
/// in [`cancelling()`](crate::task::cancelling) until [`uncancel()`](crate::JoinHandle::uncancel).
///
/// A timeout's expiry inside `future`'s timeout is caught too (the timeout then ends with
/// the work's value, `expired()` true, as asyncio's timeout exits without `TimeoutError`
/// when its `CancelledError` was swallowed); a timeout inside `future` that expires raises
/// its `Elapsed` there, never seen by this scope.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep, spawn, task};
///
/// let out = Sim::new().run(async {
///     let worker = spawn(async {
///         match task::catch_cancelled(sleep(Duration::from_secs(5))).await {
///             Ok(()) => "finished",
///             Err(e) => {
///                 log!("caught {e}, cancelling {}", task::cancelling());
///                 sleep(Duration::from_secs(1)).await; // clean-up may await
///                 "stopped"
///             }
///         }
///     });
///     sleep(Duration::from_secs(1)).await;
///     worker.cancel_with("shutting down");
///     worker.await
/// });
/// assert_eq!(out.result.unwrap(), Ok("stopped"));
/// assert_eq!(
///     out.trace.logs(),
///     "t=1000 caught CancelledError('shutting down'), cancelling 1\n"
/// );
/// assert_eq!(out.elapsed, Duration::from_secs(2));
/// ```
///
/// # Panics
///
/// Panics when polled outside a task of a simulation.
///
/// # Cancel safety
///
/// Dropping the scope drops `future`, as any future's drop does.
pub fn catch_cancelled<F: Future>(future: F) -> CatchCancelled<F> {
    CatchCancelled {
        inner: Some(future),
        held: None,
    }
}

/// The task's cancellation, caught by [`catch_cancelled`]; asyncio's `CancelledError`.
///
/// Its `Display` is Python's `repr` of the error: `CancelledError('message')`, or
/// `CancelledError()` without one.
///
/// ```
/// let e = simloop::task::Cancelled::new(Some("stop"));
/// assert_eq!(e.message(), Some("stop"));
/// assert_eq!(e.to_string(), "CancelledError('stop')");
/// assert_eq!(simloop::task::Cancelled::new(None).to_string(), "CancelledError()");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancelled {
    message: Option<String>,
}

impl Cancelled {
    /// A cancellation with `message`, as `cancel_with(message)` (or `cancel()`) makes.
    ///
    /// ```
    /// assert_eq!(simloop::task::Cancelled::new(None).message(), None);
    /// ```
    pub fn new(message: Option<&str>) -> Cancelled {
        Cancelled {
            message: message.map(str::to_string),
        }
    }

    /// The message given to `cancel_with`, if any.
    ///
    /// ```
    /// assert_eq!(simloop::task::Cancelled::new(Some("m")).message(), Some("m"));
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Raises the cancellation again; asyncio's bare `raise` in the `except` block. The
    /// future never completes: in the step that polls it, the next enclosing
    /// [`catch_cancelled`] scope catches the cancellation, or, with none, the task ends
    /// cancelled with the message (its awaiters get `JoinError::Cancelled`).
    ///
    /// ```
    /// use simloop::{JoinError, Sim, sleep, spawn, task, yield_now};
    /// use std::time::Duration;
    ///
    /// let out = Sim::new().run(async {
    ///     let worker = spawn(async {
    ///         if let Err(e) = task::catch_cancelled(sleep(Duration::from_secs(5))).await {
    ///             simloop::log!("cleaning up");
    ///             e.reraise::<()>().await;
    ///         }
    ///     });
    ///     yield_now().await;
    ///     worker.cancel_with("stop");
    ///     worker.await
    /// });
    /// let message = Some("stop".to_string());
    /// assert_eq!(out.result.unwrap(), Err(JoinError::Cancelled { message }));
    /// ```
    pub fn reraise<T>(self) -> Reraise<T> {
        Reraise {
            message: Some(self.message),
            _output: PhantomData,
        }
    }
}

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "CancelledError('{m}')"),
            None => f.write_str("CancelledError()"),
        }
    }
}

impl Error for Cancelled {}

pin_project! {
    /// The future returned by [`catch_cancelled`].
    ///
    /// ```
    /// use simloop::{Sim, task::{CatchCancelled, catch_cancelled}};
    ///
    /// let out = Sim::new().run(async {
    ///     let scope: CatchCancelled<_> = catch_cancelled(async { 7 });
    ///     scope.await
    /// });
    /// assert_eq!(out.result.unwrap(), Ok(7));
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct CatchCancelled<F> {
        #[pin]
        inner: Option<F>,
        // While pending: the task whose cancellations the scope holds, and its run
        // (`runtime/cancel_hold.rs`), so that a delivery is a poll of this scope.
        held: Option<(TaskId, u64)>,
    }

    impl<F> PinnedDrop for CatchCancelled<F> {
        fn drop(this: Pin<&mut Self>) {
            let_go(this.project().held);
        }
    }
}

impl<F: Future> Future for CatchCancelled<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let delivering = this.held.is_some() && with("catch_cancelled", |c| c.delivering_cancel());
        // Held between polls only: while the inner future runs, what it awaits decides for
        // itself (a timeout's expiry inside must not take this hold for its own).
        let_go(this.held);
        if delivering {
            // A holder inside (a nested scope, a Condition wait re-taking its lock, a
            // TaskGroup scope waiting for its children) finishes first: the innermost scope
            // catches, and what goes on after it is an ordinary poll.
            if with("catch_cancelled", |c| c.running_held()) {
                let inner = this.inner.as_mut().as_pin_mut().expect("pending scope");
                let polled = inner.poll(cx);
                let (caught, held) =
                    with("catch_cancelled", |c| (c.caught_now(), c.running_held()));
                if caught {
                    return finish(this.inner, this.held, polled);
                }
                if held {
                    hold(this.held);
                    return Poll::Pending;
                }
            }
            // Dropped while the message is still the task's (`task::cancel_message` in a
            // `Drop` guard reads it), then caught.
            this.inner.set(None);
            let message = with("catch_cancelled", |c| c.catch_cancel());
            return Poll::Ready(Err(Cancelled {
                message: message.map(String::from),
            }));
        }
        let inner = this
            .inner
            .as_mut()
            .as_pin_mut()
            .expect("simloop: CatchCancelled polled after it completed");
        let polled = inner.poll(cx);
        finish(this.inner, this.held, polled)
    }
}

/// The scope's answer to its inner future's poll: the value, the cancellation a scope
/// inside re-raised in this step (caught here), or pending (holding the task's
/// cancellations again).
fn finish<F: Future>(
    mut inner: Pin<&mut Option<F>>,
    held: &mut Option<(TaskId, u64)>,
    polled: Poll<F::Output>,
) -> Poll<Result<F::Output, Cancelled>> {
    match polled {
        Poll::Ready(v) => {
            inner.set(None);
            Poll::Ready(Ok(v))
        }
        Poll::Pending => {
            if let Some(message) = with("catch_cancelled", |c| c.take_reraised()) {
                inner.set(None);
                return Poll::Ready(Err(Cancelled {
                    message: message.map(String::from),
                }));
            }
            hold(held);
            Poll::Pending
        }
    }
}

/// Holds the running task's cancellations while the scope is pending (once).
fn hold(held: &mut Option<(TaskId, u64)>) {
    if held.is_none() {
        *held = Some(with("catch_cancelled", |c| (c.hold_cancel(), c.run_id())));
    }
}

/// Stops holding the task's cancellations.
fn let_go(held: &mut Option<(TaskId, u64)>) {
    if let Some((task, run)) = held.take() {
        let _ = try_with(|c| {
            if c.run_id() == run {
                c.release_cancel(task);
            }
        });
    }
}

/// The future returned by [`Cancelled::reraise`]: it never completes.
///
/// ```
/// let r: simloop::task::Reraise<u8> = simloop::task::Cancelled::new(None).reraise();
/// drop(r);
/// ```
#[must_use = "futures do nothing unless awaited"]
#[derive(Debug)]
pub struct Reraise<T> {
    message: Option<Option<String>>,
    _output: PhantomData<fn() -> T>,
}

impl<T> Future for Reraise<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if let Some(message) = this.message.take() {
            with("Cancelled::reraise", |c| c.reraise(message.map(Into::into)));
        }
        Poll::Pending
    }
}

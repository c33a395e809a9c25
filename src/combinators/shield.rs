//! `shield`: await a task without letting the caller's cancellation reach it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::callback::{DoneCallback, Outer, watch};
use crate::runtime::{Completion, WaitOn, with};
use crate::task::handle::{BoxedHandle, outcome};
use crate::task::{JoinError, TaskHandle, TaskId, spawn};

/// Runs `future` as its own task and awaits it, shielded from cancellation; asyncio's
/// `shield`.
///
/// Cancelling the task that awaits the shield (or dropping the `Shield`) ends only that
/// await: the inner task keeps running to completion, detached. The inner task starts when
/// `shield` is called. Its completion reaches the caller two ready-queue slots later (the
/// inner task's done-callback resolves the outer future, which wakes the caller).
///
/// **Differs from asyncio:** the caller's cancellation drops the `Shield` future instead of
/// raising `CancelledError` at the await.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, shield, sleep, timeout};
///
/// let out = Sim::new().run(async {
///     let r = timeout(Duration::from_secs(1), shield(async {
///         sleep(Duration::from_secs(3)).await;
///         log!("shielded work done");
///     }))
///     .await;
///     assert!(r.is_err());
///     sleep(Duration::from_secs(5)).await;
/// });
/// assert_eq!(out.trace.logs(), "t=3000 shielded work done\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Shield` leaves the inner task running.
#[track_caller]
pub fn shield<F: Future + 'static>(future: F) -> Shield<F::Output> {
    shield_task(spawn(future))
}

/// Awaits a task that is already spawned, shielded from cancellation; asyncio's
/// `shield(task)`.
///
/// Cancelling the caller (a timeout's expiry, [`JoinHandle::cancel`](crate::JoinHandle::cancel)
/// of the caller) ends only the shield: the task runs on, and with a
/// [`Task`](crate::Task) clone it can still be awaited afterwards. The result reaches the
/// caller two ready-queue slots after the task ends, as in asyncio; a task that has ended
/// already gives its result without yielding (asyncio's `shield` returns it as is).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, shield_task, sleep, spawn, timeout};
///
/// let out = Sim::new().run(async {
///     let save = spawn(async {
///         sleep(Duration::from_secs(2)).await;
///         "saved"
///     })
///     .share();
///     let r = timeout(Duration::from_secs(1), shield_task(save.clone())).await;
///     log!("timeout: {}, task done: {}", r.is_err(), save.done());
///     save.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), "saved");
/// assert_eq!(out.trace.logs(), "t=1000 timeout: true, task done: false\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation, or with a handle from another run.
///
/// # Cancel safety
///
/// Cancel safe: dropping the `Shield` leaves the task running.
#[track_caller]
pub fn shield_task<H: TaskHandle>(handle: H) -> Shield<H::Value> {
    let id = handle.task_id();
    let handle: BoxedHandle<H::Value> = Box::new(handle);
    let shared = Rc::new(ShieldShared {
        outer: RefCell::new(Outer::default()),
    });
    let watched = !with("shield_task", |c| c.is_done(id));
    if watched {
        watch(id, 0, shared.clone());
    } else {
        // asyncio's `shield` returns a finished task itself: awaiting it does not yield.
        let _nobody = shared.outer.borrow_mut().resolve();
    }
    Shield {
        id,
        watched,
        handle: Some(handle),
        shared,
    }
}

/// The future returned by [`shield`].
///
/// # Examples
///
/// ```
/// use simloop::{Shield, Sim, shield};
///
/// let out = Sim::new().run(async {
///     let s: Shield<u8> = shield(async { 3 });
///     s.await
/// });
/// assert_eq!(out.result.unwrap(), Ok(3));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Shield<T> {
    id: TaskId,
    /// The task had not ended when the shield was made: its end reaches the caller through
    /// asyncio's outer future, which a cancelled task cancels without a message.
    watched: bool,
    handle: Option<BoxedHandle<T>>,
    shared: Rc<ShieldShared>,
}

struct ShieldShared {
    outer: RefCell<Outer>,
}

impl DoneCallback for ShieldShared {
    fn on_done(&self, _index: usize, _how: &Completion) {
        let waker = self.outer.borrow_mut().resolve();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T: 'static> Future for Shield<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(
            this.handle.is_some(),
            "simloop: Shield polled after it completed"
        );
        {
            let mut outer = this.shared.outer.borrow_mut();
            if !outer.resolved {
                outer.register(cx.waker());
                drop(outer);
                // Not a `WaitOn::Join`: a cancellation of the caller must not be forwarded.
                let inner = this.id;
                with("shield", |c| {
                    c.wait_on(WaitOn::resource("shield", None, vec![inner]));
                });
                return Poll::Pending;
            }
        }
        let mut handle = this.handle.take().expect("checked above");
        // Watched (the task was pending when shielded), the outcome reaches the caller
        // through asyncio's outer future: the task's own message stays for a later
        // retrieval. A task done already is what `shield()` returns, awaited directly.
        if this.watched {
            with("shield", |c| c.keep_cancel_messages(true));
        }
        let mut out = outcome(&mut *handle);
        if this.watched {
            with("shield", |c| c.keep_cancel_messages(false));
        }
        if let (true, Err(JoinError::Cancelled { message })) = (this.watched, &mut out) {
            // asyncio's `_inner_done_callback` calls `outer.cancel()` with no message, so
            // the caller's CancelledError carries none (case 701).
            *message = None;
        }
        Poll::Ready(out)
    }
}

impl<T> Drop for Shield<T> {
    fn drop(&mut self) {
        // asyncio: once the outer future is cancelled, the inner task's callback wakes nobody.
        let _ = self.shared.outer.borrow_mut().resolve();
    }
}

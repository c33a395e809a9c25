//! `wait_for` with a zero timeout: asyncio 3.12's `wait_for(coro, 0)` wraps the coroutine
//! in a task (`ensure_future`) and, unless that task is done at once, cancels it and waits
//! for it to end (`_cancel_and_wait`), then raises `TimeoutError` from its cancellation.
//!
//! The wrapper task is made here too, as a placeholder that never runs the inner work (a
//! Rust future need not be `'static`, so it cannot move into a task): it is queued where
//! asyncio queues the wrapper's first step, in the caller's step, and cancelled at once
//! (`_must_cancel`: its turn drops it unpolled). Its end queues a done-callback
//! (`_release_waiter`, one ready-queue slot) that wakes the caller (one more): the caller
//! gets [`Elapsed`] three slots after its step, as in asyncio, and no timer is armed.
//!
//! With eager tasks on (`Sim::eager_tasks`), asyncio starts the wrapper eagerly: a
//! coroutine that returns without suspending gives its value, no `TimeoutError`. The inner
//! work is polled once, inline in the caller (the one approximation: asyncio runs that step
//! as the wrapper task); ready, the placeholder is started and ends at once, taking its task
//! number, and the value is returned; pending, the work is dropped there (its `Drop` guards
//! run in the caller's step, where asyncio throws the cancellation into the wrapper at its
//! next turn) and the placeholder is cancelled and waited for as above.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::Elapsed;
use crate::runtime::{Completion, Core, DoneCallback, DoneCallbackKey, TaskCell, try_with, with};
use crate::task::TaskId;

/// A zero `wait_for`'s wait for its placeholder task: shared with the placeholder's
/// done-callback, which marks it released and wakes the caller.
pub(super) struct Released {
    placeholder: TaskId,
    run: u64,
    /// Set by the done-callback: the placeholder ended and the caller was woken.
    done: Cell<bool>,
    /// The caller's waker, from its last poll.
    waker: RefCell<Option<Waker>>,
    /// The key the done-callback is registered under, to remove it when the caller stops
    /// waiting first (asyncio's `finally: fut.remove_done_callback(cb)`).
    key: DoneCallbackKey,
}

impl DoneCallback for Released {
    fn on_done(&self, _index: usize, _how: &Completion) {
        // asyncio's `_release_waiter`: the waiter's result wakes the caller, one slot on.
        self.done.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    fn keyed(&self, key: &DoneCallbackKey) -> bool {
        *key == self.key
    }
}

/// What a zero `wait_for`'s first poll decided.
pub(super) enum Started<T> {
    /// The inner work, started eagerly, finished in its first step: its value.
    Done(T),
    /// The placeholder was cancelled; wait for it ([`poll_released`]).
    Waiting(Rc<Released>),
}

/// The first poll of a zero `wait_for` over `inner`: makes and cancels the placeholder task,
/// after polling the inner work once if tasks start eagerly (see the module docs).
pub(super) fn start<F: std::future::Future>(
    mut inner: Pin<&mut Option<F>>,
    cx: &mut Context<'_>,
) -> Started<F::Output> {
    if with("wait_for", |c| c.eager_tasks()) {
        let work = inner.as_mut().as_pin_mut().expect("inner present");
        let polled = work.poll(cx);
        if let Poll::Ready(v) = polled {
            inner.set(None);
            // `ensure_future`'s task, done at once: it takes its task number, and
            // `wait_for` returns its result without yielding.
            let cell = TaskCell::boxed(async {});
            let (handle, eager) =
                crate::task::spawn_unstarted::<()>(cell, std::panic::Location::caller());
            if eager {
                crate::runtime::start_eager(handle.id());
            }
            drop(handle);
            return Started::Done(v);
        }
        inner.set(None);
    }
    let released = with("wait_for", |c| {
        let placeholder = c.spawn(None, async {}, None);
        let released = Rc::new(Released {
            placeholder,
            run: c.run_id(),
            done: Cell::new(false),
            waker: RefCell::new(Some(cx.waker().clone())),
            key: DoneCallbackKey::new(),
        });
        cancel_placeholder(c, &released);
        released
    });
    Started::Waiting(released)
}

/// `fut.add_done_callback(cb)`, `fut.cancel()`, and the placeholder detached (nothing
/// joins it).
fn cancel_placeholder(c: &mut Core, released: &Rc<Released>) {
    let id = released.placeholder;
    c.add_done_callback(id, released.clone(), 0);
    c.cancel(id, None);
    let cell = c.detach(id);
    debug_assert!(cell.is_none(), "the placeholder has not run yet");
}

/// A later poll: `Ready` once the placeholder's done-callback woke the caller.
pub(super) fn poll_released(released: &Released, cx: &mut Context<'_>) -> Poll<Elapsed> {
    if released.done.get() {
        return Poll::Ready(Elapsed(()));
    }
    let mut waker = released.waker.borrow_mut();
    if !waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
        *waker = Some(cx.waker().clone());
    }
    Poll::Pending
}

/// The caller stopped waiting before the placeholder's done-callback ran (its task was
/// cancelled, or the future dropped): the callback is removed, as asyncio's
/// `_cancel_and_wait` removes it in its `finally`.
pub(super) fn abandon(released: &Released) {
    if released.done.get() {
        return;
    }
    let waker = released.waker.borrow_mut().take();
    // Dropped outside the core borrow, as wakers are.
    let removed = try_with(|c| {
        (c.run_id() == released.run)
            .then(|| c.remove_done_callbacks(released.placeholder, &released.key))
    });
    drop((waker, removed));
}

//! `wait_for` with a zero timeout: asyncio 3.12's `wait_for(coro, 0)` wraps the coroutine
//! in a task (`ensure_future`) and, unless that task is done at once, cancels it and waits
//! for it to end (`_cancel_and_wait`), then raises `TimeoutError` from its cancellation.
//!
//! The wrapper task is made here too, as a placeholder that never runs the inner work (a
//! Rust future need not be `'static`, so it cannot move into a task): it is queued where
//! asyncio queues the wrapper's first step, in the caller's step, and cancelled at once
//! (`_must_cancel`: its turn drops it unpolled). Its end queues a done-callback
//! (`_release_waiter`, one ready-queue slot) that wakes the caller (one more): the caller
//! gets [`Elapsed`](super::Elapsed) three slots after its step, as in asyncio, and no
//! timer is armed. The wait lives in the timeout's shared state (`State::poll_zero`), which
//! the callback holds, so a timeout carries no field for it. A caller that stops waiting
//! first (its task cancelled) leaves the callback to run and wake nobody, where asyncio's
//! `finally` removes it: under FIFO the placeholder always ends first, so it ran anyway.
//!
//! With eager tasks on (`Sim::eager_tasks`), asyncio starts the wrapper eagerly: a
//! coroutine that returns without suspending gives its value, no `TimeoutError`. The inner
//! work is polled once, inline in the caller (the one approximation: asyncio runs that step
//! as the wrapper task); ready, the placeholder is started and ends at once, taking its task
//! number, and the value is returned; pending, the work is dropped there (its `Drop` guards
//! run in the caller's step, where asyncio throws the cancellation into the wrapper at its
//! next turn) and the placeholder is cancelled and waited for as above.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::state::{State, lock};
use crate::runtime::{Completion, DoneCallback, TaskCell, with};

/// The placeholder's done-callback: asyncio's `_release_waiter`.
struct Release(Arc<Mutex<State>>);

impl DoneCallback for Release {
    fn on_done(&self, _index: usize, _how: &Completion) {
        // The waiter's result wakes the caller, one slot on.
        let waker = lock(&self.0).release_zero();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// With eager tasks on, the inner work's first step, inline: its value if it finished (the
/// placeholder then started and ended at once, for its task number); the work is dropped
/// if it suspended. `None` without eager tasks or when it suspended.
pub(super) fn eager_step<F: Future>(
    mut inner: Pin<&mut Option<F>>,
    cx: &mut Context<'_>,
) -> Option<F::Output> {
    if !with("wait_for", |c| c.eager_tasks()) {
        return None;
    }
    let polled = inner.as_mut().as_pin_mut().expect("inner present").poll(cx);
    inner.set(None);
    let Poll::Ready(v) = polled else {
        return None;
    };
    // `ensure_future`'s task, done at once: `wait_for` returns its result without yielding.
    let cell = TaskCell::boxed(async {});
    let (handle, eager) = crate::task::spawn_unstarted::<()>(cell, std::panic::Location::caller());
    if eager {
        crate::runtime::start_eager(handle.id());
    }
    drop(handle);
    Some(v)
}

/// `fut = ensure_future(coro)`, `fut.add_done_callback(cb)`, `fut.cancel()`: the placeholder
/// task queued, watched and cancelled, and detached (nothing joins it). `shared` is the
/// timeout's state, marked waiting already (`State::poll_zero`).
pub(super) fn cancel_placeholder(shared: &Arc<Mutex<State>>) {
    let release = std::rc::Rc::new(Release(shared.clone()));
    with("wait_for", |c| {
        let id = c.spawn(None, async {}, None);
        c.add_done_callback(id, release, 0);
        c.cancel(id, None);
        let cell = c.detach(id);
        debug_assert!(cell.is_none(), "the placeholder has not run yet");
    });
}

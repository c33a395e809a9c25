//! Awaiting a [`Promise`]: from a task ([`PromiseWait`]) or as a combinator's child
//! ([`PromiseHandle`], one of the promise's done-callbacks).

use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::{Callback, Promise, PromiseError, schedule_callback};
use crate::runtime::{CancelFuture, Completion, Core, DoneCallback, with};
use crate::sync::waiters::{Status, Ticket};
use crate::task::handle::sealed::Sealed;
use crate::task::handle::{Child, FutureChild, Kind};
use crate::task::{Awaitable, JoinError};

/// The future returned by [`Promise::wait`] (and by awaiting `&Promise`).
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let p = simloop::sync::Promise::<u8>::new();
///     p.set_result(1).unwrap();
///     let w: simloop::sync::PromiseWait<'_, u8> = p.wait();
///     assert_eq!(w.await, Ok(1));
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it only removes the task from the awaiters.
#[must_use = "futures do nothing unless awaited"]
pub struct PromiseWait<'a, T, E = Infallible> {
    pub(super) promise: &'a Promise<T, E>,
    pub(super) ticket: Option<Ticket>,
}

impl<'a, T: Clone + 'static, E: Clone + 'static> IntoFuture for &'a Promise<T, E> {
    type Output = Result<T, PromiseError<E>>;
    type IntoFuture = PromiseWait<'a, T, E>;

    fn into_future(self) -> PromiseWait<'a, T, E> {
        self.wait()
    }
}

impl<T: Clone, E: Clone> Future for PromiseWait<'_, T, E> {
    type Output = Result<T, PromiseError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_wait(this.promise, &mut this.ticket, cx)
    }
}

/// One poll of a wait on `p` holding `ticket` (its place among the awaiters).
fn poll_wait<T: Clone, E: Clone>(
    p: &Promise<T, E>,
    ticket: &mut Option<Ticket>,
    cx: &mut Context<'_>,
) -> Poll<Result<T, PromiseError<E>>> {
    // Clone outside the runtime's borrow: `T::clone` is user code.
    let done = p.state.borrow().outcome.clone();
    if let Some(outcome) = done {
        if let Some(t) = ticket.take() {
            p.state.borrow_mut().waiters.remove(t);
        }
        return Poll::Ready(outcome);
    }
    with("Promise::wait", |core| {
        let mut st = p.state.borrow_mut();
        match *ticket {
            None => *ticket = Some(st.waiters.push(core, cx.waker())),
            Some(t) => {
                if st.waiters.poll(core, t, cx.waker()) == Status::Gone {
                    *ticket = Some(st.waiters.push(core, cx.waker()));
                }
            }
        }
        p.resource.wait_on(core);
        Poll::Pending
    })
}

impl<T, E> Drop for PromiseWait<'_, T, E> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.promise.state.borrow_mut().waiters.remove(t);
        }
    }
}

/// A handle on a shared [`Promise`] ([`Promise::handle`]): what the combinators accept
/// for a future, as asyncio's accept a future beside tasks. Awaiting it waits as
/// [`Promise::wait`] does, with the outcome as a task's: `Ok(Ok(value))`, `Ok(Err(error))`,
/// or `Err(JoinError::Cancelled { .. })`.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::sync::Promise;
/// use simloop::{JoinError, Sim};
///
/// let out = Sim::new().run(async {
///     let p: Rc<Promise<u8, String>> = Rc::new(Promise::new());
///     p.cancel_with("stop");
///     p.handle().await
/// });
/// assert_eq!(
///     out.result.unwrap(),
///     Err(JoinError::Cancelled { message: Some("stop".into()) })
/// );
/// ```
///
/// # Cancel safety
///
/// Dropping it only removes the task from the awaiters.
#[must_use = "futures do nothing unless awaited"]
pub struct PromiseHandle<T, E = Infallible> {
    pub(super) promise: Rc<Promise<T, E>>,
    pub(super) ticket: Option<Ticket>,
}

impl<T: Clone + 'static, E: Clone + 'static> Future for PromiseHandle<T, E> {
    type Output = Result<Result<T, E>, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        poll_wait(&this.promise, &mut this.ticket, cx).map(|r| match r {
            Ok(v) => Ok(Ok(v)),
            Err(PromiseError::Failed(e)) => Ok(Err(e)),
            Err(PromiseError::Cancelled(message)) => Err(JoinError::Cancelled { message }),
        })
    }
}

impl<T, E> Drop for PromiseHandle<T, E> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.promise.state.borrow_mut().waiters.remove(t);
        }
    }
}

impl<T: Clone + 'static, E: Clone + 'static> Sealed for PromiseHandle<T, E> {
    fn child(&self) -> Child {
        Child(Kind::Future(self.promise.clone()))
    }
}

impl<T: Clone + 'static, E: Clone + 'static> Awaitable for PromiseHandle<T, E> {
    type Value = Result<T, E>;
}

/// asyncio's `fut.add_done_callback(combinator_callback)`: a combinator watching the
/// promise is one of its done-callbacks.
impl<T: Clone + 'static, E: Clone + 'static> FutureChild for Promise<T, E> {
    fn completion(&self) -> Option<Completion> {
        self.state.borrow().outcome.as_ref().map(completion)
    }

    fn watch(&self, core: &mut Core, target: Rc<dyn DoneCallback>, index: u32) {
        let index = index as usize;
        let callback: Callback<T, E> =
            Box::new(move |outcome| target.on_done(index, &completion(&outcome)));
        let done = self.state.borrow().outcome.clone();
        match done {
            Some(outcome) => schedule_callback(core, callback, outcome, None),
            None => {
                let mut st = self.state.borrow_mut();
                let t = st.waiters.reserve();
                st.callbacks.push((t, None, callback));
            }
        }
    }

    fn wait_on(&self, core: &mut Core) {
        self.resource.wait_on(core);
    }

    fn cancel(&self, core: &mut Core, message: Option<Box<str>>) -> bool {
        CancelFuture::cancel(&*self.state, core, message)
    }
}

/// How a child ended, for a combinator's callback: a value or an error is a return.
fn completion<T, E>(outcome: &Result<T, PromiseError<E>>) -> Completion {
    match outcome {
        Err(PromiseError::Cancelled(m)) => Completion::Cancelled(m.as_deref().map(Into::into)),
        _ => Completion::Returned,
    }
}

impl<T, E> fmt::Debug for PromiseHandle<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromiseHandle").finish_non_exhaustive()
    }
}

impl<T, E> fmt::Debug for PromiseWait<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PromiseWait").finish_non_exhaustive()
    }
}

//! The futures of blocking queue operations.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::base::Queue;
use super::error::{QueueShutDown, TryGetError, TryPutError};
use super::store::{Fifo, Store};
use crate::runtime::with;
use crate::sync::waiters::{Status, Ticket, with_core};

/// The future returned by [`Queue::put`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let q = simloop::sync::Queue::new();
///     let p: simloop::sync::Put<'_, i32> = q.put(1);
///     p.await.unwrap();
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it before it completes drops the item (it was never put). A producer woken for
/// room and dropped before running passes the wake-up on to the next blocked producer.
#[must_use = "futures do nothing unless awaited"]
pub struct Put<'a, T, S: Store<Item = T> = Fifo<T>> {
    queue: &'a Queue<T, S>,
    item: Option<T>,
    ticket: Option<Ticket>,
}

/// The future returned by [`Queue::get`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let q = simloop::sync::Queue::new();
///     q.put_nowait(3).unwrap();
///     let g: simloop::sync::Get<'_, i32> = q.get();
///     assert_eq!(g.await, Ok(3));
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it loses no item: items are only taken when the future completes. A getter
/// woken for an item and dropped before running passes the wake-up on to the next getter.
#[must_use = "futures do nothing unless awaited"]
pub struct Get<'a, T, S: Store<Item = T> = Fifo<T>> {
    queue: &'a Queue<T, S>,
    ticket: Option<Ticket>,
}

/// The future returned by [`Queue::join`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let q: simloop::sync::Queue<u8> = simloop::sync::Queue::new();
///     let j: simloop::sync::Join<'_, u8> = q.join();
///     j.await; // nothing pending
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it only removes the task from the joiners.
#[must_use = "futures do nothing unless awaited"]
pub struct Join<'a, T, S: Store<Item = T> = Fifo<T>> {
    queue: &'a Queue<T, S>,
    ticket: Option<Ticket>,
}

impl<'a, T, S: Store<Item = T>> Put<'a, T, S> {
    pub(super) fn new(queue: &'a Queue<T, S>, item: T) -> Self {
        Put {
            queue,
            item: Some(item),
            ticket: None,
        }
    }
}

impl<'a, T, S: Store<Item = T>> Get<'a, T, S> {
    pub(super) fn new(queue: &'a Queue<T, S>) -> Self {
        Get {
            queue,
            ticket: None,
        }
    }
}

impl<'a, T, S: Store<Item = T>> Join<'a, T, S> {
    pub(super) fn new(queue: &'a Queue<T, S>) -> Self {
        Join {
            queue,
            ticket: None,
        }
    }
}

impl<T, S: Store<Item = T>> Future for Put<'_, T, S> {
    type Output = Result<(), QueueShutDown<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = unpinned(self);
        let q = this.queue;
        with("Queue::put", |core| {
            let mut st = q.state.borrow_mut();
            if let Some(t) = this.ticket {
                if st.putters.poll(core, t, cx.waker()) == Status::Waiting {
                    q.resource.wait_on_as(core, "Queue put");
                    return Poll::Pending;
                }
                // A wake-up is a hint: re-check, and queue again at the back if still full.
                st.putters.remove(t);
                this.ticket = None;
            }
            let item = this
                .item
                .take()
                .expect("simloop: Queue::put polled after it completed");
            if st.shutdown {
                return Poll::Ready(Err(QueueShutDown(item)));
            }
            if q.is_full(&st) {
                this.item = Some(item);
                this.ticket = Some(st.putters.push(core, cx.waker()));
                q.resource.wait_on_as(core, "Queue put");
                return Poll::Pending;
            }
            match q.put_now(&mut st, Some(core), item) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryPutError::Full(item) | TryPutError::ShutDown(item)) => {
                    Poll::Ready(Err(QueueShutDown(item)))
                }
            }
        })
    }
}

impl<T, S: Store<Item = T>> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            let q = self.queue;
            with_core(|core| {
                let mut st = q.state.borrow_mut();
                if st.putters.remove(t) == Status::Notified
                    && !q.is_full(&st)
                    && let Some(core) = core
                {
                    st.putters.notify(core, 1);
                }
            });
        }
        // The unsent item drops here, outside the runtime's borrow.
    }
}

impl<T, S: Store<Item = T>> Future for Get<'_, T, S> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = unpinned(self);
        let q = this.queue;
        with("Queue::get", |core| {
            let mut st = q.state.borrow_mut();
            if let Some(t) = this.ticket {
                if st.getters.poll(core, t, cx.waker()) == Status::Waiting {
                    q.resource.wait_on_as(core, "Queue get");
                    return Poll::Pending;
                }
                st.getters.remove(t);
                this.ticket = None;
            }
            match q.get_now(&mut st, Some(core)) {
                Ok(item) => Poll::Ready(Ok(item)),
                Err(TryGetError::ShutDown) => Poll::Ready(Err(QueueShutDown(()))),
                Err(TryGetError::Empty) => {
                    this.ticket = Some(st.getters.push(core, cx.waker()));
                    q.resource.wait_on_as(core, "Queue get");
                    Poll::Pending
                }
            }
        })
    }
}

impl<T, S: Store<Item = T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            let q = self.queue;
            with_core(|core| {
                let mut st = q.state.borrow_mut();
                if st.getters.remove(t) == Status::Notified
                    && !st.items.is_empty()
                    && let Some(core) = core
                {
                    st.getters.notify(core, 1);
                }
            });
        }
    }
}

impl<T, S: Store<Item = T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = unpinned(self);
        let q = this.queue;
        with("Queue::join", |core| {
            let mut st = q.state.borrow_mut();
            match this.ticket {
                None if st.unfinished == 0 => return Poll::Ready(()),
                None => this.ticket = Some(st.joiners.push(core, cx.waker())),
                Some(t) => {
                    if st.joiners.poll(core, t, cx.waker()) != Status::Waiting {
                        st.joiners.remove(t);
                        this.ticket = None;
                        return Poll::Ready(());
                    }
                }
            }
            q.resource.wait_on_as(core, "Queue join");
            Poll::Pending
        })
    }
}

impl<T, S: Store<Item = T>> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.queue.state.borrow_mut().joiners.remove(t);
        }
    }
}

/// `Pin<&mut X>` to `&mut X` for these futures, which are `Unpin` whenever their fields are
/// and never rely on being pinned (no self-references).
fn unpinned<F: Unpin>(f: Pin<&mut F>) -> &mut F {
    f.get_mut()
}

impl<T, S: Store<Item = T>> Unpin for Put<'_, T, S> {}
impl<T, S: Store<Item = T>> Unpin for Get<'_, T, S> {}
impl<T, S: Store<Item = T>> Unpin for Join<'_, T, S> {}

impl<T, S: Store<Item = T>> fmt::Debug for Put<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put").finish_non_exhaustive()
    }
}

impl<T, S: Store<Item = T>> fmt::Debug for Get<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get").finish_non_exhaustive()
    }
}

impl<T, S: Store<Item = T>> fmt::Debug for Join<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").finish_non_exhaustive()
    }
}

//! `as_completed`: a stream of task results in completion order.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::Stream;

use super::callback::{DoneCallback, first_occurrences, watch_each};
use super::timeout::Elapsed;
use crate::runtime::{Completion, WaitOn, with};
use crate::task::handle::outcome;
use crate::task::{Awaitable, CallHandle, JoinError, call_later};

/// Yields the tasks' results in the order they end; asyncio's `as_completed`, as a
/// [`futures::Stream`].
///
/// Each task's result is yielded two ready-queue slots after it ends (its done-callback
/// queues it, then the consumer is woken), as with asyncio's internal queue. With a
/// `timeout` (measured from the first poll), the stream yields, once it passes, the
/// results that were already queued, then one `Err(Elapsed)` for every task left, as
/// asyncio's iterator raises `TimeoutError` from each remaining awaitable; the tasks not
/// yielded keep running, and [`AsCompleted::take_pending`] hands their handles back
/// (asyncio's caller still holds its tasks). The handles may be
/// [`JoinHandle`](crate::JoinHandle)s or [`Task`](crate::Task) clones.
///
/// A task or future listed twice is yielded once, as asyncio's `as_completed` takes a set;
/// [`AsCompleted::last_index`] names its first place in the input.
///
/// **Differs from asyncio:** tasks that ended before the first poll are yielded in input
/// order (asyncio iterates a set there).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// use simloop::{Sim, as_completed, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     let hs = [3u64, 1, 2].map(|s| spawn(async move {
///         sleep(Duration::from_secs(s)).await;
///         s
///     }));
///     let mut order = Vec::new();
///     let mut stream = as_completed(hs.into(), None);
///     while let Some(r) = stream.next().await {
///         order.push(r.unwrap().unwrap());
///     }
///     order
/// });
/// assert_eq!(out.result.unwrap(), [1, 2, 3]);
/// ```
///
/// # Panics
///
/// Polling panics outside a simulation.
pub fn as_completed<H: Awaitable>(handles: Vec<H>, timeout: Option<Duration>) -> AsCompleted<H> {
    AsCompleted {
        handles: handles.into_iter().map(Some).collect(),
        timeout,
        started: None,
        left: usize::MAX,
        last: None,
    }
}

/// The stream returned by [`as_completed`].
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use simloop::{AsCompleted, JoinHandle, Sim, as_completed, spawn};
///
/// let out = Sim::new().run(async {
///     let s: AsCompleted<JoinHandle<u8>> = as_completed(vec![spawn(async { 4 })], None);
///     s.map(|r| r.unwrap().unwrap()).collect::<Vec<_>>().await
/// });
/// assert_eq!(out.result.unwrap(), [4]);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<H> {
    handles: Vec<Option<H>>,
    timeout: Option<Duration>,
    started: Option<Started>,
    /// Items still to yield (`usize::MAX` before the first poll).
    left: usize,
    /// The input index of the task yielded last.
    last: Option<usize>,
}

impl<H> AsCompleted<H> {
    /// The position, in the handles given to [`as_completed`], of the task whose result the
    /// stream yielded last; `None` before the first result (and after an `Elapsed`). It says
    /// which task a result came from, as asyncio's `as_completed` does by yielding the task
    /// itself.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures::StreamExt;
    /// use simloop::{Sim, as_completed, sleep, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let hs = [2u64, 1].map(|s| spawn(sleep(Duration::from_secs(s))));
    ///     let mut stream = as_completed(hs.into(), None);
    ///     let mut order = Vec::new();
    ///     while stream.next().await.is_some() {
    ///         order.extend(stream.last_index());
    ///     }
    ///     order
    /// });
    /// assert_eq!(out.result.unwrap(), [1, 0]);
    /// ```
    pub fn last_index(&self) -> Option<usize> {
        self.last
    }

    /// Takes the handles of the tasks the stream has not yielded, in input order: after an
    /// `Elapsed`, the tasks that did not end in time (still running), to await or cancel.
    /// The stream yields nothing more afterwards (no further `Elapsed`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures::StreamExt;
    /// use simloop::{Sim, as_completed, sleep, spawn};
    ///
    /// let out = Sim::new().run(async {
    ///     let hs = [3u64, 1].map(|s| spawn(async move {
    ///         sleep(Duration::from_secs(s)).await;
    ///         s
    ///     }));
    ///     let mut stream = as_completed(hs.into(), Some(Duration::from_secs(2)));
    ///     assert_eq!(stream.next().await.unwrap().unwrap().unwrap(), 1);
    ///     assert!(stream.next().await.unwrap().is_err()); // Elapsed at t=2s, for task 0
    ///     let mut left = stream.take_pending();
    ///     assert!(stream.next().await.is_none());
    ///     left.pop().unwrap().await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap(), 3);
    /// assert_eq!(out.elapsed, Duration::from_secs(3));
    /// ```
    pub fn take_pending(&mut self) -> Vec<H> {
        self.left = 0;
        std::mem::take(&mut self.handles)
            .into_iter()
            .flatten()
            .collect()
    }
}

struct Started {
    shared: Rc<Shared>,
}

struct Shared {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// Indices of ended tasks, in the order their callbacks ran.
    done: VecDeque<usize>,
    /// Tasks whose callback has not run (asyncio's `todo`).
    todo: usize,
    timed_out: bool,
    /// The timeout: a `call_later` callback, as asyncio's `_on_timeout`; cancelled once
    /// every task ended, as asyncio's `_on_completion` does.
    timer: Option<CallHandle>,
    waker: Option<Waker>,
}

impl DoneCallback for Shared {
    fn on_done(&self, index: usize, _how: &Completion) {
        let (waker, timer) = {
            let mut s = self.state.borrow_mut();
            if s.timed_out {
                return;
            }
            s.done.push_back(index);
            s.todo -= 1;
            let timer = if s.todo == 0 { s.timer.take() } else { None };
            (s.waker.take(), timer)
        };
        if let Some(timer) = timer {
            timer.cancel();
        }
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl Shared {
    /// asyncio's `_on_timeout`, at the timeout callback's turn: the tasks that have not
    /// ended will each be yielded as `Elapsed`, after the results already queued.
    fn on_timeout(&self) {
        let waker = {
            let mut s = self.state.borrow_mut();
            s.timed_out = true;
            s.timer = None;
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<H: Awaitable> Stream for AsCompleted<H> {
    type Item = Result<Result<H::Value, JoinError>, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.started.is_none() {
            // asyncio's `as_completed` takes `set(fs)`: a task or future listed twice is
            // yielded once, from its first place (later copies are dropped unwatched).
            let first = first_occurrences(this.handles.iter().map(|h| {
                h.as_ref()
                    .expect("every slot is filled before the first poll")
            }));
            for (slot, first) in this.handles.iter_mut().zip(first) {
                if !first {
                    *slot = None;
                }
            }
            this.left = this.handles.iter().flatten().count();
            if this.left == 0 {
                return Poll::Ready(None);
            }
            let shared = Rc::new(Shared {
                state: RefCell::new(State {
                    todo: this.left,
                    ..State::default()
                }),
            });
            let ids = this
                .handles
                .iter()
                .enumerate()
                .filter_map(|(i, h)| h.as_ref().map(|h| (i, h.child())));
            watch_each(ids, shared.clone());
            // asyncio arms the timeout after adding the callbacks (which, for tasks that
            // ended already, are queued: none has run yet).
            if let Some(d) = this.timeout {
                let on_timeout = shared.clone();
                shared.state.borrow_mut().timer =
                    Some(call_later(d, move || on_timeout.on_timeout()));
            }
            this.started = Some(Started { shared });
        }
        let started = this.started.as_mut().expect("started above");
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let next = {
            let mut s = started.shared.state.borrow_mut();
            if let Some(i) = s.done.pop_front() {
                Some(i)
            } else if s.timed_out {
                None
            } else {
                if !s.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    s.waker = Some(cx.waker().clone());
                }
                drop(s);
                let ids: Vec<_> = this.handles.iter().flatten().map(H::child).collect();
                with("as_completed", |c| {
                    let holders = ids
                        .iter()
                        .filter(|child| !child.is_done(c))
                        .filter_map(|child| child.task())
                        .collect();
                    // Not `WaitOn::Join`: cancelling the consumer does not cancel the tasks.
                    c.wait_on(WaitOn::resource("as_completed", None, holders));
                });
                return Poll::Pending;
            }
        };
        this.left -= 1;
        let Some(i) = next else {
            // Timed out: one `Elapsed` per task left, which keeps running, its handle kept
            // for `take_pending`.
            this.last = None;
            return Poll::Ready(Some(Err(Elapsed::default())));
        };
        this.last = Some(i);
        let mut h = this.handles[i].take().expect("each task is yielded once");
        Poll::Ready(Some(Ok(outcome(&mut h))))
    }
}

impl<H> Drop for AsCompleted<H> {
    fn drop(&mut self) {
        if let Some(started) = &self.started {
            // Later callbacks must not wake a consumer that is gone.
            let timer = {
                let mut s = started.shared.state.borrow_mut();
                s.waker = None;
                s.timer.take()
            };
            if let Some(timer) = timer {
                timer.cancel();
            }
        }
    }
}

//! `as_completed`: a stream of task results in completion order.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::Stream;

use super::callback::{DoneCallback, arm_timeout, disarm, lock, watch_all};
use super::timeout::Elapsed;
use crate::runtime::{Completion, TimerKey, WaitOn, with};
use crate::task::{JoinError, JoinHandle};

/// Yields the tasks' results in the order they end; asyncio's `as_completed`, as a
/// [`futures::Stream`].
///
/// Each task's result is yielded two ready-queue slots after it ends (its done-callback
/// queues it, then the consumer is woken), as with asyncio's internal queue. With a
/// `timeout` (measured from the first poll), the stream yields one `Err(Elapsed)` when it
/// passes and then ends; the tasks not yet yielded keep running, detached.
///
/// **Differs from asyncio:** asyncio raises `TimeoutError` from every remaining awaitable;
/// simloop yields `Elapsed` once and ends the stream. Tasks that ended before the first poll
/// are yielded in input order (asyncio iterates a set there).
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
pub fn as_completed<T: 'static>(
    handles: Vec<JoinHandle<T>>,
    timeout: Option<Duration>,
) -> AsCompleted<T> {
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
/// use simloop::{AsCompleted, Sim, as_completed, spawn};
///
/// let out = Sim::new().run(async {
///     let s: AsCompleted<u8> = as_completed(vec![spawn(async { 4 })], None);
///     s.map(|r| r.unwrap().unwrap()).collect::<Vec<_>>().await
/// });
/// assert_eq!(out.result.unwrap(), [4]);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<T> {
    handles: Vec<Option<JoinHandle<T>>>,
    timeout: Option<Duration>,
    started: Option<Started>,
    /// Items still to yield (`usize::MAX` before the first poll).
    left: usize,
    /// The input index of the task yielded last.
    last: Option<usize>,
}

impl<T> AsCompleted<T> {
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
}

struct Started {
    run: u64,
    shared: Arc<Shared>,
    timer: Option<TimerKey>,
}

struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Indices of ended tasks, in the order their callbacks ran.
    done: VecDeque<usize>,
    timed_out: bool,
    waker: Option<Waker>,
}

impl DoneCallback for Shared {
    fn on_done(&self, index: usize, _how: &Completion) {
        let waker = {
            let mut s = lock(&self.state);
            if s.timed_out {
                return;
            }
            s.done.push_back(index);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn on_timeout(&self) {
        let waker = {
            let mut s = lock(&self.state);
            s.timed_out = true;
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T: 'static> Stream for AsCompleted<T> {
    type Item = Result<Result<T, JoinError>, Elapsed>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.started.is_none() {
            this.left = this.handles.len();
            if this.left == 0 {
                return Poll::Ready(None);
            }
            let (run, now) = with("as_completed", |c| (c.run_id, c.now));
            let shared = Arc::new(Shared {
                state: Mutex::new(State::default()),
            });
            let ids = this
                .handles
                .iter()
                .map(|h| h.as_ref().expect("not yet taken").id());
            watch_all(ids, shared.clone());
            let timer = this.timeout.map(|d| arm_timeout(now + d, shared.clone()));
            this.started = Some(Started { run, shared, timer });
        }
        let started = this.started.as_mut().expect("started above");
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let next = {
            let mut s = lock(&started.shared.state);
            if s.timed_out {
                None
            } else if let Some(i) = s.done.pop_front() {
                Some(i)
            } else {
                if !s.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    s.waker = Some(cx.waker().clone());
                }
                drop(s);
                let ids: Vec<_> = this.handles.iter().flatten().map(JoinHandle::id).collect();
                with("as_completed", |c| {
                    let holders = ids.into_iter().filter(|id| !c.is_done(*id)).collect();
                    // Not `WaitOn::Join`: cancelling the consumer does not cancel the tasks.
                    c.wait_on(WaitOn::resource("as_completed", None, holders));
                });
                return Poll::Pending;
            }
        };
        let Some(i) = next else {
            // Timed out: end the stream; the remaining tasks keep running, detached.
            this.left = 0;
            this.last = None;
            this.handles.clear();
            return Poll::Ready(Some(Err(Elapsed::default())));
        };
        this.left -= 1;
        if this.left == 0
            && let Some(key) = started.timer.take()
        {
            disarm(started.run, key);
        }
        this.last = Some(i);
        let mut h = this.handles[i].take().expect("each task is yielded once");
        let mut noop = Context::from_waker(Waker::noop());
        match std::pin::Pin::new(&mut h).poll(&mut noop) {
            Poll::Ready(r) => Poll::Ready(Some(Ok(r))),
            Poll::Pending => unreachable!("a task whose callback ran has ended"),
        }
    }
}

impl<T> Drop for AsCompleted<T> {
    fn drop(&mut self) {
        if let Some(started) = &mut self.started {
            // Later callbacks must not wake a consumer that is gone.
            lock(&started.shared.state).waker = None;
            if let Some(key) = started.timer.take() {
                disarm(started.run, key);
            }
        }
    }
}

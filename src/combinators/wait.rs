//! `wait`: wait until some or all tasks end, and split them into done and pending.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use super::callback::{DoneCallback, Outer, arm_timeout, disarm, lock, watch_all};
use crate::runtime::{Completion, TimerKey, WaitOn, with};
use crate::task::TaskHandle;

/// When [`wait`] returns; asyncio's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`.
///
/// ```
/// assert_ne!(simloop::ReturnWhen::FirstCompleted, simloop::ReturnWhen::AllCompleted);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any task ends.
    FirstCompleted,
    /// As soon as a task panics, or when all end. A cancelled task is not an exception.
    FirstException,
    /// When all tasks end.
    AllCompleted,
}

/// Waits for the tasks until `return_when` holds or `timeout` passes, and returns
/// `(done, pending)`; asyncio's `wait`. Nothing is cancelled, not even on timeout.
///
/// The handles may be [`JoinHandle`](crate::JoinHandle)s or [`Task`](crate::Task) clones
/// (keep a clone to await the task elsewhere). Both lists keep the input order. A done
/// handle yields its result at once when awaited.
/// The callbacks and the timer are set up at the first poll, as in asyncio where `wait` is a
/// coroutine; the caller is woken two ready-queue slots after the deciding task ends.
///
/// **Differs from asyncio:** asyncio returns sets, whose iteration order depends on memory
/// addresses; simloop returns the input order. An empty input returns at once instead of
/// raising `ValueError`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{ReturnWhen, Sim, sleep, spawn, wait};
///
/// let out = Sim::new().run(async {
///     let hs = vec![spawn(sleep(Duration::from_secs(2))), spawn(sleep(Duration::from_secs(1)))];
///     let (done, pending) = wait(hs, ReturnWhen::FirstCompleted, None).await;
///     (done.len(), pending.len())
/// });
/// assert_eq!(out.result.unwrap(), (1, 1));
/// assert_eq!(out.elapsed, Duration::from_secs(1));
/// ```
///
/// # Panics
///
/// Polling panics outside a simulation.
///
/// # Cancel safety
///
/// Dropping the future before it completes leaves the tasks running (detached).
pub fn wait<H: TaskHandle>(
    handles: Vec<H>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<H> {
    Wait {
        handles,
        return_when,
        timeout,
        started: None,
    }
}

/// The future returned by [`wait`].
///
/// # Examples
///
/// ```
/// use simloop::{JoinHandle, ReturnWhen, Sim, Wait, spawn, wait};
///
/// let out = Sim::new().run(async {
///     let w: Wait<JoinHandle<u8>> = wait(vec![spawn(async { 1 })], ReturnWhen::AllCompleted, None);
///     let (done, _) = w.await;
///     let mut results = Vec::new();
///     for h in done { results.push(h.await.unwrap()); }
///     results
/// });
/// assert_eq!(out.result.unwrap(), [1]);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<H> {
    handles: Vec<H>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
    started: Option<Started>,
}

struct Started {
    run: u64,
    shared: Arc<WaitShared>,
    timer: Option<TimerKey>,
}

struct WaitShared {
    return_when: ReturnWhen,
    state: Mutex<WaitState>,
}

struct WaitState {
    outer: Outer,
    remaining: usize,
}

impl DoneCallback for WaitShared {
    fn on_done(&self, _index: usize, how: &Completion) {
        let waker = {
            let mut s = lock(&self.state);
            if s.outer.resolved {
                return;
            }
            s.remaining -= 1;
            let decides = s.remaining == 0
                || self.return_when == ReturnWhen::FirstCompleted
                || (self.return_when == ReturnWhen::FirstException
                    && matches!(how, Completion::Panicked(_)));
            if !decides {
                return;
            }
            s.outer.resolve()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    fn on_timeout(&self) {
        let waker = lock(&self.state).outer.resolve();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<H: TaskHandle> Future for Wait<H> {
    type Output = (Vec<H>, Vec<H>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.handles.is_empty() {
            return Poll::Ready((Vec::new(), Vec::new()));
        }
        let started = this.started.get_or_insert_with(|| {
            let (run, now) = with("wait", |c| (c.run_id, c.now));
            let shared = Arc::new(WaitShared {
                return_when: this.return_when,
                state: Mutex::new(WaitState {
                    outer: Outer::default(),
                    remaining: this.handles.len(),
                }),
            });
            watch_all(this.handles.iter().map(H::task_id), shared.clone());
            let timer = this.timeout.map(|d| arm_timeout(now + d, shared.clone()));
            Started { run, shared, timer }
        });
        {
            let mut s = lock(&started.shared.state);
            if !s.outer.resolved {
                s.outer.register(cx.waker());
                drop(s);
                let ids: Vec<_> = this.handles.iter().map(H::task_id).collect();
                with("wait", |c| {
                    let holders = ids.into_iter().filter(|id| !c.is_done(*id)).collect();
                    // Not `WaitOn::Join`: cancelling the caller must not cancel the tasks.
                    c.wait_on(WaitOn::resource("wait", None, holders));
                });
                return Poll::Pending;
            }
        }
        if let Some(key) = started.timer.take() {
            disarm(started.run, key);
        }
        let ids: Vec<_> = this.handles.iter().map(H::task_id).collect();
        let finished: Vec<bool> = with("wait", |c| ids.iter().map(|id| c.is_done(*id)).collect());
        let (mut done, mut pending) = (Vec::new(), Vec::new());
        for (h, f) in std::mem::take(&mut this.handles).into_iter().zip(finished) {
            if f { done.push(h) } else { pending.push(h) }
        }
        Poll::Ready((done, pending))
    }
}

impl<H> Drop for Wait<H> {
    fn drop(&mut self) {
        if let Some(started) = &mut self.started {
            let _ = lock(&started.shared.state).outer.resolve();
            if let Some(key) = started.timer.take() {
                disarm(started.run, key);
            }
        }
    }
}

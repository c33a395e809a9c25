//! `wait`: wait until some or all tasks end, and split them into done and pending.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use super::callback::{DoneCallback, Outer, first_occurrences, watch_all};
use crate::runtime::{Completion, WaitOn, with};
use crate::task::{Awaitable, CallHandle, Task, call_later};

/// When [`wait`] returns; asyncio's `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`.
///
/// ```
/// assert_ne!(simloop::ReturnWhen::FirstCompleted, simloop::ReturnWhen::AllCompleted);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any task ends.
    FirstCompleted,
    /// As soon as a task panics (or, with [`try_wait`], returns `Err`), or when all end. A
    /// cancelled task is not an exception.
    FirstException,
    /// When all tasks end.
    AllCompleted,
}

/// Waits for the tasks until `return_when` holds or `timeout` passes, and returns
/// `(done, pending)`; asyncio's `wait`. Nothing is cancelled, not even on timeout.
///
/// The handles may be [`JoinHandle`](crate::JoinHandle)s or [`Task`](crate::Task) clones
/// (keep a clone to await the task elsewhere). Both lists keep the input order, and a task
/// or future listed twice is in them once (asyncio's `wait` takes a set). A done handle
/// yields its result at once when awaited.
/// The callbacks and the timer are set up at the first poll, as in asyncio where `wait` is a
/// coroutine; the caller is woken two ready-queue slots after the deciding task ends. The
/// timeout is a [`call_later`](crate::task::call_later) callback, as asyncio's is: it
/// resolves the wait at its own turn, and the caller runs one slot later.
///
/// **Differs from asyncio:** asyncio returns sets, whose iteration order depends on memory
/// addresses; simloop returns the input order. An empty input returns at once instead of
/// raising `ValueError`. Errors are values in Rust, so for [`ReturnWhen::FirstException`]
/// only a panic is an exception here; [`try_wait`] counts a task's `Err` too.
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
pub fn wait<H: Awaitable>(
    handles: Vec<H>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<H> {
    Wait {
        handles: distinct(handles),
        return_when,
        timeout,
        fails: None,
        started: None,
    }
}

/// [`wait`] over tasks that return `Result`: for [`ReturnWhen::FirstException`], a task that
/// returns `Err` counts as an exception, as a task that raises does in asyncio's
/// `wait(..., return_when=FIRST_EXCEPTION)`.
///
/// The tasks are [`Task`] clones (made with [`JoinHandle::share`](crate::JoinHandle::share)):
/// the wait reads a task's outcome when it ends without taking it, so the handles it hands
/// back still yield it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{ReturnWhen, Sim, sleep, spawn, try_wait};
///
/// let out = Sim::new().run(async {
///     let job = |s: u64, ok: bool| spawn(async move {
///         sleep(Duration::from_secs(s)).await;
///         if ok { Ok(s) } else { Err(format!("job {s} failed")) }
///     })
///     .share();
///     let tasks = vec![job(1, true), job(2, false), job(3, true)];
///     let (done, pending) = try_wait(tasks, ReturnWhen::FirstException, None).await;
///     let failed = done[1].clone().await.unwrap().unwrap_err();
///     (done.len(), pending.len(), failed, simloop::now().to_string())
/// });
/// assert_eq!(out.result.unwrap(), (2, 1, "job 2 failed".to_string(), "2000".to_string()));
/// ```
///
/// # Panics
///
/// Polling panics outside a simulation.
///
/// # Cancel safety
///
/// As [`wait`]'s.
pub fn try_wait<T, E>(
    tasks: Vec<Task<Result<T, E>>>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<Task<Result<T, E>>>
where
    T: Clone + 'static,
    E: Clone + 'static,
{
    let tasks = distinct(tasks);
    let peek = tasks.clone();
    let fails: Box<dyn Fn(usize) -> bool> =
        Box::new(move |i| matches!(peek[i].result(), Some(Ok(Err(_)))));
    Wait {
        handles: tasks,
        return_when,
        timeout,
        fails: Some(fails),
        started: None,
    }
}

/// The handles without those listed before (asyncio's `set(fs)`), in input order.
fn distinct<H: Awaitable>(handles: Vec<H>) -> Vec<H> {
    if handles.len() < 2 {
        return handles;
    }
    let keep = first_occurrences(&handles);
    handles
        .into_iter()
        .zip(keep)
        .filter_map(|(h, first)| first.then_some(h))
        .collect()
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
    /// [`try_wait`]'s judge: whether the task at an index ended with `Err`.
    fails: Option<Box<dyn Fn(usize) -> bool>>,
    started: Option<Started>,
}

struct Started {
    shared: Rc<WaitShared>,
    timer: Option<CallHandle>,
}

struct WaitShared {
    return_when: ReturnWhen,
    fails: Option<Box<dyn Fn(usize) -> bool>>,
    state: RefCell<WaitState>,
}

struct WaitState {
    outer: Outer,
    remaining: usize,
}

impl DoneCallback for WaitShared {
    fn on_done(&self, index: usize, how: &Completion) {
        let waker = {
            let mut s = self.state.borrow_mut();
            if s.outer.resolved {
                return;
            }
            s.remaining -= 1;
            let raised = || match how {
                Completion::Panicked(_) => true,
                Completion::Returned => self.fails.as_ref().is_some_and(|fails| fails(index)),
                Completion::Cancelled(_) => false,
            };
            let decides = s.remaining == 0
                || self.return_when == ReturnWhen::FirstCompleted
                || (self.return_when == ReturnWhen::FirstException && raised());
            if !decides {
                return;
            }
            s.outer.resolve()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl WaitShared {
    /// asyncio's `_release_waiter`, at the timeout callback's turn.
    fn on_timeout(&self) {
        let waker = self.state.borrow_mut().outer.resolve();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<H: Awaitable> Future for Wait<H> {
    type Output = (Vec<H>, Vec<H>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.handles.is_empty() {
            return Poll::Ready((Vec::new(), Vec::new()));
        }
        let started = this.started.get_or_insert_with(|| {
            let shared = Rc::new(WaitShared {
                return_when: this.return_when,
                fails: this.fails.take(),
                state: RefCell::new(WaitState {
                    outer: Outer::default(),
                    remaining: this.handles.len(),
                }),
            });
            // asyncio arms the timeout before registering the callbacks.
            let timer = this.timeout.map(|d| {
                let shared = shared.clone();
                call_later(d, move || shared.on_timeout())
            });
            watch_all(this.handles.iter().map(H::child), shared.clone());
            Started { shared, timer }
        });
        {
            let mut s = started.shared.state.borrow_mut();
            if !s.outer.resolved {
                s.outer.register(cx.waker());
                drop(s);
                let ids: Vec<_> = this.handles.iter().map(H::child).collect();
                with("wait", |c| {
                    let holders = ids
                        .iter()
                        .filter(|child| !child.is_done(c))
                        .filter_map(|child| child.task())
                        .collect();
                    // Not `WaitOn::Join`: cancelling the caller must not cancel the tasks.
                    c.wait_on(WaitOn::resource("wait", None, holders));
                });
                return Poll::Pending;
            }
        }
        if let Some(timer) = started.timer.take() {
            timer.cancel();
        }
        let ids: Vec<_> = this.handles.iter().map(H::child).collect();
        let finished: Vec<bool> = with("wait", |c| ids.iter().map(|id| id.is_done(c)).collect());
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
            let _ = started.shared.state.borrow_mut().outer.resolve();
            if let Some(timer) = started.timer.take() {
                timer.cancel();
            }
        }
    }
}

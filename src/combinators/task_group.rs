//! `TaskGroup`: structured concurrency; the group ends when all its children end, and the
//! first failure cancels the rest.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use super::callback::{DoneCallback, watch};
pub use super::group_error::{ChildFailure, GroupError, SpawnError};
use super::group_scope::GroupScope;
use crate::runtime::{CancelFuture, Completion, Core, Hop, ResourceInfo, WaitOn, try_with, with};
use crate::task::{JoinHandle, TaskId, spawn, spawn_unstarted};

/// A group of child tasks that ends when all of them end; asyncio's `TaskGroup`.
///
/// Children return `Result<T, E>`; a child fails when it returns `Err` or panics. The first
/// failure cancels every other unfinished child (in creation order under FIFO, in an order
/// chosen and recorded by the other policies), and
/// [`join`](TaskGroup::join) then returns every failure collected before the children ended.
/// A cancelled child is not a failure. Cancelling the task that awaits `join` cancels all
/// the children at that task's turn (one ready-queue slot later, where asyncio's
/// `__aexit__` sees the `CancelledError` and aborts), and the task ends, cancelled, once
/// they all ended, unless children failed: then, as asyncio's `__aexit__` raises the
/// failures instead of the `CancelledError`, `join` returns them and the task goes on
/// (its cancellation absorbed); dropping the `join` future cancels them at once. Once `join` returned, or while the group is
/// shutting down after a failure, [`spawn`](TaskGroup::spawn) is refused with a
/// [`SpawnError`].
///
/// The abort runs in the failing child's done-callback, one ready-queue slot after it ended,
/// as asyncio's `_on_task_done` does; `join` is woken one slot after the last child's
/// callback.
///
/// **Differs from asyncio:** there is no `async with` body to cancel: the group is an object
/// you spawn into and then `join`. Errors are values, so a failing child returns `Err`, and
/// its handle yields `None` (the error goes to the group's [`GroupError`]). CPython cancels
/// the siblings in set order (memory addresses); simloop's FIFO policy uses creation order.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{ChildFailure, Sim, TaskGroup, log, sleep};
///
/// let out = Sim::new().run(async {
///     let tg = TaskGroup::new();
///     tg.spawn(async {
///         sleep(Duration::from_secs(1)).await;
///         Err::<(), _>("broken")
///     }).map(drop).unwrap();
///     tg.spawn(async {
///         sleep(Duration::from_secs(60)).await;
///         log!("never logged: cancelled by the failure");
///         Ok(())
///     }).map(drop).unwrap();
///     tg.join().await.unwrap_err()
/// });
/// let err = out.result.unwrap();
/// assert!(matches!(err.failures[..], [ChildFailure::Error { error: "broken", .. }]));
/// assert_eq!(out.elapsed, Duration::from_secs(1));
/// assert_eq!(out.trace.logs(), "");
/// ```
pub struct TaskGroup<E> {
    inner: Rc<Group<E>>,
}

/// The future returned by [`TaskGroup::join`].
///
/// ```
/// use simloop::{Sim, TaskGroup};
///
/// let out = Sim::new().run(async {
///     let tg: TaskGroup<()> = TaskGroup::new();
///     let j: simloop::GroupJoin<()> = tg.join();
///     j.await
/// });
/// assert_eq!(out.result.unwrap(), Ok(()));
/// ```
#[must_use = "futures do nothing unless awaited; dropping a join cancels the children"]
pub struct GroupJoin<E> {
    pub(super) group: Rc<Group<E>>,
    done: bool,
}

pub(super) struct Group<E> {
    pub(super) shared: Rc<GroupShared>,
    /// Errors returned by children, by child index; taken by `join`.
    errors: RefCell<Vec<Option<E>>>,
}

pub(super) struct GroupShared {
    pub(super) state: RefCell<GroupState>,
    /// The join's node in the wait-for graph: its holders are the unfinished children, and
    /// it is a future that cancelling the joining task cancels (see [`CancelFuture`]).
    node: Rc<ResourceInfo>,
    /// This group, for the hop a cancellation queues.
    me: Weak<GroupShared>,
}

#[derive(Default)]
pub(super) struct GroupState {
    run: Option<u64>,
    children: Vec<TaskId>,
    /// Children whose value was an `Err` (recorded by the child before it returns).
    returned_err: Vec<bool>,
    remaining: usize,
    /// Failed children in the order their callbacks ran, with a panic message if any.
    failed: Vec<(usize, Option<String>)>,
    pub(super) aborting: bool,
    finished: bool,
    waker: Option<Waker>,
    /// The task awaiting `join` (set by its pending poll).
    joiner: Option<TaskId>,
    /// While a [`GroupScope`] body runs: the body's task, woken when a failure interrupts it.
    pub(super) body: Option<Waker>,
    /// The task that polled the body last (whose waker `body` is, when it is its own).
    pub(super) body_task: Option<TaskId>,
    /// A child failed while the scope's body was running: the body is to be dropped.
    pub(super) interrupt_body: bool,
    /// The join was cancelled as a future (the joining task cancelled, or a timeout around
    /// the join expired): failures then absorb the cancellation.
    pub(super) cancelled: bool,
    /// A [`GroupScope`]'s body raised: the group is aborting for it, and like the
    /// children's failures it absorbs a cancellation that reaches the wait (asyncio's
    /// `__aexit__` swallows a `CancelledError` once `_aborting`, case 720).
    pub(super) body_failed: bool,
    /// A [`GroupScope`]'s body is in an ordinary poll (an eager child failing at once is
    /// then failing inside the body).
    pub(super) in_body: bool,
    /// An eager child failed at once inside the body's poll: asyncio's `create_task`
    /// cancelled the parent task, which `cancelling()` counts until the body's poll ends
    /// (`Core::expiring`, let go by the scope).
    pub(super) abort_counted: bool,
}

impl<E: 'static> TaskGroup<E> {
    /// Creates an empty group.
    ///
    /// ```
    /// let tg: simloop::TaskGroup<String> = simloop::TaskGroup::new();
    /// # drop(tg);
    /// ```
    pub fn new() -> TaskGroup<E> {
        TaskGroup {
            inner: Rc::new(Group {
                shared: Rc::new_cyclic(|me: &Weak<GroupShared>| {
                    let node = ResourceInfo::new("TaskGroup", None);
                    node.set_future(me.clone() as Weak<dyn CancelFuture>);
                    GroupShared {
                        state: RefCell::new(GroupState::default()),
                        node,
                        me: me.clone(),
                    }
                }),
                errors: RefCell::new(Vec::new()),
            }),
        }
    }

    /// Spawns `future` as a child of the group; asyncio's `tg.create_task`.
    ///
    /// The handle yields `Some(value)`, or `None` when the child returned `Err` (the error
    /// is reported by [`join`](TaskGroup::join)). Like any task's, it can be shared
    /// ([`JoinHandle::share`]) to be awaited by many or handed to the combinators.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, SpawnError, TaskGroup};
    ///
    /// let out = Sim::new().run(async {
    ///     let tg: TaskGroup<()> = TaskGroup::new();
    ///     let h = tg.spawn(async { Ok(5) }).unwrap();
    ///     tg.join().await.unwrap();
    ///     let late = tg.spawn(async { Ok(6) }).map(|_| ());
    ///     (h.await.unwrap(), late)
    /// });
    /// assert_eq!(out.result.unwrap(), (Some(5), Err(SpawnError::Finished)));
    /// ```
    ///
    /// # Errors
    ///
    /// [`SpawnError::Finished`] once `join` returned, [`SpawnError::ShuttingDown`] after a
    /// child failed; the future is then dropped without running.
    ///
    /// # Panics
    ///
    /// Panics outside a simulation.
    #[track_caller]
    pub fn spawn<T, F>(&self, future: F) -> Result<JoinHandle<Option<T>>, SpawnError>
    where
        T: 'static,
        F: Future<Output = Result<T, E>> + 'static,
    {
        let shared = &self.inner.shared;
        let index = {
            let s = shared.state.borrow_mut();
            if s.finished {
                return Err(SpawnError::Finished);
            }
            if s.aborting {
                return Err(SpawnError::ShuttingDown);
            }
            s.children.len()
        };
        let group = Rc::downgrade(&self.inner);
        let child = async move {
            match future.await {
                Ok(v) => Some(v),
                Err(e) => {
                    if let Some(g) = group.upgrade() {
                        g.shared.state.borrow_mut().returned_err[index] = true;
                        g.errors.borrow_mut()[index] = Some(e);
                    }
                    None
                }
            }
        };
        if with("TaskGroup::spawn", |c| c.eager_tasks()) {
            return Ok(self.spawn_eager(child, index));
        }
        let handle = spawn(child);
        self.register(handle.id());
        watch(handle.id(), index, shared.clone());
        Ok(handle)
    }

    /// Makes task `id` the group's next child.
    fn register(&self, id: TaskId) {
        let shared = &self.inner.shared;
        {
            let mut s = shared.state.borrow_mut();
            s.run
                .get_or_insert(with("TaskGroup::spawn", |c| c.run_id()));
            s.children.push(id);
            s.returned_err.push(false);
            s.remaining += 1;
        }
        self.inner.errors.borrow_mut().push(None);
    }

    /// [`spawn`](TaskGroup::spawn) in a run with eager tasks (`Sim::eager_tasks`): the child
    /// is the group's before its first step runs, inside this call. As in CPython 3.12's
    /// `TaskGroup.create_task`, a child done at once is handed to the group's done-callback
    /// at once (a failure aborts the group before `spawn` returns), not one slot later.
    #[track_caller]
    fn spawn_eager<T: 'static>(
        &self,
        child: impl Future<Output = Option<T>> + 'static,
        index: usize,
    ) -> JoinHandle<Option<T>> {
        let cell = crate::runtime::TaskCell::boxed(child);
        let (handle, start) = spawn_unstarted(cell, std::panic::Location::caller());
        self.register(handle.id());
        if start {
            crate::runtime::start_eager(handle.id());
        }
        let shared = &self.inner.shared;
        match with("TaskGroup::spawn", |c| c.completion(handle.id())) {
            Some(how) => {
                let aborting_before = shared.state.borrow().aborting;
                shared.on_done(index, &how);
                let s = &mut *shared.state.borrow_mut();
                if s.aborting && !aborting_before && s.in_body {
                    // `_on_task_done` called `self._parent_task.cancel()`: counted by the
                    // body's `cancelling()` reads until its poll ends (case 753).
                    s.abort_counted = true;
                    with("TaskGroup::spawn", |c| c.expiring(true));
                }
            }
            None => watch(handle.id(), index, shared.clone()),
        }
        handle
    }

    /// Waits until every child ended, and reports the failures; asyncio's exit from
    /// `async with TaskGroup()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, TaskGroup};
    ///
    /// let out = Sim::new().run(async {
    ///     let tg: TaskGroup<()> = TaskGroup::new();
    ///     tg.spawn(async { panic!("boom") as Result<(), ()> }).map(drop).unwrap();
    ///     tg.join().await.unwrap_err().failures.len()
    /// });
    /// assert_eq!(out.result.unwrap(), 1);
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Dropping the future before it completes cancels every unfinished child, in creation
    /// order.
    pub fn join(&self) -> GroupJoin<E> {
        GroupJoin {
            group: self.inner.clone(),
            done: false,
        }
    }

    /// Runs `body` in the group, then waits for every child; asyncio's
    /// `async with TaskGroup() as tg: body`.
    ///
    /// The body runs inline in the calling task, as an `async with` block does. When a child
    /// fails while the body is still running, the group cancels the other children and then
    /// interrupts the body: it is dropped at the caller's next turn (its `Drop` guards run, as
    /// `except CancelledError` blocks would), one ready-queue slot after the abort, where
    /// asyncio cancels the parent task. A body that returns `Err` aborts the group too, and
    /// its error is the last of the failures. The scope returns the body's value when the
    /// body finished and no child failed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{ChildFailure, Sim, TaskGroup, log, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     let tg = TaskGroup::new();
    ///     let group = tg.clone();
    ///     tg.scope(async move {
    ///         group.spawn(async {
    ///             sleep(Duration::from_secs(1)).await;
    ///             Err::<(), _>("broken")
    ///         }).map(drop).unwrap();
    ///         sleep(Duration::from_secs(60)).await;
    ///         log!("never logged: the failure interrupts the body");
    ///         Ok(())
    ///     })
    ///     .await
    ///     .unwrap_err()
    /// });
    /// let err = out.result.unwrap();
    /// assert!(matches!(err.failures[..], [ChildFailure::Error { error: "broken", .. }]));
    /// assert_eq!(out.elapsed, Duration::from_secs(1));
    /// assert_eq!(out.trace.logs(), "");
    /// ```
    ///
    /// Cancelling the task that runs the scope (or a timeout's expiry around it) is
    /// delivered to the scope as asyncio's `__aexit__` receives the `CancelledError`: the
    /// body ends (after its own clean-up, if it holds the cancellation: an inner scope, a
    /// Condition wait), the children are cancelled, and the task ends only once they all
    /// ended, so its `Drop` guards run after theirs; if some failed, the scope returns
    /// their failures instead (see `runtime/cancel_hold.rs`).
    ///
    /// # Cancel safety
    ///
    /// Dropping the future before it completes drops the body and cancels every unfinished
    /// child, in creation order.
    pub fn scope<T, F>(&self, body: F) -> GroupScope<F, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        GroupScope::new(body, self.join())
    }
}

impl<E: 'static> Default for TaskGroup<E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<E> Clone for TaskGroup<E> {
    /// Another handle on the same group (so children can spawn siblings).
    fn clone(&self) -> Self {
        TaskGroup {
            inner: self.inner.clone(),
        }
    }
}

impl<E> fmt::Debug for TaskGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.shared.state.borrow_mut();
        f.debug_struct("TaskGroup")
            .field("children", &s.children.len())
            .field("remaining", &s.remaining)
            .finish()
    }
}

impl GroupShared {
    /// Cancels every unfinished child, in creation order, and refuses new ones; asyncio's
    /// `_abort` when the parent is cancelled or the body raised.
    pub(super) fn abort(&self) {
        let (run, children) = {
            let mut s = self.state.borrow_mut();
            s.body = None;
            if s.remaining == 0 {
                s.aborting = true;
                return;
            }
            s.aborting = true;
            (s.run, s.children.clone())
        };
        try_with(|c| {
            if Some(c.run_id()) == run {
                for id in children {
                    if !c.is_done(id) {
                        c.cancel(id, None);
                    }
                }
            }
        });
    }
}

/// asyncio's `Task.cancel()` on the task awaiting the group's exit cancels the future that
/// `__aexit__` awaits; the task's next step (one ready-queue slot later) then aborts the
/// children, and the task ends, cancelled, once they all ended (or, if some failed, gets
/// their failures from `join`, `on_done` withdrawing the cancellation). So the children are
/// cancelled at the task's turn, after whatever was queued before it, not inside
/// `cancel()` as for a task awaited directly.
impl CancelFuture for GroupShared {
    fn cancel(&self, core: &mut Core, _message: Option<Box<str>>) -> bool {
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return false;
        };
        if s.remaining == 0 || s.finished {
            return false;
        }
        if s.children.iter().all(|&id| core.is_done(id)) {
            // Every child has ended and their done-callbacks, queued when they ended, run
            // before the task's turn: asyncio's cancelled `__aexit__` then finds no child
            // to abort and raises at once (the children's failures, or the
            // `CancelledError`), at the wake-up's turn. The task is woken as for any
            // cancellation, and its scope decides (seed 2300, program 73: case 713).
            return false;
        }
        s.cancelled = true;
        drop(s);
        let group = self.me.clone();
        core.park(Hop::Call(Box::new(move || {
            if let Some(group) = group.upgrade() {
                group.abort();
            }
        })));
        true
    }
}

impl DoneCallback for GroupShared {
    fn on_done(&self, index: usize, how: &Completion) {
        let (abort, waker, body, absorb, body_task) = {
            let mut s = self.state.borrow_mut();
            s.remaining -= 1;
            let failure = match how {
                Completion::Panicked(m) => Some(Some(m.to_string())),
                Completion::Returned if s.returned_err[index] => Some(None),
                _ => None,
            };
            let mut abort = Vec::new();
            let mut body = None;
            if let Some(message) = failure {
                s.failed.push((index, message));
                if !s.aborting {
                    s.aborting = true;
                    abort = s.children.clone();
                    // asyncio cancels the parent task when a child fails inside the body.
                    body = s.body.take();
                    s.interrupt_body = body.is_some();
                }
            }
            let waker = if s.remaining == 0 {
                s.waker.take()
            } else {
                None
            };
            // asyncio's `__aexit__` catches a cancellation of the joining task and, once
            // the children ended, raises their failures if there are any: the join returns
            // them and the task goes on, its cancellation absorbed (case 379). A timeout
            // around the join lets them through too (case 413).
            let absorb = (s.remaining == 0 && (!s.failed.is_empty() || s.body_failed))
                .then_some(s.joiner)
                .flatten()
                .map(|joiner| (joiner, s.cancelled));
            let body_task = if body.is_some() { s.body_task } else { None };
            (abort, waker, body, absorb, body_task)
        };
        if let Some((joiner, cancelled)) = absorb {
            try_with(|c| {
                // Cancelled as a future with no cancellation pending on the task: a
                // timeout's expiry (`Core::expire`) cancelled the join.
                if !c.absorb_cancel(joiner) && cancelled {
                    c.absorb_expiry(joiner);
                }
            });
        }
        if !abort.is_empty() {
            // asyncio's `_abort`: cancel every child that has not ended. CPython iterates a
            // set here; FIFO uses creation order, other policies choose the order.
            try_with(|c| {
                let mut rest: Vec<TaskId> =
                    abort.into_iter().filter(|id| !c.is_done(*id)).collect();
                while !rest.is_empty() {
                    let i = c.choose(rest.len());
                    c.cancel(rest.remove(i), None);
                }
            });
        }
        // Then the parent, as `_parent_task.cancel()` follows `_abort()`: one slot, like a
        // cancelled task's wake-up.
        if let Some(w) = body {
            if let Some(task) = body_task {
                // What the body awaits is cancelled by this wake-up: a `cancel()` before
                // the task's turn keeps its `CancelledError()` (case 757).
                try_with(|c| c.note_interrupt(task));
            }
            w.wake();
        }
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<E: 'static> Future for GroupJoin<E> {
    type Output = Result<(), GroupError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.done, "simloop: GroupJoin polled after it completed");
        let shared = &this.group.shared;
        let (failed, children) = {
            let mut s = shared.state.borrow_mut();
            if s.remaining > 0 {
                if !s.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    s.waker = Some(cx.waker().clone());
                }
                let children = s.children.clone();
                drop(s);
                // One wait on the group's node, held by the unfinished children (the edges
                // of the wait-for graph); cancelling the caller cancels the join (above).
                let node = &shared.node;
                let joiner = with("TaskGroup::join", |c| {
                    let mut holders = node.holders.borrow_mut();
                    holders.clear();
                    holders.extend(children.into_iter().filter(|id| !c.is_done(*id)));
                    drop(holders);
                    c.wait_on(WaitOn::Resource(node.clone()));
                    c.current()
                });
                shared.state.borrow_mut().joiner = Some(joiner);
                return Poll::Pending;
            }
            s.finished = true;
            (std::mem::take(&mut s.failed), s.children.clone())
        };
        this.done = true;
        if failed.is_empty() {
            return Poll::Ready(Ok(()));
        }
        let mut errors = this.group.errors.borrow_mut();
        let failures = failed
            .into_iter()
            .map(|(i, panic)| {
                let task = children[i];
                match panic {
                    Some(message) => ChildFailure::Panicked { task, message },
                    None => ChildFailure::Error {
                        task,
                        error: errors[i].take().expect("the child recorded its error"),
                    },
                }
            })
            .collect();
        Poll::Ready(Err(GroupError { failures }))
    }
}

impl<E> Drop for GroupJoin<E> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Cancelled from outside (or abandoned): cancel every child, in creation order.
        self.group.shared.state.borrow_mut().waker = None;
        self.group.shared.abort();
    }
}

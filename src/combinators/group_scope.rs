//! `GroupScope`: asyncio's `async with TaskGroup() as tg: body`, the body run inline in
//! the calling task, then the group's join; and the scope's hold on its task's
//! cancellations (`runtime/cancel_hold.rs`), which makes a cancelled task end only once the
//! group's children ended, as asyncio's `__aexit__` waits for them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::task_group::{ChildFailure, GroupError, GroupJoin};
use crate::runtime::{Message, try_with, with};
use crate::task::TaskId;

/// The future returned by [`TaskGroup::scope`](crate::TaskGroup::scope).
///
/// ```
/// use simloop::{GroupScope, Sim, TaskGroup};
///
/// let out = Sim::new().run(async {
///     let tg: TaskGroup<()> = TaskGroup::new();
///     let s: GroupScope<_, ()> = tg.scope(async { Ok(3) });
///     s.await
/// });
/// assert_eq!(out.result.unwrap(), Ok(3));
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct GroupScope<F: Future, E> {
    body: Option<Pin<Box<F>>>,
    value: Option<F::Output>,
    join: GroupJoin<E>,
    /// While pending: the task whose cancellations the scope holds, and its run
    /// (`runtime/cancel_hold.rs`). asyncio's `__aexit__` catches the task's
    /// `CancelledError`, aborts the children and waits for them before raising it, so the
    /// task ends only once they ended.
    held: Option<(TaskId, u64)>,
    /// The task's cancellation was delivered to the scope (see `begin_cancel`).
    cancelled: bool,
    /// The body re-raised a cancellation it caught (`Cancelled::reraise`), with this
    /// message: asyncio's `__aexit__` got the `CancelledError`, so it aborts the group and
    /// waits for the children before raising it on (case 717).
    reraised: Option<Option<Message>>,
}

impl<F: Future, E> GroupScope<F, E> {
    /// The scope of `body` in the group that `join` joins.
    pub(super) fn new(body: F, join: GroupJoin<E>) -> GroupScope<F, E> {
        GroupScope {
            body: Some(Box::pin(body)),
            value: None,
            join,
            held: None,
            cancelled: false,
            reraised: None,
        }
    }
}

// The body is boxed and the value is never pinned.
impl<F: Future, E> Unpin for GroupScope<F, E> {}

impl<T, F, E> Future for GroupScope<F, E>
where
    F: Future<Output = Result<T, E>>,
    E: 'static,
{
    type Output = Result<T, GroupError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // The body ended in the poll in which an eager child's failure cancelled the task,
        // so nothing it awaited took that cancellation.
        let mut abort_pending = false;
        let delivering = this.held.is_some() && with("TaskGroup", |c| c.delivering_cancel());
        // Held between polls only: while the body runs, what it awaits decides for itself
        // (a timeout's expiry inside the body must not take the scope's hold for its own).
        this.let_go();
        // A child's failure interrupted the body and the task was cancelled before its
        // turn: asyncio's step throws the interrupt's `CancelledError()` (the message went
        // with 705's rule, `Core::cancel`), both requests counted (case 757).
        let interrupted = delivering && this.join.group.shared.state.borrow().interrupt_body;
        if delivering {
            this.begin_cancel();
        }
        if interrupted {
            with("TaskGroup", |c| c.interrupt_seen());
        }
        if this.body.is_some() {
            // The body's poll when it is an ordinary one.
            let mut polled = None;
            let mut aborting_before = true;
            // An eager child failed inside this poll of the body (asyncio's
            // `_parent_task.cancel()` on the running task: `_must_cancel`).
            let mut counted = false;
            if std::mem::take(&mut this.join.group.shared.state.borrow_mut().interrupt_body) {
                // Interrupted by a child's failure: asyncio cancels the parent task, which
                // `cancelling()` counts until the group's exit uncancels it.
                with("TaskGroup", |c| {
                    c.expiring(true);
                    c.interrupt_seen();
                });
                if with("TaskGroup", |c| c.begin_held_delivery()) {
                    // A future in the body holds the task's cancellations (an inner
                    // group's exit, a Condition wait re-taking its lock): the
                    // `CancelledError` reaches it first, and it may absorb it (an aborting
                    // inner group raises its own failures into the body, which can catch
                    // them and go on: case 714).
                    if let Some(pending) = this.interrupt_held(cx) {
                        return pending;
                    }
                } else {
                    this.body = None;
                }
                with("TaskGroup", |c| c.expiring(false));
            } else if this.cancelled {
                // The task's cancellation reached the body. A body that holds it itself
                // (an inner scope waiting for its children, a Condition wait re-taking its
                // lock, a `catch_cancelled` scope) is polled as the delivery until it lets
                // go, as asyncio's `CancelledError` leaves the body only once those
                // finished; any other body ends now, its `Drop` guards running as its
                // `except` blocks would.
                if with("TaskGroup", |c| c.running_held()) {
                    if interrupted {
                        with("TaskGroup", |c| c.expiring(true));
                    }
                    let body = this.body.as_mut().expect("checked");
                    let p = body.as_mut().poll(cx);
                    if interrupted {
                        with("TaskGroup", |c| c.expiring(false));
                    }
                    if with("TaskGroup", |c| c.caught_now()) {
                        // Caught in the body, which goes on, and the group with it:
                        // asyncio's `__aexit__` sees no exception.
                        this.cancelled = false;
                        this.join.group.shared.state.borrow_mut().cancelled = false;
                        polled = Some(p);
                    } else if let Poll::Ready(out) = p {
                        // It absorbed the cancellation (an inner group's failures).
                        this.value = Some(out);
                    } else if with("TaskGroup", |c| c.running_held()) {
                        this.hold();
                        return Poll::Pending;
                    }
                }
                if polled.is_none() {
                    this.body = None;
                    this.join.group.shared.state.borrow_mut().body = None;
                    if !this.join.group.shared.state.borrow().aborting {
                        this.join.group.shared.abort();
                    }
                }
            } else {
                aborting_before = this.join.group.shared.state.borrow().aborting;
                this.join.group.shared.state.borrow_mut().in_body = true;
                polled = Some(this.body.as_mut().expect("checked").as_mut().poll(cx));
                counted = {
                    let mut s = this.join.group.shared.state.borrow_mut();
                    s.in_body = false;
                    std::mem::take(&mut s.abort_counted)
                };
                if counted {
                    with("TaskGroup", |c| c.expiring(false));
                }
            }
            match polled {
                Some(Poll::Ready(out)) => {
                    this.body = None;
                    this.join.group.shared.state.borrow_mut().body = None;
                    if out.is_err() {
                        this.join.group.shared.state.borrow_mut().body_failed = true;
                        // `__aexit__` aborts only a group not aborting yet: an eager child
                        // that failed at once in the body cancelled the others already.
                        if !this.join.group.shared.state.borrow().aborting {
                            this.join.group.shared.abort();
                        }
                    }
                    this.value = Some(out);
                    abort_pending = counted;
                }
                Some(Poll::Pending)
                    if let Some(message) = with("TaskGroup", |c| c.take_reraised()) =>
                {
                    // The body re-raised a caught cancellation: `__aexit__` aborts the
                    // group and waits for the children, the error kept for after.
                    this.body = None;
                    this.join.group.shared.state.borrow_mut().body = None;
                    if !this.join.group.shared.state.borrow().aborting {
                        this.join.group.shared.abort();
                    }
                    this.reraised = Some(message);
                }
                Some(Poll::Pending) => {
                    let mut s = this.join.group.shared.state.borrow_mut();
                    if !s.aborting && !s.body.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                        s.body = Some(cx.waker().clone());
                        s.body_task = try_with(|c| c.running()).flatten();
                    } else if s.aborting && !aborting_before && s.body.is_none() {
                        // A child failed inside this poll of the body, before the body's
                        // waker was registered: an eager child failing in its first step
                        // (`TaskGroup::spawn_eager`). asyncio cancelled the parent task in
                        // `create_task`; the body is interrupted at its next turn.
                        s.interrupt_body = true;
                        // What the body awaits is cancelled with it (case 758).
                        try_with(|c| c.running().map(|task| c.note_interrupt(task)));
                        cx.waker().wake_by_ref();
                    }
                    drop(s);
                    this.hold();
                    return Poll::Pending;
                }
                None => {}
            }
        } else if this.cancelled && !this.join.group.shared.state.borrow().aborting {
            // Cancelled while waiting for the children (a timeout's expiry, which reaches
            // the join through the hold): `__aexit__` aborts them.
            this.join.group.shared.abort();
        }
        let Poll::Ready(joined) = Pin::new(&mut this.join).poll(cx) else {
            this.hold();
            return Poll::Pending;
        };
        if abort_pending {
            this.leave_abort_pending();
        }
        if let Some(message) = this.reraised.take() {
            if joined.is_ok() {
                // No child failed: the `CancelledError` goes on, to the next enclosing
                // catch or to the task's end, in this step.
                with("TaskGroup", |c| c.reraise(message));
                return Poll::Pending;
            }
            // The children's failures take priority (the body's `CancelledError` is not
            // one of them).
            this.value = None;
            if this.cancelled {
                with("TaskGroup", |c| c.swallow_cancel());
            }
            return Poll::Ready(Err(joined.expect_err("checked")));
        }
        let value = this.value.take();
        if joined.is_ok() && this.cancelled && !matches!(value, Some(Err(_))) {
            // The task's cancellation was delivered to the scope, no child failed and the
            // body did not raise before it: with the hold let go, the delivery poll this is
            // ends the task (the engine, or a timeout's held expiry), as asyncio's
            // `__aexit__` re-raises the `CancelledError`. A body that raised first made the
            // group abort, and `__aexit__` swallows a cancellation while aborting: the
            // join absorbed it (`on_done`) and the body's exception is raised (case 720).
            return Poll::Pending;
        }
        if this.cancelled {
            // The group is aborting (a child failed, or the body raised): `__aexit__`
            // swallows the `CancelledError` and raises the failures, and the task goes on.
            // A cancellation the join absorbed when it ended (`on_done`) is gone already;
            // one delivered since, by this poll, is swallowed here (case 715).
            with("TaskGroup", |c| c.swallow_cancel());
        }
        Poll::Ready(match (joined, value) {
            (Ok(()), Some(Ok(v))) => Ok(v),
            (Err(mut group), Some(Err(e))) => {
                group.failures.push(ChildFailure::Body { error: e });
                Err(group)
            }
            (Ok(()), Some(Err(e))) => Err(GroupError {
                failures: vec![ChildFailure::Body { error: e }],
            }),
            (Err(group), _) => Err(group),
            (Ok(()), None) => unreachable!("returned above"),
        })
    }
}

impl<T, F, E> GroupScope<F, E>
where
    F: Future<Output = Result<T, E>>,
    E: 'static,
{
    /// Polls the body as the delivery of a child failure's interrupt, the body holding the
    /// task's cancellations (`Core::begin_held_delivery` was called): `Some(Pending)`
    /// while it still holds them (the interrupt is delivered again at the next wake-up);
    /// `None` once the body ended (its value kept, as for a body that ended by itself) or
    /// let go without ending (dropped, as an interrupted body is).
    fn interrupt_held(&mut self, cx: &mut Context<'_>) -> Option<Poll<Result<T, GroupError<E>>>> {
        let body = self.body.as_mut().expect("the body is running");
        let polled = body.as_mut().poll(cx);
        let held = with("TaskGroup", |c| {
            let id = c.current();
            // The body caught the interrupt and re-raised it: it ends, as a body the
            // interrupt's `CancelledError` left does (the group raises the failures).
            let _ = c.take_reraised();
            let held = c.end_cancel_poll(id);
            // An inner group that absorbed the interrupt recorded it as a timeout's
            // expiry would be: no timeout is waiting for it.
            c.take_absorbed_expiry(id);
            held
        });
        let shared = &self.join.group.shared;
        match polled {
            Poll::Ready(out) => {
                shared.state.borrow_mut().body = None;
                if out.is_err() {
                    shared.state.borrow_mut().body_failed = true;
                }
                self.body = None;
                self.value = Some(out);
            }
            Poll::Pending if held => {
                let mut s = shared.state.borrow_mut();
                s.interrupt_body = true;
                drop(s);
                with("TaskGroup", |c| c.expiring(false));
                self.hold();
                return Some(Poll::Pending);
            }
            Poll::Pending => self.body = None,
        }
        None
    }
}

impl<F: Future, E> GroupScope<F, E> {
    /// At the exit of a group whose eager child failed inside the body's last poll:
    /// asyncio's `_parent_task.cancel()` is still pending (`_must_cancel`, the task was
    /// running), and `__aexit__`'s `uncancel()` withdraws it only when it leaves no request
    /// (3.13; 3.12 never withdraws it: case 753). With requests left (a cancellation caught
    /// earlier and not uncancelled), the task's next await is cancelled at once, with no
    /// message (seed 8400, program 157: case 768). The count is the scope's only trace of
    /// the abort's request so far (`expiring`), so the request is made here and uncancelled.
    fn leave_abort_pending(&self) {
        with("TaskGroup", |c| {
            let id = c.current();
            if c.cancel_requests(id) > 0 {
                c.cancel(id, None);
                c.uncancel(id);
            }
        });
    }

    /// Holds the running task's cancellations while the scope is pending (once).
    fn hold(&mut self) {
        if self.held.is_none() {
            self.held = Some(with("TaskGroup", |c| (c.hold_cancel(), c.run_id())));
        }
    }

    /// The task's cancellation is being delivered (asyncio raises `CancelledError` into
    /// the body, and `__aexit__` aborts the group): `poll` then ends the body (its `Drop`
    /// guards run, as its `except` blocks would) and cancels the children in creation
    /// order; the scope waits for them, still holding the cancellation, which ends the task
    /// once they all ended. If some failed, the join absorbs it (`on_done`) and the scope
    /// returns their failures.
    fn begin_cancel(&mut self) {
        self.cancelled = true;
        let mut s = self.join.group.shared.state.borrow_mut();
        s.cancelled = true;
        s.interrupt_body = false;
    }

    /// Stops holding the task's cancellations.
    fn let_go(&mut self) {
        if let Some((task, run)) = self.held.take() {
            let _ = try_with(|c| {
                if c.run_id() == run {
                    c.release_cancel(task);
                }
            });
        }
    }
}

impl<F: Future, E> Drop for GroupScope<F, E> {
    fn drop(&mut self) {
        // Dropped with its task (or by a timeout's expiry): the hold goes with it.
        self.let_go();
    }
}

impl<F: Future, E> fmt::Debug for GroupScope<F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupScope")
            .field("body_running", &self.body.is_some())
            .finish()
    }
}

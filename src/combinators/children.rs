//! The engine shared by the gather variants: children in argument order behind one outer
//! future, resolved by done-callbacks exactly when asyncio's `_GatheringFuture` would be.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::callback::{DoneCallback, Outer};
use crate::runtime::{Completion, Message, try_with, with};
use crate::task::handle::Child;
use crate::task::handle::ChildHandle;
use crate::task::{Awaitable, JoinError, TaskId};

/// When the outer future resolves.
#[derive(Clone, Copy)]
pub(crate) enum Mode<T> {
    /// At the first child that failed, or when every child ended. A child fails when it
    /// panicked or was cancelled (asyncio's default: a raised exception), or returned a
    /// value that `value_fails` says is a failure (`try_gather`'s `Err`).
    FirstFailure { value_fails: Option<fn(&T) -> bool> },
    /// When every child ended (`return_exceptions=True`).
    CollectAll,
}

impl<T> Mode<T> {
    /// asyncio's default: a child that panicked or was cancelled fails the gather.
    pub(crate) fn first_failure() -> Mode<T> {
        Mode::FirstFailure { value_fails: None }
    }

    /// Reads a child's outcome. asyncio's gather hands a cancelled child's message on
    /// only when it fails the gather (`_make_cancelled_error`); `return_exceptions` lists
    /// it from `_cancel_message` and leaves the task's kept `CancelledError` to a later
    /// retrieval (case 707).
    fn read(&self, handle: &mut ChildHandle<T>) -> Result<T, JoinError>
    where
        T: 'static,
    {
        match self {
            Mode::FirstFailure { .. } => handle.outcome(),
            Mode::CollectAll => {
                with("gather", |c| c.keep_cancel_messages(true));
                let r = handle.outcome();
                with("gather", |c| c.keep_cancel_messages(false));
                r
            }
        }
    }

    /// Whether the outcome `r` fails the gather.
    fn fails(&self, r: &Result<T, JoinError>) -> bool {
        match (self, r) {
            (Mode::CollectAll, _) => false,
            (Mode::FirstFailure { .. }, Err(_)) => true,
            (Mode::FirstFailure { value_fails }, Ok(v)) => value_fails.is_some_and(|f| f(v)),
        }
    }

    /// Whether a child that ended so (`returned`: with a value) cannot fail the gather,
    /// whatever its value.
    fn cannot_fail(&self, returned: bool) -> bool {
        match self {
            Mode::CollectAll => true,
            Mode::FirstFailure { value_fails } => returned && value_fails.is_none(),
        }
    }
}

/// How the outer future resolved.
pub(crate) enum Resolved {
    /// Child `i` failed first.
    Failure(usize),
    /// Every child ended.
    All,
    /// Every child ended, after the gather was cancelled (asyncio's `_cancel_requested`):
    /// it raises `CancelledError` whatever the children returned, with the message of the
    /// last child in argument order if it ended cancelled (`_make_cancelled_error`, cases
    /// 716 and 767).
    Cancelled(Option<Message>),
}

/// The state the children's done-callbacks share with the awaiting future. As asyncio's
/// `_done_callback` does, a child's callback collects its outcome when it runs.
struct GatherShared<T> {
    mode: Mode<T>,
    /// Whether every child is a task: then no other child's callback can be queued and
    /// not yet run when a child that cannot fail ends (a failure's resolves the gather),
    /// so a child that ends with others left is not the deciding one (`counted_at_end`).
    /// A promise's callback is queued by the promise, and may still be waiting.
    tasks_only: bool,
    state: RefCell<GatherState<T>>,
}

struct GatherState<T> {
    outer: Outer,
    remaining: usize,
    first_failure: Option<usize>,
    /// asyncio's `_cancel_requested`: the gather was cancelled ([`Children::cancel`], or
    /// its awaiter's cancellation forwarded to the children), so it raises
    /// `CancelledError` when every child ended, whatever they returned (case 716).
    cancel_requested: bool,
    /// Set when it resolved so: the message it raises ([`Resolved::Cancelled`]).
    cancelled: Option<Option<Message>>,
    /// The task awaiting the gather (asyncio's task whose `_fut_waiter` it is), once it
    /// waited, and each child's task (`None` for a promise).
    awaiter: Option<TaskId>,
    tasks: Vec<Option<TaskId>>,
    /// The children's handles, until their callbacks take their outcomes.
    handles: Vec<Option<ChildHandle<T>>>,
    outcomes: Vec<Option<Result<T, JoinError>>>,
}

impl<T> GatherState<T> {
    /// Resolving with child `child`'s outcome `r` (`failed`: it fails the gather; else it
    /// was the last): whether the gather was cancelled (its awaiter's cancellation forwarded
    /// to the children counts, asyncio's `_fut_waiter.cancel()`), and then what the
    /// awaiter's wake-up raises: the failure's `CancelledError` with its message (delivered),
    /// another failure (the cancellation withdrawn, `None`: the awaiter's poll reads it), or
    /// `CancelledError` with the last child's message (the last in argument order, case
    /// 767), taken, if it ended cancelled.
    fn decide(
        &mut self,
        child: Option<TaskId>,
        r: &Result<T, JoinError>,
        failed: bool,
    ) -> Option<(TaskId, Option<Option<Message>>)> {
        let forwarded = self
            .awaiter
            .filter(|&a| with("gather", |c| c.cancel_forwarded(a)));
        // The awaiter's timeout expired: asyncio's timeout callback cancelled the awaiter,
        // which cancelled this gather (case 756).
        let expiry = self
            .awaiter
            .filter(|&a| with("gather", |c| c.expiry_forwarded(a)));
        if !self.cancel_requested && forwarded.is_none() && expiry.is_none() {
            return None;
        }
        self.cancel_requested = true;
        let delivered = match r {
            Err(JoinError::Cancelled { message }) => {
                let message: Option<Message> = message.as_deref().map(Into::into);
                if !failed {
                    // `return_exceptions` listed it, leaving the message: the gather's
                    // `_make_cancelled_error()` takes it.
                    if let Some(t) = child {
                        with("gather", |c| c.take_cancel_message(t));
                    }
                    self.cancelled = Some(message.clone());
                }
                Some(message)
            }
            _ if failed => None,
            _ => {
                self.cancelled = Some(None);
                Some(None)
            }
        };
        if let Some(a) = expiry {
            with("gather", |c| c.decide_expiry(a, delivered.is_none()));
        }
        forwarded.map(|a| (a, delivered))
    }
}

impl<T: 'static> DoneCallback for GatherShared<T> {
    fn on_done(&self, index: usize, _how: &Completion) {
        let waker = {
            let mut s = self.state.borrow_mut();
            if s.outer.resolved {
                return;
            }
            s.remaining -= 1;
            let mut handle = s.handles[index].take().expect("each child ends once");
            let r = self.mode.read(&mut handle);
            let failed = self.mode.fails(&r);
            if !failed && s.remaining > 0 {
                s.outcomes[index] = Some(r);
                return;
            }
            let decided = if failed {
                let child = s.tasks[index];
                let decided = s.decide(child, &r, true);
                s.outcomes[index] = Some(r);
                s.first_failure = Some(index);
                decided
            } else {
                // Every child ended: asyncio's `_done_callback` reads the last child in
                // argument order (its loop's `fut`), not the one that ended last.
                s.outcomes[index] = Some(r);
                let last = s.outcomes.len() - 1;
                let r = match s.outcomes[last].take() {
                    Some(r) => r,
                    None => {
                        let mut handle = s.handles[last].take().expect("an ended child");
                        self.mode.read(&mut handle)
                    }
                };
                let child = s.tasks[last];
                let decided = s.decide(child, &r, false);
                s.outcomes[last] = Some(r);
                decided
            };
            if let Some((awaiter, delivered)) = decided {
                with("gather", |c| c.decide_forwarded(awaiter, delivered));
            }
            s.outer.resolve()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// A child that cannot fail the gather and is not the last one left: its callback
    /// would only count it, so it is counted now, with no ready-queue entry. Its outcome
    /// stays in its handle until the gather resolves ([`Children::take`]). The last
    /// child's end and a failure keep their callback's slot: they decide, and the caller
    /// is woken one slot after it.
    fn counted_at_end(&self, returned: bool) -> bool {
        if !self.tasks_only || !self.mode.cannot_fail(returned) {
            return false;
        }
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return false;
        };
        // Resolved: the callback does nothing, and its queued entry drops the last
        // references to the state outside the core borrow.
        if s.outer.resolved || s.remaining < 2 {
            return false;
        }
        s.remaining -= 1;
        true
    }
}

/// Children in argument order and the outer future's state.
pub(crate) struct Children<T> {
    run: u64,
    ids: Vec<Child>,
    shared: Rc<GatherShared<T>>,
    finished: bool,
}

impl<T: 'static> Children<T> {
    /// Watches `handles` (spawned already, in argument order) with done-callbacks.
    ///
    /// As in CPython 3.12's `gather`, the callbacks of children that already ended run at
    /// once, after the others are registered: a gather over finished tasks is resolved
    /// before it is first awaited, and awaiting it does not yield (3.11 ran them one
    /// ready-queue slot later).
    pub(crate) fn new<H: Awaitable<Value = T>>(handles: Vec<H>, mode: Mode<T>) -> Children<T> {
        let n = handles.len();
        let (ids, handles): (Vec<Child>, Vec<_>) = handles
            .into_iter()
            .map(|h| {
                let (id, h) = ChildHandle::new(h);
                (id, Some(h))
            })
            .unzip();
        let mut outer = Outer::default();
        if n == 0 {
            // asyncio: gather() of nothing is a finished future.
            let _ = outer.resolve();
        }
        let shared = Rc::new(GatherShared {
            mode,
            tasks_only: ids.iter().all(|c| c.task().is_some()),
            state: RefCell::new(GatherState {
                outer,
                remaining: n,
                first_failure: None,
                cancel_requested: false,
                cancelled: None,
                awaiter: None,
                tasks: ids.iter().map(Child::task).collect(),
                handles,
                outcomes: (0..n).map(|_| None).collect(),
            }),
        });
        let target: Rc<dyn DoneCallback> = shared.clone();
        let (run, ended) = with("gather", |c| {
            let mut ended = Vec::new();
            for (i, child) in ids.iter().enumerate() {
                let index = u32::try_from(i).expect("fewer than 2^32 children");
                if let Some(how) = child.completion_or_watch(c, &target, index) {
                    ended.push((i, how));
                }
            }
            (c.run_id(), ended)
        });
        for (i, how) in ended {
            shared.on_done(i, &how);
        }
        Children {
            run,
            ids,
            shared,
            finished: false,
        }
    }

    /// Whether the outer future resolved (asyncio's `_GatheringFuture.done()`).
    pub(crate) fn resolved(&self) -> bool {
        self.shared.state.borrow().outer.resolved
    }

    /// Ready once the outer future resolved; registers the caller otherwise.
    pub(crate) fn poll_resolved(&mut self, cx: &mut Context<'_>) -> Poll<Resolved> {
        assert!(!self.finished, "simloop: gather polled after it completed");
        {
            let mut s = self.shared.state.borrow_mut();
            if s.outer.resolved {
                self.finished = true;
                return Poll::Ready(match (s.first_failure, s.cancelled.take()) {
                    (Some(i), _) => Resolved::Failure(i),
                    (None, Some(message)) => Resolved::Cancelled(message),
                    (None, None) => Resolved::All,
                });
            }
            s.outer.register(cx.waker());
        }
        let awaiter = with("gather", |c| c.running());
        self.shared.state.borrow_mut().awaiter = awaiter;
        // The waits make deadlock reports name the children, and let a cancellation of the
        // caller be forwarded to them in argument order (asyncio's `_fut_waiter`).
        with("gather", |c| {
            for child in &self.ids {
                if !child.is_done(c) {
                    child.wait_on(c);
                }
            }
        });
        Poll::Pending
    }

    /// Takes the outcome of child `i`, which has ended.
    pub(crate) fn take(&mut self, i: usize) -> Result<T, JoinError> {
        let mut s = self.shared.state.borrow_mut();
        if let Some(r) = s.outcomes[i].take() {
            return r;
        }
        // Counted when it ended (`counted_at_end`): its outcome is read now.
        let mut handle = s.handles[i]
            .take()
            .expect("each child's outcome is taken once, after it ended");
        drop(s);
        self.shared.mode.read(&mut handle)
    }

    /// Takes every child's outcome, in argument order, as [`Children::take`] does for each,
    /// under one borrow of the state: reading an outcome uses the core, never the gather's
    /// state, and the handles' drops run no user code that could reach it (the gather is
    /// borrowed mutably by its own poll).
    pub(crate) fn take_all(&mut self) -> Vec<Result<T, JoinError>> {
        let mut s = self.shared.state.borrow_mut();
        let GatherState {
            outcomes, handles, ..
        } = &mut *s;
        let mode = &self.shared.mode;
        outcomes
            .iter_mut()
            .zip(handles.iter_mut())
            .map(|(outcome, handle)| match outcome.take() {
                Some(r) => r,
                None => {
                    let mut handle = handle
                        .take()
                        .expect("each child's outcome is taken once, after it ended");
                    mode.read(&mut handle)
                }
            })
            .collect()
    }

    /// asyncio's `_GatheringFuture.cancel(msg)`: cancels the unfinished children in
    /// argument order, each with `message`; false if the gather already resolved or no
    /// child could be cancelled.
    pub(crate) fn cancel(&self, message: Option<String>) -> bool {
        if self.shared.state.borrow().outer.resolved {
            return false;
        }
        let run = self.run;
        let message: Option<Box<str>> = message.map(Into::into);
        let cancelled = try_with(|c| {
            c.run_id() == run
                && self
                    .ids
                    .iter()
                    .fold(false, |any, child| child.cancel(c, message.clone()) | any)
        })
        .unwrap_or(false);
        if cancelled {
            self.shared.state.borrow_mut().cancel_requested = true;
        }
        cancelled
    }
}

impl<T> Drop for Children<T> {
    fn drop(&mut self) {
        if self.finished || self.shared.state.borrow().outer.resolved {
            // Resolved (read or not: a timeout's expiry or a cancellation may drop it
            // before its awaiter reads it): the children that still run are detached, as
            // in asyncio, whose outer future once done cancels nothing (case 766).
            return;
        }
        // Dropped before it resolved: the awaiting task was cancelled, or the gather was
        // abandoned. Silence the callbacks and cancel the unfinished children in order.
        let _ = self.shared.state.borrow_mut().outer.resolve();
        let run = self.run;
        try_with(|c| {
            if c.run_id() == run {
                for child in &self.ids {
                    child.cancel(c, None);
                }
            }
        });
    }
}

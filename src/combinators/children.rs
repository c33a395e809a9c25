//! The engine shared by the gather variants: children in argument order behind one outer
//! future, resolved by done-callbacks exactly when asyncio's `_GatheringFuture` would be.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use super::callback::{DoneCallback, Outer, lock};
use crate::runtime::{Completion, WaitOn, try_with, with};
use crate::task::handle::{BoxedHandle, boxed, outcome};
use crate::task::{JoinError, TaskHandle, TaskId};

/// When the outer future resolves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// At the first failure (asyncio's default), or when every child ended.
    FirstFailure,
    /// When every child ended (`return_exceptions=True`).
    CollectAll,
}

/// How the outer future resolved.
pub(crate) enum Resolved {
    /// Child `i` failed first.
    Failure(usize),
    /// Every child ended.
    All,
}

/// The state the children's done-callbacks share with the awaiting future.
pub(crate) struct GatherShared {
    mode: Mode,
    state: Mutex<GatherState>,
}

struct GatherState {
    outer: Outer,
    remaining: usize,
    first_failure: Option<usize>,
    /// Children whose value counts as a failure (an `Err` in the Result-aware variant).
    failed_value: Vec<bool>,
}

impl GatherShared {
    pub(crate) fn new(n: usize, mode: Mode) -> Arc<GatherShared> {
        let mut outer = Outer::default();
        if n == 0 {
            // asyncio: gather() of nothing is a finished future.
            let _ = outer.resolve();
        }
        Arc::new(GatherShared {
            mode,
            state: Mutex::new(GatherState {
                outer,
                remaining: n,
                first_failure: None,
                failed_value: vec![false; n],
            }),
        })
    }

    /// Records that child `index` returned a value that counts as a failure; called by the
    /// child itself, before it returns.
    pub(crate) fn mark_failed(&self, index: usize) {
        lock(&self.state).failed_value[index] = true;
    }
}

impl DoneCallback for GatherShared {
    fn on_done(&self, index: usize, how: &Completion) {
        let waker = {
            let mut s = lock(&self.state);
            if s.outer.resolved {
                return;
            }
            s.remaining -= 1;
            let failed = !matches!(how, Completion::Returned) || s.failed_value[index];
            if self.mode == Mode::FirstFailure && failed {
                s.first_failure = Some(index);
                s.outer.resolve()
            } else if s.remaining == 0 {
                s.outer.resolve()
            } else {
                return;
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// Children in argument order, their handles, and the outer future's state.
pub(crate) struct Children<T> {
    run: u64,
    ids: Vec<TaskId>,
    handles: Vec<Option<BoxedHandle<T>>>,
    shared: Arc<GatherShared>,
    finished: bool,
}

impl<T: 'static> Children<T> {
    /// Watches `handles` (spawned already, in argument order) with done-callbacks.
    ///
    /// As in CPython 3.12's `gather`, the callbacks of children that already ended run at
    /// once, after the others are registered: a gather over finished tasks is resolved
    /// before it is first awaited, and awaiting it does not yield (3.11 ran them one
    /// ready-queue slot later).
    pub(crate) fn new<H: TaskHandle<Value = T>>(
        handles: Vec<H>,
        shared: Arc<GatherShared>,
    ) -> Children<T> {
        let (ids, handles): (Vec<TaskId>, Vec<_>) = handles
            .into_iter()
            .map(|h| {
                let (id, h) = boxed(h);
                (id, Some(h))
            })
            .unzip();
        let target: Arc<dyn DoneCallback> = shared.clone();
        let (run, ended) = with("gather", |c| {
            let mut ended = Vec::new();
            for (i, &id) in ids.iter().enumerate() {
                match c.completion(id) {
                    Some(how) => ended.push((i, how)),
                    None => {
                        let index = u32::try_from(i).expect("fewer than 2^32 children");
                        c.add_done_callback(id, target.clone(), index);
                    }
                }
            }
            (c.run_id, ended)
        });
        for (i, how) in ended {
            shared.on_done(i, &how);
        }
        Children {
            run,
            ids,
            handles,
            shared,
            finished: false,
        }
    }

    /// Ready once the outer future resolved; registers the caller otherwise.
    pub(crate) fn poll_resolved(&mut self, cx: &mut Context<'_>) -> Poll<Resolved> {
        assert!(!self.finished, "simloop: gather polled after it completed");
        {
            let mut s = lock(&self.shared.state);
            if s.outer.resolved {
                self.finished = true;
                return Poll::Ready(match s.first_failure {
                    Some(i) => Resolved::Failure(i),
                    None => Resolved::All,
                });
            }
            s.outer.register(cx.waker());
        }
        // The waits make deadlock reports name the children, and let a cancellation of the
        // caller be forwarded to them in argument order (asyncio's `_fut_waiter`).
        with("gather", |c| {
            for &id in &self.ids {
                if !c.is_done(id) {
                    c.wait_on(WaitOn::Join(id));
                }
            }
        });
        Poll::Pending
    }

    /// Takes the outcome of child `i`, which has ended.
    pub(crate) fn take(&mut self, i: usize) -> Result<T, JoinError> {
        let mut h = self.handles[i].take().expect("each child is taken once");
        outcome(&mut *h)
    }

    /// Takes every child's outcome, in argument order.
    pub(crate) fn take_all(&mut self) -> Vec<Result<T, JoinError>> {
        (0..self.handles.len()).map(|i| self.take(i)).collect()
    }

    /// asyncio's `_GatheringFuture.cancel()`: cancels the unfinished children in argument
    /// order; false if the gather already resolved or no child could be cancelled.
    pub(crate) fn cancel(&self) -> bool {
        if lock(&self.shared.state).outer.resolved {
            return false;
        }
        let run = self.run;
        try_with(|c| {
            c.run_id == run
                && self
                    .ids
                    .iter()
                    .fold(false, |any, &id| c.cancel(id, None) | any)
        })
        .unwrap_or(false)
    }
}

impl<T> Drop for Children<T> {
    fn drop(&mut self) {
        if self.finished {
            // Resolved: the children that still run are detached, as in asyncio.
            return;
        }
        // Dropped before it resolved: the awaiting task was cancelled, or the gather was
        // abandoned. Silence the callbacks and cancel the unfinished children in order.
        let _ = lock(&self.shared.state).outer.resolve();
        let run = self.run;
        try_with(|c| {
            if c.run_id == run {
                for &id in &self.ids {
                    c.cancel(id, None);
                }
            }
        });
    }
}

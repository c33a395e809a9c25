//! What a task shares with its handles: its output, who waits for it, whether it was aborted.
//!
//! The state sits behind a `Mutex` because tokio's handles are `Send` (a handle may be moved
//! into another task); runs are single-threaded, so it is never contended.

use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Waker;

use super::{Id, JoinError};
use crate::sim::context;

/// A task's shared state.
pub(crate) struct Joint<T> {
    pub(crate) id: Id,
    /// The result, until a handle takes it.
    pub(crate) output: Option<Result<T, JoinError>>,
    pub(crate) finished: bool,
    /// The handle waiting for the result.
    pub(crate) waker: Option<Waker>,
    /// An abort was asked for (a task not started yet never starts).
    pub(crate) aborted: bool,
    /// The handle was dropped: the output is dropped as soon as it exists.
    pub(crate) detached: bool,
    /// The simulated task and the run it lives in, once started.
    pub(crate) task: Option<(u64, simloop::task::TaskId)>,
    /// Told when the task ends (its `JoinSet`, its `LocalSet`), each with a key.
    pub(crate) notify: Vec<(Arc<dyn Notify>, u64)>,
    /// What an `AbortHandle` of a task whose output may not be `Send` shares
    /// ([`Control`]): made at the first `JoinHandle::abort_handle`, and kept in step
    /// with `finished`, `task` and (through [`Joint::abort_requested`]) `aborted`.
    pub(crate) control: Option<Arc<Control>>,
}

/// The part of a task's state an abort needs, apart from the output: a `Joint<T>` is
/// `Sync` only when `T` is `Send`, and tokio's `AbortHandle` (which is `Send` and `Sync`)
/// comes from any `JoinHandle<T>`, a `!Send` output's too. Allocated only when such a
/// handle is asked for, so a spawn pays nothing for it.
pub(crate) struct Control {
    id: Id,
    state: Mutex<ControlState>,
}

#[derive(Clone, Copy)]
struct ControlState {
    finished: bool,
    aborted: bool,
    task: Option<(u64, simloop::task::TaskId)>,
}

impl<T> Joint<T> {
    /// Records the simulated task and its run (at its start, or when it outlived a run),
    /// in the control too.
    pub(crate) fn set_task(&mut self, task: (u64, simloop::task::TaskId)) {
        self.task = Some(task);
        if let Some(c) = &self.control {
            lock_control(c).task = Some(task);
        }
    }

    /// Whether an abort was asked for, through a handle of either kind.
    pub(crate) fn abort_requested(&self) -> bool {
        self.aborted
            || self
                .control
                .as_ref()
                .is_some_and(|c| lock_control(c).aborted)
    }

    /// The control an `AbortHandle` shares, made at the first call.
    pub(crate) fn control(&mut self) -> Arc<Control> {
        let state = ControlState {
            finished: self.finished,
            aborted: self.aborted,
            task: self.task,
        };
        let id = self.id;
        self.control
            .get_or_insert_with(|| {
                Arc::new(Control {
                    id,
                    state: Mutex::new(state),
                })
            })
            .clone()
    }
}

fn lock_control(c: &Control) -> MutexGuard<'_, ControlState> {
    c.state.lock().unwrap_or_else(|e| e.into_inner())
}

impl Abortable for Control {
    fn abort(&self) {
        let task = {
            let mut c = lock_control(self);
            if c.finished {
                return;
            }
            c.aborted = true;
            c.task
        };
        cancel(task);
    }

    fn is_finished(&self) -> bool {
        lock_control(self).finished
    }

    fn id(&self) -> Id {
        self.id
    }
}

/// Told when a task ends (a `JoinSet`, a `LocalSet`).
pub(crate) trait Notify: Send + Sync {
    fn ended(&self, key: u64);
}

/// The shared state behind a handle.
pub(crate) type Shared<T> = Arc<Mutex<Joint<T>>>;

pub(crate) fn new_shared<T>(id: Id) -> Shared<T> {
    Arc::new(Mutex::new(Joint {
        id,
        output: None,
        finished: false,
        waker: None,
        aborted: false,
        detached: false,
        task: None,
        notify: Vec::new(),
        control: None,
    }))
}

/// Locks the state; a poisoned lock (a panic while it was held) is still usable.
pub(crate) fn lock<T>(shared: &Mutex<Joint<T>>) -> MutexGuard<'_, Joint<T>> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Stores the task's result and tells its handle and its set (outside the lock); with no
/// handle left, the result is dropped here (the task's id is current: tokio's rule).
pub(crate) fn finish<T>(shared: &Mutex<Joint<T>>, result: Result<T, JoinError>) {
    let (waker, notify, unread) = {
        let mut j = lock(shared);
        if j.finished {
            return;
        }
        j.finished = true;
        if let Some(c) = &j.control {
            lock_control(c).finished = true;
        }
        let unread = if j.detached {
            Some(result)
        } else {
            j.output = Some(result);
            None
        };
        (j.waker.take(), std::mem::take(&mut j.notify), unread)
    };
    // Nobody will read it; a panic in its `Drop` stays here, as in tokio.
    if unread.is_some() {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(unread)));
    }
    if let Some(w) = waker {
        w.wake();
    }
    for (set, key) in notify {
        set.ended(key);
    }
}

/// Aborts the task: a started task is cancelled (its future is dropped at its turn); one
/// not started yet never starts. From another thread, or outside its run, the
/// cancellation is handed to the run (which its main task starts, as a spawn from another
/// thread).
pub(crate) fn abort<T>(shared: &Mutex<Joint<T>>) {
    let task = {
        let mut j = lock(shared);
        if j.finished {
            return;
        }
        j.aborted = true;
        j.task
    };
    cancel(task);
}

/// Cancels the simulated task of `task` (none yet: it never starts, its abort flag says
/// so): at once in its run, else handed to that run.
fn cancel(task: Option<(u64, simloop::task::TaskId)>) {
    let Some((run, task)) = task else {
        return;
    };
    if run == context::run_number() {
        simloop::task::cancel(task);
    } else if let Some(handle) = context::run_handle(run) {
        handle.defer(Box::new(move || {
            if context::run_number() == run {
                simloop::task::cancel(task);
            }
        }));
    }
}

/// Tells `set` with `key` when the task ends (at once if it has).
pub(crate) fn on_end<T>(shared: &Mutex<Joint<T>>, set: Arc<dyn Notify>, key: u64) {
    let mut j = lock(shared);
    if j.finished {
        drop(j);
        set.ended(key);
    } else {
        j.notify.push((set, key));
    }
}

/// Erased access for `AbortHandle`.
pub(crate) trait Abortable: Send + Sync {
    fn abort(&self);
    fn is_finished(&self) -> bool;
    fn id(&self) -> Id;
}

impl<T: Send> Abortable for Mutex<Joint<T>> {
    fn abort(&self) {
        abort(self)
    }

    fn is_finished(&self) -> bool {
        lock(self).finished
    }

    fn id(&self) -> Id {
        lock(self).id
    }
}

//! Spawning: a tokio task is a simloop task running a [`TaskFuture`], which keeps tokio's
//! semantics on top (panics caught into the `JoinError`, abort without asyncio's
//! cancellation forwarding, ids per runtime).

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use super::id::set_current;
use super::local::LocalRef;
use super::state::{Shared, finish, lock, new_shared};
use super::{Id, JoinError, JoinHandle};
use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::runtime::Handle;

/// Spawns a task on the current runtime; it starts at its turn, after the spawner yields.
///
/// Under the simulation the task is a simloop task: the run's scheduler decides when it
/// runs among the ready ones (tokio's current-thread order under the default policy, every
/// legal order when exploring). Spawned while no run is in progress (inside
/// `Runtime::enter`, or by `Runtime::spawn`), the task starts with the runtime's next
/// `block_on`.
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // In a run, without cloning its handle.
    let mut future = Some(future);
    if let Some(join) = context::with_run(|r| spawn_on(&r.handle, future.take().expect("once"))) {
        return join;
    }
    match context::current_handle() {
        Some(handle) => handle.spawn(future.take().expect("not spawned in a run")),
        None => panic!("{NO_RUNTIME}"),
    }
}

/// Spawns `future` on `handle`'s runtime: now when a run of it is in progress on this
/// thread, else at its next run.
pub(crate) fn spawn_on<F>(handle: &Handle, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (task, join) = TaskFuture::new(handle, future, None);
    if handle.runs_here() {
        task.start();
    } else {
        handle.defer(Box::new(move || task.start()));
    }
    join
}

pin_project! {
    /// A tokio task's future inside its simloop task.
    pub(crate) struct TaskFuture<F: Future> {
        #[pin]
        future: F,
        shared: Shared<F::Output>,
        id: Id,
        done: bool,
        // Whether it was polled: an abort asked for before the first poll is read there;
        // later ones cancel the simloop task.
        started: bool,
        local: Option<LocalRef>,
    }

    impl<F: Future> PinnedDrop for TaskFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if !*this.done {
                // Aborted, or dropped when its run ended: tokio's cancellation.
                *this.started = true;
        let _current = set_current(Some(*this.id));
                finish(this.shared, Err(JoinError::cancelled(*this.id)));
            }
        }
    }
}

impl<F: Future> TaskFuture<F> {
    /// A task of `handle`'s runtime (of a `LocalSet` when `local` is given) and its handle.
    pub(crate) fn new(
        handle: &Handle,
        future: F,
        local: Option<LocalRef>,
    ) -> (TaskFuture<F>, JoinHandle<F::Output>) {
        let id = handle.next_task_id();
        let shared = new_shared(id);
        let task = TaskFuture {
            future,
            shared: shared.clone(),
            id,
            done: false,
            started: false,
            local,
        };
        (task, JoinHandle { shared, id })
    }
}

impl<F: Future + 'static> TaskFuture<F> {
    /// Spawns the task in the run in progress on this thread.
    pub(crate) fn start(self) {
        let shared = self.shared.clone();
        let task = simloop::spawn(self).id();
        lock(&shared).task = Some((context::run_number(), task));
    }
}

impl<F: Future> Future for TaskFuture<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(());
        }
        if !*this.started && lock(this.shared).aborted {
            // Aborted before it started: it never runs.
            *this.done = true;
            finish(this.shared, Err(JoinError::cancelled(*this.id)));
            return Poll::Ready(());
        }
        let _current = set_current(Some(*this.id));
        let _local = this.local.as_ref().map(|l| l.enter());
        let future = this.future;
        let result = match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(v)) => Ok(v),
            Err(payload) => Err(JoinError::panic(*this.id, payload)),
        };
        *this.done = true;
        finish(this.shared, result);
        Poll::Ready(())
    }
}

//! Spawning: a tokio task is a simloop task running a [`TaskFuture`], which keeps tokio's
//! semantics on top (panics caught into the `JoinError`, abort without asyncio's
//! cancellation forwarding, ids per runtime).

use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// The task remembers where it was spawned (this call's place, passed through by
/// `#[track_caller]`, as are `JoinSet::spawn`'s, `spawn_local`'s, `Runtime::spawn`'s and
/// `Handle::spawn`'s): a deadlock report names it beside the task, as
/// `#3 (spawned at tests/races.rs:41:17) waits on ...`.
///
/// # Panics
///
/// Outside a runtime, with tokio's message.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// let doubled = rt.block_on(async {
///     let task = tokio::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(doubled, 42);
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if let Some(start) = RunStart::get() {
        // In a run (whose runtime is the current one): what the task needs from the run is
        // read first, without the future, so that the future moves only into the task and
        // then into its cell (each move of a large future is a copy; a closure of
        // `context::with_run` carrying it cost three).
        let (mut task, join) = TaskFuture::with_id(start.id, future, None);
        task.alive = Some(start.alive);
        // Recorded through the handle's reference to the task's state: no clone of it.
        let id = task.spawn_as(start.keepable, Location::caller());
        lock(&join.shared).set_task((start.number, id));
        return join;
    }
    match context::current_handle() {
        Some(handle) => handle.spawn(future),
        None => panic!("{NO_RUNTIME}"),
    }
}

/// What a task spawned in the run in progress takes from it.
struct RunStart {
    /// The task's id, from the run's runtime.
    id: Id,
    /// The runtime's count of live tasks, already counting this one.
    alive: Arc<AtomicUsize>,
    /// The run takes other threads' wakes (a `block_on`'s): its tasks are keepable.
    keepable: bool,
    number: u64,
}

impl RunStart {
    /// Reads the run in progress on this thread, if any, for a task about to be spawned.
    fn get() -> Option<RunStart> {
        if context::run_number() == 0 {
            return None;
        }
        context::with_run(|r| {
            let alive = r.handle.alive();
            alive.fetch_add(1, Ordering::Relaxed);
            RunStart {
                id: r.handle.next_task_id(),
                alive: alive.clone(),
                keepable: r.threads,
                number: r.number,
            }
        })
    }
}

/// Spawns `future` on `handle`'s runtime: now when a run of it is in progress on this
/// thread, else at its next run. The task's spawn site is the caller's.
#[track_caller]
pub(crate) fn spawn_on<F>(handle: &Handle, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let at = Location::caller();
    let (task, join) = TaskFuture::new(handle, future, None);
    if handle.runs_here() {
        task.start_in_runtime(at);
    } else {
        handle.defer(Box::new(move || task.start_in_runtime(at)));
    }
    join
}

pin_project! {
    /// A tokio task's future inside its simloop task.
    pub(crate) struct TaskFuture<F: Future> {
        #[pin]
        stage: Stage<F>,
        shared: Shared<F::Output>,
        id: Id,
        // The number of the run of its last poll, 0 before the first. At its first poll in
        // a run (its first, or its first since it outlived its previous run) an abort
        // asked for meanwhile is read; later ones cancel the simloop task.
        run: u64,
        local: Option<LocalRef>,
        // The runtime's count of live tasks, decremented when this one ends.
        alive: Option<Arc<AtomicUsize>>,
    }

    impl<F: Future> PinnedDrop for TaskFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if let StageProj::Running { .. } = this.stage.as_mut().project() {
                // Aborted, or dropped when its run ended: tokio's cancellation. The future
                // is dropped first, with the task's id current, as tokio does.
                let _current = set_current(Some(*this.id));
                // A local task's future is dropped inside its set, as tokio drops it (in the
                // set's drop, or its tick): there `block_in_place` refuses to run.
                let _local = this.local.as_ref().and_then(|l| l.try_enter());
                // A future that panics as it drops makes the abort a panic (tokio's rule).
                // The assignment replaces the stage even when the old value's drop panics.
                let mut stage = this.stage.as_mut();
                let result = match catch_unwind(AssertUnwindSafe(|| stage.set(Stage::Gone))) {
                    Ok(()) => JoinError::cancelled(*this.id),
                    Err(payload) => JoinError::panic(*this.id, payload),
                };
                end(this.alive);
                finish(this.shared, Err(result));
            }
        }
    }
}

/// Counts a task out of its runtime's live tasks.
fn end(alive: &mut Option<Arc<AtomicUsize>>) {
    if let Some(a) = alive.take() {
        a.fetch_sub(1, Ordering::Relaxed);
    }
}

pin_project! {
    /// The task's future until it ends, then nothing. The future is stored inline: a task
    /// alive when its `block_on`'s run ends moves whole, in its simloop task, to the
    /// runtime's next run (`simloop::task::spawn_keepable`).
    #[project = StageProj]
    enum Stage<F> {
        Running { #[pin] future: F },
        Gone,
    }
}

impl<F: Future> TaskFuture<F> {
    /// A task of `handle`'s runtime (of a `LocalSet` when `local` is given) and its handle.
    #[inline]
    pub(crate) fn new(
        handle: &Handle,
        future: F,
        local: Option<LocalRef>,
    ) -> (TaskFuture<F>, JoinHandle<F::Output>) {
        let (mut task, join) = TaskFuture::with_id(handle.next_task_id(), future, local);
        handle.alive().fetch_add(1, Ordering::Relaxed);
        task.alive = Some(handle.alive().clone());
        (task, join)
    }

    /// A task with the given id and its handle.
    #[inline]
    pub(crate) fn with_id(
        id: Id,
        future: F,
        local: Option<LocalRef>,
    ) -> (TaskFuture<F>, JoinHandle<F::Output>) {
        let shared = new_shared(id);
        let task = TaskFuture {
            stage: Stage::Running { future },
            shared: shared.clone(),
            id,
            run: 0,
            local,
            alive: None,
        };
        (task, JoinHandle { shared, id })
    }
}

impl<F: Future + 'static> TaskFuture<F> {
    /// Spawns the task in the run in progress on this thread; spawned at `at` (its user's
    /// spawn call).
    pub(crate) fn start(self, at: &'static Location<'static>) {
        let shared = self.shared.clone();
        let task = simloop::task::spawn_at(at, self).id();
        lock(&shared).set_task((context::run_number(), task));
    }
}

impl<F> TaskFuture<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Spawns a task of the runtime in the run in progress on this thread. In a
    /// `block_on`'s run the task is keepable: alive when the run ends, it goes on in the
    /// runtime's next run, as tokio's tasks outlive a `block_on` (`Handle::run` takes it
    /// back). An explored run's tasks end with it.
    pub(crate) fn start_in_runtime(self, at: &'static Location<'static>) {
        if let Some(start) = context::with_run(|r| (r.threads, r.number)) {
            return self.start_as(start, at);
        }
        self.start(at)
    }

    /// Spawns the task in the run in progress, numbered `number`: keepable when the run
    /// takes other threads' wakes (a `block_on`'s).
    #[inline]
    fn start_as(self, (keepable, number): (bool, u64), at: &'static Location<'static>) {
        let shared = self.shared.clone();
        let task = self.spawn_as(keepable, at);
        lock(&shared).set_task((number, task));
    }

    /// Spawns the task's simloop task in the run in progress (keepable or not), spawned at
    /// `at`; the caller records it in the task's state.
    // Always inlined: `tokio::spawn` calls it with the future just moved into the task, and
    // left to the compiler it stayed a call (with the state's clone, 29 instructions more
    // a W3 spawn than inline and without it).
    #[inline(always)]
    fn spawn_as(self, keepable: bool, at: &'static Location<'static>) -> simloop::task::TaskId {
        if keepable {
            simloop::task::spawn_keepable_at(at, self)
        } else {
            simloop::task::spawn_at(at, self).id()
        }
    }
}

impl<F: Future> Future for TaskFuture<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        if let StageProj::Gone = this.stage.as_mut().project() {
            return Poll::Ready(());
        }
        let _current = set_current(Some(*this.id));
        let run = context::run_number();
        if *this.run != run {
            let outlived = *this.run != 0;
            *this.run = run;
            let mut joint = lock(this.shared);
            if outlived {
                // It outlived its previous run: aborts now reach it in this one.
                joint.set_task((run, simloop::task::current()));
            }
            if joint.abort_requested() {
                // Aborted before it started, or between its runs: it runs no more.
                drop(joint);
                this.stage.set(Stage::Gone);
                end(this.alive);
                finish(this.shared, Err(JoinError::cancelled(*this.id)));
                return Poll::Ready(());
            }
        }
        let _local = this.local.as_ref().map(|l| l.enter());
        super::coop::refill();
        crate::sim::time::count_poll();
        let stage = this.stage.as_mut();
        let result = match catch_unwind(AssertUnwindSafe(|| poll_or_drop(stage, cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(v)) => Ok(v),
            Err(payload) => Err(JoinError::panic(*this.id, payload)),
        };
        // tokio drops the future before it publishes the output.
        this.stage.set(Stage::Gone);
        end(this.alive);
        finish(this.shared, result);
        Poll::Ready(())
    }
}

/// Polls the task's future; when the poll panics, the future is dropped during the unwind
/// (so its `Drop` sees `std::thread::panicking()`, as under tokio's task harness).
fn poll_or_drop<F: Future>(stage: Pin<&mut Stage<F>>, cx: &mut Context<'_>) -> Poll<F::Output> {
    struct DropOnUnwind<'a, F: Future>(Option<Pin<&'a mut Stage<F>>>);

    impl<F: Future> Drop for DropOnUnwind<'_, F> {
        fn drop(&mut self) {
            if let Some(mut stage) = self.0.take() {
                stage.set(Stage::Gone);
            }
        }
    }

    let mut guard = DropOnUnwind(Some(stage));
    let poll = match guard.0.as_mut().map(|s| s.as_mut().project()) {
        Some(StageProj::Running { future }) => future.poll(cx),
        _ => Poll::Pending,
    };
    guard.0 = None;
    poll
}

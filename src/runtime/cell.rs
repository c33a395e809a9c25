//! The type-erased task: a future, then its output, in one allocation.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use super::JoinError;
use super::cell_pool;
use super::prefetch::prefetch;

/// A hosted run's main future, polled by the engine in the main task's turn: a closure
/// over a future that borrows from the caller's stack, so it never enters the core.
pub(crate) type Host<'a> = dyn FnMut(&mut Context<'_>) -> Poll<()> + 'a;

/// What the engine needs from a task without knowing its output type.
pub(crate) trait ErasedTask {
    /// Polls the future; on completion stores its output and returns `Ready`.
    fn poll_task(self: Pin<&mut Self>) -> Poll<()>;
    /// Polls `host` in the future's stead, with the task's waker: the main task of a
    /// hosted run ([`super::run`] with a host) is a placeholder whose real future lives on
    /// the caller's stack. On `Ready` the task ends with no output stored.
    fn poll_host(self: Pin<&mut Self>, host: &mut Host<'_>) -> Poll<()>;
    /// Drops the future in place and stores `err` as the task's result.
    fn fail(self: Pin<&mut Self>, err: JoinError);
    /// Moves the result out into `out`, which must be `&mut Option<Result<T, JoinError>>`.
    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any);
    /// Gives the task its waker (a cell is boxed before it has one, so that the future is
    /// moved once, into the box).
    fn set_waker(self: Pin<&mut Self>, waker: Waker);
    /// Asks for the cell's first line to be brought into cache without waiting for it
    /// ([`super::prefetch`]).
    fn prefetch(&self);
    /// Gives the cell back once its output was taken (a join's last poll): a plain task's
    /// cell goes to the thread's pool of cells for the next spawn of its type
    /// (`cell_pool.rs`); any other is freed.
    fn recycle(self: Pin<Box<Self>>) {}
    /// A join's last poll: moves the result out into `out` as
    /// [`take_output`](Self::take_output) does and gives the cell back as
    /// [`recycle`](Self::recycle) does, in one dynamic call (two cost a second dispatch and
    /// a second look at the cell's state).
    fn take_output_and_recycle(mut self: Pin<Box<Self>>, out: &mut dyn Any) {
        self.as_mut().take_output(out);
        self.recycle();
    }
    /// Gives the cell of a detached task back once the task ended (the core defers it past
    /// its borrow: the output a detached task leaves may run user code as it drops): the
    /// output is dropped, and the cell goes to the pool as [`recycle`](Self::recycle)'s
    /// does (a `SendCell` too: every simloop-tokio task is detached); any other is freed.
    fn recycle_detached(self: Pin<Box<Self>>) {}
    /// The cell as a `Send` task if it is one (a keepable task's, `keep.rs`), else itself.
    #[allow(clippy::type_complexity)]
    fn into_send(
        self: Pin<Box<Self>>,
    ) -> Result<Pin<Box<dyn ErasedTask + Send>>, Pin<Box<dyn ErasedTask>>>;
}

pin_project! {
    /// A task's future with its own waker, so a poll needs no waker clone; then its output.
    ///
    /// A poll of a task that ran long ago reads every line of its cell (the waker, the
    /// state, the future's fields): the fewer bytes, the fewer lines a cold poll waits
    /// for. A W6 task (a timeout over a sleep) is 128 bytes, where it was 144 with the
    /// waker beside the state and its tag (`tests::a_timeout_tasks_cell_is_128_bytes`).
    pub(crate) struct TaskCell<F: Future> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F: Future> {
        // The waker lives and drops with the future: its pointer to a vtable is the
        // variant's niche, so the cell needs no separate tag (8 bytes).
        Running { #[pin] future: F, waker: Waker },
        Done { result: Option<Result<F::Output, JoinError>> },
    }
}

impl<F: Future + 'static> TaskCell<F> {
    /// Boxes `future` as a task, without its waker yet ([`ErasedTask::set_waker`]): in a
    /// cell of the pool when one of this type is free, else in a new one.
    #[inline]
    pub(crate) fn boxed(future: F) -> Pin<Box<dyn ErasedTask>> {
        match cell_pool::take::<TaskCell<F>>() {
            Some(mut cell) => {
                cell.as_mut().refill(future);
                cell
            }
            None => Box::pin(TaskCell::new(future)),
        }
    }

    /// Puts `future` into an emptied cell (one from the pool, [`empty`](Self::empty)).
    #[inline]
    pub(super) fn refill(self: Pin<&mut Self>, future: F) {
        self.project().state.set(State::Running {
            future,
            waker: Waker::noop().clone(),
        });
    }

    /// Empties the cell of a task that ended, for the pool: drops the output left in it (a
    /// detached task's; the task's waker went with its future). False, and the cell as it
    /// was, when the task has not ended.
    pub(super) fn empty(self: Pin<&mut Self>) -> bool {
        let mut this = self.project();
        if let StateProj::Running { .. } = this.state.as_mut().project() {
            return false;
        }
        this.state.set(State::Done { result: None });
        true
    }

    /// `future` as a task, without its waker yet ([`ErasedTask::set_waker`]).
    #[inline]
    pub(crate) fn new(future: F) -> TaskCell<F> {
        TaskCell {
            state: State::Running {
                future,
                waker: Waker::noop().clone(),
            },
        }
    }
}

impl<F: Future + 'static> ErasedTask for TaskCell<F> {
    fn poll_task(self: Pin<&mut Self>) -> Poll<()> {
        let mut this = self.project();
        let output = match this.state.as_mut().project() {
            StateProj::Running { future, waker } => {
                let mut cx = Context::from_waker(waker);
                match future.poll(&mut cx) {
                    Poll::Ready(v) => v,
                    Poll::Pending => return Poll::Pending,
                }
            }
            StateProj::Done { .. } => return Poll::Ready(()),
        };
        this.state.set(State::Done {
            result: Some(Ok(output)),
        });
        Poll::Ready(())
    }

    fn poll_host(self: Pin<&mut Self>, host: &mut Host<'_>) -> Poll<()> {
        let mut this = self.project();
        let StateProj::Running { waker, .. } = this.state.as_mut().project() else {
            return Poll::Ready(());
        };
        let mut cx = Context::from_waker(waker);
        let poll = host(&mut cx);
        if poll.is_ready() {
            this.state.set(State::Done { result: None });
        }
        poll
    }

    fn fail(self: Pin<&mut Self>, err: JoinError) {
        self.project().state.set(State::Done {
            result: Some(Err(err)),
        });
    }

    fn set_waker(self: Pin<&mut Self>, waker: Waker) {
        if let StateProj::Running { waker: own, .. } = self.project().state.project() {
            *own = waker;
        }
    }

    fn prefetch(&self) {
        // The cell's start. The waker's line would need the state's tag read, which is the
        // load a prefetch is there to spare.
        prefetch(self);
    }

    fn take_output(self: Pin<&mut Self>, out: &mut dyn Any) {
        let slot = out
            .downcast_mut::<Option<Result<F::Output, JoinError>>>()
            .expect("simloop: join handle output type matches its task");
        if let StateProj::Done { result } = self.project().state.project() {
            *slot = result.take();
        }
    }

    fn take_output_and_recycle(mut self: Pin<Box<Self>>, out: &mut dyn Any) {
        let slot = out
            .downcast_mut::<Option<Result<F::Output, JoinError>>>()
            .expect("simloop: join handle output type matches its task");
        let StateProj::Done { result } = self.as_mut().project().state.project() else {
            // Not expected (a join takes the output of a task that ended); freed as before.
            return;
        };
        *slot = result.take();
        // As `recycle`: the emptied cell goes to the pool.
        cell_pool::put::<_, { cell_pool::ALL }>(self);
    }

    fn recycle(self: Pin<Box<Self>>) {
        if !matches!(self.state, State::Done { result: None }) {
            // Not expected (only a join recycles, after taking the output); freed as before.
            return;
        }
        cell_pool::put::<_, { cell_pool::ALL }>(self);
    }

    fn recycle_detached(mut self: Pin<Box<Self>>) {
        if self.as_mut().empty() {
            cell_pool::put::<_, { cell_pool::MAX_DETACHED }>(self);
        }
    }

    fn into_send(
        self: Pin<Box<Self>>,
    ) -> Result<Pin<Box<dyn ErasedTask + Send>>, Pin<Box<dyn ErasedTask>>> {
        Err(self)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::time::Duration;

    use super::TaskCell;
    use crate::{sleep, timeout};

    fn cell_size<F: Future>(_: &F) -> usize {
        size_of::<TaskCell<F>>()
    }

    /// W6's task (`benches/compare/sim.rs`: a timeout over a sleep, and the task number
    /// it was spawned with) is two cache lines' worth: the waker's vtable pointer is the
    /// state's niche (no tag), and the timeout's state is 40 bytes.
    #[test]
    fn a_timeout_tasks_cell_is_128_bytes() {
        let t = 7u64;
        let task = async move {
            let r = timeout(
                Duration::from_millis(t),
                sleep(Duration::from_millis(2 * t)),
            )
            .await;
            u64::from(r.is_err())
        };
        assert_eq!(cell_size(&task), 128);
    }
}

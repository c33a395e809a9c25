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
    /// Asks for the cell's lines (its waker and the start of its future) to be brought into
    /// cache without waiting for them ([`super::prefetch`]).
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
    /// A task's own waker next to its state, so a poll needs no waker clone.
    pub(crate) struct TaskCell<F: Future> {
        waker: Waker,
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F: Future> {
        Running { #[pin] future: F },
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
        self.project().state.set(State::Running { future });
    }

    /// Empties the cell of a task that ended, for the pool: drops the task's waker (as a
    /// freed cell's: the core reuses a retired waker only once nothing else holds it), then
    /// the output left in it (a detached task's). False, and the cell as it was, when the
    /// task has not ended.
    pub(super) fn empty(self: Pin<&mut Self>) -> bool {
        let mut this = self.project();
        if let StateProj::Running { .. } = this.state.as_mut().project() {
            return false;
        }
        *this.waker = Waker::noop().clone();
        this.state.set(State::Done { result: None });
        true
    }

    /// `future` as a task, without its waker yet ([`ErasedTask::set_waker`]).
    #[inline]
    pub(crate) fn new(future: F) -> TaskCell<F> {
        TaskCell {
            waker: Waker::noop().clone(),
            state: State::Running { future },
        }
    }
}

impl<F: Future + 'static> ErasedTask for TaskCell<F> {
    fn poll_task(self: Pin<&mut Self>) -> Poll<()> {
        let mut this = self.project();
        let output = match this.state.as_mut().project() {
            StateProj::Running { future } => {
                let mut cx = Context::from_waker(this.waker);
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
        let mut cx = Context::from_waker(this.waker);
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
        *self.project().waker = waker;
    }

    fn prefetch(&self) {
        // A box is 16-byte aligned: a small cell may straddle two lines, whose first bytes
        // are the waker's and the future's.
        prefetch(&self.waker);
        prefetch(&self.state);
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
        // As `recycle`: the waker is dropped now, and the emptied cell goes to the pool.
        *self.as_mut().project().waker = Waker::noop().clone();
        cell_pool::put::<_, { cell_pool::ALL }>(self);
    }

    fn recycle(mut self: Pin<Box<Self>>) {
        if !matches!(self.state, State::Done { result: None }) {
            // Not expected (only a join recycles, after taking the output); freed as before.
            return;
        }
        // The task's waker is dropped now, as a freed cell's was: the core reuses a retired
        // waker only once nothing else holds it.
        *self.as_mut().project().waker = Waker::noop().clone();
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

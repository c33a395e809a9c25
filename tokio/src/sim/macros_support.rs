//! What the expansions of `select!`, `join!` and `try_join!` call (not a public API).

#![allow(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The branch `select!` polls first: drawn from the run's seeded generator, so the order is
/// a function of the seed (tokio draws it from a thread-local generator). Outside a run,
/// branch 0.
pub fn select_start(branches: usize) -> usize {
    if branches <= 1 || simloop::time::try_now().is_none() {
        return 0;
    }
    simloop::rng::random_range(0..branches)
}

/// Whether the task has tokio's budget left; when it does not, the task is woken (it
/// yields, and is polled again with a full budget).
pub fn budget_available(cx: &mut Context<'_>) -> bool {
    let available = tokio::task::coop::has_budget_remaining();
    if !available {
        cx.waker().wake_by_ref();
    }
    available
}

pub use pin_project_lite::pin_project;

pin_project! {
    /// A future of `join!`, then its output, then nothing (three states, as tokio's, so
    /// that the output shares the future's space). `repr(C)` as tokio's is: a join's
    /// future then has tokio's size, which tokio's tests compare.
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplace]
    #[repr(C)]
    pub enum MaybeDone<F: Future> {
        /// Not done yet.
        Pending { #[pin] future: F },
        /// Done, output kept.
        Done { output: F::Output },
        /// The output was taken.
        Gone,
    }
}

impl<F: Future> MaybeDone<F> {
    /// Wraps `future`.
    pub fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Pending { future }
    }

    /// Polls the future unless done; true once done.
    pub fn poll_done(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Pending { future } => match future.poll(cx) {
                Poll::Ready(v) => v,
                Poll::Pending => return false,
            },
            MaybeDoneProj::Done { .. } | MaybeDoneProj::Gone => return true,
        };
        self.set(MaybeDone::Done { output });
        true
    }

    /// The output.
    ///
    /// # Panics
    ///
    /// When not done, or taken already.
    pub fn take_output(mut self: Pin<&mut Self>) -> F::Output {
        match self.as_mut().project() {
            MaybeDoneProj::Done { .. } => {}
            MaybeDoneProj::Pending { .. } => panic!("join! output taken before it was done"),
            MaybeDoneProj::Gone => panic!("join! output taken twice"),
        }
        match self.project_replace(MaybeDone::Gone) {
            MaybeDoneReplace::Done { output } => output,
            _ => unreachable!("checked above"),
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// Whether the output is an error.
    pub fn is_err(self: Pin<&mut Self>) -> bool {
        matches!(self.project(), MaybeDoneProj::Done { output: Err(_) })
    }

    /// The error output.
    ///
    /// # Panics
    ///
    /// When the output is not an error.
    pub fn take_err(self: Pin<&mut Self>) -> E {
        match self.take_output() {
            Err(e) => e,
            Ok(_) => panic!("try_join! output is not an error"),
        }
    }

    /// The success output.
    ///
    /// # Panics
    ///
    /// When the output is an error.
    pub fn take_ok(self: Pin<&mut Self>) -> T {
        match self.take_output() {
            Ok(v) => v,
            Err(_) => panic!("try_join! output is an error"),
        }
    }
}

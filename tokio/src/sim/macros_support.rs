//! What the expansions of `select!`, `join!` and `try_join!` call (not a public API).

#![allow(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

/// The branch `select!` polls first: drawn from the run's seeded generator, so the order is
/// a function of the seed (tokio draws it from a thread-local generator). Outside a run,
/// branch 0.
pub fn select_start(branches: usize) -> usize {
    if branches <= 1 || simloop::time::try_now().is_none() {
        return 0;
    }
    simloop::rng::random_range(0..branches)
}

pin_project! {
    /// A future of `join!`, then its output.
    #[project = MaybeDoneProj]
    pub enum MaybeDone<F: Future> {
        /// Not done yet.
        Pending { #[pin] future: F },
        /// Done, output kept.
        Done { output: Option<F::Output> },
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
            MaybeDoneProj::Done { .. } => return true,
        };
        self.set(MaybeDone::Done {
            output: Some(output),
        });
        true
    }

    /// The output.
    ///
    /// # Panics
    ///
    /// When not done, or taken already.
    pub fn take_output(self: Pin<&mut Self>) -> F::Output {
        match self.project() {
            MaybeDoneProj::Done { output } => output.take().expect("join! output taken twice"),
            MaybeDoneProj::Pending { .. } => panic!("join! output taken before it was done"),
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// Whether the output is an error.
    pub fn is_err(self: Pin<&mut Self>) -> bool {
        matches!(
            self.project(),
            MaybeDoneProj::Done {
                output: Some(Err(_))
            }
        )
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

//! tokio's cooperative budget, given to every task poll of a simulated run as tokio's
//! schedulers give it.
//!
//! tokio's sync types, `JoinHandle`s and timers spend a unit of a per-task budget (128)
//! at each operation and return `Pending` (waking the task at once) when it is spent, so
//! that a task looping over ready channels yields. The budget lives in tokio's
//! thread-local context and only tokio's own scheduler loops set it, so the items here are
//! tokio's, and a simulated run refreshes the budget before each task poll with a token
//! of tokio's public API: a [`RestoreOnPending`] taken when the budget was full puts the
//! budget back to full when dropped (it restores the value it was taken at). The thread
//! keeps one such token: before a poll it drops it (the budget is full again) and takes
//! the next (which spends one unit: a task gets 127 operations where tokio's get 128).
//!
//! **Why 127, not tokio's 128.** With tokio's public API the budget can only be lowered
//! (each [`poll_proceed`] spends a unit), set unlimited (inside [`unconstrained`]), or put
//! back to a value a token was taken at; only tokio's own scopes (a `block_on`'s poll, a
//! `LocalSet`'s or a runtime's task poll) set it full. Taking the token that will restore
//! the next poll's budget spends a unit of this one, so each poll that starts full needs
//! a full budget from one of tokio's scopes. A mint was tried and measured: a tokio
//! `LocalSet` whose task takes a token at each of its polls (tokio polls it with a full
//! budget), 61 per poll of the set, one dropped before each simulated task poll. It gives
//! exactly 128 (tokio's `select_is_budget_aware` and `drop_permit_iterator_releases_permits`
//! pass), and costs a tokio task poll per simulated poll: W3 (1.1M task polls) went from
//! 1.08x/1.12x tokio's speed to 0.65x/0.70x (`tokio/benches/tokio_api.rs`, two runs each,
//! the same bench built with and without it): the unit is not worth a third of the
//! simulation's speed, so the budget stays one short.
//!
//! The first token comes from a poll of a real tokio `block_on`, where tokio sets a full
//! budget (`prepare`, called before a run enters its host runtime).
//!
//! # Examples
//!
//! ```
//! # use simloop_tokio as tokio;
//! use std::future::poll_fn;
//! use std::task::Poll;
//!
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(async {
//!     let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
//!     for _ in 0..200 {
//!         tx.send(()).unwrap();
//!     }
//!     // A task looping over a ready channel runs out of budget and yields.
//!     let pending_at = poll_fn(|cx| {
//!         for i in 0..200 {
//!             if rx.poll_recv(cx).is_pending() {
//!                 return Poll::Ready(Some(i));
//!             }
//!         }
//!         Poll::Ready(None)
//!     })
//!     .await;
//!     assert!(pending_at.is_some());
//!     assert!(!tokio::task::coop::has_budget_remaining());
//!     // The next poll has a full budget again.
//!     tokio::task::yield_now().await;
//!     assert!(tokio::task::coop::has_budget_remaining());
//! });
//! ```

use std::cell::Cell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::task::{Context, Poll, Waker};

pub use tokio::task::coop::{
    Coop, RestoreOnPending, consume_budget, cooperative, has_budget_remaining, poll_proceed,
};

pub use tokio::task::{Unconstrained, unconstrained};

thread_local! {
    /// A token taken while the budget was full.
    // Never dropped (`ManuallyDrop`): a thread-local without drop glue needs no destructor
    // registration, so each access is a plain load, where one with it checked its state
    // at every task poll (the token holds no memory; dropped at the thread's exit it would
    // only have restored tokio's budget there).
    static FULL: ManuallyDrop<Cell<Option<RestoreOnPending>>> =
        const { ManuallyDrop::new(Cell::new(None)) };
}

/// Takes this thread's first token, inside a poll of the thread's host runtime's
/// `block_on` (which sets a full budget). Does nothing when the thread has its token, or
/// inside tokio's runtime context (where a `block_on` is refused): a run calls this before
/// it enters its host.
pub(crate) fn prepare() {
    if crate::sim::real_io::in_tokio_runtime() {
        return;
    }
    let _ = FULL.try_with(|full| {
        let token = full.take().or_else(|| {
            crate::sim::runtime::host_block_on(std::future::poll_fn(|cx| {
                Poll::Ready(match poll_proceed(cx) {
                    Poll::Ready(token) => Some(token),
                    Poll::Pending => None,
                })
            }))
        });
        full.set(token);
    });
}

/// Gives the task about to be polled a full budget (less the unit the next token costs).
/// Does nothing on a thread without a token ([`prepare`]).
#[inline]
pub(crate) fn refill() {
    let _ = FULL.try_with(|full| {
        // Dropping the token restores the full budget it was taken at.
        let Some(token) = full.take() else {
            return;
        };
        drop(token);
        if let Poll::Ready(token) = poll_proceed(&mut Context::from_waker(Waker::noop())) {
            full.set(Some(token));
        }
    });
}

/// Runs `f` (runs of a simulation: an exploration, a replay) inside the thread's host, as
/// a `block_on` does: the first budget token is taken before, and tokio's budget is put
/// back as it was after (a run leaves it spent).
pub(crate) fn hosted<R>(f: impl FnOnce() -> R) -> R {
    prepare();
    crate::sim::runtime::host_block_on(async { f() })
}

/// `body`, with a full budget at each poll: the main future of a run that is not a
/// `block_on` (an explored run).
pub(crate) async fn budgeted<F: Future>(body: F) -> F::Output {
    let mut body = std::pin::pin!(body);
    std::future::poll_fn(|cx| {
        refill();
        crate::sim::time::count_poll();
        body.as_mut().poll(cx)
    })
    .await
}

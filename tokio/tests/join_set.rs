//! `JoinSet` outside a run, on tokio (built normally) and on the simulation.

extern crate simloop_tokio as tokio;

use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use tokio::task::JoinSet;

/// A waker whose drop drives its runtime, which ends the set's task.
struct DriveOnDrop(tokio::runtime::Runtime);

impl Wake for DriveOnDrop {
    fn wake(self: Arc<Self>) {}
}

impl Drop for DriveOnDrop {
    fn drop(&mut self) {
        self.0.block_on(tokio::task::yield_now());
    }
}

/// Regression: the set dropped its previous waker under its own lock, so a waker whose drop
/// ran the set's task to its end (which tells the set, under that lock) hung the thread.
#[test]
fn a_replaced_waker_is_dropped_outside_the_sets_lock() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut set = JoinSet::new();
    set.spawn_on(async { 42 }, rt.handle());
    let waker = Waker::from(Arc::new(DriveOnDrop(rt)));
    assert!(
        set.poll_join_next(&mut Context::from_waker(&waker))
            .is_pending()
    );
    drop(waker);
    // This poll replaces (and drops) the waker, which runs the task to its end.
    assert!(
        set.poll_join_next(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    assert_eq!(set.try_join_next().unwrap().unwrap(), 42);
}

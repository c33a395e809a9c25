//! The runtime API, on tokio (built normally) and on the simulation (`--cfg simloop`): the
//! same assertions hold for both.

extern crate simloop_tokio as tokio;

use std::cell::RefCell;

/// Regression: a runtime kept in a thread-local, dropped when its thread exits after
/// another runtime was dropped there, reached a thread-local that was already destroyed,
/// and the process aborted ("thread local panicked on drop").
#[test]
fn a_runtime_in_a_thread_local_drops_at_thread_exit() {
    thread_local! {
        static KEPT: RefCell<Option<tokio::runtime::Runtime>> = const { RefCell::new(None) };
    }
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    std::thread::spawn(move || {
        KEPT.with(|k| *k.borrow_mut() = Some(rt()));
        let other = rt();
        other.block_on(async {});
    })
    .join()
    .unwrap();
}

//! Aborting tasks, on tokio (built normally) and on the simulation (`--cfg simloop`): the
//! same assertions hold for both.

extern crate simloop_tokio as tokio;

use std::time::Duration;

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("dropped");
    }
}

/// Regression: a task whose future panicked as the abort dropped it let the panic escape
/// the run; tokio reports it through the handle as a panic.
#[test]
fn an_abort_whose_drop_panics_ends_the_task_as_panicked() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        let handle = tokio::spawn(async {
            let _guard = PanicOnDrop;
            tokio::time::sleep(Duration::from_secs(100)).await;
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        handle.abort();
        assert!(handle.await.unwrap_err().is_panic());
    });
}

/// Regression: an abort from another thread, while the run waited with nothing to do, only
/// marked the task; tokio cancels it, dropping its future on the runtime's thread.
#[test]
fn an_abort_from_another_thread_cancels_a_waiting_local_task() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let home = std::thread::current().id();
    // Not `Send` (tokio may drop it on the LocalSet's thread only).
    struct DropsAt(
        std::thread::ThreadId,
        std::marker::PhantomData<std::rc::Rc<()>>,
    );
    impl Drop for DropsAt {
        fn drop(&mut self) {
            assert_eq!(std::thread::current().id(), self.0);
        }
    }
    let check = DropsAt(home, std::marker::PhantomData);
    let handle = local.spawn_local(async move {
        std::future::pending::<()>().await;
        drop(check);
    });
    let aborter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(10));
        handle.abort();
    });
    rt.block_on(local);
    aborter.join().unwrap();
}

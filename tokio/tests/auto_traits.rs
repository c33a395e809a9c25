//! The auto traits (`Send`, `Sync`, `Unpin`) of the simulated types are tokio's, as
//! tokio's own `tests/async_send_sync.rs` asserts them: code compiles under the cfg
//! exactly when it compiles on tokio. Built normally these are tokio's types, so each
//! check holds on both sides; a divergence is a compile error of this file.
//!
//! Regression (tokio's `async_send_sync` did not compile against the drop-in): the
//! simulated `Sleep` was `Unpin` (so a `Timeout` of an `Unpin` future was too), where
//! tokio's is not; `EnterGuard` was not `Sync`, where tokio's is; and
//! `tokio::macros::support::poll_fn` did not exist.

extern crate simloop_tokio as tokio;

use std::time::Duration;

/// `some_item` is ambiguous (a compile error) for an `Unpin` type: both impls apply.
trait AmbiguousIfUnpin<A> {
    fn some_item(&self) {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

fn require_send<T: Send>(_: &T) {}
fn require_sync<T: Sync>(_: &T) {}

#[test]
fn sleep_and_timeout_are_not_unpin_and_are_send_and_sync() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let nap = tokio::time::sleep(Duration::from_secs(1));
    require_send(&nap);
    require_sync(&nap);
    AmbiguousIfUnpin::some_item(&nap);
    // A timeout of an `Unpin` future is still `!Unpin`: its sleep is.
    let bounded = tokio::time::timeout(Duration::from_secs(1), std::future::ready(3));
    require_send(&bounded);
    AmbiguousIfUnpin::some_item(&bounded);
    // Pinned, both run as ever.
    let out = rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        bounded.await
    });
    assert_eq!(out, Ok(3));
}

/// tokio's `yield_now` is an `async fn`: its future is `!Unpin`, `Send` and `Sync`. The
/// simulated one is a plain future (cheaper to poll), kept `!Unpin` by a marker.
#[test]
fn a_yield_is_not_unpin_and_is_send_and_sync() {
    let yielding = tokio::task::yield_now();
    require_send(&yielding);
    require_sync(&yielding);
    AmbiguousIfUnpin::some_item(&yielding);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(yielding);
}

#[test]
fn an_enter_guard_is_sync_so_another_thread_may_borrow_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let guard = rt.enter();
    require_sync(&guard);
    // `&EnterGuard` is `Send` because the guard is `Sync`: a scoped thread may hold it,
    // and the runtime stays entered on this thread only.
    let seen = std::thread::scope(|s| {
        s.spawn(|| {
            let _borrowed = &guard;
            tokio::runtime::Handle::try_current().is_ok()
        })
        .join()
        .unwrap()
    });
    assert!(!seen);
    assert!(tokio::runtime::Handle::try_current().is_ok());
    drop(guard);
    assert!(tokio::runtime::Handle::try_current().is_err());
}

#[test]
fn a_local_runtime_enter_guard_is_sync_and_enters_its_set() {
    let rt = tokio::runtime::LocalRuntime::new().unwrap();
    let task = {
        let guard = rt.enter();
        require_sync(&guard);
        tokio::task::spawn_local(async { std::rc::Rc::new(4) })
    };
    assert_eq!(*rt.block_on(task).unwrap(), 4);
}

#[test]
fn macros_support_poll_fn_is_tokios_hidden_path() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut polls = 0;
    let out = rt.block_on(tokio::macros::support::poll_fn(|cx| {
        polls += 1;
        if polls < 3 {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(polls)
        }
    }));
    assert_eq!(out, 3);
}

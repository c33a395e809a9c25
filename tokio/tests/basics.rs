//! simloop-tokio's own tests: the same code on tokio (built normally) and on the simulation
//! (`RUSTFLAGS="--cfg simloop"`), asserting what both must do.

extern crate simloop_tokio as tokio;

use std::time::Duration;

use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn spawn_join_and_sleep_on_the_paused_clock() {
    let start = Instant::now();
    let h = tokio::spawn(async {
        sleep(Duration::from_secs(5)).await;
        3
    });
    let (a, b) = tokio::join!(h, async { 4 });
    assert_eq!(a.unwrap() + b, 7);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn select_runs_the_first_ready_branch_and_drops_the_others() {
    let mut n = 0;
    tokio::select! {
        _ = sleep(Duration::from_secs(1)) => { n += 1 }
        v = async { 5 } => { n += v }
    }
    assert_eq!(n, 5);
    let r: Result<(i32, i32), &str> = tokio::try_join!(async { Ok(1) }, async { Err("x") });
    assert_eq!(r, Err("x"));
}

/// Regression: a `select!` with only an `else` branch did not compile (the expansion built
/// a struct of zero futures); tokio's macros_select `no_branch_else_only*` tests.
#[tokio::test]
async fn select_with_only_an_else_branch_is_its_value() {
    let plain = tokio::select! { else => 1 };
    let biased = tokio::select! { biased; else => 2 };
    assert_eq!((plain, biased), (1, 2));
}

#[tokio::test(start_paused = true)]
async fn a_timeout_elapses_at_its_deadline() {
    let start = Instant::now();
    let r = tokio::time::timeout(Duration::from_millis(10), sleep(Duration::from_secs(1))).await;
    assert!(r.is_err());
    assert_eq!(start.elapsed(), Duration::from_millis(10));
}

#[test]
fn block_on_takes_a_future_that_borrows() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut x = 0;
    rt.block_on(async {
        x += 1;
        tokio::task::yield_now().await;
    });
    assert_eq!(x, 1);
}

#[tokio::test]
async fn a_panic_and_an_abort_are_join_errors() {
    let h = tokio::spawn(async { panic!("boom") });
    let e = h.await.unwrap_err();
    assert!(e.is_panic());
    assert_eq!(*e.into_panic().downcast::<&str>().unwrap(), "boom");
    let h = tokio::spawn(async { sleep(Duration::from_secs(10)).await });
    h.abort();
    assert!(h.await.unwrap_err().is_cancelled());
}

/// The futures of `select!` and `join!` are as large as tokio's (tokio's `macros_select`
/// and `macros_join` tests compare them): regression, they were 8 bytes larger (select!)
/// or smaller (join! of two).
#[test]
#[cfg(target_pointer_width = "64")]
fn select_and_join_futures_have_tokios_sizes() {
    use std::future::ready;
    use std::mem::size_of_val;

    let s1 = async {
        let r = ready(0i32);
        tokio::select! { _ = r => {} }
    };
    let s2 = async {
        let (r1, r2) = (ready(0i32), ready(0i32));
        tokio::select! { _ = r1 => {}, _ = r2 => {} }
    };
    let s3 = async {
        let (r1, r2, r3) = (ready(0i32), ready(0i32), ready(0i32));
        tokio::select! { _ = r1 => {}, _ = r2 => {}, _ = r3 => {} }
    };
    assert_eq!(
        [size_of_val(&s1), size_of_val(&s2), size_of_val(&s3)],
        [32, 40, 48]
    );
    let j1 = async {
        let r = ready(0i32);
        tokio::join!(r)
    };
    let j2 = async {
        let (r1, r2) = (ready(0i32), ready(0i32));
        tokio::join!(r1, r2)
    };
    assert_eq!([size_of_val(&j1), size_of_val(&j2)], [32, 48]);
}

/// Regression: `#[tokio::main]` without a flavor ran a current-thread runtime under the
/// simulation; tokio's default is multi-thread (rt_threaded `test_block_in_place4` blocks
/// in place there, which a current-thread runtime refuses).
#[tokio::main]
#[test]
async fn main_without_a_flavor_is_multi_thread() {
    assert_eq!(
        tokio::runtime::Handle::current().runtime_flavor(),
        tokio::runtime::RuntimeFlavor::MultiThread
    );
    tokio::task::block_in_place(|| {});
}

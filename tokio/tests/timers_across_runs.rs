//! Timers that live longer than one `block_on`, and timers of a runtime that shut down, on
//! tokio (built normally) and on the simulation (`--cfg simloop`): the same assertions hold
//! for both.

extern crate simloop_tokio as tokio;

use std::future::Future;
use std::task::{Context, Waker};
use std::time::Duration;

fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A sleep made under one runtime's paused clock, polled outside any run, then moved by
/// another runtime's run and awaited in the first one's (tokio's time_rt `tickspace`):
/// the paused clock stands still outside runs, and the sleep is armed again in the run
/// that awaits it. Before, `Instant::now` read the real clock outside runs, the first poll
/// panicked, and a sleep armed in an ended run never fired.
#[test]
fn a_sleep_armed_in_one_run_fires_in_the_next() {
    let first = paused();
    let other = paused();
    let _entered = first.enter();
    let mut sleep = std::pin::pin!(tokio::time::sleep(Duration::from_millis(1)));
    assert!(
        sleep
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    let deadline = sleep.deadline();
    other.block_on(async { sleep.as_mut().reset(deadline + Duration::from_millis(1)) });
    let start = tokio::time::Instant::now();
    first.block_on(sleep);
    assert_eq!(start.elapsed(), Duration::from_millis(2));
}

/// A sleep made before its runtime shuts down panics with tokio's message when it is
/// awaited after (tokio's rt_handle_block_on `sleep_before_shutdown_panics`); before, it
/// slept on the simulated clock as if the runtime were still there.
#[test]
#[should_panic(expected = "A Tokio 1.x context was found, but it is being shutdown.")]
fn a_sleep_awaited_after_its_runtime_shut_down_panics() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let _entered = rt.enter();
    let sleep = tokio::time::sleep(Duration::from_millis(100));
    rt.shutdown_timeout(Duration::from_secs(1000));
    tokio::runtime::Handle::current().block_on(sleep);
}

/// A sleep made (not polled) in one run and awaited in the runtime's next keeps tokio's
/// deadline: the next run's clock starts where the first left it, so the virtual target
/// computed when the sleep was made belongs to the first run only (pins the run check of
/// the sleep's target, which the timer layer keeps from `sleep` to its first poll).
#[test]
fn a_sleep_made_in_one_run_and_awaited_in_the_next_keeps_its_deadline() {
    let rt = paused();
    let (nap, start) = rt.block_on(async {
        let start = tokio::time::Instant::now();
        let nap = Box::pin(tokio::time::sleep(Duration::from_millis(10)));
        tokio::time::sleep(Duration::from_millis(4)).await;
        (nap, start)
    });
    let waited = rt.block_on(async {
        nap.await;
        start.elapsed()
    });
    assert_eq!(waited, Duration::from_millis(10));
}

/// A sleep first polled at or after its deadline is ready at that poll, without yielding
/// first (tokio's timer fires at once; simloop's own `sleep` would yield once).
#[test]
fn a_sleep_first_polled_after_its_deadline_is_ready_at_once() {
    paused().block_on(async {
        let mut nap = Box::pin(tokio::time::sleep(Duration::from_millis(1)));
        tokio::time::sleep(Duration::from_millis(2)).await;
        let first = nap.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert!(first.is_ready());
        assert!(nap.is_elapsed());
    });
}

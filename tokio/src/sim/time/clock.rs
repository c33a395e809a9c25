//! `pause`, `resume`, `advance`: tokio's test-util clock controls on the virtual clock.
//!
//! The simulated clock is always virtual; these keep tokio's rules (what panics when)
//! and `advance` moves the clock at once; a switch between a running and a frozen clock
//! takes a tick (`MODE_SWITCH`).

use std::time::Duration;

use crate::sim::context::{self, NO_RUNTIME};
use crate::sim::runtime::RuntimeFlavor;

/// The virtual time a switch between a running and a frozen clock takes, inside a run.
///
/// tokio's running clock is the wall clock, which moves between any two readings: `pause`
/// freezes it later than it was last read, and after `resume` the next reading is later
/// than the frozen one (tokio's `test_clock` checks both). The virtual clock stands still
/// while tasks run, so each switch moves it by a tick (the busy clock's, `busy::TICK`),
/// the same in every run.
const MODE_SWITCH: Duration = super::busy::TICK;

/// Marks the clock paused (it is virtual in any case).
///
/// # Panics
///
/// When already paused, on a multi-thread runtime, or outside a runtime (tokio's rules).
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     tokio::time::pause();
///     tokio::time::resume();
/// });
/// ```
#[track_caller]
pub fn pause() {
    let Some(handle) = context::current_handle() else {
        panic!("{NO_RUNTIME}");
    };
    if handle.runtime_flavor() != RuntimeFlavor::CurrentThread {
        panic!(
            "`time::pause()` requires the `current_thread` Tokio runtime. This is the default Runtime used by `#[tokio::test]."
        );
    }
    if handle.set_paused(true) {
        panic!("time is already frozen");
    }
    if handle.runs_here() {
        // The running clock froze later than anything read from it: see `MODE_SWITCH`.
        simloop::time::advance(MODE_SWITCH);
        super::busy_paused(true);
    }
}

/// Marks the clock running again.
///
/// # Panics
///
/// When not paused, or outside a runtime.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread()
///     .enable_time()
///     .start_paused(true)
///     .build()
///     .unwrap();
/// rt.block_on(async { tokio::time::resume() });
/// ```
#[track_caller]
pub fn resume() {
    let Some(handle) = context::current_handle() else {
        panic!("{NO_RUNTIME}");
    };
    if !handle.set_paused(false) {
        panic!("time is not frozen");
    }
    if handle.runs_here() {
        // The clock runs again: the next reading is later than the frozen one.
        simloop::time::advance(MODE_SWITCH);
        super::busy_paused(false);
    }
}

/// Moves the paused clock forward by `duration` at once, then yields so that the timers it
/// passed fire.
///
/// # Panics
///
/// When the clock is not paused, or outside a run.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, advance, sleep};
///
/// let rt = tokio::runtime::Builder::new_current_thread()
///     .enable_time()
///     .start_paused(true)
///     .build()
///     .unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let timer = tokio::spawn(async move {
///         sleep(Duration::from_secs(5)).await;
///         start.elapsed()
///     });
///     tokio::task::yield_now().await;
///     advance(Duration::from_secs(5)).await;
///     assert_eq!(timer.await.unwrap(), Duration::from_secs(5));
/// });
/// ```
pub async fn advance(duration: Duration) {
    let Some(handle) = context::current_handle() else {
        panic!("{NO_RUNTIME}");
    };
    if !handle.is_paused() {
        panic!("time is not frozen");
    }
    // Move to 1ns short of the target, then sleep the last nanosecond: the caller resumes
    // after the timers the advance passed have fired and the tasks they woke have run
    // (tokio's advance yields past a driver turn, which fires them first).
    match duration.checked_sub(Duration::from_nanos(1)) {
        Some(most) => {
            simloop::time::advance(most);
            simloop::sleep(Duration::from_nanos(1)).await;
        }
        None => crate::sim::task::yield_now().await,
    }
}

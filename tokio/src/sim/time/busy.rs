//! Real time passing while tasks keep the run busy, on a runtime whose clock is not paused.
//!
//! The virtual clock moves only when no task is ready. tokio's unpaused clock is the wall
//! clock, which moves while tasks run too: a task that keeps itself ready while it waits
//! for a timer (a future that wakes itself at each poll, a loop that spends tokio's budget
//! and yields) sees the timer fire under tokio, and would spin forever here. So on an
//! unpaused runtime, every [`POLLS_PER_TICK`]-th task poll in a row at one virtual instant
//! advances the clock by [`TICK`], as if each poll took a microsecond. Code that lets the
//! run go idle now and then (nearly all code) never reaches the count, and a paused clock
//! (`start_paused`, `time::pause`) never moves this way, as tokio's does not.
//!
//! The count is a function of the run's polls, so a run stays a function of its seed; it
//! starts afresh with each run ([`reset`]).

use std::cell::Cell;
use std::time::Duration;

use crate::sim::context;

/// Polls in a row at one instant that stand for [`TICK`] of real time.
pub(crate) const POLLS_PER_TICK: u32 = 1000;

/// The real time [`POLLS_PER_TICK`] polls stand for.
pub(crate) const TICK: Duration = Duration::from_millis(1);

thread_local! {
    /// Whether the run on this thread counts its polls (its clock is not paused).
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// The instant of the last poll (nanoseconds on the run's clock) and how many polls in
    /// a row happened at it.
    static BUSY: Cell<(u64, u32)> = const { Cell::new((0, 0)) };
}

/// Starts the count afresh (a new run, whose clock is `paused` or not).
pub(crate) fn reset(paused: bool) {
    let _ = BUSY.try_with(|b| b.set((0, 0)));
    set_paused(paused);
}

/// The run's clock was paused or resumed (`time::pause`, `time::resume`).
pub(crate) fn set_paused(paused: bool) {
    let _ = COUNTING.try_with(|c| c.set(!paused));
}

/// Counts a task poll; the [`POLLS_PER_TICK`]-th in a row at one instant of an unpaused
/// runtime advances the clock by [`TICK`]. A run with a paused clock pays one flag read.
#[inline]
pub(crate) fn poll() {
    if COUNTING.try_with(Cell::get) != Ok(true) {
        return;
    }
    let Some(now) = simloop::time::try_now() else {
        return;
    };
    let now = now.as_nanos();
    let _ = BUSY.try_with(|b| {
        let (at, polls) = b.get();
        if at != now {
            b.set((now, 1));
        } else if polls + 1 < POLLS_PER_TICK {
            b.set((at, polls + 1));
        } else {
            b.set((at, 0));
            if context::with_run(|r| r.handle.is_paused()) == Some(false) {
                simloop::time::advance(TICK);
            }
        }
    });
}

//! Buffers kept from one run for the next on the same thread.
//!
//! Exploring schedules means thousands of short runs; allocating the task table, the ready
//! queue and the timer structures afresh each time cost more than running a tiny program.
//! A finished run's buffers are emptied (their contents dropped) and parked here; the next
//! run on the thread starts with their capacity. Nothing observable carries over: every
//! buffer is empty, and sequence numbers and positions restart.

use std::cell::RefCell;

use super::awaiters::Awaiters;
use super::timers::Timers;
use super::{Core, ReadyQueue, TaskSlot, WaitOn};

/// The decision log is moved out into the run's token, so it cannot be reused; its length
/// sizes the next run's log, up to this many entries.
const DECISIONS_HINT_MAX: usize = 4096;

#[derive(Default)]
pub(crate) struct Spare {
    pub(crate) tasks: Vec<TaskSlot>,
    pub(crate) ready: ReadyQueue,
    pub(crate) timers: Timers,
    pub(crate) hops: Vec<Option<super::Hop>>,
    pub(crate) free_hops: Vec<u32>,
    pub(crate) awaiters: Awaiters,
    pub(crate) wait_lists: Vec<Vec<WaitOn>>,
    pub(crate) free_wait_lists: Vec<u32>,
    pub(crate) decisions_hint: usize,
}

thread_local! {
    static SPARE: RefCell<Option<Spare>> = const { RefCell::new(None) };
}

/// Takes the parked buffers, or fresh ones.
pub(crate) fn take() -> Spare {
    SPARE
        .try_with(|s| s.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Empties a finished run's buffers and parks them for the next run. Dropping the tasks
/// and timers may drop foreign wakers: the core is owned here, not installed, so that is
/// safe.
pub(crate) fn recycle(core: &mut Core) {
    let mut spare = Spare {
        tasks: std::mem::take(&mut core.tasks),
        ready: std::mem::take(&mut core.ready),
        timers: std::mem::take(&mut core.timers),
        hops: std::mem::take(&mut core.hops),
        free_hops: std::mem::take(&mut core.free_hops),
        awaiters: std::mem::take(&mut core.awaiters),
        wait_lists: std::mem::take(&mut core.wait_lists),
        free_wait_lists: std::mem::take(&mut core.free_wait_lists),
        decisions_hint: core.stats.decisions.min(DECISIONS_HINT_MAX as u64) as usize,
    };
    spare.tasks.clear();
    spare.ready.clear();
    spare.timers.clear();
    spare.hops.clear();
    spare.free_hops.clear();
    spare.awaiters.clear();
    // Every list is emptied and free, so the next run reuses their capacity.
    for list in &mut spare.wait_lists {
        list.clear();
    }
    spare.free_wait_lists.clear();
    spare.free_wait_lists
        .extend((0..spare.wait_lists.len() as u32).rev());
    let _ = SPARE.try_with(|s| *s.borrow_mut() = Some(spare));
}

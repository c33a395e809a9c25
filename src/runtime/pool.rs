//! The core kept from one run for the next on the same thread.
//!
//! Exploring schedules means thousands of short runs; allocating the task table, the ready
//! queue and the timer structures afresh each time cost more than running a tiny program,
//! and so did moving the core (a few kilobytes) in and out of its thread-local slot. A
//! finished run's core is emptied in place (its contents dropped) and parked here, boxed;
//! the next run on the thread takes it and starts with every buffer's capacity. Nothing
//! observable carries over: every buffer is empty, and numbering restarts.

use std::cell::RefCell;

use super::Core;

/// The decision log is moved out into the run's token, so it cannot be reused; its length
/// sizes the next run's log, up to this many entries.
pub(crate) const DECISIONS_HINT_MAX: usize = 4096;

thread_local! {
    static SPARE: RefCell<Option<Box<Core>>> = const { RefCell::new(None) };
}

/// Takes the parked core, if this thread has one.
pub(crate) fn take() -> Option<Box<Core>> {
    SPARE.try_with(|s| s.borrow_mut().take()).ok().flatten()
}

/// Empties a finished run's core and parks it for the next run. Dropping the tasks and
/// timers may drop foreign wakers: the core is owned here, not installed, so that is safe.
pub(crate) fn recycle(mut core: Box<Core>) {
    core.clear();
    let _ = SPARE.try_with(|s| *s.borrow_mut() = Some(core));
}

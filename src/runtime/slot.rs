//! One task's record in the task table, kept to one cache line.
//!
//! Under the random policy tasks are visited in random memory order, so the size of a slot is
//! what every poll pays for (W1 went from 1.0x to 1.4x tokio's throughput when the slot
//! shrank from 200 to 128 bytes, and the 64-byte slot is faster again). What the hot path
//! does not read lives in side tables of the core: names, messages, waiters past the list
//! head, waits past the first.

use std::panic::Location;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Waker;

use super::prefetch::prefetch;
use super::waker::{TaskWaker, is_made_from};
use super::{ErasedTask, TaskId, WaitOn};

/// Everything the runtime keeps per task on the hot path.
pub(crate) struct TaskSlot {
    /// The future (or its output once done). `None` while the engine polls it, and after the
    /// output was taken or dropped.
    pub(crate) cell: Option<Pin<Box<dyn ErasedTask>>>,
    /// The task's own waker (its cell polls with a `Waker` made from it): wakes through it
    /// need no storage and no reference counting ([`TaskSlot::owns`]). Moved to the pool of
    /// retired wakers when the task ends.
    pub(crate) waker: Option<Arc<TaskWaker>>,
    /// The first thing the task waits on since its last poll (for deadlock reports and
    /// cancellation forwarding); more go to the core's wait lists.
    pub(crate) wait: Option<WaitOn>,
    /// Head of the task's list in the core's waiter arena (`Awaiters`), `NONE` when empty.
    pub(crate) waiters: u32,
    /// The task's list in the core's wait lists, `NONE` when it never needed one.
    pub(crate) more_waits: u32,
    /// Where the task was spawned (the caller of `spawn`, through `#[track_caller]`), for
    /// deadlock reports; `None` for the main task. Never part of a token or fingerprint.
    /// One word, within the slot's cache line.
    pub(crate) spawned_at: Option<&'static Location<'static>>,
    /// The number of the task in the slot ([`TaskId::get`]), `FREE_SLOT` once the slot is
    /// released: an id names its slot, and is the slot's task only while this matches
    /// (`Core::slot_index`).
    pub(crate) task: u32,
    /// `QUEUED`, `DETACHED`, `CANCEL`, `SLEEPING`, `ABANDONING` and the end state
    /// (`END_MASK`).
    pub(crate) state: u8,
}

/// [`TaskSlot::task`] of a released slot (no task is number 0).
pub(crate) const FREE_SLOT: u32 = 0;

/// "No list" for [`TaskSlot::waiters`] and [`TaskSlot::more_waits`].
pub(crate) const NONE: u32 = u32::MAX;

/// The task is in the ready queue (**invariant: set exactly when an `Entry::Poll` for the
/// task is in the ready queue**, so a task is never queued twice; a queued task keeps its
/// slot, so a queued entry's slot index always names its task).
pub(crate) const QUEUED: u8 = 1 << 2;
/// The join handle was dropped: nobody will take the output.
pub(crate) const DETACHED: u8 = 1 << 3;
/// A cancellation was requested and is delivered at the task's next turn (its message, if
/// any, is in `Core::messages`).
pub(crate) const CANCEL: u8 = 1 << 4;

/// The task sleeps since its last poll (a `Sleep` armed its timer). Kept as a bit rather than
/// a wait: a sleeping task never shows in a deadlock report (its timer keeps the run going),
/// and cancellation forwarding only needs to know that it awaits more than tasks.
pub(crate) const SLEEPING: u8 = 1 << 5;

/// A timeout of the task was delivered since its last poll: at its turn the task abandons
/// what it waits on. Primitives treat its waits as cancelled, as asyncio's timeout callback
/// cancels the waited future at once (`Task.cancel()`); cleared when the task is polled.
pub(crate) const ABANDONING: u8 = 1 << 6;

/// Spawned by [`super::keep::spawn_keepable`]: alive and not cancelled when its run ends,
/// the task is kept for a later run rather than cancelled.
pub(crate) const KEEP: u8 = 1 << 7;

/// The two low bits: how the task ended, 0 while it has not.
pub(crate) const END_MASK: u8 = 0b11;
pub(crate) const END_RETURNED: u8 = 1;
pub(crate) const END_PANICKED: u8 = 2;
pub(crate) const END_CANCELLED: u8 = 3;

impl TaskSlot {
    /// The slot of task `id`, queued (a spawn queues its first step).
    pub(crate) fn new(
        id: TaskId,
        cell: Pin<Box<dyn ErasedTask>>,
        waker: Arc<TaskWaker>,
        spawned_at: Option<&'static Location<'static>>,
    ) -> TaskSlot {
        TaskSlot {
            spawned_at,
            task: id.get(),
            cell: Some(cell),
            waker: Some(waker),
            wait: None,
            waiters: NONE,
            more_waits: NONE,
            state: QUEUED,
        }
    }

    /// Prefetches the slot's lines ([`super::prefetch`]): the task table's allocation is not
    /// aligned to cache lines, so a slot may straddle two: its first byte and its state
    /// (the last field in memory) name both.
    #[inline]
    pub(crate) fn prefetch(&self) {
        prefetch(self);
        prefetch(&self.state);
    }

    /// Whether `waker` is this task's own waker, which the core can act on directly.
    #[inline]
    pub(crate) fn owns(&self, waker: &Waker) -> bool {
        self.waker
            .as_ref()
            .is_some_and(|own| is_made_from(waker, own))
    }

    /// Whether the task registered a wait since its last poll (`Core::clear_waits_at`).
    #[inline]
    pub(crate) fn has_waits(&self) -> bool {
        self.wait.is_some() || self.more_waits != NONE
    }

    /// Whether the task has ended (returned, panicked or was cancelled).
    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.state & END_MASK != 0
    }

    #[inline]
    pub(crate) fn is(&self, flag: u8) -> bool {
        self.state & flag != 0
    }

    #[inline]
    pub(crate) fn set(&mut self, flag: u8) {
        self.state |= flag;
    }

    #[inline]
    pub(crate) fn unset(&mut self, flag: u8) {
        self.state &= !flag;
    }
}

#[cfg(test)]
mod tests {
    /// The task table is the hot path's largest memory traffic: a slot stays within one cache
    /// line. Grow it only with a benchmark that says it is worth it.
    #[test]
    fn a_task_slot_fits_one_cache_line() {
        assert!(std::mem::size_of::<super::TaskSlot>() <= 64);
        assert_eq!(std::mem::size_of::<Option<super::WaitOn>>(), 16);
    }
}

//! The ready queue: what can run next (asyncio's FIFO order for the FIFO policy; a pool
//! whose index 0 is the oldest entry for the others: `ready_queue.rs`).

use super::ReadyQueue;

use super::TaskId;

/// One entry of the ready queue: 12 bytes (a pool slot with its arrival place is 16), copied
/// freely.
///
/// asyncio's ready queue holds callbacks; a task step is one kind of callback. simloop keeps
/// the kinds that matter for ordering: polling a task, and waking a waker one slot later (a
/// fired timer's callback, or the extra hop of gather, wait and shield). A wake-up hop of a
/// task's own waker names the task; any other waker waits in the core's hop table
/// ([`super::Core::park`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Poll this task (or deliver its pending cancellation).
    Poll(TaskId),
    /// Wake this task through its own waker: queue its step unless it is queued already.
    Hop(TaskId),
    /// Run what is parked at this index of the core's hop table: a foreign waker's wake, a
    /// combinator's done-callback, or a callback that runs user code (`call_soon`,
    /// `call_later`, a user's done-callback), which is a step of the task that registered
    /// it (`Core::hop_steps`, read through [`ReadyView::step_of`]).
    Wake(u32),
    /// Deliver the fired cancel timer at slab index `index` (a `Timeout`'s deadline:
    /// asyncio's timeout callback), which cancels what the timeout bounds (`Core::expire`).
    /// `task` is the number ([`TaskId::get`]) of the task that awaits the timeout, whose
    /// cancel timer it is: the expiry is a step on its behalf, which PCT places by that
    /// task's priority (`schedule/pct/`). Carried here so that a strategy needs no look-up
    /// in the timer slab; the entry stays 12 bytes.
    Timer { index: u32, task: u32 },
    /// The main task finished one slot ago: end the run (asyncio's `loop.stop()` callback).
    Stop,
}

/// A read-only view of the ready queue, given to scheduling strategies. Index 0 is the
/// oldest entry; picking it every time is asyncio's FIFO order. The other indexes are
/// slots of the ready pool (`ready_queue.rs`): new entries come last, and a picked entry's
/// index goes to the last one.
pub(crate) struct ReadyView<'a> {
    pub(crate) queue: &'a ReadyQueue,
    /// The core's `hop_steps`: for each index of the hop table, the number of the task
    /// whose step the parked callback is, 0 for a pure hop.
    pub(crate) hop_steps: &'a [u32],
}

impl ReadyView<'_> {
    /// How many entries are ready.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Entry `i` itself (its identity: what it runs, on behalf of which task).
    pub(crate) fn entry(&self, i: usize) -> Option<Entry> {
        self.queue.get(i).copied()
    }

    /// The task entry `i` is a step of: the polled task, the task whose timeout expires
    /// (`Entry::Timer`), the task that registered a callback that runs user code
    /// (`Entry::Wake` of a `call_soon`, `call_later` or user's done-callback), or the main
    /// task for the end of the run; `None` for a pure wake-up hop (`Entry::Hop`, or an
    /// `Entry::Wake` of a foreign waker or a combinator's done-callback), which only queues
    /// a task's step and is no task's step itself.
    #[inline]
    pub(crate) fn step_of(&self, i: usize) -> Option<TaskId> {
        match *self.queue.get(i)? {
            Entry::Poll(id) => Some(id),
            Entry::Timer { task, .. } => Some(TaskId::from_raw(task)),
            Entry::Stop => Some(TaskId::from_index(0)),
            Entry::Wake(k) => match self.hop_steps.get(k as usize) {
                Some(&task) if task != 0 => Some(TaskId::from_raw(task)),
                _ => None,
            },
            Entry::Hop(_) => None,
        }
    }

    /// How many entries were pushed since the run began. Entries leave only by a pick or,
    /// when a single one is ready, by being taken without asking the strategy, so the
    /// queue holds the last `len()` entries pushed whenever it emptied since a strategy's
    /// previous pick, and otherwise what was left then plus what arrived since, which are
    /// its last indexes, in push order.
    pub(crate) fn pushed(&self) -> u64 {
        self.queue.pushed()
    }

    /// The index of the entry pushed as number `push` (the [`ReadyView::pushed`] count before
    /// it), if it is still queued; `hint` is where it may be (it is checked first).
    pub(crate) fn index_of_push(&self, push: u64, hint: usize) -> Option<usize> {
        self.queue.index_of_push(push, hint)
    }
}

#[cfg(test)]
mod tests {
    /// An entry, an expiry's with its task's number too, stays 12 bytes: with its arrival
    /// place a pool slot is 16 (`ready_queue.rs`), four to a cache line.
    #[test]
    fn an_entry_is_twelve_bytes() {
        assert_eq!(std::mem::size_of::<super::Entry>(), 12);
    }
}

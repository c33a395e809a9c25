//! The ready queue: what can run next (asyncio's FIFO order for the FIFO policy; a pool
//! whose index 0 is the oldest entry for the others: `ready_queue.rs`).

use super::ReadyQueue;

use super::TaskId;

/// One entry of the ready queue: 8 bytes, copied freely.
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
    /// Wake the foreign waker parked at this index of the core's hop table.
    Wake(u32),
    /// Deliver the fired cancel timer at this slab index (a `Timeout`'s deadline: asyncio's
    /// timeout callback), which cancels what the timeout bounds (`Core::expire`).
    Timer(u32),
    /// The main task finished one slot ago: end the run (asyncio's `loop.stop()` callback).
    Stop,
}

/// A read-only view of the ready queue, given to scheduling strategies. Index 0 is the
/// oldest entry; picking it every time is asyncio's FIFO order. The other indexes are
/// slots of the ready pool (`ready_queue.rs`): new entries come last, and a picked entry's
/// index goes to the last one.
pub(crate) struct ReadyView<'a> {
    pub(crate) queue: &'a ReadyQueue,
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

    /// The task entry `i` polls, or `None` for a wake-up hop or the end of the run.
    pub(crate) fn polls(&self, i: usize) -> Option<TaskId> {
        match self.queue.get(i)? {
            Entry::Poll(id) => Some(*id),
            Entry::Hop(_) | Entry::Wake(_) | Entry::Timer(_) | Entry::Stop => None,
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

    /// Whether entry `i` is a wake-up hop (a fired timer's callback or a combinator's extra
    /// hop), which runs no task code of its own.
    pub(crate) fn is_hop(&self, i: usize) -> bool {
        matches!(
            self.queue.get(i),
            Some(Entry::Hop(_) | Entry::Wake(_) | Entry::Timer(_))
        )
    }
}

//! The private FIFO waiter list every primitive is built on.
//!
//! A [`Waiters`] list holds one entry per pending wait, in the order the waits began. An entry
//! is *waiting* until a primitive *notifies* it; the notified entry stays in the list until
//! its future runs and removes it (asyncio keeps a woken waiter's future in `_waiters` until
//! the waiting coroutine resumes, which is what makes `Semaphore.locked()` and "a newcomer
//! queues behind the woken waiter" work). A future dropped while waiting removes its entry; a
//! future dropped after being notified removes it too and tells its primitive, which passes
//! on what it was handed (a permit, a lock, a queue item's wake-up).
//!
//! Waking goes through `Core::wake`: one ready-queue slot, like resolving an asyncio Future.
//!
//! Entries of tasks whose cancellation is pending are skipped by `notify`: in asyncio,
//! `Task.cancel()` cancels the future the task waits on at once, so it is `done()` and the
//! primitive's wake-up loop passes over it. In simloop the future is only dropped at the
//! task's turn, so the engine asks the core instead. A delivered timeout counts the same
//! way: asyncio's timeout callback is a `Task.cancel()`.

use std::collections::VecDeque;
use std::task::Waker;

use crate::runtime::{Core, try_with};
use crate::task::TaskId;

/// Identifies one wait in a [`Waiters`] list; tickets grow with each wait, so their order is
/// registration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ticket(u64);

/// Where a wait stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Still waiting to be notified.
    Waiting,
    /// Notified: the primitive handed this waiter what it waited for (or a hint to retry).
    Notified,
    /// Not in the list (removed, or left over from another run).
    Gone,
}

/// A FIFO of waiting tasks.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    entries: VecDeque<Entry>,
    next: u64,
}

#[derive(Debug)]
struct Entry {
    ticket: Ticket,
    task: TaskId,
    /// The run the task belongs to: an entry left over from another run is never woken.
    run: u64,
    /// `None` when it is `task`'s own waker (no reference counting).
    waker: Option<Waker>,
    notified: bool,
}

impl Entry {
    /// Wakes the waiting task (one slot, like resolving an asyncio Future).
    #[inline]
    fn wake(&self, core: &mut Core) {
        match &self.waker {
            None => core.wake_task(self.task),
            Some(w) => core.wake(self.task, w),
        }
    }
}

impl Waiters {
    /// An empty list.
    pub(crate) const fn new() -> Waiters {
        Waiters {
            entries: VecDeque::new(),
            next: 0,
        }
    }

    /// Reserves a ticket without adding a waiter, so other registrations (a Future's done
    /// callbacks) can be ordered among the waits.
    pub(crate) fn reserve(&mut self) -> Ticket {
        self.next += 1;
        Ticket(self.next)
    }

    /// Adds the running task at the back of the list.
    pub(crate) fn push(&mut self, core: &Core, waker: &Waker) -> Ticket {
        let ticket = self.reserve();
        let task = core.current();
        self.entries.push_back(Entry {
            ticket,
            task,
            run: core.run_id,
            waker: core.foreign(task, waker),
            notified: false,
        });
        ticket
    }

    /// The status of `ticket`, refreshing its waker while it waits.
    pub(crate) fn poll(&mut self, core: &Core, ticket: Ticket, waker: &Waker) -> Status {
        match self.entries.iter_mut().find(|e| e.ticket == ticket) {
            None => Status::Gone,
            Some(e) if e.notified => Status::Notified,
            Some(e) => {
                let same = match &e.waker {
                    Some(w) => w.will_wake(waker),
                    None => core.owns(e.task, waker),
                };
                if !same {
                    e.waker = core.foreign(e.task, waker);
                }
                Status::Waiting
            }
        }
    }

    /// Removes `ticket`, returning where it stood.
    pub(crate) fn remove(&mut self, ticket: Ticket) -> Status {
        match self.entries.iter().position(|e| e.ticket == ticket) {
            None => Status::Gone,
            Some(i) => {
                let e = self.entries.remove(i).expect("index in range");
                if e.notified {
                    Status::Notified
                } else {
                    Status::Waiting
                }
            }
        }
    }

    /// Notifies up to `n` waiting entries, oldest first, skipping tasks being cancelled;
    /// returns how many were notified. Each costs one ready-queue slot.
    pub(crate) fn notify(&mut self, core: &mut Core, n: usize) -> usize {
        let mut done = 0;
        for e in self.entries.iter_mut() {
            if done == n {
                break;
            }
            if e.notified || e.run != core.run_id || cancelling(core, e.task) {
                continue;
            }
            e.notified = true;
            e.wake(core);
            done += 1;
        }
        done
    }

    /// Notifies the first entry if it is waiting and its task is not being cancelled;
    /// returns whether it did. asyncio's `Lock._wake_up_first`, which looks at the first
    /// waiter only and leaves a cancelled one to wake the next at its own turn.
    pub(crate) fn notify_first(&mut self, core: &mut Core) -> bool {
        match self.entries.front_mut() {
            Some(e) if !e.notified && e.run == core.run_id && !cancelling(core, e.task) => {
                e.notified = true;
                e.wake(core);
                true
            }
            _ => false,
        }
    }

    /// Notifies every waiting entry in wait order, calling `before(ticket, core)` ahead of
    /// each so the caller can interleave other registrations by ticket order.
    pub(crate) fn notify_all_with(
        &mut self,
        core: &mut Core,
        mut before: impl FnMut(Ticket, &mut Core),
    ) -> usize {
        let mut done = 0;
        for e in self.entries.iter_mut() {
            if e.notified || e.run != core.run_id {
                continue;
            }
            before(e.ticket, core);
            e.notified = true;
            e.wake(core);
            done += 1;
        }
        done
    }

    /// Notifies every waiting entry in wait order.
    pub(crate) fn notify_all(&mut self, core: &mut Core) -> usize {
        self.notify_all_with(core, |_, _| {})
    }

    /// Whether some entry still counts as a claim on the primitive: notified, or waiting for
    /// a task that is not being cancelled (asyncio: a waiter future that is not cancelled).
    pub(crate) fn has_claim(&self, core: Option<&Core>) -> bool {
        self.entries
            .iter()
            .any(|e| e.notified || core.is_none_or(|c| c.run_id != e.run || !cancelling(c, e.task)))
    }

    /// Whether the list is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Whether `task` has a cancellation pending (its future will be dropped at its turn) or a
/// delivered timeout (the wait will be dropped at its turn).
fn cancelling(core: &Core, task: TaskId) -> bool {
    core.abandoning(task)
}

/// Runs `f` with the running simulation's core, or with `None` outside a run (where no task
/// can be waiting, so nothing needs waking).
pub(crate) fn with_core<R>(f: impl FnOnce(Option<&mut Core>) -> R) -> R {
    let mut f = Some(f);
    match try_with(|c| (f.take().expect("called once"))(Some(c))) {
        Some(r) => r,
        None => (f.take().expect("not called yet"))(None),
    }
}

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
//!
//! **Cost.** The list is a doubly linked list threaded through a slab (links are slab
//! indexes), so pushing, polling and removing a wait are O(1) whatever its position: a
//! wait removed from the middle (a cancellation, a timeout) costs the same as one at the
//! front. A [`Ticket`] names its slab entry and carries the wait's sequence number, which
//! both orders tickets and tells a reused entry from the one the ticket was issued for.
//! Freed entries are reused (last freed first), so the slab holds at most as many entries
//! as waits were pending at once.

use std::task::Waker;

use crate::runtime::{Core, try_with};
use crate::task::TaskId;

/// Identifies one wait in a [`Waiters`] list. Tickets are ordered by their sequence number,
/// which grows with each wait, so their order is registration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ticket {
    /// Unique in its list (never 0 for a wait); compared first, so it alone orders tickets.
    seq: u64,
    /// The slab entry of the wait (`NIL` for a ticket reserved without a wait).
    index: u32,
}

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

/// "No entry": the end of the list, or a ticket without a wait.
const NIL: u32 = u32::MAX;

/// A FIFO of waiting tasks.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    /// Entries by index; a free entry has `seq == 0` and is listed in `free`.
    slab: Vec<Entry>,
    free: Vec<u32>,
    /// The oldest and the newest wait (`NIL` when empty).
    head: u32,
    tail: u32,
    len: usize,
    /// The last sequence number handed out.
    next: u64,
}

#[derive(Debug)]
struct Entry {
    /// The wait's sequence number; 0 when the entry is free.
    seq: u64,
    task: TaskId,
    /// The run the task belongs to: an entry left over from another run is never woken.
    run: u64,
    /// `None` when it is `task`'s own waker (no reference counting).
    waker: Option<Waker>,
    notified: bool,
    /// The neighbours in wait order (`NIL` at the ends).
    prev: u32,
    next: u32,
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
            slab: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            len: 0,
            next: 0,
        }
    }

    /// Reserves a ticket without adding a waiter, so other registrations (a Future's done
    /// callbacks) can be ordered among the waits.
    pub(crate) fn reserve(&mut self) -> Ticket {
        self.next += 1;
        Ticket {
            seq: self.next,
            index: NIL,
        }
    }

    /// Adds the running task at the back of the list.
    pub(crate) fn push(&mut self, core: &Core, waker: &Waker) -> Ticket {
        let seq = self.reserve().seq;
        let task = core.current();
        let entry = Entry {
            seq,
            task,
            run: core.run_id(),
            waker: core.foreign_to_running(waker),
            notified: false,
            prev: self.tail,
            next: NIL,
        };
        let index = match self.free.pop() {
            Some(i) => {
                self.slab[i as usize] = entry;
                i
            }
            None => {
                self.slab.push(entry);
                u32::try_from(self.slab.len() - 1).expect("fewer than 2^32 pending waits")
            }
        };
        match self.tail {
            NIL => self.head = index,
            t => self.slab[t as usize].next = index,
        }
        self.tail = index;
        self.len += 1;
        Ticket { seq, index }
    }

    /// The entry `ticket` names, if it is still in the list.
    #[inline]
    fn entry_mut(&mut self, ticket: Ticket) -> Option<&mut Entry> {
        self.slab
            .get_mut(ticket.index as usize)
            .filter(|e| e.seq == ticket.seq)
    }

    /// The status of `ticket`, refreshing its waker while it waits.
    pub(crate) fn poll(&mut self, core: &Core, ticket: Ticket, waker: &Waker) -> Status {
        match self.entry_mut(ticket) {
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
        let Some(e) = self.entry_mut(ticket) else {
            return Status::Gone;
        };
        e.seq = 0;
        let (prev, next, notified) = (e.prev, e.next, e.notified);
        // A waker clone is dropped here, as `VecDeque::remove` dropped it: the primitives
        // call `remove` outside the core borrow.
        e.waker = None;
        match prev {
            NIL => self.head = next,
            p => self.slab[p as usize].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.slab[n as usize].prev = prev,
        }
        self.len -= 1;
        if self.len == 0 {
            // Nothing is pending: forget the slab's layout (its capacity stays).
            self.slab.clear();
            self.free.clear();
        } else {
            self.free.push(ticket.index);
        }
        if notified {
            Status::Notified
        } else {
            Status::Waiting
        }
    }

    /// The entries' indexes in wait order.
    fn indexes(&self) -> impl Iterator<Item = u32> + '_ {
        let mut at = self.head;
        std::iter::from_fn(move || {
            (at != NIL).then(|| {
                let i = at;
                at = self.slab[i as usize].next;
                i
            })
        })
    }

    /// Notifies up to `n` waiting entries, oldest first, skipping tasks being cancelled;
    /// returns how many were notified. Each costs one ready-queue slot.
    #[inline]
    pub(crate) fn notify(&mut self, core: &mut Core, n: usize) -> usize {
        // Most notifications find nobody waiting (a queue's put or get with no getter or
        // putter blocked): answered inline, without the call.
        if self.head == NIL {
            return 0;
        }
        self.notify_waiting(core, n)
    }

    /// [`Waiters::notify`] of a list with a wait in it.
    #[inline(never)]
    fn notify_waiting(&mut self, core: &mut Core, n: usize) -> usize {
        let mut done = 0;
        let mut at = self.head;
        while at != NIL && done < n {
            let e = &mut self.slab[at as usize];
            at = e.next;
            if e.notified || e.run != core.run_id() || cancelling(core, e.task) {
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
        if self.head == NIL {
            return false;
        }
        let e = &mut self.slab[self.head as usize];
        if e.notified || e.run != core.run_id() || cancelling(core, e.task) {
            return false;
        }
        e.notified = true;
        e.wake(core);
        true
    }

    /// Notifies every waiting entry in wait order, calling `before(ticket, core)` ahead of
    /// each so the caller can interleave other registrations by ticket order.
    pub(crate) fn notify_all_with(
        &mut self,
        core: &mut Core,
        mut before: impl FnMut(Ticket, &mut Core),
    ) -> usize {
        let mut done = 0;
        let mut at = self.head;
        while at != NIL {
            let index = at;
            let e = &mut self.slab[index as usize];
            at = e.next;
            if e.notified || e.run != core.run_id() {
                continue;
            }
            before(Ticket { seq: e.seq, index }, core);
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
        self.indexes().any(|i| {
            let e = &self.slab[i as usize];
            e.notified || core.is_none_or(|c| c.run_id() != e.run || !cancelling(c, e.task))
        })
    }

    /// Whether the list is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
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

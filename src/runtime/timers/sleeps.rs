//! Sleeps that need no slab entry: a task's sleep on its own waker, the common timer.
//!
//! Firing a slab timer reads its 32-byte entry (task, waker, state) at a random place, and
//! the sleep's next poll reads it again to learn that it fired: in a run of a million
//! sleeping tasks each is a cache miss (together about an eighth of the time). A sleep
//! armed on its task's own waker (`Core::arm_sleep`, without timer jitter) keeps
//! everything the firing needs in its queued deadline instead: the task's index in
//! `Queued::index`, and [`OWN`] with the arming's sequence number in
//! `Queued::generation` (a slab generation never has [`OWN`]). Its key is that pair.
//!
//! - **Fired or not** needs no memory either: deadlines leave the queues in `(deadline,
//!   arming order)` order and every due one leaves at each pass's start
//!   ([`Timers::fire_due`] drains them), so an own sleep armed for a deadline after
//!   `fired_through` (the clock at the last firing, which a sleep's deadline always is:
//!   a sleep arms only a deadline after the clock) has fired exactly when its deadline is
//!   at or before `fired_through`.
//! - **Cancelling** one that has not fired marks its sequence number in `cancelled` (a
//!   sparse bitmap, `marks.rs`; asked only while it holds a mark, and the mark forgotten
//!   as the stale entry surfaces) and counts it stale in its bucket like a slab timer's.
//! - **A foreign waker** given later (`Core::set_timer_waker`, the future polled in another
//!   context) waits in `foreign` by sequence number and is handed to the engine at firing.
//!
//! Sequence numbers take 31 bits; a run that armed 2^31 own sleeps arms the rest in the
//! slab, so a number is never used twice in a run.

use std::task::Waker;

use super::radix::bucket;
use super::{Fired, Queued, TimerKey, Timers};
use crate::runtime::TaskId;

/// Marks an own sleep's key and queued deadline (slab generations take 29 bits).
pub(super) const OWN: u32 = 1 << 31;

impl TimerKey {
    /// Whether the key names an own sleep (no slab entry).
    #[inline]
    pub(super) fn is_own(self) -> bool {
        self.generation & OWN != 0
    }
}

impl Queued {
    /// Whether the queued deadline is an own sleep's.
    #[inline]
    pub(super) fn is_own(&self) -> bool {
        self.generation & OWN != 0
    }
}

impl Timers {
    /// Arms a sleep until `deadline` (after the clock, which is at or after every firing)
    /// for `task` on its own waker, with no slab entry; `None` once the run used up the
    /// sequence numbers (the caller then arms a slab timer).
    #[inline]
    pub(crate) fn arm_own(&mut self, deadline: u64, task: TaskId) -> Option<TimerKey> {
        if self.own_armed == OWN {
            return None;
        }
        debug_assert!(deadline > self.fired_through && deadline >= self.last);
        let key = TimerKey {
            index: task.index() as u32,
            generation: OWN | self.own_armed,
        };
        self.own_armed += 1;
        self.enqueue(Queued {
            deadline,
            index: key.index,
            generation: key.generation,
        });
        Some(key)
    }

    /// Whether the sleep `key` armed for `deadline` fired (for a slab timer: whether it is no
    /// longer armed).
    #[inline]
    pub(crate) fn sleep_fired(&self, key: TimerKey, deadline: u64) -> bool {
        if key.is_own() {
            deadline <= self.fired_through
        } else {
            !self.is_armed(key)
        }
    }

    /// Disarms the sleep `key` armed for `deadline` (nothing once it fired); returns the
    /// foreign waker it held.
    pub(crate) fn cancel_sleep(&mut self, key: TimerKey, deadline: u64) -> Option<Waker> {
        if !key.is_own() {
            return self.cancel(key);
        }
        if deadline <= self.fired_through {
            return None;
        }
        let seq = key.generation & !OWN;
        let waker = if self.foreign.is_empty() {
            None
        } else {
            self.foreign.remove(&seq)
        };
        if self.queued == 0 {
            // Its entry is in `few`, which keeps no stale entries.
            if let Some(at) = self.few.iter().position(|q| q.generation == key.generation) {
                self.few.remove(at);
            }
            return waker;
        }
        if !self.cancelled.insert(seq) {
            return waker;
        }
        self.stale += 1;
        let b = bucket(deadline, self.last);
        if b > 0 {
            self.has_stale.insert(b);
            if self.bucket_min[b] == deadline {
                self.min_stale.insert(b);
            }
        }
        if self.stale > 64 && self.stale * 2 > self.queued {
            self.purge();
        }
        waker
    }

    /// Gives the own sleep `key` a waker: `own` says it is its task's own (the default).
    pub(super) fn set_own_waker(&mut self, key: TimerKey, waker: &Waker, own: bool) {
        let seq = key.generation & !OWN;
        if own {
            if !self.foreign.is_empty() {
                self.foreign.remove(&seq);
            }
        } else if self.foreign.get(&seq).is_none_or(|w| !w.will_wake(waker)) {
            self.foreign.insert(seq, waker.clone());
        }
    }

    /// Whether the queued own sleep `q` is live (not cancelled).
    #[inline]
    pub(super) fn own_live(&self, q: &Queued) -> bool {
        self.cancelled.is_empty() || !self.cancelled.contains(q.generation & !OWN)
    }

    /// Forgets the cancellation of `q`, a stale own sleep leaving the queue.
    #[inline]
    pub(super) fn forget_stale(&mut self, q: &Queued) {
        if q.is_own() {
            self.cancelled.remove(q.generation & !OWN);
        }
    }

    /// A due own sleep leaves the queue: its task and the foreign waker it was given, if any.
    #[inline]
    pub(super) fn take_own(&mut self, q: &Queued) -> Fired {
        let waker = if self.foreign.is_empty() {
            None
        } else {
            self.foreign.remove(&(q.generation & !OWN))
        };
        Fired {
            task: TaskId::from_index(q.index as usize),
            waker,
            deadline: None,
            callback: false,
        }
    }

    /// The live own sleeps still queued, as `(task, whether its waker is foreign)`, for the
    /// deadlock check (a scan of the queues, like [`Timers::any_armed`]'s of the slab).
    pub(super) fn queued_own(&self) -> impl Iterator<Item = (TaskId, bool)> + '_ {
        let heap = self
            .buckets
            .iter()
            .enumerate()
            .flat_map(|(b, entries)| &entries[if b == 0 { self.taken } else { 0 }..]);
        self.few
            .iter()
            .chain(heap)
            .filter(|q| q.is_own() && self.own_live(q))
            .map(|q| {
                let foreign =
                    !self.foreign.is_empty() && self.foreign.contains_key(&(q.generation & !OWN));
                (TaskId::from_index(q.index as usize), foreign)
            })
    }
}

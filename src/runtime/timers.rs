//! Timers: buckets of equal deadlines, in deadline order, over a slab of wakers.
//!
//! **Invariant: timers fire in `(deadline, sequence)` order**: buckets are ordered by
//! deadline and each bucket lists its timers in arming order (the sequence number only
//! grows). Many timers share a deadline (virtual time is coarse in most programs), so a
//! bucket per deadline makes firing a scan instead of a heap pop per timer. Cancelled timers
//! stay in their bucket until it fires and are skipped there, so cancelling is O(1). Emptied
//! bucket vectors are kept for reuse.

use std::collections::BTreeMap;
use std::task::Waker;

use crate::task::TaskId;
use crate::time::Instant;

/// Names one armed timer: its slab index and the sequence number it was armed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: u32,
    seq: u64,
}

struct Armed {
    seq: u64,
    task: TaskId,
    waker: Option<Waker>,
}

/// A bucket entry: the timer's sequence number and slab index.
type Queued = (u64, u32);

#[derive(Default)]
pub(crate) struct Timers {
    /// Deadline (ns) -> timers armed for it, in arming order.
    buckets: BTreeMap<u64, Vec<Queued>>,
    /// The bucket being fired, and how many of its entries were handed out.
    firing: Vec<Queued>,
    fired: usize,
    firing_deadline: u64,
    /// Empty bucket vectors, reused.
    spare: Vec<Vec<Queued>>,
    slab: Vec<Option<Armed>>,
    free: Vec<u32>,
    next_seq: u64,
}

/// A timer whose deadline has come.
pub(crate) struct Fired {
    pub(crate) task: TaskId,
    pub(crate) waker: Waker,
}

impl Timers {
    pub(crate) fn arm(&mut self, deadline: Instant, task: TaskId, waker: Waker) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let armed = Some(Armed {
            seq,
            task,
            waker: Some(waker),
        });
        let index = match self.free.pop() {
            Some(i) => {
                self.slab[i as usize] = armed;
                i
            }
            None => {
                self.slab.push(armed);
                (self.slab.len() - 1) as u32
            }
        };
        self.buckets
            .entry(deadline.as_nanos())
            .or_insert_with(|| self.spare.pop().unwrap_or_default())
            .push((seq, index));
        TimerKey { index, seq }
    }

    /// Whether the timer is still armed (not fired, not cancelled).
    pub(crate) fn is_armed(&self, key: TimerKey) -> bool {
        matches!(self.slab.get(key.index as usize), Some(Some(a)) if a.seq == key.seq)
    }

    /// Replaces the waker of an armed timer (a future polled with a new context).
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(Some(a)) = self.slab.get_mut(key.index as usize)
            && a.seq == key.seq
            && !a.waker.as_ref().is_some_and(|w| w.will_wake(waker))
        {
            a.waker = Some(waker.clone());
        }
    }

    /// Disarms a timer; returns its waker (to be dropped outside the core) if it was armed.
    pub(crate) fn cancel(&mut self, key: TimerKey) -> Option<Waker> {
        let slot = self.slab.get_mut(key.index as usize)?;
        if slot.as_ref().is_some_and(|a| a.seq == key.seq) {
            let armed = slot.take()?;
            self.free.push(key.index);
            return armed.waker;
        }
        None
    }

    fn live(&self, (seq, index): Queued) -> bool {
        matches!(&self.slab[index as usize], Some(a) if a.seq == seq)
    }

    /// The earliest deadline among armed timers, dropping buckets of cancelled ones.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        if self.firing[self.fired..].iter().any(|&q| self.live(q)) {
            return Some(Instant::from_nanos(self.firing_deadline));
        }
        loop {
            let first = self.buckets.first_entry()?;
            if first
                .get()
                .iter()
                .any(|&q| matches!(&self.slab[q.1 as usize], Some(a) if a.seq == q.0))
            {
                return Some(Instant::from_nanos(*first.key()));
            }
            let mut bucket = first.remove();
            bucket.clear();
            self.spare.push(bucket);
        }
    }

    /// Removes and returns the earliest armed timer if its deadline is at or before `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Fired> {
        loop {
            while let Some(&q) = self.firing.get(self.fired) {
                self.fired += 1;
                if self.live(q) {
                    let armed = self.slab[q.1 as usize].take().expect("live timer");
                    self.free.push(q.1);
                    return Some(Fired {
                        task: armed.task,
                        waker: armed.waker.expect("armed waker"),
                    });
                }
            }
            let first = self.buckets.first_entry()?;
            if *first.key() > now.as_nanos() {
                return None;
            }
            let (deadline, bucket) = first.remove_entry();
            let mut done = std::mem::replace(&mut self.firing, bucket);
            done.clear();
            self.spare.push(done);
            self.fired = 0;
            self.firing_deadline = deadline;
        }
    }
}

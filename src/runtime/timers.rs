//! Timers: a min-heap keyed by `(deadline, sequence)` over a slab of wakers.
//!
//! **Invariant: equal deadlines fire in arming order**, because the sequence number breaks
//! ties and it only grows. Cancelled timers stay in the heap until they surface and are
//! skipped there, so cancelling is O(1).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
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

#[derive(Default)]
pub(crate) struct Timers {
    heap: BinaryHeap<Reverse<(u64, u64, u32)>>,
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
        self.heap.push(Reverse((deadline.as_nanos(), seq, index)));
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

    /// The earliest deadline among armed timers, dropping cancelled ones from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, seq, index))) = self.heap.peek() {
            if matches!(&self.slab[index as usize], Some(a) if a.seq == seq) {
                return Some(Instant::from_nanos(deadline));
            }
            self.heap.pop();
        }
        None
    }

    /// Removes and returns the earliest armed timer if its deadline is at or before `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Fired> {
        loop {
            let &Reverse((deadline, seq, index)) = self.heap.peek()?;
            let live = matches!(&self.slab[index as usize], Some(a) if a.seq == seq);
            if live && deadline > now.as_nanos() {
                return None;
            }
            self.heap.pop();
            if !live {
                continue;
            }
            let armed = self.slab[index as usize].take().expect("live timer");
            self.free.push(index);
            return Some(Fired {
                task: armed.task,
                waker: armed.waker.expect("armed waker"),
            });
        }
    }
}

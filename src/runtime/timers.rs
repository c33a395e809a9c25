//! Timers: buckets of equal deadlines, in deadline order, over a slab of wakers.
//!
//! **Invariant: timers fire in `(deadline, sequence)` order**: a min-heap holds each distinct
//! deadline once, and each deadline's bucket lists its timers in arming order (the sequence
//! number only grows). Many timers share a deadline (virtual time is coarse in most
//! programs), so arming is a hash lookup and a push, and firing a bucket is a scan instead
//! of a heap pop per timer. The hash map from deadline to bucket is only looked up, never
//! iterated, so it cannot affect order. Cancelled timers stay in their bucket until it fires
//! and are skipped there, so cancelling is O(1). Emptied buckets are kept for reuse.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
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
    /// `None` when the waker is `task`'s own: the common case (a sleep) then costs no
    /// reference-count traffic, and firing queues the task's hop by its id.
    waker: Option<Waker>,
}

/// A bucket entry: the timer's sequence number and slab index.
type Queued = (u64, u32);

/// A multiplicative hash for deadlines (nanoseconds): they are not attacker-controlled, and
/// SipHash would cost more than the rest of arming.
#[derive(Default)]
struct DeadlineHasher(u64);

impl Hasher for DeadlineHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

#[derive(Default)]
pub(crate) struct Timers {
    /// Each distinct pending deadline (ns), once.
    deadlines: BinaryHeap<Reverse<u64>>,
    /// Deadline -> its bucket in `buckets`. Looked up only, never iterated.
    index: HashMap<u64, u32, BuildHasherDefault<DeadlineHasher>>,
    /// Timers armed for one deadline, in arming order; free ones are empty and listed in
    /// `free_buckets`.
    buckets: Vec<Vec<Queued>>,
    free_buckets: Vec<u32>,
    /// The bucket being fired, and how many of its entries were handed out.
    firing: Vec<Queued>,
    fired: usize,
    firing_deadline: u64,
    slab: Vec<Option<Armed>>,
    free: Vec<u32>,
    next_seq: u64,
}

/// A timer whose deadline has come.
pub(crate) struct Fired {
    pub(crate) task: TaskId,
    /// `None`: wake `task` through its own waker.
    pub(crate) waker: Option<Waker>,
}

impl Timers {
    /// Disarms every timer, keeping the capacity of every structure.
    pub(crate) fn clear(&mut self) {
        self.deadlines.clear();
        self.index.clear();
        for bucket in &mut self.buckets {
            bucket.clear();
        }
        self.free_buckets.clear();
        self.free_buckets.extend(0..self.buckets.len() as u32);
        self.firing.clear();
        self.fired = 0;
        self.slab.clear();
        self.free.clear();
        self.next_seq = 0;
    }

    /// Arms a timer for `task`; `waker` is `None` when it is the task's own waker.
    pub(crate) fn arm(
        &mut self,
        deadline: Instant,
        task: TaskId,
        waker: Option<Waker>,
    ) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let armed = Some(Armed { seq, task, waker });
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
        let d = deadline.as_nanos();
        let bucket = match self.index.entry(d) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(v) => {
                let b = match self.free_buckets.pop() {
                    Some(b) => b,
                    None => {
                        self.buckets.push(Vec::new());
                        (self.buckets.len() - 1) as u32
                    }
                };
                self.deadlines.push(Reverse(d));
                *v.insert(b)
            }
        };
        self.buckets[bucket as usize].push((seq, index));
        TimerKey { index, seq }
    }

    /// Whether the timer is still armed (not fired, not cancelled).
    pub(crate) fn is_armed(&self, key: TimerKey) -> bool {
        matches!(self.slab.get(key.index as usize), Some(Some(a)) if a.seq == key.seq)
    }

    /// The task an armed timer belongs to.
    pub(crate) fn task_of(&self, key: TimerKey) -> Option<TaskId> {
        match self.slab.get(key.index as usize) {
            Some(Some(a)) if a.seq == key.seq => Some(a.task),
            _ => None,
        }
    }

    /// Replaces the waker of an armed timer (a future polled with a new context); `own`
    /// says whether `waker` is the waker of the timer's task ([`Timers::task_of`]).
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker, own: bool) {
        if let Some(Some(a)) = self.slab.get_mut(key.index as usize)
            && a.seq == key.seq
        {
            match &a.waker {
                None if own => {}
                Some(w) if w.will_wake(waker) => {}
                _ => a.waker = (!own).then(|| waker.clone()),
            }
        }
    }

    /// Disarms a timer; returns its waker (to be dropped outside the core) if it was armed
    /// with a foreign one.
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
            let &Reverse(d) = self.deadlines.peek()?;
            let b = self.index[&d] as usize;
            if self.buckets[b].iter().any(|&q| self.live(q)) {
                return Some(Instant::from_nanos(d));
            }
            self.deadlines.pop();
            self.index.remove(&d);
            self.buckets[b].clear();
            self.free_buckets.push(b as u32);
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
                        waker: armed.waker,
                    });
                }
            }
            let &Reverse(d) = self.deadlines.peek()?;
            if d > now.as_nanos() {
                return None;
            }
            self.deadlines.pop();
            let b = self.index.remove(&d).expect("every deadline has a bucket") as usize;
            // The bucket's entries become the firing list; the old firing list, emptied,
            // becomes the free bucket.
            std::mem::swap(&mut self.firing, &mut self.buckets[b]);
            self.buckets[b].clear();
            self.free_buckets.push(b as u32);
            self.fired = 0;
            self.firing_deadline = d;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever is armed, cancelled and fired in between, live timers fire in
        /// `(deadline, sequence)` order, each once, and only when due.
        #[test]
        fn fire_in_deadline_then_arming_order(
            ops in proptest::collection::vec((0u8..4, 0u64..20), 1..200)
        ) {
            let mut timers = Timers::default();
            let mut model: Vec<(u64, u64, usize)> = Vec::new(); // (deadline, seq, task)
            let mut keys = Vec::new();
            let mut now = 0;
            for (n, (op, x)) in ops.into_iter().enumerate() {
                match op {
                    0 | 1 => {
                        let deadline = now + x;
                        let waker = Some(Waker::noop().clone());
                        let key = timers.arm(Instant::from_nanos(deadline), TaskId::from_index(n), waker);
                        model.push((deadline, n as u64, n));
                        keys.push((key, n));
                    }
                    2 => {
                        if let Some(&(key, task)) = keys.get(x as usize % keys.len().max(1)) {
                            let was = timers.is_armed(key);
                            prop_assert_eq!(timers.cancel(key).is_some(), was);
                            model.retain(|m| m.2 != task);
                        }
                    }
                    _ => {
                        let next = timers.next_deadline().map(Instant::as_nanos);
                        prop_assert_eq!(next, model.iter().map(|m| m.0).min());
                        now = next.unwrap_or(now);
                        model.sort();
                        let due: Vec<usize> = model.iter().filter(|m| m.0 <= now).map(|m| m.2).collect();
                        model.retain(|m| m.0 > now);
                        let mut fired = Vec::new();
                        while let Some(f) = timers.pop_due(Instant::from_nanos(now)) {
                            fired.push(f.task.index());
                        }
                        prop_assert_eq!(fired, due);
                    }
                }
            }
        }
    }
}

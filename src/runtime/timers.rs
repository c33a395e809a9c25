//! Timers: a binary min-heap of `(deadline, sequence)` over a slab of armed timers.
//!
//! **Invariant: timers fire in `(deadline, sequence)` order**: the heap orders entries by
//! deadline, then by the sequence number they were armed with (which only grows), so equal
//! deadlines fire in arming order. Cancelling is O(1): the slab entry is freed (or its
//! generation bumped) and the heap entry, now stale, is skipped when it surfaces; when stale
//! entries outnumber live ones the heap is rebuilt without them, so its size stays O(live).
//!
//! Two kinds of timer:
//! - a **wake** timer (a sleep, a combinator's timeout) is freed when it fires; the engine
//!   queues the wake-up hop of its waker (`Entry::Hop` for the task's own waker);
//! - a **deadline** timer (a `Timeout`) stays in the slab when it fires: the engine queues
//!   `Entry::Timer(index)`, and at that entry's turn the timer is *delivered* (asyncio's
//!   timeout callback runs then, one slot after the timer fired). The `Timeout` future reads
//!   the delivery, then frees the timer.

use std::task::Waker;

use crate::task::TaskId;
use crate::time::Instant;

/// Names one armed timer: its slab index and the generation it was armed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: u32,
    generation: u32,
}

/// Where a deadline timer is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Armed, not yet due.
    Pending,
    /// Due: its `Entry::Timer` waits in the ready queue.
    Fired,
    /// Its entry ran. `inner_wins` records a tie the policy resolved for the work the
    /// deadline bounds (its task was already queued when the deadline came).
    Delivered { inner_wins: bool },
}

/// What a slab entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Free,
    /// A wake timer, armed.
    Wake,
    Deadline(Deadline),
    /// A deadline timer cancelled while its `Entry::Timer` is queued: freed at that turn.
    Dropped,
}

struct Timer {
    generation: u32,
    state: State,
    /// The task that armed it (its own waker, and the task a tie is about).
    task: TaskId,
    /// `None` when the waker is `task`'s own: the common case (a sleep) then costs no
    /// reference-count traffic, and firing queues the task's hop by its id.
    waker: Option<Waker>,
}

/// A heap entry; stale once its slab entry's generation moved on.
#[derive(Clone, Copy)]
struct Queued {
    deadline: u64,
    seq: u64,
    index: u32,
    generation: u32,
}

impl Queued {
    #[inline]
    fn before(&self, other: &Queued) -> bool {
        (self.deadline, self.seq) < (other.deadline, other.seq)
    }
}

#[derive(Default)]
pub(crate) struct Timers {
    /// Min-heap on `(deadline, seq)`.
    heap: Vec<Queued>,
    /// Heap entries whose timer was cancelled (skipped when they surface).
    stale: usize,
    slab: Vec<Timer>,
    free: Vec<u32>,
    next_seq: u64,
}

/// A wake timer whose deadline has come.
pub(crate) struct Fired {
    pub(crate) task: TaskId,
    /// `None`: wake `task` through its own waker.
    pub(crate) waker: Option<Waker>,
    /// `Some(index)` for a deadline timer: queue `Entry::Timer(index)` instead of a hop.
    pub(crate) deadline: Option<u32>,
}

impl Timers {
    /// Disarms every timer, keeping the capacity of every structure.
    pub(crate) fn clear(&mut self) {
        self.heap.clear();
        self.stale = 0;
        self.slab.clear();
        self.free.clear();
        self.next_seq = 0;
    }

    /// Arms a wake timer for `task`; `waker` is `None` when it is the task's own waker.
    #[inline]
    pub(crate) fn arm(&mut self, deadline: Instant, task: TaskId, waker: Option<Waker>) -> TimerKey {
        let key = self.alloc(State::Wake, task, waker);
        self.push(deadline, key);
        key
    }

    /// Arms a deadline timer for `task` (see the module docs).
    pub(crate) fn arm_deadline(
        &mut self,
        deadline: Instant,
        task: TaskId,
        waker: Option<Waker>,
    ) -> TimerKey {
        let key = self.alloc(State::Deadline(Deadline::Pending), task, waker);
        self.push(deadline, key);
        key
    }

    /// A deadline timer that is due already: the caller queues `Entry::Timer(index)` now.
    pub(crate) fn arm_fired(&mut self, task: TaskId, waker: Option<Waker>) -> (TimerKey, u32) {
        let key = self.alloc(State::Deadline(Deadline::Fired), task, waker);
        (key, key.index)
    }

    #[inline]
    fn alloc(&mut self, state: State, task: TaskId, waker: Option<Waker>) -> TimerKey {
        match self.free.pop() {
            Some(index) => {
                let t = &mut self.slab[index as usize];
                t.generation = t.generation.wrapping_add(1);
                t.state = state;
                t.task = task;
                t.waker = waker;
                TimerKey { index, generation: t.generation }
            }
            None => {
                let index = u32::try_from(self.slab.len()).expect("fewer than 2^32 timers");
                self.slab.push(Timer {
                    generation: 0,
                    state,
                    task,
                    waker,
                });
                TimerKey { index, generation: 0 }
            }
        }
    }

    #[inline]
    fn push(&mut self, deadline: Instant, key: TimerKey) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Queued {
            deadline: deadline.as_nanos(),
            seq,
            index: key.index,
            generation: key.generation,
        });
        self.sift_up(self.heap.len() - 1);
    }

    #[inline]
    fn get(&self, key: TimerKey) -> Option<&Timer> {
        self.slab
            .get(key.index as usize)
            .filter(|t| t.generation == key.generation && t.state != State::Free)
    }

    /// Whether the timer is still in use: armed, or a deadline timer not yet freed.
    #[inline]
    pub(crate) fn is_armed(&self, key: TimerKey) -> bool {
        self.get(key)
            .is_some_and(|t| !matches!(t.state, State::Dropped))
    }

    /// Where a deadline timer is, `None` once it was freed (or for another kind).
    #[inline]
    pub(crate) fn deadline_state(&self, key: TimerKey) -> Option<Deadline> {
        match self.get(key)?.state {
            State::Deadline(d) => Some(d),
            _ => None,
        }
    }

    /// The task an armed timer belongs to.
    pub(crate) fn task_of(&self, key: TimerKey) -> Option<TaskId> {
        self.get(key).map(|t| t.task)
    }

    /// Replaces the waker of an armed timer (a future polled with a new context); `own`
    /// says whether `waker` is the waker of the timer's task ([`Timers::task_of`]).
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker, own: bool) {
        if let Some(t) = self.slab.get_mut(key.index as usize)
            && t.generation == key.generation
            && t.state != State::Free
        {
            match &t.waker {
                None if own => {}
                Some(w) if w.will_wake(waker) => {}
                _ => t.waker = (!own).then(|| waker.clone()),
            }
        }
    }

    /// Disarms or frees a timer; returns its waker (to be dropped outside the core) if it
    /// held a foreign one.
    pub(crate) fn cancel(&mut self, key: TimerKey) -> Option<Waker> {
        let t = self.slab.get_mut(key.index as usize)?;
        if t.generation != key.generation {
            return None;
        }
        match t.state {
            State::Free | State::Dropped => None,
            State::Deadline(Deadline::Fired) => {
                // Its entry is queued and names the index: freed at that turn.
                t.state = State::Dropped;
                t.waker.take()
            }
            State::Deadline(Deadline::Delivered { .. }) => self.release(key.index),
            State::Wake | State::Deadline(Deadline::Pending) => {
                self.stale += 1;
                let waker = self.release(key.index);
                if self.stale > 64 && self.stale * 2 > self.heap.len() {
                    self.purge();
                }
                waker
            }
        }
    }

    fn release(&mut self, index: u32) -> Option<Waker> {
        let t = &mut self.slab[index as usize];
        t.state = State::Free;
        self.free.push(index);
        t.waker.take()
    }

    /// The turn of `Entry::Timer(index)`: the task of the deadline timer, or `None` (and the
    /// timer is freed) if it was cancelled since it fired.
    pub(crate) fn fired_task(&mut self, index: u32) -> Option<TaskId> {
        let t = &self.slab[index as usize];
        match t.state {
            State::Deadline(Deadline::Fired) => Some(t.task),
            State::Dropped => {
                self.release(index);
                None
            }
            _ => unreachable!("an Entry::Timer names a fired deadline timer"),
        }
    }

    /// Marks the fired deadline timer `index` delivered; returns its foreign waker, if it
    /// has one (else its task's own waker is the one to wake).
    pub(crate) fn deliver(&mut self, index: u32, inner_wins: bool) -> Option<Waker> {
        let t = &mut self.slab[index as usize];
        debug_assert_eq!(t.state, State::Deadline(Deadline::Fired));
        t.state = State::Deadline(Deadline::Delivered { inner_wins });
        t.waker.take()
    }

    #[inline]
    fn live(&self, q: &Queued) -> bool {
        let t = &self.slab[q.index as usize];
        t.generation == q.generation && matches!(t.state, State::Wake | State::Deadline(Deadline::Pending))
    }

    /// The earliest deadline among armed timers (dropping stale entries on the way).
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        loop {
            let top = *self.heap.first()?;
            if self.live(&top) {
                return Some(Instant::from_nanos(top.deadline));
            }
            self.pop_top();
            self.stale -= 1;
        }
    }

    /// Removes and returns the earliest armed timer if its deadline is at or before `now`.
    #[inline]
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Fired> {
        loop {
            let top = *self.heap.first()?;
            if top.deadline > now.as_nanos() {
                return None;
            }
            self.pop_top();
            if !self.live(&top) {
                self.stale -= 1;
                continue;
            }
            let t = &mut self.slab[top.index as usize];
            if t.state == State::Wake {
                let (task, waker) = (t.task, t.waker.take());
                t.state = State::Free;
                self.free.push(top.index);
                return Some(Fired {
                    task,
                    waker,
                    deadline: None,
                });
            }
            t.state = State::Deadline(Deadline::Fired);
            return Some(Fired {
                task: t.task,
                waker: None,
                deadline: Some(top.index),
            });
        }
    }

    fn pop_top(&mut self) {
        let last = self.heap.pop().expect("the heap is not empty");
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.sift_down(0);
        }
    }

    #[inline]
    fn sift_up(&mut self, mut i: usize) {
        let item = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if !item.before(&self.heap[parent]) {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = item;
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        let item = self.heap[i];
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].before(&self.heap[left]) {
                right
            } else {
                left
            };
            if !self.heap[child].before(&item) {
                break;
            }
            self.heap[i] = self.heap[child];
            i = child;
        }
        self.heap[i] = item;
    }

    /// Drops stale entries and restores the heap order.
    fn purge(&mut self) {
        let mut heap = std::mem::take(&mut self.heap);
        heap.retain(|q| self.live(q));
        self.heap = heap;
        self.stale = 0;
        for i in (0..self.heap.len() / 2).rev() {
            self.sift_down(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever is armed, cancelled and fired in between, live timers fire in
        /// `(deadline, sequence)` order, each once, and only when due.
        #[test]
        fn fire_in_deadline_then_arming_order(
            ops in proptest::collection::vec((0u8..4, 0u64..20), 1..300)
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
                prop_assert!(timers.heap.len() <= 2 * (model.len() + 64));
            }
        }
    }

    /// A deadline timer lives on after firing until its entry delivers it and its owner
    /// frees it; a cancellation while its entry is queued frees it at that turn.
    #[test]
    fn deadline_timers_are_delivered_then_freed() {
        let mut timers = Timers::default();
        let task = TaskId::from_index(3);
        let key = timers.arm_deadline(Instant::from_nanos(5), task, None);
        assert_eq!(timers.deadline_state(key), Some(Deadline::Pending));
        let fired = timers.pop_due(Instant::from_nanos(5)).expect("due");
        let index = fired.deadline.expect("a deadline timer");
        assert_eq!(timers.deadline_state(key), Some(Deadline::Fired));
        assert_eq!(timers.fired_task(index), Some(task));
        assert!(timers.deliver(index, true).is_none(), "the task's own waker");
        assert_eq!(
            timers.deadline_state(key),
            Some(Deadline::Delivered { inner_wins: true })
        );
        timers.cancel(key);
        assert_eq!(timers.deadline_state(key), None);

        let key = timers.arm_deadline(Instant::from_nanos(9), task, None);
        let index = timers.pop_due(Instant::from_nanos(9)).unwrap().deadline.unwrap();
        timers.cancel(key);
        assert!(!timers.is_armed(key));
        assert!(timers.free.is_empty(), "kept while its entry is queued");
        assert_eq!(timers.fired_task(index), None);
        assert_eq!(timers.free, [index], "freed at its turn");
    }
}

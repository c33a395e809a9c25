//! Timers: armed timers in a slab, their deadlines in a queue that fires them in order.
//!
//! One concept per file:
//! - `slab.rs`: the armed timers themselves (keys with generations, kinds, states), 32
//!   bytes each, reused once freed;
//! - `few.rs`: a sorted deque that holds the deadlines while there are only a few;
//! - `radix.rs`: the radix heap that holds them once there are more;
//! - `sleeps.rs`: a task's sleep on its own waker, queued with no slab entry;
//! - `marks.rs`: the cancelled own sleeps still queued, as bits by sequence number;
//! - this file: the API the core uses (arm, cancel, query, fire the due ones, the next
//!   deadline), which picks the queue.
//!
//! **Invariant: timers fire in `(deadline, arming order)` order**, in either queue: the
//! deque inserts a deadline behind its equals, and the heap keeps equal deadlines in one
//! bucket in push order (see `radix.rs`). A deadline before `last` (the last deadline taken
//! out; only a `call_at` in the past arms one) waits in `overdue`, sorted the same way,
//! which fires before both queues: CPython's heap pops it before every deadline at or
//! after the clock. `last` means the same in both queues, so handing the deadlines from
//! the deque to the heap needs no fixing up.
//!
//! Cancelling is O(1) in the heap: the slab entry is freed (or its generation bumped) and
//! the queued entry, now stale, is dropped when it surfaces; when stale entries outnumber
//! live ones the buckets are swept, so their size stays O(live). The deque holds no stale
//! entry (a cancellation removes it).
//!
//! Two kinds of timer ([`TimerKind`]), armed the same way (`Core::arm_timer`) (a third,
//! a `call_later` callback's, is a wake timer whose hop is a step of the task it is filed
//! under: PCT places it by that task's priority):
//! - a **wake** timer (a sleep) is freed when it fires; the engine queues the wake-up hop of
//!   its waker (`Entry::Hop` for the task's own waker). A sleep on its task's own waker
//!   (`Core::arm_sleep`) has no slab entry at all: its queued deadline names the task
//!   (`sleeps.rs`);
//! - a **cancel** timer (a `Timeout`'s sleep) stays in the slab when it fires: the engine
//!   queues `Entry::Timer { index, .. }`, and at that entry's turn the timer is *delivered*: the
//!   engine cancels what the timeout bounds (asyncio's timeout callback runs then, one slot
//!   after the timer fired, and calls `Task.cancel()`). The `Timeout` future reads the
//!   delivery, then frees the timer. A cancel timer may carry its *scope*: the tasks that
//!   the bounded work awaits, to which the delivery forwards the cancellation.

mod few;
mod marks;
mod radix;
mod slab;
mod sleeps;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::task::Waker;

use self::marks::SeqMarks;
use self::radix::{BUCKETS, BucketSet, bucket};
use self::slab::{State, Timer};
use super::Instant;
use super::TaskId;

pub(crate) use self::slab::{Deadline, TimerKey, TimerKind};

/// A queued deadline; stale once its slab entry's generation moved on.
#[derive(Clone, Copy)]
struct Queued {
    deadline: u64,
    index: u32,
    generation: u32,
}

pub(crate) struct Timers {
    /// Timers armed with a deadline before `last` (a `call_at` in the past), sorted by
    /// `(deadline, arming order)`; all due, they fire first. Usually empty; holds no stale
    /// entry (a cancellation removes its entry).
    overdue: Vec<Queued>,
    /// The queued timers while there are at most [`FEW`] and the heap is empty (`queued ==
    /// 0`), sorted by deadline, ties in arming order. Holds no stale entry: a cancellation
    /// removes its entry. Empty whenever the heap is not.
    few: VecDeque<Queued>,
    buckets: [Vec<Queued>; BUCKETS],
    /// Entries of bucket 0 already taken (it is consumed from the front, in order).
    taken: usize,
    /// The last deadline taken out; every queued deadline is at or after it.
    last: u64,
    /// Entries queued in the heap (stale ones included; not those in `few`).
    queued: usize,
    /// Queued entries whose timer was cancelled (dropped when they surface).
    stale: usize,
    /// The buckets `b >= 1` that hold entries (bucket 0 is `taken..len`).
    nonempty: BucketSet,
    /// The earliest deadline queued in each bucket (`u64::MAX` when empty); a lower bound
    /// when the bucket is in `min_stale` (its minimum was cancelled).
    bucket_min: [u64; BUCKETS],
    min_stale: BucketSet,
    /// Buckets `b >= 1` that may hold stale entries (only these are checked when spread).
    has_stale: BucketSet,
    slab: Vec<Timer>,
    free: Vec<u32>,
    /// The scopes of cancel timers that have one, by slab index: the tasks the bounded work
    /// awaits (only timeouts over tasks have one, so most runs never touch it).
    scopes: BTreeMap<u32, Vec<TaskId>>,
    /// The clock at the last firing: every deadline at or before it has left the queues
    /// (see `sleeps.rs`).
    fired_through: u64,
    /// Own sleeps armed in this run: the next one's sequence number.
    own_armed: u32,
    /// Sequence numbers of own sleeps cancelled while their deadline is in the heap.
    cancelled: SeqMarks,
    /// Foreign wakers given to own sleeps, by sequence number.
    foreign: BTreeMap<u32, Waker>,
}

impl Default for Timers {
    fn default() -> Timers {
        Timers {
            overdue: Vec::new(),
            few: VecDeque::new(),
            buckets: std::array::from_fn(|_| Vec::new()),
            taken: 0,
            last: 0,
            queued: 0,
            stale: 0,
            nonempty: BucketSet::default(),
            bucket_min: [u64::MAX; BUCKETS],
            min_stale: BucketSet::default(),
            has_stale: BucketSet::default(),
            slab: Vec::new(),
            free: Vec::new(),
            scopes: BTreeMap::new(),
            fired_through: 0,
            own_armed: 0,
            cancelled: SeqMarks::default(),
            foreign: BTreeMap::new(),
        }
    }
}

/// A wake timer whose deadline has come.
pub(crate) struct Fired {
    pub(crate) task: TaskId,
    /// `None`: wake `task` through its own waker.
    pub(crate) waker: Option<Waker>,
    /// `Some(index)` for a cancel timer: queue `Entry::Timer { index, .. }` instead of a hop.
    pub(crate) deadline: Option<u32>,
    /// A [`TimerKind::Call`] timer: its hop runs a callback as a step of `task`.
    pub(crate) callback: bool,
}

impl Timers {
    /// Disarms every timer, keeping the capacity of every structure.
    pub(crate) fn clear(&mut self) {
        self.overdue.clear();
        self.few.clear();
        self.buckets[0].clear();
        self.bucket_min[0] = u64::MAX;
        for b in self.nonempty.iter() {
            self.buckets[b].clear();
            self.bucket_min[b] = u64::MAX;
        }
        self.taken = 0;
        self.last = 0;
        self.queued = 0;
        self.stale = 0;
        self.nonempty = BucketSet::default();
        self.min_stale = BucketSet::default();
        self.has_stale = BucketSet::default();
        self.slab.clear();
        self.free.clear();
        self.scopes.clear();
        self.fired_through = 0;
        self.own_armed = 0;
        self.cancelled.clear();
        self.foreign.clear();
    }

    /// Arms a timer of `kind` for `task`; `waker` is `None` when it is the task's own waker.
    /// Only `Core::arm_timer` calls it (jitter and counting happen there).
    #[inline]
    pub(crate) fn arm(
        &mut self,
        deadline: Instant,
        task: TaskId,
        waker: Option<Waker>,
        kind: TimerKind,
    ) -> TimerKey {
        let state = match kind {
            TimerKind::Wake => State::Wake,
            TimerKind::Call => State::Call,
            TimerKind::Cancel => State::Deadline(Deadline::Pending),
        };
        self.arm_queued(state, deadline, task, waker)
    }

    /// A cancel timer that is due already: the caller queues `Entry::Timer { index, .. }` now (as
    /// asyncio's `call_soon` of the timeout callback for a deadline in the past).
    pub(crate) fn arm_due(&mut self, task: TaskId, waker: Option<Waker>) -> (TimerKey, u32) {
        let key = self.alloc(State::Deadline(Deadline::Fired), task, waker, self.last);
        (key, key.index)
    }

    /// Sets the scope of the cancel timer `key` (the tasks its delivery cancels); an empty
    /// scope means the delivery wakes the timer's task instead.
    pub(crate) fn set_scope(&mut self, key: TimerKey, tasks: Vec<TaskId>) {
        if (tasks.is_empty() && self.scopes.is_empty()) || self.get(key).is_none() {
            // Nothing to record or forget (the common timeout, over a sleep), or a stale key.
            return;
        }
        if tasks.is_empty() {
            if !self.scopes.is_empty() {
                self.scopes.remove(&key.index);
            }
        } else {
            self.scopes.insert(key.index, tasks);
        }
    }

    /// Arms a timer in `state` and queues its deadline (one in the past is due at `last`).
    #[inline(always)]
    fn arm_queued(
        &mut self,
        state: State,
        deadline: Instant,
        task: TaskId,
        waker: Option<Waker>,
    ) -> TimerKey {
        let deadline = deadline.as_nanos();
        if deadline < self.last {
            return self.arm_overdue(state, deadline, task, waker);
        }
        let key = self.alloc(state, task, waker, deadline);
        let q = Queued {
            deadline,
            index: key.index,
            generation: key.generation,
        };
        self.enqueue(q);
        key
    }

    /// [`Timers::arm_queued`] for a deadline before `last`: into `overdue`, behind its
    /// equals.
    #[cold]
    fn arm_overdue(
        &mut self,
        state: State,
        deadline: u64,
        task: TaskId,
        waker: Option<Waker>,
    ) -> TimerKey {
        let key = self.alloc(state, task, waker, deadline);
        let at = self.overdue.partition_point(|q| q.deadline <= deadline);
        let q = Queued {
            deadline,
            index: key.index,
            generation: key.generation,
        };
        self.overdue.insert(at, q);
        key
    }

    /// Removes the timer `key` from `overdue`, if it waits there.
    #[cold]
    fn remove_overdue(&mut self, key: TimerKey) -> bool {
        let at = self
            .overdue
            .iter()
            .position(|q| q.index == key.index && q.generation == key.generation);
        at.map(|at| self.overdue.remove(at)).is_some()
    }

    /// Whether the timer is still in use: armed, or a cancel timer not yet freed.
    #[inline]
    pub(crate) fn is_armed(&self, key: TimerKey) -> bool {
        self.get(key)
            .is_some_and(|t| !matches!(t.state(), State::Dropped))
    }

    /// Where a cancel timer is, `None` once it was freed (or for another kind).
    #[inline]
    pub(crate) fn deadline_state(&self, key: TimerKey) -> Option<Deadline> {
        match self.get(key)?.state() {
            State::Deadline(d) => Some(d),
            _ => None,
        }
    }

    /// Whether `reaches(task, foreign)` holds for a timer still to fire (a wake timer, or a
    /// deadline timer not yet due): `task` armed it, `foreign` says its waker is not that
    /// task's own. A scan of the slab, for the rare check of a suspected deadlock.
    pub(crate) fn any_armed(&self, mut reaches: impl FnMut(TaskId, bool) -> bool) -> bool {
        self.slab.iter().any(|t| {
            matches!(
                t.state(),
                State::Wake | State::Call | State::Deadline(Deadline::Pending)
            ) && reaches(t.task(), t.waker.is_some())
        }) || self
            .queued_own()
            .any(|(task, foreign)| reaches(task, foreign))
    }

    /// Whether delivering the fired cancel timer `index` (its `Entry::Timer` queued) may
    /// release a task for which `inside` holds: the timer's task, or one of its scope.
    pub(crate) fn delivery_reaches(&self, index: u32, inside: impl Fn(TaskId) -> bool) -> bool {
        let t = &self.slab[index as usize];
        t.state() == State::Deadline(Deadline::Fired)
            && (inside(t.task())
                || self
                    .scopes
                    .get(&index)
                    .is_some_and(|scope| scope.iter().any(|&s| inside(s))))
    }

    /// The task an armed timer belongs to.
    pub(crate) fn task_of(&self, key: TimerKey) -> Option<TaskId> {
        if key.is_own() {
            return Some(TaskId::from_index(key.index as usize));
        }
        self.get(key).map(|t| t.task())
    }

    /// Replaces the waker of an armed timer (a future polled with a new context); `own`
    /// says whether `waker` is the waker of the timer's task ([`Timers::task_of`]).
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker, own: bool) {
        if key.is_own() {
            return self.set_own_waker(key, waker, own);
        }
        if let Some(t) = self.slab.get_mut(key.index as usize)
            && t.generation() == key.generation
            && t.state() != State::Free
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
        debug_assert!(!key.is_own(), "own sleeps are cancelled by `cancel_sleep`");
        if !self.overdue.is_empty() && self.remove_overdue(key) {
            return self.release(key.index);
        }
        let t = self.slab.get_mut(key.index as usize)?;
        if t.generation() != key.generation {
            return None;
        }
        match t.state() {
            State::Free | State::Dropped => None,
            State::Deadline(Deadline::Fired) => {
                // Its entry is queued and names the index: freed at that turn.
                t.set_state(State::Dropped);
                t.waker.take()
            }
            State::Deadline(Deadline::Delivered) => self.release(key.index),
            State::Wake | State::Call | State::Deadline(Deadline::Pending) if self.queued == 0 => {
                // Its entry is in `few`, which keeps no stale entries.
                let at = self
                    .few
                    .iter()
                    .position(|q| q.index == key.index && q.generation == key.generation)
                    .expect("a queued timer is in `few` while the heap is empty");
                self.few.remove(at);
                self.release(key.index)
            }
            State::Wake | State::Call | State::Deadline(Deadline::Pending) => {
                self.stale += 1;
                let b = bucket(t.deadline, self.last);
                if b > 0 {
                    self.has_stale.insert(b);
                    if self.bucket_min[b] == t.deadline {
                        self.min_stale.insert(b);
                    }
                }
                let waker = self.release(key.index);
                if self.stale > 64 && self.stale * 2 > self.queued {
                    self.purge();
                }
                waker
            }
        }
    }

    /// The turn of `Entry::Timer { index, .. }`: the task of the cancel timer, or `None` (and the
    /// timer is freed) if it was cancelled since it fired.
    pub(crate) fn fired_task(&mut self, index: u32) -> Option<TaskId> {
        let t = &self.slab[index as usize];
        match t.state() {
            State::Deadline(Deadline::Fired) => Some(t.task()),
            State::Dropped => {
                self.release(index);
                None
            }
            _ => unreachable!("an Entry::Timer names a fired cancel timer"),
        }
    }

    /// Marks the fired cancel timer `index` delivered; returns its scope (the tasks to
    /// cancel).
    pub(crate) fn deliver(&mut self, index: u32) -> Vec<TaskId> {
        let scope = if self.scopes.is_empty() {
            Vec::new()
        } else {
            self.scopes.remove(&index).unwrap_or_default()
        };
        let t = &mut self.slab[index as usize];
        debug_assert_eq!(t.state(), State::Deadline(Deadline::Fired));
        t.set_state(State::Deadline(Deadline::Delivered));
        scope
    }

    /// Takes the foreign waker of the delivered cancel timer `index`, if it has one (else its
    /// task's own waker is the one to wake).
    pub(crate) fn take_waker(&mut self, index: u32) -> Option<Waker> {
        self.slab[index as usize].waker.take()
    }

    /// The earliest deadline among armed timers.
    ///
    /// Called only to advance the clock to it, so when the first bucket's minimum is only a
    /// lower bound (it was cancelled), that bucket is spread around the bound: nothing can
    /// be armed before the clock reaches the answer, which is at or after the bound.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        if !self.overdue.is_empty() {
            // Due already (a pass's start fires them, so this is not expected).
            return Some(Instant::from_nanos(self.fired_through));
        }
        if let Some(q) = self.few.front() {
            return Some(Instant::from_nanos(q.deadline));
        }
        let before = self.last;
        loop {
            let Some(min) = self.earliest_bound() else {
                // Nothing is armed (spreading found only cancelled timers): the clock stays
                // where it is, so `last` goes back to a value at or before it.
                self.last = before;
                return None;
            };
            // A live front entry of bucket 0, or an exact bucket minimum, is the answer.
            let exact = self.taken < self.buckets[0].len()
                || self
                    .nonempty
                    .first()
                    .is_some_and(|b| !self.min_stale.contains(b));
            if exact {
                return Some(Instant::from_nanos(min));
            }
            self.spread(min);
        }
    }

    /// How many cancel timers are armed and not yet due (a test's view of the slab).
    #[cfg(test)]
    pub(crate) fn pending_deadlines(&self) -> usize {
        let pending = State::Deadline(Deadline::Pending);
        self.slab.iter().filter(|t| t.state() == pending).count()
    }

    /// Removes and returns the earliest armed timer if its deadline is at or before `now`
    /// (the engine takes them all at once with [`Timers::fire_due`]).
    #[cfg(test)]
    fn pop_due(&mut self, now: Instant) -> Option<Fired> {
        let now = now.as_nanos();
        self.fired_through = now;
        if !self.overdue.is_empty() {
            let q = self.overdue.remove(0);
            return Some(self.take_fired(&q));
        }
        if !self.few.is_empty() {
            return self.pop_few(now);
        }
        // The common answer at a pass's start, without a call: nothing is due.
        if self.taken == self.buckets[0].len() {
            let b = self.nonempty.first()?;
            if self.bucket_min[b] > now {
                return None;
            }
        }
        self.pop_due_slow(now)
    }

    /// Hands the due timers to `each`, in firing order, in one call (a pass's start fires
    /// many timers at once in a busy run), until `each` returns `false`: the next call goes
    /// on with the next due timer.
    #[inline]
    pub(crate) fn fire_due(&mut self, now: Instant, each: impl FnMut(Fired) -> bool) {
        let now = now.as_nanos();
        // The engine calls this until nothing due is left, before any task runs.
        self.fired_through = now;
        if !self.overdue.is_empty() {
            return self.fire_due_slow(now, each);
        }
        if let Some(q) = self.few.front() {
            if q.deadline <= now {
                self.fire_due_slow(now, each);
            }
            return;
        }
        if self.taken == self.buckets[0].len() {
            let Some(b) = self.nonempty.first() else {
                return;
            };
            if self.bucket_min[b] > now {
                return;
            }
        }
        self.fire_due_slow(now, each);
    }

    fn fire_due_slow(&mut self, now: u64, mut each: impl FnMut(Fired) -> bool) {
        // No timer is armed while these fire, so the mode holds throughout (and `each` is
        // called from one place, where it is inlined).
        let few = !self.few.is_empty();
        loop {
            let fired = if !self.overdue.is_empty() {
                let q = self.overdue.remove(0);
                Some(self.take_fired(&q))
            } else if few {
                self.pop_few(now)
            } else {
                self.pop_due_slow(now)
            };
            let Some(fired) = fired else { return };
            if !each(fired) {
                return;
            }
        }
    }
}

//! Timers: a radix heap of deadlines over a slab of armed timers.
//!
//! Deadlines only move forward with the clock, which suits a radix heap (Ahuja, Mehlhorn,
//! Orlin and Tarjan, 1990), here with hexadecimal digits: a deadline's bucket is named by
//! the highest digit in which it differs from the last deadline taken out (`last`) and the
//! value of that digit, bucket 0 holding those equal to `last`. Buckets in index order hold
//! ever later deadlines. Arming is a push onto a bucket; when bucket 0 runs dry, the first
//! non-empty bucket is spread over lower ones around its minimum, so each entry moves down
//! at most 16 times in its life (one-bit buckets moved a millisecond-spaced deadline about
//! ten times) and no step compares keys in a data-dependent branch chain (a binary heap's
//! sift-down mispredicted at every level and took a third of W1's time).
//!
//! **Invariant: timers fire in `(deadline, arming order)` order.** Equal deadlines always
//! sit in the same bucket (their bucket depends only on the deadline and `last`), in push
//! order, and spreading a bucket keeps that order, so ties leave in arming order without a
//! sequence number. A deadline before `last` (the clock never lets one be armed, except a
//! deadline already in the past) is filed as `last`: it is due either way.
//!
//! Cancelling is O(1): the slab entry is freed (or its generation bumped) and the queued
//! entry, now stale, is dropped when it surfaces; when stale entries outnumber live ones the
//! buckets are swept, so their size stays O(live).
//!
//! **A few timers skip the heap.** While the heap is empty and at most [`FEW`] timers are
//! queued, they wait in `few`, a deque sorted by `(deadline, arming order)`: arming inserts
//! from the back (usually an append), firing pops the front, cancelling removes the entry.
//! A small run (the common case when exploring schedules) then touches the deque and the
//! slab entry per timer instead of the buckets, their minima and their bitmaps. The arm that would make it
//! [`FEW`] + 1 moves them all into the heap, in order; the heap serves every timer from then
//! until it runs empty. `last` means the same in both modes (the last deadline taken out,
//! at or before the clock and every queued deadline), so the hand-over needs no fixing up.
//!
//! Two kinds of timer ([`TimerKind`]), armed the same way (`Core::arm_timer`):
//! - a **wake** timer (a sleep) is freed when it fires; the engine queues the wake-up hop of
//!   its waker (`Entry::Hop` for the task's own waker);
//! - a **cancel** timer (a `Timeout`'s sleep) stays in the slab when it fires: the engine
//!   queues `Entry::Timer(index)`, and at that entry's turn the timer is *delivered*: the
//!   engine cancels what the timeout bounds (asyncio's timeout callback runs then, one slot
//!   after the timer fired, and calls `Task.cancel()`). The `Timeout` future reads the
//!   delivery, then frees the timer. A cancel timer may carry its *scope*: the tasks that
//!   the bounded work awaits, to which the delivery forwards the cancellation.

use std::collections::{BTreeMap, VecDeque};
use std::task::Waker;

use super::Instant;
use super::TaskId;

/// Names one armed timer: its slab index and the generation it was armed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    index: u32,
    generation: u32,
}

impl Default for TimerKey {
    /// [`TimerKey::NONE`].
    fn default() -> TimerKey {
        TimerKey::NONE
    }
}

impl TimerKey {
    /// A key that names no timer (`u32::MAX` is never a slab index).
    pub(crate) const NONE: TimerKey = TimerKey {
        index: u32::MAX,
        generation: 0,
    };
}

/// What a timer does when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// Wake the waker (a sleep): one hop, then the task.
    Wake,
    /// Cancel what a timeout bounds (see the module docs).
    Cancel,
}

/// Where a cancel timer is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Armed, not yet due.
    Pending,
    /// Due: its `Entry::Timer` waits in the ready queue.
    Fired,
    /// Its entry ran: the cancellation was delivered.
    Delivered,
}

/// What a slab entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Free,
    /// A wake timer, armed.
    Wake,
    Deadline(Deadline),
    /// A cancel timer cancelled while its `Entry::Timer` is queued: freed at that turn.
    Dropped,
}

/// One slab entry: 32 bytes (the state shares a word with the generation).
struct Timer {
    /// The generation in the high 29 bits, the [`State`] in the low 3.
    gen_state: u32,
    /// Its deadline (ns), while queued.
    deadline: u64,
    /// The task that armed it (its own waker, and the task a tie is about).
    task: TaskId,
    /// `None` when the waker is `task`'s own: the common case (a sleep) then costs no
    /// reference-count traffic, and firing queues the task's hop by its id.
    waker: Option<Waker>,
}

impl State {
    const fn code(self) -> u32 {
        match self {
            State::Free => 0,
            State::Wake => 1,
            State::Deadline(Deadline::Pending) => 2,
            State::Deadline(Deadline::Fired) => 3,
            State::Deadline(Deadline::Delivered) => 4,
            State::Dropped => 5,
        }
    }

    const fn from_code(code: u32) -> State {
        match code {
            1 => State::Wake,
            2 => State::Deadline(Deadline::Pending),
            3 => State::Deadline(Deadline::Fired),
            4 => State::Deadline(Deadline::Delivered),
            5 => State::Dropped,
            _ => State::Free,
        }
    }
}

/// Generations wrap at 29 bits.
const GENERATIONS: u32 = 1 << 29;

impl Timer {
    #[inline]
    fn generation(&self) -> u32 {
        self.gen_state >> 3
    }

    #[inline]
    fn state(&self) -> State {
        State::from_code(self.gen_state & 7)
    }

    #[inline]
    fn set_state(&mut self, state: State) {
        self.gen_state = (self.gen_state & !7) | state.code();
    }

    /// Moves to the next generation, in `state`.
    #[inline]
    fn renew(&mut self, state: State) {
        let generation = (self.generation() + 1) % GENERATIONS;
        self.gen_state = (generation << 3) | state.code();
    }
}

/// A queued deadline; stale once its slab entry's generation moved on.
#[derive(Clone, Copy)]
struct Queued {
    deadline: u64,
    index: u32,
    generation: u32,
}

/// Bits per digit: deadlines are compared with `last` one hexadecimal digit at a time.
const DIGIT: u32 = 4;
/// Digits in a deadline.
const LEVELS: usize = (u64::BITS / DIGIT) as usize;
/// Buckets: 0 for deadlines equal to `last`, then one per (highest differing digit, its
/// value in the deadline).
const BUCKETS: usize = 1 + (LEVELS << DIGIT);

/// A spread bucket keeps its buffer up to this many entries.
const KEEP_BUCKET: usize = 1024;

/// At most this many timers wait in the sorted deque (`Timers::few`) instead of the heap.
const FEW: usize = 16;

pub(crate) struct Timers {
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
}

impl Default for Timers {
    fn default() -> Timers {
        Timers {
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
        }
    }
}

/// The bucket of `deadline` relative to `last` (`deadline >= last`). Buckets are in
/// deadline order: a lower level means a closer deadline, and within a level the digit
/// orders them.
#[inline]
fn bucket(deadline: u64, last: u64) -> usize {
    let x = deadline ^ last;
    if x == 0 {
        return 0;
    }
    let level = (u64::BITS - 1 - x.leading_zeros()) / DIGIT;
    let digit = (deadline >> (level * DIGIT)) & ((1 << DIGIT) - 1);
    1 + ((level as usize) << DIGIT) + digit as usize
}

/// A set of buckets `1..BUCKETS`, as a bitmap.
#[derive(Clone, Copy, Default)]
struct BucketSet([u64; 4]);

impl BucketSet {
    #[inline]
    fn insert(&mut self, b: usize) {
        self.0[(b - 1) / 64] |= 1 << ((b - 1) % 64);
    }

    #[inline]
    fn remove(&mut self, b: usize) {
        self.0[(b - 1) / 64] &= !(1 << ((b - 1) % 64));
    }

    #[inline]
    fn contains(&self, b: usize) -> bool {
        self.0[(b - 1) / 64] & (1 << ((b - 1) % 64)) != 0
    }

    /// The first bucket of the set (the one with the earliest deadlines).
    #[inline]
    fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(k, w)| 64 * k + w.trailing_zeros() as usize + 1)
    }

    /// The buckets of the set, in order.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    64 * k + b + 1
                })
            })
        })
    }
}

/// A wake timer whose deadline has come.
pub(crate) struct Fired {
    pub(crate) task: TaskId,
    /// `None`: wake `task` through its own waker.
    pub(crate) waker: Option<Waker>,
    /// `Some(index)` for a cancel timer: queue `Entry::Timer(index)` instead of a hop.
    pub(crate) deadline: Option<u32>,
}

impl Timers {
    /// Disarms every timer, keeping the capacity of every structure.
    pub(crate) fn clear(&mut self) {
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
            TimerKind::Cancel => State::Deadline(Deadline::Pending),
        };
        self.arm_queued(state, deadline, task, waker)
    }

    /// A cancel timer that is due already: the caller queues `Entry::Timer(index)` now (as
    /// asyncio's `call_soon` of the timeout callback for a deadline in the past).
    pub(crate) fn arm_due(&mut self, task: TaskId, waker: Option<Waker>) -> (TimerKey, u32) {
        let key = self.alloc(State::Deadline(Deadline::Fired), task, waker, self.last);
        (key, key.index)
    }

    /// Sets the scope of the cancel timer `key` (the tasks its delivery cancels); an empty
    /// scope means the delivery wakes the timer's task instead.
    pub(crate) fn set_scope(&mut self, key: TimerKey, tasks: Vec<TaskId>) {
        if self.get(key).is_none() {
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
        let deadline = deadline.as_nanos().max(self.last);
        let key = self.alloc(state, task, waker, deadline);
        let q = Queued {
            deadline,
            index: key.index,
            generation: key.generation,
        };
        self.enqueue(q);
        key
    }

    /// Queues `q`: in `few` while the heap is empty and there is room, else in the heap
    /// (moving `few` into it first when it is full).
    #[inline(always)]
    fn enqueue(&mut self, q: Queued) {
        if self.queued == 0 {
            // The usual case: the latest deadline yet (sleeps of one length), appended.
            if self.few.len() < FEW && self.few.back().is_none_or(|e| e.deadline <= q.deadline) {
                return self.few.push_back(q);
            }
            return self.enqueue_few(q);
        }
        self.file(q, self.last);
        self.queued += 1;
    }

    /// Inserts `q` into `few` behind every deadline at or before it, so that ties stay in
    /// arming order; or, when `few` is full, moves it all into the heap.
    #[inline(never)]
    fn enqueue_few(&mut self, q: Queued) {
        if self.few.len() < FEW {
            let at = self
                .few
                .iter()
                .rposition(|e| e.deadline <= q.deadline)
                .map_or(0, |i| i + 1);
            self.few.insert(at, q);
            return;
        }
        self.spill();
        self.file(q, self.last);
        self.queued += 1;
    }

    /// Moves every entry of `few` into the heap, in order (equal deadlines share a bucket,
    /// so they keep arming order there).
    fn spill(&mut self) {
        while let Some(q) = self.few.pop_front() {
            self.file(q, self.last);
            self.queued += 1;
        }
    }

    #[inline]
    fn alloc(
        &mut self,
        state: State,
        task: TaskId,
        waker: Option<Waker>,
        deadline: u64,
    ) -> TimerKey {
        match self.free.pop() {
            Some(index) => {
                let t = &mut self.slab[index as usize];
                t.renew(state);
                t.deadline = deadline;
                t.task = task;
                t.waker = waker;
                TimerKey {
                    index,
                    generation: t.generation(),
                }
            }
            None => {
                let index = u32::try_from(self.slab.len()).expect("fewer than 2^32 timers");
                self.slab.push(Timer {
                    gen_state: state.code(),
                    deadline,
                    task,
                    waker,
                });
                TimerKey {
                    index,
                    generation: 0,
                }
            }
        }
    }

    /// Files `q` in its bucket relative to `last`.
    #[inline]
    fn file(&mut self, q: Queued, last: u64) {
        let b = bucket(q.deadline, last);
        if b > 0 {
            self.nonempty.insert(b);
        }
        self.bucket_min[b] = self.bucket_min[b].min(q.deadline);
        self.buckets[b].push(q);
    }

    #[inline]
    fn get(&self, key: TimerKey) -> Option<&Timer> {
        self.slab
            .get(key.index as usize)
            .filter(|t| t.generation() == key.generation && t.state() != State::Free)
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
            matches!(t.state(), State::Wake | State::Deadline(Deadline::Pending))
                && reaches(t.task, t.waker.is_some())
        })
    }

    /// The task an armed timer belongs to.
    pub(crate) fn task_of(&self, key: TimerKey) -> Option<TaskId> {
        self.get(key).map(|t| t.task)
    }

    /// Replaces the waker of an armed timer (a future polled with a new context); `own`
    /// says whether `waker` is the waker of the timer's task ([`Timers::task_of`]).
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker, own: bool) {
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
            State::Wake | State::Deadline(Deadline::Pending) if self.queued == 0 => {
                // Its entry is in `few`, which keeps no stale entries.
                let at = self
                    .few
                    .iter()
                    .position(|q| q.index == key.index)
                    .expect("a queued timer is in `few` while the heap is empty");
                self.few.remove(at);
                self.release(key.index)
            }
            State::Wake | State::Deadline(Deadline::Pending) => {
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

    fn release(&mut self, index: u32) -> Option<Waker> {
        if !self.scopes.is_empty() {
            self.scopes.remove(&index);
        }
        let t = &mut self.slab[index as usize];
        t.set_state(State::Free);
        self.free.push(index);
        t.waker.take()
    }

    /// The turn of `Entry::Timer(index)`: the task of the cancel timer, or `None` (and the
    /// timer is freed) if it was cancelled since it fired.
    pub(crate) fn fired_task(&mut self, index: u32) -> Option<TaskId> {
        let t = &self.slab[index as usize];
        match t.state() {
            State::Deadline(Deadline::Fired) => Some(t.task),
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

    #[inline]
    fn live(&self, q: &Queued) -> bool {
        let t = &self.slab[q.index as usize];
        t.generation() == q.generation
            && matches!(t.state(), State::Wake | State::Deadline(Deadline::Pending))
    }

    /// The earliest deadline among armed timers.
    ///
    /// Called only to advance the clock to it, so when the first bucket's minimum is only a
    /// lower bound (it was cancelled), that bucket is spread around the bound: nothing can
    /// be armed before the clock reaches the answer, which is at or after the bound.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
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

    /// The earliest live deadline or a lower bound of it: `last` if bucket 0 holds a live
    /// entry, else the minimum of the first non-empty bucket. A bucket whose minimum was
    /// cancelled keeps it as a lower bound, which is enough to decide that nothing is due or
    /// to spread the bucket around.
    fn earliest_bound(&mut self) -> Option<u64> {
        while self.taken < self.buckets[0].len() {
            let q = self.buckets[0][self.taken];
            if self.live(&q) {
                return Some(q.deadline);
            }
            self.drop_front();
        }
        self.nonempty.first().map(|b| self.bucket_min[b])
    }

    /// Takes the front entry of bucket 0, which is stale.
    fn drop_front(&mut self) {
        self.taken += 1;
        self.stale -= 1;
        self.queued -= 1;
        self.consumed_front();
    }

    /// Empties bucket 0 once its every entry was taken.
    #[inline]
    fn consumed_front(&mut self) {
        if self.taken == self.buckets[0].len() {
            self.buckets[0].clear();
            self.taken = 0;
            self.bucket_min[0] = u64::MAX;
        }
    }

    /// Removes and returns the earliest armed timer if its deadline is at or before `now`
    /// (the engine takes them all at once with [`Timers::fire_due`]).
    #[cfg(test)]
    fn pop_due(&mut self, now: Instant) -> Option<Fired> {
        let now = now.as_nanos();
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

    /// Hands every due timer to `each`, in firing order, in one call (a pass's start fires
    /// many timers at once in a busy run).
    #[inline]
    pub(crate) fn fire_due(&mut self, now: Instant, each: impl FnMut(Fired)) {
        let now = now.as_nanos();
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

    fn fire_due_slow(&mut self, now: u64, mut each: impl FnMut(Fired)) {
        // No timer is armed while these fire, so the mode holds throughout (and `each` is
        // called from one place, where it is inlined).
        let few = !self.few.is_empty();
        loop {
            let fired = if few {
                self.pop_few(now)
            } else {
                self.pop_due_slow(now)
            };
            let Some(fired) = fired else { return };
            each(fired);
        }
    }

    /// Takes the front of `few` if it is due (every entry there is live).
    #[inline]
    fn pop_few(&mut self, now: u64) -> Option<Fired> {
        let q = *self.few.front().filter(|q| q.deadline <= now)?;
        self.few.pop_front();
        debug_assert!(self.live(&q), "`few` holds no stale entry");
        self.last = q.deadline;
        Some(self.take_fired(q.index))
    }

    /// A due timer leaves the queue: a wake timer is freed, a cancel timer marked fired.
    #[inline]
    fn take_fired(&mut self, index: u32) -> Fired {
        let t = &mut self.slab[index as usize];
        if t.state() == State::Wake {
            let (task, waker) = (t.task, t.waker.take());
            t.set_state(State::Free);
            self.free.push(index);
            return Fired {
                task,
                waker,
                deadline: None,
            };
        }
        t.set_state(State::Deadline(Deadline::Fired));
        Fired {
            task: t.task,
            waker: None,
            deadline: Some(index),
        }
    }

    #[inline]
    fn pop_due_slow(&mut self, now: u64) -> Option<Fired> {
        loop {
            if self.taken == self.buckets[0].len() {
                // Bucket 0 is empty: spread the first non-empty bucket around its minimum
                // (or a lower bound of it), if that is due.
                let min = self.earliest_bound()?;
                if min > now {
                    return None;
                }
                self.spread(min);
            }
            let q = self.buckets[0][self.taken];
            if q.deadline > now {
                return None;
            }
            self.taken += 1;
            self.queued -= 1;
            self.consumed_front();
            if !self.live(&q) {
                self.stale -= 1;
                continue;
            }
            return Some(self.take_fired(q.index));
        }
    }

    /// Makes `min` (the earliest live deadline of the first non-empty bucket, or a lower
    /// bound of it from that bucket, and at most the clock) the new `last`, moving the
    /// bucket's live entries to lower buckets in order. A lower bound is a valid `last`: it
    /// shares the bucket's prefix, so every entry still moves down.
    fn spread(&mut self, min: u64) {
        debug_assert!(self.buckets[0].is_empty());
        let b = self.nonempty.first().expect("a live deadline is queued");
        self.last = min;
        self.nonempty.remove(b);
        self.bucket_min[b] = u64::MAX;
        self.min_stale.remove(b);
        let mut entries = std::mem::take(&mut self.buckets[b]);
        if !self.has_stale.contains(b) {
            // Nothing in it was cancelled: every entry is live, and the slab need not be read
            // (a cache miss per entry).
            for q in entries.drain(..) {
                self.file(q, min);
            }
        } else {
            for q in entries.drain(..) {
                if self.live(&q) {
                    self.file(q, min);
                } else {
                    self.stale -= 1;
                    self.queued -= 1;
                }
            }
            self.has_stale.remove(b);
        }
        // A bucket that held many deadlines at once (the far ones, early in a run) gives its
        // memory back: keeping every bucket's largest size would keep several times the
        // timers armed.
        if entries.capacity() <= KEEP_BUCKET {
            self.buckets[b] = entries;
        }
    }

    /// Drops every stale entry.
    fn purge(&mut self) {
        for b in 0..BUCKETS {
            let mut entries = std::mem::take(&mut self.buckets[b]);
            if b == 0 {
                entries.drain(..self.taken);
                self.taken = 0;
            }
            entries.retain(|q| self.live(q));
            if entries.is_empty() && b > 0 {
                self.nonempty.remove(b);
            }
            self.bucket_min[b] = entries.iter().map(|q| q.deadline).min().unwrap_or(u64::MAX);
            self.buckets[b] = entries;
        }
        self.min_stale = BucketSet::default();
        self.has_stale = BucketSet::default();
        self.queued = self.buckets.iter().map(Vec::len).sum();
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever is armed, cancelled and fired in between, live timers fire in
        /// `(deadline, sequence)` order, each once, and only when due.
        #[test]
        fn fire_in_deadline_then_arming_order(
            ops in proptest::collection::vec((0u8..4, 0u64..20, 0u32..40), 1..300)
        ) {
            let mut timers = Timers::default();
            let mut model: Vec<(u64, u64, usize)> = Vec::new(); // (deadline, seq, task)
            let mut keys = Vec::new();
            let mut now = 0;
            for (n, (op, x, shift)) in ops.into_iter().enumerate() {
                match op {
                    0 | 1 => {
                        // Deltas from 0 to 2^44 ns, so every bucket of the radix heap is used.
                        let deadline = now + (x << (shift % 25)) + u64::from(shift);
                        let waker = Some(Waker::noop().clone());
                        let key = timers.arm(Instant::from_nanos(deadline), TaskId::from_index(n), waker, TimerKind::Wake);
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
                prop_assert!(timers.queued <= 2 * (model.len() + 64));
                // `few` is used only while the heap is empty, stays sorted and holds only live timers.
                prop_assert!(timers.few.is_empty() || timers.queued == 0);
                prop_assert!(timers.few.len() <= FEW);
                prop_assert!(timers.few.iter().zip(timers.few.iter().skip(1)).all(|(a, b)| a.deadline <= b.deadline));
                prop_assert!(timers.few.iter().all(|q| timers.live(q)));
                prop_assert_eq!(timers.queued, timers.buckets.iter().map(Vec::len).sum::<usize>() - timers.taken);
                for (b, entries) in timers.buckets.iter().enumerate().skip(1) {
                    prop_assert!(entries.is_empty() || timers.nonempty.contains(b));
                }
            }
        }
    }

    proptest! {
        /// Buckets in index order hold ever later deadlines, and equal deadlines share one.
        #[test]
        fn buckets_follow_deadline_order(last in any::<u64>(), a in any::<u64>(), b in any::<u64>()) {
            let (a, b) = (last.saturating_add(a % (1 << 50)), last.saturating_add(b % (1 << 50)));
            let (ba, bb) = (bucket(a, last), bucket(b, last));
            prop_assert!(ba < BUCKETS && bb < BUCKETS);
            if ba < bb {
                prop_assert!(a < b);
            }
            if a == b {
                prop_assert_eq!(ba, bb);
            }
            prop_assert_eq!(ba == 0, a == last);
        }
    }

    #[test]
    fn a_timer_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Timer>(), 32);
        for code in 0..6 {
            assert_eq!(State::from_code(code).code(), code);
        }
    }

    /// A cancel timer lives on after firing until its entry delivers it (with its scope) and
    /// its owner frees it; a cancellation while its entry is queued frees it at that turn.
    #[test]
    fn cancel_timers_are_delivered_then_freed() {
        let mut timers = Timers::default();
        let task = TaskId::from_index(3);
        let key = timers.arm(Instant::from_nanos(5), task, None, TimerKind::Cancel);
        timers.set_scope(key, vec![TaskId::from_index(7)]);
        assert_eq!(timers.deadline_state(key), Some(Deadline::Pending));
        let fired = timers.pop_due(Instant::from_nanos(5)).expect("due");
        let index = fired.deadline.expect("a cancel timer");
        assert_eq!(timers.deadline_state(key), Some(Deadline::Fired));
        assert_eq!(timers.fired_task(index), Some(task));
        assert_eq!(timers.deliver(index), [TaskId::from_index(7)]);
        assert!(timers.take_waker(index).is_none(), "the task's own waker");
        assert_eq!(timers.deadline_state(key), Some(Deadline::Delivered));
        timers.cancel(key);
        assert_eq!(timers.deadline_state(key), None);
        assert!(timers.scopes.is_empty());

        let key = timers.arm(Instant::from_nanos(9), task, None, TimerKind::Cancel);
        timers.set_scope(key, vec![TaskId::from_index(8)]);
        let index = timers
            .pop_due(Instant::from_nanos(9))
            .unwrap()
            .deadline
            .unwrap();
        timers.cancel(key);
        assert!(!timers.is_armed(key));
        assert!(timers.free.is_empty(), "kept while its entry is queued");
        assert_eq!(timers.fired_task(index), None);
        assert_eq!(timers.free, [index], "freed at its turn");
        assert!(timers.scopes.is_empty(), "its scope went with it");
    }
}

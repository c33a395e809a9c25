//! PCT's copy of the ready queue, ordered for its two questions: the oldest pure wake-up
//! hop, and the ready task step (a poll, a timeout's expiry, a callback that runs user
//! code, the end of the run) whose task has the highest priority, each with its index in
//! the queue.
//!
//! Entries are known by their push number ([`ReadyView::pushed`] counts them), which the
//! queue maps back to an index ([`ReadyView::index_of_push`]): at once when the entry is
//! still where it arrived (it moves only when it is the last entry and another leaves, or
//! when it becomes the oldest), else by a binary search.
//!
//! The copy is brought up to date at each pick from what the queue received since the last
//! one ([`ReadyView::pushed`]): entries leave the queue only when a strategy picks them, or
//! when the engine takes the only ready entry without asking, which empties the queue. So
//! either everything copied is still there and the new entries follow it, or the queue
//! emptied meanwhile and holds only the newest entries.

use std::cmp::Reverse;
use std::collections::VecDeque;

use super::tasks::Tasks;
use crate::runtime::ReadyView;
use crate::task::TaskId;

/// A ready task entry by priority: its task's priority when it arrived (priorities change
/// only for the task about to run, whose entries are then taken out and put back), its
/// push number (older first among equal priorities, as FIFO), its task, and the index it
/// arrived at (where it usually still is: an entry moves only when it is the last one or
/// becomes the oldest), the last two as one word ([`place`]: written as two halves and read
/// as one, a tuple of two `u32`s stalled a store-forwarding load in `sync`, a fifth of PCT's
/// time with 100 ready tasks once a task id became 8 bytes).
type Queued = (u64, Reverse<u64>, u64);

/// A task's id index and the index its entry arrived at, as one word (ordered as the pair).
#[inline]
fn place(task: TaskId, at: usize) -> u64 {
    (task.index() as u64) << 32 | at as u64
}

/// The task of a [`place`].
#[inline]
fn task_of(place: u64) -> TaskId {
    TaskId::from_index((place >> 32) as usize)
}

/// The arrival index of a [`place`].
#[inline]
fn at_of(place: u64) -> u32 {
    place as u32
}

#[derive(Default)]
pub(super) struct Mirror {
    /// How many entries of the copy are still queued.
    live: usize,
    /// Wake-up hops by push number, oldest first, with the index each arrived at.
    hops: VecDeque<(u64, u32)>,
    /// Task entries (polls, timeouts' expiries and callbacks as steps of their tasks, and
    /// the end of the run as a step of the main task), but `held`, by priority
    /// (`tasks.rs`). A task may have several at once (its poll, the expiry of a timeout it
    /// awaits, callbacks it registered), all with its priority.
    tasks: Tasks<Queued>,
    /// One task entry kept out of `tasks`: the best one that arrived since it last gave
    /// one out, when it beat what it held. A task that yields is queued again with the
    /// priority that made it the best, so it is taken from here at the next pick without
    /// a push and a take of `tasks`.
    held: Option<Queued>,
    /// `ReadyView::pushed` when the copy was last brought up to date.
    seen: u64,
}

impl Mirror {
    /// Brings the copy up to date with `ready`, giving new task entries their task's
    /// priority. Inlined into the pick, its one caller (left to itself, the compiler stopped
    /// inlining it once expiries became task entries: +5% instructions a PCT pick).
    #[inline]
    pub(super) fn sync(&mut self, ready: &ReadyView<'_>, priority: impl Fn(TaskId) -> u64) {
        let pushed = ready.pushed();
        let new = (pushed - self.seen) as usize;
        self.seen = pushed;
        let len = ready.len();
        let kept = if self.live + new == len {
            self.live
        } else {
            // The queue emptied since the last pick: only entries that came after remain.
            self.hops.clear();
            self.tasks.clear();
            self.held = None;
            0
        };
        self.live = len;
        // New entries are the last ones, in push order.
        for i in kept..len {
            let n = pushed - (len - i) as u64;
            match ready.step_of(i) {
                Some(task) => self.hold((priority(task), Reverse(n), place(task, i))),
                None => self.hops.push_back((n, i as u32)),
            }
        }
        self.tasks.settle();
    }

    /// Takes the oldest wake-up hop out, returning its index.
    pub(super) fn take_hop(&mut self, ready: &ReadyView<'_>) -> Option<usize> {
        let (n, at) = self.hops.pop_front()?;
        Some(self.take(ready, n, at))
    }

    /// Keeps a task entry: in `held` when it beats what is there (which goes to `tasks`).
    fn hold(&mut self, entry: Queued) {
        match self.held {
            Some(held) if held >= entry => self.tasks.push(entry),
            Some(held) => {
                self.tasks.push(held);
                self.held = Some(entry);
            }
            None => self.held = Some(entry),
        }
    }

    /// The ready task entry with the highest priority (the oldest among equals). Inlined:
    /// it is asked at every pick (`Pct::next_task`), and with a second caller
    /// (`reprioritise_best`) the compiler stopped inlining it.
    #[inline]
    fn best(&self) -> Option<Queued> {
        match (self.held, self.tasks.peek()) {
            (Some(held), Some(&top)) => Some(held.max(top)),
            (held, top) => held.or(top.copied()),
        }
    }

    /// Takes the best task entry out.
    fn pop_best(&mut self) -> Option<Queued> {
        let best = self.best()?;
        if self.held == Some(best) {
            self.held = None;
        } else {
            self.tasks.pop();
        }
        Some(best)
    }

    /// The task of the ready task entry with the highest priority, and the index it arrived
    /// at (asked at every pick, so inlined, as `best`).
    #[inline]
    pub(super) fn best_entry(&self) -> Option<(TaskId, usize)> {
        self.best().map(|(_, _, p)| (task_of(p), at_of(p) as usize))
    }

    /// The task of the ready task entry with the highest priority.
    pub(super) fn best_task(&self) -> Option<TaskId> {
        self.best().map(|(_, _, p)| task_of(p))
    }

    /// Gives the best entry's task a new priority, on each of its entries (they keep their
    /// push numbers). Its entries all carry its old priority, so they are among the best
    /// entries down to the first of another priority (with, in the rare case of two tasks
    /// drawing the same key, another task's, put back unchanged). Called at change points
    /// only (`depth - 1` a run), so the list it takes them out to costs nothing that counts.
    pub(super) fn reprioritise_best(&mut self, priority: u64) {
        let Some(best) = self.pop_best() else {
            return;
        };
        let (old, task) = (best.0, task_of(best.2));
        let mut taken = vec![best];
        while let Some(next) = self.best()
            && next.0 == old
        {
            self.pop_best();
            taken.push(next);
        }
        // Put back once all are out: the new priority may be above the old one (a task
        // demoted again, by a change point of a smaller label), and the loop above reads
        // the best entries of the old priority only.
        for (p, n, at) in taken {
            let p = if task_of(at) == task { priority } else { p };
            self.hold((p, n, at));
        }
        self.tasks.settle();
    }

    /// Takes the best task entry out, returning its index and its task.
    pub(super) fn take_best(&mut self, ready: &ReadyView<'_>) -> Option<(usize, TaskId)> {
        let (_, Reverse(n), p) = self.pop_best()?;
        Some((self.take(ready, n, at_of(p)), task_of(p)))
    }

    /// The index of the entry pushed as `n` (which arrived at index `at`), which leaves the
    /// copy (the engine takes it).
    fn take(&mut self, ready: &ReadyView<'_>, n: u64, at: u32) -> usize {
        self.live -= 1;
        ready
            .index_of_push(n, at as usize)
            .expect("PCT's copy holds only queued entries")
    }
}

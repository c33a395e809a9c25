//! Done-callbacks: the "outer future" asyncio puts between a child task and its awaiter.
//!
//! asyncio's gather, wait, shield and as_completed do not wake their caller when a child
//! ends: the child's completion schedules a callback (one ready-queue slot), and that
//! callback decides whether the outer future is done, which then wakes the caller (one more
//! slot). simloop reproduces this with a done-callback registered through
//! `Core::add_done_callback`: the child's end queues it as a ready-queue entry, and at its
//! turn the engine calls [`DoneCallback::on_done`] outside the core borrow, which decides
//! and wakes the caller. A combinator's state is shared with its callbacks through an `Rc`
//! and a `RefCell`: a run is single-threaded, and the callbacks run between task steps.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::task::Waker;

pub(crate) use crate::runtime::DoneCallback;
use crate::runtime::{TimerKey, try_with};
use crate::task::Awaitable;
use crate::task::TaskId;
use crate::task::handle::{Child, Kind};

/// Registers `target.on_done(index, ..)` to run one slot after `child` ends (at once if it
/// already ended), on behalf of the running task.
pub(crate) fn watch(child: TaskId, index: usize, target: Rc<dyn DoneCallback>) {
    watch_each([(index, Child(Kind::Task(child)))], target);
}

/// [`watch`] for each child (a task or a future) in order, its index being its position,
/// in one core access; returns the run id.
pub(crate) fn watch_all(
    children: impl IntoIterator<Item = Child>,
    target: Rc<dyn DoneCallback>,
) -> u64 {
    watch_each(children.into_iter().enumerate(), target)
}

/// [`watch`] for each `(index, child)` given, in order, in one core access; returns the
/// run id.
pub(crate) fn watch_each(
    children: impl IntoIterator<Item = (usize, Child)>,
    target: Rc<dyn DoneCallback>,
) -> u64 {
    crate::runtime::with("combinator", |c| {
        for (index, child) in children {
            let index = u32::try_from(index).expect("fewer than 2^32 children");
            child.watch(c, target.clone(), index);
        }
        c.run_id()
    })
}

/// Which handles are the first of their task or future: asyncio's `wait` and
/// `as_completed` take `set(fs)`, so one listed twice counts once. The input order is kept;
/// the set of identities is only looked up, never iterated.
pub(crate) fn first_occurrences<'a, H: Awaitable + 'a>(
    handles: impl IntoIterator<Item = &'a H>,
) -> Vec<bool> {
    let mut seen = BTreeSet::new();
    handles
        .into_iter()
        .map(|h| seen.insert(h.child().key()))
        .collect()
}

/// Disarms a timeout's timer of run `run` (the run id's low bits, as the timeout keeps
/// them), if that run is still going; a foreign waker it held is dropped after the core
/// borrow. Inline: a timeout's finish calls it once per timeout, and out of line it cost W6
/// about 7 instructions a task.
#[inline]
pub(crate) fn disarm(run: u32, key: TimerKey) {
    let waker = try_with(|c| {
        if c.run_id() as u32 == run {
            c.cancel_timer(key)
        } else {
            None
        }
    })
    .flatten();
    drop(waker);
}

/// The caller's side of an outer future: whether it resolved, and the waker to wake then.
#[derive(Default)]
pub(crate) struct Outer {
    pub(crate) resolved: bool,
    waker: Option<Waker>,
}

impl Outer {
    /// Remembers the caller's waker for the wake at resolution.
    pub(crate) fn register(&mut self, waker: &Waker) {
        if !self.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            self.waker = Some(waker.clone());
        }
    }

    /// Marks the outer future done and returns the waker to wake once the state's borrow
    /// ends.
    #[must_use]
    pub(crate) fn resolve(&mut self) -> Option<Waker> {
        self.resolved = true;
        self.waker.take()
    }
}

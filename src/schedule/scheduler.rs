//! The strategy of one run, as the engine holds it.

use super::{Divergence, Fifo, RandomWalk, Strategy};
use crate::runtime::ReadyView;
use crate::task::TaskId;

/// The strategy of one run. The built-in FIFO and random policies are dispatched without a
/// virtual call (the engine asks at nearly every step); the others sit behind the trait.
// The random generator stays inline: the scheduler lives in the boxed core, which is never
// moved during a run, and a boxed generator would cost a pointer chase at every pick.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Scheduler {
    /// asyncio's order; the engine short-cuts it and never asks.
    Fifo(Fifo),
    Random(RandomWalk),
    Other(Box<dyn Strategy>),
}

impl Scheduler {
    /// Whether this is the FIFO policy, which is never asked and records no decisions.
    pub(crate) fn is_fifo(&self) -> bool {
        matches!(self, Scheduler::Fifo(_))
    }

    /// Where the `j`-th pick from now (`j < random::AHEAD`) lands if `arity` entries are
    /// ready then, when the strategy can tell without drawing (random: its words are drawn
    /// ahead). Only a hint for warming the cache: it decides nothing.
    #[inline]
    pub(crate) fn peek(&self, j: usize, arity: usize) -> Option<usize> {
        match self {
            Scheduler::Random(r) => Some(r.peek(j, arity)),
            Scheduler::Fifo(_) | Scheduler::Other(_) => None,
        }
    }

    /// Whether [`Scheduler::peek`] can tell (the random policy).
    #[inline]
    pub(crate) fn peeks(&self) -> bool {
        matches!(self, Scheduler::Random(_))
    }

    /// [`Strategy::next_task`].
    #[inline]
    pub(crate) fn next_task(&self) -> Option<(TaskId, usize)> {
        match self {
            Scheduler::Fifo(_) | Scheduler::Random(_) => None,
            Scheduler::Other(s) => s.next_task(),
        }
    }

    /// [`Strategy::pick`].
    #[inline]
    pub(crate) fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        match self {
            Scheduler::Fifo(f) => f.pick(ready),
            Scheduler::Random(r) => r.pick(ready),
            Scheduler::Other(s) => s.pick(ready),
        }
    }

    /// [`Strategy::choose`].
    #[inline]
    pub(crate) fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        match self {
            Scheduler::Fifo(f) => f.choose(arity),
            Scheduler::Random(r) => r.choose(arity),
            Scheduler::Other(s) => s.choose(arity),
        }
    }

    /// [`Strategy::on_spawn`] (only strategies behind the trait care).
    #[inline]
    pub(crate) fn on_spawn(&mut self, task: TaskId) {
        if let Scheduler::Other(s) = self {
            s.on_spawn(task);
        }
    }

    /// [`Strategy::finish`].
    pub(crate) fn finish(&mut self) -> Result<(), Divergence> {
        match self {
            Scheduler::Fifo(_) | Scheduler::Random(_) => Ok(()),
            Scheduler::Other(s) => s.finish(),
        }
    }
}

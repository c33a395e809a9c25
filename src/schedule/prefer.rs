//! Prefer: follow a schedule written as the entries each decision took, by identity.
//!
//! A schedule of indexes ("take entry 2") means something else as soon as an earlier
//! decision changes: the queue holds other entries, so every later index names another
//! task. A schedule of identities ("run task #3") survives such edits: removing one pick,
//! or turning it into the FIFO choice, leaves every later pick naming the same task, which
//! runs when it is ready. This is how the shrinker edits schedules; the engine records the
//! decisions actually taken, so the run's token replays it exactly.

use std::sync::{Arc, Mutex};

use super::{Divergence, Strategy};
use crate::runtime::{Entry, ReadyView};

/// What one decision of a schedule wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// This ready entry (a task's step, a task's wake-up hop, ...), if it is ready.
    Entry(Entry),
    /// This alternative of a choice that is not a pick (which of two events wins).
    Choice(u32),
    /// The FIFO choice: index 0.
    Fifo,
}

/// Answers decision `i` with what `wants[i]` names when that is possible (the entry is
/// ready; the decision is a choice among enough alternatives), and with the FIFO choice
/// otherwise, also once the list runs out. Never diverges.
pub(crate) struct Prefer {
    wants: Arc<[Want]>,
    next: usize,
}

impl Prefer {
    pub(crate) fn new(wants: Arc<[Want]>) -> Prefer {
        Prefer { wants, next: 0 }
    }

    fn want(&mut self) -> Want {
        let want = self.wants.get(self.next).copied().unwrap_or(Want::Fifo);
        self.next += 1;
        want
    }
}

impl Strategy for Prefer {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        Ok(match self.want() {
            Want::Entry(e) => (0..ready.len())
                .find(|&i| ready.entry(i) == Some(e))
                .unwrap_or(0),
            Want::Choice(_) | Want::Fifo => 0,
        })
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        Ok(match self.want() {
            Want::Choice(c) => (c as usize).min(arity.saturating_sub(1)),
            Want::Entry(_) | Want::Fifo => 0,
        })
    }
}

/// Wraps a strategy and writes down, for each decision, what it took: the entry picked (by
/// identity) or the alternative chosen. The shrinker reads a run's schedule from it.
pub(crate) struct Recorder<S> {
    inner: S,
    taken: Arc<Mutex<Vec<Want>>>,
}

impl<S: Strategy> Recorder<S> {
    /// Records into `taken`, which it empties first.
    pub(crate) fn new(inner: S, taken: Arc<Mutex<Vec<Want>>>) -> Recorder<S> {
        taken.lock().expect("a recorder's list").clear();
        Recorder { inner, taken }
    }

    fn note(&self, want: Want) {
        self.taken.lock().expect("a recorder's list").push(want);
    }
}

impl<S: Strategy> Strategy for Recorder<S> {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        let i = self.inner.pick(ready)?;
        if let Some(e) = ready.entry(i) {
            self.note(Want::Entry(e));
        }
        Ok(i)
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        let i = self.inner.choose(arity)?;
        self.note(Want::Choice(i as u32));
        Ok(i)
    }

    fn on_spawn(&mut self, task: crate::task::TaskId) {
        self.inner.on_spawn(task);
    }

    fn finish(&mut self) -> Result<(), Divergence> {
        self.inner.finish()
    }
}

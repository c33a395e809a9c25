//! Guided: follow a list of choices leniently, then the FIFO choice.

use super::{Divergence, Strategy};
use crate::runtime::ReadyView;

/// Answers decision `i` with `choices[i]` capped at `arity - 1`, and 0 (the FIFO choice) once the list
/// runs out. Unlike replay it never diverges: it is how the shrinker, the bounded
/// exhaustive search and proptest schedules try edited schedules. The engine records the
/// decisions actually taken, so the run's token replays exactly.
pub(crate) struct Guided {
    choices: Vec<u32>,
    next: usize,
}

impl Guided {
    pub(crate) fn new(choices: Vec<u32>) -> Guided {
        Guided { choices, next: 0 }
    }
}

impl Strategy for Guided {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.choose(ready.len())
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        let c = self.choices.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        Ok((c as usize).min(arity.saturating_sub(1)))
    }
}

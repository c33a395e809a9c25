//! Replay: follow a recorded schedule exactly, or say where the run left it.

use super::{Decision, DecisionLog, Divergence, Strategy};
use crate::runtime::ReadyView;

/// Answers each decision from a recording, checking that as many entries are ready as
/// when it was recorded.
pub(crate) struct Replay {
    decisions: DecisionLog,
    /// Byte position of the next decision in the log.
    at: usize,
    /// Number of the next decision.
    next: usize,
}

impl Replay {
    pub(crate) fn new(decisions: DecisionLog) -> Replay {
        Replay {
            decisions,
            at: 0,
            next: 0,
        }
    }

    /// The next recorded decision, without taking it.
    fn peek(&self) -> Option<Decision> {
        self.decisions.read(&mut self.at.clone())
    }
}

impl Strategy for Replay {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        self.choose(ready.len())
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        let found = u32::try_from(arity).unwrap_or(u32::MAX);
        let Some(d) = self.peek() else {
            return Err(Divergence {
                decision: self.next,
                expected: None,
                found,
                seeded: None,
            });
        };
        if d.arity != found || d.index >= found {
            return Err(Divergence {
                decision: self.next,
                expected: Some(d.arity),
                found,
                seeded: None,
            });
        }
        self.decisions.read(&mut self.at);
        self.next += 1;
        Ok(d.index as usize)
    }

    fn finish(&mut self) -> Result<(), Divergence> {
        match self.peek() {
            None => Ok(()),
            Some(d) => Err(Divergence {
                decision: self.next,
                expected: Some(d.arity),
                found: 0,
                seeded: None,
            }),
        }
    }
}

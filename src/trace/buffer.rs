//! The in-run event buffer.

use super::{Event, EventKind, TraceLevel};
use crate::task::TaskId;
use crate::time::Instant;

pub(crate) struct TraceBuf {
    level: TraceLevel,
    pub(crate) events: Vec<Event>,
}

impl TraceBuf {
    pub(crate) fn new(level: TraceLevel) -> TraceBuf {
        TraceBuf {
            level,
            events: Vec::new(),
        }
    }

    /// Sets how much the next run records.
    pub(crate) fn set_level(&mut self, level: TraceLevel) {
        self.level = level;
    }

    /// Whether every event is recorded; hot paths test this before building an event.
    #[inline(always)]
    pub(crate) fn full(&self) -> bool {
        self.level == TraceLevel::Full
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn record(&mut self, time: Instant, task: Option<TaskId>, kind: EventKind) {
        let keep = match self.level {
            TraceLevel::Off => false,
            TraceLevel::Logs => kind.is_essential(),
            TraceLevel::Full => true,
        };
        if keep {
            self.events.push(Event { time, task, kind });
        }
    }
}

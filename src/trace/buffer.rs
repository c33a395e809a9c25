//! The in-run event buffer.

use super::{EventKind, Packed, Quick, TraceLevel};
use crate::task::TaskId;
use crate::time::Instant;

/// Where a run records its events, in compact form ([`Packed`]), at the run's level.
pub(crate) struct TraceBuf {
    level: TraceLevel,
    /// The run recording (`Core::run_id`), which tells a resource's cached label id
    /// (`ResourceInfo`) from one made for another run.
    run: u64,
    pub(crate) packed: Packed,
}

/// The most bytes [`TraceBuf::take`] reserves for the next run.
const ROOM_KEPT: usize = 64 * 1024;

impl TraceBuf {
    pub(crate) fn new(level: TraceLevel) -> TraceBuf {
        TraceBuf {
            level,
            run: 0,
            packed: Packed::default(),
        }
    }

    /// Sets how much run `run` records.
    pub(crate) fn start(&mut self, level: TraceLevel, run: u64) {
        self.level = level;
        self.run = run;
    }

    /// The run recording.
    pub(crate) fn run(&self) -> u64 {
        self.run
    }

    /// Whether every event is recorded; hot paths test this before building an event.
    #[inline(always)]
    pub(crate) fn full(&self) -> bool {
        self.level == TraceLevel::Full
    }

    /// Forgets the recorded events.
    pub(crate) fn clear(&mut self) {
        self.packed.clear();
    }

    /// Takes the recorded events out, leaving room for as many (up to a cap): the next
    /// run on this thread is often a run of the same program (exploring, benchmarks), and
    /// growing its buffer from nothing cost more than recording a small run.
    pub(crate) fn take(&mut self) -> Packed {
        let room = self.packed.bytes_len().min(ROOM_KEPT);
        std::mem::replace(&mut self.packed, Packed::with_capacity(room))
    }

    /// Records `kind` if the level keeps it.
    #[cold]
    #[inline(never)]
    pub(crate) fn record(&mut self, time: Instant, task: Option<TaskId>, kind: EventKind) {
        let keep = match self.level {
            TraceLevel::Off => false,
            TraceLevel::Logs => kind.is_essential(),
            TraceLevel::Full => true,
        };
        if keep {
            self.packed.push(time, task, &kind);
        }
    }

    /// Records a string-less event of the full trace (callers test [`TraceBuf::full`]
    /// first: the other levels keep none of these).
    #[inline(always)]
    pub(crate) fn quick(&mut self, time: Instant, task: Option<TaskId>, event: Quick) {
        debug_assert!(self.full());
        self.packed.quick(time, task, event);
    }

    /// Records a log line unless tracing is off.
    #[inline(never)]
    pub(crate) fn log(&mut self, time: Instant, task: Option<TaskId>, line: &str) {
        if self.level != TraceLevel::Off {
            self.packed.log(time, task, line);
        }
    }
}

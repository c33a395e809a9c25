//! The run's decisions and its program's fingerprint: what a replay token records, and how
//! a replay finds that it left its recording or runs another program. Methods of [`Core`]
//! beside its definition (`core.rs`), as `tasks.rs`, `wakeups.rs` and the others are.

use super::core::Core;
use super::engine::Finish;
use crate::schedule::{
    Decision, DecisionLog, Divergence, Printer, ProgramFingerprint, ProgramMismatch,
};
use crate::trace::Quick;

impl Core {
    /// Sets whether this run's decisions are kept, or only counted and fingerprinted (a run
    /// that is a function of its seed: `Sim::record_decisions`). Set before the run starts.
    pub(crate) fn keep_decisions(&mut self, on: bool) {
        self.decisions.keep(on);
    }

    /// Tells the strategy that the run ended; a replay reports recorded decisions left
    /// unused (a divergence, or, inside the fingerprint's window, another program). Called
    /// once, after the run.
    pub(crate) fn finish_strategy(&mut self) -> Result<(), Finish> {
        self.sched.finish().map_err(|d| self.replay_left(d))
    }

    /// Makes this run a replay of a token recorded from the program `recorded`: its first
    /// events are checked against that fingerprint. Set before the run starts.
    pub(crate) fn expect_program(&mut self, recorded: ProgramFingerprint) {
        self.program = Printer::new(Some(recorded));
    }

    /// The fingerprint of the program's first events (the token's).
    pub(crate) fn program(&self) -> ProgramFingerprint {
        self.program.fingerprint()
    }

    /// Feeds the program's end (the main task's, or a deadlock: not a limit) to its
    /// fingerprint; for a replay that ended before it saw as many events as its token's
    /// fingerprint covers, the mismatch of programs that this is.
    pub(crate) fn end_program(&mut self) -> Result<(), ProgramMismatch> {
        self.program.end(self.stats.steps)
    }

    /// Why a replay that left its recording stops: inside the fingerprint's window the token
    /// was recorded from another program (`schedule/program.rs`), past it the run diverged.
    #[cold]
    pub(super) fn replay_left(&self, d: Divergence) -> Finish {
        match self.program.check_early_end() {
            Err(m) => Finish::OtherProgram(m),
            Ok(()) => Finish::Diverged(d),
        }
    }

    /// The program fingerprint's window just closed: a replay whose events differ from
    /// its token's stops at the next step.
    #[cold]
    pub(super) fn program_window_closed(&mut self) {
        if let Err(m) = self.program.check() {
            self.stop_next.get_or_insert(Finish::OtherProgram(m));
        }
    }

    /// The decisions logged so far (kept, or only counted: `Core::keep_decisions`).
    pub(crate) fn decisions(&self) -> &DecisionLog {
        &self.decisions
    }

    /// Records that the strategy picked `index` of `arity` alternatives (the replay token's
    /// decisions; an event too when tracing fully).
    #[inline]
    pub(crate) fn log_decision(&mut self, index: usize, arity: usize) {
        let d = Decision {
            index: index as u32,
            arity: arity as u32,
        };
        self.decisions.push(d);
        if self.program.is_open() && self.program.decision(d.arity, self.stats.steps) {
            self.program_window_closed();
        }
        if self.trace.full() {
            self.record_quick(Quick::Decision {
                index: d.index,
                arity: d.arity,
            });
        }
    }

    /// A recorded choice among `arity` alternatives that are not ready entries, such as
    /// which of two simultaneous events wins. FIFO always gets 0 and records nothing.
    pub(crate) fn choose(&mut self, arity: usize) -> usize {
        if arity < 2 || self.fifo {
            return 0;
        }
        match self.sched.choose(arity) {
            Ok(i) => {
                self.log_decision(i, arity);
                i
            }
            Err(d) => {
                let stop = self.replay_left(d);
                self.stop_next.get_or_insert(stop);
                0
            }
        }
    }
}

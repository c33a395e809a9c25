//! Scheduling: which ready entry runs next.
//!
//! **Invariant: only this module chooses which task runs next.** The engine asks a
//! `Strategy` only when two or more entries are ready; every answer is appended to the
//! run's schedule as a [`Decision`], and replaying is just another strategy that reads the
//! schedule back. The FIFO policy is never asked: index 0 is always its answer, and its
//! schedule is empty.

mod fifo;
mod guided;
mod log;
mod pct;
mod policy;
mod prefer;
mod program;
mod random;
mod replay;
mod replay_env;
mod scheduler;
mod token;

pub use self::log::{DecisionLog, Iter};
pub use self::policy::Policy;
pub use self::program::{ProgramFingerprint, ProgramMismatch};
pub use self::replay_env::REPLAY_ENV;
pub use self::token::{Token, TokenError};

pub(crate) use self::fifo::Fifo;
pub(crate) use self::guided::Guided;
pub(crate) use self::pct::Pct;
pub(crate) use self::prefer::{Prefer, Recorder, Want};
pub(crate) use self::program::Printer;
pub(crate) use self::random::{AHEAD as PICKS_AHEAD, RandomWalk};
pub(crate) use self::replay::Replay;
pub(crate) use self::replay_env::{rerun_command, test_name};
pub(crate) use self::scheduler::Scheduler;

use std::fmt;
use std::sync::Arc;

use crate::runtime::ReadyView;
use crate::task::TaskId;

/// A scheduling strategy: one per file in this folder.
pub(crate) trait Strategy {
    /// Chooses the index of the ready entry to run next; `ready.len() >= 2`.
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence>;

    /// Chooses among `arity >= 2` alternatives that are not ready entries (which of two
    /// simultaneous events wins, for instance). Index 0 is what FIFO does.
    fn choose(&mut self, arity: usize) -> Result<usize, Divergence>;

    /// Told about every new task (priority-based strategies assign priorities here).
    fn on_spawn(&mut self, _task: TaskId) {}

    /// The task the strategy expects to pick after the one it just picked runs out, and the
    /// index its entry may be at, if it can tell without deciding anything: a hint for
    /// warming the cache, nothing more.
    fn next_task(&self) -> Option<(TaskId, usize)> {
        None
    }

    /// Called when the run ends; replay reports recorded decisions left unused.
    fn finish(&mut self) -> Result<(), Divergence> {
        Ok(())
    }
}

impl<S: Strategy + ?Sized> Strategy for Box<S> {
    fn pick(&mut self, ready: &ReadyView<'_>) -> Result<usize, Divergence> {
        (**self).pick(ready)
    }

    fn choose(&mut self, arity: usize) -> Result<usize, Divergence> {
        (**self).choose(arity)
    }

    fn on_spawn(&mut self, task: TaskId) {
        (**self).on_spawn(task);
    }

    fn next_task(&self) -> Option<(TaskId, usize)> {
        (**self).next_task()
    }

    fn finish(&mut self) -> Result<(), Divergence> {
        (**self).finish()
    }
}

/// A strategy built afresh for each run from its seed, labelled with the policy its tokens
/// carry: how the explorer runs PCT with the run length it learned, and how the shrinker
/// follows a schedule. Crate-internal: users choose a [`Policy`].
#[derive(Clone)]
pub(crate) struct Custom {
    pub(crate) label: Policy,
    make: Arc<dyn Fn(u64) -> Box<dyn Strategy> + Send + Sync>,
}

impl Custom {
    pub(crate) fn new(
        label: Policy,
        make: impl Fn(u64) -> Box<dyn Strategy> + Send + Sync + 'static,
    ) -> Custom {
        Custom {
            label,
            make: Arc::new(make),
        }
    }

    /// PCT of `depth` with its change points among the first `horizon` decisions.
    pub(crate) fn pct(depth: u32, horizon: u64) -> Custom {
        Custom::new(Policy::Pct { depth }, move |seed| {
            Box::new(Pct::new(seed, depth, horizon))
        })
    }

    /// The strategy of a run with this seed.
    pub(crate) fn make(&self, seed: u64) -> Box<dyn Strategy> {
        (self.make)(seed)
    }
}

impl fmt::Debug for Custom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Custom({})", self.label)
    }
}

/// One scheduling decision: entry `index` was chosen among `arity` ready entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    /// The chosen index; 0 is the oldest ready entry (the FIFO choice). The others name
    /// slots of the ready pool, whose order depends on the picks before (token version 3).
    pub index: u32,
    /// How many entries were ready.
    pub arity: u32,
}

/// Where a replayed run stopped following its recording.
///
/// ```
/// let d = simloop::schedule::Divergence { decision: 3, expected: Some(4), found: 2, seeded: None };
/// assert!(d.to_string().contains("decision #3"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The number of the decision (from 0) at which the run diverged.
    pub decision: usize,
    /// How many entries the recording had ready there (`None`: the recording had ended).
    pub expected: Option<u32>,
    /// How many entries were ready in this run (0: the run ended first).
    pub found: u32,
    /// Set when a seed-only token was replayed ([`Token::is_seed_only`]: it keeps the
    /// count and the fingerprint of its decisions, not the decisions, so a difference
    /// shows only at the end): `(decisions, fingerprint)` of the recording, then of this
    /// run. `decision` is then this run's count, `expected` `None` and `found` 0.
    /// (Boxed: a replay's error stays small.)
    pub seeded: Option<Box<[(usize, u64); 2]>>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some([(n, a), (m, b)]) = self.seeded.as_deref() {
            return write!(
                f,
                "the run made another schedule than its seed-only token recorded: {m} decisions \
                 with fingerprint {b:016x}, the recording {n} with {a:016x}"
            );
        }
        match (self.expected, self.found) {
            (Some(e), 0) => write!(
                f,
                "the run ended at decision #{} but the recording goes on (next decision among {e})",
                self.decision
            ),
            (Some(e), n) => write!(
                f,
                "at decision #{} the recording had {e} ready entries, this run has {n}",
                self.decision
            ),
            (None, n) => write!(
                f,
                "the recording ended at decision #{} but this run goes on ({n} ready entries)",
                self.decision
            ),
        }
    }
}

/// 64-bit FNV-1a: a small, platform-stable hash for fingerprints and token checksums.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One step of a fingerprint (the decisions', the program's): a multiply-rotate mix,
/// platform-stable like FxHash.
#[inline]
pub(crate) fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(26) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

//! The policies a user can choose.

use std::fmt;
use std::str::FromStr;

use super::pct::DEFAULT_HORIZON;
use super::{Fifo, Pct, RandomWalk, Scheduler, TokenError};

/// How a run chooses among ready tasks.
///
/// # Examples
///
/// ```
/// use simloop::Policy;
///
/// assert_eq!("random".parse::<Policy>().unwrap(), Policy::Random);
/// assert_eq!(Policy::Fifo.to_string(), "fifo");
/// assert_eq!("pct3".parse::<Policy>().unwrap(), Policy::Pct { depth: 3 });
/// assert_eq!(Policy::Pct { depth: 2 }.to_string(), "pct2");
/// assert!("lifo".parse::<Policy>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Policy {
    /// asyncio's order: one FIFO ready queue, passes, and wake hops
    /// (`../shared/reference/asyncio-order.md`). Makes no decisions.
    #[default]
    Fifo,
    /// A seeded uniform choice among ready entries at every step with two or more.
    Random,
    /// PCT (Burckhardt et al., ASPLOS 2010) adapted to async tasks: random task priorities,
    /// the highest-priority ready task runs, and at `depth - 1` random decisions among the
    /// run's first `k` the task about to run is demoted below every other. Finds a bug of
    /// depth `d` (whose ordering constraints fall within those `k` decisions) with
    /// probability at least `1/(n k^(d-1))` per run, `n` tasks. The explorer learns `k`, the
    /// run length, from its runs and reports the bound in force; a run made on its own
    /// spreads the change points over its first 100 decisions. A task that yields keeps its
    /// priority. Written `pct<d>` in tokens and on the command line; `depth` 0 is treated
    /// as 1.
    ///
    /// A timeout's expiry (`wait_for`, `timeout`, `timeout_scope`) is a step of the task
    /// that awaits the timeout, with that task's priority, so a task's work racing a
    /// timeout that expires at the same instant is found in both orders
    /// (`scenarios/bug_timeout_race.toml`: about half of PCT's runs fail). A callback that
    /// runs user code (`call_soon`, `call_later`, `call_at`, a user's done-callback on a
    /// [`Task`](crate::task::Task) or a [`Promise`](crate::sync::Promise)) is a step of the
    /// task that registered it (the main task when none was), with that task's priority,
    /// so a task step racing such a callback due at the same instant is found in both
    /// orders too (`scenarios/bug_callback_race.toml`). Pure wake-up hops, which only
    /// queue a task's step (a wake, a combinator's done-callback), run before task steps.
    /// The order of one task's own entries (its wake-up, its timeout's expiry, the
    /// callbacks it registered) is found by [`Policy::Random`], not by PCT, and the bound
    /// PCT reports does not cover it. PCT's and Random's tokens are version `sl10` since a zero
    /// `wait_for` spawns and cancels a placeholder task (round 25; `sl9` since Random
    /// draws from SplitMix64, round 23; `sl8` since a timeout whose inner work sleeps until
    /// before its deadline arms its timer later, round 21; `sl7` since a sleep that ends when nothing else is ready queues its task
    /// without a hop, round 20;
    /// `sl6` since a gathered child that cannot decide its gather takes no ready entry,
    /// round 19; PCT's were `sl5` since callbacks came under this rule, round 18, and
    /// `sl4` since expiries did, round 17); an older Random or PCT token is refused (see
    /// [`crate::Token`]).
    Pct {
        /// The bug depth aimed at: how many ordering constraints must hold for it to show.
        depth: u32,
    },
}

impl Policy {
    pub(crate) fn scheduler(self, seed: u64) -> Scheduler {
        match self {
            Policy::Fifo => Scheduler::Fifo(Fifo),
            Policy::Random => Scheduler::Random(RandomWalk::new(seed)),
            Policy::Pct { depth } => {
                Scheduler::Other(Box::new(Pct::new(seed, depth, DEFAULT_HORIZON)))
            }
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Fifo => f.write_str("fifo"),
            Policy::Random => f.write_str("random"),
            Policy::Pct { depth } => write!(f, "pct{depth}"),
        }
    }
}

impl FromStr for Policy {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Policy, TokenError> {
        match s {
            "fifo" => Ok(Policy::Fifo),
            "random" => Ok(Policy::Random),
            other => match other.strip_prefix("pct").map(str::parse::<u32>) {
                Some(Ok(depth)) if depth >= 1 => Ok(Policy::Pct { depth }),
                _ => Err(TokenError::UnknownPolicy(other.to_string())),
            },
        }
    }
}

//! The policies a user can choose.

use std::fmt;
use std::str::FromStr;

use super::{Fifo, RandomWalk, Strategy, TokenError};

/// How a run chooses among ready tasks.
///
/// # Examples
///
/// ```
/// use simloop::Policy;
///
/// assert_eq!("random".parse::<Policy>().unwrap(), Policy::Random);
/// assert_eq!(Policy::Fifo.to_string(), "fifo");
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
}

impl Policy {
    pub(crate) fn strategy(self, seed: u64) -> Box<dyn Strategy> {
        match self {
            Policy::Fifo => Box::new(Fifo),
            Policy::Random => Box::new(RandomWalk::new(seed)),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Fifo => "fifo",
            Policy::Random => "random",
        })
    }
}

impl FromStr for Policy {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Policy, TokenError> {
        match s {
            "fifo" => Ok(Policy::Fifo),
            "random" => Ok(Policy::Random),
            other => Err(TokenError::UnknownPolicy(other.to_string())),
        }
    }
}

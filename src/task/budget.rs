//! Spending the run's step budget on work done inside one poll.

use std::error::Error;
use std::fmt;

use crate::runtime::with;

/// The run's step budget ([`crate::Sim::max_steps`]) is spent: the run stops with
/// [`crate::RunError::StepLimit`] before its next step.
///
/// ```
/// use simloop::{RunError, Sim, task::{BudgetExhausted, spend_steps}};
///
/// let out = Sim::new().max_steps(1_000).run(async {
///     let mut spent = 0u64;
///     while spend_steps(100).is_ok() {
///         spent += 100;
///     }
///     assert_eq!(spend_steps(1), Err(BudgetExhausted));
///     std::future::pending::<()>().await
/// });
/// assert!(matches!(out.result, Err(RunError::StepLimit { .. })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetExhausted;

impl fmt::Display for BudgetExhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the run's step budget is spent")
    }
}

impl Error for BudgetExhausted {}

/// Charges `units` of work to the run's step budget ([`crate::Sim::max_steps`]), on top of
/// the steps the scheduler counts.
///
/// The engine counts one step per ready-queue entry, so a loop that never awaits is one
/// step however long it runs. Code that does unbounded work inside a poll (an
/// interpreter's loop, say) calls this per unit of work; once it returns
/// [`BudgetExhausted`], the caller should stop working and return `Poll::Pending` (for
/// instance by awaiting [`std::future::pending`]): the run then stops with
/// [`crate::RunError::StepLimit`] before its next step, before the clock moves. Spending
/// `u64::MAX` ends the run that way at once. The units count in [`crate::Stats::steps`],
/// which stops at the limit.
///
/// # Panics
///
/// Panics outside a task of a simulation.
///
/// # Examples
///
/// ```
/// use simloop::{RunError, Sim, task};
///
/// let out = Sim::new().max_steps(1_000).run(async {
///     let mut n = 0u64;
///     loop {
///         n += 1;
///         if task::spend_steps(1).is_err() {
///             std::future::pending::<()>().await;
///         }
///     }
/// });
/// assert!(matches!(out.result, Err(RunError::StepLimit { steps: 1_000 })));
/// ```
#[track_caller]
pub fn spend_steps(units: u64) -> Result<(), BudgetExhausted> {
    with("task::spend_steps", |c| {
        if c.spend_steps(units) {
            Err(BudgetExhausted)
        } else {
            Ok(())
        }
    })
}

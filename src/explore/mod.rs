//! Hunting race bugs: run a program over many schedules, shrink what fails, replay it.
//!
//! - [`Explorer`]: seeds × policy ([`crate::Policy::Random`], [`crate::Policy::Pct`]),
//!   parallel jobs and `i/n` shards, a [`Report`] with distinct-schedule coverage and the
//!   first [`Failure`] with its replay token, trace tail and how to rerun it;
//!   [`Explorer::check`] for tests (honours `SIMLOOP_SEED`, `SIMLOOP_RUNS`,
//!   `SIMLOOP_POLICY`, `SIMLOOP_JOBS`, `SIMLOOP_SHARD` and `SIMLOOP_REPLAY`).
//! - [`Explorer::exhaustive`]: bounded depth-first search over every schedule, saying when
//!   the space was fully covered.
//! - [`Explorer::shrink_token`]: a small failing schedule ([`Shrunk`]) from a failing one.
//! - [`Explorer::check_determinism`]: the same schedule twice, the first diverging line.
//! - [`schedules`] and [`schedules_for`] (feature `proptest`, on by default): schedules
//!   as proptest values, sized from the program.
//!
//! # Examples
//!
//! ```
//! use std::{cell::Cell, rc::Rc};
//! use simloop::{Policy, Sim, explore::Explorer, spawn, yield_now};
//!
//! // Check-then-act: both withdrawals see enough money, then both take it.
//! let program = || async {
//!     let balance = Rc::new(Cell::new(10i32));
//!     let tasks: Vec<_> = (0..2).map(|_| {
//!         let b = balance.clone();
//!         spawn(async move {
//!             if b.get() >= 10 {
//!                 yield_now().await;
//!                 b.set(b.get() - 10);
//!             }
//!         })
//!     }).collect();
//!     for t in tasks { t.await.unwrap() }
//!     balance.get()
//! };
//! let report = Explorer::new().policy(Policy::Pct { depth: 2 }).runs(100)
//!     .explore_checked(program, |b| if *b >= 0 { Ok(()) } else { Err(format!("balance {b}")) });
//! let failure = report.failure.expect("the race is found");
//! let shrunk = failure.shrunk.expect("and shrunk");
//! let replayed = Sim::new().replay(&shrunk.token).run(program());
//! assert_eq!(replayed.result.unwrap(), -10);
//! ```

mod determinism;
#[cfg(feature = "proptest")]
mod deviations;
mod env;
mod exhaustive;
mod explorer;
mod horizon;
mod judge;
#[cfg(feature = "proptest")]
mod proptest;
mod quiet;
mod report;
mod shrink;
mod sweep;

pub use self::determinism::Nondeterminism;
pub use self::env::{JOBS_ENV, POLICY_ENV, RUNS_ENV, SEED_ENV, SHARD_ENV};
pub use self::exhaustive::Bounds;
pub use self::explorer::Explorer;
#[cfg(feature = "proptest")]
pub use self::proptest::{SIZING_RUNS, Schedule, schedules, schedules_for};
pub use self::report::{Coverage, Failure, Progress, Report, Shrunk};

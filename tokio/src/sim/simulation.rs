//! Exploring tokio code from a test's own code, and the simloop API beneath (present only
//! under `--cfg simloop`).
//!
//! `#[tokio::test]` explores by itself with `SIMLOOP_RUNS=N`; [`explore`] does the same
//! from code, returning the [`Report`] (the failure, shrunk, with its replay token) instead
//! of panicking, for tests that assert a race is found.

use std::future::Future;

pub use simloop;
pub use simloop::explore::{Explorer, Nondeterminism, Report};

use super::entry::{TestConfig, TestOutput, explore_with};
use super::runtime::RuntimeFlavor;

/// Runs `program` under every schedule `explorer` asks for, each run in a fresh
/// current-thread runtime with a paused clock, as `#[tokio::test(start_paused = true)]`
/// would; a run fails when it panics, deadlocks, or returns an `Err`.
///
/// ```ignore
/// let report = tokio::simulation::explore(&Explorer::new().runs(1000), || async { ... });
/// let failure = report.failure.expect("the race is found");
/// ```
pub fn explore<P, F>(explorer: &Explorer, program: P) -> Report
where
    P: Fn() -> F + Sync,
    F: Future + 'static,
    F::Output: TestOutput,
{
    let config = TestConfig {
        flavor: RuntimeFlavor::CurrentThread,
        start_paused: true,
        local: false,
        name: None,
    };
    explore_with(config, explorer, &program)
}

/// Runs `program` twice under `explorer`'s first seed and policy, each in a fresh runtime,
/// and compares the traces: the first differing line points at what the simulation does
/// not control (a `HashMap`'s iteration order, `rand::thread_rng`, `std::time`, threads).
///
/// # Errors
///
/// [`Nondeterminism`] when the two runs differ.
pub fn check_determinism<P, F>(explorer: &Explorer, program: P) -> Result<(), Nondeterminism>
where
    P: Fn() -> F + Sync,
    F: Future + 'static,
{
    super::task::coop::hosted(|| explorer.check_determinism(|| in_runtime(program())))
}

/// `body` as the main future of a run with a fresh current-thread runtime of its own.
async fn in_runtime<F: Future>(body: F) -> F::Output {
    let handle = super::runtime::Handle::new(RuntimeFlavor::CurrentThread, true);
    let _run = super::context::enter_run(handle.clone(), std::time::Instant::now(), true, false);
    handle.start_pending();
    super::task::coop::budgeted(body).await
}

/// Replays one recorded schedule of `program` (a token from a [`Report`]) in a fresh
/// runtime, and gives the run's outcome.
pub fn replay<P, F>(token: &simloop::Token, program: P) -> simloop::Outcome<F::Output>
where
    P: FnOnce() -> F,
    F: Future + 'static,
{
    super::task::coop::hosted(|| simloop::Sim::new().replay(token).run(in_runtime(program())))
}

//! Exploring tokio code from a test's own code, and the simloop API beneath (present only
//! under `--cfg simloop`).
//!
//! `#[tokio::test]` explores by itself with `SIMLOOP_RUNS=N`; [`explore`] does the same
//! from code, returning the [`Report`] (the failure, shrunk, with its replay token) instead
//! of panicking, for tests that assert a race is found.
//!
//! # Examples
//!
//! A lost update (read, yield, write) is found among the schedules, and its token replays
//! it:
//!
//! ```
//! # use simloop_tokio as tokio;
//! use std::sync::{Arc, Mutex};
//! use tokio::simulation::{Explorer, explore, replay};
//!
//! async fn two_increments() -> Result<(), String> {
//!     let counter = Arc::new(Mutex::new(0));
//!     let tasks: Vec<_> = (0..2)
//!         .map(|_| {
//!             let counter = counter.clone();
//!             tokio::spawn(async move {
//!                 let read = *counter.lock().unwrap();
//!                 tokio::task::yield_now().await;
//!                 *counter.lock().unwrap() = read + 1;
//!             })
//!         })
//!         .collect();
//!     for task in tasks {
//!         task.await.unwrap();
//!     }
//!     let total = *counter.lock().unwrap();
//!     if total == 2 { Ok(()) } else { Err(format!("lost an update: {total}")) }
//! }
//!
//! let report = explore(&Explorer::new().runs(50), two_increments);
//! let failure = report.failure.expect("some schedule loses an update");
//! let outcome = replay(&failure.token, two_increments);
//! assert_eq!(outcome.result.unwrap(), Err("lost an update: 1".to_string()));
//! ```

use std::future::Future;

pub use simloop;
pub use simloop::explore::{Explorer, Nondeterminism, Report};

use super::entry::{TestConfig, TestOutput, explore_with};
use super::runtime::RuntimeFlavor;

/// Runs `program` under every schedule `explorer` asks for, each run in a fresh
/// current-thread runtime with a paused clock, as `#[tokio::test(start_paused = true)]`
/// would; a run fails when it panics, deadlocks, or returns an `Err`.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::simulation::{Explorer, explore};
///
/// let report = explore(&Explorer::new().runs(20), || async {
///     let (a, b) = tokio::join!(tokio::spawn(async { 1 }), tokio::spawn(async { 2 }));
///     assert_eq!(a.unwrap() + b.unwrap(), 3);
/// });
/// assert!(report.passed());
/// assert_eq!(report.runs, 20);
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
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::simulation::{Explorer, check_determinism};
///
/// let same = check_determinism(&Explorer::new().seed(3), || async {
///     let slow = tokio::spawn(tokio::time::sleep(Duration::from_millis(5)));
///     tokio::task::yield_now().await;
///     slow.await.unwrap();
/// });
/// assert!(same.is_ok());
/// ```
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
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use tokio::simulation::{Explorer, explore, replay};
///
/// let program = || async {
///     let five = tokio::spawn(async { 5 }).await.unwrap();
///     if five == 5 { Err("five") } else { Ok(()) }
/// };
/// let report = explore(&Explorer::new().runs(1), program);
/// let failure = report.failure.expect("the program returns an error");
/// let outcome = replay(&failure.token, program);
/// assert_eq!(outcome.result.unwrap(), Err("five"));
/// ```
pub fn replay<P, F>(token: &simloop::Token, program: P) -> simloop::Outcome<F::Output>
where
    P: FnOnce() -> F,
    F: Future + 'static,
{
    super::task::coop::hosted(|| simloop::Sim::new().replay(token).run(in_runtime(program())))
}

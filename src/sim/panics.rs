//! What a panic that a run contains prints.
//!
//! A task's panic does not end the program: the run catches it, the task ends as panicked
//! (its handle's `JoinError::Panicked`, the trace's `panicked` event, or the run's
//! [`RunError::MainPanicked`](crate::RunError::MainPanicked) for the main task), and the run
//! goes on. The standard panic hook would still print its report for each one (with
//! `RUST_BACKTRACE` set, a whole backtrace), so while a run is on this thread simloop prints
//! one located line instead, as [`PanicOutput`] says:
//!
//! ```text
//! simloop: #2 worker panicked at src/worker.rs:12:9: index out of bounds (contained by the run)
//! ```
//!
//! Panics outside a run reach the hook that was installed before, unchanged; so do the
//! panics of runs made by the explorer, which it silences (it runs failing programs
//! hundreds of times and reports the failure itself).

use std::cell::Cell;
use std::io::Write as _;
use std::panic::PanicHookInfo;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// The environment variable that chooses [`PanicOutput`] for every run, over
/// [`crate::Sim::panic_output`]: `line`, `full` or `quiet`. `SIMLOOP_PANICS=full cargo test`
/// shows the standard report, with a backtrace under `RUST_BACKTRACE=1`.
///
/// ```
/// assert_eq!(simloop::PANICS_ENV, "SIMLOOP_PANICS");
/// ```
pub const PANICS_ENV: &str = "SIMLOOP_PANICS";

/// What a panic caught inside a run prints on standard error ([`crate::Sim::panic_output`]).
///
/// ```
/// use simloop::{PanicOutput, RunError, Sim};
///
/// // Quiet: nothing on standard error; the outcome carries the message.
/// let out = Sim::new().panic_output(PanicOutput::Quiet).run(async { panic!("boom") });
/// assert!(matches!(out.result, Err(RunError::MainPanicked { ref message }) if message.contains("boom")));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PanicOutput {
    /// One line: the task, where it panicked, and the first line of its message.
    #[default]
    Line,
    /// What the panic hook installed before prints (Rust's default: the message, its
    /// location and, with `RUST_BACKTRACE=1`, a backtrace).
    Full,
    /// Nothing; the outcome and the trace carry the message.
    Quiet,
}

impl PanicOutput {
    /// `SIMLOOP_PANICS`, when set to one of its values.
    fn from_env() -> Option<PanicOutput> {
        match std::env::var(PANICS_ENV).ok()?.trim() {
            "line" => Some(PanicOutput::Line),
            "full" => Some(PanicOutput::Full),
            "quiet" => Some(PanicOutput::Quiet),
            _ => None,
        }
    }
}

thread_local! {
    /// How the run on this thread prints its panics (`None`: no run here).
    static IN_RUN: Cell<Option<PanicOutput>> = const { Cell::new(None) };
    /// Set by the explorer around the runs it makes.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Whether a line has said how to see the whole report (said once per process).
static HINTED: AtomicBool = AtomicBool::new(false);

/// Wraps the panic hook installed at the first call (once per process).
fn install() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                return;
            }
            let Some(setting) = IN_RUN.with(Cell::get) else {
                return previous(info);
            };
            match PanicOutput::from_env().unwrap_or(setting) {
                PanicOutput::Full => previous(info),
                PanicOutput::Quiet => {}
                PanicOutput::Line => line(info),
            }
        }));
    });
}

/// Prints the one line (never panicking: this runs inside the panic hook).
fn line(info: &PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<non-string panic payload>");
    let mut first: String = message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    if first.len() < message.len() {
        first.push_str("...");
    }
    // Between task steps: a done-callback, or a drop when the run ends.
    let who = crate::runtime::running_label()
        .unwrap_or_else(|| "code run between task steps (a callback or a drop)".into());
    let at = info
        .location()
        .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
        .unwrap_or_default();
    let hint = if HINTED.swap(true, Ordering::Relaxed) {
        ""
    } else {
        "; SIMLOOP_PANICS=full prints the whole report"
    };
    let _ = writeln!(
        std::io::stderr(),
        "simloop: {who} panicked{at}: {first} (contained by the run{hint})"
    );
}

/// Runs `f` (a run) with its panics printed as `output` says.
pub(crate) fn during_run<R>(output: PanicOutput, f: impl FnOnce() -> R) -> R {
    install();
    let _restore = Restore(IN_RUN.with(|r| r.replace(Some(output))));
    f()
}

struct Restore(Option<PanicOutput>);

impl Drop for Restore {
    fn drop(&mut self) {
        IN_RUN.with(|r| r.set(self.0));
    }
}

/// Runs `f` with the panics of this thread silenced, runs or not (the explorer's runs).
pub(crate) fn quietly<R>(f: impl FnOnce() -> R) -> R {
    install();
    struct Unquiet(bool);
    impl Drop for Unquiet {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(self.0));
        }
    }
    let _restore = Unquiet(QUIET.with(|q| q.replace(true)));
    f()
}

//! Ports of simloop's own conformance cases (`tests/conformance/1NN_*.py`, traced with
//! CPython 3.12; see `tests/conformance/README.md`): under FIFO, simloop's log lines equal
//! CPython's trace byte for byte.
//!
//! `first_round` holds the cases written with the fidelity work (101-113); the others are
//! programs written afterwards as a newcomer would port them, from the public API only
//! (114-133), grouped by what they exercise; `corners_*` hold the third round (300-360),
//! corners of each primitive and combinator the earlier cases left out; `mixes_*` the fourth
//! (361-412), primitives and combinators combined (cancellation inside waits, timeouts inside
//! and around TaskGroups, callbacks that complete futures); `fifth_*` the fifth (413-), corners
//! the earlier rounds left out (Queue.shutdown, release errors, callbacks arming timers and
//! releasing primitives, ties, nested timeouts); `sixth_*` the sixth (461-, and 437): the
//! known differences fixed (`sixth_fixes`), primitives under cancellation, callbacks,
//! combinators and groups; `seventh_*` the seventh (509-, and 497): the known differences
//! fixed (`seventh_fixes`), then what real services do (`seventh_services`), primitives
//! and tasks, callbacks and combinators; `eighth_*` the eighth (552-, and 551): the known
//! differences fixed (`eighth_fixes`), then timeouts, primitives, combinators and tasks;
//! `ninth_*` the ninth (597-636): timeouts and finished awaitables, primitives and queues,
//! tasks and callbacks, cancellation and combinators, then primitives that need not wait;
//! `tenth_tasks` the tenth (637-639): `remove_done_callback` and `Task.set_name`;
//! `eleventh_*` the eleventh (640-665): primitives combined as services combine them
//! (`eleventh_mixes`, `eleventh_services`, with TaskGroups in `eleventh_groups`), then
//! combinators, cancellation and shutdowns (`eleventh_edges`); `twelfth_*` the twelfth
//! (666-694): cancellation inside `async with` (`twelfth_sync`), timeouts moved, nested and
//! propagated (`twelfth_timeouts`), TaskGroups (`twelfth_groups`), services built from the
//! primitives (`twelfth_services`), then shields, bounded gathers, poll loops, a timeout
//! moved from outside and Conditions over a shared Lock (`twelfth_edges`); `thirteenth_api`
//! the thirteenth (695-): asyncio API no round had touched; `differential` what
//! `scripts/differential.py` found (700-).

mod catching;
mod combinators;
mod contextvars;
mod corners_combinators;
mod corners_groups;
mod corners_queues;
mod corners_sync;
mod corners_tasks;
mod differential;
mod eager;
mod edges;
mod eighth_combinators;
mod eighth_fixes;
mod eighth_sync;
mod eighth_timeouts;
mod eleventh_edges;
mod eleventh_groups;
mod eleventh_mixes;
mod eleventh_services;
mod fifth_callbacks;
mod fifth_combinators;
mod fifth_groups;
mod fifth_mixes;
mod fifth_sync;
mod fifth_tasks;
mod fifth_ties;
mod fifth_waits;
mod first_round;
mod futures;
mod known;
mod lectures;
mod mixes_cancel;
mod mixes_combinators;
mod mixes_ends;
mod mixes_sync;
mod mixes_tasks;
mod mixes_waits;
mod ninth_combinators;
mod ninth_primitives;
mod ninth_sync;
mod ninth_tasks;
mod ninth_timeouts;
mod round24;
mod round25;
mod round26;
mod rounds;
mod seventh_fixes;
mod seventh_services;
mod seventh_sync;
mod seventh_tasks;
mod sixth_fixes;
mod sixth_groups;
mod sixth_mixes;
mod sixth_sync;
mod sixth_tasks;
mod sync;
mod tasks;
mod tenth_tasks;
mod thirteenth_api;
mod timeouts;
mod twelfth_edges;
mod twelfth_groups;
mod twelfth_services;
mod twelfth_sync;
mod twelfth_timeouts;

use std::time::Duration;

use simloop::{JoinError, Sim, TimeoutHandle};

use crate::util::cpython_trace;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A `CancelledError`'s `args` as Python prints them: `()` or `('message',)`.
fn py_args(message: Option<&str>) -> String {
    match message {
        Some(m) => format!("('{m}',)"),
        None => "()".to_string(),
    }
}

/// The message a cancellation carried, as [`py_args`] prints it.
fn cancel_args(e: &JoinError) -> String {
    match e {
        JoinError::Cancelled { message } => py_args(message.as_deref()),
        other => panic!("expected a cancellation, got {other}"),
    }
}

/// Runs `program` under FIFO and checks its log lines against CPython's trace.
fn assert_matches_cpython<F: std::future::Future + 'static>(case: &str, program: F) {
    let out = Sim::new().run(program);
    assert!(out.result.is_ok(), "{case}: {:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace(case),
        "{case}: simloop's trace differs from CPython's"
    );
}

/// Logs a join's outcome as the cases' Python prints a retrieval: `what: no error`, or the
/// `CancelledError` with its message as `repr` shows it (any other error fails the case).
fn log_retrieval<T>(what: &str, r: Result<T, JoinError>) {
    match r {
        Err(JoinError::Cancelled { message: Some(m) }) => {
            simloop::log!("{what}: CancelledError('{m}')");
        }
        Err(JoinError::Cancelled { message: None }) => simloop::log!("{what}: CancelledError()"),
        Ok(_) => simloop::log!("{what}: no error"),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// A Python string's `repr` as a list prints it.
fn quoted(s: impl std::fmt::Display) -> String {
    format!("'{s}'")
}

/// The type names `gather(return_exceptions=True)` lists for tasks returning `None`.
fn outcome_names<T>(r: &[Result<T, JoinError>]) -> String {
    py_list(r.iter().map(|x| match x {
        Ok(_) => "'NoneType'",
        Err(JoinError::Cancelled { .. }) => "'CancelledError'",
        Err(e) => panic!("{e}"),
    }))
}

/// A timeout's `when()` as the Python cases print it: milliseconds, or `None`.
fn when(cm: &TimeoutHandle) -> String {
    cm.deadline()
        .map_or_else(|| "None".to_string(), |d| d.to_string())
}

/// A Python list as `repr` prints it, from items already rendered.
fn py_list<I: IntoIterator<Item = T>, T: std::fmt::Display>(items: I) -> String {
    let items: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// Runs its closure when dropped unless disarmed: an `except CancelledError:` block whose
/// line reads state at the moment the cancellation arrives.
struct Finally<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Finally<F> {
    fn new(f: F) -> Finally<F> {
        Finally(Some(f))
    }

    /// The guarded work finished: run nothing.
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl<F: FnOnce()> Drop for Finally<F> {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

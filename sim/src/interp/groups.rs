//! Exception groups as Python's `except*` splits them (PEP 654): the members a handler's
//! type catches go to the handler, the rest is raised again, each part keeping the
//! nesting and the messages of the groups it came from.

use super::exc::Exc;

/// What an `except*` clause for `kind` leaves after its handler: what propagates, if
/// anything. `handled` is the handler's own exception, when it raised one.
pub(super) enum Star {
    /// `kind` catches nothing in it: it propagates unchanged, the handler does not run.
    Miss(Exc),
    /// The handler runs with `caught` bound; `rest` propagates after it.
    Hit {
        /// The part the handler sees: a group (a lone exception wrapped in one).
        caught: Exc,
        /// The members it does not catch, as a group, if any.
        rest: Option<Exc>,
    },
}

/// Splits `e` for an `except* kind:` clause (Python's `eg.split(kind)`, a lone exception
/// wrapped as `ExceptionGroup('', (e,))` when `kind` catches it).
pub(super) fn star(e: Exc, kind: &str) -> Star {
    if e.members().is_none() {
        return match catches(kind, &e) {
            true => Star::Hit {
                caught: Exc::group("", vec![e], true),
                rest: None,
            },
            false => Star::Miss(e),
        };
    }
    match split(&e, kind) {
        (None, _) => Star::Miss(e),
        (Some(caught), rest) => {
            let rest = match (rest, e.raised_where()) {
                (Some(r), Some(at)) => Some(r.raised_at(at)),
                (r, _) => r,
            };
            Star::Hit { caught, rest }
        }
    }
}

/// What leaves an `except*` clause whose handler raised `raised` (None: it ended) while
/// `rest` was left uncaught: Python's `_PyExc_PrepReraiseStar`, `ExceptionGroup('',
/// [raised, rest])` when both are there, else the one that is.
pub(super) fn after_handler(raised: Option<Exc>, rest: Option<Exc>) -> Option<Exc> {
    match (raised, rest) {
        (Some(x), Some(r)) => Some(Exc::group("", vec![x, r], false)),
        (x, r) => x.or(r),
    }
}

/// Whether a handler of `kind` catches the lone exception `e` (as a plain `except`:
/// its type, or any `Exception` for `Exception`).
fn catches(kind: &str, e: &Exc) -> bool {
    kind == e.kind || kind == "Exception" && e.is_exception()
}

/// `e.split(kind)`: the part whose leaves `kind` catches and the rest (None when empty);
/// a group wholly on one side is itself, as in Python.
fn split(e: &Exc, kind: &str) -> (Option<Exc>, Option<Exc>) {
    let Some(members) = e.members() else {
        return match catches(kind, e) {
            true => (Some(e.clone()), None),
            false => (None, Some(e.clone())),
        };
    };
    let (mut hit, mut rest) = (Vec::new(), Vec::new());
    for m in members {
        let (h, r) = split(m, kind);
        hit.extend(h);
        rest.extend(r);
    }
    let message = e.group_message().unwrap_or_default();
    match (hit.is_empty(), rest.is_empty()) {
        (true, _) => (None, Some(e.clone())),
        (false, true) => (Some(e.clone()), None),
        (false, false) => (
            Some(Exc::group(message, hit, false)),
            Some(Exc::group(message, rest, false)),
        ),
    }
}

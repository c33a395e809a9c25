//! Python's `repr` of the values that are not plain data: a string (quoted as Python
//! quotes it), a future (which may hold itself) and a timeout.

use std::cell::RefCell;

use simloop::sync::PromiseError;

use super::value::{Fut, seconds_of};
use crate::scenario::py_float;

/// asyncio's `repr` of a future: `<Future pending>`, `<Future finished result=42>`,
/// `<Future finished exception=ValueError('boom')>`, `<Future cancelled>`.
///
/// A future whose result holds the future itself (`set_result = "f", value = "{f}"`, or
/// through a list or another future) shows `...` where it recurs, as CPython's
/// `reprlib.recursive_repr` does: `<Future finished result=...>`. (It recursed until the
/// stack overflowed.)
pub fn future_repr(f: &Fut) -> String {
    thread_local! {
        /// The futures being rendered on this thread, innermost last, by address.
        static RENDERING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    }
    let at = std::ptr::from_ref(f) as usize;
    if RENDERING.with_borrow(|r| r.contains(&at)) {
        return "...".into();
    }
    RENDERING.with_borrow_mut(|r| r.push(at));
    let shown = match f.result() {
        None => "<Future pending>".into(),
        Some(Ok(v)) => format!("<Future finished result={}>", v.repr()),
        Some(Err(PromiseError::Failed(e))) => format!("<Future finished exception={}>", e.repr()),
        Some(Err(PromiseError::Cancelled(_))) => "<Future cancelled>".into(),
    };
    RENDERING.with_borrow_mut(|r| r.pop());
    shown
}

/// asyncio's `repr` of a `Timeout` (3.12): `<Timeout [active] when=2.5>`, `<Timeout
/// [expired]>`.
pub fn timeout_repr(t: &simloop::TimeoutHandle) -> String {
    if t.expired() {
        return "<Timeout [expired]>".to_string();
    }
    match t.deadline() {
        Some(d) => format!("<Timeout [active] when={}>", py_float(seconds_of(d))),
        None => "<Timeout [active] when=None>".to_string(),
    }
}

pub(super) fn py_str_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

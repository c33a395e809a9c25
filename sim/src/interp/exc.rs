//! Exceptions a scenario raises, catches and collects: `Kind(message)` and exception groups.

use std::borrow::Cow;
use std::rc::Rc;

use super::repr::py_str_repr;
use crate::scenario::Loc;

/// An exception raised in a scenario task: `Kind(message)`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{interp, scenario};
///
/// let text = "[main]\nsteps = [{ fail = \"ValueError\", message = \"bad stock\" }]";
/// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
/// let err = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap_err();
/// assert_eq!((err.kind.as_str(), err.message.as_str()), ("ValueError", "bad stock"));
/// ```
#[derive(Clone, Debug)]
pub struct Exc {
    /// Its type name (`ValueError`, `TimeoutError`, `CancelledError`, ...).
    pub kind: String,
    /// Its message.
    pub message: String,
    /// Whether an empty message is still an argument: `CancelledError('')`, not
    /// `CancelledError()`.
    empty_arg: bool,
    /// The step that raised it, once it left that step (not part of its value: equal
    /// exceptions raised in two places are equal). Boxed: exceptions and the values that
    /// hold them live in every task's futures, and a place is rarely read.
    at: Option<Box<Loc>>,
    /// An exception group's own message and its sub-exceptions, which its `repr` shows
    /// (`ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('b')])`); `message`
    /// is its `str`, which counts them.
    group: Option<Rc<Group>>,
}

/// The most characters of an exception's `repr` a failure report prints.
pub(crate) const REPORT_CHARS: usize = 4096;

/// What an exception group holds besides its `str`.
#[derive(Debug)]
struct Group {
    /// The message it was made with (`eg.message`).
    message: String,
    /// Its sub-exceptions, in order (`eg.exceptions`).
    members: Vec<Exc>,
    /// Whether it was made from a tuple, which its `repr` then shows: `except*` wraps a
    /// lone exception as `ExceptionGroup('', (ValueError('v'),))`.
    tuple: bool,
}

impl PartialEq for Exc {
    fn eq(&self, other: &Exc) -> bool {
        (&self.kind, &self.message, self.empty_arg)
            == (&other.kind, &other.message, other.empty_arg)
    }
}

impl Exc {
    /// A new exception; an empty message means no arguments (`TimeoutError()`).
    pub(crate) fn new(kind: impl Into<String>, message: impl Into<String>) -> Exc {
        Exc {
            kind: kind.into(),
            message: message.into(),
            empty_arg: false,
            at: None,
            group: None,
        }
    }

    /// A TaskGroup's `ExceptionGroup` of `errors`, in the order asyncio collects them.
    pub(crate) fn task_group(errors: Vec<Exc>) -> Exc {
        Exc::group("unhandled errors in a TaskGroup", errors, false)
    }

    /// Python's `ExceptionGroup(message, members)` (a `BaseExceptionGroup` when a member
    /// is no `Exception`: a `CancelledError`, or a group of one); `tuple` when made from a
    /// tuple, which its `repr` shows.
    pub(crate) fn group(message: &str, members: Vec<Exc>, tuple: bool) -> Exc {
        let n = members.len();
        let s = if n == 1 { "" } else { "s" };
        let base = members.iter().any(|m| !m.is_exception());
        let kind = if base {
            "BaseExceptionGroup"
        } else {
            "ExceptionGroup"
        };
        Exc {
            group: Some(Rc::new(Group {
                message: message.to_string(),
                members,
                tuple,
            })),
            ..Exc::new(kind, format!("{message} ({n} sub-exception{s})"))
        }
    }

    /// Whether Python's `except Exception` catches it (all but `CancelledError` and a
    /// `BaseExceptionGroup`).
    pub(crate) fn is_exception(&self) -> bool {
        !matches!(self.kind.as_str(), "CancelledError" | "BaseExceptionGroup")
    }

    /// An exception group's sub-exceptions (`eg.exceptions`), None for another exception.
    pub(crate) fn members(&self) -> Option<&[Exc]> {
        self.group.as_ref().map(|g| g.members.as_slice())
    }

    /// An exception group's own message (`eg.message`), None for another exception.
    pub(crate) fn group_message(&self) -> Option<&str> {
        self.group.as_ref().map(|g| g.message.as_str())
    }

    /// A new exception whose message is its argument even when empty (`ValueError('')`).
    pub(crate) fn with_arg(kind: impl Into<String>, message: impl Into<String>) -> Exc {
        Exc {
            empty_arg: true,
            ..Exc::new(kind, message)
        }
    }

    /// `self`, raised by the step written at `at` unless a step inside it raised it.
    pub(crate) fn raised_at(mut self, at: Loc) -> Exc {
        self.at.get_or_insert_with(|| Box::new(at));
        self
    }

    /// Its `repr` and, when known, where it was raised in the file at `path`:
    /// `TypeError('...') (raised at s.toml:3:12)`, as a failure report prints it. A `repr`
    /// past [`REPORT_CHARS`] is cut there (a group of thousands of failures, or a megabyte
    /// message, would flood the report), the place still named after it.
    pub(crate) fn located(&self, path: &str) -> String {
        let mut repr = self.repr();
        if let Some((cut, _)) = repr.char_indices().nth(REPORT_CHARS) {
            let more = repr[cut..].chars().count();
            repr.truncate(cut);
            repr.push_str(&format!("... ({more} more characters)"));
        }
        match self.raised_where() {
            Some(at) => format!("{repr} (raised at {path}:{}:{})", at.line, at.column),
            None => repr,
        }
    }

    /// Where the step that raised it is written in its scenario file.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use simloop::Sim;
    /// use simloop_cli::{interp, scenario};
    ///
    /// let text = "[tasks.t]\nsteps = [{ sleep = 1 }, { fail = \"KeyError\" }]\n[main]\nsteps = [{ call = \"t\" }]";
    /// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
    /// let err = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap_err();
    /// let at = err.raised_where().unwrap();
    /// assert_eq!((at.line, at.column), (2, 25));
    /// ```
    pub fn raised_where(&self) -> Option<Loc> {
        self.at.as_deref().copied()
    }

    /// Python's `repr`: `ValueError('b')`, and `TimeoutError()` for one raised without
    /// arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use simloop::Sim;
    /// use simloop_cli::{interp, scenario};
    ///
    /// let text = "[main]\nsteps = [{ wait_for = 1, do = [{ sleep = 2 }] }]";
    /// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
    /// let err = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap_err();
    /// assert_eq!(err.repr(), "TimeoutError()");
    /// ```
    pub fn repr(&self) -> String {
        format!("{}{}", self.kind, self.arg_list(false))
    }

    /// Python's `e.args`, as Python prints the tuple: `()`, `('why',)`, or a group's
    /// `('message', [ValueError('b')])` (`sim/tests/it/exception_args.rs`).
    pub(crate) fn args(&self) -> String {
        self.arg_list(true)
    }

    /// The arguments in parentheses; a lone one with a trailing comma when `tuple`.
    fn arg_list(&self, tuple: bool) -> String {
        if let Some(g) = &self.group {
            let subs: Vec<String> = g.members.iter().map(Exc::repr).collect();
            let subs = match (g.tuple, subs.len()) {
                (true, 1) => format!("({},)", subs[0]),
                (true, _) => format!("({})", subs.join(", ")),
                (false, _) => format!("[{}]", subs.join(", ")),
            };
            return format!("({}, {subs})", py_str_repr(&g.message));
        }
        if self.message.is_empty() && !self.empty_arg {
            "()".to_string()
        } else if tuple {
            format!("({},)", py_str_repr(&self.message))
        } else {
            format!("({})", py_str_repr(&self.message))
        }
    }

    /// Python's `str`: the message, but for a `KeyError` with an argument the key's `repr`
    /// (`str(KeyError('k'))` is `'k'`, case 326).
    pub(crate) fn py_str(&self) -> Cow<'_, str> {
        if self.kind == "KeyError" && (self.empty_arg || !self.message.is_empty()) {
            Cow::Owned(py_str_repr(&self.message))
        } else {
            Cow::Borrowed(&self.message)
        }
    }
}

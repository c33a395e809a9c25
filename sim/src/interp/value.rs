//! Values a scenario computes with: Python-like scalars, lists, task handles, futures
//! (the exceptions they hold are in `exc.rs`).

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use simloop::sync::PromiseError;
use simloop::{JoinError, JoinHandle, Task, TaskId};

use super::budget::MAX_STRING;
use super::exc::Exc;
pub use super::gather_value::GatherFut;
use super::repr::{future_repr, py_str_repr, timeout_repr};
use crate::scenario::{Literal, py_float};

/// What a task's future returns: the value of its `return` (`None` without one), or the
/// exception that ended it.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::interp::{self, TaskResult};
/// use simloop_cli::scenario;
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ return = 7 }]").unwrap());
/// let result: TaskResult = interp::run(&scn, &Sim::new()).outcome.result.unwrap();
/// assert_eq!(result.unwrap().repr(), "7");
/// ```
pub type TaskResult = Result<Value, Exc>;

/// A task's handle: a plain task, or a TaskGroup child (whose error goes to the group).
pub enum Handle {
    /// `spawn`: shared, so that any number of tasks and combinators await it, as in asyncio.
    Plain(Task<TaskResult>),
    /// `TaskGroup::spawn`: `None` when the child failed; its exception, which went to the
    /// group, is kept in the cell for the child's awaiters (asyncio raises it to them too).
    Group(JoinHandle<Option<Value>>, Rc<RefCell<Option<Exc>>>),
}

impl Handle {
    /// Waits for the task; its value or exception. A plain task may be awaited by others at
    /// the same time; a TaskGroup child only once.
    pub async fn join(self) -> TaskResult {
        let joined = match self {
            Handle::Plain(h) => h.await,
            Handle::Group(h, failure) => h.await.map(|v| {
                v.ok_or_else(|| {
                    failure.borrow().clone().unwrap_or_else(|| {
                        Exc::new("RuntimeError", "the task failed inside its TaskGroup")
                    })
                })
            }),
        };
        from_join(joined)
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        match self {
            Handle::Plain(h) => h.id(),
            Handle::Group(h, _) => h.id(),
        }
    }

    fn cancel(&self, message: Option<String>) -> bool {
        match (self, message) {
            (Handle::Plain(h), Some(m)) => h.cancel_with(m),
            (Handle::Plain(h), None) => h.cancel(),
            (Handle::Group(h, _), Some(m)) => h.cancel_with(m),
            (Handle::Group(h, _), None) => h.cancel(),
        }
    }
}

/// A task's outcome as a scenario value: CancelledError and Panic for join errors.
pub fn from_join(joined: Result<TaskResult, JoinError>) -> TaskResult {
    match joined {
        Ok(r) => r,
        Err(JoinError::Cancelled { message }) => Err(Exc::new(
            "CancelledError",
            message.map(|m| m.to_string()).unwrap_or_default(),
        )),
        Err(JoinError::Panicked { message }) => Err(Exc::new("Panic", message.to_string())),
    }
}

/// A spawned task, shared by every local that names it.
pub struct TaskCell {
    /// Its id.
    pub id: TaskId,
    /// Its name (`set_name` changes it).
    pub name: RefCell<String>,
    /// What renames it in the run (the trace's label).
    pub abort: simloop::AbortHandle,
    /// The handle (a TaskGroup child's, while nobody is awaiting it).
    pub handle: RefCell<Option<Handle>>,
    /// Its outcome, once someone read it: as it ended, a `CancelledError` with its message
    /// (the retrievals see it through [`TaskCell::retrieve`]).
    pub result: RefCell<Option<TaskResult>>,
    /// Whether a retrieval took the message of the `CancelledError` it ended with.
    pub message_taken: Cell<bool>,
}

impl fmt::Debug for TaskCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<Task {}>", self.name.borrow())
    }
}

impl TaskCell {
    /// `task.set_name(name)`: what `get_name()` reads, and the trace's name for it.
    pub fn set_name(&self, name: String) {
        self.abort.set_name(name.clone());
        *self.name.borrow_mut() = name;
    }

    /// A retrieval of the task's outcome `r` (an `await`, `result()`, `exception()`, a
    /// gather it fails, `as_completed`): asyncio hands a cancelled task's `CancelledError`,
    /// with its message, to the first retrieval only (`_make_cancelled_error` gives the
    /// kept `_cancelled_exc` once); every later one gets `CancelledError()` (case 707).
    pub fn retrieve(&self, r: TaskResult) -> TaskResult {
        match r {
            Err(e) if e.kind == "CancelledError" && self.message_taken.replace(true) => {
                Err(Exc::new("CancelledError", ""))
            }
            r => r,
        }
    }

    /// Records the outcome `r` a combinator read, unless an earlier read did (the library
    /// hands a cancelled task's message to its first read only); returns the outcome as the
    /// task ended.
    pub fn keep(&self, r: TaskResult) -> TaskResult {
        self.result.borrow_mut().get_or_insert(r).clone()
    }

    /// Waits for the task and returns its outcome (awaiting a finished task again returns the
    /// same outcome, and several tasks may await a plain task at once, as in asyncio), as a
    /// retrieval ([`TaskCell::retrieve`]).
    pub async fn join(&self) -> TaskResult {
        let r = self.join_raw().await;
        self.retrieve(r)
    }

    async fn join_raw(&self) -> TaskResult {
        if let Some(r) = self.result.borrow().clone() {
            return r;
        }
        let handle = match &*self.handle.borrow() {
            Some(Handle::Plain(t)) => Some(Handle::Plain(t.clone())),
            _ => None,
        };
        let handle = handle.or_else(|| self.handle.borrow_mut().take());
        let Some(handle) = handle else {
            return Err(Exc::new(
                "RuntimeError",
                format!(
                    "task {} is already awaited by another task",
                    self.name.borrow()
                ),
            ));
        };
        let r = handle.join().await;
        self.keep(r)
    }

    /// The task's outcome if it ended and it can be read without awaiting (a TaskGroup
    /// child's only once awaited: its error belongs to the group).
    pub fn outcome(&self) -> Option<TaskResult> {
        if let Some(r) = &*self.result.borrow() {
            return Some(r.clone());
        }
        match &*self.handle.borrow() {
            Some(Handle::Plain(t)) => t.result().map(|r| self.keep(from_join(r))),
            Some(Handle::Group(h, _)) if h.is_finished() => Some(Err(Exc::new(
                "RuntimeError",
                format!(
                    "the result of TaskGroup child {} is read by awaiting it",
                    self.name.borrow()
                ),
            ))),
            _ => None,
        }
    }

    /// Whether the task ended (asyncio's `done()`).
    pub fn done(&self) -> bool {
        match &*self.handle.borrow() {
            Some(Handle::Plain(t)) => t.done(),
            Some(Handle::Group(h, _)) => h.is_finished(),
            None => true,
        }
    }

    /// Whether the task ended by cancellation (asyncio's `cancelled()`).
    pub fn cancelled(&self) -> bool {
        if let Some(r) = &*self.result.borrow() {
            return matches!(r, Err(e) if e.kind == "CancelledError");
        }
        match &*self.handle.borrow() {
            Some(Handle::Plain(t)) => t.cancelled(),
            Some(Handle::Group(h, _)) => h.cancelled(),
            None => false,
        }
    }

    /// How many cancellations of the task are pending (asyncio's `cancelling()`).
    pub fn cancelling(&self) -> u32 {
        match &*self.handle.borrow() {
            Some(Handle::Plain(t)) => t.cancelling(),
            Some(Handle::Group(h, _)) => h.cancelling(),
            // A TaskGroup child being awaited, or awaited already: its count stays
            // readable after it ended, as asyncio's does (case 722).
            None => self.abort.cancelling(),
        }
    }

    /// Requests the task's cancellation; false if it already ended.
    pub fn cancel(&self, message: Option<String>) -> bool {
        let handle = self.handle.borrow();
        match handle.as_ref() {
            Some(h) => h.cancel(message),
            None => simloop::task::cancel(self.id),
        }
    }
}

/// A value a scenario computes with, as Python sees it: `None`, numbers, booleans, strings,
/// lists, tasks, futures and caught exceptions.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::interp::{self, Value};
/// use simloop_cli::scenario;
///
/// let text = "[main]\nsteps = [{ return = [2, 0.5, \"a\", true] }]";
/// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
/// let value = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap();
/// let Value::List(items) = &value else { panic!("a list") };
/// assert!(matches!(items[..], [Value::Int(2), Value::Float(0.5), Value::Str(_), Value::Bool(true)]));
/// ```
#[derive(Clone, Debug)]
pub enum Value {
    /// Python's `None`.
    None,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string (shared: a copy of a value is a reference, as in Python, so a megabyte
    /// string put in a queue a million times is one string, not a terabyte).
    Str(Rc<str>),
    /// A list (shared, as a string is).
    List(Rc<[Value]>),
    /// A tuple: an exception group's `eg.exceptions` (a scenario makes no other; shared,
    /// as a list is).
    Tuple(Rc<[Value]>),
    /// A task.
    Task(Rc<TaskCell>),
    /// A caught or collected exception.
    Error(Exc),
    /// The TaskGroup that `spawn` steps go into (a hidden local).
    Group(Rc<simloop::TaskGroup<Exc>>),
    /// A future made by `create_future` (asyncio's `loop.create_future()`).
    Future(Rc<Fut>),
    /// A gather held as a value (`gather ... future`, asyncio's `g = asyncio.gather(...)`).
    Gather(Rc<GatherFut>),
    /// An awaitable of an `as_completed` loop (`as_completed ... future`).
    Completion(Rc<super::completions::Completion>),
    /// A loop callback's handle (`call_soon ... as`); whether it waits on a timer
    /// (asyncio's `TimerHandle`).
    Handle(Rc<simloop::task::CallHandle>, bool),
    /// A timeout's handle (`timeout ... as`, asyncio's `Timeout`).
    Timeout(simloop::TimeoutHandle),
}

/// A scenario's bare future: simloop's [`Promise`](simloop::sync::Promise) of a value or an
/// exception.
pub type Fut = simloop::sync::Promise<Value, Exc>;

/// Waits for `f`: its result, its exception, or `CancelledError` with the cancel message.
pub async fn await_future(f: &Fut) -> TaskResult {
    f.wait().await.map_err(promise_error)
}

/// A future's failure as the exception its awaiter sees.
pub fn promise_error(e: PromiseError<Exc>) -> Exc {
    match e {
        PromiseError::Failed(e) => e,
        PromiseError::Cancelled(m) => Exc::new("CancelledError", m.unwrap_or_default()),
    }
}

/// `at` as asyncio's `loop.time()` gives it: seconds since the run began.
pub fn seconds_of(at: simloop::Instant) -> f64 {
    (at - simloop::Instant::ZERO).as_secs_f64()
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.repr() == other.repr()
    }
}

/// Python's `<` between two values, when Python can order them: numbers (booleans
/// included) by value, strings, and lists by their first differing item (then by length).
/// NaN is not ordered (an expression comparing it raises `TypeError`).
pub fn py_order(a: &Value, b: &Value) -> Option<Ordering> {
    let num = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                if !py_equal(p, q) {
                    return py_order(p, q);
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => {
            let (x, y) = (num(a)?, num(b)?);
            x.partial_cmp(&y)
        }
    }
}

/// Python's `==`: numbers by value, tasks, futures and handles by identity (two tasks of
/// one name are two tasks: `t in done`), other values of one type by their `repr`, values
/// of different types never equal.
pub fn py_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Task(x), Value::Task(y)) => return Rc::ptr_eq(x, y),
        (Value::Future(x), Value::Future(y)) => return Rc::ptr_eq(x, y),
        (Value::Gather(x), Value::Gather(y)) => return Rc::ptr_eq(x, y),
        (Value::Completion(x), Value::Completion(y)) => return Rc::ptr_eq(x, y),
        (Value::Handle(x, _), Value::Handle(y, _)) => return Rc::ptr_eq(x, y),
        (Value::Group(x), Value::Group(y)) => return Rc::ptr_eq(x, y),
        _ => {}
    }
    match py_order(a, b) {
        Some(o) => o == Ordering::Equal,
        None => std::mem::discriminant(a) == std::mem::discriminant(b) && a == b,
    }
}

impl Value {
    /// Parses rendered text back into a number when it is one (template results).
    pub(crate) fn from_text(s: String) -> Value {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Int(i);
        }
        Value::Str(s.into())
    }

    /// Python's `repr`: `'a'` for a string, `[1, 'b']` for a list, `True`, `None`,
    /// `<Future pending>`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use simloop::Sim;
    /// use simloop_cli::{interp, scenario};
    ///
    /// let text = "[main]\nsteps = [{ create_future = \"f\" }, { return = [\"a\", 1.5, true, \"{f}\"] }]";
    /// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
    /// let value = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap();
    /// assert_eq!(value.repr(), "['a', 1.5, True, <Future pending>]");
    /// ```
    ///
    /// A list's repr stops growing once it passes 1 MiB (a string that long is
    /// a `MemoryError` wherever it is made): a list holds its items shared, so a list of
    /// 60,000 references to one megabyte string is cheap to keep but would be 60 GB written
    /// out.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    /// Appends [`Value::repr`] to `out`, stopping once `out` passes [`MAX_STRING`] bytes.
    fn write_repr(&self, out: &mut String) {
        match self {
            Value::Str(s) => out.push_str(&py_str_repr(s)),
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if out.len() > MAX_STRING {
                        return;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out);
                }
                out.push(']');
            }
            Value::Tuple(items) => {
                // Python's tuple: `(a,)` for one item, `(a, b)` for more.
                out.push('(');
                for (i, v) in items.iter().enumerate() {
                    if out.len() > MAX_STRING {
                        return;
                    }
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_repr(out);
                }
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Value::Error(e) => out.push_str(&e.repr()),
            other => {
                use std::fmt::Write as _;
                let _ = write!(out, "{other}");
            }
        }
    }

    /// Python's `type(v).__name__` (for a list, the list of its items' type names, a nested
    /// list's as a nested list). A nested list's names were once rendered into a string,
    /// which the next level quoted again: the text doubled with each level, so `{v:type}`
    /// of a list nested 31 deep built gigabytes before the output limit could stop it.
    pub(crate) fn type_name(&self) -> Value {
        let name = match self {
            Value::None => "NoneType",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::Str(_) => "str",
            Value::List(items) => return Value::List(items.iter().map(Value::type_name).collect()),
            Value::Tuple(_) => "tuple",
            Value::Task(_) => "Task",
            Value::Error(e) => &e.kind,
            Value::Group(_) => "TaskGroup",
            Value::Future(_) => "Future",
            Value::Gather(_) => "_GatheringFuture",
            Value::Completion(_) => "coroutine",
            Value::Handle(_, false) => "Handle",
            Value::Handle(_, true) => "TimerHandle",
            Value::Timeout(_) => "Timeout",
        };
        Value::Str(name.into())
    }

    /// How many items the value holds, nested lists counted whole, how deep its lists
    /// nest (0 for a value that is not a list), and how many bytes of strings it holds
    /// (each item counted, shared or not).
    pub(crate) fn size(&self) -> (usize, usize, usize) {
        match self {
            Value::List(items) | Value::Tuple(items) => {
                items.iter().fold((items.len(), 1, 0), |(n, d, b), v| {
                    let (vn, vd, vb) = v.size();
                    (n.saturating_add(vn), d.max(vd + 1), b.saturating_add(vb))
                })
            }
            Value::Str(s) => (0, 0, s.len()),
            _ => (0, 0, 0),
        }
    }

    /// The value as an integer, if it is one.
    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// The value as a float (seconds, a float variable's value), if it is a number.
    pub(crate) fn as_float(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl From<Literal> for Value {
    fn from(l: Literal) -> Value {
        match l {
            Literal::Int(i) => Value::Int(i),
            Literal::Float(f) => Value::Float(f),
            Literal::Bool(b) => Value::Bool(b),
        }
    }
}

impl fmt::Display for Value {
    /// Python's `str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&py_float(*x)),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Str(s) => f.write_str(s),
            Value::List(_) | Value::Tuple(_) => f.write_str(&self.repr()),
            Value::Task(t) => write!(f, "<Task {}>", t.name.borrow()),
            Value::Error(e) => f.write_str(&e.py_str()),
            Value::Group(_) => f.write_str("<TaskGroup>"),
            Value::Future(fut) => f.write_str(&future_repr(fut)),
            Value::Gather(g) => f.write_str(&super::gather_value::gather_repr(g)),
            Value::Completion(_) => f.write_str(super::completions::COROUTINE),
            Value::Handle(h, timer) => {
                let kind = if *timer { "TimerHandle" } else { "Handle" };
                let state = if h.cancelled() { " cancelled" } else { "" };
                write!(f, "<{kind}{state}>")
            }
            Value::Timeout(t) => f.write_str(&timeout_repr(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_like_python() {
        let v = Value::List(
            vec![
                Value::Str("a".into()),
                Value::Error(Exc::new("ValueError", "b")),
                Value::Int(3),
                Value::Float(0.5),
            ]
            .into(),
        );
        assert_eq!(v.repr(), "['a', ValueError('b'), 3, 0.5]");
        assert_eq!(Value::Str("it's".into()).repr(), "\"it's\"");
        assert_eq!(Value::from_text("42".into()).as_int(), Some(42));
    }

    /// Case 326: `str()` of a `KeyError` is its key's `repr`; of another exception, the
    /// message as it is.
    #[test]
    fn key_error_str_is_the_key_repr() {
        let key = |m: &str| Value::Error(Exc::new("KeyError", m)).to_string();
        assert_eq!(key("k"), "'k'");
        assert_eq!(key(""), "");
        assert_eq!(Value::Error(Exc::new("ValueError", "k")).to_string(), "k");
    }
}

//! A gather held as a value (`{ gather = [...], future = "g" }`, asyncio's `g =
//! asyncio.gather(...)`): made at once, its children running, read (`g.done()`,
//! `g.result()`, ...), cancelled (`g.cancel()`) and awaited later, on simloop's
//! `try_gather` / `gather_all`, so hops, cancellation and trace are the library's.
//!
//! asyncio's `_GatheringFuture` is never itself cancelled: `cancel()` cancels the children
//! and marks the request, and the gather ends with a `CancelledError` as its exception
//! (`cancelled()` stays false), also under `return_exceptions=True`, once every child
//! ended (issue 32684). simloop's `gather_all` lists the cancelled children instead, so the
//! request is kept here and the list turned into that exception (its message the last
//! child's, as the library's `try_gather` makes it: `GatherFut::cancelled_error`).
//!
//! **Differs from asyncio:** one task awaits it at a time (another, while it waits, gets a
//! `RuntimeError`; once it is done any number may); a cancellation of its awaiting task
//! reaches the children as it does for an inline gather, but is not recorded as a
//! `cancel()` of the gather (a later read of a `return_exceptions` gather lists the
//! cancelled children where asyncio raises `CancelledError`).

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;

use futures::FutureExt as _;
use simloop::{GatherAll, GatherError, TaskId, TryGather};

use super::budget::{Stopped, check_result};
use super::combine::{failure, gathered};
use super::env::Env;
use super::exc::Exc;
use super::state::Rt;
use super::value::{TaskCell, TaskResult, Value, from_join};
use crate::scenario::GatherItems;

impl Rt {
    /// `g = asyncio.gather(...)`: the children spawned (or the tasks given) and the gather
    /// made, not awaited; kept until the run ends, as asyncio's loop keeps its children
    /// running when the last reference to the gather goes (dropping simloop's would
    /// cancel them). `Err` when the task limit stops the run.
    pub(super) fn gather_value(
        self: &Rc<Self>,
        env: &Env,
        items: &GatherItems,
        return_exceptions: bool,
    ) -> Result<Result<Rc<GatherFut>, Stopped>, Exc> {
        let g = match items {
            GatherItems::Calls(calls) => {
                if let Some(why) = self.count_tasks(calls.len() as u64) {
                    return Ok(Err(why));
                }
                let futs = self.call_futures(env, calls)?;
                let inner = match return_exceptions {
                    true => Inner::All(simloop::gather_all(futs)),
                    false => Inner::Try(simloop::try_gather(futs)),
                };
                GatherFut::new(inner, Vec::new())
            }
            GatherItems::Tasks(names) => {
                if self.has_future(env, names)? {
                    return Err(Exc::new(
                        "TypeError",
                        "a gather over bare futures cannot be held as a value here: await it where it is made (`as`)",
                    ));
                }
                let cells = self.cells(env, names)?;
                let handles = Self::handles(&cells)?;
                let inner = match return_exceptions {
                    true => Inner::All(simloop::gather_all_tasks(handles)),
                    false => Inner::Try(simloop::try_gather_tasks(handles)),
                };
                GatherFut::new(inner, cells)
            }
        };
        let g = Rc::new(g);
        self.gathers.borrow_mut().push(Rc::clone(&g));
        Ok(Ok(g))
    }
}

/// The library's gather inside: failing at the first exception, or listing every outcome.
enum Inner {
    /// `return_exceptions=False`.
    Try(TryGather<Value, Exc>),
    /// `return_exceptions=True`.
    All(GatherAll<TaskResult>),
}

/// A gather's future, shared by every local and task that holds it.
pub struct GatherFut {
    /// The gather until it resolved, then its outcome.
    state: RefCell<State>,
    /// Its children when they are existing tasks (their outcomes are read as an inline
    /// gather reads them: a cancelled child's message goes to the first retrieval).
    cells: Vec<Rc<TaskCell>>,
    /// The task awaiting it now, if any (one at a time: see the module's note).
    awaiter: Cell<Option<TaskId>>,
    /// `cancel()` took effect, with its message: the gather ends in `CancelledError` (with
    /// the last child's message, `GatherFut::cancelled_error`).
    cancel_requested: RefCell<Option<Option<String>>>,
}

impl std::fmt::Debug for GatherFut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&gather_repr(self))
    }
}

enum State {
    Pending(Inner),
    Done(TaskResult),
}

impl GatherFut {
    fn new(inner: Inner, cells: Vec<Rc<TaskCell>>) -> GatherFut {
        GatherFut {
            state: RefCell::new(State::Pending(inner)),
            cells,
            awaiter: Cell::new(None),
            cancel_requested: RefCell::new(None),
        }
    }

    /// `g.done()`.
    pub(super) fn done(&self) -> bool {
        match &*self.state.borrow() {
            State::Pending(Inner::Try(g)) => g.done(),
            State::Pending(Inner::All(g)) => g.done(),
            State::Done(_) => true,
        }
    }

    /// Its outcome once done (taken from the library's gather, which is done, so one poll
    /// gives it without registering anyone); None while pending.
    pub(super) fn outcome(&self) -> Option<TaskResult> {
        if !self.done() {
            return None;
        }
        let mut st = self.state.borrow_mut();
        let r = match &mut *st {
            State::Done(r) => return Some(r.clone()),
            State::Pending(Inner::Try(g)) => g.now_or_never().map(|r| self.failing_result(r)),
            State::Pending(Inner::All(g)) => g.now_or_never().map(|r| self.listing_result(r)),
        }?;
        *st = State::Done(r.clone());
        Some(r)
    }

    /// Its outcome if it is done and not being settled right now (a gather whose list
    /// holds itself meets itself while its list is checked): for measuring nesting.
    pub(super) fn peek(&self) -> Option<TaskResult> {
        match &*self.state.try_borrow().ok()? {
            State::Done(r) => Some(r.clone()),
            State::Pending(_) => None,
        }
    }

    /// `g.cancel(msg)`: cancels the unfinished children in argument order; false when the
    /// gather is done or no child could be cancelled.
    pub(super) fn cancel(&self, message: Option<String>) -> bool {
        let taken = match &*self.state.borrow() {
            State::Done(_) => false,
            State::Pending(Inner::Try(g)) => match message.clone() {
                Some(m) => g.cancel_with(m),
                None => g.cancel(),
            },
            State::Pending(Inner::All(g)) => match message.clone() {
                Some(m) => g.cancel_with(m),
                None => g.cancel(),
            },
        };
        if taken {
            self.cancel_requested.borrow_mut().get_or_insert(message);
        }
        taken
    }

    /// `await g`: its list of values, or the exception it ended with.
    pub(super) async fn wait(&self) -> TaskResult {
        if let Some(r) = self.outcome() {
            return r;
        }
        let me = simloop::task::current();
        if self.awaiter.get().is_some_and(|t| t != me) {
            return Err(Exc::new(
                "RuntimeError",
                "this gather is awaited by another task already: await a task that awaits it",
            ));
        }
        self.awaiter.set(Some(me));
        let guard = Awaiting(&self.awaiter);
        let r = poll_fn(|cx| {
            let mut st = self.state.borrow_mut();
            let r = match &mut *st {
                State::Done(r) => return Poll::Ready(r.clone()),
                State::Pending(Inner::Try(g)) => g.poll_unpin(cx).map(|r| self.failing_result(r)),
                State::Pending(Inner::All(g)) => g.poll_unpin(cx).map(|r| self.listing_result(r)),
            };
            if let Poll::Ready(r) = &r {
                *st = State::Done(r.clone());
            }
            r
        })
        .await;
        drop(guard);
        r
    }

    /// `try_gather`'s outcome as asyncio's gather ends.
    fn failing_result(&self, r: Result<Vec<Value>, GatherError<Exc>>) -> TaskResult {
        match r {
            Ok(vs) => checked(Value::List(vs.into())),
            Err(GatherError::Failed(e)) => Err(self.failure(e)),
            Err(GatherError::Join(j)) => {
                Err(self.failure(from_join(Err(j)).expect_err("a join error")))
            }
        }
    }

    /// What it raises for the failure `e`: over tasks, as an inline gather reads them
    /// (`combine::failure`); over calls, `e` (no one else holds their tasks).
    fn failure(&self, e: Exc) -> Exc {
        match self.cells.is_empty() {
            true => e,
            false => failure(&self.cells, e),
        }
    }

    /// `gather_all`'s outcome as asyncio's `return_exceptions=True` gather ends: the list,
    /// or `CancelledError` when `cancel()` took effect.
    fn listing_result(&self, r: Vec<Result<TaskResult, simloop::JoinError>>) -> TaskResult {
        if self.cancel_requested.borrow().is_some() {
            return Err(self.cancelled_error(r));
        }
        let list = r
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let r = from_join(r);
                // Listed, not retrieved: the message stays (case 707).
                let r = match self.cells.get(i) {
                    Some(c) => c.keep(r),
                    None => r,
                };
                match r {
                    Ok(v) => v,
                    Err(e) => Value::Error(gathered(e)),
                }
            })
            .collect();
        checked(Value::List(list))
    }
}

impl GatherFut {
    /// What a cancelled `return_exceptions` gather raises once every child ended: asyncio's
    /// `_make_cancelled_error()` of the last child in argument order (its loop's `fut`), as
    /// the library's `try_gather` does (767): that child's `CancelledError`, a retrieval,
    /// if it ended cancelled; else one with no message, whatever `cancel()` was given (a
    /// child that caught the cancellation and returned: seed 8621, program 273, case 789).
    fn cancelled_error(&self, r: Vec<Result<TaskResult, simloop::JoinError>>) -> Exc {
        let bare = Exc::new("CancelledError", "");
        let Some((i, last)) = r.into_iter().enumerate().last() else {
            return bare;
        };
        let last = from_join(last);
        let last = match self.cells.get(i) {
            Some(c) => c.retrieve(c.keep(last)),
            None => last,
        };
        match last {
            Err(e) if e.kind == "CancelledError" && !e.message.is_empty() => e,
            // Ended cancelled, its message taken in the interpreter's record: `cancel()`'s,
            // which asyncio's callback, the first retrieval, took (seed 8620, program 145).
            Err(e) if e.kind == "CancelledError" => {
                let message = self.cancel_requested.borrow().clone().flatten();
                Exc::new("CancelledError", message.unwrap_or_default())
            }
            _ => bare,
        }
    }
}

/// `v`, or a `MemoryError` when it nests too deep to keep (a chain of gathers, each the
/// result of the next).
fn checked(v: Value) -> TaskResult {
    check_result(&v).map(|()| v)
}

/// Clears the awaiter when its wait ends or is dropped (the awaiting task cancelled).
struct Awaiting<'a>(&'a Cell<Option<TaskId>>);

impl Drop for Awaiting<'_> {
    fn drop(&mut self) {
        self.0.set(None);
    }
}

/// asyncio's `repr`: `<_GatheringFuture pending>`, `<_GatheringFuture finished
/// result=[1, 2]>`, `<_GatheringFuture finished exception=ValueError('x')>`; a gather met
/// again inside its own result (a list holding it) is `...`.
pub(super) fn gather_repr(g: &GatherFut) -> String {
    thread_local! {
        /// The gathers being rendered on this thread, innermost last, by address.
        static RENDERING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    }
    let at = std::ptr::from_ref(g) as usize;
    if RENDERING.with_borrow(|r| r.contains(&at)) {
        return "...".into();
    }
    RENDERING.with_borrow_mut(|r| r.push(at));
    let shown = match g.peek().or_else(|| g.outcome()) {
        None => "<_GatheringFuture pending>".into(),
        Some(Ok(v)) => format!("<_GatheringFuture finished result={}>", v.repr()),
        Some(Err(e)) => format!("<_GatheringFuture finished exception={}>", e.repr()),
    };
    RENDERING.with_borrow_mut(|r| r.pop());
    shown
}

//! `gather` over bare futures (with or without tasks): asyncio's `_GatheringFuture` built
//! from done-callbacks, as CPython builds it, so a future adds no hop a wrapper task would.
//!
//! asyncio's gather adds `_done_callback` to each child (a future's runs one ready-queue
//! slot after it is set, a task's one slot after it ends) and resolves an outer future in
//! that callback; the awaiting task wakes one slot later. simloop's `Promise` and `Task`
//! done-callbacks take the same slots, and the outer future here is a `Promise`, so the
//! hops are CPython's (checked against CPython 3.11-3.13 by the scenario
//! `gather_of_futures.toml`). A gather over tasks only stays on simloop's `gather_tasks`.
//!
//! **Differs from asyncio:** a cancellation of the awaiting task reaches the children when
//! that task's turn drops the gather (simloop's cancellation), not inside `cancel()`.

use std::cell::RefCell;
use std::rc::Rc;

use super::exc::Exc;
use super::value::{Fut, Handle, TaskCell, TaskResult, Value, await_future, from_join};

/// A child of the gather.
pub(super) enum Child {
    /// A task (its cell keeps the outcome, so it can be awaited again).
    Task(Rc<TaskCell>),
    /// A bare future.
    Future(Rc<Fut>),
}

impl Child {
    /// Whether it ended.
    pub(super) fn done(&self) -> bool {
        match self {
            Child::Task(c) => c.done(),
            Child::Future(f) => f.done(),
        }
    }

    /// It, as a value.
    pub(super) fn value(&self) -> Value {
        match self {
            Child::Task(c) => Value::Task(Rc::clone(c)),
            Child::Future(f) => Value::Future(Rc::clone(f)),
        }
    }

    /// Its identity, to take each child once (as asyncio's set does); never printed.
    pub(super) fn key(&self) -> usize {
        match self {
            Child::Task(c) => Rc::as_ptr(c) as usize,
            Child::Future(f) => Rc::as_ptr(f) as *const u8 as usize,
        }
    }

    /// Its outcome as a combinator hands it over: a task's is kept, so it may be awaited
    /// again, and retrieved (its cancel message goes to the first read, case 707).
    pub(super) fn read(&self, r: TaskResult) -> TaskResult {
        match self {
            Child::Task(c) => c.retrieve(c.keep(r)),
            Child::Future(_) => r,
        }
    }
}

struct State {
    outcomes: Vec<Option<TaskResult>>,
    remaining: usize,
    return_exceptions: bool,
    outer: Rc<Fut>,
    /// Whether a callback resolved the outer future (a cancellation of the awaiting task
    /// may also settle it, by cancelling the future it awaits).
    resolved: bool,
}

/// asyncio's `_done_callback`: records child `i`'s outcome and resolves the outer future at
/// the first failure (without `return_exceptions`) or when every child ended.
/// A task child's failure is a retrieval of its outcome (`cell`: its message goes to the
/// first, case 707).
fn on_done(state: &RefCell<State>, i: usize, r: TaskResult, cell: Option<&TaskCell>) {
    let mut s = state.borrow_mut();
    s.remaining -= 1;
    if s.resolved || s.outer.done() {
        return;
    }
    if !s.return_exceptions && r.is_err() {
        let e = match cell {
            Some(c) => c.retrieve(r),
            None => r,
        }
        .expect_err("checked");
        s.resolved = true;
        let outer = Rc::clone(&s.outer);
        drop(s);
        let _ = outer.set_error(e);
        return;
    }
    // asyncio lists `CancelledError(fut._cancel_message or '')`: a task's is fresh, a bare
    // future's keeps its message (case 759).
    s.outcomes[i] = Some(match cell {
        None if r.as_ref().is_err_and(|e| !e.message.is_empty()) => r,
        _ => r.map_err(super::combine::gathered),
    });
    if s.remaining == 0 {
        let list = s
            .outcomes
            .iter_mut()
            .map(|o| match o.take().expect("every child ended") {
                Ok(v) => v,
                Err(e) => Value::Error(e),
            })
            .collect();
        s.resolved = true;
        let outer = Rc::clone(&s.outer);
        drop(s);
        let _ = outer.set_result(Value::List(list));
    }
}

/// Cancels the children still running when the gather is dropped before it resolved (its
/// awaiting task was cancelled): asyncio's `_GatheringFuture.cancel`, in argument order.
struct CancelOnDrop<'a> {
    children: &'a [Child],
    state: &'a RefCell<State>,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if self.state.borrow().resolved {
            return;
        }
        let message = simloop::task::cancel_message();
        for c in self.children {
            match c {
                Child::Task(t) => {
                    t.cancel(message.clone());
                }
                Child::Future(f) => {
                    super::futures::cancel(f, message.clone());
                }
            }
        }
    }
}

/// `await asyncio.gather(*children, return_exceptions=...)`: the list of values, or the
/// first exception.
/// `name` names the outer future in deadlock reports (`gather(f, t)`).
pub(super) async fn gather(
    children: Vec<Child>,
    return_exceptions: bool,
    name: &str,
) -> Result<Value, Exc> {
    let outer = Rc::new(Fut::named(name));
    let n = children.len();
    let state = Rc::new(RefCell::new(State {
        outcomes: (0..n).map(|_| None).collect(),
        remaining: n,
        return_exceptions,
        outer: Rc::clone(&outer),
        resolved: n == 0,
    }));
    if n == 0 {
        let _ = outer.set_result(Value::List(Vec::new().into()));
    }
    // As CPython 3.12's gather: callbacks on the pending children first, then the ones that
    // already ended are taken at once, in argument order.
    let mut ended = Vec::new();
    for (i, c) in children.iter().enumerate() {
        match c {
            Child::Future(f) => match f.result() {
                Some(r) => ended.push((i, r.map_err(super::value::promise_error))),
                None => {
                    let state = Rc::clone(&state);
                    f.add_done_callback(move |r| {
                        on_done(&state, i, r.map_err(super::value::promise_error), None);
                    });
                }
            },
            Child::Task(cell) => match cell.outcome() {
                Some(r) => ended.push((i, r)),
                None => {
                    let task = match &*cell.handle.borrow() {
                        Some(Handle::Plain(t)) => t.clone(),
                        _ => {
                            return Err(Exc::new(
                                "RuntimeError",
                                format!(
                                    "{} belongs to a TaskGroup; await it instead",
                                    cell.name.borrow()
                                ),
                            ));
                        }
                    };
                    let (state, cell) = (Rc::clone(&state), Rc::clone(cell));
                    task.add_done_callback(move |t| {
                        let r = from_join(t.result().expect("a done task has an outcome"));
                        let r = cell.keep(r);
                        on_done(&state, i, r, Some(&cell));
                    });
                }
            },
        }
    }
    for (i, r) in ended {
        let cell = match &children[i] {
            Child::Task(c) => Some(&**c),
            Child::Future(_) => None,
        };
        on_done(&state, i, r, cell);
    }
    let guard = CancelOnDrop {
        children: &children,
        state: &state,
    };
    // A resolved gather does not yield (awaiting a done future).
    let r = await_future(&outer).await;
    drop(guard);
    r
}

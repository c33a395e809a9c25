//! Which context is current: the per-run state (the context of each task, the contexts
//! entered by `Context::run`), kept beside the engine as the run's ambient state, and the
//! thread's own outside any run.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::Context;
use crate::runtime::{Ambient, Enter, try_with};
use crate::task::TaskId;

/// The contexts of one run (or of a thread outside any run).
///
/// **Invariant: a task absent from `tasks` has an empty context** that nothing holds yet:
/// a task is entered there only when it is spawned in a non-empty context (`spawned`), by
/// [`spawn_in`](super::spawn_in), or when its context is asked for (a `set`, a
/// `task_context`). A run that never uses a context variable has no state at all.
pub(super) struct State {
    /// Each task's context, by task number (never iterated for output).
    pub(super) tasks: BTreeMap<u32, Context>,
    /// The contexts `Context::run` entered, innermost last, each with the task that entered
    /// it (`None`: a callback, or code outside a run). Only the running task's own entries
    /// are current: an eager task's first step, run inside its creator's `Context::run`,
    /// runs in its own context, the copy made at its creation (asyncio's
    /// `self._context.run(...)` in `__eager_start`).
    pub(super) entered: Vec<(Option<TaskId>, Context)>,
    /// The context of code that runs in no task and no entered context: outside a run,
    /// the thread's; in a run, a callback's registered before the state was installed,
    /// emptied after each ([`Ambient::settle`]).
    pub(super) root: Context,
}

thread_local! {
    /// The state of code outside any run on this thread.
    static OUTSIDE: RefCell<State> = RefCell::new(State::new());
}

/// Runs `f` on the state of the run on this thread (installed on first use) and its
/// running task, or outside a run on the thread's own state. `f` must not run user code
/// nor drop a context: the core is borrowed.
pub(super) fn with_state<R>(f: impl FnOnce(&mut State, Option<TaskId>) -> R) -> R {
    let mut f = Some(f);
    let in_run = try_with(|c| {
        let running = c.running();
        let f = f.take().expect("called once");
        f(c.ambient(State::new), running)
    });
    match (in_run, f) {
        (Some(r), _) => r,
        (None, Some(f)) => OUTSIDE.with(|s| f(&mut s.borrow_mut(), None)),
        (None, None) => unreachable!("`try_with` returned without its value"),
    }
}

/// Runs `f` in a copy of the current context: `to_thread`'s function, which asyncio runs
/// with `copy_context().run`.
pub(crate) fn run_in_copy<R>(f: impl FnOnce() -> R) -> R {
    let copy = with_state(|s, running| s.peek(running).map(Context::copy)).unwrap_or_default();
    // A fresh copy is entered by nobody, so `run` cannot refuse it.
    let mut f = Some(f);
    match copy.run(|| (f.take().expect("called once"))()) {
        Ok(r) => r,
        Err(_) => (f.take().expect("not called"))(),
    }
}

impl State {
    fn new() -> State {
        State {
            tasks: BTreeMap::new(),
            entered: Vec::new(),
            root: Context::new(),
        }
    }

    /// The current context of code run by `running`, if it has one yet (`None`: an empty
    /// one nothing holds).
    pub(super) fn peek(&self, running: Option<TaskId>) -> Option<&Context> {
        if let Some(c) = self.entered_by(running) {
            return Some(c);
        }
        match running {
            Some(t) => self.tasks.get(&t.get()),
            None => Some(&self.root),
        }
    }

    /// The current context of code run by `running`, made for its task if it had none.
    pub(super) fn current(&mut self, running: Option<TaskId>) -> Context {
        if let Some(c) = self.entered_by(running) {
            return c.clone();
        }
        match running {
            Some(t) => self.task(t).clone(),
            None => self.root.clone(),
        }
    }

    /// The innermost context `running` entered, if it is the last one entered (an eager
    /// task's first step runs above its creator's entries).
    fn entered_by(&self, running: Option<TaskId>) -> Option<&Context> {
        self.entered
            .last()
            .filter(|(by, _)| *by == running)
            .map(|(_, c)| c)
    }

    /// Task `t`'s context, made empty if it had none.
    pub(super) fn task(&mut self, t: TaskId) -> &Context {
        self.tasks.entry(t.get()).or_default()
    }

    /// Whether `ctx` is entered: by `Context::run`, or as the context of the running task,
    /// which asyncio enters for each of its steps.
    pub(super) fn is_entered(&self, ctx: &Context, running: Option<TaskId>) -> bool {
        ctx.is_marked_entered()
            || running
                .and_then(|t| self.tasks.get(&t.get()))
                .is_some_and(|own| own.ptr_eq(ctx))
    }
}

impl Ambient for State {
    fn spawned(&mut self, parent: Option<TaskId>, child: TaskId) {
        // asyncio's `create_task`: the child runs in a copy of its creator's context. An
        // empty one needs no entry (the invariant above).
        if let Some(ctx) = self.peek(parent).filter(|c| !c.is_empty()) {
            let copy = ctx.copy();
            self.tasks.insert(child.get(), copy);
        }
    }

    fn capture(&mut self, by: Option<TaskId>) -> Option<Rc<dyn Enter>> {
        // asyncio's `Handle`: a callback runs in a copy of the context current when it was
        // registered, so what it sets is its own.
        let copy = self.peek(by).map(Context::copy).unwrap_or_default();
        Some(Rc::new(copy))
    }

    fn settle(&mut self) -> Option<Box<dyn Any>> {
        if self.root.is_empty() {
            return None;
        }
        Some(Box::new(std::mem::take(&mut self.root)))
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

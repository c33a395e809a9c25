//! What each local of a task template is known to hold, so that a step given the wrong kind
//! of value (`await` of a number, `set_result` on a task, `wait` over a bare future) is an
//! error located when the file is read instead of a `TypeError` when the run gets there.
//!
//! A local's kind is known only when every binding of it in the template (in any block,
//! callbacks and shields included) gives the same kind, so the check never refuses a
//! program that could run: a name bound to a number in one branch and to a task in another,
//! or a parameter (whose value comes from the caller), is left to the run, which still
//! raises `TypeError` naming the local.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use crate::scenario::prim::Prim;
use crate::scenario::raw::{RawStep, Scalar};

/// A kind of value a local may be known to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Held {
    /// A task (`spawn ... as`).
    Task,
    /// A list of tasks (`spawn ... count`, `wait ... as`).
    Tasks,
    /// A bare future (`create_future`).
    Future,
    /// A gather's future (`gather ... future`).
    Gather,
    /// An awaitable of `as_completed` (`as_completed ... future`).
    Completion,
    /// A loop callback's handle (`call_soon ... as`).
    Handle,
    /// A timeout's handle (`timeout ... as`).
    Timeout,
    /// A TaskGroup (`task_group ... as`).
    Group,
    /// A value that is not awaitable, described as Python names its type (`an int`).
    Plain(&'static str),
}

impl Held {
    /// How an error names it.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Held::Task => "a task",
            Held::Tasks => "a list of tasks",
            Held::Future => "a future",
            Held::Gather => "a gather",
            Held::Completion => "an as_completed awaitable",
            Held::Handle => "a callback handle",
            Held::Timeout => "a timeout's handle",
            Held::Group => "a task group",
            Held::Plain(what) => what,
        }
    }
}

/// What a step does with the local it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Use {
    /// `await`: a task, a future or a list of them.
    Await,
    /// `cancel`: a task, a future, a list of them, or a callback handle.
    Cancel,
    /// `reschedule`: a timeout's handle.
    Reschedule,
    /// `shield` of a task or a future: one of them.
    Shield,
    /// `set_result`, `set_exception`: a future.
    Future,
    /// `wait`, `as_completed`: tasks or futures.
    Combine,
    /// `gather`'s items: tasks or futures.
    Gather,
    /// `add_done_callback`: a task or a future.
    Watch,
    /// `set_name`: one task.
    Rename,
    /// `spawn ... group`: a TaskGroup.
    Group,
}

impl Use {
    /// What it takes, for messages.
    pub(super) fn needs(self) -> &'static str {
        match self {
            Use::Await | Use::Watch => "a task or a future",
            Use::Cancel => "a task, a future or a callback handle",
            Use::Reschedule => "a timeout's handle (`{ timeout = 1, as = \"cm\", do = [...] }`)",
            Use::Shield => "a task or a future",
            Use::Rename => "a task",
            Use::Future => "a future",
            Use::Combine => "a task or a future",
            Use::Gather => "a task or a future",
            Use::Group => "a task group (`{ task_group = [...], as = \"tg\" }`)",
        }
    }

    /// Whether a local holding `held` can be used so.
    pub(super) fn accepts(self, held: Held) -> bool {
        match self {
            Use::Await => matches!(
                held,
                Held::Task | Held::Tasks | Held::Future | Held::Gather | Held::Completion
            ),
            Use::Cancel => !matches!(
                held,
                Held::Plain(_) | Held::Timeout | Held::Completion | Held::Group
            ),
            Use::Reschedule => held == Held::Timeout,
            Use::Shield => matches!(held, Held::Task | Held::Future),
            Use::Rename => held == Held::Task,
            Use::Future => held == Held::Future,
            Use::Combine => matches!(held, Held::Task | Held::Tasks | Held::Future),
            Use::Gather => matches!(held, Held::Task | Held::Tasks | Held::Future),
            Use::Watch => matches!(held, Held::Task | Held::Future),
            Use::Group => held == Held::Group,
        }
    }
}

/// The locals of one template whose kind is known, with where each was (first) bound.
#[derive(Debug, Default)]
pub(super) struct Known(BTreeMap<String, Option<(Held, Range<usize>)>>);

impl Known {
    /// What `name` is known to hold, and where it was bound.
    pub(super) fn get(&self, name: &str) -> Option<(Held, Range<usize>)> {
        self.0.get(name).cloned().flatten()
    }

    /// Walks a template's steps; `params` come from the caller, so they are unknown.
    pub(super) fn of_template(params: &[String], steps: &[Spanned<RawStep>]) -> Known {
        let mut known = Known::default();
        for p in params {
            known.bind(p, None);
        }
        known.steps(steps);
        known
    }

    /// Records one binding of `name`; a second binding of another kind makes it unknown.
    fn bind(&mut self, name: &str, held: Option<(Held, Range<usize>)>) {
        match self.0.get_mut(name) {
            None => {
                self.0.insert(name.to_string(), held);
            }
            Some(slot) => {
                let same = matches!((&*slot, &held), (Some((a, _)), Some((b, _))) if a == b);
                if !same {
                    *slot = None;
                }
            }
        }
    }

    fn steps(&mut self, steps: &[Spanned<RawStep>]) {
        for s in steps {
            let r = s.get_ref();
            if let Some(a) = &r.as_ {
                let held = if r.spawn.is_some() {
                    Some(if r.count.is_some() {
                        Held::Tasks
                    } else {
                        Held::Task
                    })
                } else if r.wait.is_some() {
                    Some(Held::Tasks)
                } else if r.call_soon.is_some() || r.call_later.is_some() || r.call_at.is_some() {
                    Some(Held::Handle)
                } else if r.timeout.is_some() && r.as_completed.is_none() {
                    Some(Held::Timeout)
                } else if r.task_group.is_some() {
                    Some(Held::Group)
                } else if r.wait_barrier.is_some() {
                    Some(Held::Plain("an int"))
                } else if r.try_.is_some() {
                    Some(Held::Plain("an exception"))
                } else {
                    None
                };
                self.bind(a.get_ref(), held.map(|h| (h, a.span())));
            }
            if let Some(name) = &r.let_ {
                let held = match (r.value.as_ref().map(Spanned::get_ref), &r.expr) {
                    (Some(v), None) => plain(v),
                    _ => None,
                };
                self.bind(name.get_ref(), held.map(|h| (h, name.span())));
            }
            for name in [&r.random, &r.for_].into_iter().flatten() {
                // `for ... in` binds whatever the values hold: unknown.
                let held = match (&r.for_, &r.in_) {
                    (Some(f), Some(_)) if f.get_ref() == name.get_ref() => None,
                    _ => Some((Held::Plain("an int"), name.span())),
                };
                self.bind(name.get_ref(), held);
            }
            if let Some(name) = &r.pending {
                self.bind(name.get_ref(), Some((Held::Tasks, name.span())));
            }
            if let (Some(_), Some(name)) = (&r.gather, &r.future) {
                self.bind(name.get_ref(), Some((Held::Gather, name.span())));
            }
            if let (Some(_), Some(name)) = (&r.as_completed, &r.future) {
                self.bind(name.get_ref(), Some((Held::Completion, name.span())));
            }
            if let Some(name) = &r.create_future {
                self.bind(name.get_ref(), Some((Held::Future, name.span())));
            }
            for block in r.blocks() {
                self.steps(block);
            }
        }
    }
}

/// The kind of a value written in a `let`, if it is plainly not awaitable (a template that
/// is exactly `"{x}"` passes a value through, whatever it is; a list may hold tasks).
fn plain(v: &Scalar) -> Option<Held> {
    match v {
        Scalar::Int(_) => Some(Held::Plain("an int")),
        Scalar::Float(_) => Some(Held::Plain("a float")),
        Scalar::Bool(_) => Some(Held::Plain("a bool")),
        Scalar::Str(s)
            if !(s.starts_with('{') && s.ends_with('}') && s.matches('{').count() == 1) =>
        {
            Some(Held::Plain("text"))
        }
        Scalar::Str(_) | Scalar::List(_) => None,
    }
}

/// What `set_name` takes, for a name that holds no task at all.
pub(super) const RENAME_HINT: &str = "`set_name` renames a task (asyncio's `Task.set_name`): spawn one with `{ spawn = \"worker\", as = \"t\" }`, then `{ set_name = \"t\", value = \"worker-{i}\" }`";

/// What to write instead, when a local known to hold `held` cannot be used as `how`.
pub(super) fn misuse_hint(how: Use, held: Held) -> &'static str {
    match (how, held) {
        (Use::Rename, Held::Future) => {
            "only a task has a name (asyncio's `Future` has no `set_name`): rename the task that awaits or sets the future"
        }
        (Use::Rename, Held::Tasks) => {
            "`set_name` renames one task: rename each task where it is spawned (`{ spawn = \"worker\", as = \"t\" }`, then `{ set_name = \"t\", value = \"worker-{i}\" }`)"
        }
        (Use::Rename, _) => RENAME_HINT,
        (Use::Future, Held::Task | Held::Tasks) => {
            "a task's result is what it returns; a future made by `{ create_future = \"f\" }` is set by hand"
        }
        (Use::Watch, Held::Tasks) => "add the callback to each task of the list",
        (_, Held::Completion) => {
            "an as_completed awaitable is awaited once, in the loop's body (`{ await = \"f\", as = \"v\" }`)"
        }
        (_, Held::Gather) => {
            "a gather's future is awaited (`{ await = \"g\" }`), cancelled and read (`g.done()`); to combine it, await it in a task and combine the task"
        }
        (_, Held::Handle) => {
            "a callback handle is not awaitable: cancel it (`{ cancel = \"h\" }`) or read `h.cancelled()`"
        }
        (_, Held::Timeout) => {
            "a timeout's handle moves its deadline (`{ reschedule = \"cm\", at = 2 }`) and is read with `cm.when()` and `cm.expired()`"
        }
        (Use::Reschedule, _) => {
            "bind a timeout's handle with `{ timeout = 1, as = \"cm\", do = [...] }`"
        }
        (Use::Shield, Held::Tasks) => "shield each task of the list",
        (_, Held::Group) => {
            "a task group takes tasks (`{ spawn = \"T\", group = \"tg\" }`); it is awaited by its `task_group` block"
        }
        (Use::Group, _) => {
            "bind a task group with `{ task_group = [...], as = \"tg\" }` and pass it to the tasks that spawn into it"
        }
        _ => "await, cancel or combine a task (`spawn ... as`) or a future (`create_future`)",
    }
}

/// What to write instead of awaiting the primitive `prim` named `name`.
pub(super) fn prim_hint(prim: Prim, name: &str) -> String {
    match prim {
        Prim::Semaphore(_) | Prim::Lock(_) => {
            format!(
                "take it with `{{ acquire = \"{name}\" }}` or `{{ with = \"{name}\", do = [...] }}`"
            )
        }
        Prim::Event(_) => format!("wait for it with `{{ wait_event = \"{name}\" }}`"),
        Prim::Condition(_) => format!("wait on it with `{{ wait_condition = \"{name}\" }}`"),
        Prim::Queue(_) => format!("take an item with `{{ get = \"{name}\", as = \"item\" }}`"),
        Prim::Barrier(_) => format!("wait at it with `{{ wait_barrier = \"{name}\" }}`"),
    }
}

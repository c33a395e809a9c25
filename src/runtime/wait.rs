//! What blocked tasks wait on, and the deadlock report built from it.

use std::cell::{Cell, Ref, RefCell};
use std::fmt::Write as _;
use std::rc::Rc;

use super::Core;
use crate::sim::{BlockedTask, DeadlockReport};
use crate::task::TaskId;
use crate::time::Instant;
use crate::trace::TraceBuf;

/// One thing a pending task waits on, registered by the future that returned `Pending`.
#[derive(Clone, Debug)]
pub(crate) enum WaitOn {
    /// Awaiting another task's completion.
    Join(TaskId),
    /// Sleeping until a deadline.
    Sleep(Instant),
    /// Waiting on a synchronisation primitive or a combinator. Shared with the primitive,
    /// which keeps its holders current, so registering a wait costs a reference count.
    Resource(Rc<ResourceInfo>),
}

/// What a [`WaitOn::Resource`] names: a node of the wait-for graph.
#[derive(Debug)]
pub(crate) struct ResourceInfo {
    pub(crate) kind: &'static str,
    pub(crate) name: Option<Rc<str>>,
    /// The tasks that hold it (edges of the wait-for graph).
    pub(crate) holders: RefCell<Vec<TaskId>>,
    /// `(run, id)`: the id of its label in run `run`'s trace, so that a full trace
    /// renders it once per run ([`ResourceInfo::trace_label`]); run ids start at 1.
    trace_label: Cell<(u64, u32)>,
}

impl ResourceInfo {
    pub(crate) fn new(kind: &'static str, name: Option<Rc<str>>) -> Rc<ResourceInfo> {
        Rc::new(ResourceInfo {
            kind,
            name,
            holders: RefCell::new(Vec::new()),
            trace_label: Cell::new((0, 0)),
        })
    }

    /// The id of its label (`kind 'name'`) in the trace being recorded, interned at its
    /// first use in the run.
    pub(crate) fn trace_label(&self, trace: &mut TraceBuf) -> u32 {
        match self.trace_label.get() {
            (run, id) if run == trace.run() => id,
            _ => {
                let id = trace.packed.label(self.kind, self.name.as_deref());
                self.trace_label.set((trace.run(), id));
                id
            }
        }
    }
}

impl WaitOn {
    /// Waiting on the resource `kind` (named `name`), held by `holders`: a node of its own
    /// (combinators, whose holders change with every poll).
    pub(crate) fn resource(
        kind: &'static str,
        name: Option<Rc<str>>,
        holders: Vec<TaskId>,
    ) -> WaitOn {
        WaitOn::Resource(Rc::new(ResourceInfo {
            kind,
            name,
            holders: RefCell::new(holders),
            trace_label: Cell::new((0, 0)),
        }))
    }
}

/// The tasks a wait depends on (edges of the wait-for graph).
enum Deps<'a> {
    One(&'a TaskId),
    Holders(Ref<'a, Vec<TaskId>>),
    None,
}

impl Deps<'_> {
    fn as_slice(&self) -> &[TaskId] {
        match self {
            Deps::One(t) => std::slice::from_ref(*t),
            Deps::Holders(h) => h,
            Deps::None => &[],
        }
    }
}

impl WaitOn {
    /// The tasks this wait depends on (edges of the wait-for graph).
    fn depends_on(&self) -> Deps<'_> {
        match self {
            WaitOn::Join(t) => Deps::One(t),
            WaitOn::Resource(r) => Deps::Holders(r.holders.borrow()),
            WaitOn::Sleep(_) => Deps::None,
        }
    }
}

impl Core {
    pub(crate) fn describe_wait(&self, wait: &WaitOn) -> String {
        match wait {
            WaitOn::Join(t) => format!("join {}", self.label(*t)),
            WaitOn::Sleep(t) => format!("sleep until t={t}"),
            WaitOn::Resource(r) => {
                let ResourceInfo { kind, name, .. } = &**r;
                let holders = r.holders.borrow();
                let mut s = kind.to_string();
                if let Some(name) = name {
                    let _ = write!(s, " '{name}'");
                }
                if !holders.is_empty() {
                    let held: Vec<String> = holders.iter().map(|h| self.label(*h)).collect();
                    let _ = write!(s, " held by {}", held.join(", "));
                }
                s
            }
        }
    }

    /// Builds the report for a run in which nothing can progress.
    pub(crate) fn deadlock_report(&self) -> DeadlockReport {
        let blocked: Vec<BlockedTask> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, slot)| !slot.is_done())
            .map(|(i, _)| {
                let id = TaskId::from_index(i);
                let waits_on = if self.waits_of(id).next().is_none() {
                    vec!["a future that is not a simloop primitive (nothing will wake it)".into()]
                } else {
                    self.waits_of(id).map(|w| self.describe_wait(w)).collect()
                };
                BlockedTask {
                    id,
                    name: self.name(id).unwrap_or_default().to_string(),
                    waits_on,
                }
            })
            .collect();
        DeadlockReport {
            time: self.now,
            blocked,
            cycle: self.find_cycle(),
        }
    }

    /// The first cycle in the wait-for graph, searching from the lowest task id.
    fn find_cycle(&self) -> Option<Vec<TaskId>> {
        let n = self.tasks.len();
        // 0 = unvisited, 1 = on the current path, 2 = finished.
        let mut mark = vec![0u8; n];
        let mut path: Vec<TaskId> = Vec::new();
        for start in 0..n {
            if mark[start] == 0
                && let Some(c) = self.dfs(TaskId::from_index(start), &mut mark, &mut path)
            {
                return Some(c);
            }
        }
        None
    }

    fn dfs(&self, t: TaskId, mark: &mut [u8], path: &mut Vec<TaskId>) -> Option<Vec<TaskId>> {
        mark[t.index()] = 1;
        path.push(t);
        if !self.is_done(t) {
            for wait in self.waits_of(t) {
                let deps = wait.depends_on();
                for &next in deps.as_slice() {
                    match mark[next.index()] {
                        1 => {
                            let from = path.iter().position(|&p| p == next).expect("on path");
                            let mut cycle = path[from..].to_vec();
                            cycle.push(next);
                            return Some(cycle);
                        }
                        0 => {
                            if let Some(c) = self.dfs(next, mark, path) {
                                return Some(c);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        mark[t.index()] = 2;
        path.pop();
        None
    }
}

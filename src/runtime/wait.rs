//! What blocked tasks wait on, and the deadlock report built from it.

use std::cell::{Cell, Ref, RefCell};
use std::fmt::{self, Write as _};
use std::rc::{Rc, Weak};

use super::Instant;
use super::TaskId;
use super::slot::{ABANDONING, CANCEL, NONE, QUEUED, SLEEPING, TaskSlot};
use super::{BlockedTask, DeadlockReport};
use super::{Completion, Core, Entry, Hop};
use crate::trace::TraceBuf;

/// What a deadlock report says of a task pending on a future that registered no wait: one
/// that simloop does not see into. Under simloop-tokio that is most of what tokio code
/// awaits (tokio's own sync primitives and channels, a task's `JoinHandle`), so the text
/// names such things rather than saying what simloop's primitives are not.
const FOREIGN_WAIT: &str = "a future simloop cannot see into (another library's channel, lock, Notify or join handle), which nothing left in the run will wake";

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
    /// Set when the resource is a future that a cancellation of its awaiter cancels, as
    /// asyncio's `Task.cancel()` cancels the future the task awaits (`_fut_waiter`).
    future: RefCell<Option<Weak<dyn CancelFuture>>>,
}

/// A future that the cancellation of a task awaiting it cancels (simloop's `Promise`):
/// asyncio's `Task.cancel()` calls `_fut_waiter.cancel(msg)`.
pub(crate) trait CancelFuture {
    /// Cancels the future with `message`, queuing its awaiters and callbacks in
    /// registration order; false if it was done already (or cannot be reached now).
    fn cancel(&self, core: &mut Core, message: Option<Box<str>>) -> bool;

    /// `Some(message)` when the future ended cancelled (its awaiter's wake-up then carries
    /// that `CancelledError`).
    fn cancelled_with(&self) -> Option<Option<Box<str>>> {
        None
    }
}

impl fmt::Debug for dyn CancelFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelFuture")
    }
}

impl ResourceInfo {
    pub(crate) fn new(kind: &'static str, name: Option<Rc<str>>) -> Rc<ResourceInfo> {
        Rc::new(ResourceInfo {
            kind,
            name,
            holders: RefCell::new(Vec::new()),
            trace_label: Cell::new((0, 0)),
            future: RefCell::new(None),
        })
    }

    /// Marks the resource as a future that cancelling its awaiter cancels.
    pub(crate) fn set_future(&self, future: Weak<dyn CancelFuture>) {
        *self.future.borrow_mut() = Some(future);
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
            future: RefCell::new(None),
        }))
    }
}

impl Core {
    /// The future task `id` awaits, when that is all it awaits (no sleep, nothing else):
    /// what asyncio's `Task.cancel()` forwards the cancellation to.
    pub(crate) fn sole_future_wait(&self, id: TaskId) -> Option<Rc<dyn CancelFuture>> {
        if self.state_of(id) & SLEEPING != 0 {
            return None;
        }
        let mut waits = self.waits_of(id);
        let (Some(WaitOn::Resource(r)), None) = (waits.next(), waits.next()) else {
            return None;
        };
        r.future.borrow().as_ref()?.upgrade()
    }
}

/// What a task's cancellation is forwarded to (asyncio's `_fut_waiter.cancel()`).
pub(crate) enum Forward {
    /// An awaited task, cancelled in turn.
    Task(TaskId),
    /// An awaited future, cancelled at once.
    Future(Rc<dyn CancelFuture>),
}

impl Core {
    /// What task `id`'s cancellation is forwarded to, in the order it awaits them, when
    /// it awaits nothing but tasks and cancellable futures (a task, a `Promise`, a gather
    /// of tasks and promises: asyncio's gather cancels its children in argument order);
    /// empty otherwise (a sleep, a primitive, a combinator that cancels nothing).
    pub(crate) fn forward_targets(&self, id: TaskId) -> Vec<Forward> {
        if self.state_of(id) & SLEEPING != 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for w in self.waits_of(id) {
            match w {
                WaitOn::Join(t) => out.push(Forward::Task(*t)),
                WaitOn::Resource(r) => match r.future.borrow().as_ref().and_then(Weak::upgrade) {
                    Some(f) => out.push(Forward::Future(f)),
                    None => return Vec::new(),
                },
                WaitOn::Sleep(_) => return Vec::new(),
            }
        }
        out
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
                    let held: Vec<String> = holders.iter().map(|h| self.holder(*h)).collect();
                    let _ = write!(s, " held by {}", held.join(", "));
                }
                s
            }
        }
    }

    /// A holder of a resource as reports name it: its label, and when it ended holding the
    /// resource, how (a cancelled holder says when and by whom it was cancelled), or a
    /// cancellation still pending.
    fn holder(&self, h: TaskId) -> String {
        let label = self.label(h);
        let asked = || match self.first_cancel_request(h) {
            Some((Some(by), at)) if by != h => format!(" at t={at} by {}", self.label(by)),
            Some((_, at)) => format!(" at t={at}"),
            None => String::new(),
        };
        match self.completion(h) {
            Some(Completion::Cancelled(_)) => {
                format!(
                    "{label}, which was cancelled{} and ended holding it",
                    asked()
                )
            }
            Some(Completion::Panicked(_)) => format!("{label}, which panicked holding it"),
            Some(Completion::Returned) => format!("{label}, which returned holding it"),
            None if self.cancel_requests(h) > 0 => {
                format!("{label} (cancellation requested{})", asked())
            }
            None => label,
        }
    }

    /// Builds the report for a run in which nothing can progress.
    pub(crate) fn deadlock_report(&self) -> DeadlockReport {
        let unfinished = (0..self.task_count())
            .map(TaskId::from_index)
            .filter(|&id| !self.is_done(id));
        DeadlockReport {
            time: self.now,
            blocked: self.blocked_tasks(unfinished),
            cycle: self.find_cycle(),
            partial: false,
        }
    }

    fn blocked_tasks(&self, ids: impl Iterator<Item = TaskId>) -> Vec<BlockedTask> {
        ids.map(|id| {
            let waits_on = if self.waits_of(id).next().is_none() {
                vec![FOREIGN_WAIT.into()]
            } else {
                self.waits_of(id).map(|w| self.describe_wait(w)).collect()
            };
            BlockedTask {
                id,
                name: self.name(id).unwrap_or_default().to_string(),
                waits_on,
                spawned_at: self
                    .slot_index(id)
                    .filter(|_| self.limits.spawn_sites)
                    .and_then(|s| self.tasks[s].spawned_at),
            }
        })
        .collect()
    }

    /// Called when task `id` suspends: whether it now belongs to a set of tasks that wait
    /// only on each other (a partial deadlock), which no timer or pending wake-up can
    /// break, while other tasks may still run. Cheap in the usual case: a task that
    /// registered no join or held-resource wait, or one of whose dependencies is running,
    /// queued or sleeping, is answered without allocating.
    #[inline]
    pub(crate) fn partial_deadlock(&self, id: TaskId) -> Option<DeadlockReport> {
        let slot = self.blocked_slot(id)?;
        // Every wait's dependencies are blocked too (the first wait, then the others; the
        // slices rather than `waits_of`'s chained iterator: this runs at every suspension).
        let deps_blocked = |w: &WaitOn| {
            w.depends_on()
                .as_slice()
                .iter()
                .all(|&t| self.blocked_slot(t).is_some())
        };
        let (first, more) = self.waits_in(slot);
        if !(first.is_none_or(deps_blocked) && more.iter().all(deps_blocked)) {
            return None;
        }
        self.partial_deadlock_slow(id)
    }

    /// Whether task `id` is suspended with nothing but other tasks able to release it: not
    /// done, queued, sleeping or being cancelled, and waiting only on tasks (joins) and on
    /// resources that someone holds. A wait on a resource nobody holds (an event, a queue,
    /// a condition) can be ended by any task, so such a task is never counted as blocked.
    fn is_blocked(&self, id: TaskId) -> bool {
        self.blocked_slot(id).is_some()
    }

    /// [`Core::is_blocked`], giving the blocked task's slot.
    #[inline]
    fn blocked_slot(&self, id: TaskId) -> Option<&TaskSlot> {
        // `None`: ended, its slot released.
        let slot = self.slot_index(id).map(|s| &self.tasks[s])?;
        if slot.is_done()
            || slot.is(QUEUED)
            || slot.is(SLEEPING | CANCEL | ABANDONING)
            || self.running == Some(id)
        {
            return None;
        }
        let blocked = |w: &WaitOn| match w {
            WaitOn::Join(_) => true,
            WaitOn::Resource(r) => !r.holders.borrow().is_empty(),
            WaitOn::Sleep(_) => false,
        };
        let (first, more) = self.waits_in(slot);
        (first.is_some_and(blocked) && more.iter().all(blocked)).then_some(slot)
    }

    /// The waits of the task in `slot`: the first, and the others in order.
    #[inline]
    fn waits_in<'a>(&'a self, slot: &'a TaskSlot) -> (Option<&'a WaitOn>, &'a [WaitOn]) {
        let more: &[WaitOn] = match slot.more_waits {
            NONE => &[],
            k => &self.wait_lists[k as usize],
        };
        (slot.wait.as_ref(), more)
    }

    /// The closure of `id` in the wait-for graph: a deadlock when every task in it is
    /// blocked (each waits on tasks of the closure only, so none can go on unless an outside
    /// task cancels one), and no armed timer or queued wake-up may reach one of them.
    #[cold]
    fn partial_deadlock_slow(&self, id: TaskId) -> Option<DeadlockReport> {
        /// A bound on the tasks visited, so that one suspension costs at most this much; a
        /// larger deadlock is still reported when the run stops.
        const MAX_VISITS: usize = 4096;
        let mut seen = vec![0u64; self.task_count().div_ceil(64)];
        let mark = |seen: &mut Vec<u64>, t: TaskId| {
            let (w, b) = (t.index() / 64, 1u64 << (t.index() % 64));
            let new = seen[w] & b == 0;
            seen[w] |= b;
            new
        };
        let mut stack = vec![id];
        let mut closure = Vec::new();
        mark(&mut seen, id);
        while let Some(t) = stack.pop() {
            if !self.is_blocked(t) || closure.len() >= MAX_VISITS {
                return None;
            }
            closure.push(t);
            for wait in self.waits_of(t) {
                for &next in wait.depends_on().as_slice() {
                    if mark(&mut seen, next) {
                        stack.push(next);
                    }
                }
            }
        }
        let inside = |t: TaskId| seen[t.index() / 64] & (1 << (t.index() % 64)) != 0;
        // A timer whose waker is not its task's own may wake anyone: it counts as reaching
        // the closure.
        if self
            .timers
            .any_armed(|task, foreign| foreign || inside(task))
        {
            return None;
        }
        let reaches = |e: &Entry| match *e {
            Entry::Poll(t) | Entry::Hop(t) => inside(t),
            // A timeout's expiry, queued for delivery, cancels its task (or its scope).
            Entry::Timer { index, .. } => self.timers.delivery_reaches(index, inside),
            Entry::Stop => false,
            // A foreign waker or a done-callback may wake or cancel anyone.
            Entry::Wake(k) => match &self.hops[k as usize] {
                Some(Hop::Waker(w)) => !(0..self.task_count())
                    .map(TaskId::from_index)
                    .any(|t| !inside(t) && self.owns(t, w)),
                _ => true,
            },
        };
        if self.ready.iter().any(reaches) {
            return None;
        }
        closure.sort();
        Some(DeadlockReport {
            time: self.now,
            blocked: self.blocked_tasks(closure.into_iter()),
            cycle: self.cycle_from(id),
            partial: true,
        })
    }

    /// The first cycle in the wait-for graph, searching from the lowest task id.
    fn find_cycle(&self) -> Option<Vec<TaskId>> {
        let n = self.task_count();
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

    /// The first cycle reachable from `start` in the wait-for graph, starting at its
    /// lowest task id (as [`Core::find_cycle`] reports it).
    fn cycle_from(&self, start: TaskId) -> Option<Vec<TaskId>> {
        let mut mark = vec![0u8; self.task_count()];
        let mut cycle = self.dfs(start, &mut mark, &mut Vec::new())?;
        cycle.pop();
        let lowest = (0..cycle.len()).min_by_key(|&i| cycle[i])?;
        cycle.rotate_left(lowest);
        cycle.push(cycle[0]);
        Some(cycle)
    }

    /// Depth-first search from `start` for a cycle, with an explicit stack (a chain of
    /// thousands of waiting tasks must not overflow the thread's stack).
    fn dfs(&self, start: TaskId, mark: &mut [u8], path: &mut Vec<TaskId>) -> Option<Vec<TaskId>> {
        // The path's tasks, each with the dependencies still to visit.
        let mut todo: Vec<Vec<TaskId>> = Vec::new();
        let deps = |t: TaskId| -> Vec<TaskId> {
            if self.is_done(t) {
                return Vec::new();
            }
            let mut v: Vec<TaskId> = Vec::new();
            for wait in self.waits_of(t) {
                v.extend(wait.depends_on().as_slice());
            }
            v.reverse();
            v
        };
        mark[start.index()] = 1;
        path.push(start);
        todo.push(deps(start));
        while let Some(next) = todo.last_mut().map(Vec::pop) {
            match next {
                None => {
                    todo.pop();
                    if let Some(t) = path.pop() {
                        mark[t.index()] = 2;
                    }
                }
                Some(next) => match mark[next.index()] {
                    1 => {
                        let from = path.iter().position(|&p| p == next).expect("on path");
                        let mut cycle = path[from..].to_vec();
                        cycle.push(next);
                        return Some(cycle);
                    }
                    0 => {
                        mark[next.index()] = 1;
                        path.push(next);
                        todo.push(deps(next));
                    }
                    _ => {}
                },
            }
        }
        None
    }
}

/// What the running task waits on: registered by primitives at each poll, cleared at the next.
impl Core {
    /// Registers what the running task waits on.
    #[inline]
    pub(crate) fn wait_on(&mut self, wait: WaitOn) {
        let Some(s) = self.running_slot_index() else {
            return;
        };
        let slot = &mut self.tasks[s];
        if slot.wait.is_none() {
            slot.wait = Some(wait);
            return;
        }
        if slot.more_waits == NONE {
            slot.more_waits = match self.free_wait_lists.pop() {
                Some(k) => k,
                None => {
                    self.wait_lists.push(Vec::new());
                    u32::try_from(self.wait_lists.len() - 1).expect("fewer than 2^32 lists")
                }
            };
        }
        self.wait_lists[slot.more_waits as usize].push(wait);
    }

    /// Registers that the running task sleeps until `deadline` ([`slot::SLEEPING`]; the full
    /// trace also records it as a wait, for timelines).
    ///
    /// [`slot::SLEEPING`]: super::slot::SLEEPING
    #[inline]
    pub(crate) fn sleep_on(&mut self, deadline: Instant) {
        let Some(slot) = self.running_slot() else {
            return;
        };
        let first = !slot.is(SLEEPING);
        slot.set(SLEEPING);
        let d = deadline.as_nanos();
        if first || d < self.first_sleep {
            self.first_sleep = d;
        }
        if self.trace.full() {
            self.wait_on(WaitOn::Sleep(deadline));
        }
    }

    /// What task `id` waits on since its last poll, in registration order.
    pub(crate) fn waits_of(&self, id: TaskId) -> impl Iterator<Item = &WaitOn> + '_ {
        let (first, more) = match self.slot_index(id) {
            None => (None, &[][..]),
            Some(s) => self.waits_in(&self.tasks[s]),
        };
        first.into_iter().chain(more)
    }

    /// Forgets what task `id` waited on (its next poll registers afresh).
    #[inline]
    pub(crate) fn clear_waits(&mut self, id: TaskId) {
        if let Some(s) = self.slot_index(id) {
            self.clear_waits_at(s);
        }
    }

    /// [`Core::clear_waits`] of the task in slot `s`.
    #[inline]
    pub(super) fn clear_waits_at(&mut self, s: usize) {
        if self.tasks[s].has_waits() {
            self.clear_waits_slow(s);
        }
    }

    /// [`Core::clear_waits_at`] of a task with waits ([`TaskSlot::has_waits`]).
    #[inline(never)]
    pub(super) fn clear_waits_slow(&mut self, s: usize) {
        let slot = &mut self.tasks[s];
        slot.wait = None;
        if slot.more_waits != NONE {
            self.wait_lists[slot.more_waits as usize].clear();
        }
    }
}

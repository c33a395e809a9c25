//! Stable text renderings of a trace.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use super::{Event, EventKind, TaskEnd};
use crate::task::TaskId;

/// The events of a finished run, with the task names needed to render them.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep, spawn_named};
///
/// let out = Sim::new().run(async {
///     let h = spawn_named("child", async { sleep(Duration::from_millis(5)).await; log!("woke") });
///     h.await.unwrap();
/// });
/// assert_eq!(out.trace.logs(), "t=5 woke\n");
/// assert!(out.trace.render().contains("t=5 #2 child log: woke"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    pub(crate) events: Vec<Event>,
    /// Names of the named tasks, in id order.
    pub(crate) names: Vec<(TaskId, Cow<'static, str>)>,
    /// How many tasks the run spawned.
    pub(crate) tasks: usize,
}

/// The name of the main task, the first one of every run (it is not stored).
pub(crate) const MAIN_NAME: &str = "main";

/// The name of task `id` among `names` (in id order), the main task's included.
pub(crate) fn name_of<'a>(names: &'a [(TaskId, Cow<'static, str>)], id: TaskId) -> Option<&'a str> {
    if id.index() == 0 {
        return Some(MAIN_NAME);
    }
    let i = names.binary_search_by_key(&id, |(t, _)| *t).ok()?;
    Some(&names[i].1)
}

pub(crate) fn task_label(id: TaskId, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{id} {name}"),
        None => id.to_string(),
    }
}

impl Trace {
    /// The recorded events, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The name of a task of this run, if it has one.
    pub fn task_name(&self, id: TaskId) -> Option<&str> {
        name_of(&self.names, id)
    }

    /// `#3 name`, or `#3` for a task without a name.
    pub fn label(&self, id: TaskId) -> String {
        task_label(id, self.task_name(id))
    }

    /// How many tasks the run spawned (the main task included).
    pub fn task_count(&self) -> usize {
        self.tasks
    }

    /// Only the log lines, as `t=<ms> <line>`: the format of the asyncio conformance traces.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for e in &self.events {
            if let EventKind::Log(line) = &e.kind {
                let _ = writeln!(out, "t={} {line}", e.time);
            }
        }
        out
    }

    /// Every event, one line each: `t=<ms> <task> <what>`, where `<task>` is `#id name`, or
    /// `loop` for the event loop itself. Stable across runs and platforms.
    pub fn render(&self) -> String {
        self.to_string()
    }

    /// A 64-bit FNV-1a hash of [`Trace::render`]: equal traces have equal fingerprints, so
    /// distinct fingerprints count distinct behaviours.
    pub fn fingerprint(&self) -> u64 {
        crate::schedule::fnv1a(self.render().as_bytes())
    }

    fn write_event(&self, f: &mut fmt::Formatter<'_>, e: &Event) -> fmt::Result {
        let who = match e.task {
            Some(t) => self.label(t),
            None => "loop".to_string(),
        };
        write!(f, "t={} {who} ", e.time)?;
        match &e.kind {
            EventKind::Spawn { child } => write!(f, "spawn {}", self.label(*child)),
            EventKind::Poll => write!(f, "poll"),
            EventKind::Wake { target } => write!(f, "wake {}", self.label(*target)),
            EventKind::TimerArmed { deadline } => write!(f, "timer armed for t={deadline}"),
            EventKind::TimerFired { target } => {
                write!(f, "timer fired for {}", self.label(*target))
            }
            EventKind::ClockAdvanced => write!(f, "clock advanced"),
            EventKind::CancelRequested {
                target,
                message: None,
            } => {
                write!(f, "cancel {}", self.label(*target))
            }
            EventKind::CancelRequested {
                target,
                message: Some(m),
            } => {
                write!(f, "cancel {} ({m:?})", self.label(*target))
            }
            EventKind::CancelDelivered { at_run_end: false } => write!(f, "cancel delivered"),
            EventKind::CancelDelivered { at_run_end: true } => {
                write!(f, "cancel delivered (main ended)")
            }
            EventKind::Complete(TaskEnd::Returned) => write!(f, "returned"),
            EventKind::Complete(TaskEnd::Panicked(m)) => write!(f, "panicked: {m}"),
            EventKind::Complete(TaskEnd::Cancelled(None)) => write!(f, "cancelled"),
            EventKind::Complete(TaskEnd::Cancelled(Some(m))) => write!(f, "cancelled ({m:?})"),
            EventKind::Log(line) => write!(f, "log: {line}"),
            EventKind::Decision { index, arity } => write!(f, "pick {index} of {arity}"),
            EventKind::Blocked { on } => write!(f, "blocked on {on}"),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.events {
            if matches!(e.kind, EventKind::Blocked { .. }) {
                continue;
            }
            self.write_event(f, e)?;
            writeln!(f)?;
        }
        Ok(())
    }
}

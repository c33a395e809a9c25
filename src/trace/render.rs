//! Stable text renderings of a trace.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use super::packed::{Raw, RawKind, RawWait};
use super::{Event, EventKind, Packed, RunEnd, TaskEnd};
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
#[derive(Clone, Default)]
pub struct Trace {
    /// The events in compact form ([`Packed`]), rendered when read.
    packed: Packed,
    /// Names of the named tasks, in id order.
    names: Vec<(TaskId, Cow<'static, str>)>,
    /// How many tasks the run spawned.
    tasks: usize,
    /// Why the run stopped, which its teardown lines name (`None`: not a run's trace).
    end: Option<RunEnd>,
    /// The events as [`Event`]s, made at the first [`Trace::events`].
    events: OnceLock<Vec<Event>>,
}

/// The name of the main task, the first one of every run (stored only once renamed).
pub(crate) const MAIN_NAME: &str = "main";

/// The name of task `id` among `names` (in id order), the main task's included.
/// The main task is `main` unless it was renamed (`set_name`).
pub(crate) fn name_of<'a>(names: &'a [(TaskId, Cow<'static, str>)], id: TaskId) -> Option<&'a str> {
    match names.binary_search_by_key(&id, |(t, _)| *t) {
        Ok(i) => Some(&names[i].1),
        Err(_) if id.index() == 0 => Some(MAIN_NAME),
        Err(_) => None,
    }
}

pub(crate) fn task_label(id: TaskId, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{id} {name}"),
        None => id.to_string(),
    }
}

impl Trace {
    /// A finished run's trace.
    pub(crate) fn new(
        packed: Packed,
        names: Vec<(TaskId, Cow<'static, str>)>,
        tasks: usize,
        end: RunEnd,
    ) -> Trace {
        Trace {
            packed,
            names,
            tasks,
            end: Some(end),
            events: OnceLock::new(),
        }
    }

    /// The recorded events, in order.
    ///
    /// The run records events in a compact form; the first call makes them into
    /// [`Event`]s (kept for later calls). [`Trace::logs`] and [`Trace::render`] read the
    /// compact form directly.
    pub fn events(&self) -> &[Event] {
        self.events
            .get_or_init(|| self.packed.reader().map(|raw| self.event(raw)).collect())
    }

    /// The recorded events, decoded one at a time and not kept: for a long trace (a runaway
    /// run records millions of events) this walks it without holding every [`Event`].
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async { simloop::log!("hi") });
    /// assert!(out.trace.iter().eq(out.trace.events().iter().cloned()));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = Event> + '_ {
        self.packed.reader().map(|raw| self.event(raw))
    }

    /// How many events were recorded.
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async { simloop::log!("hi") });
    /// assert_eq!(out.trace.len(), out.trace.events().len());
    /// ```
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// Whether no event was recorded.
    ///
    /// ```
    /// use simloop::{Sim, TraceLevel};
    /// assert!(Sim::new().trace(TraceLevel::Off).run(async {}).trace.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packed.len() == 0
    }

    /// The name of a task of this run, if it has one.
    ///
    /// ```
    /// use simloop::{Sim, spawn, spawn_named};
    ///
    /// let out = Sim::new().run(async {
    ///     let named = spawn_named("worker", async {});
    ///     let plain = spawn(async {});
    ///     let ids = (named.id(), plain.id());
    ///     named.await.unwrap();
    ///     plain.await.unwrap();
    ///     ids
    /// });
    /// let (named, plain) = out.result.unwrap();
    /// assert_eq!(out.trace.task_name(named), Some("worker"));
    /// assert_eq!(out.trace.task_name(plain), None);
    /// ```
    pub fn task_name(&self, id: TaskId) -> Option<&str> {
        name_of(&self.names, id)
    }

    /// `#3 name`, or `#3` for a task without a name.
    ///
    /// ```
    /// use simloop::{Sim, spawn, spawn_named};
    ///
    /// let out = Sim::new().run(async {
    ///     let ids = (spawn_named("worker", async {}).id(), spawn(async {}).id());
    ///     simloop::yield_now().await;
    ///     ids
    /// });
    /// let (named, plain) = out.result.unwrap();
    /// assert_eq!(out.trace.label(named), "#2 worker");
    /// assert_eq!(out.trace.label(plain), "#3");
    /// ```
    pub fn label(&self, id: TaskId) -> String {
        task_label(id, self.task_name(id))
    }

    /// How many tasks the run spawned (the main task included).
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async {
    ///     simloop::spawn(async {}).await.unwrap();
    /// });
    /// assert_eq!(out.trace.task_count(), 2);
    /// ```
    pub fn task_count(&self) -> usize {
        self.tasks
    }

    /// Why the run stopped ([`RunEnd`]): what the trace's teardown lines, the cancellations
    /// of the tasks the run left, name (`cancel delivered (deadlock)`). `None` for a trace
    /// that no run recorded ([`Trace::default`]).
    ///
    /// ```
    /// use simloop::{Sim, spawn, trace::RunEnd};
    ///
    /// let out = Sim::new().max_steps(10).run(async {
    ///     loop {
    ///         simloop::yield_now().await;
    ///     }
    /// });
    /// assert_eq!(out.trace.run_end(), Some(RunEnd::StepLimit));
    /// assert!(out.trace.render().ends_with(" #1 main cancel delivered (step limit)\n"));
    /// // A run whose main task returns leaves its other tasks `(main ended)`.
    /// let out = Sim::new().run(async { drop(spawn(std::future::pending::<()>())) });
    /// assert_eq!(out.trace.run_end(), Some(RunEnd::MainEnded));
    /// assert!(out.trace.render().ends_with("t=0 #2 cancel delivered (main ended)\n"));
    /// assert_eq!(simloop::Trace::default().run_end(), None);
    /// ```
    pub fn run_end(&self) -> Option<RunEnd> {
        self.end
    }

    /// Only the log lines, as `t=<ms> <line>`: the format of the asyncio conformance traces.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, log, sleep};
    ///
    /// let out = Sim::new().run(async {
    ///     log!("start");
    ///     sleep(Duration::from_millis(250)).await;
    ///     log!("done");
    /// });
    /// assert_eq!(out.trace.logs(), "t=0 start\nt=250 done\n");
    /// ```
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for e in self.packed.reader() {
            if let RawKind::Log(line) = e.kind {
                let _ = writeln!(out, "t={} {line}", e.time);
            }
        }
        out
    }

    /// Every event, one line each: `t=<ms> <task> <what>`, where `<task>` is `#id name`, or
    /// `loop` for the event loop itself. Stable across runs and platforms.
    ///
    /// ```
    /// let out = simloop::Sim::new().run(async { simloop::log!("hi") });
    /// let text = out.trace.render();
    /// assert!(text.lines().any(|l| l.starts_with("t=0 #1 main") && l.contains("hi")));
    /// ```
    pub fn render(&self) -> String {
        self.to_string()
    }

    /// A 64-bit FNV-1a hash of [`Trace::render`]: equal traces have equal fingerprints, so
    /// distinct fingerprints count distinct behaviours.
    ///
    /// ```
    /// use simloop::{Policy, Sim};
    ///
    /// let program = || async {
    ///     for i in 0..3 {
    ///         simloop::spawn(async move { simloop::log!("task {i}") });
    ///     }
    ///     simloop::yield_now().await;
    /// };
    /// let run = |seed| Sim::new().policy(Policy::Random).seed(seed).run(program()).trace;
    /// assert_eq!(run(7).fingerprint(), run(7).fingerprint());
    /// ```
    pub fn fingerprint(&self) -> u64 {
        crate::schedule::fnv1a(self.render().as_bytes())
    }

    /// What the teardown lines name: why the run stopped.
    pub(crate) fn teardown_label(&self) -> &'static str {
        self.end.map_or("run ended", RunEnd::label)
    }

    /// What a blocked event shows: its waits, as deadlock reports describe them.
    fn describe<'a>(&self, waits: impl Iterator<Item = RawWait<'a>>) -> String {
        let described: Vec<String> = waits
            .map(|w| match w {
                RawWait::Join(t) => format!("join {}", self.label(t)),
                RawWait::Sleep(t) => format!("sleep until t={t}"),
                RawWait::Resource { label, holders } if holders.is_empty() => label.to_string(),
                RawWait::Resource { label, holders } => {
                    let held: Vec<String> = holders.iter().map(|h| self.label(*h)).collect();
                    format!("{label} held by {}", held.join(", "))
                }
            })
            .collect();
        described.join(", ")
    }

    /// A read-back event as an [`Event`].
    fn event(&self, raw: Raw<'_>) -> Event {
        let kind = match raw.kind {
            RawKind::Spawn(child) => EventKind::Spawn { child },
            RawKind::Poll => EventKind::Poll,
            RawKind::Wake(target) => EventKind::Wake { target },
            RawKind::TimerArmed(deadline) => EventKind::TimerArmed { deadline },
            RawKind::TimerFired(target) => EventKind::TimerFired { target },
            RawKind::ClockAdvanced => EventKind::ClockAdvanced,
            RawKind::CancelRequested(target, message) => EventKind::CancelRequested {
                target,
                message: message.map(Into::into),
            },
            RawKind::CancelDelivered { at_run_end } => EventKind::CancelDelivered { at_run_end },
            RawKind::Returned => EventKind::Complete(TaskEnd::Returned),
            RawKind::Panicked(m) => EventKind::Complete(TaskEnd::Panicked(m.into())),
            RawKind::Cancelled(m) => EventKind::Complete(TaskEnd::Cancelled(m.map(Into::into))),
            RawKind::Log(line) => EventKind::Log(line.into()),
            RawKind::Blocked(waits) => EventKind::Blocked {
                on: self.describe(waits).into_boxed_str(),
            },
            RawKind::Decision { index, arity } => EventKind::Decision { index, arity },
        };
        Event {
            time: raw.time,
            task: raw.task,
            kind,
        }
    }

    /// Writes one read-back event as [`Trace::render`] shows it.
    fn write_event(&self, f: &mut fmt::Formatter<'_>, e: Raw<'_>) -> fmt::Result {
        let who = match e.task {
            Some(t) => self.label(t),
            None => "loop".to_string(),
        };
        write!(f, "t={} {who} ", e.time)?;
        match e.kind {
            RawKind::Spawn(child) => write!(f, "spawn {}", self.label(child)),
            RawKind::Poll => write!(f, "poll"),
            RawKind::Wake(target) => write!(f, "wake {}", self.label(target)),
            RawKind::TimerArmed(deadline) => write!(f, "timer armed for t={deadline}"),
            RawKind::TimerFired(target) => write!(f, "timer fired for {}", self.label(target)),
            RawKind::ClockAdvanced => write!(f, "clock advanced"),
            RawKind::CancelRequested(target, None) => write!(f, "cancel {}", self.label(target)),
            RawKind::CancelRequested(target, Some(m)) => {
                write!(f, "cancel {} ({m:?})", self.label(target))
            }
            RawKind::CancelDelivered { at_run_end: false } => write!(f, "cancel delivered"),
            RawKind::CancelDelivered { at_run_end: true } => {
                write!(f, "cancel delivered ({})", self.teardown_label())
            }
            RawKind::Returned => write!(f, "returned"),
            RawKind::Panicked(m) => write!(f, "panicked: {m}"),
            RawKind::Cancelled(None) => write!(f, "cancelled"),
            RawKind::Cancelled(Some(m)) => write!(f, "cancelled ({m:?})"),
            RawKind::Log(line) => write!(f, "log: {line}"),
            RawKind::Decision { index, arity } => write!(f, "pick {index} of {arity}"),
            RawKind::Blocked(waits) => write!(f, "blocked on {}", self.describe(waits)),
        }
    }
}

impl PartialEq for Trace {
    /// Equal when the same events were recorded for tasks of the same names, and the runs
    /// stopped for the same reason.
    fn eq(&self, other: &Trace) -> bool {
        self.packed == other.packed
            && self.names == other.names
            && self.tasks == other.tasks
            && self.end == other.end
    }
}

impl Eq for Trace {}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace")
            .field("events", &self.events())
            .field("names", &self.names)
            .field("tasks", &self.tasks)
            .field("end", &self.end)
            .finish()
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.packed.reader() {
            // A wait on a primitive (a lock, a semaphore, a condition, ...) or on a
            // combinator's children is shown: who waited for what, and who held it, is what
            // a race on one turns on. One on sleeps and joins only is not: the timer armed
            // and the awaited task's end already say so.
            if let RawKind::Blocked(waits) = &e.kind
                && !waits.clone().any(|w| matches!(w, RawWait::Resource { .. }))
            {
                continue;
            }
            self.write_event(f, e)?;
            writeln!(f)?;
        }
        Ok(())
    }
}

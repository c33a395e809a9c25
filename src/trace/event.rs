//! Trace events.

use crate::task::TaskId;
use crate::time::Instant;

/// One thing that happened in a run.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, trace::EventKind};
///
/// let out = Sim::new().run(async { log!("hello") });
/// let logs: Vec<&EventKind> = out.trace.events().iter().map(|e| &e.kind)
///     .filter(|k| matches!(k, EventKind::Log(_))).collect();
/// assert_eq!(logs.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The virtual time it happened at.
    pub time: Instant,
    /// The task it happened in, or `None` for the event loop itself (timers, clock).
    pub task: Option<TaskId>,
    /// What happened.
    pub kind: EventKind,
}

/// What happened.
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, trace::EventKind};
///
/// let out = Sim::new().run(async { sleep(Duration::from_millis(5)).await });
/// let kinds: Vec<&EventKind> = out.trace.events().iter().map(|e| &e.kind).collect();
/// assert!(kinds.iter().any(|k| matches!(k, EventKind::TimerArmed { .. })));
/// assert!(kinds.contains(&&EventKind::ClockAdvanced));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// The task spawned `child`.
    Spawn {
        /// The new task.
        child: TaskId,
    },
    /// The task was polled (one step).
    Poll,
    /// `target` was queued to run.
    Wake {
        /// The woken task.
        target: TaskId,
    },
    /// The task armed a timer.
    TimerArmed {
        /// When it fires.
        deadline: Instant,
    },
    /// A timer armed by `target` fired; its callback is queued.
    TimerFired {
        /// The task that armed it.
        target: TaskId,
    },
    /// The clock jumped to this event's time because nothing was ready.
    ClockAdvanced,
    /// The task asked for `target` to be cancelled.
    CancelRequested {
        /// The task to cancel.
        target: TaskId,
        /// The cancellation message.
        message: Option<Box<str>>,
    },
    /// The task's cancellation was delivered: its future was dropped at its turn (or because
    /// the run stopped while it was alive: its main task ended, or a deadlock or a limit
    /// stopped it).
    CancelDelivered {
        /// True when the run's end, not a `cancel()`, ended the task; [`crate::Trace::run_end`]
        /// says why the run ended (`cancel delivered (deadlock)` in
        /// [`crate::Trace::render`]).
        at_run_end: bool,
    },
    /// The task ended.
    Complete(TaskEnd),
    /// A line the program logged with [`crate::log!`].
    Log(Box<str>),
    /// The task suspended waiting on `on` (what it registered: a sleep, a join, a
    /// primitive). Recorded at [`crate::TraceLevel::Full`] only (a run with tracing off
    /// records nothing); [`crate::Trace::render`] shows it unless it waits only on sleeps
    /// and joins (`blocked on Lock 'l' held by #2 worker`, `blocked on TaskGroup held by #2,
    /// #3`), the timeline views always.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use simloop::{Lock, Sim, spawn, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let lock = Rc::new(Lock::named("accounts", 0u64));
    ///     let guard = lock.acquire().await;
    ///     let l = lock.clone();
    ///     let waiter = spawn(async move { drop(l.acquire().await) });
    ///     yield_now().await;
    ///     drop(guard);
    ///     waiter.await.unwrap();
    /// });
    /// let text = out.trace.render();
    /// assert!(text.contains("t=0 #2 blocked on Lock 'accounts' held by #1 main\n"), "{text}");
    /// ```
    Blocked {
        /// What it waits on, as in deadlock reports (`sleep until t=1000`, `join #2`).
        on: Box<str>,
    },
    /// The policy chose entry `index` of `arity` ready ones.
    Decision {
        /// The chosen index (0 is the FIFO choice).
        index: u32,
        /// How many entries were ready.
        arity: u32,
    },
}

/// How a task ended.
///
/// ```
/// use simloop::{PanicOutput, Sim, spawn, trace::{EventKind, TaskEnd}};
///
/// let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
///     let _ = spawn(async { panic!("oops") }).await;
/// });
/// let ends: Vec<&TaskEnd> = out.trace.events().iter()
///     .filter_map(|e| match &e.kind { EventKind::Complete(end) => Some(end), _ => None })
///     .collect();
/// assert!(matches!(ends[0], TaskEnd::Panicked(m) if m.contains("oops")));
/// assert_eq!(ends[1], &TaskEnd::Returned);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEnd {
    /// It returned a value.
    Returned,
    /// It panicked with this message.
    Panicked(Box<str>),
    /// It was cancelled, with this message.
    Cancelled(Option<Box<str>>),
}

impl EventKind {
    /// Whether the `Logs` level keeps this event.
    pub(crate) fn is_essential(&self) -> bool {
        matches!(
            self,
            EventKind::Log(_) | EventKind::Complete(TaskEnd::Panicked(_) | TaskEnd::Cancelled(_))
        )
    }
}

impl From<crate::runtime::Completion> for TaskEnd {
    fn from(c: crate::runtime::Completion) -> TaskEnd {
        use crate::runtime::Completion;
        match c {
            Completion::Returned => TaskEnd::Returned,
            Completion::Panicked(m) => TaskEnd::Panicked(m),
            Completion::Cancelled(m) => TaskEnd::Cancelled(m),
        }
    }
}

//! Per-task segments (ready, running, sleeping, blocked on X) and marks (logs, cancellations,
//! ends) computed from a trace; shared by the Chrome and HTML views.

use simloop::Trace;
use simloop::trace::{EventKind, TaskEnd};

/// What a task was doing during a segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Queued, waiting for its turn.
    Ready,
    /// Being polled (zero virtual time).
    Running,
    /// Waiting on a timer.
    Sleeping(String),
    /// Waiting on another task or a primitive.
    Blocked(String),
}

/// One stretch of a task's life; `start`/`end` are event indices, `t0`/`t1` milliseconds.
#[derive(Clone, Debug)]
pub struct Segment {
    /// The task's row.
    pub row: usize,
    /// What it was doing.
    pub state: State,
    /// Index of the event that began it.
    pub start: usize,
    /// Index of the event that ended it.
    pub end: usize,
    /// Start time, ms.
    pub t0: f64,
    /// End time, ms.
    pub t1: f64,
}

/// What a mark shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A log line.
    Log(String),
    /// Someone asked for this task's cancellation.
    CancelRequested(String),
    /// The cancellation was delivered; at the run's end, with why the run stopped
    /// ([`simloop::trace::RunEnd::label`]).
    Cancelled(Option<&'static str>),
    /// The task returned.
    Returned,
    /// The task panicked.
    Panicked(String),
    /// A timer fired that is not the sleep the task waits on: a timeout (wait_for, timeout,
    /// wait or as_completed with a limit).
    Timeout,
}

/// An instant on a task's row.
#[derive(Clone, Debug)]
pub struct Mark {
    /// The task's row.
    pub row: usize,
    /// Event index.
    pub at: usize,
    /// Time, ms.
    pub t: f64,
    /// What happened.
    pub kind: MarkKind,
}

/// The whole picture.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Row labels (`#2 worker-0`), row = task index.
    pub rows: Vec<String>,
    /// Segments in start order.
    pub segments: Vec<Segment>,
    /// Marks in time order.
    pub marks: Vec<Mark>,
    /// Time of every event, ms (index = event index).
    pub times: Vec<f64>,
    /// Where the timeline was cut to stay within [`MAX_ITEMS`] segments and marks: the
    /// event index and its time (ms); later events are left out.
    pub cut: Option<(usize, f64)>,
}

/// The most segments plus marks a timeline keeps, so that a runaway run's page or trace
/// file stays within about 25 MB and is written in about a second by a debug build. Ten
/// thousand tasks that each sleep, wait on a semaphore and log take about 130,000.
pub const MAX_ITEMS: usize = 200_000;

/// Milliseconds since the run began.
pub fn ms(t: simloop::Instant) -> f64 {
    (t - simloop::Instant::ZERO).as_nanos() as f64 / 1e6
}

/// Builds the timeline of `trace` (which should be recorded at `TraceLevel::Full`).
pub fn build(trace: &Trace) -> Timeline {
    let n = trace.task_count();
    let mut tl = Timeline {
        rows: (1..=n).map(|i| format!("#{i}")).collect(),
        ..Timeline::default()
    };
    // Each task's label, from the first event that names it (a spawn names its child, so
    // this ends early: a runaway run's millions of later events are not decoded for it).
    let mut labelled = vec![false; n];
    let mut left = n;
    for e in trace.iter() {
        if left == 0 {
            break;
        }
        let child = match &e.kind {
            EventKind::Spawn { child } => Some(*child),
            _ => None,
        };
        for id in e.task.into_iter().chain(child) {
            let i = id.get() as usize - 1;
            if let Some(row) = tl.rows.get_mut(i)
                && !std::mem::replace(&mut labelled[i], true)
            {
                *row = trace.label(id);
                left -= 1;
            }
        }
    }
    // Open segment per task: (state, start index, start time).
    let mut open: Vec<Option<(State, usize, f64)>> = vec![None; n];
    if n > 0 {
        open[0] = Some((State::Ready, 0, 0.0));
    }
    let close = |tl: &mut Timeline,
                 open: &mut Vec<Option<(State, usize, f64)>>,
                 row: usize,
                 at: usize,
                 t: f64| {
        if let Some((state, start, t0)) = open[row].take() {
            tl.segments.push(Segment {
                row,
                state,
                start,
                end: at,
                t0,
                t1: t,
            });
        }
    };
    // The task whose poll is in progress, and whether it queued itself again (a yield).
    let mut running: Option<usize> = None;
    let mut requeued = false;
    // Tasks with a `cancelled` mark already (their end is not marked again).
    let mut cancel_marked = vec![false; n];
    for (k, e) in trace.iter().enumerate() {
        let t = ms(e.time);
        if tl.segments.len() + tl.marks.len() >= MAX_ITEMS {
            tl.cut = Some((k, t));
            break;
        }
        tl.times.push(t);
        let me = e.task.map(|id| id.get() as usize - 1);
        // A poll's events are contiguous and attributed to the polled task; the first event
        // of anyone else ends it. Still "running" then means it suspended without registering
        // a wait: ready again after a yield, otherwise waiting on something simloop cannot name.
        if let Some(r) = running
            && me != Some(r)
        {
            running = None;
            if matches!(open[r], Some((State::Running, _, _))) {
                close(&mut tl, &mut open, r, k, t);
                let state = if requeued {
                    State::Ready
                } else {
                    State::Blocked("a future simloop cannot name".into())
                };
                open[r] = Some((state, k, t));
            }
        }
        if matches!(e.kind, EventKind::Poll) {
            running = me;
            requeued = false;
        }
        if let EventKind::Wake { target } = &e.kind
            && Some(target.get() as usize - 1) == me
        {
            requeued = true;
        }
        match &e.kind {
            EventKind::Spawn { child } => {
                let c = child.get() as usize - 1;
                if c < n {
                    open[c] = Some((State::Ready, k, t));
                }
            }
            EventKind::Poll => {
                if let Some(r) = me {
                    close(&mut tl, &mut open, r, k, t);
                    open[r] = Some((State::Running, k, t));
                }
            }
            EventKind::Blocked { on } => {
                if let Some(r) = me {
                    close(&mut tl, &mut open, r, k, t);
                    let state = if on.starts_with("sleep") {
                        State::Sleeping(on.to_string())
                    } else {
                        State::Blocked(on.to_string())
                    };
                    open[r] = Some((state, k, t));
                }
            }
            EventKind::Wake { target } | EventKind::TimerFired { target } => {
                let r = target.get() as usize - 1;
                if matches!(e.kind, EventKind::TimerFired { .. }) && r < n {
                    let own_sleep = format!("sleep until t={}", e.time);
                    let timeout = match &open[r] {
                        Some((State::Blocked(_), _, _)) => true,
                        Some((State::Sleeping(on), _, _)) => {
                            !on.split(", ").any(|w| w == own_sleep)
                        }
                        _ => false,
                    };
                    if timeout {
                        tl.marks.push(Mark {
                            row: r,
                            at: k,
                            t,
                            kind: MarkKind::Timeout,
                        });
                    }
                }
                if r < n
                    && matches!(
                        open[r],
                        Some((State::Sleeping(_) | State::Blocked(_), _, _))
                    )
                {
                    close(&mut tl, &mut open, r, k, t);
                    open[r] = Some((State::Ready, k, t));
                }
            }
            EventKind::CancelRequested { target, .. } => {
                let r = target.get() as usize - 1;
                let by = e.task.map_or("the loop".to_string(), |id| trace.label(id));
                if r < n {
                    tl.marks.push(Mark {
                        row: r,
                        at: k,
                        t,
                        kind: MarkKind::CancelRequested(by),
                    });
                }
            }
            EventKind::CancelDelivered { at_run_end } => {
                if let Some(r) = me {
                    cancel_marked[r] = true;
                    let why = trace.run_end().filter(|_| *at_run_end).map(|e| e.label());
                    tl.marks.push(Mark {
                        row: r,
                        at: k,
                        t,
                        kind: MarkKind::Cancelled(why),
                    });
                }
            }
            EventKind::Complete(end) => {
                if let Some(r) = me {
                    close(&mut tl, &mut open, r, k, t);
                    let kind = match end {
                        TaskEnd::Returned => MarkKind::Returned,
                        TaskEnd::Panicked(m) => MarkKind::Panicked(m.to_string()),
                        TaskEnd::Cancelled(_) => MarkKind::Cancelled(None),
                    };
                    if !(matches!(kind, MarkKind::Cancelled(_)) && cancel_marked[r]) {
                        tl.marks.push(Mark {
                            row: r,
                            at: k,
                            t,
                            kind,
                        });
                    }
                }
            }
            EventKind::Log(line) => {
                if let Some(r) = me {
                    tl.marks.push(Mark {
                        row: r,
                        at: k,
                        t,
                        kind: MarkKind::Log(line.to_string()),
                    });
                }
            }
            _ => {}
        }
    }
    let last = tl.times.len().saturating_sub(1);
    let t_end = tl.times.last().copied().unwrap_or(0.0);
    for r in 0..n {
        close(&mut tl, &mut open, r, last, t_end);
    }
    tl.segments.sort_by_key(|s| (s.start, s.row));
    tl
}

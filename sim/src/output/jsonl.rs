//! JSON lines: one object per trace event, then one `end` object with the verdict.

use std::io::{self, Write};

use serde_json::json;
use simloop::Trace;
use simloop::trace::{EventKind, TaskEnd};

use super::RunInfo;
use super::timeline::ms;

/// Writes one line per event.
pub fn write_events(trace: &Trace, out: &mut dyn Write) -> io::Result<()> {
    for e in trace.events() {
        let mut obj = json!({"t_ms": ms(e.time)});
        if let Some(t) = e.task {
            obj["task"] = json!(t.get());
            obj["task_name"] = json!(trace.task_name(t));
        }
        let label = |id: simloop::TaskId| json!({"id": id.get(), "name": trace.task_name(id)});
        let fields = match &e.kind {
            EventKind::Spawn { child } => json!({"event": "spawn", "child": label(*child)}),
            EventKind::Poll => json!({"event": "poll"}),
            EventKind::Wake { target } => json!({"event": "wake", "target": label(*target)}),
            EventKind::TimerArmed { deadline } => {
                json!({"event": "timer_armed", "deadline_ms": ms(*deadline)})
            }
            EventKind::TimerFired { target } => {
                json!({"event": "timer_fired", "target": label(*target)})
            }
            EventKind::ClockAdvanced => json!({"event": "clock_advanced"}),
            EventKind::CancelRequested { target, message } => {
                json!({"event": "cancel_requested", "target": label(*target), "message": message.as_deref()})
            }
            EventKind::CancelDelivered { at_run_end } => {
                json!({"event": "cancel_delivered", "at_run_end": at_run_end})
            }
            EventKind::Complete(TaskEnd::Returned) => json!({"event": "returned"}),
            EventKind::Complete(TaskEnd::Panicked(m)) => {
                json!({"event": "panicked", "message": &**m})
            }
            EventKind::Complete(TaskEnd::Cancelled(m)) => {
                json!({"event": "cancelled", "message": m.as_deref()})
            }
            EventKind::Log(line) => json!({"event": "log", "line": &**line}),
            EventKind::Decision { index, arity } => {
                json!({"event": "decision", "index": index, "arity": arity})
            }
            EventKind::Blocked { on } => json!({"event": "blocked", "on": &**on}),
            other => json!({"event": format!("{other:?}")}),
        };
        if let (Some(o), Some(f)) = (obj.as_object_mut(), fields.as_object()) {
            for (k, v) in f {
                o.insert(k.clone(), v.clone());
            }
        }
        serde_json::to_writer(&mut *out, &obj)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the final summary line: the verdict, and the virtual time in milliseconds as a
/// number (like every event's `t_ms`).
pub fn write_end(info: &RunInfo, out: &mut dyn Write) -> io::Result<()> {
    let end = json!({
        "event": "end", "scenario": info.path, "seed": info.seed, "policy": info.policy,
        "token": info.token, "result": info.result, "elapsed_ms": info.elapsed_ms,
        "failures": info.failures,
    });
    serde_json::to_writer(&mut *out, &end)?;
    out.write_all(b"\n")
}

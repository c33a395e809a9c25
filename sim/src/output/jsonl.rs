//! JSON lines: one object per trace event, then one `end` object with the verdict.

use std::io::{self, Write};

use serde_json::json;
use simloop::Trace;
use simloop::trace::{EventKind, TaskEnd};

use super::RunInfo;
use super::json::Object;
use super::timeline::ms;

/// Writes one line per event, field by field (a runaway run has millions of events, so no
/// JSON tree is built for each).
pub fn write_events(trace: &Trace, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(256);
    for e in trace.iter() {
        buf.clear();
        let mut line = Object::open(&mut buf)?;
        line.field("t_ms", &ms(e.time))?;
        if let Some(t) = e.task {
            line.field("task", &t.get())?;
            line.field("task_name", &trace.task_name(t))?;
        }
        let event = |line: &mut Object<'_>, name: &str| line.field("event", name);
        let task = |line: &mut Object<'_>, key: &str, id: simloop::TaskId| {
            let mut inner = line.object(key)?;
            inner.field("id", &id.get())?;
            inner.field("name", &trace.task_name(id))?;
            inner.close()
        };
        match &e.kind {
            EventKind::Spawn { child } => {
                event(&mut line, "spawn")?;
                task(&mut line, "child", *child)?;
            }
            EventKind::Poll => event(&mut line, "poll")?,
            EventKind::Wake { target } => {
                event(&mut line, "wake")?;
                task(&mut line, "target", *target)?;
            }
            EventKind::TimerArmed { deadline } => {
                event(&mut line, "timer_armed")?;
                line.field("deadline_ms", &ms(*deadline))?;
            }
            EventKind::TimerFired { target } => {
                event(&mut line, "timer_fired")?;
                task(&mut line, "target", *target)?;
            }
            EventKind::ClockAdvanced => event(&mut line, "clock_advanced")?,
            EventKind::CancelRequested { target, message } => {
                event(&mut line, "cancel_requested")?;
                task(&mut line, "target", *target)?;
                line.field("message", &message.as_deref())?;
            }
            EventKind::CancelDelivered { at_run_end } => {
                event(&mut line, "cancel_delivered")?;
                line.field("at_run_end", at_run_end)?;
                // A teardown line says why the run stopped, as the text trace does.
                if let (true, Some(end)) = (*at_run_end, trace.run_end()) {
                    line.field("run_end", end.label())?;
                }
            }
            EventKind::Complete(TaskEnd::Returned) => event(&mut line, "returned")?,
            EventKind::Complete(TaskEnd::Panicked(m)) => {
                event(&mut line, "panicked")?;
                line.field("message", &**m)?;
            }
            EventKind::Complete(TaskEnd::Cancelled(m)) => {
                event(&mut line, "cancelled")?;
                line.field("message", &m.as_deref())?;
            }
            EventKind::Log(text) => {
                event(&mut line, "log")?;
                line.field("line", &**text)?;
            }
            EventKind::Decision { index, arity } => {
                event(&mut line, "decision")?;
                line.field("index", index)?;
                line.field("arity", arity)?;
            }
            EventKind::Blocked { on } => {
                event(&mut line, "blocked")?;
                line.field("on", &**on)?;
            }
            other => event(&mut line, &format!("{other:?}"))?,
        }
        line.close()?;
        buf.push(b'\n');
        out.write_all(&buf)?;
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

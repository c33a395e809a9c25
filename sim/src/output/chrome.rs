//! Chrome trace event JSON (loads in Perfetto and chrome://tracing): one thread per task,
//! complete events (`X`) for what takes virtual time (sleeping, blocked, ready across a
//! clock advance) with their real virtual durations, instant events (`i`) for what takes
//! none (a step, a log line, a cancellation, an end). Timestamps are virtual µs. Written
//! event by event.

use std::io::{self, Write};

use serde_json::json;

use super::RunInfo;
use super::timeline::{MarkKind, State, Timeline};

/// Writes the document to `w`.
pub fn write(tl: &Timeline, info: &RunInfo, w: &mut dyn Write) -> io::Result<()> {
    let us = |ms: f64| (ms * 1000.0).round();
    w.write_all(b"{\"displayTimeUnit\": \"ms\",\n")?;
    let other = json!({"scenario": info.path, "seed": info.seed, "policy": info.policy, "token": info.token, "result": info.result, "failures": info.failures, "cut_at_event": tl.cut.map(|c| c.0)});
    writeln!(w, "\"otherData\": {other},\n\"traceEvents\": [")?;
    let mut first = true;
    let mut event = |w: &mut dyn Write, v: serde_json::Value| -> io::Result<()> {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *w, &v)?;
        Ok(())
    };
    event(
        w,
        json!({"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": format!("simloop: {}", info.name)}}),
    )?;
    for (r, label) in tl.rows.iter().enumerate() {
        event(
            w,
            json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": r + 1, "args": {"name": label}}),
        )?;
        event(
            w,
            json!({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": r + 1, "args": {"sort_index": r}}),
        )?;
    }
    for s in &tl.segments {
        let (name, cat) = match &s.state {
            State::Ready => ("ready".to_string(), "ready"),
            State::Running => ("step".to_string(), "running"),
            State::Sleeping(on) => (on.clone(), "sleeping"),
            State::Blocked(on) => (format!("blocked on {on}"), "blocked"),
        };
        let (ts, dur) = (us(s.t0), us(s.t1) - us(s.t0));
        let args = json!({"events": [s.start, s.end]});
        if dur > 0.0 {
            event(
                w,
                json!({"name": name, "cat": cat, "ph": "X", "pid": 1, "tid": s.row + 1, "ts": ts, "dur": dur, "args": args}),
            )?;
        } else {
            // A step (or a wait that ended at once) takes no virtual time: an instant,
            // which Perfetto shows as a mark.
            event(
                w,
                json!({"name": name, "cat": cat, "ph": "i", "s": "t", "pid": 1, "tid": s.row + 1, "ts": ts, "args": args}),
            )?;
        }
    }
    for m in &tl.marks {
        let (name, cat) = match &m.kind {
            MarkKind::Log(line) => (line.clone(), "log"),
            MarkKind::CancelRequested(by) => (format!("cancel requested by {by}"), "cancel"),
            MarkKind::Cancelled => ("cancelled".to_string(), "cancel"),
            MarkKind::Returned => ("returned".to_string(), "end"),
            MarkKind::Panicked(msg) => (format!("panicked: {msg}"), "end"),
            MarkKind::Timeout => ("timeout".to_string(), "timeout"),
        };
        event(
            w,
            json!({"name": name, "cat": cat, "ph": "i", "s": "t", "pid": 1, "tid": m.row + 1, "ts": us(m.t), "args": {"event": m.at}}),
        )?;
    }
    w.write_all(b"\n]}\n")
}

//! Chrome trace event JSON (loads in Perfetto and chrome://tracing): one thread per task,
//! complete events (`X`) for what takes virtual time (sleeping, blocked, ready across a
//! clock advance) with their real virtual durations, instant events (`i`) for what takes
//! none (a step, a log line, a cancellation, an end). Timestamps are virtual µs. Written
//! event by event.

use std::io::{self, Write};

use serde_json::json;

use super::RunInfo;
use super::json::Object;
use super::timeline::{MarkKind, State, Timeline};

/// Writes the document to `w`.
pub fn write(tl: &Timeline, info: &RunInfo, w: &mut dyn Write) -> io::Result<()> {
    let us = |ms: f64| (ms * 1000.0).round();
    w.write_all(b"{\"displayTimeUnit\": \"ms\",\n")?;
    let other = json!({"scenario": info.path, "seed": info.seed, "policy": info.policy, "token": info.token, "result": info.result, "failures": info.failures, "cut_at_event": tl.cut.map(|c| c.0)});
    writeln!(w, "\"otherData\": {other},\n\"traceEvents\": [")?;
    let mut first = true;
    let mut buf = Vec::with_capacity(256);
    // One event: `{"name":..,"cat":..,"ph":..,"pid":1,"tid":..`, then `more`, then `}`.
    let mut event = |w: &mut dyn Write,
                     (name, cat, ph): (&str, &str, &str),
                     tid: usize,
                     more: &mut dyn FnMut(&mut Object<'_>) -> io::Result<()>|
     -> io::Result<()> {
        buf.clear();
        if !first {
            buf.extend_from_slice(b",\n");
        }
        first = false;
        let mut e = Object::open(&mut buf)?;
        e.field("name", name)?;
        if !cat.is_empty() {
            e.field("cat", cat)?;
        }
        e.field("ph", ph)?;
        e.field("pid", &1)?;
        e.field("tid", &tid)?;
        more(&mut e)?;
        e.close()?;
        w.write_all(&buf)
    };
    let process = format!("simloop: {}", info.name);
    event(w, ("process_name", "", "M"), 0, &mut |e| {
        let mut args = e.object("args")?;
        args.field("name", &process)?;
        args.close()
    })?;
    for (r, label) in tl.rows.iter().enumerate() {
        event(w, ("thread_name", "", "M"), r + 1, &mut |e| {
            let mut args = e.object("args")?;
            args.field("name", label)?;
            args.close()
        })?;
        event(w, ("thread_sort_index", "", "M"), r + 1, &mut |e| {
            let mut args = e.object("args")?;
            args.field("sort_index", &r)?;
            args.close()
        })?;
    }
    let mut blocked = String::new();
    for s in &tl.segments {
        let (name, cat) = match &s.state {
            State::Ready => ("ready", "ready"),
            State::Running => ("step", "running"),
            State::Sleeping(on) => (&**on, "sleeping"),
            State::Blocked(on) => {
                blocked.clear();
                blocked.push_str("blocked on ");
                blocked.push_str(on);
                (blocked.as_str(), "blocked")
            }
        };
        let (ts, dur) = (us(s.t0), us(s.t1) - us(s.t0));
        // A step (or a wait that ended at once) takes no virtual time: an instant, which
        // Perfetto shows as a mark.
        let ph = if dur > 0.0 { "X" } else { "i" };
        event(w, (name, cat, ph), s.row + 1, &mut |e| {
            if dur > 0.0 {
                e.field("ts", &ts)?;
                e.field("dur", &dur)?;
            } else {
                e.field("s", "t")?;
                e.field("ts", &ts)?;
            }
            let mut args = e.object("args")?;
            args.field("events", &[s.start, s.end])?;
            args.close()
        })?;
    }
    let mut text: String;
    for m in &tl.marks {
        let (name, cat) = match &m.kind {
            MarkKind::Log(line) => (&**line, "log"),
            MarkKind::CancelRequested(by) => {
                text = format!("cancel requested by {by}");
                (text.as_str(), "cancel")
            }
            MarkKind::Cancelled(None) => ("cancelled", "cancel"),
            MarkKind::Cancelled(Some(why)) => {
                text = format!("cancelled ({why})");
                (text.as_str(), "cancel")
            }
            MarkKind::Returned => ("returned", "end"),
            MarkKind::Panicked(msg) => {
                text = format!("panicked: {msg}");
                (text.as_str(), "end")
            }
            MarkKind::Timeout => ("timeout", "timeout"),
        };
        event(w, (name, cat, "i"), m.row + 1, &mut |e| {
            e.field("s", "t")?;
            e.field("ts", &us(m.t))?;
            let mut args = e.object("args")?;
            args.field("event", &m.at)?;
            args.close()
        })?;
    }
    w.write_all(b"\n]}\n")
}

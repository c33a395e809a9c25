//! Chrome trace event JSON (loads in Perfetto and chrome://tracing): one thread per task,
//! complete events for segments, instant events for marks. Timestamps are virtual µs.

use serde_json::{Value, json};

use super::RunInfo;
use super::timeline::{MarkKind, State, Timeline};

/// Writes the document to `w`.
pub fn write(tl: &Timeline, info: &RunInfo, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    w.write_all(render(tl, info).as_bytes())
}

/// Renders the JSON document.
fn render(tl: &Timeline, info: &RunInfo) -> String {
    let mut events: Vec<Value> = Vec::new();
    events.push(json!({"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": format!("simloop: {}", info.name)}}));
    for (r, label) in tl.rows.iter().enumerate() {
        events.push(json!({"name": "thread_name", "ph": "M", "pid": 1, "tid": r + 1, "args": {"name": label}}));
        events.push(json!({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": r + 1, "args": {"sort_index": r}}));
    }
    let us = |ms: f64| (ms * 1000.0).round();
    for s in &tl.segments {
        let (name, cat) = match &s.state {
            State::Ready => ("ready".to_string(), "ready"),
            State::Running => ("running".to_string(), "running"),
            State::Sleeping(on) => (on.clone(), "sleeping"),
            State::Blocked(on) => (format!("blocked on {on}"), "blocked"),
        };
        events.push(json!({"name": name, "cat": cat, "ph": "X", "pid": 1, "tid": s.row + 1, "ts": us(s.t0), "dur": us(s.t1 - s.t0)}));
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
        events.push(json!({"name": name, "cat": cat, "ph": "i", "s": "t", "pid": 1, "tid": m.row + 1, "ts": us(m.t)}));
    }
    let doc = json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {"scenario": info.path, "seed": info.seed, "policy": info.policy, "token": info.token, "result": info.result, "failures": info.failures},
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    s.push('\n');
    s
}

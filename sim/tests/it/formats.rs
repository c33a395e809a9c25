//! The output formats of `sim run`: JSON lines, Chrome trace events, HTML.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn jsonl_has_one_object_per_event_and_an_end_line() {
    let (code, out, _) = run(&["run", "scenarios/say_after_tasks.toml", "--format", "jsonl"]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let logs: Vec<&str> = lines
        .iter()
        .filter(|v| v["event"] == "log")
        .map(|v| v["line"].as_str().unwrap())
        .collect();
    assert_eq!(logs[0], "started (tasks created, not yet run)");
    let hello = lines.iter().find(|v| v["line"] == "hello").unwrap();
    assert_eq!(hello["t_ms"], 1000.0);
    assert_eq!(hello["task_name"], "say_after-hello");
    let end = lines.last().unwrap();
    assert_eq!(end["event"], "end");
    assert_eq!(end["failures"].as_array().unwrap().len(), 0);
    // Issue 20: the virtual time is a number of milliseconds, like every `t_ms`.
    assert_eq!(end["elapsed_ms"], 2000.0);
    assert!(end["token"].as_str().unwrap().starts_with("sl1:fifo:0:"));
}

#[test]
fn chrome_trace_has_threads_segments_and_marks() {
    let (code, out, _) = run(&["run", "scenarios/cancellation.toml", "--format", "chrome"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let evs = doc["traceEvents"].as_array().unwrap();
    let thread = |name: &str| {
        evs.iter()
            .any(|e| e["ph"] == "M" && e["args"]["name"] == name)
    };
    assert!(thread("#1 main") && thread("#2 ticker"));
    let sleep = evs
        .iter()
        .find(|e| e["ph"] == "X" && e["cat"] == "sleeping" && e["tid"] == 2)
        .unwrap();
    assert_eq!(
        (sleep["ts"].as_f64(), sleep["dur"].as_f64()),
        (Some(0.0), Some(1_000_000.0))
    );
    let blocked = evs.iter().find(|e| e["cat"] == "blocked").unwrap();
    assert_eq!(blocked["name"], "blocked on join #2 ticker");
    assert!(
        evs.iter()
            .any(|e| e["ph"] == "i" && e["name"] == "cancelled" && e["ts"] == 3_500_000.0)
    );
    assert!(
        evs.iter()
            .any(|e| e["ph"] == "i" && e["cat"] == "log" && e["name"] == "tick 4")
    );
}

#[test]
fn html_is_self_contained_with_one_row_per_task() {
    let dir = std::env::temp_dir().join(format!("sim-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.html");
    let (code, out, err) = run(&[
        "run",
        "scenarios/cancellation.toml",
        "--format",
        "html",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "--out writes the file, not stdout");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "no external resources"
    );
    for row in ["#1 main", "#2 ticker"] {
        assert!(html.contains(&format!(">{row}</text>")), "row {row}");
    }
    assert!(html.contains("blocked on join #2 ticker"));
    assert!(html.contains("cancelled</title>"));
    assert!(html.contains("sleep until t=1000"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn timeouts_are_marked_in_the_timeline_views() {
    let (code, out, _) = run(&[
        "run",
        "scenarios/wait_for_timeout.toml",
        "--format",
        "chrome",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let timeouts: Vec<f64> = doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["cat"] == "timeout")
        .map(|e| e["ts"].as_f64().unwrap())
        .collect();
    assert_eq!(
        timeouts,
        [1_000_000.0],
        "one timeout, when eternity's wait_for expires"
    );
    let (_, html, _) = run(&["run", "scenarios/wait_for_timeout.toml", "--format", "html"]);
    assert!(html.contains("t=1000ms timeout fired</title>"));
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // `sim run ... | head -1`: the trace is larger than a pipe buffer, so writes fail.
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["run", "scenarios/semaphore_fetch_50.toml"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn logs_format_prints_only_log_lines() {
    let (code, out, _) = run(&[
        "run",
        "scenarios/say_after_sequential.toml",
        "--format",
        "logs",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "t=0 started\nt=1000 hello\nt=3000 world\nt=3000 finished\n"
    );
}

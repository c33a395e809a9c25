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

/// The output of bug_lock_order_deadlock's seed 1 in `format`: the run deadlocks (seed 0
/// does not). Found by running seeds 0, 1, ... with Random's SplitMix64 stream (round 23;
/// with ChaCha8's it was seed 4).
fn deadlocked(format: &str) -> String {
    let (code, out, _) = run(&[
        "run",
        "scenarios/bug_lock_order_deadlock.toml",
        "--format",
        format,
        "--policy",
        "random",
        "--seed",
        "1",
    ]);
    assert_eq!(code, 1, "{format}");
    out
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
    assert!(end["token"].as_str().unwrap().starts_with("sl3:fifo:0:"));
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
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<canvas"));
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "no external resources"
    );
    let data = page_data(&html);
    let rows: Vec<&str> = data["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(rows, ["#1 main", "#2 ticker"]);
    let strings: Vec<&str> = data["strings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(strings.contains(&"join #2 ticker"), "{strings:?}");
    assert!(strings.contains(&"sleep until t=1000"), "{strings:?}");
    // Log lines are listed under the chart, not only in hover text.
    assert!(html.contains("<tr><td>t=0ms</td><td>#2 ticker</td><td>tick 1</td></tr>"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A run's text in the page's data could break the page: a log line `<!--` and a later
/// `<script>` put the browser's tokenizer in its "double escaped" state, where the page's
/// own `</script>` no longer ends the data, so the data swallowed the page's code and the
/// timeline stayed blank. Every `<` of the data is escaped, and the text round-trips.
#[test]
fn the_page_data_holds_no_markup_whatever_the_run_logs() {
    let dir = std::env::temp_dir().join(format!("sim-html-markup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        "[tasks.t]\nname = \"</script><b>\"\nsteps = [{ log = \"<script>x</script>\" }]\n\
         [main]\nsteps = [{ log = \"<!--\" }, { spawn = \"t\", as = \"h\" }, { await = \"h\" }]\n",
    )
    .unwrap();
    let path = dir.join("t.html");
    let (code, _, err) = run(&[
        "run",
        scenario.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&path).unwrap();
    let start = html.find("<script id=data").unwrap();
    let data = &html[start..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    assert!(!data.contains('<'), "markup in the page's data: {data}");
    assert_eq!(html.matches("<script").count(), 2, "the data and the code");
    let data = page_data(&html);
    let strings: Vec<&str> = data["strings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(strings.contains(&"<!--"), "{strings:?}");
    assert!(strings.contains(&"<script>x</script>"), "{strings:?}");
    assert_eq!(data["rows"][1], "#2 </script><b>");
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
    let data = page_data(&html);
    let marks = data["marks"].as_array().unwrap();
    let timeouts: Vec<f64> = marks
        .chunks(5)
        .filter(|m| m[1] == 5)
        .map(|m| m[2].as_f64().unwrap())
        .collect();
    assert_eq!(timeouts, [1000.0]);
}

/// The timeline data a page embeds.
fn page_data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script id=data type=\"application/json\">")
        .unwrap();
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    serde_json::from_str(body).unwrap()
}

/// Issue 20: the HTML time axis was not linear, logs were hover-only dots, the deadlock
/// report collapsed onto one line, and 10,000 tasks made a 16 MB SVG of 64,628 x 260,096 px.
/// Segments carry their virtual times (the page's axis is linear in them), the verdict is a
/// list with the deadlock report's lines kept, and a runaway run's page is bounded.
#[test]
fn the_timeline_is_linear_bounded_and_lists_failures() {
    let html = deadlocked("html");
    assert!(
        html.contains("<ul class=bad><li><pre>deadlock at t="),
        "{html}"
    );
    assert!(html.contains("\n  #"), "the report keeps its lines");
    // The page's replay line is the command the terminal prints (it said `sim replay`,
    // which is no command in a checkout).
    assert!(
        html.contains("<code>replay: cargo run -q -p simloop-cli --bin sim -- replay scenarios/bug_lock_order_deadlock.toml sl10:random:1:"),
        "{html}"
    );
    let data = page_data(&html);
    let seg = data["seg"].as_array().unwrap();
    for s in seg.chunks(7) {
        assert!(s[2].as_f64().unwrap() <= s[3].as_f64().unwrap(), "{s:?}");
    }
    let dir = std::env::temp_dir().join(format!("sim-html-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("spin.toml"),
        "[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.001 }] }]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["run", "spin.toml", "--format", "html"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.len() < 40 << 20, "{} bytes", html.len());
    assert!(
        html.contains("The timeline stops at event"),
        "a cut is said"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Issue 20: the Chrome trace's running and ready slices had zero duration, so Perfetto
/// showed nothing. Slices have their real virtual durations; steps are instants.
#[test]
fn chrome_slices_have_durations_and_steps_are_instants() {
    let (code, out, _) = run(&[
        "run",
        "scenarios/say_after_tasks.toml",
        "--format",
        "chrome",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let evs = doc["traceEvents"].as_array().unwrap();
    assert!(
        evs.iter()
            .filter(|e| e["ph"] == "X")
            .all(|e| e["dur"].as_f64().unwrap() > 0.0)
    );
    assert!(evs.iter().any(|e| e["ph"] == "i" && e["cat"] == "running"));
    assert!(doc["otherData"]["token"].as_str().unwrap().contains('@'));
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

/// Regression (round 7): a standard output that fails otherwise than by closing (a full
/// disk) lost the trace and exited 0.
#[test]
fn a_failing_stdout_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let out = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(["run", "scenarios/factorial_gather.toml"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap())
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: cannot write the standard output: No space left on device"),
        "{err}"
    );
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

/// Regression: the teardown of a deadlocked run (the cancellations of the tasks it left)
/// said `(main ended)` in the text trace and plain `cancelled` in the timelines, though the
/// deadlock, not main, ended the run. Every format names why the run stopped.
#[test]
fn every_format_labels_the_teardown_by_why_the_run_stopped() {
    let text = deadlocked("text");
    assert!(
        text.ends_with(
            "t=0 #1 main cancel delivered (deadlock)\n\
             t=0 #2 a_then_b cancel delivered (deadlock)\n\
             t=0 #3 b_then_a cancel delivered (deadlock)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("(main ended)"), "{text}");

    let teardown: Vec<serde_json::Value> = deadlocked("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["at_run_end"] == true)
        .collect();
    assert_eq!(teardown.len(), 3);
    assert!(
        teardown.iter().all(|v| v["run_end"] == "deadlock"),
        "{teardown:?}"
    );

    let doc: serde_json::Value = serde_json::from_str(&deadlocked("chrome")).unwrap();
    let cancels: Vec<&serde_json::Value> = doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["cat"] == "cancel")
        .collect();
    assert_eq!(cancels.len(), 3);
    assert!(
        cancels.iter().all(|e| e["name"] == "cancelled (deadlock)"),
        "{cancels:?}"
    );

    let data = page_data(&deadlocked("html"));
    let strings = data["strings"].as_array().unwrap();
    let why: Vec<&str> = data["marks"]
        .as_array()
        .unwrap()
        .chunks(5)
        .filter(|m| m[1] == 2)
        .map(|m| strings[m[4].as_u64().unwrap() as usize].as_str().unwrap())
        .collect();
    assert_eq!(why, ["deadlock"; 3]);

    // A cancellation that is no teardown has no label.
    let (code, text, _) = run(&["run", "scenarios/cancellation.toml"]);
    assert_eq!(code, 0);
    assert!(text.contains(" cancel delivered\n"), "{text}");
    assert!(!text.contains(" cancel delivered ("), "{text}");
}

/// Regression: with JavaScript off the page showed an empty 70%-high box and dead buttons.
/// It now says why and hides them (`<noscript>`), and a table of tasks (from, to, how each
/// ended) stands beside the log lines, readable and searchable without the script.
#[test]
fn the_timeline_lists_tasks_and_says_what_needs_its_script() {
    let (code, html, _) = run(&["run", "scenarios/factorial_gather.toml", "--format", "html"]);
    assert_eq!(code, 0);
    let noscript = &html[html.find("<noscript>").expect("a noscript note")..];
    assert!(
        noscript.contains("inline script") && noscript.contains("#scroll, .tools"),
        "{noscript}"
    );
    assert!(html.contains("<h3>Tasks (4)</h3>"), "{html}");
    for row in [
        "<tr><td>#1 main</td><td>t=0ms</td><td>t=3000ms</td><td>returned</td></tr>",
        "<tr><td>#2</td><td>t=0ms</td><td>t=1000ms</td><td>returned</td></tr>",
        "<tr><td>#4</td><td>t=0ms</td><td>t=3000ms</td><td>returned</td></tr>",
    ] {
        assert!(html.contains(row), "{row}\n{html}");
    }

    let html = deadlocked("html");
    assert!(
        html.contains(
            "<tr><td>#2 a_then_b</td><td>t=0ms</td><td>t=0ms</td><td>cancelled: deadlock, while blocked on Lock 'b' held by #3 b_then_a</td></tr>"
        ),
        "{html}"
    );
    assert_eq!(
        html.matches("<td>cancelled: deadlock, while blocked on Lock ")
            .count(),
        2
    );
    assert!(html.contains("<td>cancelled: deadlock, while blocked on join #2 a_then_b</td>"));
}

/// The page is a function of the run: the same run twice gives the same bytes (no clock, no
/// addresses, no order from a hash map), and it names nothing to fetch, so it opens offline.
#[test]
fn the_timeline_is_the_same_bytes_for_the_same_run_and_fetches_nothing() {
    let page = || {
        let (code, html, _) = run(&[
            "run",
            "scenarios/bug_timeout_race.toml",
            "--format",
            "html",
            "--policy",
            "random",
            "--seed",
            "9",
        ]);
        // The first seed that breaks it with Random's SplitMix64 stream, found by running
        // seeds 0-9 (round 23; with ChaCha8's it was seed 14).
        assert_eq!(code, 1, "seed 9 breaks the invariant");
        html
    };
    let html = page();
    assert_eq!(html, page());
    for fetch in ["http:", "https:", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(fetch), "{fetch}");
    }
}

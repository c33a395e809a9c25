//! Files given to `sim` that it cannot use (missing, unreadable, a FIFO, a device, binary,
//! a directory without scenarios, the scenario itself as `--out`): a clear message on
//! stderr, exit 2, and never a panic, hang or backtrace (the scenario files' own errors are
//! in `errors.rs`).

use std::process::Command;

use crate::support::{scratch, sim_in};

#[test]
fn missing_file() {
    let o = sim_in(&scratch("errors"), &["run", "nope.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("error: cannot read the scenario file"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--> nope.toml:1:1"));
}

/// `sim run s.toml --out s.toml` replaced the scenario with its own trace, and the next
/// run of it failed to parse: `--out` naming the scenario file (by any path) is refused.
#[test]
fn out_naming_the_scenario_file_is_refused() {
    let dir = scratch("out-self");
    let program = "[main]\nsteps = [{ log = \"hi\" }]\n";
    std::fs::write(dir.join("s.toml"), program).unwrap();
    // Another file is written as asked.
    let o = sim_in(&dir, &["run", "s.toml", "--out", "trace.txt"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        std::fs::read_to_string(dir.join("trace.txt"))
            .unwrap()
            .contains("log: hi")
    );
    let token = o
        .stderr
        .split("replay token: ")
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    let absolute = dir.join("s.toml").to_str().unwrap().to_string();
    for (verb, out) in [
        ("run", "s.toml"),
        ("run", "./s.toml"),
        ("replay", absolute.as_str()),
    ] {
        let mut args = vec![verb, "s.toml"];
        if verb == "replay" {
            args.push(&token);
        }
        args.extend(["--format", "html", "--out", out]);
        let o = sim_in(&dir, &args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("error: --out {out} is the scenario file")),
            "{}",
            o.stderr
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("s.toml")).unwrap(),
            program
        );
    }
}

#[test]
fn check_reports_unreadable_scenarios_and_bad_dirs() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("a_ok.toml"),
        "[main]\nsteps = [{ log = \"hi\" }]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b_bad.toml"),
        "[main]\nsteps = [{ lgo = \"hi\" }]\n",
    )
    .unwrap();
    let o = sim_in(&dir, &["check", "."]);
    assert_eq!(o.code, 2);
    assert!(o.stdout.contains("ok   ./a_ok.toml (fifo)"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("2 scenarios: 1 ok, 0 failed, 1 unreadable"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("unknown key `lgo`") && o.stderr.contains("./b_bad.toml:2:12"),
        "{}",
        o.stderr
    );
    // A path that is neither a file nor a directory: located, like `sim run`'s error.
    let o = sim_in(&dir, &["check", "missing-dir"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("error: cannot read the scenario file: No such file or directory")
            && o.stderr.contains("--> missing-dir:1:1"),
        "{}",
        o.stderr
    );
    let empty = scratch("errors");
    let o = sim_in(&empty, &["check", "."]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("error: no .toml scenarios in the directory .")
    );
}

/// Issue 20: reading a FIFO hung, /dev/zero was read until memory ran out, a binary file
/// got "check the path", and a 1 MB line gave a 2 MB error message.
#[test]
fn odd_files_are_refused_without_reading_them_whole() {
    let dir = scratch("errors");
    for (path, message) in [
        (
            "/dev/zero",
            "it is not a regular file (a FIFO, socket or device)",
        ),
        (".", "it is not a regular file (a directory)"),
    ] {
        let o = sim_in(&dir, &["run", path]);
        assert_eq!(o.code, 2, "{path}: {}", o.stderr);
        assert!(o.stderr.contains(message), "{path}: {}", o.stderr);
    }
    let fifo = dir.join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = sim_in(&dir, &["run", "pipe.toml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not a regular file"), "{}", o.stderr);
    std::fs::write(
        dir.join("bin.toml"),
        [0x7f, b'E', b'L', b'F', 0, 0xff, 0xfe],
    )
    .unwrap();
    let o = sim_in(&dir, &["run", "bin.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("the scenario file is not text: byte 5 is not UTF-8"),
        "{}",
        o.stderr
    );
    std::fs::write(dir.join("nul.toml"), "[main]\0").unwrap();
    let o = sim_in(&dir, &["run", "nul.toml"]);
    assert!(
        o.stderr.contains("it has a NUL byte at byte 6"),
        "{}",
        o.stderr
    );
    // Located at the byte (it said 1:1 wherever the byte was).
    assert!(o.stderr.contains("--> nul.toml:1:7"), "{}", o.stderr);
    std::fs::write(dir.join("late.toml"), b"[main]\nsteps = []\n# caf\xe9\n").unwrap();
    let o = sim_in(&dir, &["run", "late.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("byte 23 is not UTF-8\n  --> late.toml:3:6"),
        "{}",
        o.stderr
    );
    let big = std::fs::File::create(dir.join("big.toml")).unwrap();
    big.set_len(5 << 20).unwrap();
    let o = sim_in(&dir, &["run", "big.toml"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("is larger than 4194304 bytes"),
        "{}",
        o.stderr
    );
    let line = format!(
        "[main]\nsteps = [{{ log = \"{}\", oops = 1 }}]\n",
        "x".repeat(1 << 20)
    );
    std::fs::write(dir.join("long.toml"), line).unwrap();
    let o = sim_in(&dir, &["run", "long.toml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown key `oops`"), "{}", o.stderr);
    assert!(o.stderr.len() < 2_000, "{} bytes of error", o.stderr.len());
}

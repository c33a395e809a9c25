//! What a panic contained by a run prints: one located line by default, the panic hook's
//! whole report with `SIMLOOP_PANICS=full`, nothing with `quiet` (issue 20: contained panics
//! sprayed a backtrace per panic under `RUST_BACKTRACE=1`).

use std::process::Command;

use simloop::{PanicOutput, RunError, Sim, spawn_named};

/// A run whose task panics: the run contains it and the handle reports it. Also the child
/// process of the tests below, which read what it printed.
#[test]
fn panic_output_child() {
    let out = Sim::new().run(async {
        let worker = spawn_named("worker", async {
            let v: Vec<u32> = Vec::new();
            v[3]
        });
        worker.await.unwrap_err().to_string()
    });
    let message = out.result.unwrap();
    assert!(message.contains("index out of bounds"), "{message}");
}

/// Runs `panic_output_child` alone with `SIMLOOP_PANICS` set to `mode` (unset: `None`),
/// under `RUST_BACKTRACE=1`; its standard error.
fn child_stderr(mode: Option<&str>) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "panic_output::panic_output_child",
        "--exact",
        "--test-threads=1",
        "--nocapture",
    ])
    .env("RUST_BACKTRACE", "1")
    .env_remove(simloop::PANICS_ENV);
    if let Some(mode) = mode {
        cmd.env(simloop::PANICS_ENV, mode);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_contained_panic_prints_one_located_line() {
    let err = child_stderr(None);
    let line = err
        .lines()
        .find(|l| l.starts_with("simloop: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.starts_with(
            "simloop: #2 worker panicked at tests/it/panic_output.rs:16:14: index out of bounds"
        ),
        "{line}"
    );
    assert!(
        line.ends_with("(contained by the run; SIMLOOP_PANICS=full prints the whole report)"),
        "{line}"
    );
    assert!(!err.contains("stack backtrace"), "{err}");
    assert!(!err.contains("thread '"), "{err}");
}

#[test]
fn simloop_panics_full_prints_the_hook_report_and_quiet_nothing() {
    let full = child_stderr(Some("full"));
    assert!(
        full.contains("panicked at tests/it/panic_output.rs:16:14")
            && full.contains("stack backtrace"),
        "{full}"
    );
    let quiet = child_stderr(Some("quiet"));
    assert!(!quiet.contains("panicked"), "{quiet}");
}

#[test]
fn the_main_task_s_panic_is_in_the_outcome_whatever_prints() {
    let out = Sim::new()
        .panic_output(PanicOutput::Quiet)
        .run(async { panic!("main gives up") });
    assert_eq!(
        out.result.unwrap_err(),
        RunError::MainPanicked {
            message: "main gives up".into()
        }
    );
}

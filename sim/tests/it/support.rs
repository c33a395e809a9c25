//! What the binary tests share: running `sim` in a directory and a fresh scratch directory.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A finished `sim` process.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `sim ARGS` in `dir`; asserts it exited normally (no signal) with neither a panic nor
/// a backtrace on stderr.
pub fn sim_in(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let o = Out {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !o.stderr.contains("panicked") && !o.stderr.contains("RUST_BACKTRACE"),
        "{}",
        o.stderr
    );
    o
}

/// A new empty directory under the system's temp dir, named after `what`.
pub fn scratch(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "sim-{what}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts that a run of the interpreter ended without a panic (of its main task or an
/// unobserved one) and within `steps` steps (the limit's last step included).
#[track_caller]
pub fn ran_within(report: &simloop_cli::interp::Report, steps: u64) {
    let outcome = &report.outcome;
    assert!(
        !matches!(outcome.result, Err(simloop::RunError::MainPanicked { .. })),
        "{:?}",
        outcome.result
    );
    assert!(
        outcome.unobserved_panics.is_empty(),
        "{:?}",
        outcome.unobserved_panics
    );
    assert!(
        outcome.stats.steps <= steps + 1,
        "{} steps",
        outcome.stats.steps
    );
}

/// The bundled scenarios' texts, sorted by file name.
pub fn bundled() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

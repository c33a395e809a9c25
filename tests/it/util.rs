//! Helpers shared by the test modules.

use std::path::PathBuf;

/// CPython's trace for conformance case `name` (e.g. `001_gather_factorial`), as vendored in
/// `tests/conformance/`. The `vendored_copies_match_shared` test keeps the copies honest.
pub fn cpython_trace(name: &str) -> String {
    let path = conformance_dir().join(format!("{name}.out"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn conformance_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Logs its line when dropped unless disarmed: how a Rust task observes its cancellation
/// (the `except CancelledError` lines of asyncio programs).
pub struct OnDrop {
    line: Option<String>,
}

impl OnDrop {
    pub fn new(line: impl Into<String>) -> OnDrop {
        OnDrop {
            line: Some(line.into()),
        }
    }

    /// The guarded work finished: log nothing.
    pub fn disarm(mut self) {
        self.line = None;
    }
}

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(line) = self.line.take() {
            simloop::log!("{line}");
        }
    }
}

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

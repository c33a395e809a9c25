//! The programs `scripts/differential.py` found differing from CPython, as the scenarios
//! it shrank them to (`sim/tests/differential/NNN_name.toml`, by hand where the shrunk
//! program read poorly): each one's FIFO log lines must equal CPython's trace of the case
//! with the same name (`tests/conformance/NNN_name.out`) byte for byte.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn differential_findings_reproduce_cpython_traces() {
    let dir = root().join("sim/tests/differential");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    for file in files {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let scn = Arc::new(scenario::load(file.to_str().unwrap()).unwrap());
        let report = interp::run(&scn, &Sim::new());
        let want = std::fs::read_to_string(root().join(format!("tests/conformance/{stem}.out")))
            .unwrap_or_else(|e| panic!("{stem}: no CPython trace beside it: {e}"));
        assert_eq!(
            report.outcome.trace.logs(),
            want,
            "{stem} differs from CPython's trace"
        );
        assert!(expect::failures(&scn, &report).is_empty(), "{stem}");
    }
}

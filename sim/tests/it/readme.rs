//! The examples of `scenarios/README.md` run: every ```toml block that is a whole scenario
//! (it has a `[main]` table) loads, and its FIFO run meets its `[expect]`ations. The root
//! README's `Cargo.toml` lines name crates that a new project can depend on.

use std::path::Path;
use std::sync::Arc;

use simloop::Sim;
use simloop_cli::{expect, interp, scenario};

/// The README's ```toml blocks holding a `[main]` table, with the line each starts on.
fn examples() -> Vec<(usize, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut block {
            None if line.trim_start() == "```toml" => block = Some((n + 2, String::new())),
            Some(_) if line.trim_start() == "```" => {
                let (at, body) = block.take().expect("inside a block");
                if body.lines().any(|l| l.trim_start().starts_with("[main]")) {
                    out.push((at, body));
                }
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_scenario_example_in_the_reference_runs_and_meets_its_expectations() {
    let examples = examples();
    assert!(examples.len() >= 2, "the README's examples are missing");
    for (line, text) in examples {
        let name = format!("scenarios/README.md:{line}");
        assert!(
            text.contains("[expect]"),
            "{name}: an example states what it shows in [expect]"
        );
        let scn = Arc::new(scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}")));
        let report = interp::run(&scn, &Sim::new());
        let failures = expect::failures(&scn, &report);
        assert!(
            failures.is_empty(),
            "{name}: {failures:?}\n{}",
            report.outcome.trace.logs()
        );
    }
}

/// A newcomer's `cargo build` failed with "no matching package named `simloop-tokio`
/// found": the README's dependency line named a version, and neither simloop nor
/// simloop-tokio is on crates.io. Every `[dependencies]` entry of the root README that
/// names one of this workspace's crates points at a folder of the checkout by `path`, and
/// that folder holds that crate.
#[test]
fn the_readme_dependency_lines_point_at_the_checkout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut checked = 0;
    for block in text.split("```toml\n").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let Ok(table) = block.parse::<toml::Table>() else {
            continue;
        };
        let Some(deps) = table.get("dependencies").and_then(|d| d.as_table()) else {
            continue;
        };
        for (key, dep) in deps {
            let dep = dep.as_table().unwrap();
            let package = dep.get("package").and_then(|p| p.as_str()).unwrap_or(key);
            if !package.starts_with("simloop") {
                continue;
            }
            let path = dep
                .get("path")
                .and_then(|p| p.as_str())
                .unwrap_or_else(|| panic!("README: `{key}` has no `path`: {dep}"));
            // `../simloop` is the checkout: the rest of the path is inside it.
            let inside = path.strip_prefix("../simloop").unwrap();
            let manifest = root.join(inside.trim_start_matches('/')).join("Cargo.toml");
            let manifest = std::fs::read_to_string(&manifest).unwrap();
            assert!(
                manifest.contains(&format!("name = \"{package}\"")),
                "README: `{path}` does not hold {package}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "the library's line and the tokio drop-in's");
}

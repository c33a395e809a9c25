//! The examples of `scenarios/README.md` run: every ```toml block that is a whole scenario
//! (it has a `[main]` table) loads, and its FIFO run meets its `[expect]`ations.

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

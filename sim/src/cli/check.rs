//! `sim check`: a FIFO run of each scenario, plus the exploration its `[check]` asks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use simloop::{Policy, Sim};

use super::args::LimitArgs;
use super::rerun::Rerun;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, failure_block, load, plural};
use crate::scenario::Verdict;
use crate::{expect, explore, interp};

/// Checks the scenario file at `path`, or every `.toml` file of the directory at `path`.
pub(super) fn check(path: &Path) -> ExitCode {
    let files: Vec<PathBuf> = if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                warn!(
                    "error: cannot read directory {}: {e}\n  = hint: pass a scenario file or the folder holding the .toml scenarios, e.g. `sim check scenarios`",
                    path.display()
                );
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            warn!(
                "error: no .toml scenarios in the directory {}\n  = hint: pass a scenario file or the folder holding the .toml scenarios, e.g. `sim check scenarios`",
                path.display()
            );
            return ExitCode::from(EXIT_USAGE);
        }
        files
    } else {
        // A file, or nothing: `load` says what is wrong with it, located.
        vec![path.to_path_buf()]
    };
    let (mut bad_input, mut failed) = (0, 0);
    for file in &files {
        let scn = match load(file, &LimitArgs::default()) {
            Ok(s) => s,
            Err(_) => {
                bad_input += 1;
                continue;
            }
        };
        let report = interp::run(&scn, &Sim::new());
        let fifo_failures = expect::failures(&scn, &report);
        if !fifo_failures.is_empty() {
            say!("FAIL {} (fifo run)", scn.path);
            warn_raw!(
                "{}",
                failure_block(&scn, &report, &fifo_failures, &LimitArgs::default())
            );
            failed += 1;
            continue;
        }
        if scn.check.explore == 0 {
            say!("ok   {} (fifo)", scn.path);
            continue;
        }
        let n = scn.check.explore;
        // Each policy explores the seeds in turn; the first that breaks the verdict fails
        // the file.
        let mut found = Vec::new();
        let mut ok = true;
        for &policy in &scn.check.policies {
            let plan = explore::Plan {
                policy,
                seeds: 0..n,
                shard: None,
                jobs: 1,
                shrink: false,
                progress: false,
                stop_on_failure: false,
            };
            let summary = explore::explore(&scn, &plan);
            let name = cli_name(policy);
            match (scn.check.verdict, &summary.first) {
                (Verdict::Pass, None) => found.push(format!("{n} {name} seeds")),
                (Verdict::Bug, Some(first)) => found.push(format!(
                    "{}/{} {name} seeds fail, first seed {}; replay: {}",
                    summary.failures,
                    n,
                    first.seed,
                    Rerun::new(&scn, &first.token, &LimitArgs::default()).command
                )),
                (Verdict::Pass, Some(first)) => {
                    say!("FAIL {} ({name} seed {})", scn.path, first.seed);
                    warn!(
                        "FAILED: scenario `{}` ({}) under seed {}:",
                        scn.name, scn.path, first.seed
                    );
                    for m in &first.message {
                        warn!("  - {}", m.trim_end().replace('\n', "\n    "));
                    }
                    let rerun = Rerun::new(&scn, &first.token, &LimitArgs::default());
                    warn!(
                        "seed: {}  policy: {name}\nreplay token: {}\nrerun: {}\ntimeline: {}",
                        first.seed, rerun.token, rerun.command, rerun.timeline
                    );
                    ok = false;
                    break;
                }
                (Verdict::Bug, None) => {
                    say!(
                        "FAIL {} (expected a bug, none of {n} {name} seeds found it)",
                        scn.path
                    );
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            failed += 1;
        } else if scn.check.verdict == Verdict::Bug {
            say!(
                "ok   {} (bug found as expected: {})",
                scn.path,
                found.join("; ")
            );
        } else {
            say!("ok   {} (fifo + {})", scn.path, found.join(", "));
        }
    }
    say!(
        "{}: {} ok, {} failed, {} unreadable",
        plural(files.len() as u64, "scenario"),
        files.len() - failed - bad_input,
        failed,
        bad_input
    );
    if bad_input > 0 {
        ExitCode::from(EXIT_USAGE)
    } else if failed > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::from(EXIT_OK)
    }
}

/// A policy as the command line and `[check] policies` spell it (`pct:3`).
fn cli_name(policy: Policy) -> String {
    match policy {
        Policy::Pct { depth } => format!("pct:{depth}"),
        other => other.to_string(),
    }
}

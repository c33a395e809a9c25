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
        let plan = explore::Plan {
            policy: Policy::Random,
            seeds: 0..scn.check.explore,
            shard: None,
            jobs: 1,
            shrink: false,
            progress: false,
            stop_on_failure: false,
        };
        let summary = explore::explore(&scn, &plan);
        let n = scn.check.explore;
        match (scn.check.verdict, &summary.first) {
            (Verdict::Pass, None) => {
                say!("ok   {} (fifo + {n} random seeds)", scn.path)
            }
            (Verdict::Bug, Some(first)) => say!(
                "ok   {} (bug found as expected: {}/{} random seeds fail, first seed {}; replay: {})",
                scn.path,
                summary.failures,
                n,
                first.seed,
                Rerun::new(&scn, &first.token, &LimitArgs::default()).command
            ),
            (Verdict::Pass, Some(first)) => {
                say!("FAIL {} (random seed {})", scn.path, first.seed);
                warn!(
                    "FAILED: scenario `{}` ({}) under seed {}:",
                    scn.name, scn.path, first.seed
                );
                for m in &first.message {
                    warn!("  - {}", m.trim_end().replace('\n', "\n    "));
                }
                let rerun = Rerun::new(&scn, &first.token, &LimitArgs::default());
                warn!(
                    "seed: {}  policy: random\nreplay token: {}\nrerun: {}\ntimeline: {}",
                    first.seed, rerun.token, rerun.command, rerun.timeline
                );
                failed += 1;
            }
            (Verdict::Bug, None) => {
                say!(
                    "FAIL {} (expected a bug, none of {n} random seeds found it)",
                    scn.path
                );
                failed += 1;
            }
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

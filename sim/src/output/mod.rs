//! Output formats for one run: text (stable), JSON lines, Chrome trace events, HTML timeline.

mod chrome;
mod html;
mod jsonl;
pub mod timeline;

use clap::ValueEnum;

use crate::interp::Report;
use crate::scenario::Scenario;

/// How `sim run` and `sim replay` print a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Every event, one line each (`Trace::render`); stable across runs and platforms.
    #[default]
    Text,
    /// Only the log lines, `t=<ms> <line>`: comparable with CPython's traces.
    Logs,
    /// One JSON object per event, then an `end` object.
    Jsonl,
    /// Chrome trace event JSON, for Perfetto or chrome://tracing.
    Chrome,
    /// A self-contained HTML page with an SVG timeline.
    Html,
}

/// What every format says about the run besides its events.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Scenario title.
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// Scenario file.
    pub path: String,
    /// Seed.
    pub seed: u64,
    /// Policy.
    pub policy: String,
    /// Replay token.
    pub token: String,
    /// The main task's value (`repr`) or what went wrong.
    pub result: String,
    /// Virtual time taken.
    pub elapsed: String,
    /// Broken expectations.
    pub failures: Vec<String>,
}

impl RunInfo {
    /// Collects the run's facts.
    pub fn new(scn: &Scenario, report: &Report, failures: Vec<String>) -> RunInfo {
        let out = &report.outcome;
        let result = match &out.result {
            Ok(Ok(v)) => v.repr(),
            Ok(Err(e)) => format!("raised {}", e.repr()),
            Err(e) => e.to_string().lines().next().unwrap_or("").to_string(),
        };
        RunInfo {
            name: scn.name.clone(),
            description: scn.description.clone(),
            path: scn.path.clone(),
            seed: out.token.seed(),
            policy: out.token.policy().to_string(),
            token: out.token.to_string(),
            result,
            elapsed: format!("{:?}", out.elapsed),
            failures,
        }
    }
}

/// Renders a run in `format`.
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{interp, output::{self, Format, RunInfo}, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ log = \"hi\" }]").unwrap());
/// let report = interp::run(&scn, &Sim::new());
/// let info = RunInfo::new(&scn, &report, vec![]);
/// assert_eq!(output::render(Format::Logs, &report, &info), "t=0 hi\n");
/// assert!(output::render(Format::Html, &report, &info).contains("<svg"));
/// ```
pub fn render(format: Format, report: &Report, info: &RunInfo) -> String {
    let trace = &report.outcome.trace;
    match format {
        Format::Text => trace.render(),
        Format::Logs => trace.logs(),
        Format::Jsonl => jsonl::render(trace, info),
        Format::Chrome => chrome::render(&timeline::build(trace), info),
        Format::Html => html::render(&timeline::build(trace), info),
    }
}

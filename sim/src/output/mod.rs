//! Output formats for one run: text (stable), JSON lines, Chrome trace events, HTML timeline.

mod chrome;
mod command;
mod html;
mod json;
mod jsonl;
pub mod timeline;

use std::io::{self, Write};

use clap::ValueEnum;
use simloop::Token;
use simloop::trace::EventKind;

pub use self::command::{replay_command, shell_word};

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

/// A token as `sim` prints it: simloop's token, `@`, and the scenario's fingerprint (8 hex
/// digits), so that replaying it against another program is refused.
pub fn sim_token(scn: &Scenario, token: &Token) -> String {
    format!("{token}@{:08x}", scn.fingerprint)
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
    /// The command that replays the run: [`replay_command`] here; `sim` adds the run's limit
    /// flags and passes a long token as `@FILE`.
    pub replay: String,
    /// The main task's value (`repr`) or what went wrong.
    pub result: String,
    /// Virtual time taken.
    pub elapsed: String,
    /// Virtual time taken, in milliseconds.
    pub elapsed_ms: f64,
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
            token: sim_token(scn, &out.token),
            replay: replay_command(&scn.path, &sim_token(scn, &out.token)),
            result,
            elapsed: format!("{:?}", out.elapsed),
            elapsed_ms: out.elapsed.as_nanos() as f64 / 1e6,
            failures,
        }
    }
}

/// Writes a run in `format` to `w`, streaming: nothing is rendered into one string. The
/// events of the text, logs and JSON-lines formats stop after `max_bytes` bytes with a
/// line saying so (the JSON lines' `end` object is still written); the timeline formats
/// bound their own size.
pub fn write(
    format: Format,
    report: &Report,
    info: &RunInfo,
    w: &mut dyn Write,
    max_bytes: u64,
) -> io::Result<()> {
    let trace = &report.outcome.trace;
    let mut capped = Capped::new(&mut *w, max_bytes);
    let written = match format {
        Format::Text => write!(capped, "{trace}"),
        Format::Logs => trace.iter().try_for_each(|e| match &e.kind {
            EventKind::Log(line) => writeln!(capped, "t={} {line}", e.time),
            _ => Ok(()),
        }),
        Format::Jsonl => jsonl::write_events(trace, &mut capped),
        Format::Chrome => return chrome::write(&timeline::build(trace), info, w),
        Format::Html => return html::write(&timeline::build(trace), info, w),
    };
    // Once the output is cut, the writer refuses more, which ends the formatting early
    // (a runaway run's millions of events are not formatted to be dropped).
    match written {
        Err(_) if capped.cut => {}
        other => other?,
    }
    capped.finish()?;
    if capped.cut {
        writeln!(
            w,
            "... output cut after {max_bytes} bytes (raise it with --max-output)"
        )?;
    }
    if format == Format::Jsonl {
        jsonl::write_end(info, w)?;
    }
    Ok(())
}

/// [`write()`] into a string, without a size limit (for tests).
#[cfg(test)]
pub fn render(format: Format, report: &Report, info: &RunInfo) -> String {
    let mut out = Vec::new();
    write(format, report, info, &mut out, u64::MAX).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the formats write UTF-8")
}

/// A writer that keeps whole lines while they fit in `left` bytes; past them it is `cut`
/// and fails every write, so that the writing stops.
struct Capped<'a> {
    inner: &'a mut dyn Write,
    left: u64,
    /// The line being written.
    line: Vec<u8>,
    cut: bool,
}

impl<'a> Capped<'a> {
    fn new(inner: &'a mut dyn Write, left: u64) -> Capped<'a> {
        Capped {
            inner,
            left,
            line: Vec::new(),
            cut: false,
        }
    }

    /// Writes out the last line if it has no newline (and fits).
    fn finish(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.end_line()?;
        }
        Ok(())
    }

    fn end_line(&mut self) -> io::Result<()> {
        if self.line.len() as u64 <= self.left {
            self.left -= self.line.len() as u64;
            self.inner.write_all(&self.line)?;
        } else {
            self.cut = true;
        }
        self.line.clear();
        Ok(())
    }
}

impl Write for Capped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cut {
            return Err(io::Error::other("output cut"));
        }
        let mut rest = buf;
        while !self.cut && !rest.is_empty() {
            match rest.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.line.extend_from_slice(&rest[..=i]);
                    rest = &rest[i + 1..];
                    self.end_line()?;
                }
                None => {
                    self.line.extend_from_slice(rest);
                    if self.line.len() as u64 > self.left {
                        self.cut = true;
                        self.line.clear();
                    }
                    break;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn sim_token_ends_with_the_fingerprint() {
        let scn = crate::scenario::parse("s.toml", "[main]\nsteps = []").unwrap();
        let token = simloop::Sim::new().run(async {}).token;
        let printed = crate::output::sim_token(&scn, &token);
        assert_eq!(printed, format!("{token}@{:08x}", scn.fingerprint));
    }

    #[test]
    fn write_cuts_the_logs_at_max_bytes() {
        use crate::{
            interp,
            output::{self, Format, RunInfo},
            scenario,
        };
        use simloop::Sim;
        use std::sync::Arc;

        let scn = Arc::new(
            scenario::parse(
                "s.toml",
                "[main]\nsteps = [{ log = \"hi\" }, { log = \"there\" }]",
            )
            .unwrap(),
        );
        let report = interp::run(&scn, &Sim::new());
        let info = RunInfo::new(&scn, &report, vec![]);
        let mut out = Vec::new();
        output::write(Format::Logs, &report, &info, &mut out, 1 << 20).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "t=0 hi\nt=0 there\n");
        let mut out = Vec::new();
        output::write(Format::Logs, &report, &info, &mut out, 8).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "t=0 hi\n... output cut after 8 bytes (raise it with --max-output)\n"
        );
    }

    #[test]
    fn render_writes_every_format() {
        use crate::{
            interp,
            output::{self, Format, RunInfo},
            scenario,
        };
        use simloop::Sim;
        use std::sync::Arc;

        let scn =
            Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ log = \"hi\" }]").unwrap());
        let report = interp::run(&scn, &Sim::new());
        let info = RunInfo::new(&scn, &report, vec![]);
        assert_eq!(output::render(Format::Logs, &report, &info), "t=0 hi\n");
        assert!(output::render(Format::Html, &report, &info).contains("<canvas"));
    }
}

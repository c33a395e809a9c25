//! The command line: `sim run | explore | replay | check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use simloop::{Policy, Sim, Token, TraceLevel};

use crate::expect;
use crate::explore;
use crate::interp::{self, Report};
use crate::output::{self, Format, RunInfo};
use crate::scenario::{self, Scenario, Verdict};

/// `println!` that ignores a closed standard output (`sim ... | head` must not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that ignores a closed standard error.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that ignores a closed standard error.
macro_rules! warn_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// Exit status when every expectation holds.
pub const EXIT_OK: u8 = 0;
/// Exit status when a run broke an expectation.
pub const EXIT_FAILED: u8 = 1;
/// Exit status for bad input: flags, files, tokens.
pub const EXIT_USAGE: u8 = 2;

/// Runs asyncio-style scenario files on simloop's deterministic scheduler.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs a scenario once, prints its trace, and checks its expectations.
    Run {
        /// The scenario file.
        file: PathBuf,
        /// The seed (for the random policy and the program's random draws).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The scheduling policy: fifo (asyncio's order), random, or pct:D when available.
        #[arg(long, default_value = "fifo", value_parser = parse_policy)]
        policy: Policy,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Runs a scenario under many seeds and reports the failures.
    Explore {
        /// The scenario file.
        file: PathBuf,
        /// Seeds 0..N.
        #[arg(long, conflicts_with = "seeds", required_unless_present = "seeds")]
        runs: Option<u64>,
        /// Seeds A..B (B excluded).
        #[arg(long, value_parser = parse_seeds)]
        seeds: Option<(u64, u64)>,
        /// Threads to use.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
        jobs: u64,
        /// Only this share of the seeds: `i/n` takes every seed whose position modulo n is i
        /// (0-based), so n machines with i = 0..n cover the range once.
        #[arg(long, value_parser = parse_shard)]
        shard: Option<(u64, u64)>,
        /// The policy to explore with: random, or pct:D (probabilistic concurrency testing
        /// with depth D).
        #[arg(long, default_value = "random", value_parser = parse_policy)]
        policy: Policy,
        /// Do not shrink the first failure.
        #[arg(long)]
        no_shrink: bool,
        /// Run every seed and count the failures, instead of stopping at the first one.
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Shrinks a failing run to as few deviations from asyncio's order as the search finds.
    Shrink {
        /// The scenario file.
        file: PathBuf,
        /// The token a failing run printed.
        token: String,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Replays a recorded run from its token.
    Replay {
        /// The scenario file.
        file: PathBuf,
        /// The token a failing run printed.
        token: String,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Checks scenarios: a FIFO run, plus the exploration their [check] asks.
    Check {
        /// A scenario file, or a directory of them (every `.toml` file in it).
        path: PathBuf,
    },
}

/// What a run may use; each flag overrides the scenario's `[limits]`.
#[derive(Debug, Args, Default)]
struct LimitArgs {
    /// Stop a run after this many steps (scheduler steps plus interpreted steps) [default:
    /// 1000000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: Option<u64>,
    /// Stop a run that spawns more than this many tasks [default: 20000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_tasks: Option<u64>,
    /// Stop a run before its virtual clock passes this many seconds [default: none].
    #[arg(long, value_parser = parse_seconds)]
    max_time: Option<std::time::Duration>,
    /// Stop a run that logs more than this many bytes, and cut printed traces there
    /// [default: 16777216].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_output: Option<u64>,
}

impl LimitArgs {
    /// The scenario with these flags over its `[limits]`.
    fn apply(&self, scn: Arc<Scenario>) -> Arc<Scenario> {
        if self.max_steps.is_none()
            && self.max_tasks.is_none()
            && self.max_time.is_none()
            && self.max_output.is_none()
        {
            return scn;
        }
        let mut scn = Arc::unwrap_or_clone(scn);
        let l = &mut scn.limits;
        l.max_steps = self.max_steps.unwrap_or(l.max_steps);
        l.max_tasks = self.max_tasks.unwrap_or(l.max_tasks);
        l.max_time = self.max_time.or(l.max_time);
        l.max_output = self.max_output.unwrap_or(l.max_output);
        Arc::new(scn)
    }
}

fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| *x > 0.0)
        .and_then(scenario::seconds)
        .ok_or_else(|| format!("`{s}` is not a number of seconds above 0 (at most 1e9)"))
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn parse_policy(s: &str) -> Result<Policy, String> {
    // `pct:3` on the command line; simloop spells it `pct3`.
    let spelled = match s.strip_prefix("pct:") {
        Some(depth) => format!("pct{depth}"),
        None => s.to_string(),
    };
    spelled
        .parse::<Policy>()
        .map_err(|_| format!("unknown policy '{s}' (known: fifo, random, pct:D with D >= 1)"))
}

/// Reads a token printed by `sim`, checking that it was recorded for `scn`'s program.
fn parse_token(text: &str, scn: &Scenario) -> Result<Token, ExitCode> {
    let usage = |message: String| {
        warn!("{message}");
        ExitCode::from(EXIT_USAGE)
    };
    let text = text.trim();
    let (token, print) = match text.rsplit_once('@') {
        Some((token, print)) => (token, Some(print)),
        None => (text, None),
    };
    let token: Token = token.parse().map_err(|e| {
        usage(format!(
            "error: {e}\n  = hint: pass the token exactly as a failed run printed it (sim run, sim explore)"
        ))
    })?;
    match print.map(|p| u32::from_str_radix(p, 16).map_err(|_| p)) {
        None => warn!(
            "note: this token carries no scenario fingerprint, so it cannot be checked against `{}`",
            scn.path
        ),
        Some(Err(p)) => {
            return Err(usage(format!(
                "error: malformed replay token: `{}` after `@` is not a scenario fingerprint (8 hex digits)\n  = hint: pass the token exactly as a failed run printed it (sim run, sim explore)",
                p.chars().take(40).collect::<String>()
            )));
        }
        Some(Ok(p)) if p != scn.fingerprint => {
            return Err(usage(format!(
                "error: this token was recorded for another program (fingerprint {p:08x}; `{}` is {:08x})\n  = hint: replay it with the scenario it came from; a token survives edits to comments, `name`, `description`, [expect], [check] and [limits], not to the program",
                scn.path, scn.fingerprint
            )));
        }
        Some(Ok(_)) => {}
    }
    Ok(token)
}

fn parse_seeds(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s.split_once("..").ok_or("expected A..B, e.g. 0..1000")?;
    let a: u64 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}` is not a seed (a whole number)"))?;
    let b: u64 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}` is not a seed (a whole number)"))?;
    if a >= b {
        return Err(format!("the range {a}..{b} is empty (B is excluded)"));
    }
    Ok((a, b))
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s.split_once('/').ok_or("expected i/n, e.g. 0/4")?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a shard number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a shard count"))?;
    if n == 0 {
        return Err("the shard count must be at least 1: `i/n` with 0 <= i < n, e.g. 0/4".into());
    }
    if i >= n {
        return Err(format!(
            "shard {i}/{n} does not exist: use 0/{n} to {}/{n}",
            n - 1
        ));
    }
    Ok((i, n))
}

/// The command that replays `token`, from the repository root.
pub fn replay_command(path: &str, token: &str) -> String {
    format!("cargo run -q -p simloop-cli --bin sim -- replay {path} {token}")
}

fn load(path: &Path, limits: &LimitArgs) -> Result<Arc<Scenario>, ExitCode> {
    scenario::load(&path.display().to_string())
        .map(|s| limits.apply(Arc::new(s)))
        .map_err(|e| {
            warn!("{e}");
            ExitCode::from(EXIT_USAGE)
        })
}

/// The trace a format needs: the log lines only, or every event.
fn trace_level(format: Format) -> TraceLevel {
    match format {
        Format::Logs => TraceLevel::Logs,
        _ => TraceLevel::Full,
    }
}

fn failure_block(scn: &Scenario, report: &Report, failures: &[String]) -> String {
    let token = &report.outcome.token;
    let mut s = format!("FAILED: scenario `{}` ({})\n", scn.name, scn.path);
    for f in failures {
        s.push_str(&format!("  - {}\n", f.trim_end().replace('\n', "\n    ")));
    }
    s.push_str(&format!(
        "seed: {}  policy: {}\n",
        token.seed(),
        token.policy()
    ));
    let token = output::sim_token(scn, token);
    s.push_str(&format!("replay token: {token}\n"));
    s.push_str(&format!("rerun: {}\n", replay_command(&scn.path, &token)));
    s
}

fn emit(scn: &Scenario, report: &Report, out: &OutputArgs) -> ExitCode {
    use std::io::Write as _;
    let failures = expect::failures(scn, report);
    let info = RunInfo::new(scn, report, failures.clone());
    let max = scn.limits.max_output;
    match &out.out {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                output::write(out.format, report, &info, &mut w, max)?;
                w.flush()
            });
            if let Err(e) = written {
                warn!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(EXIT_USAGE);
            }
        }
        None => {
            // A closed standard output (`sim ... | head`) only ends the printing.
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = output::write(out.format, report, &info, &mut w, max).and_then(|()| w.flush());
        }
    }
    if failures.is_empty() {
        warn!(
            "ok: `{}` result {} in {} virtual, every expectation holds (seed {}, policy {})\nreplay token: {}",
            scn.name, info.result, info.elapsed, info.seed, info.policy, info.token
        );
        ExitCode::from(EXIT_OK)
    } else {
        warn_raw!("{}", failure_block(scn, report, &failures));
        ExitCode::from(EXIT_FAILED)
    }
}

/// Parses `args` (the program name first) and runs the command; the process's exit code.
/// Only this function maps outcomes to exit codes.
///
/// ```
/// use std::process::ExitCode;
/// let code = simloop_cli::cli::main(["sim", "run", "no-such-file.toml"].map(Into::into));
/// assert_eq!(code, ExitCode::from(simloop_cli::cli::EXIT_USAGE));
/// ```
pub fn main(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    match cli.command {
        Command::Run {
            file,
            seed,
            policy,
            out,
            limits,
        } => {
            let scn = match load(&file, &limits) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let sim = Sim::new()
                .seed(seed)
                .policy(policy)
                .trace(trace_level(out.format));
            let report = interp::run(&scn, &sim);
            emit(&scn, &report, &out)
        }
        Command::Replay {
            file,
            token,
            out,
            limits,
        } => {
            let scn = match load(&file, &limits) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let token = match parse_token(&token, &scn) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let sim = Sim::new().replay(&token).trace(trace_level(out.format));
            let report = interp::run(&scn, &sim);
            if let Err(e @ simloop::RunError::ReplayDiverged { .. }) = &report.outcome.result {
                // Not a verdict on the program: the token does not describe a run of it.
                warn!(
                    "error: the replay left its token: {e}\n  = hint: the token's fingerprint matches `{}`, so the program's behaviour changed (a different sim or simloop version?); record a new token with `sim run` or `sim explore`",
                    scn.path
                );
                return ExitCode::from(EXIT_USAGE);
            }
            emit(&scn, &report, &out)
        }
        Command::Shrink {
            file,
            token,
            out,
            limits,
        } => {
            let scn = match load(&file, &limits) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let token = match parse_token(&token, &scn) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let Some(shrunk) = explore::shrink(&scn, &token) else {
                warn!(
                    "error: this token's run meets every expectation of `{}`, so there is nothing to shrink\n  = hint: pass the token of a failing run (sim run, sim explore, sim replay show it)",
                    scn.name
                );
                return ExitCode::from(EXIT_USAGE);
            };
            warn!(
                "shrunk: {} deviation(s) from FIFO and {} steps (from {} and {}; {} tries)",
                shrunk.deviations,
                shrunk.steps,
                shrunk.original_deviations,
                shrunk.original_steps,
                shrunk.tries
            );
            let sim = Sim::new()
                .replay(&shrunk.token)
                .trace(trace_level(out.format));
            let report = interp::run(&scn, &sim);
            emit(&scn, &report, &out)
        }
        Command::Explore {
            file,
            runs,
            seeds,
            jobs,
            shard,
            policy,
            no_shrink,
            keep_going,
            limits,
        } => {
            if policy == Policy::Fifo {
                warn!(
                    "error: `--policy fifo` explores nothing: every seed gives asyncio's one order\n  = hint: use `--policy random` or `--policy pct:3`, or `sim run` for the FIFO run"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            let scn = match load(&file, &limits) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let (a, b) = seeds.unwrap_or((0, runs.unwrap_or(0)));
            let planned = match shard {
                Some((i, n)) => (b.saturating_sub(a + i)).div_ceil(n),
                None => b - a,
            };
            if planned == 0 {
                warn!(
                    "error: no seeds to run\n  = hint: use --runs N with N >= 1, or a non-empty --seeds A..B"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            let plan = explore::Plan {
                policy,
                seeds: a..b,
                shard,
                jobs: jobs as usize,
                shrink: !no_shrink,
                progress: true,
                stop_on_failure: !keep_going,
            };
            let summary = explore::explore(&scn, &plan);
            let shard_note = shard
                .map(|(i, n)| format!(", shard {i}/{n}"))
                .unwrap_or_default();
            let stopped = if summary.first.is_some() && !keep_going && summary.runs < planned {
                " (stopped at the first failure; --keep-going runs them all)"
            } else {
                ""
            };
            say!(
                "explored `{}`: {} (policy {policy}, seeds {a}..{b}{shard_note}){stopped}",
                scn.name,
                plural(summary.runs, "run")
            );
            say!("distinct schedules: {}", summary.distinct_schedules);
            say!("failures: {}", summary.failures);
            match &summary.first {
                None => {
                    say!("every run meets the expectations");
                    ExitCode::from(EXIT_OK)
                }
                Some(first) => {
                    say!("first failure: seed {}", first.seed);
                    say!("  - {}", first.message.trim_end().replace('\n', "\n    "));
                    let token = output::sim_token(&scn, &first.token);
                    say!("first failing token: {token}");
                    say!("replay it: {}", replay_command(&scn.path, &token));
                    if let Some(s) = &summary.shrunk {
                        say!(
                            "shrunk to {} deviation(s) from FIFO, {} steps (from {}, {}): {}",
                            s.deviations,
                            s.steps,
                            s.original_deviations,
                            s.original_steps,
                            output::sim_token(&scn, &s.token)
                        );
                        say!(
                            "replay the shrunk run: {}",
                            replay_command(&scn.path, &output::sim_token(&scn, &s.token))
                        );
                    }
                    ExitCode::from(EXIT_FAILED)
                }
            }
        }
        Command::Check { path } => check(&path),
    }
}

/// `1 run`, `2 runs`.
fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn check(path: &Path) -> ExitCode {
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
            warn!("error: no .toml scenarios in {}", path.display());
            return ExitCode::from(EXIT_USAGE);
        }
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        warn!(
            "error: cannot read directory {}: no such file or directory\n  = hint: pass a scenario file or the folder holding the .toml scenarios, e.g. `sim check scenarios`",
            path.display()
        );
        return ExitCode::from(EXIT_USAGE);
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
            warn_raw!("{}", failure_block(&scn, &report, &fifo_failures));
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
                replay_command(&scn.path, &output::sim_token(&scn, &first.token))
            ),
            (Verdict::Pass, Some(first)) => {
                say!("FAIL {} (random seed {})", scn.path, first.seed);
                warn!(
                    "FAILED: scenario `{}` ({}) under seed {}:",
                    scn.name, scn.path, first.seed
                );
                warn!("  - {}", first.message);
                warn!(
                    "seed: {}  policy: random\nreplay token: {}\nrerun: {}",
                    first.seed,
                    output::sim_token(&scn, &first.token),
                    replay_command(&scn.path, &output::sim_token(&scn, &first.token))
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

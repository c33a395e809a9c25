//! The command line: `sim run | explore | shrink | replay | check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use simloop::{Policy, RunError, Sim, Token, TraceLevel};

use crate::expect;
use crate::explore;
use crate::interp::{self, Report};
use crate::output::{self, Format, RunInfo};
use crate::scenario::{self, Scenario};

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

// After the macros, which they use.
mod args;
mod check;
mod rerun;

use self::args::{LimitArgs, OutputArgs, parse_policy, parse_seeds, parse_shard};
use self::rerun::{Rerun, parse_token};

/// The end of `sim --help`: what the exit statuses mean and where the language is described.
const AFTER_HELP: &str = "\
Exit status: 0 every expectation holds; 1 a run broke an expectation or reached a limit
(the seed, policy, replay token and the command that reruns it are printed); 2 bad input
(a located error `--> file:line:column` with a hint, a bad flag, a token of another
program or one the replay leaves).

Examples:
  sim run scenarios/factorial_gather.toml --format logs
  sim explore scenarios/bug_lost_update.toml --runs 200 --jobs 2
  sim replay scenarios/bug_lost_update.toml <TOKEN>
  sim check scenarios

The scenario language (steps, state reads, expressions, expectations, limits) is described
in scenarios/README.md.";

/// Exit status when every expectation holds.
pub const EXIT_OK: u8 = 0;
/// Exit status when a run broke an expectation.
pub const EXIT_FAILED: u8 = 1;
/// Exit status for bad input: flags, files, tokens.
pub const EXIT_USAGE: u8 = 2;

/// Runs asyncio-style scenario files on simloop's deterministic scheduler.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about, long_about = None, after_help = AFTER_HELP)]
pub(crate) struct Cli {
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
        /// The scheduling policy: fifo (asyncio's order), random (a seeded choice among the
        /// ready entries at every step), or pct:D (probabilistic concurrency testing: D
        /// priority changes, D >= 1).
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
        /// Seeds 0..N (this or --seeds is required).
        #[arg(long, conflicts_with = "seeds", required_unless_present = "seeds")]
        runs: Option<u64>,
        /// Seeds A..B (B excluded), e.g. 1000..2000.
        #[arg(long, value_parser = parse_seeds)]
        seeds: Option<(u64, u64)>,
        /// Threads to use (at most one per CPU is started, each holding a run; at most 256).
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
        /// The token a run printed (`sl3:...@fingerprint`), or `@FILE` for a long token
        /// `sim` kept in a file.
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
        /// The token a run printed (`sl3:...@fingerprint`), or `@FILE` for a long token
        /// `sim` kept in a file.
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

/// Loads the scenario `path` under the limit flags `limits` (a located error is exit 2).
fn load(path: &Path, limits: &LimitArgs) -> Result<Arc<Scenario>, ExitCode> {
    scenario::load(&path.display().to_string())
        .map(|s| limits.apply(Arc::new(s)))
        .map_err(|e| {
            warn!("{e}");
            ExitCode::from(EXIT_USAGE)
        })
}

/// Loads `file`, reads `token` for it (`@FILE` too), and replays it at trace level `level`.
/// Bad input is exit 2: the file, the token, and a token the replay does not follow (one
/// recorded from another program, or a run that left it), which is no verdict on the
/// program.
fn replayed(
    file: &Path,
    token: &str,
    limits: &LimitArgs,
    level: TraceLevel,
) -> Result<(Arc<Scenario>, Token, Report), ExitCode> {
    let scn = load(file, limits)?;
    let token = parse_token(token, &scn)?;
    let report = interp::run(&scn, &Sim::new().replay(&token).trace(level));
    match &report.outcome.result {
        // The run's first events are not the recorded ones: another scenario (a token
        // without its `@` fingerprint) or another version of sim.
        Err(e @ RunError::WrongProgram(_)) => warn!(
            "error: {e}\n  = hint: a token replays with the scenario and the sim that recorded it; record a new one for `{}` with `sim run` or `sim explore`",
            scn.path
        ),
        Err(e @ RunError::ReplayDiverged { .. }) => warn!(
            "error: the replay left its token: {e}\n  = hint: the token's fingerprint matches `{}`, so the run went otherwise: other limits than the recorded run's (pass the same --max-* flags), or a different sim or simloop version; record a new token with `sim run` or `sim explore`",
            scn.path
        ),
        _ => return Ok((scn, token, report)),
    }
    Err(ExitCode::from(EXIT_USAGE))
}

/// The threads `--jobs` gets: at most one per CPU. Runs are CPU-bound and each thread holds
/// one run's tasks, so more threads than CPUs only multiply the memory (`--jobs 256` of a
/// program spawning its 20,000 tasks took over 4 GB); the report is the same for any number
/// of jobs.
fn cap_jobs(jobs: u64) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = usize::try_from(jobs).unwrap_or(usize::MAX);
    if jobs > cpus {
        warn!("note: --jobs {jobs} runs {cpus} threads, one per CPU of this machine");
    }
    jobs.min(cpus)
}

/// The trace a format needs: the log lines only, or every event.
fn trace_level(format: Format) -> TraceLevel {
    match format {
        Format::Logs => TraceLevel::Logs,
        _ => TraceLevel::Full,
    }
}

/// The report of a failed run: what failed, the seed and policy, the token, the command
/// that reruns it (under the same limit flags) and the one that writes its timeline.
fn failure_block(
    scn: &Scenario,
    report: &Report,
    failures: &[String],
    limits: &LimitArgs,
) -> String {
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
    let rerun = Rerun::new(scn, token, limits);
    s.push_str(&format!("replay token: {}\n", rerun.token));
    s.push_str(&format!("rerun: {}\n", rerun.command));
    s.push_str(&format!("timeline: {}\n", rerun.timeline));
    s
}

fn emit(scn: &Scenario, report: &Report, out: &OutputArgs, limits: &LimitArgs) -> ExitCode {
    use std::io::Write as _;
    let failures = expect::failures(scn, report);
    let mut info = RunInfo::new(scn, report, failures.clone());
    // The page's replay line is the terminal's rerun command (limit flags, a long token's file).
    info.replay = Rerun::new(scn, &report.outcome.token, limits).command;
    let max = scn.limits.max_output;
    match &out.out {
        Some(path) if same_file(path, Path::new(&scn.path)) => {
            warn!(
                "error: --out {} is the scenario file: writing the output there would replace the program\n  = hint: name another file, e.g. `--out timeline.html`",
                path.display()
            );
            return ExitCode::from(EXIT_USAGE);
        }
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
            // A closed standard output (`sim ... | head`) only ends the printing; a full disk
            // or another error is one (it exited 0 with the trace lost).
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            let written =
                output::write(out.format, report, &info, &mut w, max).and_then(|()| w.flush());
            if let Err(e) = written
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                warn!("error: cannot write the standard output: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    if failures.is_empty() {
        warn!(
            "ok: `{}` result {} in {} virtual, every expectation holds (seed {}, policy {})\nreplay token: {}",
            scn.name,
            info.result,
            info.elapsed,
            info.seed,
            info.policy,
            Rerun::new(scn, &report.outcome.token, limits).token
        );
        ExitCode::from(EXIT_OK)
    } else {
        warn_raw!("{}", failure_block(scn, report, &failures, limits));
        ExitCode::from(EXIT_FAILED)
    }
}

/// Whether `a` and `b` name one existing file (through `.`, `..` and links too).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
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
    dispatch(cli.command).unwrap_or_else(|code| code)
}

/// Runs one command: `Err` is an exit code decided before the command's verdict (bad
/// input: exit 2).
fn dispatch(command: Command) -> Result<ExitCode, ExitCode> {
    match command {
        Command::Run {
            file,
            seed,
            policy,
            out,
            limits,
        } => {
            let scn = load(&file, &limits)?;
            let sim = Sim::new()
                .seed(seed)
                .policy(policy)
                .trace(trace_level(out.format));
            let report = interp::run(&scn, &sim);
            Ok(emit(&scn, &report, &out, &limits))
        }
        Command::Replay {
            file,
            token,
            out,
            limits,
        } => {
            let (scn, _, report) = replayed(&file, &token, &limits, trace_level(out.format))?;
            Ok(emit(&scn, &report, &out, &limits))
        }
        Command::Shrink {
            file,
            token,
            out,
            limits,
        } => {
            let (scn, token, _) = replayed(&file, &token, &limits, TraceLevel::Off)?;
            let Some(shrunk) = explore::shrink(&scn, &token) else {
                warn!(
                    "error: this token's run meets every expectation of `{}`, so there is nothing to shrink\n  = hint: pass the token of a failing run (sim run, sim explore, sim replay show it)",
                    scn.name
                );
                return Err(ExitCode::from(EXIT_USAGE));
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
            Ok(emit(&scn, &report, &out, &limits))
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
                return Err(ExitCode::from(EXIT_USAGE));
            }
            let scn = load(&file, &limits)?;
            let (a, b) = seeds.unwrap_or((0, runs.unwrap_or(0)));
            let planned = match shard {
                Some((i, n)) => (b.saturating_sub(a + i)).div_ceil(n),
                None => b - a,
            };
            if planned == 0 {
                warn!(
                    "error: no seeds to run\n  = hint: use --runs N with N >= 1, or a non-empty --seeds A..B"
                );
                return Err(ExitCode::from(EXIT_USAGE));
            }
            let plan = explore::Plan {
                policy,
                seeds: a..b,
                shard,
                jobs: cap_jobs(jobs),
                shrink: !no_shrink,
                progress: true,
                stop_on_failure: !keep_going,
            };
            let summary = explore::explore(&scn, &plan);
            let shard_note = shard
                .map(|(i, n)| format!(", shard {i}/{n}"))
                .unwrap_or_default();
            let stopped = if summary.same_for_all {
                ": every seed gives this same run (no two tasks are ever ready together and nothing is drawn at random), so one run stands for them all"
            } else if summary.first.is_some() && !keep_going && summary.runs < planned {
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
                    Ok(ExitCode::from(EXIT_OK))
                }
                Some(first) => {
                    say!("first failure: seed {}", first.seed);
                    // One item per broken expectation, as `sim run` lists them.
                    for m in &first.message {
                        say!("  - {}", m.trim_end().replace('\n', "\n    "));
                    }
                    let rerun = Rerun::new(&scn, &first.token, &limits);
                    say!("first failing token: {}", rerun.token);
                    say!("replay it: {}", rerun.command);
                    // One timeline line: the shrunk run's when there is one (the shorter
                    // story), else the first failure's.
                    let mut timeline = rerun.timeline;
                    if let Some(s) = &summary.shrunk {
                        let rerun = Rerun::new(&scn, &s.token, &limits);
                        say!(
                            "shrunk to {} deviation(s) from FIFO, {} steps (from {}, {}): {}",
                            s.deviations,
                            s.steps,
                            s.original_deviations,
                            s.original_steps,
                            rerun.token
                        );
                        say!("replay the shrunk run: {}", rerun.command);
                        timeline = rerun.timeline;
                    }
                    say!("timeline: {timeline}");
                    Ok(ExitCode::from(EXIT_FAILED))
                }
            }
        }
        Command::Check { path } => Ok(check::check(&path)),
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

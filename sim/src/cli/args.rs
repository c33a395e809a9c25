//! Flags shared by several subcommands, and the parsers of flag values.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use simloop::Policy;

use crate::output::Format;
use crate::scenario::{self, Scenario};

/// What a run may use; each flag overrides the scenario's `[limits]`.
#[derive(Debug, Args, Default)]
pub(super) struct LimitArgs {
    /// Stop a run after this many steps (scheduler steps plus interpreted steps) [default:
    /// 1000000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub(super) max_steps: Option<u64>,
    /// Stop a run that spawns more than this many tasks [default: 20000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub(super) max_tasks: Option<u64>,
    /// Stop a run before its virtual clock passes this many seconds [default: none].
    #[arg(long, value_parser = parse_seconds)]
    pub(super) max_time: Option<Duration>,
    /// Stop a run that logs more than this many bytes, and cut printed traces there
    /// [default: 16777216].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub(super) max_output: Option<u64>,
}

impl LimitArgs {
    /// The scenario with these flags over its `[limits]`.
    pub(super) fn apply(&self, scn: Arc<Scenario>) -> Arc<Scenario> {
        if self.flags().is_empty() {
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

    /// The flags as given, for a command that must run under the same limits (a replay
    /// of a run stopped by `--max-steps 100` must stop there too): ` --max-steps 100`.
    pub(super) fn flags(&self) -> String {
        let mut s = String::new();
        if let Some(n) = self.max_steps {
            s.push_str(&format!(" --max-steps {n}"));
        }
        if let Some(n) = self.max_tasks {
            s.push_str(&format!(" --max-tasks {n}"));
        }
        if let Some(t) = self.max_time {
            let exact = format!("{}.{:09}", t.as_secs(), t.subsec_nanos());
            let exact = exact.trim_end_matches('0').trim_end_matches('.');
            s.push_str(&format!(" --max-time {exact}"));
        }
        if let Some(n) = self.max_output {
            s.push_str(&format!(" --max-output {n}"));
        }
        s
    }
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| *x > 0.0)
        .and_then(scenario::seconds)
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{s}` is not a number of seconds from 1e-9 (a nanosecond) to 1e9"))
}

/// Where and how a run is printed.
#[derive(Debug, Args)]
pub(super) struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
}

pub(super) fn parse_policy(s: &str) -> Result<Policy, String> {
    // `pct:3` on the command line; simloop spells it `pct3`.
    let spelled = match s.strip_prefix("pct:") {
        Some(depth) => format!("pct{depth}"),
        None => s.to_string(),
    };
    spelled
        .parse::<Policy>()
        .map_err(|_| format!("unknown policy '{s}' (known: fifo, random, pct:D with D >= 1)"))
}

pub(super) fn parse_seeds(s: &str) -> Result<(u64, u64), String> {
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

pub(super) fn parse_shard(s: &str) -> Result<(u64, u64), String> {
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

//! simloop next to tokio's paused clock and shuttle: the same seeded workloads in one run,
//! interleaved repetitions, medians, and a table of ratios.
//!
//! Run with `cargo bench --bench compare` (see BENCHMARKS.md). `SIMLOOP_BENCH_REPS` sets the
//! number of repetitions (default 15). A plain `harness = false` binary rather than criterion:
//! criterion times one function at a time, while this table needs every peer measured in the
//! same interleaved rounds (so that load from other processes hits all of them alike), one
//! ratio per row, and child processes for peak memory.

mod floor;
mod inputs;
mod scaling;
mod shuttle_peer;
mod sim;
mod tokio_peer;
#[path = "../shared/w5.rs"]
mod w5;

use std::process::Command;
use std::time::{Duration, Instant};

use inputs::*;

/// One timed thing: a name, and a function doing the whole workload once (checking its
/// result), given the repetition number as a seed.
type Case = (&'static str, fn(u64));

const CASES: &[Case] = &[
    ("floor", |_| floor::run()),
    ("w1-simloop", |r| sim::w1(sim::FAST, r)),
    ("w1-tokio", |_| tokio_peer::w1()),
    ("w1-simloop-full", |r| sim::w1(sim::FULL_TRACE, r)),
    ("w1-simloop-fifo", |r| sim::w1(sim::FIFO, r)),
    ("w2-simloop", |r| sim::w2(sim::FAST, r)),
    ("w2-tokio", |_| tokio_peer::w2()),
    ("w3-simloop", |r| sim::w3(sim::FAST, r)),
    ("w3-tokio", |_| tokio_peer::w3()),
    ("w3-simloop-spawn", |r| sim::w3_spawn(sim::FAST, r)),
    ("w3-simloop-spawn-fifo", |r| sim::w3_spawn(sim::FIFO, r)),
    ("w3-simloop-full", |r| sim::w3(sim::FULL_TRACE, r)),
    ("w3-simloop-fifo", |r| sim::w3(sim::FIFO, r)),
    ("w4-simloop", |r| sim::w4(sim::FAST, r)),
    ("w4-tokio", |_| tokio_peer::w4()),
    ("w4-simloop-full", |r| sim::w4(sim::FULL_TRACE, r)),
    ("w4-simloop-fifo", |r| sim::w4(sim::FIFO, r)),
    ("w5-simloop", |r| sim::w5(sim::FAST, r)),
    ("w5-tokio", |_| tokio_peer::w5()),
    ("w5-shuttle-random", |_| shuttle_peer::w5_random()),
    ("w5-shuttle-pct", |_| shuttle_peer::w5_pct()),
    ("w5-simloop-full", |r| sim::w5(sim::FULL_TRACE, r)),
    ("w5-simloop-fifo", |r| sim::w5(sim::FIFO, r)),
    ("w6-simloop", |r| sim::w6(sim::FAST, r)),
    ("w6-tokio", |_| tokio_peer::w6()),
    ("w6-simloop-full", |r| sim::w6(sim::FULL_TRACE, r)),
    ("w6-simloop-fifo", |r| sim::w6(sim::FIFO, r)),
    ("w1-simloop-defaults", |r| sim::w1(sim::DEFAULTS, r)),
    ("w2-simloop-defaults", |r| sim::w2(sim::DEFAULTS, r)),
    ("w3-simloop-defaults", |r| sim::w3_spawn(sim::DEFAULTS, r)),
    ("w4-simloop-defaults", |r| sim::w4(sim::DEFAULTS, r)),
    ("w5-simloop-defaults", |r| sim::w5(sim::DEFAULTS, r)),
    ("w6-simloop-defaults", |r| sim::w6(sim::DEFAULTS, r)),
];

/// How a row's figure reads.
#[derive(Clone, Copy)]
enum Unit {
    /// Work items per second (higher is better).
    Rate(&'static str, u64),
    /// Nanoseconds per item (lower is better).
    Cost(&'static str, u64),
}

/// One line of the table: workload, our case, the peer's case, and the unit; the ratio is
/// our speed / the peer's speed.
type Row = (&'static str, &'static str, &'static str, Unit);

const SLEEPS: Unit = Unit::Rate("sleeps/s", W1_TASKS * W1_SLEEPS);
const POLLS: Unit = Unit::Cost("ns/poll", W3_POLLS);
const ITEMS: Unit = Unit::Rate("items/s", W4_ITEMS);
const TIMEOUTS: Unit = Unit::Rate("timeouts/s", W6_TASKS);
const RUNS: Unit = Unit::Rate("runs/s", W5_RUNS as u64);

const ROWS: &[Row] = &[
    ("W1 timers", "w1-simloop", "w1-tokio", SLEEPS),
    (
        "W2 semaphore",
        "w2-simloop",
        "w2-tokio",
        Unit::Rate("acquires/s", W2_TASKS),
    ),
    ("W3 fan-out (gather)", "w3-simloop", "w3-tokio", POLLS),
    (
        "W3 fan-out (spawn + join)",
        "w3-simloop-spawn",
        "w3-tokio",
        POLLS,
    ),
    (
        "W4 queue",
        "w4-simloop",
        "w4-tokio",
        Unit::Rate("items/s", W4_ITEMS),
    ),
    ("W5 small runs", "w5-simloop", "w5-tokio", RUNS),
    ("W5 small runs", "w5-simloop", "w5-shuttle-random", RUNS),
    ("W5 small runs", "w5-simloop", "w5-shuttle-pct", RUNS),
    (
        "W6 timeouts",
        "w6-simloop",
        "w6-tokio",
        Unit::Rate("timeouts/s", W6_TASKS),
    ),
    ("floor vs W3", "w3-simloop", "floor", POLLS),
    (
        "cost: W1 full trace",
        "w1-simloop-full",
        "w1-simloop",
        SLEEPS,
    ),
    ("cost: W1 FIFO", "w1-simloop-fifo", "w1-simloop", SLEEPS),
    (
        "cost: W3 full trace",
        "w3-simloop-full",
        "w3-simloop",
        POLLS,
    ),
    ("cost: W3 FIFO", "w3-simloop-fifo", "w3-simloop", POLLS),
    (
        "cost: W4 full trace",
        "w4-simloop-full",
        "w4-simloop",
        ITEMS,
    ),
    ("cost: W4 FIFO", "w4-simloop-fifo", "w4-simloop", ITEMS),
    (
        "cost: W6 full trace",
        "w6-simloop-full",
        "w6-simloop",
        TIMEOUTS,
    ),
    ("cost: W6 FIFO", "w6-simloop-fifo", "w6-simloop", TIMEOUTS),
    ("cost: W5 full trace", "w5-simloop-full", "w5-simloop", RUNS),
    ("cost: W5 FIFO", "w5-simloop-fifo", "w5-simloop", RUNS),
    (
        "W1 Sim::new() defaults",
        "w1-simloop-defaults",
        "w1-tokio",
        SLEEPS,
    ),
    (
        "W2 Sim::new() defaults",
        "w2-simloop-defaults",
        "w2-tokio",
        Unit::Rate("acquires/s", W2_TASKS),
    ),
    (
        "W3 Sim::new() defaults (spawn + join)",
        "w3-simloop-defaults",
        "w3-tokio",
        POLLS,
    ),
    (
        "W4 Sim::new() defaults",
        "w4-simloop-defaults",
        "w4-tokio",
        ITEMS,
    ),
    (
        "W5 Sim::new() defaults",
        "w5-simloop-defaults",
        "w5-tokio",
        RUNS,
    ),
    (
        "W6 Sim::new() defaults",
        "w6-simloop-defaults",
        "w6-tokio",
        TIMEOUTS,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(args.get(i + 1).map(String::as_str).unwrap_or(""));
        return;
    }
    // Optional filter: only cases whose name contains this text (the table shows what ran);
    let filter = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_default();
    let reps: usize = std::env::var("SIMLOOP_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    // `=name` selects exactly one case (for profiling), `=a,b` exactly those (in the
    // table's order: `=w1-simloop,w6-simloop` runs W6 after W1 and nothing else).
    let cases: Vec<&Case> = match filter.strip_prefix('=') {
        Some(exact) => CASES
            .iter()
            .filter(|c| exact.split(',').any(|name| c.0 == name))
            .collect(),
        None => CASES.iter().filter(|c| c.0.contains(&filter)).collect(),
    };

    // Interleaved: every case once per round, so background load hits all of them alike;
    // each timed run follows an untimed run of the same case.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    // The calling thread's CPU time of the same runs: every implementation runs a case on
    // the calling thread, and on a loaded machine a run of a few milliseconds is often
    // preempted for a whole scheduler slice, which wall-clock time counts and this does not.
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    // `SIMLOOP_BENCH_EACH=1` prints every timed repetition's CPU time, the minor page
    // faults it took and how often it was preempted (BENCHMARKS.md, round 26: what makes
    // one repetition of a case slower than the next).
    let each = std::env::var_os("SIMLOOP_BENCH_EACH").is_some();
    for c in &cases {
        (c.1)(0); // warm-up (and a first check of every result)
    }
    for rep in 0..reps {
        for (i, c) in cases.iter().enumerate() {
            // An untimed run of the same case first: the allocator and the caches then hold
            // this workload's state rather than the previous case's (a case following
            // another workload's teardown ran up to 2.5 times slower, whichever it was).
            (c.1)(rep as u64 + 1);
            let (faults, switches) = if each {
                (minor_faults(), preemptions())
            } else {
                (0, 0)
            };
            let (start, cpu_start) = (Instant::now(), cpu_time::ThreadTime::now());
            (c.1)(rep as u64 + 1);
            times[i].push(start.elapsed());
            cpu[i].push(cpu_start.elapsed());
            if each {
                eprintln!(
                    "each {} rep {rep}: {:.3} ms CPU, {} minor faults, {} preemptions",
                    c.0,
                    ms(cpu[i][rep]),
                    minor_faults() - faults,
                    preemptions() - switches
                );
            }
        }
        eprint!(".");
    }
    eprintln!();
    let median_of = |times: &[Vec<Duration>], name: &str| -> Option<Duration> {
        let i = cases.iter().position(|c| c.0 == name)?;
        let mut t = times[i].clone();
        t.sort();
        Some(t[t.len() / 2])
    };
    let median = |name: &str| median_of(&times, name);
    let cpu_median = |name: &str| median_of(&cpu, name);
    // The fastest repetition: on a shared machine, load comes in bursts that can cover
    // several rounds, and the fastest runs are the ones it spared.
    let fastest = |name: &str| -> Option<Duration> {
        let i = cases.iter().position(|c| c.0 == name)?;
        times[i].iter().min().copied()
    };

    println!("simloop benchmarks: {reps} interleaved repetitions, medians\n");
    println!(
        "| workload | simloop | peer | ratio (simloop speed / peer speed) | ratio of the fastest runs | ratio of CPU time |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for &(workload, ours, peer, unit) in ROWS {
        let (Some(t_ours), Some(t_peer)) = (median(ours), median(peer)) else {
            continue;
        };
        let (Some(f_ours), Some(f_peer)) = (fastest(ours), fastest(peer)) else {
            continue;
        };
        let (Some(c_ours), Some(c_peer)) = (cpu_median(ours), cpu_median(peer)) else {
            continue;
        };
        // Both units: simloop's speed over the peer's is the peer's time over simloop's.
        let cpu_ratio = c_peer.as_secs_f64() / c_ours.as_secs_f64();
        let (a, b, ratio, fast_ratio) = match unit {
            Unit::Rate(label, n) => {
                let (a, b) = (rate(n, t_ours), rate(n, t_peer));
                (
                    format!("{} {label}", si(a)),
                    format!("{} {label}", si(b)),
                    a / b,
                    rate(n, f_ours) / rate(n, f_peer),
                )
            }
            Unit::Cost(label, n) => {
                let (a, b) = (cost(n, t_ours), cost(n, t_peer));
                (
                    format!("{a:.1} {label}"),
                    format!("{b:.1} {label}"),
                    b / a,
                    cost(n, f_peer) / cost(n, f_ours),
                )
            }
        };
        println!(
            "| {workload} | {a} | {peer} {b} | {ratio:.2}x | {fast_ratio:.2}x | {cpu_ratio:.2}x |"
        );
    }

    println!("\nabsolute medians (wall clock, noisy: shared machine; and CPU time)\n");
    println!("| case | median | min | max | CPU time, median |");
    println!("| --- | --- | --- | --- | --- |");
    for (i, c) in cases.iter().enumerate() {
        let mut t = times[i].clone();
        t.sort();
        println!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            c.0,
            ms(t[t.len() / 2]),
            ms(t[0]),
            ms(t[t.len() - 1]),
            ms(cpu_median(c.0).expect("a case that ran"))
        );
    }

    if filter.is_empty() || "memory".contains(&filter) {
        memory();
    }

    // The scaling series: all of them in a full run, or those a `scaling` filter names
    // (`-- scaling`, `-- scaling-timers`).
    let scaling_filter = if filter.is_empty() {
        Some("")
    } else {
        filter
            .strip_prefix("scaling")
            .map(|f| f.trim_start_matches('-'))
    };
    if let Some(f) = scaling_filter {
        let series = scaling::series();
        let reps = reps.min(7);
        let points = scaling::measure(&series, reps, f);
        scaling::print(&series, &points);
        let csv = std::env::var("SIMLOOP_BENCH_CSV")
            .unwrap_or_else(|_| "target/bench-scaling.csv".to_string());
        match scaling::write_csv(&csv, &points) {
            Ok(()) => eprintln!(
                "scaling points written to {csv} (plot: python3 scripts/plot-bench.py {csv})"
            ),
            Err(e) => eprintln!("could not write {csv}: {e}"),
        }
    }
}

/// Peak resident memory of one case in a child process (median of 3 runs), in kB: all of
/// it (`VmHWM`), and without the file pages (`VmHWM - RssFile`, the pages of the binary
/// and its libraries that the case's code touched, which stay resident; see
/// [`memory`]).
fn peak(what: &str) -> (u64, u64) {
    let exe = std::env::current_exe().expect("bench binary path");
    let runs: Vec<(u64, u64)> = (0..3)
        .map(|_| {
            let out = Command::new(&exe)
                .args(["--child", what])
                .output()
                .expect("child bench process");
            assert!(out.status.success(), "child {what} failed");
            let text = String::from_utf8_lossy(&out.stdout);
            let mut kb = text.split_whitespace().map(|v| {
                v.parse::<u64>()
                    .expect("child prints VmHWM and RssFile in kB")
            });
            let (hwm, file) = (kb.next().expect("VmHWM"), kb.next().expect("RssFile"));
            (hwm, hwm.saturating_sub(file))
        })
        .collect();
    let median = |mut v: Vec<u64>| {
        v.sort();
        v[1]
    };
    (
        median(runs.iter().map(|r| r.0).collect()),
        median(runs.iter().map(|r| r.1).collect()),
    )
}

/// Peak memory of W1 and W3 and per sleeping task, each implementation in its own child
/// process (3 runs, median), minus an idle child's peak (the binary, its libraries and the
/// allocator's start). The last columns leave out file pages (`RssFile`): an idle child
/// does not run the code of the case, so the pages of simloop's or tokio's code that the
/// case touches count as its memory in `VmHWM` (100-200 kB, as much as W3's own heap).
fn memory() {
    let (idle, idle_anon) = peak("idle");
    println!("\npeak memory (VmHWM of a child process above an idle child's, median of 3)\n");
    println!(
        "| workload | simloop | peer | ratio (peer / simloop) | without file pages: simloop | peer | ratio |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (label, ours, theirs) in [
        ("W1 (Random, trace off)", "w1-simloop", "w1-tokio"),
        (
            "W1 (Sim::new() defaults)",
            "w1-simloop-defaults",
            "w1-tokio",
        ),
        (
            "W3 spawn + join (Random, trace off)",
            "w3-simloop-spawn",
            "w3-tokio",
        ),
        (
            "W3 spawn + join (FIFO, trace off)",
            "w3-simloop-spawn-fifo",
            "w3-tokio",
        ),
        (
            "W3 spawn + join (Sim::new() defaults)",
            "w3-simloop-defaults",
            "w3-tokio",
        ),
    ] {
        let (ours, theirs_kb) = (peak(ours), peak(theirs));
        let (a, b) = (ours.0 - idle, theirs_kb.0 - idle);
        let (a2, b2) = (ours.1 - idle_anon, theirs_kb.1 - idle_anon);
        println!(
            "| {label} | {a} kB | {theirs} {b} kB | {:.2}x | {a2} kB | {b2} kB | {:.2}x |",
            b as f64 / a.max(1) as f64,
            b2 as f64 / a2.max(1) as f64
        );
    }
    let n = scaling::MEMORY_TASKS as f64;
    let per_task = |case: &str| (peak(case).0 - idle) as f64 * 1024.0 / n;
    let tokio = per_task("mem-tokio");
    for (label, case) in [
        ("per sleeping task (Random, trace off)", "mem-simloop"),
        (
            "per sleeping task (Sim::new() defaults)",
            "mem-simloop-defaults",
        ),
    ] {
        let ours = per_task(case);
        println!(
            "| {label}, {} tasks | {ours:.0} B | mem-tokio {tokio:.0} B | {:.2}x |",
            scaling::MEMORY_TASKS,
            tokio / ours
        );
    }
    println!("| idle child | {idle} kB | | | {idle_anon} kB | | |");
}

/// Child mode: run one case once (a W case, a memory case, or one point of a scaling series,
/// `point:fanout:simloop-random:100000`) and print this process's peak resident set in kB.
fn child(what: &str) {
    if what != "idle" && !scaling::run_point(what) {
        match CASES.iter().find(|c| c.0 == what) {
            Some(case) => (case.1)(1),
            None => scaling::child_case(what).unwrap_or_else(|| panic!("unknown case {what}"))(),
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb = |field: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{field} line"))
    };
    println!("{} {}", kb("VmHWM:"), kb("RssFile:"));
}

/// This process's minor page faults so far (`minflt`, the tenth field of
/// `/proc/self/stat`; the command name before it is in parentheses and may hold spaces).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after_name = &stat[stat.rfind(')').expect("stat's command name") + 1..];
    after_name
        .split_whitespace()
        .nth(7)
        .and_then(|v| v.parse().ok())
        .expect("minflt in /proc/self/stat")
}

/// How often the kernel took this thread off its CPU for another
/// (`nonvoluntary_ctxt_switches` in `/proc/thread-self/status`): a preempted repetition
/// comes back to caches another process used.
fn preemptions() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("nonvoluntary_ctxt_switches:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("nonvoluntary_ctxt_switches in /proc/thread-self/status")
}

fn rate(n: u64, t: Duration) -> f64 {
    n as f64 / t.as_secs_f64()
}

fn cost(n: u64, t: Duration) -> f64 {
    t.as_nanos() as f64 / n as f64
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}

/// `3.45 M`, `175 k`.
fn si(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0} k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

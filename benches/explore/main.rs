//! The explorer next to shuttle 0.9: schedules per second with default settings, and runs to
//! the first failure on the zoo's deep bugs under PCT.
//!
//! `cargo bench --bench explore` prints two tables (see BENCHMARKS.md, "The explorer"):
//!
//! - **Throughput.** `Explorer::new()` with its defaults (Random, or `.policy(Policy::Pct {
//!   depth: 3 })`), one job and two, against shuttle's `check_random` and `check_pct(_, _,
//!   3)`, on a tiny program (3 tasks, two sleeps each, a `Semaphore(1)`) and a medium one
//!   (10 tasks, a `Lock`, a `Queue`, about 50 scheduling points each). Every case runs once
//!   per round, rounds repeat `SIMLOOP_BENCH_REPS` times (default 9), and the table shows the
//!   median of each case and the ratio of medians. A bare `Sim::run` loop is the floor, and
//!   the same arithmetic on one thread and on two measures what two jobs can gain on this
//!   machine at the time.
//! - **Deep bugs.** Runs to the first failure under PCT with depth 3 from 20 seeds, simloop's
//!   explorer next to shuttle's `PctScheduler` on the same programs ported to shuttle.
//!
//! - **Scaling, in CPU time.** What two jobs would gain on two free cores: for one job and
//!   two, each exploring thread's CPU time (`cpu.rs`), how the runs split between the
//!   threads, and whether a thread ever waited for the other; the machine's load does not
//!   enter these figures as it enters the wall-clock 2-job rows.
//!
//! A trailing argument keeps the cases whose name contains it (`-- tiny`); `-- deep` runs
//! only the deep-bug table, `-- speed` only the first, `-- scaling` only the third.

mod cpu;
mod programs;
mod shuttle_deep;
mod shuttle_programs;
#[path = "../shared/w5.rs"]
mod w5;

#[path = "../../tests/it/zoo/deep.rs"]
mod deep;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use shuttle::scheduler::PctScheduler;
use simloop::explore::Explorer;
use simloop::{Policy, Sim, TraceLevel};

/// Schedules per repetition of the tiny program's cases.
const TINY_RUNS: u64 = 4_000;
/// Schedules per repetition of the medium program's cases.
const MEDIUM_RUNS: u64 = 100;
/// The most runs a deep-bug search makes before it counts as not found.
const DEEP_CAP: u64 = 20_000;
/// Seeds of the deep-bug table.
const DEEP_SEEDS: u64 = 20;

const PCT3: Policy = Policy::Pct { depth: 3 };

/// A timed case: its name, the schedules it runs, and the function that runs them (given
/// the repetition number, which picks the seeds).
type Case = (&'static str, u64, fn(u64));

const CASES: &[Case] = &[
    ("tiny-explorer-random", TINY_RUNS, |r| {
        explore(r, TINY_RUNS, Policy::Random, 1, programs::tiny)
    }),
    ("tiny-explorer-random-2jobs", TINY_RUNS, |r| {
        explore(r, TINY_RUNS, Policy::Random, 2, programs::tiny)
    }),
    ("tiny-shuttle-random", TINY_RUNS, |_| {
        shuttle::check_random(shuttle_programs::tiny, TINY_RUNS as usize)
    }),
    ("tiny-explorer-pct", TINY_RUNS, |r| {
        explore(r, TINY_RUNS, PCT3, 1, programs::tiny)
    }),
    ("tiny-explorer-pct-2jobs", TINY_RUNS, |r| {
        explore(r, TINY_RUNS, PCT3, 2, programs::tiny)
    }),
    ("tiny-shuttle-pct", TINY_RUNS, |_| {
        shuttle::check_pct(shuttle_programs::tiny, TINY_RUNS as usize, 3)
    }),
    ("tiny-sim-run-loop", TINY_RUNS, |r| {
        sim_loop(r, TINY_RUNS, programs::tiny)
    }),
    ("medium-explorer-random", MEDIUM_RUNS, |r| {
        explore(r, MEDIUM_RUNS, Policy::Random, 1, programs::medium)
    }),
    ("medium-explorer-random-2jobs", MEDIUM_RUNS, |r| {
        explore(r, MEDIUM_RUNS, Policy::Random, 2, programs::medium)
    }),
    ("medium-shuttle-random", MEDIUM_RUNS, |_| {
        shuttle::check_random(shuttle_programs::medium, MEDIUM_RUNS as usize)
    }),
    ("medium-explorer-pct", MEDIUM_RUNS, |r| {
        explore(r, MEDIUM_RUNS, PCT3, 1, programs::medium)
    }),
    ("medium-explorer-pct-2jobs", MEDIUM_RUNS, |r| {
        explore(r, MEDIUM_RUNS, PCT3, 2, programs::medium)
    }),
    ("medium-shuttle-pct", MEDIUM_RUNS, |_| {
        shuttle::check_pct(shuttle_programs::medium, MEDIUM_RUNS as usize, 3)
    }),
    ("medium-sim-run-loop", MEDIUM_RUNS, |r| {
        sim_loop(r, MEDIUM_RUNS, programs::medium)
    }),
    ("machine-1-thread", CALIBRATION_SLICES, |_| calibrate(1)),
    ("machine-2-threads", CALIBRATION_SLICES, |_| calibrate(2)),
];

/// A line of the throughput table: what, our case, the peer's case.
type Row = (&'static str, &'static str, &'static str);

const ROWS: &[Row] = &[
    (
        "tiny, Random vs check_random",
        "tiny-explorer-random",
        "tiny-shuttle-random",
    ),
    (
        "tiny, PCT vs check_pct",
        "tiny-explorer-pct",
        "tiny-shuttle-pct",
    ),
    (
        "tiny, Random: 2 jobs vs 1",
        "tiny-explorer-random-2jobs",
        "tiny-explorer-random",
    ),
    (
        "tiny, PCT: 2 jobs vs 1",
        "tiny-explorer-pct-2jobs",
        "tiny-explorer-pct",
    ),
    (
        "tiny, Random: explorer vs Sim::run loop",
        "tiny-explorer-random",
        "tiny-sim-run-loop",
    ),
    (
        "medium, Random vs check_random",
        "medium-explorer-random",
        "medium-shuttle-random",
    ),
    (
        "medium, PCT vs check_pct",
        "medium-explorer-pct",
        "medium-shuttle-pct",
    ),
    (
        "medium, Random: 2 jobs vs 1",
        "medium-explorer-random-2jobs",
        "medium-explorer-random",
    ),
    (
        "medium, PCT: 2 jobs vs 1",
        "medium-explorer-pct-2jobs",
        "medium-explorer-pct",
    ),
    (
        "medium, Random: explorer vs Sim::run loop",
        "medium-explorer-random",
        "medium-sim-run-loop",
    ),
    (
        "the machine: 2 threads vs 1 (what 2 jobs can gain now)",
        "machine-2-threads",
        "machine-1-thread",
    ),
];

/// Slices of pure arithmetic the calibration cases share out among their threads.
const CALIBRATION_SLICES: u64 = 64;

/// The machine's own scaling, next to the 2-job rows: the same arithmetic (no memory, no
/// sharing) on one thread or split over two. On a machine shared with other work, two
/// threads get less than twice one; the explorer's 2-job ratio is to be read against it.
fn calibrate(threads: u64) {
    let slice = |k: u64| {
        let mut x = k.wrapping_add(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        std::hint::black_box(x);
    };
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for k in (t..CALIBRATION_SLICES).step_by(threads as usize) {
                    slice(k);
                }
            });
        }
    });
}

/// An exploration of `runs` seeds with the explorer's defaults apart from policy and jobs.
fn explore<F: Future<Output = ()> + 'static>(
    rep: u64,
    runs: u64,
    policy: Policy,
    jobs: usize,
    program: impl Fn() -> F + Sync,
) {
    let report = Explorer::new()
        .policy(policy)
        .seed(rep * runs)
        .runs(runs)
        .jobs(jobs)
        .explore(program);
    assert!(report.passed(), "{report}");
    assert_eq!(report.runs, runs);
}

/// The floor: a bare loop of `Sim::run` under Random with tracing off.
fn sim_loop<F: Future<Output = ()> + 'static>(rep: u64, runs: u64, program: impl Fn() -> F) {
    let sim = Sim::new().policy(Policy::Random).trace(TraceLevel::Off);
    for s in 0..runs {
        let out = sim.clone().seed(rep * runs + s).run(program());
        assert!(out.failure().is_none());
    }
}

fn main() {
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_default();
    let reps: usize = std::env::var("SIMLOOP_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    if filter != "deep" && filter != "scaling" {
        throughput(&filter, reps);
    }
    if filter.is_empty() || filter == "scaling" {
        scaling(reps);
    }
    if filter.is_empty() || filter == "deep" {
        deep_bugs();
    }
}

fn throughput(filter: &str, reps: usize) {
    let cases: Vec<&Case> = CASES
        .iter()
        .filter(|c| filter.is_empty() || filter == "speed" || c.0.contains(filter))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    for rep in 0..reps {
        for (i, (_, _, run)) in cases.iter().enumerate() {
            // An untimed run first, so that the allocator and caches hold this case's state.
            run(rep as u64 + 1_000);
            let start = Instant::now();
            run(rep as u64);
            times[i].push(start.elapsed());
        }
    }
    let rate = |name: &str| -> Option<f64> {
        let i = cases.iter().position(|c| c.0 == name)?;
        Some(cases[i].1 as f64 / median(&times[i]).as_secs_f64())
    };
    println!("explorer throughput: median of {reps} repetitions, schedules per second\n");
    println!("| case | schedules/s |");
    println!("| --- | --- |");
    for (i, (name, runs, _)) in cases.iter().enumerate() {
        let r = *runs as f64 / median(&times[i]).as_secs_f64();
        println!("| {name} | {} |", human(r));
    }
    println!("\n| comparison | ratio |");
    println!("| --- | --- |");
    for (what, ours, peer) in ROWS {
        if let (Some(a), Some(b)) = (rate(ours), rate(peer)) {
            println!("| {what} | {:.2}x |", a / b);
        }
    }
    println!();
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}

fn human(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2} M", r / 1e6)
    } else if r >= 1e3 {
        format!("{:.1} k", r / 1e3)
    } else {
        format!("{r:.0}")
    }
}

/// A case of the scaling table: its name, runs, policy, program, and how many calls of the
/// program factory a thread makes between two samples of its CPU time.
type Scaled = (
    &'static str,
    u64,
    Policy,
    fn() -> Pin<Box<dyn Future<Output = ()>>>,
    u64,
);

const SCALED: &[Scaled] = &[
    (
        "tiny, Random",
        TINY_RUNS,
        Policy::Random,
        || Box::pin(programs::tiny()),
        128,
    ),
    (
        "tiny, PCT",
        TINY_RUNS,
        PCT3,
        || Box::pin(programs::tiny()),
        128,
    ),
    (
        "medium, Random",
        MEDIUM_RUNS,
        Policy::Random,
        || Box::pin(programs::medium()),
        4,
    ),
    (
        "medium, PCT",
        MEDIUM_RUNS,
        PCT3,
        || Box::pin(programs::medium()),
        4,
    ),
];

/// One job against two, in CPU time per exploring thread. On two free cores, when no thread
/// waits for another (none blocked), a 2-job exploration takes half the threads' total CPU
/// time plus the calling thread's (it starts the threads and merges their tallies): the
/// threads take runs from a shared counter in chunks of at most 16, so they end within a
/// chunk of each other. Here the load splits the runs
/// unevenly (a thread that gets less CPU takes fewer runs); the rate of the split as it
/// fell, the 1-job CPU time over the busiest thread's, is shown too.
fn scaling(reps: usize) {
    println!(
        "scaling: 2 jobs vs 1 in CPU time per exploring thread, median of {reps} repetitions\n"
    );
    println!(
        "| case | CPU per run, 2 jobs (both threads) vs 1 | calling thread's CPU, 2 jobs (vs 1 job's) | CPU-time rate, 2 jobs vs 1 (split evenly / as split) | runs per thread | times a thread blocked | wall-clock rate, 2 jobs vs 1 | 1 job: wall-clock / CPU time |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for &(name, runs, policy, program, every) in SCALED {
        let (mut work, mut rate, mut wall, mut blocked) = (vec![], vec![], vec![], 0);
        let (mut even, mut serial) = (vec![], vec![]);
        let (mut split, mut load) = (String::new(), vec![]);
        for rep in 0..reps as u64 {
            // Each exploration after an untimed one, as in the throughput table.
            let timed = |jobs| {
                explore(rep + 1_000, runs, policy, jobs, program);
                let (start, calling) = (Instant::now(), cpu_time::ThreadTime::now());
                let threads = cpu::measure(every, || {
                    explore(rep, runs, policy, jobs, || {
                        cpu::tick();
                        program()
                    })
                });
                let calling = calling.elapsed().as_secs_f64();
                (threads, start.elapsed().as_secs_f64(), calling)
            };
            let (one, one_wall, _) = timed(1);
            // With 2 jobs the calling thread starts the threads, waits, and merges their
            // tallies: work that does not overlap theirs.
            let (two, two_wall, calling) = timed(2);
            let total = |t: &[cpu::Thread]| t.iter().map(cpu::Thread::cpu).sum::<f64>();
            let slowest = two.iter().map(cpu::Thread::cpu).fold(0.0, f64::max);
            work.push(total(&two) / total(&one));
            even.push(total(&one) / (total(&two) / 2.0 + calling));
            serial.push(calling / total(&one));
            rate.push(total(&one) / slowest);
            wall.push(one_wall / two_wall);
            blocked += two.iter().map(cpu::Thread::blocked).sum::<u64>();
            split = two
                .iter()
                .map(|t| t.runs().to_string())
                .collect::<Vec<_>>()
                .join(" / ");
            load.push(one_wall / total(&one));
        }
        println!(
            "| {name} | {:.2}x | {:.1}% | **{:.2}x** / {:.2}x | {split} | {blocked} in {reps} explorations | {:.2}x | {:.2} |",
            median_f(&work),
            100.0 * median_f(&serial),
            median_f(&even),
            median_f(&rate),
            median_f(&wall),
            median_f(&load),
        );
    }
    println!();
}

fn median_f(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs to the first failure (`None`: not within [`DEEP_CAP`]).
type Search = fn(u64) -> Option<u64>;

fn deep_bugs() {
    // The failing runs' panics are the point here; keep them off the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let searches: [(&str, Search, Search); 2] = [
        (
            "deep bug, yield_now steps",
            |s| simloop_pct(s, deep::yielding),
            |s| shuttle_pct(s, shuttle_deep::yielding),
        ),
        (
            "deep bug, queue and lock steps",
            |s| simloop_pct(s, deep::queued),
            |s| shuttle_pct(s, shuttle_deep::queued),
        ),
    ];
    println!(
        "deep bugs: runs to the first failure under PCT depth 3, {DEEP_SEEDS} seeds, at most {DEEP_CAP} runs each\n"
    );
    println!(
        "| bug | simloop: found, median runs (min-max) | shuttle: found, median runs (min-max) |"
    );
    println!("| --- | --- | --- |");
    for (name, ours, theirs) in searches {
        let a: Vec<Option<u64>> = (0..DEEP_SEEDS).map(ours).collect();
        let b: Vec<Option<u64>> = (0..DEEP_SEEDS).map(theirs).collect();
        println!("| {name} | {} | {} |", summary(&a), summary(&b));
    }
    let _ = std::panic::take_hook();
}

/// "found/total, median (min-max)", where the median counts runs that found nothing as
/// more than the cap.
fn summary(found: &[Option<u64>]) -> String {
    let mut runs: Vec<u64> = found.iter().map(|f| f.unwrap_or(u64::MAX)).collect();
    runs.sort_unstable();
    let n = found.iter().filter(|f| f.is_some()).count();
    let show = |r: u64| {
        if r == u64::MAX {
            format!(">{DEEP_CAP}")
        } else {
            r.to_string()
        }
    };
    format!(
        "{n}/{}, {} ({}-{})",
        found.len(),
        show(runs[runs.len() / 2]),
        show(runs[0]),
        show(runs[runs.len() - 1])
    )
}

fn simloop_pct(seed: u64, program: fn(bool) -> deep::Deep) -> Option<u64> {
    let first = seed * 1_000_000;
    let report = Explorer::new()
        .policy(PCT3)
        .seed(first)
        .runs(DEEP_CAP)
        .shrink(false, 0)
        .explore(|| program(false));
    report.failure.map(|f| f.seed - first + 1)
}

fn shuttle_pct(seed: u64, program: fn()) -> Option<u64> {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::None;
    let runner = shuttle::Runner::new(
        PctScheduler::new_from_seed(seed, 3, DEEP_CAP as usize),
        config,
    );
    let failed = catch_unwind(AssertUnwindSafe(|| {
        runner.run(move || {
            counted.fetch_add(1, Ordering::Relaxed);
            program();
        })
    }))
    .is_err();
    failed.then(|| runs.load(Ordering::Relaxed) as u64)
}

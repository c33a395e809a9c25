//! Scaling series: the same workload at growing sizes, simloop next to tokio's paused clock,
//! to show which costs grow faster than the work (issue 18).
//!
//! - `fanout`: N tasks ready at once, each yielding until about a million polls were made
//!   (ns per poll; under `Policy::Random` every pick chooses among N entries; PCT with
//!   depth 3 too);
//! - `timers`: N tasks sleeping seeded lengths (1..=1000 ms) until about a million sleeps
//!   were made (ns per sleep; N timers are armed at any time);
//! - `semaphore`: N tasks each acquire a `Semaphore(10)` under a seeded timeout of 20..80
//!   ms and hold a permit for 1 ms: most time out, their waits removed from anywhere in the
//!   waiter list (ns per waiter; PCT too: each expiry is a ready entry PCT places);
//! - `deadline`: N tasks each wait on a `Semaphore(0)` under a timeout of 1 s, one deadline
//!   for all: N expiries delivered at one instant, each outstanding until its task's turn
//!   (ns per expiry);
//! - `memory`: bytes of peak resident memory per task, N tasks asleep at once (a child
//!   process each, as for W1's peak).
//!
//! `SIMLOOP_BENCH_LONG=1` adds the largest sizes (a million sleeping tasks), which take
//! several seconds a repetition.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use simloop::{Policy, Semaphore, Sim, TraceLevel, sleep, spawn, timeout, yield_now};

use crate::inputs::mix;

/// One implementation of a series: its name, and a run at size `n` with a seed.
pub type Impl = (&'static str, fn(usize, u64));

/// A workload at growing sizes; its figure is nanoseconds per item.
pub struct Series {
    pub name: &'static str,
    pub unit: &'static str,
    /// (size, items the run does at that size).
    pub sizes: Vec<(usize, u64)>,
    /// (implementation, run at size n with seed).
    pub impls: Vec<Impl>,
}

/// Polls per fan-out run, about.
const FANOUT_POLLS: usize = 1_000_000;
/// Sleeps per timer run, about (at least ten per task).
const TIMER_SLEEPS: usize = 1_000_000;

fn long() -> bool {
    std::env::var("SIMLOOP_BENCH_LONG").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn fanout_yields(n: usize) -> usize {
    (FANOUT_POLLS / n).max(10)
}

fn timer_sleeps(n: usize) -> usize {
    (TIMER_SLEEPS / n).max(10)
}

/// The series, at the sizes this run measures.
pub fn series() -> Vec<Series> {
    let mut timer_sizes = vec![1_000, 10_000, 100_000];
    let mut sem_sizes = vec![1_000, 10_000, 100_000];
    if long() {
        timer_sizes.push(1_000_000);
        sem_sizes.push(300_000);
    }
    vec![
        Series {
            name: "fanout",
            unit: "ns/poll",
            sizes: [100, 1_000, 10_000, 100_000]
                .iter()
                .map(|&n| (n, (n * (fanout_yields(n) + 1)) as u64))
                .collect(),
            impls: vec![
                ("simloop-random", |n, s| fanout_sim(Policy::Random, n, s)),
                ("simloop-fifo", |n, s| fanout_sim(Policy::Fifo, n, s)),
                ("simloop-pct", |n, s| {
                    fanout_sim(Policy::Pct { depth: 3 }, n, s)
                }),
                ("tokio", |n, _| fanout_tokio(n)),
            ],
        },
        Series {
            name: "timers",
            unit: "ns/sleep",
            sizes: timer_sizes
                .iter()
                .map(|&n| (n, (n * timer_sleeps(n)) as u64))
                .collect(),
            impls: vec![
                ("simloop-random", |n, s| timers_sim(Policy::Random, n, s)),
                ("simloop-fifo", |n, s| timers_sim(Policy::Fifo, n, s)),
                ("tokio", |n, _| timers_tokio(n)),
            ],
        },
        Series {
            name: "semaphore",
            unit: "ns/waiter",
            sizes: sem_sizes.iter().map(|&n| (n, n as u64)).collect(),
            impls: vec![
                ("simloop-random", |n, s| semaphore_sim(Policy::Random, n, s)),
                ("simloop-fifo", |n, s| semaphore_sim(Policy::Fifo, n, s)),
                ("simloop-pct", |n, s| {
                    semaphore_sim(Policy::Pct { depth: 3 }, n, s)
                }),
                ("tokio", |n, _| semaphore_tokio(n)),
            ],
        },
        Series {
            name: "deadline",
            unit: "ns/expiry",
            sizes: [1_000, 10_000, 100_000]
                .iter()
                .map(|&n| (n, n as u64))
                .collect(),
            impls: vec![
                ("simloop-random", |n, s| deadline_sim(Policy::Random, n, s)),
                ("simloop-fifo", |n, s| deadline_sim(Policy::Fifo, n, s)),
                ("tokio", |n, _| deadline_tokio(n)),
            ],
        },
    ]
}

fn sim(policy: Policy, seed: u64) -> Sim {
    Sim::new().seed(seed).policy(policy).trace(TraceLevel::Off)
}

fn fanout_sim(policy: Policy, n: usize, seed: u64) {
    let yields = fanout_yields(n);
    let out = sim(policy, seed).run(async move {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                spawn(async move {
                    for _ in 0..yields {
                        yield_now().await;
                    }
                    i
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.await.expect("fan-out task"), i);
        }
    });
    out.result.expect("fan-out run");
    assert!(out.stats.polls >= (n * (yields + 1)) as u64);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("tokio runtime")
}

fn fanout_tokio(n: usize) {
    let yields = fanout_yields(n);
    runtime().block_on(async move {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                tokio::spawn(async move {
                    for _ in 0..yields {
                        tokio::task::yield_now().await;
                    }
                    i
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            assert_eq!(h.await.expect("fan-out task"), i);
        }
    });
}

/// The length in ms (1..=1000) of sleep `k` of task `t`.
fn sleep_ms(t: usize, k: usize) -> u64 {
    mix(((t as u64) << 20) ^ k as u64) % 1000 + 1
}

fn timers_sim(policy: Policy, n: usize, seed: u64) {
    let sleeps = timer_sleeps(n);
    let out = sim(policy, seed).run(async move {
        let handles: Vec<_> = (0..n)
            .map(|t| {
                spawn(async move {
                    for k in 0..sleeps {
                        sleep(Duration::from_millis(sleep_ms(t, k))).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("sleeper");
        }
    });
    out.result.expect("timers run");
    assert_eq!(out.stats.timers, (n * sleeps) as u64);
}

fn timers_tokio(n: usize) {
    let sleeps = timer_sleeps(n);
    runtime().block_on(async move {
        let handles: Vec<_> = (0..n)
            .map(|t| {
                tokio::spawn(async move {
                    for k in 0..sleeps {
                        tokio::time::sleep(Duration::from_millis(sleep_ms(t, k))).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("sleeper");
        }
    });
}

/// Task `t`'s timeout in ms (20..80).
fn patience_ms(t: usize) -> u64 {
    20 + mix(0x5eed_5e3a ^ t as u64) % 60
}

const PERMITS: usize = 10;

fn semaphore_sim(policy: Policy, n: usize, seed: u64) {
    let out = sim(policy, seed).run(async move {
        let sem = Rc::new(Semaphore::new(PERMITS));
        let served = Rc::new(Cell::new(0u64));
        let handles: Vec<_> = (0..n)
            .map(|t| {
                let (sem, served) = (sem.clone(), served.clone());
                spawn(async move {
                    let wait = Duration::from_millis(patience_ms(t));
                    if let Ok(permit) = timeout(wait, sem.acquire()).await {
                        served.set(served.get() + 1);
                        sleep(Duration::from_millis(1)).await;
                        drop(permit);
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("waiter");
        }
        served.get()
    });
    let served = out.result.expect("semaphore run");
    // Ten permits for 1 ms each until the last timeout (80 ms): at most 800 served.
    assert!(served >= PERMITS as u64 && served <= 81 * PERMITS as u64);
}

fn semaphore_tokio(n: usize) {
    runtime().block_on(async move {
        let sem = Arc::new(tokio::sync::Semaphore::new(PERMITS));
        let served = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..n)
            .map(|t| {
                let (sem, served) = (sem.clone(), served.clone());
                tokio::spawn(async move {
                    let wait = Duration::from_millis(patience_ms(t));
                    if let Ok(permit) = tokio::time::timeout(wait, sem.acquire()).await {
                        let _permit = permit.expect("open semaphore");
                        served.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("waiter");
        }
        let served = served.load(Ordering::Relaxed);
        assert!(served >= PERMITS as u64 && served <= 81 * PERMITS as u64);
    });
}

/// Runs one point of a series once, for a profiler: `point:<series>:<implementation>:<size>`
/// (e.g. `--child point:fanout:simloop-random:100000`). Returns whether `spec` named one.
pub fn run_point(spec: &str) -> bool {
    let mut parts = spec
        .strip_prefix("point:")
        .into_iter()
        .flat_map(|s| s.split(':'));
    let (Some(series), Some(imp), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(n) = n.parse::<usize>() else {
        return false;
    };
    let all = self::series();
    let run = all
        .iter()
        .filter(|s| s.name == series)
        .flat_map(|s| s.impls.iter())
        .find(|(name, _)| *name == imp);
    let Some((_, run)) = run else {
        return false;
    };
    run(n, 1);
    // `SIMLOOP_POINT_REPS=k`: k more runs, each timed (the calling thread's CPU time) and
    // printed in ns per item: the warm runs that the series times (each after a run of the
    // same case), for A/B runs of two builds without the first run's page faults.
    let reps = std::env::var("SIMLOOP_POINT_REPS")
        .ok()
        .and_then(|r| r.parse::<u64>().ok())
        .unwrap_or(0);
    let items = all
        .iter()
        .filter(|s| s.name == series)
        .flat_map(|s| s.sizes.iter())
        .find(|&&(size, _)| size == n)
        .map_or(n as u64, |&(_, items)| items);
    for rep in 0..reps {
        let start = cpu_time::ThreadTime::now();
        run(n, rep + 2);
        let ns = start.elapsed().as_nanos() as f64 / items as f64;
        println!("point {spec} rep {rep}: {ns:.2} ns/item (CPU time)");
    }
    true
}

/// Tasks asleep at once in the memory series.
pub const MEMORY_TASKS: usize = 100_000;

/// Child-process cases of the memory series: `MEMORY_TASKS` tasks, each asleep for a
/// second, all alive at once.
pub fn child_case(name: &str) -> Option<fn()> {
    Some(match name {
        "mem-simloop" => || {
            let out = sim(Policy::Random, 1).run(async {
                let handles: Vec<_> = (0..MEMORY_TASKS)
                    .map(|_| spawn(sleep(Duration::from_secs(1))))
                    .collect();
                for h in handles {
                    h.await.expect("sleeper");
                }
            });
            out.result.expect("memory run");
        },
        "mem-simloop-defaults" => || {
            let out = Sim::new().run(async {
                let handles: Vec<_> = (0..MEMORY_TASKS)
                    .map(|_| spawn(sleep(Duration::from_secs(1))))
                    .collect();
                for h in handles {
                    h.await.expect("sleeper");
                }
            });
            out.result.expect("memory run");
        },
        "mem-tokio" => || {
            runtime().block_on(async {
                let handles: Vec<_> = (0..MEMORY_TASKS)
                    .map(|_| tokio::spawn(tokio::time::sleep(Duration::from_secs(1))))
                    .collect();
                for h in handles {
                    h.await.expect("sleeper");
                }
            });
        },
        _ => return None,
    })
}

/// One measured point: series, size, implementation, median ns per item.
pub struct Point {
    pub series: &'static str,
    pub size: usize,
    pub implementation: &'static str,
    pub ns_per_item: f64,
}

/// Measures every series: in each round, every size of the series and at each size every
/// implementation once (after an untimed run of the same case), `reps` rounds (at most 5
/// for the largest sizes), medians. Sizes are interleaved too, so that a burst of load from
/// other processes lands on every size alike and the growth columns (cost at N over cost
/// at the smallest N) compare the same stretch of time.
pub fn measure(series: &[Series], reps: usize, filter: &str) -> Vec<Point> {
    let mut points = Vec::new();
    for s in series.iter().filter(|s| s.name.contains(filter)) {
        // Fewer rounds for the large sizes, which are long and steady.
        let reps_at = |items: u64| {
            if items > 2 * FANOUT_POLLS as u64 {
                reps.min(5)
            } else {
                reps
            }
        };
        let mut times: Vec<Vec<Vec<Duration>>> =
            vec![vec![Vec::new(); s.impls.len()]; s.sizes.len()];
        for rep in 0..reps {
            for (k, &(n, items)) in s.sizes.iter().enumerate() {
                if rep >= reps_at(items) {
                    continue;
                }
                for (i, (_, run)) in s.impls.iter().enumerate() {
                    run(n, rep as u64 + 1);
                    let start = Instant::now();
                    run(n, rep as u64 + 1);
                    times[k][i].push(start.elapsed());
                }
            }
            eprint!(".");
        }
        for (k, &(n, items)) in s.sizes.iter().enumerate() {
            for (i, (name, _)) in s.impls.iter().enumerate() {
                let t = &mut times[k][i];
                t.sort();
                let median = t[t.len() / 2];
                points.push(Point {
                    series: s.name,
                    size: n,
                    implementation: name,
                    ns_per_item: median.as_nanos() as f64 / items as f64,
                });
            }
        }
    }
    eprintln!();
    points
}

/// Prints each series as a table: cost per item of every implementation, simloop's speed
/// against tokio's, and how the cost grew from the smallest size.
pub fn print(series: &[Series], points: &[Point]) {
    for s in series {
        let of = |n: usize, imp: &str| {
            points
                .iter()
                .find(|p| p.series == s.name && p.size == n && p.implementation == imp)
                .map(|p| p.ns_per_item)
        };
        let Some(&(first, _)) = s.sizes.first() else {
            continue;
        };
        if of(first, "tokio").is_none() {
            continue;
        }
        println!(
            "\nscaling: {} ({}; ratio = tokio's cost / simloop's)\n",
            s.name, s.unit
        );
        let names: Vec<&str> = s.impls.iter().map(|i| i.0).collect();
        let ours: Vec<&str> = names.iter().copied().filter(|n| *n != "tokio").collect();
        let short = |imp: &str| imp.trim_start_matches("simloop-").to_string();
        println!(
            "| size | {} | {} | growth from {} ({}) |",
            names.join(" | "),
            ours.iter()
                .map(|o| format!("{} vs tokio", short(o)))
                .collect::<Vec<_>>()
                .join(" | "),
            first,
            names
                .iter()
                .map(|n| short(n))
                .collect::<Vec<_>>()
                .join(" / "),
        );
        println!("|{}", " --- |".repeat(names.len() + ours.len() + 2));
        for &(n, _) in &s.sizes {
            let cells: Vec<String> = names
                .iter()
                .map(|imp| of(n, imp).map_or("-".into(), |v| format!("{v:.1}")))
                .collect();
            let ratio = |imp: &str| match (of(n, "tokio"), of(n, imp)) {
                (Some(t), Some(o)) => format!("{:.2}x", t / o),
                _ => "-".into(),
            };
            let growth = |imp: &str| match (of(first, imp), of(n, imp)) {
                (Some(a), Some(b)) => format!("{:.2}x", b / a),
                _ => "-".into(),
            };
            println!(
                "| {n} | {} | {} | {} |",
                cells.join(" | "),
                ours.iter()
                    .map(|o| ratio(o))
                    .collect::<Vec<_>>()
                    .join(" | "),
                names
                    .iter()
                    .map(|o| growth(o))
                    .collect::<Vec<_>>()
                    .join(" / "),
            );
        }
    }
}

/// Writes the points as CSV (`series,size,implementation,ns_per_item`), the input of
/// `scripts/plot-bench.py`.
pub fn write_csv(path: &str, points: &[Point]) -> std::io::Result<()> {
    let mut text = String::from("series,size,implementation,ns_per_item\n");
    for p in points {
        text.push_str(&format!(
            "{},{},{},{:.2}\n",
            p.series, p.size, p.implementation, p.ns_per_item
        ));
    }
    std::fs::write(path, text)
}

/// Every task's timeout in the `deadline` series: one deadline for all.
const PATIENCE: Duration = Duration::from_secs(1);

fn deadline_sim(policy: Policy, n: usize, seed: u64) {
    let out = sim(policy, seed).run(async move {
        let closed = Rc::new(Semaphore::new(0));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let closed = closed.clone();
                spawn(async move { timeout(PATIENCE, closed.acquire()).await.is_err() })
            })
            .collect();
        let mut expired = 0;
        for h in handles {
            expired += usize::from(h.await.expect("waiter"));
        }
        expired
    });
    assert_eq!(out.result.expect("deadline run"), n);
}

fn deadline_tokio(n: usize) {
    runtime().block_on(async move {
        let closed = Arc::new(tokio::sync::Semaphore::new(0));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let closed = closed.clone();
                tokio::spawn(async move {
                    tokio::time::timeout(PATIENCE, closed.acquire())
                        .await
                        .is_err()
                })
            })
            .collect();
        let mut expired = 0;
        for h in handles {
            expired += usize::from(h.await.expect("waiter"));
        }
        assert_eq!(expired, n);
    });
}

//! W1-W6 written once against tokio's API (`benches/compare/tokio_peer.rs`, the same file
//! the `compare` bench runs on tokio), run side by side on real tokio with a paused clock and
//! on simloop-tokio, in interleaved rounds; the table gives medians and the ratio
//! (simloop-tokio's speed / tokio's).
//!
//! Run under the cfg, or both columns are tokio:
//!
//! ```sh
//! RUSTFLAGS="--cfg simloop" CARGO_TARGET_DIR=target/simloop cargo bench -p simloop-tokio --bench tokio_api
//! ```
//!
//! `SIMLOOP_BENCH_REPS` sets the number of rounds (default 7). Arguments after `--bench`
//! narrow the run, for profiles: a workload's tag (`w3`) runs only the workloads it names,
//! and `--sim-only` runs only the simloop-tokio side (its warm-up and rounds, no table):
//!
//! ```sh
//! SIMLOOP_BENCH_REPS=1 valgrind --tool=callgrind <tokio_api binary> --bench --sim-only w3
//! ```

use std::time::{Duration, Instant};

#[path = "../../benches/compare/inputs.rs"]
#[allow(dead_code)]
mod inputs;

/// The workloads on tokio (this package's dev-dependency, the real runtime).
mod real {
    include!("../../benches/compare/tokio_peer.rs");
}

/// The same workloads, `tokio` naming simloop-tokio (the simulation under the cfg).
mod simulated {
    extern crate simloop_tokio as tokio;
    include!("../../benches/compare/tokio_peer.rs");
}

type Workload = (&'static str, fn(), fn());

const WORKLOADS: &[Workload] = &[
    ("W1 timers", real::w1, simulated::w1),
    ("W2 semaphore", real::w2, simulated::w2),
    ("W3 fan-out (spawn + join)", real::w3, simulated::w3),
    ("W4 queue", real::w4, simulated::w4),
    ("W5 small runs", real::w5, simulated::w5),
    ("W6 timeouts", real::w6, simulated::w6),
];

/// Whether the arguments select workload `name`: every workload when no tag (`w1`..`w6`)
/// is given, else those whose tag is.
fn selected(name: &str, args: &[String]) -> bool {
    let tags: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let tag = name.split(' ').next().unwrap_or(name).to_ascii_lowercase();
    tags.is_empty() || tags.contains(&tag)
}

fn time(f: fn()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let sim_only = args.iter().any(|a| a == "--sim-only");
    let reps: usize = std::env::var("SIMLOOP_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let simulated = if cfg!(simloop) {
        "simloop-tokio"
    } else {
        "simloop-tokio (built without --cfg simloop: tokio again)"
    };
    println!("{reps} interleaved rounds; medians; ratio = {simulated} speed / tokio's");
    println!(
        "{:<28} {:>14} {:>16} {:>8}",
        "workload", "tokio paused", "simloop-tokio", "ratio"
    );
    for (name, on_tokio, on_sim) in WORKLOADS {
        if !selected(name, &args) {
            continue;
        }
        if sim_only {
            // A profile's run: the simulated side alone, warm-up included.
            on_sim();
            for _ in 0..reps {
                on_sim();
            }
            continue;
        }
        // One warm-up of each, then interleaved rounds so that load from other processes
        // hits both alike.
        on_tokio();
        on_sim();
        let (mut t, mut s) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            t.push(time(*on_tokio));
            s.push(time(*on_sim));
        }
        let (t, s) = (median(t), median(s));
        println!(
            "{:<28} {:>11.1} ms {:>13.1} ms {:>7.2}x",
            name,
            t.as_secs_f64() * 1e3,
            s.as_secs_f64() * 1e3,
            t.as_secs_f64() / s.as_secs_f64()
        );
    }
}

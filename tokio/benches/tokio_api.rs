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
//! `SIMLOOP_BENCH_REPS` sets the number of rounds (default 7).

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
    if std::env::args().any(|a| a == "--list") {
        return;
    }
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

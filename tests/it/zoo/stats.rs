//! Iterations to the first failure, Random vs PCT, and shrunk sizes.

use simloop::Policy;
use simloop::explore::Explorer;

use super::{Bug, DEEP_QUEUE, DEEP_QUEUE_FEWEST, DEEP_YIELD, DEEP_YIELD_FEWEST, bugs};

const ALL: [&Bug; 13] = [
    &bugs::LOST_UPDATE,
    &bugs::LOST_UPDATE_LONG,
    &bugs::CHECK_THEN_ACT,
    &bugs::PERMIT_LEAK,
    &bugs::TIMEOUT_RACE,
    &bugs::LOCK_ORDER,
    &bugs::MISSED_NOTIFY,
    &bugs::SEMAPHORE_LEAK,
    &bugs::MISSED_CONDITION,
    &bugs::QUEUE_JOIN,
    &bugs::TIMEOUT_JITTER,
    &bugs::TIMEOUT_EXPIRY,
    &bugs::CALLBACK_RACE,
];

/// Runs until the first failure from seed `base * 100_000` (at most 20,000 runs); returns
/// the number of runs.
fn iterations(bug: &Bug, policy: Policy, base: u64) -> u64 {
    let report = Explorer::new()
        .sim(bug.sim())
        .policy(policy)
        .seed(base * 100_000)
        .runs(20_000)
        .shrink(false, 0)
        .explore(bug.buggy);
    let failure = report
        .failure
        .unwrap_or_else(|| panic!("{}: {policy} found nothing in 20,000 runs", bug.name));
    failure.seed - base * 100_000 + 1
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Prints the table of the closing note. In debug builds (CI) it uses 3 base seeds; run
/// `cargo test --release zoo_stats -- --nocapture` for the 20 of the table.
#[test]
fn zoo_stats() {
    let bases: u64 = if cfg!(debug_assertions) { 3 } else { 20 };
    println!(
        "| bug | Random: median runs to 1st failure | PCT: median runs | shrunk deviations, Random / PCT (from) | shrunk switches / steps, Random (from) |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for bug in ALL {
        let pct = Policy::Pct { depth: bug.depth };
        let random: Vec<u64> = (0..bases)
            .map(|b| iterations(bug, Policy::Random, b))
            .collect();
        let pcts: Vec<u64> = (0..bases).map(|b| iterations(bug, pct, b)).collect();
        let shrunk = |policy| {
            let report = Explorer::new()
                .sim(bug.sim())
                .policy(policy)
                .runs(20_000)
                .explore(bug.buggy);
            let s = report.failure.and_then(|f| f.shrunk).expect("shrunk");
            assert!(s.deviations <= s.original_deviations);
            s
        };
        let (r, p) = (shrunk(Policy::Random), shrunk(pct));
        println!(
            "| {} | {} | {} ({pct}) | {} (from {}) / {} (from {}) | {} / {} (from {} / {}) |",
            bug.name,
            median(random),
            median(pcts),
            r.deviations,
            r.original_deviations,
            p.deviations,
            p.original_deviations,
            r.switches,
            r.steps,
            r.original_switches,
            r.original_steps,
        );
    }
}

/// The deep bugs' first PCT failure from seeds 0, 1M, 2M, ..., shrunk with the explorer's
/// defaults, next to the fewest deviations possible: never fewer (the minimum holds), at
/// most 1.2 times as many. `cargo test --release deep_shrink_stats -- --nocapture` prints
/// BENCHMARKS.md's table.
#[test]
fn deep_shrink_stats() {
    let seeds: u64 = 5;
    println!("| deep bug | shrunk deviations (from) | tries | fewest possible |");
    println!("| --- | --- | --- | --- |");
    for (bug, fewest) in [
        (&DEEP_YIELD, DEEP_YIELD_FEWEST),
        (&DEEP_QUEUE, DEEP_QUEUE_FEWEST),
    ] {
        let (mut sizes, mut tries) = (Vec::new(), Vec::new());
        for s in 0..seeds {
            let failure = Explorer::new()
                .policy(Policy::Pct { depth: 3 })
                .seed(s * 1_000_000)
                .runs(20_000)
                .explore(bug.buggy)
                .failure
                .unwrap_or_else(|| panic!("{}: PCT found nothing", bug.name));
            let shrunk = failure.shrunk.expect("shrunk");
            assert!(
                (fewest..=fewest * 6 / 5).contains(&shrunk.deviations),
                "{}: shrunk to {} deviations, the fewest possible is {fewest}",
                bug.name,
                shrunk.deviations
            );
            sizes.push(format!(
                "{} ({})",
                shrunk.deviations, shrunk.original_deviations
            ));
            tries.push(shrunk.tries.to_string());
        }
        println!(
            "| {} | {} | {} | {fewest} |",
            bug.name,
            sizes.join(", "),
            tries.join(", ")
        );
    }
}

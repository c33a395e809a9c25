//! Under `--cfg simloop`: exploring the service's schedules finds the planted race,
//! shrinks it, and the replay token reproduces it.
#![cfg(simloop)]

use simloop_tokio_example::{Backend, QuoteCache};
use tokio::simulation::simloop::Policy;
use tokio::simulation::{Explorer, explore, replay};

async fn two_clients() -> Result<(), String> {
    let backend = Backend::new();
    let cache = QuoteCache::start(backend.clone());
    let first = tokio::spawn({
        let cache = cache.clone();
        async move { cache.get("ACME").await }
    });
    tokio::task::yield_now().await;
    let second = tokio::spawn({
        let cache = cache.clone();
        async move { cache.get("ACME").await }
    });
    first.await.unwrap();
    second.await.unwrap();
    match backend.fetches() {
        1 => Ok(()),
        n => Err(format!("the backend was fetched {n} times for one key")),
    }
}

#[test]
fn exploring_finds_shrinks_and_replays_the_double_fetch() {
    let report = explore(&Explorer::new().runs(1000), two_clients);
    let failure = report.failure.expect("the race is found within 1000 runs");
    assert!(
        failure.message.contains("fetched 2 times"),
        "{}",
        failure.message
    );
    let shrunk = failure.shrunk.expect("and shrunk");
    assert!(
        shrunk.deviations <= 2,
        "shrunk to {} deviations",
        shrunk.deviations
    );
    let replayed = replay(&shrunk.token, two_clients);
    assert_eq!(
        replayed.result.unwrap(),
        Err("the backend was fetched 2 times for one key".to_string())
    );
}

#[test]
fn the_default_order_is_tokios_and_passes() {
    // One FIFO run (tokio's own order) of the service: no double fetch.
    let fifo = Explorer::new().policy(Policy::Fifo).runs(1);
    let report = explore(&fifo, two_clients);
    assert_eq!((report.runs, report.failures), (1, 0), "{report:?}");
}

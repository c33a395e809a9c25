//! The service's tests: plain tokio tests. `cargo test` runs them on tokio;
//! `RUSTFLAGS="--cfg simloop" cargo test` runs each once in a simulation, and with
//! `SIMLOOP_RUNS=1000` explores 1000 schedules of each.

use simloop_tokio_example::{Backend, QuoteCache};

#[tokio::test]
async fn a_hit_does_not_fetch_again() {
    let backend = Backend::new();
    let cache = QuoteCache::start(backend.clone());
    assert_eq!(cache.get("ACME").await, 400);
    assert_eq!(cache.get("ACME").await, 400);
    assert_eq!(backend.fetches(), 1);
}

/// Fails under some schedules (the planted check-then-act race): found by
/// `SIMLOOP_RUNS=1000 cargo test` under the cfg.
#[tokio::test]
async fn two_clients_load_a_key_once() {
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
    assert_eq!(first.await.unwrap(), second.await.unwrap());
    assert_eq!(
        backend.fetches(),
        1,
        "the backend was fetched twice for one key"
    );
}

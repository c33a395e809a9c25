//! A small tokio service: a quote cache in front of a slow backend, with a loader actor.
//!
//! Clients call [`QuoteCache::get`]: a hit is answered from the cache; a miss asks the
//! loader actor, which fetches the quote from the [`Backend`], stores it and replies. The
//! code is plain tokio; its tests run on tokio, or in a simulation under
//! `RUSTFLAGS="--cfg simloop"`.
//!
//! **It has a planted race** (check-then-act across an await): a client checks the cache,
//! misses, and asks the loader; a second client asking for the same key before the loader
//! stored the first answer misses too, and the backend is fetched twice. On tokio's
//! current-thread runtime the test `two_clients_load_a_key_once` passes (the loader runs
//! before the second client); `SIMLOOP_RUNS=1000 cargo test` under the cfg finds the
//! schedule where it fails, shrinks it and prints the command that replays it.
//!
//! # Examples
//!
//! ```
//! use simloop_tokio_example::{Backend, QuoteCache};
//!
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! rt.block_on(async {
//!     let backend = Backend::new();
//!     let cache = QuoteCache::start(backend.clone());
//!     assert_eq!(cache.get("ACME").await, cache.get("ACME").await);
//!     assert_eq!(backend.fetches(), 1);
//! });
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

/// Where quotes come from; counts its fetches.
///
/// # Examples
///
/// ```
/// use simloop_tokio_example::Backend;
///
/// let backend = Backend::new();
/// let shared = backend.clone(); // clones count into the same total
/// assert_eq!(shared.fetches(), 0);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Backend {
    fetches: Arc<AtomicU64>,
}

impl Backend {
    /// A backend that has fetched nothing yet.
    ///
    /// # Examples
    ///
    /// ```
    /// let backend = simloop_tokio_example::Backend::new();
    /// assert_eq!(backend.fetches(), 0);
    /// ```
    pub fn new() -> Backend {
        Backend::default()
    }

    /// The quote of `key` (its length times 100, standing for a price).
    fn fetch(&self, key: &str) -> u64 {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        key.len() as u64 * 100
    }

    /// How many quotes were fetched.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop_tokio_example::{Backend, QuoteCache};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let backend = Backend::new();
    /// rt.block_on(async {
    ///     let cache = QuoteCache::start(backend.clone());
    ///     cache.get("A").await;
    ///     cache.get("B").await;
    /// });
    /// assert_eq!(backend.fetches(), 2);
    /// ```
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

/// A request to the loader: a key and where to send its quote.
struct Load {
    key: String,
    reply: oneshot::Sender<u64>,
}

/// The quote cache: clients share it (it is cheap to clone).
///
/// # Examples
///
/// ```
/// use simloop_tokio_example::{Backend, QuoteCache};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let cache = QuoteCache::start(Backend::new());
///     let client = cache.clone();
///     let quote = tokio::spawn(async move { client.get("XYZ").await }).await.unwrap();
///     assert_eq!(quote, 300);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct QuoteCache {
    entries: Arc<Mutex<BTreeMap<String, u64>>>,
    loads: mpsc::Sender<Load>,
}

impl QuoteCache {
    /// Starts the loader actor on the current runtime and returns the cache.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop_tokio_example::{Backend, QuoteCache};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async {
    ///     let cache = QuoteCache::start(Backend::new());
    ///     assert_eq!(cache.get("AB").await, 200);
    /// });
    /// ```
    pub fn start(backend: Backend) -> QuoteCache {
        let entries = Arc::new(Mutex::new(BTreeMap::new()));
        let (loads, rx) = mpsc::channel(16);
        tokio::spawn(loader(rx, entries.clone(), backend));
        QuoteCache { entries, loads }
    }

    /// The quote of `key`, from the cache or loaded.
    ///
    /// # Panics
    ///
    /// When the loader has stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop_tokio_example::{Backend, QuoteCache};
    ///
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let backend = Backend::new();
    /// rt.block_on(async {
    ///     let cache = QuoteCache::start(backend.clone());
    ///     assert_eq!(cache.get("ACME").await, 400); // loaded
    ///     assert_eq!(cache.get("ACME").await, 400); // cached
    /// });
    /// assert_eq!(backend.fetches(), 1);
    /// ```
    pub async fn get(&self, key: &str) -> u64 {
        if let Some(v) = self.entries.lock().unwrap().get(key) {
            return *v;
        }
        // The race: between this miss and the loader's insert, another client misses too.
        let (reply, answer) = oneshot::channel();
        let load = Load {
            key: key.to_string(),
            reply,
        };
        self.loads.send(load).await.expect("the loader runs");
        answer.await.expect("the loader answers")
    }
}

/// The loader actor: fetches, stores, replies (without checking whether another request
/// stored the key meanwhile).
async fn loader(
    mut rx: mpsc::Receiver<Load>,
    entries: Arc<Mutex<BTreeMap<String, u64>>>,
    backend: Backend,
) {
    while let Some(load) = rx.recv().await {
        let quote = backend.fetch(&load.key);
        entries.lock().unwrap().insert(load.key, quote);
        let _ = load.reply.send(quote);
    }
}

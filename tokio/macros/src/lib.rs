//! The macros of `simloop-tokio` under `--cfg simloop`: `#[tokio::main]` and
//! `#[tokio::test]` run their body as a simulation (an exploration with `SIMLOOP_RUNS`);
//! `select!`, `join!` and `try_join!` are tokio's, with `select!`'s branch order drawn from
//! the run's seeded generator. Use them through `simloop-tokio`, which re-exports them.
//!
//! # Examples
//!
//! With `tokio = { package = "simloop-tokio", ... }` in `Cargo.toml`, tokio's attributes
//! are these (under `--cfg simloop`) or tokio's own (built normally):
//!
//! ```
//! use std::time::Duration;
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() {
//!     let start = tokio::time::Instant::now();
//!     tokio::time::sleep(Duration::from_millis(1)).await;
//!     assert!(start.elapsed() >= Duration::from_millis(1));
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod entry;
mod join;
mod select;

use proc_macro::TokenStream;

/// Runs `async fn main` as one simulation (tokio's arguments are accepted).
///
/// Arguments: `flavor = "current_thread" | "multi_thread" | "local"` (default
/// `multi_thread`, simulated on one thread), `worker_threads = N` and `unhandled_panic`
/// (accepted), `start_paused = true`, `crate = "path"` (where the crate is, default
/// `tokio`), `name = "..."`.
///
/// # Examples
///
/// Under the cfg, the hour-long sleep takes no real time, and the clock reads it exactly:
///
/// ```
/// use std::time::Duration;
///
/// #[tokio::main(start_paused = true, flavor = "current_thread")]
/// async fn main() {
///     let start = tokio::time::Instant::now();
///     let late = tokio::spawn(async {
///         tokio::time::sleep(Duration::from_secs(3600)).await;
///         "an hour later"
///     });
///     assert_eq!(late.await.unwrap(), "an hour later");
///     # #[cfg(simloop)]
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
///     # #[cfg(not(simloop))]
///     # assert!(start.elapsed() >= Duration::from_secs(3600));
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), entry::Kind::Main)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Runs an `async fn` test as one simulation, or with `SIMLOOP_RUNS=N` as an exploration
/// of N schedules (tokio's arguments are accepted).
///
/// The test's body is the program: an exploration calls it once per schedule, shrinks a
/// failing schedule, and prints the command that replays it (`SIMLOOP_REPLAY=<token>`).
/// Its arguments are [`macro@main`]'s (default flavor `current_thread`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// #[tokio::test(start_paused = true)]
/// async fn the_timeout_fires_first() {
///     let slow = tokio::time::sleep(Duration::from_secs(10));
///     let result = tokio::time::timeout(Duration::from_secs(1), slow).await;
///     assert!(result.is_err());
/// }
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), entry::Kind::Test)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `select!` (called by `simloop_tokio::select!` with the crate's path first).
#[doc(hidden)]
#[proc_macro]
pub fn select_impl(input: TokenStream) -> TokenStream {
    select::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `join!` (called by `simloop_tokio::join!` with the crate's path first).
#[doc(hidden)]
#[proc_macro]
pub fn join_impl(input: TokenStream) -> TokenStream {
    join::expand(input.into(), false)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `try_join!` (called by `simloop_tokio::try_join!` with the crate's path first).
#[doc(hidden)]
#[proc_macro]
pub fn try_join_impl(input: TokenStream) -> TokenStream {
    join::expand(input.into(), true)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

//! The macros of `simloop-tokio` under `--cfg simloop`: `#[tokio::main]` and
//! `#[tokio::test]` run their body as a simulation (an exploration with `SIMLOOP_RUNS`);
//! `select!`, `join!` and `try_join!` are tokio's, with `select!`'s branch order drawn from
//! the run's seeded generator. Use them through `simloop-tokio`, which re-exports them.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod entry;
mod join;
mod select;

use proc_macro::TokenStream;

/// Runs `async fn main` as one simulation (tokio's arguments are accepted).
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args.into(), item.into(), entry::Kind::Main)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Runs an `async fn` test as one simulation, or with `SIMLOOP_RUNS=N` as an exploration
/// of N schedules (tokio's arguments are accepted).
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

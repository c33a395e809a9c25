//! The errors of the context API: asyncio's `ValueError`s and `RuntimeError`s as values.

use std::error::Error;
use std::fmt;

/// Why [`ContextVar::reset`](super::ContextVar::reset) refused a token.
///
/// # Examples
///
/// ```
/// use simloop::contextvars::{Context, ContextVar, ResetError};
///
/// static A: ContextVar<u8> = ContextVar::new("a");
/// static B: ContextVar<u8> = ContextVar::new("b");
///
/// Context::new().run(|| {
///     let token = A.set(1);
///     assert_eq!(B.reset(&token), Err(ResetError::OtherVar));
///     let elsewhere = Context::new().run(|| A.reset(&token)).unwrap();
///     assert_eq!(elsewhere, Err(ResetError::OtherContext));
/// })
/// .unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetError {
    /// The token was used already (asyncio's `RuntimeError: <Token ...> has already been
    /// used once`).
    UsedToken,
    /// The token was made by another variable's `set` (asyncio's `ValueError: <Token ...>
    /// was created by a different ContextVar`).
    OtherVar,
    /// The token was made in another context than the current one (asyncio's
    /// `ValueError: <Token ...> was created in a different Context`).
    OtherContext,
}

/// [`Context::run`](super::Context::run) of a context entered already (asyncio's
/// `RuntimeError: cannot enter context: <Context ...> is already entered`).
///
/// # Examples
///
/// ```
/// use simloop::contextvars::Context;
///
/// let ctx = Context::new();
/// let err = ctx.run(|| ctx.run(|| ()).unwrap_err()).unwrap();
/// assert_eq!(err.to_string(), "cannot enter context: it is already entered");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnterError {
    _private: (),
}

impl EnterError {
    pub(super) fn new() -> EnterError {
        EnterError { _private: () }
    }
}

impl fmt::Display for ResetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResetError::UsedToken => "token has already been used once",
            ResetError::OtherVar => "token was created by a different ContextVar",
            ResetError::OtherContext => "token was created in a different Context",
        })
    }
}

impl fmt::Display for EnterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot enter context: it is already entered")
    }
}

impl Error for ResetError {}

impl Error for EnterError {}

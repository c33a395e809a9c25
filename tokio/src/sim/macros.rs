//! `select!`, `join!` and `try_join!`: declarative doors to the proc macros, which receive
//! this crate's path first (so they work whatever name the crate is imported under).

/// Waits on several branches and runs the handler of the first that completes; tokio's
/// grammar (`pattern = future, if precondition => handler`, `else`, `biased;`).
///
/// Unless `biased;`, the first branch polled is drawn from the run's seeded generator, so
/// the order is part of what a seed fixes and what exploring varies.
///
/// # Examples
///
/// The branch whose timer fires first wins, on the virtual clock:
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let winner = rt.block_on(async {
///     tokio::select! {
///         _ = tokio::time::sleep(Duration::from_secs(5)) => "slow",
///         _ = tokio::time::sleep(Duration::from_secs(1)) => "fast",
///     }
/// });
/// assert_eq!(winner, "fast");
/// ```
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::__private::select_impl!($crate; $($tokens)*)
    };
}

/// Waits for every future and gives their outputs as a tuple.
///
/// # Examples
///
/// The futures run concurrently: two sleeps of 1 s and 2 s end 2 virtual seconds later.
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
/// use tokio::time::{Instant, sleep};
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// rt.block_on(async {
///     let start = Instant::now();
///     let (a, b) = tokio::join!(
///         async { sleep(Duration::from_secs(1)).await; 1 },
///         async { sleep(Duration::from_secs(2)).await; 2 },
///     );
///     assert_eq!((a, b), (1, 2));
///     assert_eq!(start.elapsed(), Duration::from_secs(2));
/// });
/// ```
#[macro_export]
macro_rules! join {
    ($($tokens:tt)*) => {
        $crate::__private::join_impl!($crate; $($tokens)*)
    };
}

/// Waits for every future to succeed, or returns the first error.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// rt.block_on(async {
///     let ok: Result<(u8, u8), &str> = tokio::try_join!(async { Ok(1) }, async { Ok(2) });
///     assert_eq!(ok, Ok((1, 2)));
///     let err: Result<(u8, u8), &str> = tokio::try_join!(async { Ok(1) }, async { Err("no") });
///     assert_eq!(err, Err("no"));
/// });
/// ```
#[macro_export]
macro_rules! try_join {
    ($($tokens:tt)*) => {
        $crate::__private::try_join_impl!($crate; $($tokens)*)
    };
}

/// What tokio's `tokio::macros::support` offers that is not tokio-internal: the std items
/// its macros expand to (this crate's macros expand to [`crate::__private`] instead).
#[doc(hidden)]
pub mod support {
    pub use std::future::{Future, IntoFuture, poll_fn};
    pub use std::pin::Pin;
    pub use std::result::Result;
    pub use std::task::{Context, Poll, ready};
}

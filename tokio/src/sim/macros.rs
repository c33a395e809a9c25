//! `select!`, `join!` and `try_join!`: declarative doors to the proc macros, which receive
//! this crate's path first (so they work whatever name the crate is imported under).

/// Waits on several branches and runs the handler of the first that completes; tokio's
/// grammar (`pattern = future, if precondition => handler`, `else`, `biased;`).
///
/// Unless `biased;`, the first branch polled is drawn from the run's seeded generator, so
/// the order is part of what a seed fixes and what exploring varies.
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::__private::select_impl!($crate; $($tokens)*)
    };
}

/// Waits for every future and gives their outputs as a tuple.
#[macro_export]
macro_rules! join {
    ($($tokens:tt)*) => {
        $crate::__private::join_impl!($crate; $($tokens)*)
    };
}

/// Waits for every future to succeed, or returns the first error.
#[macro_export]
macro_rules! try_join {
    ($($tokens:tt)*) => {
        $crate::__private::try_join_impl!($crate; $($tokens)*)
    };
}

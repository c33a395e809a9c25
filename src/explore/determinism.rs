//! The determinism self-check: the same schedule twice must give the same trace.

use std::fmt;
use std::future::Future;

use super::explorer::Explorer;
use super::quiet::quietly;
use crate::schedule::Token;

/// A program that ran differently under the same seed and policy, found by
/// [`Explorer::check_determinism`].
///
/// ```
/// use simloop::explore::Explorer;
/// // Iterating a HashMap: its order differs between two maps of the same keys.
/// let err = Explorer::new().check_determinism(|| async {
///     let m: std::collections::HashMap<u32, ()> = (0..32).map(|k| (k, ())).collect();
///     for k in m.keys() { simloop::log!("{k}") }
/// }).unwrap_err();
/// assert!(err.to_string().contains("first divergence at trace line"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Nondeterminism {
    /// The token of the first run (boxed: the error stays small, as `Result`s want).
    pub token: Box<Token>,
    /// The number (from 1) of the first trace line that differs.
    pub line: usize,
    /// That line in the first run (`None`: the first run's trace ended there).
    pub first: Option<String>,
    /// That line in the second run (`None`: the second run's trace ended there).
    pub second: Option<String>,
}

impl fmt::Display for Nondeterminism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |l: &Option<String>| l.clone().unwrap_or_else(|| "<end of trace>".into());
        writeln!(
            f,
            "the program is not deterministic: two runs of seed {} under {} differ",
            self.token.seed(),
            self.token.policy()
        )?;
        writeln!(f, "first divergence at trace line {}:", self.line)?;
        writeln!(f, "  first run:  {}", show(&self.first))?;
        writeln!(f, "  second run: {}", show(&self.second))?;
        write!(
            f,
            "look for HashMap/HashSet iteration, wall-clock reads, OS randomness or threads in the program"
        )
    }
}

impl std::error::Error for Nondeterminism {}

impl Explorer {
    /// Runs the program twice with the explorer's first seed and its policy and compares the
    /// traces line by line; reports the first line that differs. A program that iterates a
    /// `HashMap`, reads the wall clock or spawns threads typically fails this check.
    ///
    /// # Errors
    ///
    /// [`Nondeterminism`] when the traces differ.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{explore::Explorer, spawn, yield_now};
    /// let ok = Explorer::new().seed(3).check_determinism(|| async {
    ///     spawn(async { yield_now().await }).await.unwrap();
    /// });
    /// assert!(ok.is_ok());
    /// ```
    pub fn check_determinism<P, F>(&self, program: P) -> Result<(), Nondeterminism>
    where
        P: Fn() -> F,
        F: Future + 'static,
    {
        let sim = self.base_sim();
        let first = quietly(|| sim.run(program()));
        let second = quietly(|| sim.run(program()));
        let (a, b) = (first.trace.render(), second.trace.render());
        let (mut la, mut lb) = (a.lines(), b.lines());
        let mut line = 0;
        loop {
            line += 1;
            match (la.next(), lb.next()) {
                (None, None) => return Ok(()),
                (x, y) if x == y => continue,
                (x, y) => {
                    return Err(Nondeterminism {
                        token: Box::new(first.token),
                        line,
                        first: x.map(String::from),
                        second: y.map(String::from),
                    });
                }
            }
        }
    }
}

//! Setting an exploration from outside: `SIMLOOP_SEED`, `SIMLOOP_RUNS`, `SIMLOOP_POLICY`.

use super::explorer::Explorer;

/// The environment variable that sets the first seed of [`Explorer::check`] (decimal).
///
/// ```
/// assert_eq!(simloop::explore::SEED_ENV, "SIMLOOP_SEED");
/// ```
pub const SEED_ENV: &str = "SIMLOOP_SEED";
/// The environment variable that sets how many runs [`Explorer::check`] makes.
///
/// ```
/// assert_eq!(simloop::explore::RUNS_ENV, "SIMLOOP_RUNS");
/// ```
pub const RUNS_ENV: &str = "SIMLOOP_RUNS";
/// The environment variable that sets the policy of [`Explorer::check`] (`random`, `pct3`..).
///
/// ```
/// assert_eq!(simloop::explore::POLICY_ENV, "SIMLOOP_POLICY");
/// ```
pub const POLICY_ENV: &str = "SIMLOOP_POLICY";

impl Explorer {
    /// Applies `SIMLOOP_SEED` (first seed), `SIMLOOP_RUNS` and `SIMLOOP_POLICY` when set.
    /// ([`Explorer::check`] does this itself, and also honours `SIMLOOP_REPLAY`.)
    ///
    /// # Panics
    ///
    /// When a variable is set to something unusable.
    ///
    /// ```
    /// let e = simloop::explore::Explorer::new().runs(3).from_env();
    /// assert!(e.explore(|| async {}).passed());
    /// ```
    #[must_use]
    pub fn from_env(self) -> Explorer {
        self.with_vars(|name| std::env::var(name).ok())
    }

    /// Applies the variables of [`Explorer::from_env`] as `get` returns them.
    pub(crate) fn with_vars(mut self, get: impl Fn(&str) -> Option<String>) -> Explorer {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = var(SEED_ENV) {
            let first = v.trim().parse().unwrap_or_else(|_| {
                panic!("simloop: {SEED_ENV}={v} is not a seed (a number from 0 to 2^64-1)")
            });
            self = self.seed(first);
        }
        if let Some(v) = var(RUNS_ENV) {
            let runs = v
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("simloop: {RUNS_ENV}={v} is not a number of runs"));
            self = self.runs(runs);
        }
        if let Some(v) = var(POLICY_ENV) {
            self = self.policy(
                v.trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("simloop: {POLICY_ENV}={v}: {e}")),
            );
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn environment_sets_seed_runs_and_policy() {
        let e = Explorer::new().runs(10).with_vars(vars(&[
            (SEED_ENV, "500"),
            (RUNS_ENV, "7"),
            (POLICY_ENV, "pct3"),
        ]));
        assert_eq!(e.plan(), (500..507, Policy::Pct { depth: 3 }, 1));
    }

    #[test]
    fn unset_or_empty_variables_change_nothing() {
        let e = Explorer::new()
            .seed(2)
            .runs(10)
            .with_vars(vars(&[(RUNS_ENV, " ")]));
        assert_eq!(e.plan(), (2..12, Policy::Random, 1));
    }

    #[test]
    #[should_panic(
        expected = "SIMLOOP_POLICY=lifo: unknown policy 'lifo' (known: fifo, random, pct<depth>"
    )]
    fn a_bad_policy_says_what_is_known() {
        let _ = Explorer::new().with_vars(vars(&[(POLICY_ENV, "lifo")]));
    }
}

//! Setting an exploration from outside: `SIMLOOP_SEED`, `SIMLOOP_RUNS`, `SIMLOOP_POLICY`,
//! `SIMLOOP_JOBS`, `SIMLOOP_SHARD`.

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
/// The environment variable that sets how many threads [`Explorer::check`] runs on
/// ([`Explorer::jobs`]); the report does not depend on it.
///
/// ```
/// assert_eq!(simloop::explore::JOBS_ENV, "SIMLOOP_JOBS");
/// ```
pub const JOBS_ENV: &str = "SIMLOOP_JOBS";
/// The environment variable that keeps one shard of [`Explorer::check`]'s seeds, written
/// `index/count` (`SIMLOOP_SHARD=0/4` on the first of four CI machines; [`Explorer::shard`]).
///
/// ```
/// assert_eq!(simloop::explore::SHARD_ENV, "SIMLOOP_SHARD");
/// ```
pub const SHARD_ENV: &str = "SIMLOOP_SHARD";

impl Explorer {
    /// Applies `SIMLOOP_SEED` (first seed), `SIMLOOP_RUNS`, `SIMLOOP_POLICY`, `SIMLOOP_JOBS`
    /// and `SIMLOOP_SHARD` (`index/count`) when set. ([`Explorer::check`] does this itself,
    /// and also honours `SIMLOOP_REPLAY`.)
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
        if let Some(v) = var(JOBS_ENV) {
            match v.trim().parse::<usize>() {
                Ok(jobs) if jobs > 0 => self = self.jobs(jobs),
                _ => panic!("simloop: {JOBS_ENV}={v} is not a number of threads (1 or more)"),
            }
        }
        if let Some(v) = var(SHARD_ENV) {
            let shard = v.trim().split_once('/').and_then(|(i, n)| {
                let (i, n) = (i.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?);
                (n > 0 && i < n).then_some((i, n))
            });
            let Some((index, count)) = shard else {
                panic!(
                    "simloop: {SHARD_ENV}={v} is not a shard: write index/count with index < count, like 0/4"
                )
            };
            self = self.shard(index, count);
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
    fn environment_sets_jobs_and_shard() {
        let e = Explorer::new()
            .runs(10)
            .with_vars(vars(&[(JOBS_ENV, "2"), (SHARD_ENV, "1/3")]));
        assert_eq!(e.plan().2, 2);
        assert_eq!(e.explore(|| async {}).runs, 3); // offsets 1, 4, 7
    }

    #[test]
    #[should_panic(expected = "SIMLOOP_SHARD=3/3 is not a shard: write index/count")]
    fn a_shard_past_the_count_is_refused() {
        let _ = Explorer::new().with_vars(vars(&[(SHARD_ENV, "3/3")]));
    }

    #[test]
    #[should_panic(expected = "SIMLOOP_JOBS=0 is not a number of threads")]
    fn zero_jobs_are_refused() {
        let _ = Explorer::new().with_vars(vars(&[(JOBS_ENV, "0")]));
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

//! `SIMLOOP_REPLAY`: the replay token a test run is told to use, scoped to one test.
//!
//! `SIMLOOP_REPLAY=<test>=<token>` applies only in the test named `<test>` (libtest names
//! each test's thread after the test), so a token meant for one test does not make every
//! other simloop test in the process diverge. `SIMLOOP_REPLAY=<token>` applies to every
//! run that reads the variable, as a bare token always did. The hints simloop prints use
//! the scoped form whenever they know the test.

use super::{Token, TokenError};

/// The environment variable [`crate::Sim::check`] and [`crate::explore::Explorer::check`]
/// read: a replay token (`<token>`, or `<test>=<token>` for one test only) that overrides
/// the configured seed and policy, so a failure printed by a test reruns with
/// `SIMLOOP_REPLAY=<test>=<token> cargo test -p <package> <test> -- --exact`.
///
/// ```
/// assert_eq!(simloop::REPLAY_ENV, "SIMLOOP_REPLAY");
/// ```
pub const REPLAY_ENV: &str = "SIMLOOP_REPLAY";

impl Token {
    /// The token [`REPLAY_ENV`] sets for the running test: `Some` when the variable holds a
    /// bare token, or `<test>=<token>` and this thread runs the test named `<test>`;
    /// `None` when it is unset, empty, or scoped to another test.
    ///
    /// # Panics
    ///
    /// When the variable holds something that is not a token (the message says why).
    ///
    /// ```
    /// // No SIMLOOP_REPLAY in this environment: nothing to replay.
    /// assert!(simloop::Token::from_env().is_none());
    /// ```
    pub fn from_env() -> Option<Token> {
        let text = std::env::var(REPLAY_ENV).ok()?;
        let thread = std::thread::current();
        scoped(&text, thread.name())
            .unwrap_or_else(|e| panic!("simloop: {REPLAY_ENV} is set but unusable: {e}"))
    }

    /// `<test>=<token>` for the rerun hints: scoped to `test` when it is known.
    pub(crate) fn for_env(&self, test: Option<&str>) -> String {
        match test {
            Some(test) => format!("{test}={self}"),
            None => self.to_string(),
        }
    }
}

/// The token `text` (the variable's value) sets for the test `running` (the thread's name).
fn scoped(text: &str, running: Option<&str>) -> Result<Option<Token>, TokenError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.split_once('=') {
        Some((test, token)) if running == Some(test.trim()) => token.parse().map(Some),
        // Another test's token is that test's business, even when it is malformed.
        Some(_) => Ok(None),
        None => text.parse().map(Some),
    }
}

/// The command that reruns the test `test` with `token`:
/// `SIMLOOP_REPLAY=<test>=<token> cargo test -p <package> <test> -- --exact`.
///
/// The package is the one cargo ran the test in (`CARGO_PKG_NAME`, which `cargo test` and
/// nextest set for a test binary): without `-p`, the command run at the root of a
/// workspace whose root is a package tests only that package, finds no test of that name
/// and passes, having rerun nothing. Outside cargo the package is left out.
pub(crate) fn rerun_command(token: &Token, test: &str) -> String {
    let package = std::env::var("CARGO_PKG_NAME").ok();
    rerun_command_in(token, test, package.as_deref())
}

/// [`rerun_command`] for the package `package` (none: no `-p`).
fn rerun_command_in(token: &Token, test: &str, package: Option<&str>) -> String {
    let package = package
        .filter(|p| !p.is_empty())
        .map(|p| format!("-p {p} "))
        .unwrap_or_default();
    format!(
        "{REPLAY_ENV}={} cargo test {package}{test} -- --exact",
        token.for_env(Some(test))
    )
}

/// The name libtest gives the thread of the running test (`zoo::lost_update`), for rerun
/// hints; `None` outside a test thread.
pub(crate) fn test_name() -> Option<String> {
    let name = std::thread::current().name()?.to_string();
    (name != "main").then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Policy, Sim};

    fn token() -> Token {
        Sim::new()
            .policy(Policy::Random)
            .seed(4)
            .run(async {})
            .token
    }

    /// A rerun command without `-p`, run at the root of a workspace whose root is a
    /// package (simloop's own, a user's), tested only the root package and passed having
    /// run nothing when the test was in another member.
    #[test]
    fn the_rerun_command_names_the_package_cargo_ran_the_test_in() {
        let t = token();
        assert_eq!(
            rerun_command_in(&t, "zoo::lost_update", Some("my-service")),
            format!(
                "SIMLOOP_REPLAY=zoo::lost_update={t} cargo test -p my-service zoo::lost_update -- --exact"
            )
        );
        assert_eq!(
            rerun_command_in(&t, "lost_update", None),
            format!("SIMLOOP_REPLAY=lost_update={t} cargo test lost_update -- --exact")
        );
        // This test runs under cargo, which names the package.
        assert_eq!(
            rerun_command(&t, "lost_update"),
            format!("SIMLOOP_REPLAY=lost_update={t} cargo test -p simloop lost_update -- --exact")
        );
    }

    #[test]
    fn a_scoped_token_applies_to_its_test_only() {
        let t = token();
        let text = t.for_env(Some("zoo::lost_update"));
        assert_eq!(text, format!("zoo::lost_update={t}"));
        assert_eq!(scoped(&text, Some("zoo::lost_update")), Ok(Some(t.clone())));
        assert_eq!(scoped(&text, Some("zoo::check_then_act")), Ok(None));
        assert_eq!(scoped(&text, None), Ok(None));
        assert_eq!(
            scoped(&t.to_string(), Some("anything")),
            Ok(Some(t.clone()))
        );
        assert_eq!(scoped("  ", Some("x")), Ok(None));
    }

    #[test]
    fn a_malformed_token_is_refused_where_it_applies() {
        assert!(scoped("mine=sl3:random:1:xx", Some("mine")).is_err());
        assert_eq!(scoped("other=sl3:random:1:xx", Some("mine")), Ok(None));
        assert!(scoped("sl9:fifo:1:AAAAAAA", None).is_err());
    }
}

//! How `#[tokio::test]`, `#[tokio::main]` and `block_on` set up their simulation, and how a
//! test becomes an exploration (`SIMLOOP_RUNS`).

use std::fmt::Write as _;
use std::future::Future;

use simloop::explore::{Explorer, RUNS_ENV, Report};
use simloop::{PanicOutput, REPLAY_ENV, Sim, Token, TraceLevel};

use super::context;
use super::runtime::{Handle, Runtime, RuntimeFlavor};

/// What `#[tokio::test]` and `#[tokio::main]` were given.
#[derive(Debug, Clone, Copy)]
pub struct TestConfig {
    /// The runtime kind asked for.
    pub flavor: RuntimeFlavor,
    /// `start_paused = true`.
    pub start_paused: bool,
    /// `flavor = "local"`: the body runs inside a `LocalSet` (tokio's `LocalRuntime`).
    pub local: bool,
    /// `name = "..."`: the runtime's name.
    pub name: Option<&'static str>,
}

/// A test's return value: `()` or a `Result`, whose `Err` fails the run.
pub trait TestOutput {
    /// Why the run failed, if it did.
    fn failure(&self) -> Option<String>;
}

impl TestOutput for () {
    fn failure(&self) -> Option<String> {
        None
    }
}

impl<T, E: std::fmt::Debug> TestOutput for Result<T, E> {
    fn failure(&self) -> Option<String> {
        self.as_ref()
            .err()
            .map(|e| format!("the test returned Err({e:?})"))
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The simulation of one `block_on`: FIFO with seed 0 by default (tokio's current-thread
/// order for what a test observes); `SIMLOOP_SEED` and `SIMLOOP_POLICY` choose another
/// schedule, `SIMLOOP_REPLAY` replays a recorded one: a bare token in every run, a token
/// scoped to a test (`<test>=<token>`) in that test's runs only.
pub(crate) fn sim() -> Sim {
    // Seed and policy are read once per process (a run reads them at every `block_on`);
    // the token at each run, since whether it applies depends on the test (the thread).
    static SIM: std::sync::OnceLock<Sim> = std::sync::OnceLock::new();
    let sim = SIM.get_or_init(sim_from_env).clone();
    match Token::from_env() {
        Some(token) => sim.replay(&token),
        None => sim,
    }
}

fn sim_from_env() -> Sim {
    // A tokio program may hand wakers to real threads (a `std::thread` completing a
    // channel): the run waits for their wakes rather than calling that a deadlock.
    // A panic in a task prints what the panic hook prints, as under tokio (where a test's
    // own hook, installed before the first run, sees it too), rather than simloop's line.
    let sim = Sim::new()
        .trace(TraceLevel::Off)
        .panic_output(PanicOutput::Full)
        .accept_remote_wakes(std::time::Duration::from_secs(10));
    let mut sim = sim;
    if let Some(seed) = var(simloop::explore::SEED_ENV) {
        let seed = seed.trim().parse().unwrap_or_else(|_| {
            panic!("simloop: SIMLOOP_SEED={seed} is not a seed (a number from 0 to 2^64-1)")
        });
        sim = sim.seed(seed);
    }
    if let Some(policy) = var(simloop::explore::POLICY_ENV) {
        let policy = policy
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("simloop: SIMLOOP_POLICY={policy}: {e}"));
        sim = sim.policy(policy);
    }
    sim
}

thread_local! {
    /// Whether this thread runs a `#[tokio::test]`'s own run (not an exploration's, not a
    /// replay's): its failure is rerun by its seed and policy (see [`replay_hint`]).
    static TEST_RUN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The command that reruns the current test (or program) with `token`.
pub(crate) fn replay_command(token: &Token) -> String {
    let flags = var("RUSTFLAGS").unwrap_or_else(|| "--cfg simloop".to_string());
    let mut cmd = format!("RUSTFLAGS={} ", shell_word(&flags));
    if let Some(dir) = target_dir() {
        let _ = write!(cmd, "CARGO_TARGET_DIR={} ", shell_word(&dir));
    }
    match std::thread::current().name().filter(|n| *n != "main") {
        Some(test) => {
            if TEST_RUN.get() {
                // The test's own run is made from its seed and policy alone.
                let _ = write!(
                    cmd,
                    "{}={} {}={} ",
                    simloop::explore::SEED_ENV,
                    token.seed(),
                    simloop::explore::POLICY_ENV,
                    token.policy()
                );
            } else {
                // Scoped to the test: the other tests of the binary keep their own schedules.
                let _ = write!(cmd, "{REPLAY_ENV}={test}={token} ");
            }
            cmd.push_str("cargo test ");
            if let Some(package) = var("CARGO_PKG_NAME") {
                let _ = write!(cmd, "-p {package} ");
            }
            let _ = write!(cmd, "{test} -- --exact");
        }
        None => {
            let _ = write!(cmd, "{REPLAY_ENV}={token} cargo run");
        }
    }
    cmd
}

/// `word` as one word of a POSIX shell command: unchanged when no character of it is
/// special to a shell, else in single quotes, each `'` in it written `'\''`. (Double quotes,
/// which the command used before, leave `$`, a backtick, `\` and `"` to the shell: flags
/// holding one were mangled, or ran a command.)
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The target directory the running test was built in, when the rerun command must name
/// it: `CARGO_TARGET_DIR` as it was set, else the folder holding the test binary under
/// cargo's `CACHEDIR.TAG` when it is not the default `target` (a build given
/// `--target-dir`, as the README's `cargo simtest` alias does). Without it the printed
/// command built the simulated test into `target/`, where the cfg rebuilds every crate and
/// the next normal build rebuilds them all again.
fn target_dir() -> Option<String> {
    if let Some(dir) = var("CARGO_TARGET_DIR") {
        return Some(dir);
    }
    let exe = std::env::current_exe().ok()?;
    let root = exe
        .ancestors()
        .skip(1)
        .find(|d| d.join("CACHEDIR.TAG").is_file())?;
    if root.file_name().is_some_and(|name| name == "target") {
        return None;
    }
    let dir = root.to_str()?;
    // Printed into a shell command: a folder with a space or a quote is left out rather
    // than quoted wrong.
    dir.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
        .then(|| dir.to_string())
}

/// How to replay a failed run. A `#[tokio::test]`'s own run is rerun by its seed and
/// policy rather than its token: `SIMLOOP_REPLAY` replays a test's token as an explored run
/// is made (`replay_test`), which a `block_on`'s run is not.
pub(crate) fn replay_hint(token: &Token) -> String {
    if TEST_RUN.get() {
        return format!(
            "seed: {}  policy: {}\nrerun it:     {}",
            token.seed(),
            token.policy(),
            replay_command(token)
        );
    }
    format!(
        "seed: {}  policy: {}\nreplay token: {token}\nrerun it:     {}",
        token.seed(),
        token.policy(),
        replay_command(token)
    )
}

/// Runs `#[tokio::main]`'s body as one simulation.
///
/// A failed run (a deadlock, a limit) panics at the caller's location: the user's
/// `#[tokio::main]` or `#[tokio::test]`, not this function's `block_on` line.
#[track_caller]
pub fn run_main<F: Future>(config: TestConfig, body: F) -> F::Output {
    let rt = Runtime::with(config.flavor, config.start_paused, true);
    rt.handle().set_name(config.name.map(String::from));
    if config.local {
        super::task::LocalSet::new().block_on(&rt, body)
    } else {
        rt.block_on(body)
    }
}

/// Runs a `#[tokio::test]`: one simulation, or with `SIMLOOP_RUNS=N` (and no
/// `SIMLOOP_REPLAY` token for this test) an exploration of N schedules under
/// `SIMLOOP_POLICY` (random by default) from `SIMLOOP_SEED`, whose first failure is shrunk
/// and reported with the command that replays it. The test's value comes from a final run in the default order.
/// With a token for this test, that one schedule is replayed, in a run made as explored
/// runs are made, since the tokens a test prints come from them.
///
/// # Panics
///
/// When a run fails.
#[track_caller]
pub fn run_test<P, F>(config: TestConfig, program: P) -> F::Output
where
    P: Fn() -> F + Sync,
    F: Future + 'static,
    F::Output: TestOutput,
{
    // A token scoped to another test is that test's business: this one still explores.
    if let Some(token) = Token::from_env() {
        return replay_test(config, &token, program());
    }
    if var(RUNS_ENV).is_some() {
        explore(config, &program);
    }
    let _test_run = TestRun::enter();
    run_main(config, program())
}

/// Marks this thread as running a test's own run ([`TEST_RUN`]) until dropped, a panic's
/// unwinding included.
struct TestRun(bool);

impl TestRun {
    fn enter() -> TestRun {
        TestRun(TEST_RUN.replace(true))
    }
}

impl Drop for TestRun {
    fn drop(&mut self) {
        TEST_RUN.set(self.0);
    }
}

/// Replays `token` on `body` in a run made as an explored run of `config` is made
/// ([`explored_run`]): a `block_on`'s run differs from it (its tasks outlive it rather than
/// being dropped at its end, `spawn_blocking` runs on threads), so an explored failure's
/// token replayed in a `block_on` left the recording as the run ended and was refused as
/// "recorded from another program", or replayed another failure.
#[track_caller]
fn replay_test<F>(config: TestConfig, token: &Token, body: F) -> F::Output
where
    F: Future + 'static,
    F::Output: TestOutput,
{
    let sim = Sim::new()
        .panic_output(PanicOutput::Full)
        .trace(TraceLevel::Off)
        .replay(token);
    let out = super::task::coop::hosted(|| sim.run(explored_run(config, body)));
    // As an exploration judges a run: its error or a detached task's panic, else the
    // test's own `Err`.
    let failure = out
        .failure()
        .or_else(|| out.result.as_ref().ok().and_then(TestOutput::failure));
    if let Some(failure) = failure {
        panic!(
            "simloop-tokio: the replayed schedule fails: {failure}\n{}",
            replay_hint(token)
        );
    }
    match out.result {
        Ok(output) => output,
        Err(error) => panic!("simloop-tokio: the replayed schedule fails: {error}"),
    }
}

/// `body` as an explored run of `config` runs it: in a fresh runtime of `config`'s kind
/// whose tasks end with the run and whose `spawn_blocking` closures run as tasks.
async fn explored_run<F: Future>(config: TestConfig, body: F) -> F::Output {
    let handle = Handle::new(config.flavor, config.start_paused);
    handle.set_name(config.name.map(String::from));
    let _run = context::enter_run(handle.clone(), std::time::Instant::now(), true, false);
    handle.start_pending();
    if config.local {
        super::task::coop::budgeted(super::task::LocalSet::new().run_until(body)).await
    } else {
        super::task::coop::budgeted(body).await
    }
}

/// Explores `program` with `explorer`, each run in a fresh runtime of `config`'s kind.
pub(crate) fn explore_with<P, F>(config: TestConfig, explorer: &Explorer, program: &P) -> Report
where
    P: Fn() -> F + Sync,
    F: Future + 'static,
    F::Output: TestOutput,
{
    super::task::coop::hosted(|| {
        explorer.explore_checked(
            || explored_run(config, program()),
            |output| output.failure().map_or(Ok(()), Err),
        )
    })
}

/// The exploration of `SIMLOOP_RUNS` schedules; panics with the shrunk failure and the
/// command that replays it.
#[track_caller]
fn explore<P, F>(config: TestConfig, program: &P)
where
    P: Fn() -> F + Sync,
    F: Future + 'static,
    F::Output: TestOutput,
{
    let report = explore_with(config, &Explorer::new().from_env(), program);
    let Some(failure) = &report.failure else {
        return;
    };
    let (token, how) = match &failure.shrunk {
        Some(s) => {
            // The command below replays the shrunk schedule: when it fails with another
            // message (the same bug met at another point, often), say which, or the
            // replay seems to show another failure than the one reported. Task numbers
            // are not compared: a shorter schedule often spawns the same tasks in
            // another order, which is the same failure.
            let otherwise = if same_but_task_numbers(&s.message, &failure.message) {
                String::new()
            } else {
                format!(
                    "; it fails with another message than the run above: {}",
                    s.message
                )
            };
            (
                &s.token,
                format!(
                    "shrunk to {} deviation(s) from the default order, {} task switches, {} steps{otherwise}:\n{}",
                    s.deviations, s.switches, s.steps, s.trace
                ),
            )
        }
        None => (&failure.token, failure.trace_excerpt.clone()),
    };
    panic!(
        "simloop-tokio: a schedule fails (run {} under policy {}, seed {}): {}\n--- the failing schedule ---\n{how}--- how to replay it ---\n{}",
        report.runs,
        report.policy,
        failure.seed,
        failure.message,
        replay_hint(token)
    );
}

/// Whether messages `a` and `b` are equal once every task number (`#` and digits) is
/// read as one and the same.
fn same_but_task_numbers(a: &str, b: &str) -> bool {
    fn normalised(m: &str) -> String {
        let mut out = String::with_capacity(m.len());
        let mut chars = m.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            if c == '#' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.next_if(char::is_ascii_digit).is_some() {}
                out.push('N');
            }
        }
        out
    }
    a == b || normalised(a) == normalised(b)
}

#[cfg(test)]
mod tests {
    use super::{same_but_task_numbers, shell_word};

    /// A shrunk schedule's message that differs from the failure's only in task numbers is
    /// the same failure; another wording, or a number that is not a task's, is not.
    #[test]
    fn messages_are_compared_without_task_numbers() {
        let deadlock = |a: u32, b: u32| format!("deadlock at t=0\n  #{a} waits on join #{b}\n");
        assert!(same_but_task_numbers(&deadlock(3, 4), &deadlock(5, 12)));
        assert!(same_but_task_numbers(
            "task #2 panicked",
            "task #2 panicked"
        ));
        assert!(!same_but_task_numbers(
            "task #2 panicked",
            "task #2 was cancelled"
        ));
        assert!(!same_but_task_numbers("lost update 1", "lost update 2"));
        assert!(!same_but_task_numbers("at t=1", "at t=2"));
    }

    /// What a POSIX shell makes of `RUSTFLAGS=<word>`: the variable's value.
    fn read_back(word: &str) -> String {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("RUSTFLAGS={word} printenv RUSTFLAGS"))
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{word}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        text.strip_suffix('\n').expect("a line").to_string()
    }

    /// Regression: the rerun command wrote `RUSTFLAGS="<flags>"`, so a shell expanded a `$`
    /// or a backtick in the flags and ended the word at a `"`.
    #[test]
    fn the_flags_read_back_as_they_were() {
        for flags in [
            "--cfg simloop",
            "--cfg simloop -C link-arg=-Wl,-rpath,$ORIGIN",
            "--cfg simloop --cfg `x`",
            "--cfg simloop --cfg 'feature=\"a b\"'",
            "it's \\ \"quoted\" $(true) ; exit 1",
            "--cfg=simloop",
        ] {
            let word = shell_word(flags);
            assert_eq!(read_back(&word), flags, "{word}");
        }
        assert_eq!(shell_word("--cfg simloop"), "'--cfg simloop'");
        assert_eq!(shell_word("--cfg=simloop"), "--cfg=simloop");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}

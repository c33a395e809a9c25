//! Replay tokens: a compact, versioned, copy-pasteable text form of a schedule.
//!
//! Format: `sl3:<policy>:<seed>:<payload>` (`sl10` for Random and PCT, below), where the payload is
//! unpadded URL-safe base64
//! of the program's fingerprint (8 bytes: see [`ProgramFingerprint`]), the decision count
//! and `index, arity` per decision as LEB128 varints, then a 4-byte checksum of everything
//! before it, so a truncated or mistyped token is rejected instead of replaying something
//! else.
//!
//! A seeded random or PCT run made with tracing off keeps no decisions
//! ([`crate::Sim::record_decisions`]): its run is a function of its seed, so its token is
//! `sl3:<policy>:<seed>:@<payload>`, the payload holding the program's fingerprint, the
//! decision count, the number of deviations and the 8-byte fingerprint of the decisions
//! (then the checksum). Replaying it runs the seed again and checks the count and the
//! fingerprint at the end. (`@` is not a base64 character, so the two kinds cannot be
//! mistaken.)
//!
//! Older versions are refused with a message that says why and how to get a new token
//! ([`TokenError::Outdated`]): version 1 (`sl1`) tokens had no program fingerprint, and
//! version 2 (`sl2`) decisions numbered the ready entries in FIFO order, where version 3's
//! number the slots of the ready pool (index 0 is still the oldest entry: see
//! `runtime/ready_queue.rs`), so an `sl2` decision names another entry today and the same
//! seed makes another schedule.
//!
//! Version 4 (`sl4`) is version 3's format for PCT's tokens: since round 17 PCT gives a
//! timeout's expiry its task's priority instead of running it first (`schedule/pct/`), so a
//! PCT seed makes another schedule than it made before. A version-3 PCT token that carries
//! its decisions still replays (a replay follows the decisions, not the seed); a
//! version-3 seed-only PCT token, which replays by its seed, is refused as
//! [`TokenError::Outdated`] rather than replayed into another run. The other policies'
//! seeds schedule as they did, so their tokens are still written as version 3, which
//! every simloop since version 3 reads.
//!
//! Version 5 (`sl5`) is the same again for PCT: since round 18 a callback that runs user
//! code (`call_soon`, `call_later`, a user's done-callback) takes the priority of the task
//! that registered it instead of running first, so a PCT seed schedules differently once
//! more.
//!
//! Version 6 (`sl6`) is the same format for Random's and PCT's tokens: since round 19 a
//! gathered child that cannot decide its gather (it returned, and others are still
//! running) is counted when it ends instead of by a done-callback entry in the ready queue
//! (`combinators/children.rs`), so a program with a gather has fewer ready entries than it
//! had: a Random or PCT seed schedules differently, and a recorded decision's index may
//! name another entry. Every older Random or PCT token is refused as
//! [`TokenError::Outdated`], seed-only or not. FIFO makes no decisions, so its tokens stay
//! version 3 and replay as before (a FIFO token of a program with a gather recorded before
//! round 19 may be refused as recorded from another program: the fingerprint hashes the step
//! of each spawn, and the counted children's steps are gone).
//!
//! Version 7 (`sl7`) is the same format for Random's and PCT's tokens again: since round 20
//! a pass that begins after the clock advanced and fires only sleeps on their tasks' own
//! wakers queues the tasks at once instead of a wake-up hop each (`runtime/wakeups.rs`), so a
//! timer-driven program has fewer ready entries than it had: a Random or PCT seed schedules
//! differently, and a recorded decision's index may name another entry. Every older Random
//! or PCT token is refused as [`TokenError::Outdated`]. FIFO's tokens stay version 3: the
//! hops' steps are still counted, so FIFO's order, steps and fingerprints are unchanged.
//!
//! Version 8 (`sl8`) is the same format for Random's and PCT's tokens again: since round 21
//! a timeout under a picking policy arms its timer only once its inner work is pending
//! without a sleep that ends before the deadline (`runtime/deferred.rs`), so such a timer
//! may fire after timers armed in between for the same deadline, where it fired before
//! them: a Random or PCT seed may schedule differently. Every older Random or PCT token is
//! refused as [`TokenError::Outdated`]; FIFO arms as before, and its tokens stay version 3.
//!
//! Version 9 (`sl9`) is the same format again: since round 23 Random draws its picks from
//! a SplitMix64 stream instead of ChaCha8's (`schedule/random.rs`), so a Random seed makes
//! another schedule. Every version-8 Random or PCT token is refused as
//! [`TokenError::Outdated`], seed-only or not: Random's and PCT's tokens share one version,
//! so that a version names one engine. FIFO's tokens stay version 3.
//!
//! Version 10 (`sl10`) is the same format again: since round 25 a `wait_for` with a zero
//! timeout spawns a placeholder task, cancels it and waits for its done-callback, as
//! asyncio 3.12's `_cancel_and_wait` does (`combinators/timeout/zero.rs`), where it queued
//! its expiry as a due timer: such a program has other ready entries and task numbers, so
//! a Random or PCT seed may schedule differently and a recorded decision name another
//! entry. Every version-9 Random or PCT token is refused as [`TokenError::Outdated`];
//! FIFO's tokens stay version 3 (FIFO's order of a zero `wait_for` changed as asyncio's
//! is, and its fingerprint with it).

use std::error::Error;
use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::program::WINDOW;
use super::{Decision, DecisionLog, Policy, ProgramFingerprint, fnv1a};
use crate::varint::{self, Malformed};

/// The version of Random's and PCT's tokens (see the module docs).
const VERSION: &str = "sl10";

/// The version of FIFO's tokens, which make no decisions (see the module docs).
const FIFO_VERSION: &str = "sl3";

/// The versions this simloop reads (the format is one): [`FIFO_VERSION`], for FIFO's
/// tokens only, and [`VERSION`].
const READABLE: [&str; 2] = [FIFO_VERSION, VERSION];

/// What this simloop reads, as its messages say it.
const READS: &str = "sl10, and sl3 for FIFO";

/// Why a Random or PCT token older than version 6 is refused.
const BEFORE_SL6: &str = "records a Random or PCT run, whose seeds and decisions schedule differently since version 6 (a gathered child that cannot decide its gather takes no ready-queue entry)";

/// Why a Random or PCT token of version 6 is refused.
const BEFORE_SL7: &str = "records a Random or PCT run, whose seeds and decisions schedule differently since version 7 (a sleep that ends when nothing else is ready queues its task without a wake-up hop)";

/// Why a Random or PCT token of version 7 is refused.
const BEFORE_SL8: &str = "records a Random or PCT run, whose seeds and decisions schedule differently since version 8 (a timeout whose inner work sleeps until before its deadline arms its timer later)";

/// Why a Random or PCT token of version 8 is refused.
const BEFORE_SL9: &str = "records a Random or PCT run, whose seeds schedule differently since version 9 (Random draws its picks from a SplitMix64 stream instead of ChaCha8's)";

/// Why a Random or PCT token of version 9 is refused.
const BEFORE_SL10: &str = "records a Random or PCT run, whose seeds and decisions schedule differently since version 10 (a zero wait_for spawns and cancels a placeholder task, as asyncio's _cancel_and_wait does)";

/// Versions this simloop once wrote and no longer reads, with why. `sl3` is read for
/// FIFO's tokens.
const OUTDATED: &[(&str, &str)] = &[
    ("sl1", "carries no fingerprint of its program"),
    (
        "sl2",
        "numbers its scheduling decisions in an older order of the ready tasks (and its seed schedules differently now)",
    ),
    ("sl3", BEFORE_SL6),
    ("sl4", BEFORE_SL6),
    ("sl5", BEFORE_SL6),
    ("sl6", BEFORE_SL7),
    ("sl7", BEFORE_SL8),
    ("sl8", BEFORE_SL9),
    ("sl9", BEFORE_SL10),
];

/// The version a token of `policy` is written in.
fn version_of(policy: Policy) -> &'static str {
    match policy {
        Policy::Fifo => FIFO_VERSION,
        _ => VERSION,
    }
}

/// A recorded run: policy, seed, every scheduling decision and the fingerprint of the
/// program it ran ([`Token::program`]). Replaying it with [`crate::Sim::replay`] reproduces
/// the run exactly; replaying it against another program stops with
/// [`crate::RunError::WrongProgram`].
///
/// # Examples
///
/// ```
/// use simloop::{Policy, Sim, Token, spawn, yield_now};
///
/// let program = || async {
///     let a = spawn(async { yield_now().await; 1 });
///     let b = spawn(async { 2 });
///     a.await.unwrap() + b.await.unwrap()
/// };
/// let first = Sim::new().policy(Policy::Random).seed(11).run(program());
/// let token: Token = first.token.to_string().parse().unwrap();
/// let again = Sim::new().replay(&token).run(program());
/// assert_eq!(first.trace, again.trace);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub(crate) policy: Policy,
    pub(crate) seed: u64,
    pub(crate) decisions: DecisionLog,
    pub(crate) program: ProgramFingerprint,
}

/// Why a replay token was rejected.
///
/// ```
/// let err = "sl11:fifo:1:AAAAAAA".parse::<simloop::Token>().unwrap_err();
/// assert!(err.to_string().contains("version"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The text does not have the four `:`-separated fields of a token.
    Shape(String),
    /// The token was written by an unknown format version.
    Version(String),
    /// The token was written by an older simloop, in a format this one no longer reads:
    /// `sl1` (no program fingerprint), `sl2` (decisions numbered in the ready queue's FIFO
    /// order, which version 3's ready pool does not keep), or a Random or PCT token of
    /// `sl3` to `sl9` (their seeds schedule differently since the next version: `sl8` for
    /// `sl3` to `sl7`, `sl9`, whose Random draws from SplitMix64, for `sl8`, `sl10`, whose
    /// zero `wait_for` spawns a placeholder task, for `sl9`).
    Outdated(String),
    /// The policy field names no known policy.
    UnknownPolicy(String),
    /// The seed field is not a decimal u64.
    Seed(String),
    /// The payload is not valid base64 or varints.
    Payload(String),
    /// The checksum does not match: the token was truncated or altered.
    Checksum,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Shape(why) => write!(
                f,
                "malformed replay token: {why} (expected sl<version>:<policy>:<seed>:<payload>, as printed by a failed run)"
            ),
            TokenError::Version(v) => write!(
                f,
                "replay token version '{v}' is not supported by this simloop (it reads {READS})"
            ),
            TokenError::Outdated(v) => {
                let why = OUTDATED
                    .iter()
                    .find(|(old, _)| old == v)
                    .map_or("is in a format it no longer reads", |(_, why)| why);
                write!(
                    f,
                    "replay token version '{v}' was written by an older simloop and {why}, so this one does not replay it (it reads {READS}); run the failing test, scenario or exploration again with this simloop to record a new token"
                )
            }
            TokenError::UnknownPolicy(p) => {
                write!(
                    f,
                    "unknown policy '{p}' (known: fifo, random, pct<depth> such as pct3)"
                )
            }
            TokenError::Seed(s) => write!(
                f,
                "replay token seed '{s}' is not a number from 0 to 2^64-1"
            ),
            TokenError::Payload(why) => write!(f, "replay token payload is corrupt: {why}"),
            TokenError::Checksum => write!(
                f,
                "replay token checksum mismatch: it was truncated or altered; copy the whole token"
            ),
        }
    }
}

impl Error for TokenError {}

impl Token {
    /// The policy the run was recorded under.
    ///
    /// ```
    /// let t: simloop::Token = simloop::Sim::new().run(async {}).token;
    /// assert_eq!(t.policy(), simloop::Policy::Fifo);
    /// ```
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The run's seed (it also seeds the program's own randomness).
    ///
    /// ```
    /// let t = simloop::Sim::new().seed(9).run(async {}).token;
    /// assert_eq!(t.seed(), 9);
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The recorded decisions, in order.
    ///
    /// ```
    /// let t = simloop::Sim::new().run(async {}).token;
    /// assert!(t.decisions().is_empty()); // FIFO decides nothing
    /// ```
    pub fn decisions(&self) -> &DecisionLog {
        &self.decisions
    }

    /// How many decisions chose something other than the oldest ready entry.
    ///
    /// ```
    /// let t = simloop::Sim::new().run(async {}).token;
    /// assert_eq!(t.deviations(), 0);
    /// ```
    pub fn deviations(&self) -> usize {
        self.decisions.deviations()
    }

    /// Whether the token carries its decisions, or only their count and fingerprint (a
    /// seeded random or PCT run made with tracing off: see [`crate::Sim::record_decisions`]).
    ///
    /// ```
    /// use simloop::{Policy, Sim, TraceLevel};
    /// let t = Sim::new().policy(Policy::Random).trace(TraceLevel::Off).run(async {}).token;
    /// assert!(t.is_seed_only());
    /// assert!(t.to_string().contains(":@"));
    /// assert_eq!(t.to_string().parse::<simloop::Token>().unwrap(), t);
    /// ```
    pub fn is_seed_only(&self) -> bool {
        !self.decisions.is_recorded()
    }

    /// The fingerprint of the program the run was recorded from: a hash of its first spawns
    /// and decisions. A replay compares its own as soon as it has seen as many events.
    ///
    /// ```
    /// use simloop::{Policy, Sim, spawn};
    /// let prog = || async { spawn(async {}).await.unwrap() };
    /// let a = Sim::new().policy(Policy::Random).seed(1).run(prog()).token;
    /// let b = Sim::new().policy(Policy::Random).seed(2).run(prog()).token;
    /// assert_eq!(a.program(), b.program()); // the same program, scheduled alike
    /// assert_eq!(Sim::new().replay(&a).run(prog()).token, a);
    /// ```
    pub fn program(&self) -> ProgramFingerprint {
        self.program
    }

    fn head(&self) -> String {
        head(version_of(self.policy), self.policy, self.seed)
    }
}

/// A token's text before its payload (which its checksum covers).
fn head(version: &str, policy: Policy, seed: u64) -> String {
    format!("{version}:{policy}:{seed}:")
}

/// The varint at `at` of a token's payload.
fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, TokenError> {
    varint::read_checked(bytes, at).map_err(|why| {
        TokenError::Payload(
            match why {
                Malformed::Truncated => "it ends in the middle of a number",
                Malformed::TooLong => "a number is too long",
            }
            .into(),
        )
    })
}

fn small(v: u64) -> Result<u32, TokenError> {
    u32::try_from(v).map_err(|_| TokenError::Payload(format!("{v} is out of range")))
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut head = self.head();
        let body = self.decisions.bytes();
        let mut bytes = Vec::with_capacity(24 + body.len());
        bytes.extend_from_slice(&self.program.word().to_le_bytes());
        varint::put(&mut bytes, self.decisions.len() as u64);
        if self.is_seed_only() {
            head.push(SEED_ONLY);
            varint::put(&mut bytes, self.decisions.deviations() as u64);
            bytes.extend_from_slice(&self.decisions.fingerprint().to_le_bytes());
        } else {
            bytes.extend_from_slice(body);
        }
        let sum = checksum(&head, &bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        write!(f, "{head}{}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Marks the payload of a seed-only token (not a base64 character).
const SEED_ONLY: char = '@';

fn checksum(head: &str, bytes: &[u8]) -> u32 {
    let mut all = Vec::with_capacity(head.len() + bytes.len());
    all.extend_from_slice(head.as_bytes());
    all.extend_from_slice(bytes);
    fnv1a(&all) as u32
}

impl FromStr for Token {
    type Err = TokenError;

    fn from_str(text: &str) -> Result<Token, TokenError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenError::Shape("it is empty".into()));
        }
        let fields: Vec<&str> = text.splitn(4, ':').collect();
        let [version, policy, seed, payload] = fields[..] else {
            return Err(TokenError::Shape(format!(
                "it has {} field(s), not 4",
                fields.len()
            )));
        };
        if !READABLE.contains(&version) {
            return Err(if OUTDATED.iter().any(|(old, _)| *old == version) {
                TokenError::Outdated(version.to_string())
            } else if version.starts_with("sl") {
                TokenError::Version(version.to_string())
            } else {
                TokenError::Shape(format!("it starts with '{version}', not '{VERSION}'"))
            });
        }
        let policy: Policy = policy.parse()?;
        let seed: u64 = seed
            .parse()
            .map_err(|_| TokenError::Seed(seed.to_string()))?;
        let (seed_only, payload) = match payload.strip_prefix(SEED_ONLY) {
            Some(rest) => (true, rest),
            None => (false, payload),
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|e| TokenError::Payload(format!("not base64 ({e})")))?;
        if bytes.len() < 5 {
            return Err(TokenError::Payload("it is too short".into()));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 4);
        let mut token = Token {
            policy,
            seed,
            decisions: DecisionLog::default(),
            program: ProgramFingerprint::new(0, 0),
        };
        // The head as written (a FIFO token of version 7 is read, and written as version 3).
        let mut head = head(version, policy, seed);
        if seed_only {
            head.push(SEED_ONLY);
        }
        let expected = u32::from_le_bytes(sum.try_into().expect("four bytes"));
        if checksum(&head, body) != expected {
            return Err(TokenError::Checksum);
        }
        if version != VERSION && policy != Policy::Fifo {
            // Its seed and its decisions' indexes schedule otherwise now.
            return Err(TokenError::Outdated(version.to_string()));
        }
        let mut at = 0;
        let Some(word) = body.get(..8) else {
            return Err(TokenError::Payload(
                "it ends before the program's fingerprint".into(),
            ));
        };
        at += 8;
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        token.program = ProgramFingerprint::from_word(word).map_err(|events| {
            TokenError::Payload(format!(
                "its program fingerprint covers {events} events (from 1, the main task's spawn, to {WINDOW})"
            ))
        })?;
        let count = get_varint(body, &mut at)?;
        if seed_only {
            let deviations = get_varint(body, &mut at)?;
            let Some(fingerprint) = body.get(at..at + 8) else {
                return Err(TokenError::Payload(
                    "it ends before the decisions' fingerprint".into(),
                ));
            };
            if at + 8 != body.len() {
                return Err(TokenError::Payload(
                    "unexpected bytes after the fingerprint".into(),
                ));
            }
            if deviations > count {
                return Err(TokenError::Payload(format!(
                    "{deviations} deviations among {count} decisions is impossible"
                )));
            }
            let fingerprint = u64::from_le_bytes(fingerprint.try_into().expect("eight bytes"));
            let decisions = DecisionLog::counted(count as usize, deviations as usize, fingerprint);
            return Ok(Token { decisions, ..token });
        }
        // Checked decision by decision, then re-encoded the way a run logs them (a token may
        // spell a number with redundant continuation bytes).
        let mut decisions = DecisionLog::default();
        for _ in 0..count {
            let index = small(get_varint(body, &mut at)?)?;
            let arity = small(get_varint(body, &mut at)?)?;
            if index >= arity {
                return Err(TokenError::Payload(format!(
                    "choice {index} of {arity} is impossible"
                )));
            }
            decisions.push(Decision { index, arity });
        }
        if at != body.len() {
            return Err(TokenError::Payload(
                "unexpected bytes after the decisions".into(),
            ));
        }
        Ok(Token { decisions, ..token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Sim, TraceLevel, spawn, yield_now};

    /// A program with a few decisions.
    async fn program() {
        let a = spawn(async {
            yield_now().await;
        });
        let b = spawn(async {
            yield_now().await;
        });
        a.await.unwrap();
        b.await.unwrap();
    }

    /// `token` as an older simloop wrote it: version `version`, its checksum over that
    /// head.
    fn as_version(token: &Token, version: &str) -> String {
        let text = token.to_string();
        let at = text.match_indices(':').nth(2).expect("four fields").0 + 1;
        let (head, payload) = text.split_at(at);
        let (marker, payload) = match payload.strip_prefix(SEED_ONLY) {
            Some(rest) => ("@", rest),
            None => ("", payload),
        };
        let bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
        let mut body = bytes[..bytes.len() - 4].to_vec();
        let old = head.split(':').next().expect("a version");
        let head = format!("{}{marker}", head.replacen(old, version, 1));
        let sum = checksum(&head, &body);
        body.extend_from_slice(&sum.to_le_bytes());
        format!("{head}{}", URL_SAFE_NO_PAD.encode(body))
    }

    /// Random's and PCT's seeds and decisions schedule differently since round 19 (a
    /// gathered child that cannot decide takes no ready entry), round 20 (a sleep that ends
    /// when nothing else is ready takes no hop) and round 21 (a deferred timeout): their
    /// older tokens are refused, saying why, whether they replay by their seed or by their
    /// decisions. Since round 23 Random's seeds schedule differently again (SplitMix64):
    /// every `sl8` token is refused, PCT's too (one version names one engine), and the
    /// message names the new stream. Since round 25 (a zero `wait_for`'s placeholder task)
    /// every `sl9` token is refused too. FIFO's tokens stay version 3.
    #[test]
    fn older_random_and_pct_tokens_are_refused() {
        for policy in [Policy::Random, Policy::Pct { depth: 3 }] {
            let sim = || Sim::new().policy(policy).seed(5);
            let seeded = sim().trace(TraceLevel::Off).run(program()).token;
            let recorded = sim().run(program()).token;
            assert!(seeded.is_seed_only() && !recorded.is_seed_only());
            for token in [&seeded, &recorded] {
                assert!(token.to_string().starts_with("sl10:"), "{token}");
                assert_eq!(token.to_string().parse::<Token>().as_ref(), Ok(token));
                let refused = [
                    ("sl3", 6),
                    ("sl4", 6),
                    ("sl5", 6),
                    ("sl6", 7),
                    ("sl7", 8),
                    ("sl8", 9),
                    ("sl9", 10),
                ];
                for (version, since) in refused {
                    let old = as_version(token, version);
                    assert!(old.starts_with(&format!("{version}:{policy}:5:")), "{old}");
                    let err = old.parse::<Token>().unwrap_err();
                    assert_eq!(err, TokenError::Outdated(version.into()));
                    let message = err.to_string();
                    assert!(
                        message.contains(&format!("schedule differently since version {since}"))
                            && message.contains("it reads sl10, and sl3 for FIFO")
                            && message.contains("to record a new token"),
                        "{message}"
                    );
                    assert_eq!(
                        message.contains("SplitMix64 stream instead of ChaCha8's"),
                        version == "sl8",
                        "{message}"
                    );
                    assert_eq!(
                        message.contains("a zero wait_for spawns and cancels a placeholder"),
                        version == "sl9",
                        "{message}"
                    );
                }
            }
        }

        let fifo = Sim::new().run(program());
        assert!(
            fifo.token.to_string().starts_with("sl3:fifo:"),
            "{}",
            fifo.token
        );
        let token: Token = as_version(&fifo.token, "sl10").parse().unwrap();
        assert_eq!(token, fifo.token);
        let again = Sim::new().replay(&token).run(program());
        assert_eq!(again.trace, fifo.trace);
    }
}

//! The program's fingerprint: what binds a replay token to the program it was recorded from.
//!
//! A token's decisions say which ready entry each step took, not what the program is, so a
//! token replayed against an edited program used to fail as a divergence somewhere later,
//! or not at all (a renamed task changes no decision). So a run hashes its first
//! [`WINDOW`] events, each spawn (who spawned, the task's name, the step), each decision
//! (how many entries were ready, the step) and the program's end (the main task's, or a
//! deadlock), into a [`ProgramFingerprint`] that its token carries. The end is an event so
//! that a short run's fingerprint also says that nothing came after; a run stopped at a
//! step or time limit has no end event, since a replay under a higher limit goes on. A
//! replay hashes its own first events the same way and compares the two as soon as it has
//! seen as many events as the recording's fingerprint covers; past that window the run
//! pays one comparison per spawn and decision.
//!
//! **Invariant: a replay that leaves its recording inside the window is a mismatch of
//! programs, never a divergence.** The replay follows the recorded decisions, so up to the
//! point where it leaves them it made the same events as the recording only if it is the same
//! program; a decision that finds another number of ready entries than was recorded, or no
//! recorded decision left, is an event the recording did not have at that place, so the
//! recording's fingerprint cannot match whatever the run does next. The same holds for a
//! replay that ends before its window is full.

use std::fmt;

use super::mix;
use crate::task::TaskId;

/// How many events (spawns, decisions, the end) a fingerprint covers at most: enough to tell
/// programs apart by their first tasks and interleavings, few enough that hashing them is
/// a small part of even the smallest explored run.
pub(crate) const WINDOW: u32 = 64;

/// A fingerprint of a program: a hash of the first spawns and decisions of a run of it (who
/// spawned which task, under which name, at which step, and how many entries were ready at
/// each decision) and, in a short run, of its end, stored in its replay token. A replay of
/// the token against another program stops with [`crate::RunError::WrongProgram`] as soon
/// as the events differ.
///
/// # Examples
///
/// ```
/// use simloop::{Policy, Sim, spawn_named};
///
/// let a = Sim::new().policy(Policy::Random).run(async { spawn_named("writer", async {}).await.unwrap() });
/// let b = Sim::new().policy(Policy::Random).run(async { spawn_named("reader", async {}).await.unwrap() });
/// // Two spawns each (main and one task), hashed with their names, and the end.
/// assert_eq!(a.token.program().events(), 3);
/// assert_ne!(a.token.program(), b.token.program());
/// assert_eq!(a.token.program().to_string().len(), 14);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgramFingerprint(u64);

/// The fingerprint's word: the number of events it covers in the top byte (at most
/// [`WINDOW`]), 56 bits of hash below. One word, so that a token (which the explorer's
/// errors carry) grows by eight bytes only.
const HASH_BITS: u32 = 56;

impl ProgramFingerprint {
    /// How many events (spawns, decisions and the program's end, from the run's start) the
    /// fingerprint covers: all of them for a run that made fewer than the window's 64.
    ///
    /// ```
    /// // Two events: the spawn of the main task and the end of the program.
    /// assert_eq!(simloop::Sim::new().run(async {}).token.program().events(), 2);
    /// ```
    pub fn events(&self) -> u32 {
        (self.0 >> HASH_BITS) as u32
    }

    pub(crate) fn new(events: u32, hash: u64) -> ProgramFingerprint {
        debug_assert!(events <= WINDOW);
        ProgramFingerprint(u64::from(events) << HASH_BITS | hash & ((1 << HASH_BITS) - 1))
    }

    /// The fingerprint as stored in a token; [`ProgramFingerprint::from_word`] reads it back.
    pub(crate) fn word(self) -> u64 {
        self.0
    }

    /// The fingerprint stored as `word`, if it covers 1 to [`WINDOW`] events (a run has at
    /// least one: its main task's spawn); else how many it claims.
    pub(crate) fn from_word(word: u64) -> Result<ProgramFingerprint, u32> {
        let print = ProgramFingerprint(word);
        match print.events() {
            1..=WINDOW => Ok(print),
            events => Err(events),
        }
    }
}

impl fmt::Display for ProgramFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014x}", self.0 & ((1 << HASH_BITS) - 1))
    }
}

/// Why a replay stopped with [`crate::RunError::WrongProgram`]: the token's fingerprint and
/// the replayed program's, over the events the replay saw.
///
/// ```
/// use simloop::{Policy, RunError, Sim, spawn_named};
///
/// let prog = |name: &'static str| async move { spawn_named(name, async {}).await.unwrap() };
/// let token = Sim::new().policy(Policy::Random).run(prog("writer")).token;
/// let out = Sim::new().replay(&token).run(prog("reader"));
/// let Err(RunError::WrongProgram(m)) = out.result else { panic!("{:?}", out.result) };
/// assert_eq!(m.recorded, token.program());
/// assert!(m.to_string().contains(&format!("fingerprint {}", token.program())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramMismatch {
    /// The fingerprint the token carries.
    pub recorded: ProgramFingerprint,
    /// This program's, over the events the replay made before it stopped: as many as the
    /// recorded one covers, or fewer when the run ended or left the recording first.
    pub found: ProgramFingerprint,
}

impl fmt::Display for ProgramMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (recorded, found) = (self.recorded, self.found);
        write!(
            f,
            "this token was recorded from another program (fingerprint {recorded}, this program {found}"
        )?;
        if found.events() != recorded.events() {
            write!(
                f,
                " after {} of the {} events the token's covers",
                found.events(),
                recorded.events()
            )?;
        }
        write!(f, ")")
    }
}

/// Hashes a run's first events and, in a replay, compares them with the token's fingerprint.
/// The core holds one per run and calls it only while [`Printer::is_open`].
#[derive(Clone, Debug)]
pub(crate) struct Printer {
    hash: u64,
    events: u32,
    /// How many events are hashed: [`WINDOW`], or as many as the replayed token's
    /// fingerprint covers.
    window: u32,
    /// The replayed token's fingerprint.
    expected: Option<ProgramFingerprint>,
}

impl Default for Printer {
    fn default() -> Printer {
        Printer::new(None)
    }
}

/// Event tags, so that a spawn and a decision never hash alike.
const SPAWN: u64 = 1;
const DECISION: u64 = 2;
const END: u64 = 3;

impl Printer {
    /// A printer for a run that replays a token with fingerprint `expected`, if any.
    pub(crate) fn new(expected: Option<ProgramFingerprint>) -> Printer {
        Printer {
            hash: 0,
            events: 0,
            window: expected.map_or(WINDOW, |e| e.events()),
            expected,
        }
    }

    /// Whether the next event is hashed. Once the window is full, the run pays this test only.
    #[inline]
    pub(crate) fn is_open(&self) -> bool {
        self.events < self.window
    }

    /// Hashes the spawn of a task named `name` by `parent` (`None`: the main task, or a
    /// callback between steps) at step `step`. Returns whether the window just closed: then
    /// [`Printer::check`] says whether a replay matches.
    #[inline]
    pub(crate) fn spawn(&mut self, parent: Option<TaskId>, name: Option<&str>, step: u64) -> bool {
        let parent = parent.map_or(0, |t| u64::from(t.get()));
        // The name's hash (0 for none) goes into the same word: one mix per spawn.
        self.add((SPAWN | parent << 2 | step << 34) ^ name.map_or(0, hash_name))
    }

    /// Hashes a decision among `arity` alternatives at step `step`; as [`Printer::spawn`].
    #[inline]
    pub(crate) fn decision(&mut self, arity: u32, step: u64) -> bool {
        self.add(DECISION | u64::from(arity) << 2 | step << 34)
    }

    /// Hashes the program's end at step `step` (the main task ended, or a deadlock; not a
    /// limit), if the window is open, and then checks what a replay saw: a replay that ends
    /// before its window is full is another program.
    pub(crate) fn end(&mut self, step: u64) -> Result<(), ProgramMismatch> {
        if self.is_open() && self.add(END | step << 34) {
            self.check()?;
        }
        self.check_early_end()
    }

    #[inline]
    fn add(&mut self, word: u64) -> bool {
        self.hash = mix(self.hash, word);
        self.events += 1;
        self.events == self.window
    }

    /// Whether a replay's events so far match its token's fingerprint (`Ok` outside a
    /// replay): called when the window closes.
    pub(crate) fn check(&self) -> Result<(), ProgramMismatch> {
        match self.expected {
            Some(expected) if expected != self.fingerprint() => Err(self.mismatch(expected)),
            _ => Ok(()),
        }
    }

    /// What to make of a replay that left its recording, or ended: inside the window, the
    /// token was recorded from another program (the module's invariant). `Ok` outside a
    /// replay and once the window was checked.
    pub(crate) fn check_early_end(&self) -> Result<(), ProgramMismatch> {
        match self.expected {
            Some(expected) if self.is_open() => Err(self.mismatch(expected)),
            _ => Ok(()),
        }
    }

    fn mismatch(&self, recorded: ProgramFingerprint) -> ProgramMismatch {
        ProgramMismatch {
            recorded,
            found: self.fingerprint(),
        }
    }

    /// The fingerprint of the events hashed so far.
    pub(crate) fn fingerprint(&self) -> ProgramFingerprint {
        ProgramFingerprint::new(self.events, self.hash)
    }
}

/// A task name's hash (never 0, which stands for no name), eight bytes at a time.
fn hash_name(name: &str) -> u64 {
    let mut h = mix(0, name.len() as u64);
    for chunk in name.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    h | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds the events as the core does: each while the window is open, a check when it
    /// closes.
    fn run(printer: &mut Printer, names: &[&str], arities: &[u32]) -> Result<(), ProgramMismatch> {
        for (i, name) in names.iter().enumerate() {
            if printer.is_open() && printer.spawn(None, Some(name), i as u64) {
                printer.check()?;
            }
        }
        for (i, &a) in arities.iter().enumerate() {
            if printer.is_open() && printer.decision(a, i as u64) {
                printer.check()?;
            }
        }
        printer.end(99)
    }

    #[test]
    fn a_replay_of_the_same_events_matches_and_another_does_not() {
        let mut first = Printer::default();
        run(&mut first, &["a", "b"], &[2, 3]).unwrap();
        let recorded = first.fingerprint();
        assert_eq!(recorded.events(), 5);
        assert!(run(&mut Printer::new(Some(recorded)), &["a", "b"], &[2, 3]).is_ok());
        // A renamed task, a changed decision, a missing event.
        let renamed = run(&mut Printer::new(Some(recorded)), &["a", "c"], &[2, 3]);
        assert_eq!(renamed.unwrap_err().recorded, recorded);
        assert!(run(&mut Printer::new(Some(recorded)), &["a", "b"], &[2, 2]).is_err());
        // One event short: its end comes where the recording had a decision.
        let short = run(&mut Printer::new(Some(recorded)), &["a", "b"], &[2]).unwrap_err();
        assert_eq!(short.found.events(), 4);
        // One event more: where the recording ended, it decides.
        let long = run(&mut Printer::new(Some(recorded)), &["a", "b"], &[2, 3, 2]);
        assert!(long.is_err());
    }

    #[test]
    fn the_window_closes_after_its_events() {
        let mut p = Printer::default();
        for i in 0..u64::from(WINDOW) {
            assert!(p.is_open());
            assert_eq!(p.decision(2, i), i + 1 == u64::from(WINDOW));
        }
        assert!(!p.is_open());
        assert_eq!(p.fingerprint().events(), WINDOW);
    }

    #[test]
    fn names_hash_apart_from_no_name_and_by_every_byte() {
        assert_ne!(hash_name(""), 0);
        assert_ne!(hash_name("worker-1"), hash_name("worker-2"));
        assert_ne!(hash_name("a-long-name-x"), hash_name("a-long-name-y"));
        assert_ne!(hash_name("ab"), hash_name("ab\0"));
    }
}

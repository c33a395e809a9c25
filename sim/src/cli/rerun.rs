//! Tokens as `sim` prints and reads them, and the command that reruns a recorded run.
//!
//! A token names every scheduling decision of its run, so a long run has a long token: a
//! run stopped at the step limit under the random policy records about a million decisions,
//! a token of 2.6 MB, which no command line takes (Linux refuses an argument over 128 KiB).
//! A token longer than [`MAX_PRINTED_TOKEN`] is written to a file instead, and printed as
//! `@FILE`, which `sim replay` and `sim shrink` read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use simloop::Token;

use super::EXIT_USAGE;
use super::args::LimitArgs;
use crate::output::{self, replay_command, shell_word};
use crate::scenario::Scenario;
use crate::scenario::error::shorten;

/// The longest token printed on the command line; a longer one goes to a file.
pub(super) const MAX_PRINTED_TOKEN: usize = 4096;

/// The largest token file read (a run of ten million decisions).
const MAX_TOKEN_FILE: u64 = 64 << 20;

/// How to rerun a recorded run: the token as printed (`@FILE` and what it holds, when
/// long), the command, and the command that writes its timeline.
pub(super) struct Rerun {
    /// The token, or `@FILE (sl3:random:0:AgA..., 380995 characters ...)`.
    pub(super) token: String,
    /// `cargo run ... -- replay FILE TOKEN [limit flags]`.
    pub(super) command: String,
    /// The command plus `--format html --out STEM.timeline.html`: it writes the run's HTML
    /// timeline to the directory where it is printed (STEM is the scenario file's).
    pub(super) timeline: String,
}

impl Rerun {
    /// How to rerun `token`'s run of `scn` under the limit flags `limits`.
    pub(super) fn new(scn: &Scenario, token: &Token, limits: &LimitArgs) -> Rerun {
        let full = output::sim_token(scn, token);
        let kept = (full.len() > MAX_PRINTED_TOKEN)
            .then(|| keep(&full).ok())
            .flatten();
        // Printed whole when it could not be kept: long, but the run can still be replayed.
        let Some(path) = kept else {
            let command = format!("{}{}", replay_command(&scn.path, &full), limits.flags());
            return Rerun {
                token: full,
                timeline: timeline_command(&command, &scn.path),
                command,
            };
        };
        let arg = format!("@{}", path.display());
        let head: String = full.chars().take(24).collect();
        let command = format!("{}{}", replay_command(&scn.path, &arg), limits.flags());
        Rerun {
            token: format!(
                "{arg} ({head}..., {} characters, too long for a command line: kept in that file)",
                full.len()
            ),
            timeline: timeline_command(&command, &scn.path),
            command,
        }
    }
}

/// `command` (a replay) writing the HTML timeline to `STEM.timeline.html` in the current
/// directory, STEM being the file stem of the scenario at `path`.
fn timeline_command(command: &str, path: &str) -> String {
    let stem = Path::new(path)
        .file_stem()
        .map_or_else(|| "run".into(), |s| s.to_string_lossy());
    // A name that starts with `-` would be read as a flag after `--out`.
    let dot = if stem.starts_with('-') { "./" } else { "" };
    let out = format!("{dot}{stem}.timeline.html");
    format!("{command} --format html --out {}", shell_word(&out))
}

/// Writes a long token to `<temp>/sim-tokens/<hash>.token` (named by its content, so the
/// same token is one file).
fn keep(token: &str) -> std::io::Result<PathBuf> {
    use std::hash::Hasher as _;
    let mut h = fnv::FnvHasher::default();
    h.write(token.as_bytes());
    let dir = std::env::temp_dir().join("sim-tokens");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{:016x}.token", h.finish()));
    std::fs::write(&path, format!("{token}\n"))?;
    Ok(path)
}

/// Reads a token printed by `sim` (`@FILE` for one kept in a file), checking that it was
/// recorded for `scn`'s program.
pub(super) fn parse_token(text: &str, scn: &Scenario) -> Result<Token, ExitCode> {
    let usage = |message: String| {
        warn!("{message}");
        ExitCode::from(EXIT_USAGE)
    };
    let from_file;
    let text = match text.trim().strip_prefix('@') {
        Some(path) => {
            from_file = read_token_file(Path::new(path)).map_err(usage)?;
            from_file.as_str()
        }
        None => text,
    };
    let (token, print) = split_fingerprint(text.trim());
    // A mangled token may be long, and the parser's errors quote it: they are cut.
    let token: Token = token.parse().map_err(|e: simloop::TokenError| {
        usage(format!(
            "error: {}\n  = hint: pass the token exactly as a failed run printed it (sim run, sim explore)",
            shorten(e.to_string())
        ))
    })?;
    match print.map(|p| u32::from_str_radix(p, 16).map_err(|_| p)) {
        None => warn!(
            "note: this token carries no scenario fingerprint, so it cannot be checked against `{}`",
            scn.path
        ),
        Some(Err(p)) => {
            return Err(usage(format!(
                "error: malformed replay token: `{}` after `@` is not a scenario fingerprint (8 hex digits)\n  = hint: pass the token exactly as a failed run printed it (sim run, sim explore)",
                p.chars().take(40).collect::<String>()
            )));
        }
        Some(Ok(p)) if p != scn.fingerprint => {
            return Err(usage(format!(
                "error: this token was recorded for another program (fingerprint {p:08x}; `{}` is {:08x})\n  = hint: replay it with the scenario it came from; a token survives edits to comments, `name`, `description`, [expect], [check] and [limits], not to the program",
                scn.path, scn.fingerprint
            )));
        }
        Some(Ok(_)) => {}
    }
    Ok(token)
}

/// A printed token cut into the library's token and the scenario fingerprint after its
/// last `@`, if it has one. A seed-only token's payload starts with `@`
/// (`sl3:random:14:@CAQ...`): that `@` opens the payload and is no fingerprint's.
fn split_fingerprint(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once('@') {
        Some((token, print)) if !token.ends_with(':') => (token, Some(print)),
        _ => (text, None),
    }
}

/// The token kept in the file at `path` (a regular file of at most [`MAX_TOKEN_FILE`]
/// bytes).
fn read_token_file(path: &Path) -> Result<String, String> {
    use std::io::Read as _;
    let cannot = |why: String| {
        format!(
            "error: cannot read the token file {}: {why}\n  = hint: `@FILE` names a file that holds a token, as `sim` prints it for a long one",
            path.display()
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| cannot(e.to_string()))?;
    if !meta.is_file() {
        return Err(cannot("it is not a regular file".into()));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TOKEN_FILE + 1).read_to_string(&mut text))
        .map_err(|e| cannot(e.to_string()))?;
    if text.len() as u64 > MAX_TOKEN_FILE {
        return Err(cannot(format!("it is larger than {MAX_TOKEN_FILE} bytes")));
    }
    Ok(text)
}

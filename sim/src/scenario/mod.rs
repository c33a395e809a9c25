//! Scenario files: the raw TOML shape, the validated model, templates, and located errors.

pub(crate) mod error;
pub(crate) mod expr;
mod model;
mod prim;
mod raw;
mod steps;
mod template;
mod validate;

pub use self::error::ScenarioError;
pub(crate) use self::model::*;
pub use self::model::{Limits, Loc, Scenario};
pub(crate) use self::prim::{Prim, QueueKind, split_member};
pub(crate) use self::steps::*;
pub(crate) use self::template::{Part, Template};
pub use self::validate::parse;
pub(crate) use self::validate::py_float;

/// The largest scenario file read: a scenario is a hand-written program.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Reads and validates the scenario file at `path`. Only a regular file of UTF-8 text up to
/// [`MAX_FILE_BYTES`] is read: a FIFO, a device (`/dev/zero`) or a directory is refused
/// without reading, and so is a binary file.
///
/// ```
/// let err = simloop_cli::scenario::load("no/such/file.toml").unwrap_err();
/// assert!(err.to_string().starts_with("error: cannot read the scenario file"));
/// let err = simloop_cli::scenario::load("/dev/zero").unwrap_err();
/// assert!(err.message.contains("is not a regular file"), "{err}");
/// ```
pub fn load(path: &str) -> Result<Scenario, ScenarioError> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| {
        ScenarioError::file(path, format!("cannot read the scenario file: {e}"))
            .hint("check the path")
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "a FIFO, socket or device"
        };
        return Err(ScenarioError::file(
            path,
            format!("cannot read the scenario file: it is not a regular file ({what})"),
        )
        .hint("pass a .toml scenario file (`sim check` also takes a directory)"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::file(
            path,
            format!("the scenario file is larger than {MAX_FILE_BYTES} bytes"),
        )
        .hint("a scenario is a hand-written TOML program; generate repetition with `count`, `repeat` or `for`"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        not_text(path, e.as_bytes(), at, format!("byte {at} is not UTF-8"))
    })?;
    if let Some(at) = text.find('\0') {
        return Err(not_text(
            path,
            text.as_bytes(),
            at,
            format!("it has a NUL byte at byte {at}"),
        ));
    }
    parse(path, &text)
}

/// The file is not text (`why`) at byte `at` of `bytes`: located at that byte's line and
/// column, without the line itself (it holds what cannot be shown).
fn not_text(path: &str, bytes: &[u8], at: usize, why: String) -> ScenarioError {
    let before = String::from_utf8_lossy(&bytes[..at]);
    let mut e = ScenarioError::file(path, format!("the scenario file is not text: {why}"))
        .hint("a scenario is a TOML text file (UTF-8)");
    e.line = before.matches('\n').count() + 1;
    e.column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    e
}

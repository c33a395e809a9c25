//! Scenario files: the raw TOML shape, the validated model, templates, and located errors.

mod error;
pub mod expr;
mod model;
mod raw;
mod template;
mod validate;

pub use self::error::ScenarioError;
pub use self::model::*;
pub use self::template::{Part, Template};
pub use self::validate::{VERBS, parse, py_float};

/// Reads and validates the scenario file at `path`.
///
/// ```
/// let err = simloop_cli::scenario::load("no/such/file.toml").unwrap_err();
/// assert!(err.to_string().starts_with("error: cannot read the scenario file"));
/// ```
pub fn load(path: &str) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ScenarioError::file(path, format!("cannot read the scenario file: {e}"))
            .hint("check the path")
    })?;
    parse(path, &text)
}

//! `try ... star = true`, Python's `except*` (PEP 654): checked here so that every misuse
//! Python refuses is a located error when the file is read.

use toml::Spanned;

use super::{Cx, Span};
use crate::scenario::raw::RawStep;
use crate::scenario::steps::Located;

impl Cx<'_> {
    /// Whether the `try` step `r` is an `except*` (its `star`), once its misuses are ruled
    /// out: a type to catch is required, an exception group is no such type, and the
    /// handler may not `return` (Python's `SyntaxError`).
    pub(super) fn except_star(
        &self,
        r: &RawStep,
        handler: &[Located],
    ) -> Result<bool, crate::scenario::error::ScenarioError> {
        let Some(star) = &r.star else {
            return Ok(false);
        };
        if !*star.get_ref() {
            return Ok(false);
        }
        let Some(kind) = &r.error else {
            return Err(self
                .err(star.span(), "`except*` needs the exception type it catches")
                .hint(
                    "e.g. `{ try = [...], error = \"ValueError\", star = true, except = [...] }`",
                ));
        };
        if matches!(
            kind.get_ref().as_str(),
            "ExceptionGroup" | "BaseExceptionGroup"
        ) {
            return Err(self
                .err(kind.span(), "`except*` cannot catch an exception group itself")
                .hint("catch the members' type (`error = \"ValueError\"`), or drop `star` for a plain `except`"));
        }
        if !handler.is_empty() {
            let raw = r
                .except
                .as_ref()
                .map_or(&[][..], |h| h.get_ref().as_slice());
            if let Some(at) = first_return(raw) {
                return Err(self
                    .err(
                        at,
                        "`return` cannot appear in an `except*` handler (Python's SyntaxError)",
                    )
                    .hint("set a flag in the handler and return after the `try`"));
            }
        }
        Ok(true)
    }
}

/// Where the first `return` among `steps` (at any depth) is written.
fn first_return(steps: &[Spanned<RawStep>]) -> Option<Span> {
    steps.iter().find_map(|s| {
        let r = s.get_ref();
        match &r.return_ {
            Some(v) => Some(v.span()),
            None => r.blocks().find_map(first_return),
        }
    })
}

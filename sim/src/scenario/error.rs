//! Located errors in scenario files: `file:line:column`, the message, the offending line with
//! a caret, and a hint.

use std::fmt;
use std::ops::Range;

/// A problem in a scenario file, located by byte span.
///
/// ```
/// use simloop_cli::scenario::ScenarioError;
/// let e = ScenarioError::at("f.toml", "a = 1\nb = x\n", 10..11, "bad value").hint("quote it");
/// assert_eq!(e.to_string(), "error: bad value\n  --> f.toml:2:5\n   |\n 2 | b = x\n   |     ^\n  = hint: quote it");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as named on the command line.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// The offending source line and the caret under it.
    snippet: Option<Box<(String, usize, usize)>>,
}

impl ScenarioError {
    /// An error at byte span `span` of `text`.
    pub fn at(path: &str, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = span.start.min(text.len());
        let start = floor_char_boundary(text, start);
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..start].chars().count() + 1;
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let source = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        ScenarioError {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
            hint: None,
            snippet: Some(Box::new((source, column, width))),
        }
    }

    /// An error about the whole file (it cannot be read, say).
    pub fn file(path: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}:{}:{}", self.path, self.line, self.column)?;
        if let Some(snippet) = &self.snippet {
            let (source, column, width) = &**snippet;
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            write!(f, "\n {pad} |\n {num} | {source}\n {pad} | ")?;
            write!(f, "{}{}", " ".repeat(column - 1), "^".repeat(*width))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        if d <= (word.len().max(c.len()).div_ceil(3)).max(1)
            && d < word.len()
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column() {
        let e = ScenarioError::at("f.toml", "a = 1\nbb = 2\n", 9..10, "bad");
        assert_eq!((e.line, e.column), (2, 4));
        assert!(e.to_string().contains("f.toml:2:4"));
        assert!(e.to_string().contains(" 2 | bb = 2\n   |    ^"));
    }

    #[test]
    fn suggests_close_words() {
        assert_eq!(closest("slep", ["sleep", "log"]), Some("sleep"));
        assert_eq!(closest("zzz", ["sleep", "log"]), None);
    }
}

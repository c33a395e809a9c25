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
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let (line, column) = line_column(text, start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let source = text[line_start..line_end].trim_end_matches('\r');
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        // A long line is shown as a window around the caret, so that a megabyte-long line
        // gives a short message.
        let chars: Vec<char> = source.chars().collect();
        let (from, to) = if chars.len() <= SNIPPET_CHARS {
            (0, chars.len())
        } else {
            let from = (column - 1).saturating_sub(SNIPPET_CHARS / 2);
            (from, (from + SNIPPET_CHARS).min(chars.len()))
        };
        let mut shown: String = chars[from..to].iter().collect();
        let mut caret = column - from;
        if from > 0 {
            shown.insert_str(0, "...");
            caret += 3;
        }
        if to < chars.len() {
            shown.push_str("...");
        }
        let width = width.min(to.saturating_sub(column - 1)).max(1);
        ScenarioError {
            path: path.to_string(),
            line,
            column,
            message: shorten(message.into()),
            hint: None,
            snippet: Some(Box::new((shown, caret, width))),
        }
    }

    /// An error about the whole file (it cannot be read, say).
    pub fn file(path: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.to_string(),
            line: 1,
            column: 1,
            message: shorten(message.into()),
            hint: None,
            snippet: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shorten(hint.into()));
        self
    }
}

/// How much of a long source line an error shows.
const SNIPPET_CHARS: usize = 100;
/// Messages and hints quote the file (names, values); past this many characters the quote
/// is cut.
const MESSAGE_CHARS: usize = 400;

/// `text`, cut to [`MESSAGE_CHARS`] characters.
pub(crate) fn shorten(mut text: String) -> String {
    if let Some((at, _)) = text.char_indices().nth(MESSAGE_CHARS) {
        text.truncate(at);
        text.push_str("...");
    }
    text
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// `path`, with the middle of a very long one elided.
fn short_path(path: &str) -> std::borrow::Cow<'_, str> {
    let n = path.chars().count();
    if n <= 2 * PATH_CHARS {
        return path.into();
    }
    let head: String = path.chars().take(PATH_CHARS).collect();
    let tail: String = path.chars().skip(n - PATH_CHARS).collect();
    format!("{head}...{tail}").into()
}

/// How many characters of each end of a long path an error shows.
const PATH_CHARS: usize = 100;

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(
            f,
            "  --> {}:{}:{}",
            short_path(&self.path),
            self.line,
            self.column
        )?;
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
    // A typo is short; a long word is no typo of a name (and the distance is quadratic).
    if word.len() > 64 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(word, c);
        if d <= (word.len().max(c.len()).div_ceil(3)).max(1)
            && d < word.len()
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `noun` with its article: "a queue", "an event".
pub(crate) fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
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

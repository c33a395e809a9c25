//! Text with `{name}` placeholders, filled from a task's locals and the shared variables;
//! a placeholder that is not a name is an expression (`{len(done)}`, as in an f-string).

use super::expr::Expr;

/// A piece of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// A `{name}` placeholder.
    Var(String),
    /// A placeholder's expression as written, and its byte offset in the template (after
    /// the `{`): what [`Template::parse`] makes of a placeholder that is not a name, which
    /// the file's check turns into [`Part::Expr`].
    Code(String, usize),
    /// A placeholder's expression, checked (`{len(done)}`).
    Expr(Box<Expr>),
}

/// A parsed template. `{{` and `}}` stand for literal braces.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Its pieces, in order.
    pub parts: Vec<Part>,
}

/// Why a template does not parse: the byte offset in the text and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the problem within the template text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Whether `path` names a value: `name`, `name.0.1` to index into lists, a state read
/// (`q.qsize()`, `ts.0.done()`), `:type` for Python type names (what a `{placeholder}`
/// holds) and `!r` for its `repr` (as in an f-string).
pub(crate) fn is_path(path: &str) -> bool {
    let path = path
        .strip_suffix(":type")
        .or_else(|| path.strip_suffix("!r"))
        .unwrap_or(path);
    // A last segment that is a name reads a state: `q.qsize()`, `b.n_waiting`.
    let (path, member) = super::prim::split_member(path);
    if let Some(m) = member {
        let m = m.strip_suffix("()").unwrap_or(m);
        if m.is_empty() || !m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return false;
        }
    }
    let mut pieces = path.split('.');
    let base = pieces.next().unwrap_or("");
    !base.is_empty()
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !base.starts_with(|c: char| c.is_ascii_digit())
        && pieces.all(|p| !p.is_empty() && p.len() < 10 && p.chars().all(|c| c.is_ascii_digit()))
}

impl Template {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    if !closed {
                        return Err(TemplateError {
                            offset: i,
                            message: "`{` opens a placeholder that is never closed (write `{{` for a literal brace)".into(),
                        });
                    }
                    if name.trim().is_empty() {
                        return Err(TemplateError {
                            offset: i,
                            message: format!(
                                "`{{{name}}}` is not a placeholder: use `{{name}}` with a variable name, or an expression such as `{{len(xs)}}`"
                            ),
                        });
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit)));
                    }
                    // `{None}`, `{true}`: the literals, as an expression gives them.
                    let literal =
                        matches!(name.as_str(), "None" | "true" | "false" | "True" | "False");
                    if is_path(&name) && !literal {
                        parts.push(Part::Var(name));
                    } else {
                        parts.push(Part::Code(name, i + 1));
                    }
                }
                '}' => {
                    return Err(TemplateError {
                        offset: i,
                        message: "unmatched `}` (write `}}` for a literal brace)".into(),
                    });
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        Ok(Template { parts })
    }

    /// A template that is just this literal text.
    pub fn literal(text: impl Into<String>) -> Template {
        Template {
            parts: vec![Part::Text(text.into())],
        }
    }

    /// Whether the template is literal text, with no placeholder.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The single placeholder when the template is exactly `{name}` (its value passes through
    /// unrendered, so lists and tasks keep their structure).
    pub fn sole_var(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Var(v)] => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Template {
        /// The variables the placeholders name (without `.N` indices), in order.
        fn vars(&self) -> impl Iterator<Item = &str> {
            self.parts.iter().filter_map(|p| match p {
                Part::Var(v) => v.split(['.', ':']).next(),
                _ => None,
            })
        }
    }

    #[test]
    fn parses_placeholders_and_escapes() {
        let t = Template::parse("a {x} {{b}} {y_1}").unwrap();
        assert_eq!(t.vars().collect::<Vec<_>>(), ["x", "y_1"]);
        assert_eq!(t.parts[2], Part::Text(" {b} ".into()));
        assert_eq!(Template::parse("{v}").unwrap().sole_var(), Some("v"));
        let t = Template::parse("{job.0} {job.1.2}").unwrap();
        assert_eq!(t.vars().collect::<Vec<_>>(), ["job", "job"]);
        // Not names: expressions, which the file's check parses (and rejects).
        assert!(matches!(
            Template::parse("{job.}").unwrap().parts[..],
            [Part::Code(..)]
        ));
        assert_eq!(
            Template::parse("{q.qsize()} {b.n_waiting}")
                .unwrap()
                .vars()
                .collect::<Vec<_>>(),
            ["q", "b"]
        );
        assert_eq!(
            Template::parse("{r:type}")
                .unwrap()
                .vars()
                .collect::<Vec<_>>(),
            ["r"]
        );
        assert!(matches!(
            Template::parse("{r:len}").unwrap().parts[..],
            [Part::Code(_, 1)]
        ));
        assert!(matches!(
            Template::parse("n={len(xs)}").unwrap().parts[..],
            [Part::Text(_), Part::Code(_, 3)]
        ));
    }

    #[test]
    fn rejects_bad_braces() {
        assert_eq!(Template::parse("ab {x").unwrap_err().offset, 3);
        assert_eq!(Template::parse("a}").unwrap_err().offset, 1);
        assert!(Template::parse("{}").is_err());
        assert!(Template::parse("{ }").is_err());
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn parse_lists_the_placeholders() {
        use crate::scenario::{Part, Template};
        let t = Template::parse("Task {name}: n={len(xs)}").unwrap();
        assert_eq!(t.parts[1], Part::Var("name".into()));
        assert_eq!(t.parts[3], Part::Code("len(xs)".into(), 16));
        assert!(!t.is_literal());
        assert!(Template::parse("{oops").is_err());
    }
}

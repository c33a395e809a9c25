//! Checks on an expression's text around its parse: nesting and unknown functions before
//! (so that the error names them wherever they are nested), comparisons that would chain
//! after, and why parsing stopped where it did.

use super::funcs::{self, Func};
use super::{BinOp, ExprError, Node, NodeKind};

/// How deep parentheses and prefix operators may nest (the parser recurses on them).
const MAX_NESTING: usize = 32;

/// Unbalanced or too deeply nested parentheses (outside string literals), located.
pub(super) fn nesting(text: &str) -> Result<(), ExprError> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut prefixes = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => {
                open.push((i, c));
                if open.len() > MAX_NESTING {
                    return Err(ExprError::new(
                        i..i + 1,
                        format!("parentheses and lists nest more than {MAX_NESTING} deep"),
                    ));
                }
            }
            (None, ')' | ']') => {
                let opener = if c == ')' { '(' } else { '[' };
                if open.pop().map(|(_, o)| o) != Some(opener) {
                    return Err(ExprError::new(i..i + 1, format!("unmatched `{c}`")));
                }
            }
            (None, '-') => prefixes += 1,
            _ => {}
        }
    }
    prefixes += text.split_whitespace().filter(|w| *w == "not").count();
    if prefixes > MAX_NESTING * 4 {
        return Err(ExprError::new(
            0..text.len(),
            "too many `-` and `not` operators",
        ));
    }
    match open.first() {
        Some(&(i, '[')) => {
            Err(ExprError::new(i..i + 1, "`[` is never closed")
                .hint("add the `]` that ends the list"))
        }
        Some(&(i, _)) => {
            Err(ExprError::new(i..i + 1, "`(` is never closed")
                .hint("add the `)` that ends the group"))
        }
        None => Ok(()),
    }
}

/// A call of a function the language does not have (`print(x)`), located at its name:
/// found before parsing, so that the error names the function wherever the call is nested.
pub(super) fn calls(text: &str) -> Result<(), ExprError> {
    let mut quote: Option<char> = None;
    let mut word: Option<usize> = None;
    let mut after_dot = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.get_or_insert(i);
            continue;
        }
        if let Some(start) = word.take() {
            let name = &text[start..i];
            let is_name = !name.starts_with(|c: char| c.is_ascii_digit());
            if c == '('
                && is_name
                && !after_dot
                && Func::from_name(name).is_none()
                && !matches!(
                    name,
                    "and" | "or" | "not" | "in" | "if" | "else" | "for" | "is"
                )
            {
                return Err(funcs::unknown(name, start..i));
            }
        }
        after_dot = c == '.';
        if c == '\'' || c == '"' {
            quote = Some(c);
        }
    }
    Ok(())
}

/// A comparison whose operand is a comparison not in parentheses (`a and b < c == d`,
/// which the Pratt parser folds where the operators meet below an `and`): Python would
/// chain it, this language does not.
pub(super) fn chained(text: &str, node: &Node) -> Result<(), ExprError> {
    // A bare `and`, `or` or `not` under a comparison is the same fold: the Pratt parser
    // meets `a and b < c == d` as `(a and b < c) == d`.
    let bare_comparison = |n: &Node| {
        let low = match &n.kind {
            NodeKind::Binary(b, ..) => b.is_comparison() || matches!(b, BinOp::And | BinOp::Or),
            NodeKind::Not(_) => true,
            _ => false,
        };
        low && !text[n.span.clone()].starts_with('(')
    };
    match &node.kind {
        NodeKind::Binary(op, l, r) => {
            if op.is_comparison() && (bare_comparison(l) || bare_comparison(r)) {
                return Err(
                    ExprError::new(node.span.clone(), "comparisons do not chain")
                        .hint("write `a < b and b < c`"),
                );
            }
            chained(text, l)?;
            chained(text, r)
        }
        NodeKind::Not(a) | NodeKind::Neg(a) => chained(text, a),
        NodeKind::Index(a, b) => {
            chained(text, a)?;
            chained(text, b)
        }
        NodeKind::List(items) | NodeKind::Call(_, items) => {
            items.iter().try_for_each(|i| chained(text, i))
        }
        NodeKind::Comp(c) => {
            chained(text, &c.item)?;
            chained(text, &c.iter)?;
            c.cond.iter().try_for_each(|n| chained(text, n))
        }
        NodeKind::IfElse(c, a, b) => {
            chained(text, c)?;
            chained(text, a)?;
            chained(text, b)
        }
        _ => Ok(()),
    }
}

/// Says why parsing stopped at byte `at` of `text`.
pub(super) fn diagnose(text: &str, at: usize, parsed: Option<&Node>) -> ExprError {
    let rest = text[at..].trim_start();
    let at = text.len() - rest.len();
    let token: String = match rest.chars().next() {
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
        Some(_) => rest
            .chars()
            .take_while(|c| "=<>!&|+-*/%".contains(*c))
            .collect::<String>(),
        None => String::new(),
    };
    let token = if token.is_empty() {
        rest.chars().next().map(String::from).unwrap_or_default()
    } else {
        token
    };
    let span = at..(at + token.len()).max(at + 1).min(text.len().max(at + 1));
    let ends_after = |op: &str, at: usize| {
        ExprError::new(
            at..at + op.len(),
            format!("the expression ends after `{op}`: a value must follow"),
        )
        .hint("e.g. `{stock} >= 0`")
    };
    if let Some(op) = operator(rest)
        && rest[op.len()..].trim().is_empty()
    {
        return ends_after(op, at);
    }
    let suggestion = match token.as_str() {
        "=>" => Some((">=", "did you mean `>=`?")),
        "=<" => Some(("<=", "did you mean `<=`?")),
        "<>" => Some(("!=", "did you mean `!=`?")),
        "=" => Some(("==", "compare with `==` (`=` is not an operator here)")),
        "&&" | "&" => Some(("and", "write `and`")),
        "||" | "|" => Some(("or", "write `or`")),
        "!" => Some(("not", "write `not`")),
        _ => None,
    };
    if let Some((_, hint)) = suggestion {
        return ExprError::new(span, format!("`{token}` is not an operator")).hint(hint);
    }
    if let (Some(node), Some(op)) = (parsed, operator(rest))
        && matches!(&node.kind, NodeKind::Binary(b, ..) if b.is_comparison())
        && matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=")
    {
        return ExprError::new(span, "comparisons do not chain").hint("write `a < b and b < c`");
    }
    if let Some(node) = parsed
        && matches!(&node.kind, NodeKind::Binary(b, ..) if b.is_comparison())
        && (token == "in" || token == "not")
    {
        return ExprError::new(span, "comparisons do not chain").hint("write `a < b and b < c`");
    }
    if rest.is_empty() {
        let before = text.trim_end();
        if let Some(op) = OPERATORS.iter().find(|op| before.ends_with(*op)) {
            return ends_after(op, before.len() - op.len());
        }
        return ExprError::new(
            text.len().saturating_sub(1)..text.len(),
            "the expression ends too early: a value must follow",
        );
    }
    let what = if parsed.is_some() {
        "an operator"
    } else {
        "a value"
    };
    ExprError::new(span, format!("unexpected `{token}`: expected {what}"))
        .hint(format!("operators: or and not == != < <= > >= in, not in + - * / // %, xs[i], a if c else b, [f(x) for x in xs if c]; functions: {}; strings are quoted ('text'); variables are `{{name}}` or a bare name", funcs::listing()))
}

/// The binary operator `rest` starts with, if any.
fn operator(rest: &str) -> Option<&'static str> {
    OPERATORS.into_iter().find(|op| rest.starts_with(op))
}

/// The binary operators, longest first where one is a prefix of another.
const OPERATORS: [&str; 14] = [
    "//", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "and", "or",
];

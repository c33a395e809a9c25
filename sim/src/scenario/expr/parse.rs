//! Text to an untyped tree, with winnow's Pratt parser (`combinator::expression`); a
//! failure is located and explained by looking at the text where parsing stopped.

use winnow::ascii::multispace0;
use winnow::combinator::{
    Infix, Prefix, alt, cut_err, delimited, expression, not, preceded, terminated,
};
use winnow::error::{AddContext as _, ContextError, ErrMode, StrContext};
use winnow::prelude::*;
use winnow::stream::{LocatingSlice, Offset, Stream};
use winnow::token::{one_of, take_while};

use super::funcs::Func;
use super::scan;
use super::{BinOp, Comp, ExprError, Node, NodeKind, Type};
use crate::scenario::template::is_path;

type In<'a> = LocatingSlice<&'a str>;

/// The longest expression accepted, in bytes.
const MAX_LEN: usize = 2_000;

/// Parses `text` into a tree whose types are not checked yet.
pub(super) fn parse(text: &str) -> Result<Node, ExprError> {
    if text.len() > MAX_LEN {
        return Err(ExprError::new(
            0..text.len(),
            format!("an expression of {} bytes (at most {MAX_LEN})", text.len()),
        )
        .hint("split the computation over several `let` steps"));
    }
    if text.trim().is_empty() {
        return Err(ExprError::new(0..text.len(), "an empty expression")
            .hint("e.g. `{stock} > 0` or `{a} + {b} == 3 and not {done}`"));
    }
    scan::nesting(text)?;
    scan::calls(text)?;
    let mut input = LocatingSlice::new(text);
    let start = input.checkpoint();
    match expr.parse_next(&mut input) {
        Ok(node) => {
            let at = input.offset_from(&start);
            if at < text.len() {
                return Err(scan::diagnose(text, at, Some(&node)));
            }
            scan::chained(text, &node)?;
            Ok(node)
        }
        Err(e) => {
            let at = input.offset_from(&start);
            let label = match &e {
                ErrMode::Backtrack(c) | ErrMode::Cut(c) => label(c),
                ErrMode::Incomplete(_) => None,
            };
            Err(match label {
                Some(message) => ExprError::new(at..(at + 1).min(text.len()), message),
                None => scan::diagnose(text, at, None),
            })
        }
    }
}

fn label(e: &ContextError) -> Option<&'static str> {
    e.context().find_map(|c| match c {
        StrContext::Label(l) => Some(*l),
        _ => None,
    })
}

fn ws(i: &mut In<'_>) -> ModalResult<()> {
    multispace0.void().parse_next(i)
}

fn keyword<'a>(word: &'static str) -> impl Parser<In<'a>, (), ErrMode<ContextError>> {
    terminated(word, not(one_of(|c: char| c.is_alphanumeric() || c == '_'))).void()
}

fn bin(op: BinOp, l: Node, r: Node) -> Node {
    let span = l.span.start..r.span.end;
    Node {
        kind: NodeKind::Binary(op, Box::new(l), Box::new(r)),
        ty: Type::Any,
        span,
    }
}

/// Fold functions for winnow's Pratt parser (function pointers, so one per operator).
mod fold {
    use super::{BinOp, In, ModalResult, Node, NodeKind, Type, bin};

    macro_rules! binary {
        ($($name:ident => $op:ident),* $(,)?) => {
            $(pub(super) fn $name(_: &mut In<'_>, a: Node, b: Node) -> ModalResult<Node> {
                Ok(bin(BinOp::$op, a, b))
            })*
        };
    }

    binary!(or_ => Or, and_ => And, eq => Eq, ne => Ne, le => Le, ge => Ge, lt => Lt, gt => Gt,
        add => Add, sub => Sub, mul => Mul, floor_div => FloorDiv, div => Div, modulo => Mod,
        in_ => In, not_in => NotIn);

    pub(super) fn not(_: &mut In<'_>, a: Node) -> ModalResult<Node> {
        let span = a.span.clone();
        Ok(Node {
            kind: NodeKind::Not(Box::new(a)),
            ty: Type::Any,
            span,
        })
    }

    pub(super) fn neg(_: &mut In<'_>, a: Node) -> ModalResult<Node> {
        let span = a.span.clone();
        Ok(Node {
            kind: NodeKind::Neg(Box::new(a)),
            ty: Type::Any,
            span,
        })
    }
}

/// A whole expression: a disjunction, or Python's conditional expression around one
/// (`a if c else b`, the loosest of all, so `x == 1 if c else 2` is `(x == 1) if c else 2`).
fn expr(i: &mut In<'_>) -> ModalResult<Node> {
    let then = disjunction(i)?;
    if winnow::combinator::opt(keyword("if"))
        .parse_next(i)?
        .is_none()
    {
        return Ok(then);
    }
    let cond = cut_err(disjunction)
        .context(StrContext::Label(
            "`if` needs a condition: `a if cond else b`",
        ))
        .parse_next(i)?;
    cut_err(keyword("else"))
        .context(StrContext::Label(
            "a conditional expression needs its `else`: `a if cond else b`",
        ))
        .parse_next(i)?;
    let other = cut_err(expr)
        .context(StrContext::Label(
            "`else` needs a value: `a if cond else b`",
        ))
        .parse_next(i)?;
    let span = then.span.start..other.span.end;
    Ok(node(
        NodeKind::IfElse(Box::new(cond), Box::new(then), Box::new(other)),
        span,
    ))
}

/// The operators' expression: `or` down to unary `-`, over atoms.
fn disjunction(i: &mut In<'_>) -> ModalResult<Node> {
    use Infix::{Left, Neither};
    expression(delimited(ws, atom, ws))
        .prefix(delimited(
            ws,
            alt((
                keyword("not").value(Prefix(3, fold::not)),
                '-'.value(Prefix(13, fold::neg)),
            )),
            ws,
        ))
        .infix(delimited(
            ws,
            // `alt` takes at most nine parsers: comparisons and logic, then arithmetic.
            alt((
                alt((
                    keyword("or").value(Left(1, fold::or_)),
                    keyword("and").value(Left(2, fold::and_)),
                    "==".value(Neither(5, fold::eq)),
                    "!=".value(Neither(5, fold::ne)),
                    "<=".value(Neither(5, fold::le)),
                    ">=".value(Neither(5, fold::ge)),
                    terminated('<', not('>')).value(Neither(5, fold::lt)),
                    '>'.value(Neither(5, fold::gt)),
                )),
                alt((
                    keyword("in").value(Neither(5, fold::in_)),
                    (keyword("not"), ws, keyword("in")).value(Neither(5, fold::not_in)),
                )),
                alt((
                    '+'.value(Left(7, fold::add)),
                    '-'.value(Left(7, fold::sub)),
                    '*'.value(Left(9, fold::mul)),
                    "//".value(Left(9, fold::floor_div)),
                    '/'.value(Left(9, fold::div)),
                    '%'.value(Left(9, fold::modulo)),
                )),
            )),
            ws,
        ))
        .parse_next(i)
}

/// A value, with the items it is indexed by (`xs[0][-1]`).
fn atom(i: &mut In<'_>) -> ModalResult<Node> {
    let mut node = alt((number, string, placeholder, group, list, call, name)).parse_next(i)?;
    while let (Some(index), span) = winnow::combinator::opt(delimited(
        '[',
        expr,
        cut_err(']'.context(StrContext::Label("`[` opens an index that `]` must close"))),
    ))
    .with_span()
    .parse_next(i)?
    {
        let span = node.span.start..span.end;
        node = self::node(NodeKind::Index(Box::new(node), Box::new(index)), span);
    }
    Ok(node)
}

/// A call of one of the functions: `len(xs)`, `round(x, 2)` (the name right before `(`).
fn call(i: &mut In<'_>) -> ModalResult<Node> {
    let ((func, args), span) = (
        terminated(
            (
                one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
                take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_'),
            )
                .take()
                .verify_map(Func::from_name),
            '(',
        ),
        cut_err(terminated((ws, args).map(|(_, a)| a), (ws, ')'))).context(StrContext::Label(
            "a call's arguments are values separated by `,`, and `)` ends it",
        )),
    )
        .with_span()
        .parse_next(i)?;
    if func == Func::TypeName {
        // Python's `type(x)` is a class, which is no value here: its name is.
        let end = cut_err(".__name__".span())
            .context(StrContext::Label(
                "`type(x)` is read as `type(x).__name__`, the name of its type",
            ))
            .parse_next(i)?;
        return Ok(node(NodeKind::Call(func, args), span.start..end.end));
    }
    Ok(node(NodeKind::Call(func, args), span))
}

/// A call's arguments: values separated by `,` (one after the last too), or a generator
/// expression alone (`sorted(str(e) for e in eg.exceptions)`), made a comprehension.
fn args(i: &mut In<'_>) -> ModalResult<Vec<Node>> {
    let Some(first) = winnow::combinator::opt(expr).parse_next(i)? else {
        return Ok(Vec::new());
    };
    if let Some((name, iter, cond)) = winnow::combinator::opt(for_clause).parse_next(i)? {
        let end = cond.as_ref().unwrap_or(&iter).span.end;
        let span = first.span.start..end;
        if winnow::combinator::opt((ws, ',')).parse_next(i)?.is_some() {
            return Err(fatal(
                i,
                "a generator expression is a call's only argument: put it in brackets, `[x for x in xs]`",
            ));
        }
        let comp = Comp {
            item: first,
            name,
            iter,
            cond,
        };
        return Ok(vec![node(NodeKind::Comp(Box::new(comp)), span)]);
    }
    more(first, i)
}

/// The values after `first` in a list or a call, each after a `,`, and a `,` after the last.
fn more(first: Node, i: &mut In<'_>) -> ModalResult<Vec<Node>> {
    let rest: Vec<Node> =
        winnow::combinator::repeat(0.., preceded((ws, ','), expr)).parse_next(i)?;
    winnow::combinator::opt((ws, ',', ws)).parse_next(i)?;
    let mut items = vec![first];
    items.extend(rest);
    Ok(items)
}

/// A comprehension's `for name in iter` and its `if cond`, if any (one `for` and at most
/// one `if`: a comprehension nests in another's item instead).
fn for_clause(i: &mut In<'_>) -> ModalResult<(String, Node, Option<Node>)> {
    keyword("for").parse_next(i)?;
    ws(i)?;
    let name = cut_err(identifier)
        .context(StrContext::Label(
            "`for` binds a name: `[f(x) for x in xs]`",
        ))
        .parse_next(i)?;
    ws(i)?;
    if winnow::combinator::opt(winnow::combinator::peek(','))
        .parse_next(i)?
        .is_some()
    {
        return Err(fatal(
            i,
            "a comprehension binds one name (`for a, b in ...` unpacks tuples, which are not values here)",
        ));
    }
    cut_err(keyword("in"))
        .context(StrContext::Label(
            "a comprehension reads `for NAME in VALUES`",
        ))
        .parse_next(i)?;
    let iter = cut_err(disjunction)
        .context(StrContext::Label(
            "`in` needs the values to go through: a list, a tuple or a string",
        ))
        .parse_next(i)?;
    let cond = match winnow::combinator::opt(keyword("if")).parse_next(i)? {
        Some(()) => Some(
            cut_err(disjunction)
                .context(StrContext::Label(
                    "`if` needs a condition: `[x for x in xs if x > 0]`",
                ))
                .parse_next(i)?,
        ),
        None => None,
    };
    ws(i)?;
    if winnow::combinator::opt(winnow::combinator::peek(alt((
        keyword("for"),
        keyword("if"),
    ))))
    .parse_next(i)?
    .is_some()
    {
        return Err(fatal(
            i,
            "a comprehension takes one `for` and one `if` here: nest one in another's item, or join the conditions with `and`",
        ));
    }
    Ok((name, iter, cond))
}

/// A name a comprehension binds: a word that is not a keyword.
fn identifier(i: &mut In<'_>) -> ModalResult<String> {
    let start = i.checkpoint();
    let word = (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_'),
    )
        .take()
        .parse_next(i)?;
    if KEYWORDS.contains(&word) {
        i.reset(&start);
        return Err(ErrMode::Backtrack(ContextError::new()));
    }
    Ok(word.to_string())
}

/// The words that are not names.
const KEYWORDS: [&str; 13] = [
    "and", "or", "not", "in", "for", "if", "else", "is", "None", "true", "false", "True", "False",
];

/// A failure that stops parsing with `message`.
fn fatal(i: &In<'_>, message: &'static str) -> ErrMode<ContextError> {
    ErrMode::Cut(ContextError::new().add_context(i, &i.checkpoint(), StrContext::Label(message)))
}

fn node(kind: NodeKind, span: std::ops::Range<usize>) -> Node {
    Node {
        kind,
        ty: Type::Any,
        span,
    }
}

fn number(i: &mut In<'_>) -> ModalResult<Node> {
    let (text, span) = (
        take_while(1.., |c: char| c.is_ascii_digit()),
        winnow::combinator::opt(('.', take_while(0.., |c: char| c.is_ascii_digit()))),
        winnow::combinator::opt((
            one_of(['e', 'E']),
            winnow::combinator::opt(one_of(['+', '-'])),
            take_while(1.., |c: char| c.is_ascii_digit()),
        )),
    )
        .take()
        .with_span()
        .parse_next(i)?;
    if text.contains(['.', 'e', 'E']) {
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(node(NodeKind::Float(f), span)),
            _ => Err(fatal(i, "a float literal too large")),
        }
    } else {
        match text.parse::<i64>() {
            Ok(n) => Ok(node(NodeKind::Int(n), span)),
            Err(_) => Err(fatal(i, "an integer literal too large for 64 bits")),
        }
    }
}

fn string(i: &mut In<'_>) -> ModalResult<Node> {
    let ((_, body), span) = one_of(['\'', '"'])
        .flat_map(|quote| {
            (
                winnow::combinator::empty.value(quote),
                terminated(
                    take_while(0.., move |c: char| c != quote),
                    cut_err(quote.context(StrContext::Label("a string that is never closed"))),
                ),
            )
        })
        .with_span()
        .parse_next(i)?;
    Ok(node(NodeKind::Str(body.to_string()), span))
}

fn placeholder(i: &mut In<'_>) -> ModalResult<Node> {
    let (path, span) = preceded(
        '{',
        cut_err(terminated(
            take_while(0.., |c: char| c != '}' && c != '{'),
            '}',
        )),
    )
    .context(StrContext::Label(
        "`{` opens a variable that is never closed with `}`",
    ))
    .with_span()
    .parse_next(i)?;
    if !is_path(path) {
        return Err(fatal(
            i,
            "not a variable: write `{name}`, `{list.0}` or `{name:type}`",
        ));
    }
    Ok(node(NodeKind::Var(path.to_string()), span))
}

fn group(i: &mut In<'_>) -> ModalResult<Node> {
    let (mut inner, span) = delimited(
        '(',
        expr,
        cut_err(')'.context(StrContext::Label("`(` is never closed"))),
    )
    .with_span()
    .parse_next(i)?;
    inner.span = span;
    Ok(inner)
}

/// A list literal (`[]`, `[a, b]`, `[a, b,]`) or a comprehension (`[f(x) for x in xs]`).
fn list(i: &mut In<'_>) -> ModalResult<Node> {
    let (kind, span) = delimited(
        ('[', ws),
        list_body,
        cut_err((ws, ']')).context(StrContext::Label(
            "a list's items are values separated by `,`, and `]` ends it",
        )),
    )
    .with_span()
    .parse_next(i)?;
    Ok(node(kind, span))
}

fn list_body(i: &mut In<'_>) -> ModalResult<NodeKind> {
    let Some(first) = winnow::combinator::opt(expr).parse_next(i)? else {
        return Ok(NodeKind::List(Vec::new()));
    };
    if let Some((name, iter, cond)) = winnow::combinator::opt(for_clause).parse_next(i)? {
        return Ok(NodeKind::Comp(Box::new(Comp {
            item: first,
            name,
            iter,
            cond,
        })));
    }
    Ok(NodeKind::List(more(first, i)?))
}

/// A bare name, with `.0` indices and a state read (`q.qsize()`, `b.n_waiting`) after it.
fn name(i: &mut In<'_>) -> ModalResult<Node> {
    let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let (word, span) = (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., word_char),
        winnow::combinator::repeat::<_, _, (), _, _>(
            0..,
            (
                '.',
                take_while(1.., word_char),
                winnow::combinator::opt("()"),
            ),
        ),
    )
        .take()
        .with_span()
        .parse_next(i)?;
    if word.contains('.') && !is_path(word) {
        return Err(fatal(
            i,
            "not a variable: write `name`, `list.0` or a state such as `q.qsize()`",
        ));
    }
    Ok(node(
        match word {
            "true" | "True" => NodeKind::Bool(true),
            "false" | "False" => NodeKind::Bool(false),
            "None" => NodeKind::None,
            "and" | "or" | "not" | "in" | "for" | "if" | "else" | "is" => {
                return Err(ErrMode::Backtrack(ContextError::new()));
            }
            other => NodeKind::Var(other.to_string()),
        },
        span,
    ))
}

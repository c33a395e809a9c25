//! The expression language of conditions (`if`, `until`), invariants and computed values
//! (`let`/`set` with `expr`): parsed once at load into a typed tree, every mistake located
//! there; evaluated by the interpreter (`interp::eval`).
//!
//! Values are integers (64-bit, overflow is an error), floats, strings (`'quoted'` or
//! `"quoted"`), booleans (`true`, `false`), `None` and lists (`[1, 'a', {x}]`). Variables are written `{name}` (as in
//! templates, with `{job.0}` and `{x:type}`) or bare (`stock`). Operators, loosest first:
//! `or`, `and`, `not`, comparisons `== != < <= > >=` (which do not chain), `+ -` (`+`
//! also joins strings), `* / // %` (`/` is a float division, `//` and `%` floor as in
//! Python), unary `-`; parentheses group. A closed set of Python's functions on values
//! (`len`, `sorted`, `sum`, `min`, `max`, `str`, `repr`, `round`, `abs`, `isinstance`,
//! `type(x).__name__`: [`Func`]), `in`
//! and `not in` (comparisons), an item `xs[i]` (negative from the end), comprehensions
//! (`[str(e) for e in eg.exceptions if e]`, and a generator expression as a call's only
//! argument) and conditional expressions (`a if c else b`) complete it.

mod check;
mod funcs;
mod parse;
mod scan;

use std::ops::Range;

pub use self::check::Scope;
pub use self::funcs::Func;

/// A parsed, type-checked expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// The text as written, for reports.
    pub text: String,
    /// Where it is written.
    pub at: super::Loc,
    /// The tree.
    pub root: Node,
}

/// A node of an expression tree; `span` is the byte range of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it computes.
    pub kind: NodeKind,
    /// Its type as far as the load-time check knows it.
    pub ty: Type,
    /// Its bytes within [`Expr::text`].
    pub span: Range<usize>,
}

/// What a node computes.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// `None`.
    None,
    /// A list literal, `[a, b]`.
    List(Vec<Node>),
    /// A variable: a name with optional `.N` indices and `:type`, as in templates.
    Var(String),
    /// `not x`.
    Not(Box<Node>),
    /// `-x`.
    Neg(Box<Node>),
    /// `l op r`.
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `f(args)`: one of Python's functions on values.
    Call(Func, Vec<Node>),
    /// `xs[i]`: an item of a list, a tuple or a string.
    Index(Box<Node>, Box<Node>),
    /// `[item for name in iter if cond]`, a list comprehension (a generator expression, the
    /// only argument of a call, is this list: `sorted(str(e) for e in eg.exceptions)`).
    Comp(Box<Comp>),
    /// `then if cond else other`, Python's conditional expression: `(cond, then, other)`.
    IfElse(Box<Node>, Box<Node>, Box<Node>),
}

/// A comprehension's parts: `[item for name in iter if cond]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Comp {
    /// The value made for each item (`name` is bound in it).
    pub item: Node,
    /// The name each item is bound to, seen only by `item` and `cond`.
    pub name: String,
    /// What is gone through: a list, a tuple (`eg.exceptions`) or a string.
    pub iter: Node,
    /// The filter, if any (`if not t.done()`): true or false.
    pub cond: Option<Node>,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or` (short-circuit).
    Or,
    /// `and` (short-circuit).
    And,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (always a float).
    Div,
    /// `//` (floor division).
    FloorDiv,
    /// `%` (the remainder of floor division).
    Mod,
    /// `in` (an item of a list, a substring of a string).
    In,
    /// `not in`.
    NotIn,
}

impl BinOp {
    /// How the operator is written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
        }
    }

    /// Whether it compares its operands.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::In
                | BinOp::NotIn
        )
    }
}

/// A value's type as the load-time check sees it; `Any` for locals and parameters, whose
/// type is known only when the step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// An integer.
    Int,
    /// A float.
    Float,
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// `None`.
    None,
    /// A list.
    List,
    /// A tuple (an exception group's `eg.exceptions`).
    Tuple,
    /// Known at run time.
    Any,
}

impl Type {
    /// The type's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Type::Int => "an integer",
            Type::Float => "a float",
            Type::Str => "a string",
            Type::Bool => "a boolean",
            Type::None => "None",
            Type::List => "a list",
            Type::Tuple => "a tuple",
            Type::Any => "a value",
        }
    }

    /// Whether the type is a number (or may be).
    pub fn numeric(self) -> bool {
        matches!(self, Type::Int | Type::Float | Type::Any)
    }
}

/// What an expression must compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// A condition: true or false.
    Bool,
    /// An integer shared variable's new value.
    Int,
    /// A float shared variable's new value: a number.
    Number,
    /// Any value.
    Value,
}

/// Why an expression was rejected: where (a byte range of its text), what, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// The bytes at fault within the expression's text.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl ExprError {
    fn new(span: Range<usize>, message: impl Into<String>) -> ExprError {
        ExprError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> ExprError {
        self.hint = Some(hint.into());
        self
    }
}

/// Parses `text` and checks it against `scope` (the names it may use) and what it must
/// compute.
pub fn parse(text: &str, scope: &Scope, want: Want) -> Result<Node, ExprError> {
    let tree = parse::parse(text)?;
    check::check(tree, scope, want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope::new(["a", "b", "name"], ["stock"])
    }

    fn err(text: &str) -> ExprError {
        parse(text, &scope(), Want::Bool).unwrap_err()
    }

    /// Issue 20: malformed conditions were accepted (split at the first operator, text
    /// compared when a side was not an integer), so a typo gave a vacuous verdict.
    #[test]
    fn malformed_conditions_are_located_errors() {
        assert_eq!(
            err("{a} >= ").message,
            "the expression ends after `>=`: a value must follow"
        );
        let e = err("{a} => 0");
        assert_eq!(
            (e.span.clone(), e.hint.as_deref()),
            (4..6, Some("did you mean `>=`?"))
        );
        assert_eq!(err("{a} <> 1").hint.as_deref(), Some("did you mean `!=`?"));
        assert_eq!(
            err("{a} = 1").hint.as_deref(),
            Some("compare with `==` (`=` is not an operator here)")
        );
        assert_eq!(
            err("{a} == 1 && {b} == 2").hint.as_deref(),
            Some("write `and`")
        );
        assert_eq!(err("1 < {a} < 3").message, "comparisons do not chain");
        assert_eq!(err("({a} > 1").message, "`(` is never closed");
        assert_eq!(err("{a} > 1)").message, "unmatched `)`");
        assert_eq!(err("'abc > 1").message, "a string that is never closed");
        assert_eq!(err("").message, "an empty expression");
        assert_eq!(
            err("{a} > 99999999999999999999").message,
            "an integer literal too large for 64 bits"
        );
        assert_eq!(
            err("{stok} > 0").hint.as_deref(),
            Some("did you mean `stock`?")
        );
        assert_eq!(
            err("{a} > 1 {b}").message,
            "unexpected `{`: expected an operator"
        );
        assert!(
            parse("{a}", &scope(), Want::Bool).is_ok(),
            "a local is checked when the step runs"
        );
    }

    #[test]
    fn types_are_checked_where_known() {
        assert_eq!(
            err("stock").message,
            "a condition must be true or false, and this is an integer"
        );
        assert_eq!(
            err("stock + 'x' > 1").message,
            "`+` cannot add an integer and a string"
        );
        assert_eq!(
            err("stock == 'x'").message,
            "`==` cannot compare an integer and a string"
        );
        assert_eq!(
            err("'a' < 1").message,
            "`<` cannot order a string and an integer"
        );
        assert_eq!(
            err("not stock").message,
            "`not` needs true or false, and this is an integer"
        );
        assert_eq!(
            err("stock and true").message,
            "`and` needs true or false on both sides, and this is an integer"
        );
        assert!(
            parse(
                "{a} + {b} > 2 and not (stock < 0) or {name} == 'x'",
                &scope(),
                Want::Bool
            )
            .is_ok()
        );
        assert!(
            parse(
                "10.5 > 2 and 0.5 == 0.50 and 7 // 2 == 3 and -7 % 3 == 2",
                &scope(),
                Want::Bool
            )
            .is_ok()
        );
        assert!(parse("stock * 3 - 1", &scope(), Want::Int).is_ok());
        assert_eq!(
            parse("stock / 2", &scope(), Want::Int).unwrap_err().message,
            "a shared variable holds an integer, and this is a float"
        );
    }

    #[test]
    fn precedence_is_pythons() {
        let tree = parse("not {a} == 1 or {b} > 1 + 2 * 3", &scope(), Want::Bool).unwrap();
        let NodeKind::Binary(BinOp::Or, l, r) = &tree.kind else {
            panic!("{tree:?}")
        };
        assert!(
            matches!(&l.kind, NodeKind::Not(inner) if matches!(inner.kind, NodeKind::Binary(BinOp::Eq, ..)))
        );
        let NodeKind::Binary(BinOp::Gt, _, sum) = &r.kind else {
            panic!("{r:?}")
        };
        assert!(
            matches!(&sum.kind, NodeKind::Binary(BinOp::Add, _, m) if matches!(m.kind, NodeKind::Binary(BinOp::Mul, ..)))
        );
    }

    #[test]
    fn calls_in_and_indexes_are_checked() {
        let ok = |t: &str| parse(t, &scope(), Want::Value).map(|n| n.ty);
        assert_eq!(ok("len({a}) + sum([1, 2])"), Ok(Type::Any));
        assert_eq!(ok("len([1, 2])"), Ok(Type::Int));
        assert_eq!(ok("sorted('ba')"), Ok(Type::List));
        assert_eq!(ok("round(1.5)"), Ok(Type::Int));
        assert_eq!(ok("round(1.25, 1)"), Ok(Type::Float));
        assert_eq!(ok("max(1, 2)"), Ok(Type::Int));
        assert_eq!(ok("max(1, 2.5)"), Ok(Type::Any));
        assert_eq!(ok("str(stock) + repr('x')"), Ok(Type::Str));
        assert_eq!(ok("'a' in {a} and 1 not in [2]"), Ok(Type::Bool));
        assert_eq!(ok("[1, 2][-1]"), Ok(Type::Any));
        assert_eq!(ok("'abc'[0]"), Ok(Type::Str));
        assert_eq!(ok("[1] + [2]"), Ok(Type::List));
        let e = err("prnt({a})");
        assert_eq!(
            (e.message.as_str(), e.span.clone()),
            ("unknown function `prnt`", 0..4)
        );
        assert!(e.hint.unwrap().contains("the functions: len, sorted, sum"));
        assert_eq!(
            err("len(1) > 0").message,
            "`len` needs a list, a tuple or a string, and this is an integer"
        );
        assert_eq!(
            err("len([1], [2]) > 0").message,
            "`len` takes one argument, and 2 are given"
        );
        assert_eq!(
            err("round(1.5, 'a') > 0").message,
            "`round` needs an integer number of digits, and this is a string"
        );
        assert_eq!(
            err("sum('ab') > 0").message,
            "`sum` needs a list of numbers, and this is a string"
        );
        assert_eq!(
            err("abs(None) > 0").message,
            "`abs` needs a number, and this is None"
        );
        assert_eq!(
            err("1 in 2").message,
            "`in` needs a list, a tuple or a string on its right, and this is an integer"
        );
        assert_eq!(
            err("1 in 'abc'").message,
            "`in` a string looks for a string, and this is an integer"
        );
        assert_eq!(
            err("[1]['a'] == 1").message,
            "an index needs an integer, and this is a string"
        );
        assert_eq!(
            err("stock[0] == 1").message,
            "an index `[i]` needs a list, a tuple or a string, and this is an integer"
        );
        assert_eq!(err("len([1]").message, "`(` is never closed");
        assert_eq!(
            err("true and 1 < 2 == true").message,
            "comparisons do not chain"
        );
        assert_eq!(err("1 in [1] in [[1]]").message, "comparisons do not chain");
        assert!(parse("(1 < 2) == true", &scope(), Want::Bool).is_ok());
        let deep = format!("{}[1]{}", "len(".repeat(40), ")".repeat(40));
        assert!(
            err(&deep)
                .message
                .starts_with("parentheses and lists nest more than")
        );
    }

    /// Round 26: a conditional expression is the loosest form, a comprehension's name is
    /// its own local, and a generator expression is a call's only argument.
    #[test]
    fn comprehensions_and_conditionals_parse_as_pythons() {
        let tree = parse("{a} == 1 if {b} else 2", &scope(), Want::Value).unwrap();
        let NodeKind::IfElse(cond, then, _) = &tree.kind else {
            panic!("{tree:?}")
        };
        assert!(matches!(cond.kind, NodeKind::Var(_)));
        assert!(matches!(then.kind, NodeKind::Binary(BinOp::Eq, ..)));
        let ok = |t: &str| parse(t, &scope(), Want::Value).map(|n| n.ty);
        assert_eq!(ok("[x * 2 for x in [1, 2] if x > 1]"), Ok(Type::List));
        assert_eq!(ok("sorted(s for s in 'ba')"), Ok(Type::List));
        assert_eq!(ok("1 if true else 2"), Ok(Type::Int));
        assert_eq!(ok("1 if true else 'a'"), Ok(Type::Any));
        assert_eq!(ok("[stock for stock in [1]]"), Ok(Type::List));
        assert_eq!(ok("isinstance({a}, ValueError)"), Ok(Type::Bool));
        assert_eq!(
            err("[x for x in [1]] and x > 0").message,
            "undefined variable `x`"
        );
        assert_eq!(
            err("len(x for x in [1], 2) > 0").message,
            "a generator expression is a call's only argument: put it in brackets, `[x for x in xs]`"
        );
        assert_eq!(
            err("[1 for if in [1]] == []").message,
            "`for` binds a name: `[f(x) for x in xs]`"
        );
    }

    #[test]
    fn hostile_expressions_are_bounded() {
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(
            err(&deep)
                .message
                .starts_with("parentheses and lists nest more than")
        );
        let deep_list = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(
            err(&deep_list)
                .message
                .starts_with("parentheses and lists nest more than")
        );
        assert!(err(&"not ".repeat(400)).message.starts_with("too many"));
        assert!(err(&"-".repeat(1000)).message.starts_with("too many"));
        assert!(
            err(&"1 + ".repeat(1000))
                .message
                .starts_with("an expression of")
        );
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn parse_checks_against_the_scope() {
        use crate::scenario::expr::{self, Scope, Want};

        let scope = Scope::new(["a", "b"], ["stock"]);
        assert!(expr::parse("{a} + {b} > 2 and not (stock < 0)", &scope, Want::Bool).is_ok());
        let err = expr::parse("{a} >= ", &scope, Want::Bool).unwrap_err();
        assert_eq!(
            err.message,
            "the expression ends after `>=`: a value must follow"
        );
        let err = expr::parse("{a} => 0", &scope, Want::Bool).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `>=`?"));
        let err = expr::parse("stock + 'x' > 1", &scope, Want::Bool).unwrap_err();
        assert_eq!(err.message, "`+` cannot add an integer and a string");
    }
}

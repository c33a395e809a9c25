//! Names and types: every variable resolved, every operator given operands it can take
//! (when their types are known at load), and the whole of the kind its step needs.

use std::collections::BTreeSet;

use super::{BinOp, ExprError, Node, NodeKind, Type, Want};

/// The names an expression may use: locals (whose type is known when the step runs) and
/// shared variables (integers).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    locals: BTreeSet<String>,
    shared: BTreeSet<String>,
}

impl Scope {
    /// A scope of these locals and shared variables.
    pub fn new<'a>(
        locals: impl IntoIterator<Item = &'a str>,
        shared: impl IntoIterator<Item = &'a str>,
    ) -> Scope {
        Scope {
            locals: locals.into_iter().map(String::from).collect(),
            shared: shared.into_iter().map(String::from).collect(),
        }
    }

    fn type_of(&self, path: &str) -> Option<Type> {
        let base = path.split(['.', ':']).next().unwrap_or("");
        if path.ends_with(":type") && (self.locals.contains(base) || self.shared.contains(base)) {
            return Some(Type::Str);
        }
        if self.locals.contains(base) {
            Some(Type::Any)
        } else if self.shared.contains(base) {
            Some(if path.contains('.') {
                Type::Any
            } else {
                Type::Int
            })
        } else {
            None
        }
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().chain(&self.shared).map(String::as_str)
    }
}

/// Resolves names and types `node`, and checks it computes `want`.
pub(super) fn check(node: Node, scope: &Scope, want: Want) -> Result<Node, ExprError> {
    let node = typed(node, scope)?;
    let ok = match want {
        Want::Bool => matches!(node.ty, Type::Bool | Type::Any),
        Want::Int => matches!(node.ty, Type::Int | Type::Any),
        Want::Value => true,
    };
    if !ok {
        let (what, hint) = match want {
            Want::Bool => (
                "a condition must be true or false",
                "compare it, e.g. `{x} > 0`",
            ),
            _ => ("a shared variable holds an integer", "e.g. `{count} + 1`"),
        };
        return Err(ExprError::new(
            node.span.clone(),
            format!("{what}, and this is {}", node.ty.name()),
        )
        .hint(hint));
    }
    Ok(node)
}

fn typed(mut node: Node, scope: &Scope) -> Result<Node, ExprError> {
    node.ty = match &mut node.kind {
        NodeKind::Int(_) => Type::Int,
        NodeKind::Float(_) => Type::Float,
        NodeKind::Str(_) => Type::Str,
        NodeKind::Bool(_) => Type::Bool,
        NodeKind::Var(path) => scope.type_of(path).ok_or_else(|| {
            let base = path.split(['.', ':']).next().unwrap_or("").to_string();
            let e = ExprError::new(node.span.clone(), format!("undefined variable `{base}`"));
            match crate::scenario::error::closest(&base, scope.names()) {
                Some(c) => e.hint(format!("did you mean `{c}`?")),
                None => e.hint(
                    "variables are parameters, `i`, locals bound with `as`/`let`/`for`/`random`, and [vars]; a string is quoted: 'text'",
                ),
            }
        })?,
        NodeKind::Not(arg) => {
            let a = typed(std::mem::replace(arg.as_mut(), placeholder()), scope)?;
            expect(&a, "`not`", |t| t == Type::Bool, "true or false")?;
            **arg = a;
            Type::Bool
        }
        NodeKind::Neg(arg) => {
            let a = typed(std::mem::replace(arg.as_mut(), placeholder()), scope)?;
            expect(&a, "`-`", |t| t == Type::Int || t == Type::Float, "a number")?;
            let ty = a.ty;
            **arg = a;
            ty
        }
        NodeKind::Binary(op, l, r) => {
            let a = typed(std::mem::replace(l.as_mut(), placeholder()), scope)?;
            let b = typed(std::mem::replace(r.as_mut(), placeholder()), scope)?;
            let ty = binary(*op, &a, &b)?;
            **l = a;
            **r = b;
            ty
        }
    };
    Ok(node)
}

fn placeholder() -> Node {
    Node {
        kind: NodeKind::Bool(false),
        ty: Type::Any,
        span: 0..0,
    }
}

/// An error unless `node`'s type is unknown or passes `ok`.
fn expect(node: &Node, op: &str, ok: impl Fn(Type) -> bool, what: &str) -> Result<(), ExprError> {
    if node.ty == Type::Any || ok(node.ty) {
        return Ok(());
    }
    Err(ExprError::new(
        node.span.clone(),
        format!("{op} needs {what}, and this is {}", node.ty.name()),
    ))
}

/// The type `a op b` computes, or why the operands do not go with it.
fn binary(op: BinOp, a: &Node, b: &Node) -> Result<Type, ExprError> {
    use Type::{Any, Bool, Float, Int, Str};
    let span = a.span.start..b.span.end;
    let mismatch = |verb: &str| {
        ExprError::new(
            span.clone(),
            format!(
                "`{}` cannot {verb} {} and {}",
                op.symbol(),
                a.ty.name(),
                b.ty.name()
            ),
        )
    };
    Ok(match op {
        BinOp::Or | BinOp::And => {
            let word = op.symbol();
            expect(
                a,
                &format!("`{word}`"),
                |t| t == Bool,
                "true or false on both sides",
            )?;
            expect(
                b,
                &format!("`{word}`"),
                |t| t == Bool,
                "true or false on both sides",
            )?;
            Bool
        }
        BinOp::Eq | BinOp::Ne => {
            let comparable = a.ty == Any
                || b.ty == Any
                || a.ty == b.ty
                || (a.ty.numeric() && b.ty.numeric() && a.ty != Bool && b.ty != Bool);
            if !comparable {
                return Err(mismatch("compare").hint(
                    "values of different types are never equal: convert one, or quote a string ('text')",
                ));
            }
            Bool
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match (a.ty, b.ty) {
            (Any, _) | (_, Any) | (Int | Float, Int | Float) | (Str, Str) => Bool,
            _ => return Err(mismatch("order")),
        },
        BinOp::Add => match (a.ty, b.ty) {
            (Int, Int) => Int,
            (Int | Float, Int | Float) => Float,
            (Str, Str) => Str,
            (Any, Int | Float | Str | Any) | (Int | Float | Str, Any) => Any,
            _ => return Err(mismatch("add")),
        },
        BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => match (a.ty, b.ty) {
            (Int, Int) => Int,
            (Int | Float, Int | Float) => Float,
            (Any, Int | Float | Any) | (Int | Float, Any) => Any,
            _ => return Err(mismatch("compute with")),
        },
        BinOp::Div => match (a.ty, b.ty) {
            (Int | Float | Any, Int | Float | Any) => Float,
            _ => return Err(mismatch("divide")),
        },
    })
}

//! Names and types: every variable resolved, every operator given operands it can take
//! (when their types are known at load), and the whole of the kind its step needs.

use std::collections::{BTreeMap, BTreeSet};

use super::{BinOp, ExprError, Node, NodeKind, Type, Want, funcs};
use crate::scenario::error::with_article;
use crate::scenario::prim::{MEMBERS, split_member};
use crate::scenario::steps::CURRENT_TASK;

/// The names an expression may use: locals (whose type is known when the step runs), shared
/// variables (integers) and primitives (whose state it may read: `q.qsize()`).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    locals: BTreeSet<String>,
    shared: BTreeSet<String>,
    floats: BTreeSet<String>,
    prims: BTreeMap<String, &'static str>,
}

/// Why a path cannot be read: a message and a hint.
pub(crate) type Unreadable = (String, String);

impl Scope {
    /// A scope of these locals and shared variables.
    pub fn new<'a>(
        locals: impl IntoIterator<Item = &'a str>,
        shared: impl IntoIterator<Item = &'a str>,
    ) -> Scope {
        Scope {
            locals: locals.into_iter().map(String::from).collect(),
            shared: shared.into_iter().map(String::from).collect(),
            floats: BTreeSet::new(),
            prims: BTreeMap::new(),
        }
    }

    /// This scope with these shared variables holding floats (the others hold integers).
    pub fn with_floats<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Scope {
        self.floats = names.into_iter().map(String::from).collect();
        self
    }

    /// This scope with primitives (`(name, kind)`, the kind as [`Prim::kind`] names it),
    /// whose state the expression may read.
    ///
    /// [`Prim::kind`]: crate::scenario::Prim::kind
    pub fn with_prims<'a>(
        mut self,
        prims: impl IntoIterator<Item = (&'a str, &'static str)>,
    ) -> Scope {
        self.prims = prims.into_iter().map(|(n, k)| (n.to_string(), k)).collect();
        self
    }

    /// The type `path` reads (`x`, `job.0`, `x:type`, `q.qsize()`, `t.done()`), `None`
    /// when its name is not defined, or why it cannot be read.
    pub(crate) fn resolve(&self, path: &str) -> Result<Option<Type>, Unreadable> {
        let (bare, typed) = match path
            .strip_suffix(":type")
            .or_else(|| path.strip_suffix("!r"))
        {
            Some(p) => (p, true),
            None => (path, false),
        };
        let (base, member) = split_member(bare);
        let name = base.split('.').next().unwrap_or("");
        let ty = match member {
            // asyncio's `loop.time()`, unless a name `loop` of the file hides it.
            Some("time()")
                if base == "loop"
                    && !self.locals.contains(name)
                    && !self.prims.contains_key(name)
                    && !self.shared.contains(name) =>
            {
                Type::Float
            }
            // asyncio's `asyncio.current_task().get_name()`, unless a name hides it.
            Some("get_name()")
                if base == CURRENT_TASK
                    && !self.locals.contains(name)
                    && !self.prims.contains_key(name)
                    && !self.shared.contains(name) =>
            {
                Type::Str
            }
            // asyncio's `asyncio.current_task().cancelling()`, unless a name hides it.
            Some("cancelling()")
                if base == CURRENT_TASK
                    && !self.locals.contains(name)
                    && !self.prims.contains_key(name)
                    && !self.shared.contains(name) =>
            {
                Type::Int
            }
            Some(m) => {
                let kind = if self.locals.contains(name) {
                    "task"
                } else if let Some(k) = self.prims.get(name) {
                    if base != name {
                        return Err((
                            format!("`{name}` is {}, not a list", with_article(k)),
                            format!("read its state as `{name}.{}`", members(k)[0]),
                        ));
                    }
                    k
                } else if self.shared.contains(name) {
                    return Err((
                        format!("`{name}` is a shared variable (an integer): it has no `{m}`"),
                        "states are read from primitives (`q.qsize()`) and tasks (`t.done()`)"
                            .to_string(),
                    ));
                } else {
                    return Ok(None);
                };
                match MEMBERS.iter().find(|(k, n, _)| *k == kind && *n == m) {
                    Some((_, _, ty)) => *ty,
                    None => {
                        let what = if kind == "task" {
                            "task or future"
                        } else {
                            kind
                        };
                        let known = members(kind);
                        let hint = match crate::scenario::error::closest(m, known.iter().copied()) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => format!(
                                "{}'s state: {}",
                                crate::scenario::error::with_article(what),
                                known
                                    .iter()
                                    .map(|n| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        return Err((format!("{} has no `{m}`", with_article(what)), hint));
                    }
                }
            }
            None if self.locals.contains(name) => Type::Any,
            None if self.shared.contains(name) => {
                if base.contains('.') {
                    Type::Any
                } else if self.floats.contains(name) {
                    Type::Float
                } else {
                    Type::Int
                }
            }
            None => match self.prims.get(name) {
                Some(k) => {
                    return Err((
                        format!("`{name}` is {}, not a value", with_article(k)),
                        format!("read its state, e.g. `{name}.{}`", members(k)[0]),
                    ));
                }
                None => return Ok(None),
            },
        };
        Ok(Some(if typed { Type::Str } else { ty }))
    }

    /// This scope with `name` a local too (a comprehension's name, seen by its item and
    /// its condition only): it hides a shared variable or a primitive of that name, as
    /// Python's comprehension scope does.
    fn with_local(&self, name: &str) -> Scope {
        let mut inner = self.clone();
        inner.locals.insert(name.to_string());
        inner.shared.remove(name);
        inner.floats.remove(name);
        inner.prims.remove(name);
        inner
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().chain(&self.shared).map(String::as_str)
    }
}

/// The members of `kind` as written (`locked()`, `n_waiting`).
fn members(kind: &str) -> Vec<&'static str> {
    MEMBERS
        .iter()
        .filter(|(k, ..)| *k == kind)
        .map(|(_, n, _)| *n)
        .collect()
}

/// Resolves names and types `node`, and checks it computes `want`.
pub(super) fn check(node: Node, scope: &Scope, want: Want) -> Result<Node, ExprError> {
    let node = typed(node, scope)?;
    let ok = match want {
        Want::Bool => matches!(node.ty, Type::Bool | Type::Any),
        Want::Int => matches!(node.ty, Type::Int | Type::Any),
        Want::Number => matches!(node.ty, Type::Int | Type::Float | Type::Any),
        Want::Value => true,
    };
    if !ok {
        let (what, hint) = match want {
            Want::Bool => (
                "a condition must be true or false",
                "compare it, e.g. `{x} > 0`",
            ),
            Want::Number => (
                "a float shared variable holds a number",
                "e.g. `{total} + 0.5`",
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
        NodeKind::None => Type::None,
        NodeKind::List(items) => {
            for item in items.iter_mut() {
                *item = typed(std::mem::replace(item, placeholder()), scope)?;
            }
            Type::List
        }
        NodeKind::Var(path) => match scope.resolve(path) {
            Ok(Some(ty)) => ty,
            Ok(None) => {
                let base = path.split(['.', ':']).next().unwrap_or("").to_string();
                let e = ExprError::new(node.span.clone(), format!("undefined variable `{base}`"));
                return Err(match crate::scenario::error::closest(&base, scope.names()) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint(
                        "variables are parameters, `i`, locals bound with `as`/`let`/`for`/`random`, and [vars]; a string is quoted: 'text'",
                    ),
                });
            }
            Err((message, hint)) => {
                return Err(ExprError::new(node.span.clone(), message).hint(hint));
            }
        },
        NodeKind::Not(arg) => {
            let a = typed(std::mem::replace(arg.as_mut(), placeholder()), scope)?;
            expect(&a, "`not`", |t| t == Type::Bool, "true or false")?;
            **arg = a;
            Type::Bool
        }
        NodeKind::Neg(arg) => {
            let a = typed(std::mem::replace(arg.as_mut(), placeholder()), scope)?;
            expect(
                &a,
                "`-`",
                |t| t == Type::Int || t == Type::Float,
                "a number",
            )?;
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
        NodeKind::Call(funcs::Func::IsInstance, args) if args.len() == 2 => {
            // The type is a name, not a variable: `isinstance(x, str)`.
            let name = funcs::type_name(&args[1])?;
            args[1].kind = NodeKind::Str(name);
            args[1].ty = Type::Str;
            args[0] = typed(std::mem::replace(&mut args[0], placeholder()), scope)?;
            Type::Bool
        }
        NodeKind::Call(f, args) => {
            for arg in args.iter_mut() {
                *arg = typed(std::mem::replace(arg, placeholder()), scope)?;
            }
            funcs::call_type(*f, args, node.span.clone())?
        }
        NodeKind::Index(base, index) => {
            let b = typed(std::mem::replace(base.as_mut(), placeholder()), scope)?;
            let i = typed(std::mem::replace(index.as_mut(), placeholder()), scope)?;
            expect(
                &b,
                "an index `[i]`",
                |t| matches!(t, Type::List | Type::Tuple | Type::Str),
                "a list, a tuple or a string",
            )?;
            expect(
                &i,
                "an index",
                |t| matches!(t, Type::Int | Type::Bool),
                "an integer",
            )?;
            let ty = if b.ty == Type::Str {
                Type::Str
            } else {
                Type::Any
            };
            **base = b;
            **index = i;
            ty
        }
        NodeKind::Comp(c) => {
            c.iter = typed(std::mem::replace(&mut c.iter, placeholder()), scope)?;
            expect(
                &c.iter,
                "a comprehension's `in`",
                |t| matches!(t, Type::List | Type::Tuple | Type::Str),
                "a list, a tuple or a string",
            )?;
            let inner = scope.with_local(&c.name);
            c.item = typed(std::mem::replace(&mut c.item, placeholder()), &inner)?;
            if let Some(cond) = c.cond.as_mut() {
                *cond = typed(std::mem::replace(cond, placeholder()), &inner)?;
                expect(
                    cond,
                    "a comprehension's `if`",
                    |t| t == Type::Bool,
                    "true or false",
                )?;
            }
            Type::List
        }
        NodeKind::IfElse(cond, then, other) => {
            let c = typed(std::mem::replace(cond.as_mut(), placeholder()), scope)?;
            expect(
                &c,
                "`if` in `a if c else b`",
                |t| t == Type::Bool,
                "true or false",
            )?;
            let a = typed(std::mem::replace(then.as_mut(), placeholder()), scope)?;
            let b = typed(std::mem::replace(other.as_mut(), placeholder()), scope)?;
            let ty = if a.ty == b.ty { a.ty } else { Type::Any };
            **cond = c;
            **then = a;
            **other = b;
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
    use Type::{Any, Bool, Float, Int, List, Str, Tuple};
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
            (Any, _)
            | (_, Any)
            | (Int | Float, Int | Float)
            | (Str, Str)
            | (List, List)
            | (Tuple, Tuple) => Bool,
            _ => return Err(mismatch("order")),
        },
        BinOp::In | BinOp::NotIn => match (a.ty, b.ty) {
            (_, Any | List | Tuple) | (Str | Any, Str) => Bool,
            (_, Str) => {
                return Err(ExprError::new(
                    a.span.clone(),
                    format!(
                        "`{}` a string looks for a string, and this is {}",
                        op.symbol(),
                        a.ty.name()
                    ),
                ));
            }
            _ => {
                return Err(ExprError::new(
                    b.span.clone(),
                    format!(
                        "`{}` needs a list, a tuple or a string on its right, and this is {}",
                        op.symbol(),
                        b.ty.name()
                    ),
                ));
            }
        },
        BinOp::Add => match (a.ty, b.ty) {
            (Int, Int) => Int,
            (Int | Float, Int | Float) => Float,
            (Str, Str) => Str,
            (List, List) => List,
            (Tuple, Tuple) => Tuple,
            (Any, Int | Float | Str | List | Tuple | Any)
            | (Int | Float | Str | List | Tuple, Any) => Any,
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

#[cfg(test)]
mod examples {
    #[test]
    fn with_floats_types_the_shared_variables() {
        use crate::scenario::expr::{self, Scope, Want};
        let scope = Scope::new([], ["total"]).with_floats(["total"]);
        assert!(expr::parse("total + 0.5", &scope, Want::Number).is_ok());
        assert!(expr::parse("total + 0.5", &scope, Want::Int).is_err());
    }

    #[test]
    fn with_prims_reads_state() {
        use crate::scenario::expr::{self, Scope, Want};
        let scope = Scope::new([], []).with_prims([("q", "queue")]);
        assert!(expr::parse("q.qsize() > 0 and not q.full()", &scope, Want::Bool).is_ok());
        let err = expr::parse("q.size() > 0", &scope, Want::Bool).unwrap_err();
        assert_eq!(err.message, "a queue has no `size()`");
    }
}

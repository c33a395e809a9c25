//! The second pass: turns the raw file into a [`Scenario`], checking names, types that serde
//! cannot express, which keys go with which verb, and expectations that cannot hold.

use std::collections::BTreeSet;
use std::ops::Range;
use std::rc::Rc;

use toml::Spanned;

mod combine_step;
mod except_star;
mod file;
mod locals;
mod loop_step;
mod step;
mod sync_step;
mod verbs;

pub use self::file::parse;
pub use self::verbs::VERBS;
use self::verbs::present_keys;

use self::locals::{Known, RENAME_HINT, Use, misuse_hint, prim_hint};
use super::error::{ScenarioError, closest, line_column, with_article};
use super::expr::{self, Expr, Scope as ExprScope, Want};
use super::model::*;
use super::prim::*;
use super::raw::*;
use super::steps::*;
use super::template::{Part, Template};

type Span = Range<usize>;

struct Cx<'a> {
    path: &'a str,
    text: &'a str,
    prims: Vec<(String, Prim)>,
    task_keys: Vec<String>,
    task_params: Vec<Vec<String>>,
    vars: Vec<String>,
    /// Whether each shared variable holds a float (else an integer).
    float_vars: Vec<bool>,
    /// The named done-callbacks (`callback` of an `add_done_callback`), sorted.
    callbacks: Vec<String>,
}

/// Names visible in a task body: its parameters, `i`, and locals bound so far.
struct Scope {
    names: BTreeSet<String>,
    /// What the template's locals are known to hold (shared by its nested scopes).
    known: Rc<Known>,
}

impl Scope {
    /// A scope for a block that binds its own locals (a shield's body, a gather item).
    fn inner(&self) -> Scope {
        Scope {
            names: self.names.clone(),
            known: Rc::clone(&self.known),
        }
    }
}

impl Cx<'_> {
    fn err(&self, span: Span, msg: impl Into<String>) -> ScenarioError {
        ScenarioError::at(self.path, self.text, span, msg)
    }

    /// Where byte span `span` starts (every step has one, so it is kept small: a scenario
    /// file of at most 4 MiB has fewer lines and columns than `u32` counts).
    fn loc(&self, span: Span) -> Loc {
        let (line, column) = line_column(self.text, span.start);
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Loc {
            line: small(line),
            column: small(column),
        }
    }

    fn template(&self, s: &Spanned<String>, scope: &Scope) -> Result<Template, ScenarioError> {
        self.template_str(s.get_ref(), s.span(), scope)
    }

    fn template_str(
        &self,
        text: &str,
        span: Span,
        scope: &Scope,
    ) -> Result<Template, ScenarioError> {
        // The span covers the quotes; offsets inside the text are one further.
        let t = Template::parse(text).map_err(|e| {
            let at = span.start + 1 + e.offset;
            self.err(at..at + 1, e.message)
        })?;
        let mut t = t;
        if t.is_literal() {
            return Ok(t);
        }
        let reads = self.expr_scope(Some(scope));
        for part in &mut t.parts {
            if let Part::Code(code, offset) = part {
                // A placeholder that is not a name is an expression, checked as any is.
                let base = span.start + 1 + *offset;
                // An f-string's `!r` after an expression is Python's `repr` of it, as after
                // a name (`{eg.exceptions[0]!r}`).
                let (source, repr) = match code.trim_end().strip_suffix("!r") {
                    Some(c) => (c, true),
                    None => (code.as_str(), false),
                };
                let root = expr::parse(source, &reads, Want::Value).map_err(|e| {
                    let err = self.err(base + e.span.start..base + e.span.end, e.message);
                    match e.hint {
                        Some(h) => err.hint(h),
                        None => err,
                    }
                })?;
                let root = match repr {
                    true => expr::Node {
                        span: root.span.clone(),
                        ty: expr::Type::Str,
                        kind: expr::NodeKind::Call(expr::Func::Repr, vec![root]),
                    },
                    false => root,
                };
                *part = Part::Expr(Box::new(Expr {
                    text: std::mem::take(code),
                    at: self.loc(base..base + 1),
                    root,
                }));
                continue;
            }
            let Part::Var(path) = part else { continue };
            let name = path.split(['.', ':']).next().unwrap_or("");
            let resolved = reads.resolve(path);
            if let Err((message, hint)) = resolved {
                let at = text
                    .find(&format!("{{{path}}}"))
                    .map_or(span.start, |o| span.start + 1 + o);
                return Err(self.err(at..at + path.len() + 2, message).hint(hint));
            }
            if resolved == Ok(None) {
                let known: Vec<&str> = scope
                    .names
                    .iter()
                    .map(String::as_str)
                    .chain(self.vars.iter().map(String::as_str))
                    .collect();
                let at = text
                    .find(&format!("{{{name}"))
                    .map_or(span.start, |o| span.start + 1 + o);
                let mut e = self.err(
                    at..at + name.len() + 2,
                    format!("undefined variable `{name}` in template"),
                );
                e = match closest(name, known.iter().copied()) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint(format!(
                        "variables here: {} (parameters, `i`, locals bound with `as`/`let`, and [vars])",
                        list(&known)
                    )),
                };
                return Err(e);
            }
        }
        Ok(t)
    }

    fn value_expr(&self, s: &Spanned<Scalar>, scope: &Scope) -> Result<ValueExpr, ScenarioError> {
        fn conv(
            cx: &Cx<'_>,
            v: &Scalar,
            span: &Span,
            scope: &Scope,
        ) -> Result<ValueExpr, ScenarioError> {
            match v {
                Scalar::List(items) => Ok(ValueExpr::List(
                    items
                        .iter()
                        .map(|i| conv(cx, i, span, scope))
                        .collect::<Result<_, _>>()?,
                )),
                Scalar::Str(text) => Ok(ValueExpr::One(cx.template_str(
                    text,
                    span.clone(),
                    scope,
                )?)),
                Scalar::Int(i) => Ok(ValueExpr::Lit(Literal::Int(*i))),
                Scalar::Float(f) => Ok(ValueExpr::Lit(Literal::Float(*f))),
                Scalar::Bool(b) => Ok(ValueExpr::Lit(Literal::Bool(*b))),
            }
        }
        conv(self, s.get_ref(), &s.span(), scope)
    }

    fn int_expr(&self, s: &Spanned<Scalar>, scope: &Scope) -> Result<IntExpr, ScenarioError> {
        match s.get_ref() {
            Scalar::Int(i) => Ok(IntExpr::Lit(*i)),
            Scalar::Str(text) => Ok(IntExpr::Template(self.template_str(
                text,
                s.span(),
                scope,
            )?)),
            _ => Err(self
                .err(s.span(), "expected an integer or a template string")
                .hint("write a whole number like `3`, or `\"{n}\"`")),
        }
    }

    /// An error when a name is written as a template: names are resolved when the file is
    /// read, so `{...}` in them is never filled.
    fn not_a_template(&self, s: &Spanned<String>, what: &str) -> Result<(), ScenarioError> {
        match s.get_ref().find('{') {
            Some(_) => Err(self
                .err(s.span(), format!("a {what} name is not a template: `{{...}}` is not filled here"))
                .hint("names of tasks, locals, primitives and shared variables are written out; choose among several with `if`, or keep tasks in a list (`spawn ... count`)")),
            None => Ok(()),
        }
    }

    fn task_ref(&self, s: &Spanned<String>) -> Result<usize, ScenarioError> {
        self.not_a_template(s, "task template")?;
        let name = s.get_ref();
        self.task_keys
            .iter()
            .position(|k| k == name)
            .ok_or_else(|| {
                let e = self.err(s.span(), format!("undefined task `{name}`"));
                match closest(name, self.task_keys.iter().map(String::as_str)) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None if self.task_keys.is_empty() => {
                        e.hint("declare it as a [tasks.NAME] table with `steps = [...]`")
                    }
                    None => e.hint(format!("declared tasks: {}", list(&self.task_keys))),
                }
            })
    }

    /// The local `s` names, used as `how` says (`what` names the kind in messages): an
    /// error when it is not bound here, or when it is known to hold a value that cannot be
    /// used so (`await` of a number, `set_result` on a task).
    fn local_ref(
        &self,
        s: &Spanned<String>,
        scope: &Scope,
        what: &str,
        how: Use,
    ) -> Result<String, ScenarioError> {
        self.not_a_template(s, what)?;
        let name = s.get_ref();
        if scope.names.contains(name) {
            return match scope.known.get(name) {
                Some((held, at)) if !how.accepts(held) => {
                    let (line, column) = line_column(self.text, at.start);
                    Err(self
                        .err(
                            s.span(),
                            format!(
                                "`{name}` holds {} (bound at {line}:{column}), not {}",
                                held.describe(),
                                how.needs()
                            ),
                        )
                        .hint(misuse_hint(how, held)))
                }
                _ => Ok(name.clone()),
            };
        }
        if let Some((_, prim)) = self.prims.iter().find(|(n, _)| n == name) {
            return Err(self
                .err(
                    s.span(),
                    format!(
                        "`{name}` is {}, not {}",
                        with_article(prim.kind()),
                        with_article(what)
                    ),
                )
                .hint(if how == Use::Rename {
                    RENAME_HINT.to_string()
                } else {
                    prim_hint(*prim, name)
                }));
        }
        if self.vars.iter().any(|v| v == name) {
            return Err(self
                .err(
                    s.span(),
                    format!("`{name}` is a shared variable, not {}", with_article(what)),
                )
                .hint("a task or future is held by a local: `{ spawn = \"worker\", as = \"t\" }`, `{ create_future = \"f\" }`"));
        }
        let e = self.err(s.span(), format!("undefined {what} `{name}`"));
        Err(
            match closest(name, scope.names.iter().map(String::as_str)) {
                Some(c) => e.hint(format!("did you mean `{c}`?")),
                None => e.hint(
                    "bind it first, e.g. `{ spawn = \"worker\", as = \"".to_string()
                        + name
                        + "\" }`",
                ),
            },
        )
    }

    fn steps(
        &self,
        raw: &[Spanned<RawStep>],
        scope: &mut Scope,
    ) -> Result<Vec<Located>, ScenarioError> {
        raw.iter()
            .map(|s| {
                Ok(Located {
                    at: self.loc(s.span()),
                    step: self.step(s, scope)?,
                })
            })
            .collect()
    }

    fn block(
        &self,
        b: &Option<Spanned<Vec<Spanned<RawStep>>>>,
        verb: &str,
        span: Span,
        scope: &mut Scope,
    ) -> Result<Vec<Located>, ScenarioError> {
        match b {
            Some(b) => self.steps(b.get_ref(), scope),
            None => Err(self
                .err(
                    span,
                    format!("`{verb}` needs a `do = [...]` block of steps"),
                )
                .hint(format!(
                    "e.g. `{{ {verb} = ..., do = [{{ log = \"tick\" }}] }}`"
                ))),
        }
    }

    /// An exception to raise: its type (a name) and its message (a template, empty when
    /// not given).
    fn exception(
        &self,
        kind: &Spanned<String>,
        message: &Option<Spanned<String>>,
        scope: &Scope,
    ) -> Result<(String, Template), ScenarioError> {
        if !is_ident(kind.get_ref()) {
            return Err(self.err(kind.span(), "an exception type is a name like `ValueError`"));
        }
        let message = match message {
            Some(m) => self.template(m, scope)?,
            None => Template::literal(""),
        };
        Ok((kind.get_ref().clone(), message))
    }

    /// Resolves a primitive name; `want` lists the kinds the step accepts.
    fn prim_ref(
        &self,
        name: &Spanned<String>,
        verb: &str,
        want: &[&str],
    ) -> Result<Prim, ScenarioError> {
        self.not_a_template(name, &want.join(" or "))?;
        let kind_of = |p: &Prim| p.kind();
        match self.prims.iter().find(|(n, _)| n == name.get_ref()) {
            Some((_, p)) if want.contains(&kind_of(p)) => Ok(*p),
            Some((_, p)) => Err(self
                .err(
                    name.span(),
                    format!(
                        "`{}` is {}, but `{verb}` needs {}",
                        name.get_ref(),
                        with_article(kind_of(p)),
                        with_article(&want.join(" or "))
                    ),
                )
                .hint(format!("declare one with [{}s.NAME]", want[0]))),
            None => {
                let e = self.err(
                    name.span(),
                    format!("undefined {} `{}`", want.join(" or "), name.get_ref()),
                );
                let same: Vec<&str> = self
                    .prims
                    .iter()
                    .filter(|(_, p)| want.contains(&kind_of(p)))
                    .map(|(n, _)| n.as_str())
                    .collect();
                Err(match closest(name.get_ref(), same.iter().copied()) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint(format!("declare it as [{}s.{}]", want[0], name.get_ref())),
                })
            }
        }
    }

    /// A duration written as a string: a template with placeholders, or a number.
    fn dur_template(
        &self,
        t: &str,
        span: Span,
        scope: &Scope,
        what: &str,
    ) -> Result<Dur, ScenarioError> {
        let tpl = self.template_str(t, span.clone(), scope)?;
        if !tpl.is_literal() {
            return Ok(Dur::Template(tpl));
        }
        match t.trim().parse::<f64>().ok().and_then(seconds) {
            Some(d) => Ok(Dur::Fixed(d)),
            None => Err(self
                .err(span, what)
                .hint("e.g. `1.5`, or a template like `\"{delay}\"`")),
        }
    }

    /// A time limit (`wait_for`, `timeout`, a `wait`'s `timeout`): seconds as a number or a
    /// template; `what` says what it takes and `example` how to write it.
    fn limit(
        &self,
        d: &Spanned<Scalar>,
        scope: &Scope,
        what: &str,
        example: &str,
    ) -> Result<Dur, ScenarioError> {
        let fixed = match d.get_ref() {
            Scalar::Int(i) => seconds(*i as f64),
            Scalar::Float(f) => seconds(*f),
            _ => None,
        };
        match (fixed, d.get_ref()) {
            (Some(fixed), _) => Ok(Dur::Fixed(fixed)),
            (None, Scalar::Str(t)) => self.dur_template(t, d.span(), scope, what),
            _ => Err(self.err(d.span(), what).hint(example)),
        }
    }

    fn var_ref(&self, name: &Spanned<String>) -> Result<usize, ScenarioError> {
        self.not_a_template(name, "shared variable")?;
        self.vars
            .iter()
            .position(|v| v == name.get_ref())
            .ok_or_else(|| {
                let e = self.err(
                    name.span(),
                    format!("undefined shared variable `{}`", name.get_ref()),
                );
                match closest(name.get_ref(), self.vars.iter().map(String::as_str)) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint(format!(
                        "declare it in [vars], e.g. `{} = 0`",
                        name.get_ref()
                    )),
                }
            })
    }

    /// The names an expression or template sees: `scope`'s locals (none for invariants),
    /// the shared variables and the primitives.
    fn expr_scope(&self, scope: Option<&Scope>) -> ExprScope {
        let locals = scope
            .into_iter()
            .flat_map(|s| s.names.iter().map(String::as_str));
        ExprScope::new(locals, self.vars.iter().map(String::as_str))
            .with_floats(
                self.vars
                    .iter()
                    .zip(&self.float_vars)
                    .filter(|(_, f)| **f)
                    .map(|(n, _)| n.as_str()),
            )
            .with_prims(self.prims.iter().map(|(n, p)| (n.as_str(), p.kind())))
    }

    /// Parses and checks an expression written in the string `s`; `scope` is `None` where
    /// only shared variables are visible (invariants).
    fn expr(
        &self,
        s: &Spanned<String>,
        scope: Option<&Scope>,
        want: Want,
    ) -> Result<Expr, ScenarioError> {
        let names = self.expr_scope(scope);
        // The span covers the quotes; offsets inside the text are one further.
        let base = s.span().start + 1;
        let root = expr::parse(s.get_ref(), &names, want).map_err(|e| {
            let err = self.err(base + e.span.start..base + e.span.end, e.message);
            match e.hint {
                Some(h) => err.hint(h),
                None => err,
            }
        })?;
        Ok(Expr {
            text: s.get_ref().clone(),
            at: self.loc(s.span()),
            root,
        })
    }
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn list(names: &[impl AsRef<str>]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Python's `repr` of a float: `1.0`, `0.5`.
pub fn py_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// The local a step's `as` binds (now in `scope`), if it has one.
fn bind_as(r: &RawStep, scope: &mut Scope) -> Option<String> {
    r.as_.as_ref().map(|a| {
        scope.names.insert(a.get_ref().clone());
        a.get_ref().clone()
    })
}

fn has_return(steps: &[Located]) -> bool {
    steps.iter().any(|s| match &s.step {
        Step::Return(_) => true,
        Step::For { body, .. }
        | Step::ForIn { body, .. }
        | Step::Repeat { body, .. }
        | Step::WhileBefore { body, .. }
        | Step::While { body, .. }
        | Step::OnCancel { body, .. } => has_return(body),
        Step::Try {
            body,
            handler,
            finally,
            ..
        } => {
            has_return(body)
                || handler.as_ref().is_some_and(|h| has_return(h))
                || has_return(finally)
        }
        Step::If { then, other, .. } => has_return(then) || has_return(other),
        Step::With { body, .. }
        | Step::Timeout { body, .. }
        | Step::TaskGroup { body, .. }
        | Step::AsCompleted { body, .. } => has_return(body),
        _ => false,
    })
}

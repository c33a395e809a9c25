//! The second pass: turns the raw file into a [`Scenario`], checking names, types that serde
//! cannot express, which keys go with which verb, and expectations that cannot hold.

use std::collections::BTreeSet;
use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::error::{ScenarioError, closest};
use super::model::*;
use super::raw::*;
use super::template::Template;

/// The verbs a step may use, with the modifiers each accepts.
pub const VERBS: &[(&str, &[&str])] = &[
    ("sleep", &[]),
    ("yield", &[]),
    ("random", &["from", "to"]),
    ("log", &[]),
    ("spawn", &["args", "count", "as"]),
    ("call", &["args", "as"]),
    ("await", &["as"]),
    ("cancel", &["message"]),
    ("fail", &["message"]),
    ("return", &[]),
    ("for", &["from", "to", "below", "do"]),
    ("repeat", &["do"]),
    ("while_before", &["do"]),
    ("try", &["except", "error", "as"]),
    ("on_cancel", &["do"]),
    ("let", &["value"]),
    ("set", &["value", "add"]),
    ("if", &["do", "else"]),
    ("gather", &["return_exceptions", "as"]),
    ("wait_for", &["do"]),
    ("timeout", &["do"]),
    ("shield", &["as"]),
    ("wait", &["return_when", "as"]),
    ("as_completed", &["as", "do"]),
    ("task_group", &[]),
    ("acquire", &[]),
    ("release", &[]),
    ("with", &["do"]),
    ("set_event", &[]),
    ("clear_event", &[]),
    ("wait_event", &[]),
    ("notify", &["n"]),
    ("notify_all", &[]),
    ("wait_condition", &["until"]),
    ("put", &["value"]),
    ("get", &["as"]),
    ("task_done", &[]),
    ("join", &[]),
];

type Span = Range<usize>;

/// Every key present in a step, with its span.
fn present_keys(s: &RawStep) -> Vec<(&'static str, Span)> {
    let mut v = Vec::new();
    macro_rules! key {
        ($($field:ident => $name:literal),* $(,)?) => {
            $( if let Some(x) = &s.$field { v.push(($name, x.span())); } )*
        };
    }
    key!(
        sleep => "sleep", yield_ => "yield", random => "random", log => "log", spawn => "spawn", call => "call",
        await_ => "await", cancel => "cancel", fail => "fail", return_ => "return",
        for_ => "for", repeat => "repeat", while_before => "while_before", try_ => "try",
        on_cancel => "on_cancel", let_ => "let", set => "set", if_ => "if",
        gather => "gather", wait => "wait", as_completed => "as_completed",
        wait_for => "wait_for", timeout => "timeout", shield => "shield",
        task_group => "task_group", acquire => "acquire", release => "release", with => "with",
        set_event => "set_event", clear_event => "clear_event", wait_event => "wait_event",
        notify => "notify", notify_all => "notify_all", wait_condition => "wait_condition",
        put => "put", get => "get", task_done => "task_done", join => "join",
        as_ => "as", args => "args", count => "count", do_ => "do", else_ => "else",
        except => "except", error => "error", from => "from", to => "to", below => "below", value => "value",
        add => "add", message => "message", return_exceptions => "return_exceptions",
        return_when => "return_when", n => "n", until => "until",
    );
    v
}

struct Cx<'a> {
    path: &'a str,
    text: &'a str,
    prims: Vec<(String, Prim)>,
    task_keys: Vec<String>,
    task_params: Vec<Vec<String>>,
    vars: Vec<String>,
}

/// Names visible in a task body: its parameters, `i`, and locals bound so far.
struct Scope {
    names: BTreeSet<String>,
}

impl Cx<'_> {
    fn err(&self, span: Span, msg: impl Into<String>) -> ScenarioError {
        ScenarioError::at(self.path, self.text, span, msg)
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
        for name in t.vars() {
            if !scope.names.contains(name) && !self.vars.iter().any(|v| v == name) {
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

    fn scalar_template(
        &self,
        s: &Spanned<Scalar>,
        scope: &Scope,
    ) -> Result<Template, ScenarioError> {
        match s.get_ref() {
            Scalar::Str(text) => self.template_str(text, s.span(), scope),
            Scalar::Int(i) => Ok(Template::literal(i.to_string())),
            Scalar::Float(f) => Ok(Template::literal(py_float(*f))),
            Scalar::Bool(b) => Ok(Template::literal(if *b { "True" } else { "False" })),
            Scalar::List(_) => Err(self
                .err(s.span(), "a list is not allowed here")
                .hint("only `let` values may be lists")),
        }
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
                other => Ok(ValueExpr::One(cx.scalar_template(
                    &Spanned::new(span.clone(), other.clone()),
                    scope,
                )?)),
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

    fn task_ref(&self, s: &Spanned<String>) -> Result<usize, ScenarioError> {
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

    fn local_ref(
        &self,
        s: &Spanned<String>,
        scope: &Scope,
        what: &str,
    ) -> Result<String, ScenarioError> {
        let name = s.get_ref();
        if scope.names.contains(name) {
            return Ok(name.clone());
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
    ) -> Result<Vec<Step>, ScenarioError> {
        raw.iter().map(|s| self.step(s, scope)).collect()
    }

    fn block(
        &self,
        b: &Option<Spanned<Vec<Spanned<RawStep>>>>,
        verb: &str,
        span: Span,
        scope: &mut Scope,
    ) -> Result<Vec<Step>, ScenarioError> {
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

    fn step(&self, s: &Spanned<RawStep>, scope: &mut Scope) -> Result<Step, ScenarioError> {
        let keys = present_keys(s.get_ref());
        let verbs: Vec<&(&str, Span)> = keys
            .iter()
            .filter(|(k, _)| VERBS.iter().any(|(v, _)| v == k))
            .collect();
        let all_verbs: Vec<&str> = VERBS.iter().map(|v| v.0).collect();
        let (verb, vspan) = match verbs.as_slice() {
            [one] => (one.0, one.1.clone()),
            [] => {
                return Err(self
                    .err(s.span(), "this step has no verb: it does nothing")
                    .hint(format!("start it with one of: {}", all_verbs.join(", "))));
            }
            [first, second, ..] => {
                return Err(self
                    .err(
                        second.1.clone(),
                        format!(
                            "a step has one verb, this one has `{}` and `{}`",
                            first.0, second.0
                        ),
                    )
                    .hint("split it into two steps"));
            }
        };
        let allowed = VERBS
            .iter()
            .find(|(v, _)| *v == verb)
            .map(|v| v.1)
            .unwrap_or(&[]);
        for (k, span) in &keys {
            if *k != verb && !allowed.contains(k) {
                let hint = if allowed.is_empty() {
                    format!("`{verb}` takes no other keys")
                } else {
                    format!("`{verb}` accepts: {}", allowed.join(", "))
                };
                return Err(self
                    .err(span.clone(), format!("key `{k}` does not go with `{verb}`"))
                    .hint(hint));
            }
        }
        let r = s.get_ref();
        let bind = |scope: &mut Scope| {
            r.as_.as_ref().map(|a| {
                scope.names.insert(a.get_ref().clone());
                a.get_ref().clone()
            })
        };
        Ok(match verb {
            "sleep" => {
                let d = r.sleep.as_ref().expect("present");
                Step::Sleep(match d.get_ref() {
                    RawDuration::Secs(Scalar::Int(i)) if *i >= 0 => {
                        Dur::Fixed(Duration::from_secs(*i as u64))
                    }
                    RawDuration::Secs(Scalar::Float(f))
                        if f.is_finite() && *f >= 0.0 && *f < 1e9 =>
                    {
                        Dur::Fixed(Duration::from_secs_f64(*f))
                    }
                    RawDuration::Secs(Scalar::Str(t)) => self.dur_template(
                        t,
                        d.span(),
                        scope,
                        "a sleep lasts a non-negative number of seconds",
                    )?,
                    RawDuration::Random { min, max } if 0 <= *min && min <= max => Dur::Random {
                        min: *min as u64,
                        max: *max as u64,
                    },
                    RawDuration::Random { .. } => {
                        return Err(self
                            .err(d.span(), "a random sleep needs 0 <= min <= max")
                            .hint("e.g. `sleep = { min = 0, max = 5 }`"));
                    }
                    _ => {
                        return Err(self
                            .err(d.span(), "a sleep lasts a non-negative number of seconds")
                            .hint("e.g. `sleep = 1.5`, `sleep = \"{delay}\"` or `sleep = { min = 0, max = 5 }`"));
                    }
                })
            }
            "yield" => Step::Yield(self.int_expr(r.yield_.as_ref().expect("present"), scope)?),
            "random" => {
                let name = r.random.as_ref().expect("present");
                if !is_ident(name.get_ref()) {
                    return Err(self.err(name.span(), "a local is a name like `delay`"));
                }
                let (Some(from), Some(to)) = (&r.from, &r.to) else {
                    return Err(self
                        .err(vspan, "`random` needs `from` and `to` (inclusive)")
                        .hint("e.g. `{ random = \"delay\", from = 0, to = 5 }`"));
                };
                let (from, to) = (self.int_expr(from, scope)?, self.int_expr(to, scope)?);
                if let (IntExpr::Lit(a), IntExpr::Lit(b)) = (&from, &to)
                    && a > b
                {
                    return Err(
                        self.err(vspan, format!("impossible range: from {a} is above to {b}"))
                    );
                }
                scope.names.insert(name.get_ref().clone());
                Step::Random {
                    name: name.get_ref().clone(),
                    from,
                    to,
                }
            }
            "log" => Step::Log(self.template(r.log.as_ref().expect("present"), scope)?),
            "spawn" | "call" => {
                let target = if verb == "spawn" { &r.spawn } else { &r.call };
                let target = target.as_ref().expect("present");
                let task = self.task_ref(target)?;
                let mut args = Vec::new();
                let params = &self.task_params[task];
                let given = r.args.as_ref();
                if let Some(given) = given {
                    for k in given.get_ref().keys() {
                        if !params.contains(k.get_ref()) {
                            let e = self.err(
                                k.span(),
                                format!(
                                    "task `{}` has no parameter `{}`",
                                    self.task_keys[task],
                                    k.get_ref()
                                ),
                            );
                            return Err(
                                match closest(k.get_ref(), params.iter().map(String::as_str)) {
                                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                                    None => e.hint(format!("its parameters: {}", list(params))),
                                },
                            );
                        }
                    }
                }
                for p in params {
                    let v = given.and_then(|g| g.get_ref().iter().find(|(k, _)| k.get_ref() == p));
                    match v {
                        Some((_, v)) => args.push((p.clone(), self.scalar_template(v, scope)?)),
                        None => {
                            let span = given.map_or(target.span(), |g| g.span());
                            return Err(self
                                .err(
                                    span,
                                    format!(
                                        "missing argument `{p}` for task `{}`",
                                        self.task_keys[task]
                                    ),
                                )
                                .hint(format!("add `args = {{ {p} = ... }}`")));
                        }
                    }
                }
                let invoke = Invoke { task, args };
                if verb == "spawn" {
                    let count = match &r.count {
                        Some(c) if matches!(c.get_ref(), Scalar::Int(n) if *n < 0) => {
                            return Err(self.err(c.span(), "`count` cannot be negative"));
                        }
                        Some(c) => Some(self.int_expr(c, scope)?),
                        None => None,
                    };
                    Step::Spawn {
                        invoke,
                        count,
                        bind: bind(scope),
                    }
                } else {
                    Step::Call {
                        invoke,
                        bind: bind(scope),
                    }
                }
            }
            "await" => {
                let target = self.local_ref(r.await_.as_ref().expect("present"), scope, "task")?;
                Step::Await {
                    target,
                    bind: bind(scope),
                }
            }
            "cancel" => {
                let target = self.local_ref(r.cancel.as_ref().expect("present"), scope, "task")?;
                let message = r
                    .message
                    .as_ref()
                    .map(|m| self.template(m, scope))
                    .transpose()?;
                Step::Cancel { target, message }
            }
            "fail" => {
                let kind = r.fail.as_ref().expect("present");
                if !is_ident(kind.get_ref()) {
                    return Err(
                        self.err(kind.span(), "an exception type is a name like `ValueError`")
                    );
                }
                let message = match &r.message {
                    Some(m) => self.template(m, scope)?,
                    None => Template::literal(""),
                };
                Step::Fail {
                    kind: kind.get_ref().clone(),
                    message,
                }
            }
            "return" => {
                Step::Return(self.scalar_template(r.return_.as_ref().expect("present"), scope)?)
            }
            "for" => {
                let var = r.for_.as_ref().expect("present");
                if !is_ident(var.get_ref()) {
                    return Err(self.err(var.span(), "a loop variable is a name like `i`"));
                }
                let (from, to, inclusive) = match (&r.from, &r.to, &r.below) {
                    (Some(from), Some(to), None) => (from, to, true),
                    (Some(from), None, Some(below)) => (from, below, false),
                    _ => {
                        return Err(self
                            .err(var.span(), "`for` needs `from` and either `to` (inclusive) or `below` (exclusive)")
                            .hint("e.g. `{ for = \"i\", from = 2, to = \"{n}\", do = [...] }` or `from = 0, below = \"{n}\"`"));
                    }
                };
                let from = self.int_expr(from, scope)?;
                let to = self.int_expr(to, scope)?;
                scope.names.insert(var.get_ref().clone());
                let body = self.block(&r.do_, "for", var.span(), scope)?;
                Step::For {
                    var: var.get_ref().clone(),
                    from,
                    to,
                    inclusive,
                    body,
                }
            }
            "repeat" => {
                let times = self.int_expr(r.repeat.as_ref().expect("present"), scope)?;
                let body = self.block(&r.do_, "repeat", vspan, scope)?;
                Step::Repeat { times, body }
            }
            "while_before" => {
                let t = r.while_before.as_ref().expect("present");
                if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0 && *t.get_ref() < 1e9) {
                    return Err(self.err(
                        t.span(),
                        "`while_before` is a time in seconds since the run began",
                    ));
                }
                let body = self.block(&r.do_, "while_before", vspan, scope)?;
                Step::WhileBefore {
                    until: Duration::from_secs_f64(*t.get_ref()),
                    body,
                }
            }
            "try" => {
                let body = self.steps(r.try_.as_ref().expect("present").get_ref(), scope)?;
                let kind = r.error.as_ref().map(|k| k.get_ref().clone());
                let bind = bind(scope);
                let handler = match &r.except {
                    Some(h) => self.steps(h.get_ref(), scope)?,
                    None => {
                        return Err(self
                            .err(vspan, "`try` needs an `except = [...]` handler")
                            .hint("use `except = []` to swallow the error"));
                    }
                };
                Step::Try {
                    body,
                    kind,
                    bind,
                    handler,
                }
            }
            "on_cancel" => {
                let line = self.template(r.on_cancel.as_ref().expect("present"), scope)?;
                let body = self.block(&r.do_, "on_cancel", vspan, scope)?;
                Step::OnCancel { line, body }
            }
            "let" => {
                let name = r.let_.as_ref().expect("present");
                if !is_ident(name.get_ref()) {
                    return Err(self.err(name.span(), "a local is a name like `v`"));
                }
                let Some(value) = &r.value else {
                    return Err(self
                        .err(vspan, "`let` needs a `value`")
                        .hint("e.g. `{ let = \"v\", value = \"{counter}\" }`"));
                };
                let value = self.value_expr(value, scope)?;
                scope.names.insert(name.get_ref().clone());
                Step::Let {
                    name: name.get_ref().clone(),
                    value,
                }
            }
            "set" => {
                let name = r.set.as_ref().expect("present");
                let var = self.var_ref(name)?;
                let Some(value) = &r.value else {
                    return Err(self
                        .err(vspan, "`set` needs a `value`")
                        .hint("e.g. `{ set = \"counter\", value = \"{v}\", add = 1 }`"));
                };
                let value = self.scalar_template(value, scope)?;
                Step::Set {
                    var,
                    value,
                    add: r.add.as_ref().map_or(0, |a| *a.get_ref()),
                }
            }
            "if" => {
                let c = r.if_.as_ref().expect("present");
                let cond = self.cond(c, scope)?;
                let then = self.block(&r.do_, "if", vspan, scope)?;
                let other = match &r.else_ {
                    Some(e) => self.steps(e.get_ref(), scope)?,
                    None => Vec::new(),
                };
                Step::If { cond, then, other }
            }
            "gather" => {
                let items = r.gather.as_ref().expect("present");
                let mut calls = Vec::new();
                let mut tasks = Vec::new();
                for item in items.get_ref() {
                    let mut inner = Scope {
                        names: scope.names.clone(),
                    };
                    match self.step(item, &mut inner)? {
                        Step::Call { invoke, bind: None } => calls.push(invoke),
                        Step::Await { target, bind: None } => tasks.push(target),
                        _ => {
                            return Err(self
                                .err(item.span(), "a gather item is a coroutine call or a task")
                                .hint("write `{ call = \"job\", args = {...} }` or `{ await = \"task\" }`, without `as`"));
                        }
                    }
                }
                let items = match (calls.is_empty(), tasks.is_empty()) {
                    (_, true) => GatherItems::Calls(calls),
                    (true, false) => GatherItems::Tasks(tasks),
                    (false, false) => {
                        return Err(self
                            .err(
                                items.span(),
                                "gather items are either all calls or all tasks",
                            )
                            .hint("spawn the calls first and gather the tasks"));
                    }
                };
                let return_exceptions = r.return_exceptions.as_ref().is_some_and(|b| *b.get_ref());
                Step::Gather {
                    items,
                    return_exceptions,
                    bind: bind(scope),
                }
            }
            "wait_for" | "timeout" => {
                let d = if verb == "wait_for" {
                    &r.wait_for
                } else {
                    &r.timeout
                };
                let d = d.as_ref().expect("present");
                let limit = match d.get_ref() {
                    Scalar::Int(i) if *i >= 0 => Dur::Fixed(Duration::from_secs(*i as u64)),
                    Scalar::Float(f) if f.is_finite() && *f >= 0.0 && *f < 1e9 => {
                        Dur::Fixed(Duration::from_secs_f64(*f))
                    }
                    Scalar::Str(t) => self.dur_template(
                        t,
                        d.span(),
                        scope,
                        &format!("`{verb}` takes a non-negative number of seconds"),
                    )?,
                    _ => {
                        return Err(self
                            .err(
                                d.span(),
                                format!("`{verb}` takes a non-negative number of seconds"),
                            )
                            .hint(format!("e.g. `{{ {verb} = 1.0, do = [...] }}`")));
                    }
                };
                let body = self.block(&r.do_, verb, vspan, scope)?;
                Step::Timeout { limit, body }
            }
            "shield" => {
                let mut inner = Scope {
                    names: scope.names.clone(),
                };
                let body = self.steps(r.shield.as_ref().expect("present").get_ref(), &mut inner)?;
                Step::Shield {
                    body,
                    bind: bind(scope),
                }
            }
            "wait" | "as_completed" => {
                let names = if verb == "wait" {
                    &r.wait
                } else {
                    &r.as_completed
                };
                let names = names.as_ref().expect("present");
                if names.get_ref().is_empty() {
                    return Err(self
                        .err(names.span(), format!("`{verb}` needs at least one task"))
                        .hint("list locals bound by `spawn ... as`"));
                }
                let targets = names
                    .get_ref()
                    .iter()
                    .map(|n| self.local_ref(n, scope, "task"))
                    .collect::<Result<Vec<_>, _>>()?;
                if verb == "wait" {
                    let when = match r
                        .return_when
                        .as_ref()
                        .map(|w| (w.get_ref().as_str(), w.span()))
                    {
                        None | Some(("ALL_COMPLETED", _)) => WaitWhen::AllCompleted,
                        Some(("FIRST_COMPLETED", _)) => WaitWhen::FirstCompleted,
                        Some(("FIRST_EXCEPTION", _)) => WaitWhen::FirstException,
                        Some((other, span)) => {
                            return Err(self
                                .err(span, format!("unknown return_when `{other}`"))
                                .hint("use FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED"));
                        }
                    };
                    Step::Wait {
                        targets,
                        when,
                        bind: bind(scope),
                    }
                } else {
                    let bind = bind(scope);
                    let body = self.block(&r.do_, verb, vspan, scope)?;
                    Step::AsCompleted {
                        targets,
                        bind,
                        body,
                    }
                }
            }
            "task_group" => {
                let body = self.steps(r.task_group.as_ref().expect("present").get_ref(), scope)?;
                Step::TaskGroup { body }
            }
            "acquire" | "release" => {
                let name = if verb == "acquire" {
                    &r.acquire
                } else {
                    &r.release
                };
                let prim = self.prim_ref(
                    name.as_ref().expect("present"),
                    verb,
                    &["semaphore", "lock"],
                )?;
                if verb == "acquire" {
                    Step::Acquire(prim)
                } else {
                    Step::Release(prim)
                }
            }
            "with" => {
                let prim = self.prim_ref(
                    r.with.as_ref().expect("present"),
                    verb,
                    &["semaphore", "lock", "condition"],
                )?;
                let body = self.block(&r.do_, "with", vspan, scope)?;
                Step::With { prim, body }
            }
            "set_event" | "clear_event" | "wait_event" => {
                let name = match verb {
                    "set_event" => &r.set_event,
                    "clear_event" => &r.clear_event,
                    _ => &r.wait_event,
                };
                let Prim::Event(e) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["event"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "set_event" => Step::SetEvent(e),
                    "clear_event" => Step::ClearEvent(e),
                    _ => Step::WaitEvent(e),
                }
            }
            "notify" | "notify_all" | "wait_condition" => {
                let name = match verb {
                    "notify" => &r.notify,
                    "notify_all" => &r.notify_all,
                    _ => &r.wait_condition,
                };
                let Prim::Condition(cond) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["condition"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "notify" => Step::Notify {
                        cond,
                        n: Some(
                            r.n.as_ref()
                                .map(|n| self.int_expr(n, scope))
                                .transpose()?
                                .unwrap_or(IntExpr::Lit(1)),
                        ),
                    },
                    "notify_all" => Step::Notify { cond, n: None },
                    _ => Step::WaitCondition {
                        cond,
                        until: r.until.as_ref().map(|u| self.cond(u, scope)).transpose()?,
                    },
                }
            }
            "put" | "get" | "task_done" | "join" => {
                let name = match verb {
                    "put" => &r.put,
                    "get" => &r.get,
                    "task_done" => &r.task_done,
                    _ => &r.join,
                };
                let Prim::Queue(queue) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["queue"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "put" => {
                        let Some(value) = &r.value else {
                            return Err(self
                                .err(vspan, "`put` needs a `value`")
                                .hint("e.g. `{ put = \"jobs\", value = \"job {i}\" }`"));
                        };
                        Step::Put {
                            queue,
                            value: self.value_expr(value, scope)?,
                        }
                    }
                    "get" => Step::Get {
                        queue,
                        bind: bind(scope),
                    },
                    "task_done" => Step::TaskDone(queue),
                    _ => Step::Join(queue),
                }
            }
            other => unreachable!("verb {other} is listed in VERBS"),
        })
    }

    /// Resolves a primitive name; `want` lists the kinds the step accepts.
    fn prim_ref(
        &self,
        name: &Spanned<String>,
        verb: &str,
        want: &[&str],
    ) -> Result<Prim, ScenarioError> {
        let kind_of = |p: &Prim| match p {
            Prim::Semaphore(_) => "semaphore",
            Prim::Lock(_) => "lock",
            Prim::Event(_) => "event",
            Prim::Condition(_) => "condition",
            Prim::Queue(_) => "queue",
        };
        match self.prims.iter().find(|(n, _)| n == name.get_ref()) {
            Some((_, p)) if want.contains(&kind_of(p)) => Ok(*p),
            Some((_, p)) => Err(self
                .err(
                    name.span(),
                    format!(
                        "`{}` is a {}, but `{verb}` needs a {}",
                        name.get_ref(),
                        kind_of(p),
                        want.join(" or ")
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
        if tpl.vars().next().is_some() {
            return Ok(Dur::Template(tpl));
        }
        match t.trim().parse::<f64>() {
            Ok(f) if f.is_finite() && (0.0..1e9).contains(&f) => {
                Ok(Dur::Fixed(Duration::from_secs_f64(f)))
            }
            _ => Err(self
                .err(span, what)
                .hint("e.g. `1.5`, or a template like `\"{delay}\"`")),
        }
    }

    fn var_ref(&self, name: &Spanned<String>) -> Result<usize, ScenarioError> {
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

    fn cond(&self, c: &Spanned<String>, scope: &Scope) -> Result<Cond, ScenarioError> {
        let text = c.get_ref();
        let ops = ["==", "!=", "<=", ">=", "<", ">"];
        let found = ops
            .iter()
            .filter_map(|op| text.find(op).map(|i| (i, *op)))
            .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())));
        let Some((at, op)) = found else {
            return Err(self
                .err(c.span(), "a condition compares two values")
                .hint("e.g. `\"{stock} > 0\"` (operators: == != < <= > >=)"));
        };
        let (l, r) = (&text[..at], &text[at + op.len()..]);
        let left = self.template_str(l.trim(), c.span(), scope)?;
        let right = self.template_str(r.trim(), c.span(), scope)?;
        Ok(Cond {
            left,
            op: op.to_string(),
            right,
            text: text.clone(),
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

fn has_return(steps: &[Step]) -> bool {
    steps.iter().any(|s| match s {
        Step::Return(_) => true,
        Step::For { body, .. }
        | Step::Repeat { body, .. }
        | Step::WhileBefore { body, .. }
        | Step::OnCancel { body, .. } => has_return(body),
        Step::Try { body, handler, .. } => has_return(body) || has_return(handler),
        Step::If { then, other, .. } => has_return(then) || has_return(other),
        Step::With { body, .. }
        | Step::Timeout { body, .. }
        | Step::TaskGroup { body }
        | Step::AsCompleted { body, .. } => has_return(body),
        _ => false,
    })
}

/// Parses and validates a scenario file's text; `path` only names the file in errors.
///
/// # Examples
///
/// ```
/// use simloop_cli::scenario::parse;
///
/// let scn = parse("ok.toml", "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
/// assert_eq!(scn.name, "ok");
///
/// let err = parse("bad.toml", "[main]\nsteps = [{ slep = 1 }]\n").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 12));
/// assert_eq!(err.hint.as_deref(), Some("did you mean `sleep`?"));
/// ```
pub fn parse(path: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let raw: RawScenario = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let mut names_seen = BTreeSet::new();
    let decls = raw
        .vars
        .keys()
        .chain(raw.semaphores.keys())
        .chain(raw.locks.keys())
        .chain(raw.events.keys())
        .chain(raw.conditions.keys())
        .chain(raw.queues.keys());
    for k in decls {
        if !is_ident(k.get_ref()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` is not a valid name", k.get_ref()),
            )
            .hint("names use letters, digits and `_`"));
        }
        if !names_seen.insert(k.get_ref().clone()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` is declared twice", k.get_ref()),
            )
            .hint("each variable and primitive needs its own name"));
        }
    }
    let names = |m: Vec<&Spanned<String>>| -> Vec<String> {
        m.into_iter().map(|k| k.get_ref().clone()).collect()
    };
    let locks = names(raw.locks.keys().collect());
    let events = names(raw.events.keys().collect());
    let conditions = names(raw.conditions.keys().collect());
    let mut queues = Vec::new();
    for (k, q) in &raw.queues {
        if q.get_ref().maxsize < 0 {
            return Err(ScenarioError::at(
                path,
                text,
                q.span(),
                "a queue's maxsize cannot be negative",
            )
            .hint("0 means unbounded"));
        }
        queues.push((k.get_ref().clone(), q.get_ref().maxsize as usize));
    }
    let vars: Vec<(String, i64)> = raw
        .vars
        .iter()
        .map(|(k, v)| (k.get_ref().clone(), *v.get_ref()))
        .collect();
    let mut semaphores = Vec::new();
    for (k, v) in &raw.semaphores {
        let s = v.get_ref();
        if *s.value.get_ref() < 0 {
            return Err(ScenarioError::at(
                path,
                text,
                s.value.span(),
                "a semaphore's initial value cannot be negative",
            ));
        }
        semaphores.push(SemaphoreDecl {
            name: k.get_ref().clone(),
            value: *s.value.get_ref() as u64,
            bounded: s.bounded,
        });
    }
    let mut task_keys = Vec::new();
    let mut task_params = Vec::new();
    for (k, t) in &raw.tasks {
        if k.get_ref() == "main" || !is_ident(k.get_ref()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` cannot name a task template", k.get_ref()),
            )
            .hint("use letters, digits and `_`; `main` is the [main] table"));
        }
        let mut ps: Vec<String> = Vec::new();
        for p in &t.get_ref().params {
            if !is_ident(p.get_ref()) || p.get_ref() == "i" || ps.contains(p.get_ref()) {
                return Err(ScenarioError::at(
                    path,
                    text,
                    p.span(),
                    format!("bad parameter name `{}`", p.get_ref()),
                )
                .hint(
                    "parameters are distinct names; `i` is reserved for the index within a `count`",
                ));
            }
            ps.push(p.get_ref().clone());
        }
        task_keys.push(k.get_ref().clone());
        task_params.push(ps);
    }
    let mut prims: Vec<(String, Prim)> = Vec::new();
    prims.extend(
        semaphores
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), Prim::Semaphore(i))),
    );
    prims.extend(
        locks
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Lock(i))),
    );
    prims.extend(
        events
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Event(i))),
    );
    prims.extend(
        conditions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Condition(i))),
    );
    prims.extend(
        queues
            .iter()
            .enumerate()
            .map(|(i, s)| (s.0.clone(), Prim::Queue(i))),
    );
    let cx = Cx {
        path,
        text,
        prims,
        task_keys,
        task_params,
        vars: vars.iter().map(|v| v.0.clone()).collect(),
    };
    let task_def =
        |key: &str, t: &Spanned<RawTask>, params: Vec<String>| -> Result<TaskDef, ScenarioError> {
            let mut scope = Scope {
                names: params.iter().cloned().chain(["i".to_string()]).collect(),
            };
            let name = match &t.get_ref().name {
                Some(n) => cx.template(n, &scope)?,
                None => Template::literal(key),
            };
            let steps = cx.steps(&t.get_ref().steps, &mut scope)?;
            Ok(TaskDef {
                key: key.to_string(),
                name,
                params,
                steps,
            })
        };
    let mut tasks = Vec::new();
    for (i, (k, t)) in raw.tasks.iter().enumerate() {
        tasks.push(task_def(k.get_ref(), t, cx.task_params[i].clone())?);
    }
    if !raw.main.get_ref().params.is_empty() {
        return Err(ScenarioError::at(
            path,
            text,
            raw.main.get_ref().params[0].span(),
            "the main task takes no parameters",
        ));
    }
    let main = task_def("main", &raw.main, Vec::new())?;
    let expect = match &raw.expect {
        Some(e) => expectations(&cx, e, &semaphores, &main)?,
        None => Expect {
            no_deadlock: true,
            ..Expect::default()
        },
    };
    let check = match &raw.check {
        None => Check::default(),
        Some(c) => {
            let c = c.get_ref();
            let explore = match &c.explore {
                Some(n) if *n.get_ref() < 0 => {
                    return Err(cx.err(n.span(), "`explore` counts runs; it cannot be negative"));
                }
                Some(n) => *n.get_ref() as u64,
                None => 0,
            };
            let verdict = match &c.expect {
                None => Verdict::Pass,
                Some(v) if v.get_ref() == "pass" => Verdict::Pass,
                Some(v) if v.get_ref() == "bug" => {
                    if explore == 0 {
                        return Err(cx
                            .err(v.span(), "`expect = \"bug\"` needs runs to find the bug in")
                            .hint("add `explore = 200` to [check]"));
                    }
                    Verdict::Bug
                }
                Some(v) => {
                    return Err(cx
                        .err(v.span(), format!("unknown verdict `{}`", v.get_ref()))
                        .hint("use \"pass\" or \"bug\""));
                }
            };
            Check { explore, verdict }
        }
    };
    Ok(Scenario {
        path: path.to_string(),
        name: raw.name.map(|n| n.into_inner()).unwrap_or_else(|| {
            std::path::Path::new(path)
                .file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
        }),
        description: raw.description.map(|d| d.into_inner()).unwrap_or_default(),
        vars,
        semaphores,
        locks,
        events,
        conditions,
        queues,
        tasks,
        main,
        expect,
        check,
    })
}

fn expectations(
    cx: &Cx<'_>,
    e: &Spanned<RawExpect>,
    sems: &[SemaphoreDecl],
    main: &TaskDef,
) -> Result<Expect, ScenarioError> {
    let r = e.get_ref();
    let mut out = Expect {
        no_deadlock: r.no_deadlock.as_ref().is_none_or(|b| *b.get_ref()),
        ..Expect::default()
    };
    if let Some(res) = &r.result {
        if res.get_ref() != "None" && !has_return(&main.steps) {
            return Err(cx.err(res.span(), "impossible expectation: [main] has no `return` step, so its result is always None").hint("add `{ return = \"{results}\" }` to [main], or expect \"None\""));
        }
        out.result = Some(res.get_ref().clone());
    }
    out.logs = r.logs.as_ref().map(|l| l.get_ref().clone());
    out.contains = r.contains.iter().map(|s| s.get_ref().clone()).collect();
    for n in &r.not_contains {
        if out.contains.contains(n.get_ref()) {
            return Err(cx.err(
                n.span(),
                format!(
                    "impossible expectation: `{}` is both in `contains` and `not_contains`",
                    n.get_ref()
                ),
            ));
        }
        out.not_contains.push(n.get_ref().clone());
    }
    if r.order.len() == 1 {
        return Err(cx
            .err(
                r.order[0].span(),
                "an `order` needs at least two lines to order",
            )
            .hint("use `contains` for a single line"));
    }
    out.order = r.order.iter().map(|s| s.get_ref().clone()).collect();
    for (k, v) in &r.vars {
        out.vars.push((cx.var_ref(k)?, *v.get_ref()));
    }
    for (k, v) in &r.max_concurrency {
        let Some(i) = sems.iter().position(|s| &s.name == k.get_ref()) else {
            let e = cx.err(k.span(), format!("undefined semaphore `{}`", k.get_ref()));
            return Err(
                match closest(k.get_ref(), sems.iter().map(|s| s.name.as_str())) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint("declare it as [semaphores.NAME] with a `value`"),
                },
            );
        };
        if *v.get_ref() < 1 {
            return Err(cx
                .err(
                    v.span(),
                    "impossible expectation: a semaphore's holders are counted from 1",
                )
                .hint("use 1 or more"));
        }
        out.max_concurrency.push((i, *v.get_ref() as u64));
    }
    let scope = Scope {
        names: BTreeSet::new(),
    };
    for inv in &r.invariants {
        out.invariants.push(cx.cond(inv, &scope)?);
    }
    if let Some(t) = &r.elapsed {
        if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0 && *t.get_ref() < 1e9) {
            return Err(cx.err(
                t.span(),
                "impossible expectation: `elapsed` is a non-negative number of seconds",
            ));
        }
        out.elapsed = Some(Duration::from_secs_f64(*t.get_ref()));
    }
    Ok(out)
}

/// Turns a toml/serde error into a located one, with a hint for misspelt keys.
fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().to_string();
    let first = msg.lines().next().unwrap_or("invalid scenario").to_string();
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let word = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split('`')
            .skip(1)
            .filter(|s| !s.trim().is_empty() && !s.contains(',') && !s.contains("expected"))
            .collect();
        let err = ScenarioError::at(path, text, span, format!("unknown key `{word}`"));
        return match closest(word, expected.iter().copied()) {
            Some(c) => err.hint(format!("did you mean `{c}`?")),
            None if expected.len() <= 12 && !expected.is_empty() => {
                err.hint(format!("expected one of: {}", expected.join(", ")))
            }
            None => err.hint("see the scenario reference in scenarios/README.md"),
        };
    }
    if first.starts_with("missing field `main`") {
        return ScenarioError::at(path, text, span, "the scenario has no [main] table")
            .hint("add `[main]` with `steps = [...]`: the program's entry point");
    }
    let hint = if first.contains("did not match any variant") {
        "a sleep is seconds (`1.5`), a template (`\"{delay}\"`) or `{ min = 0, max = 5 }`; an argument is a number, string or boolean"
    } else if first.starts_with("invalid type") {
        "check the value's type against scenarios/README.md"
    } else {
        "scenario files are TOML; see scenarios/README.md"
    };
    ScenarioError::at(path, text, span, first).hint(hint)
}

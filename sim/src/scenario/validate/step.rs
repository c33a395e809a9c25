//! Validating one step: exactly one verb, the keys that go with it, and its names.

use toml::Spanned;

use super::locals::Use;
use super::{Cx, Scope, Span, VERBS, bind_as, is_ident, list, present_keys};
use crate::scenario::error::{ScenarioError, closest};
use crate::scenario::expr::{Type, Want};
use crate::scenario::model::*;
use crate::scenario::raw::*;
use crate::scenario::steps::*;

impl Cx<'_> {
    pub(super) fn step(
        &self,
        s: &Spanned<RawStep>,
        scope: &mut Scope,
    ) -> Result<Step, ScenarioError> {
        let keys = present_keys(s.get_ref());
        // `timeout` is a verb (`async with asyncio.timeout(...)`) and, beside `wait` or
        // `as_completed`, their modifier (asyncio's `timeout=` argument).
        let combines = keys
            .iter()
            .any(|(k, _)| matches!(*k, "wait" | "as_completed"));
        let verbs: Vec<&(&str, Span)> = keys
            .iter()
            .filter(|(k, _)| VERBS.iter().any(|(v, _)| v == k))
            .filter(|(k, _)| !(combines && *k == "timeout"))
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
        let bind = |scope: &mut Scope| bind_as(r, scope);
        Ok(match verb {
            "sleep" => {
                const WHAT: &str = "a sleep lasts from 0 to 1e9 seconds";
                let d = r.sleep.as_ref().expect("present");
                let bad = || {
                    self.err(d.span(), WHAT).hint(
                        "e.g. `sleep = 1.5`, `sleep = \"{delay}\"` or `sleep = { min = 0, max = 5 }`",
                    )
                };
                Step::Sleep(match d.get_ref() {
                    RawDuration::Secs(Scalar::Int(i)) => {
                        Dur::Fixed(seconds(*i as f64).ok_or_else(bad)?)
                    }
                    RawDuration::Secs(Scalar::Float(f)) => Dur::Fixed(seconds(*f).ok_or_else(bad)?),
                    RawDuration::Secs(Scalar::Str(t)) => {
                        self.dur_template(t, d.span(), scope, WHAT)?
                    }
                    RawDuration::Random { min, max }
                        if 0 <= *min && min <= max && *max as f64 <= MAX_SECONDS =>
                    {
                        Dur::Random {
                            min: *min as u64,
                            max: *max as u64,
                        }
                    }
                    RawDuration::Random { .. } => {
                        return Err(self
                            .err(
                                d.span(),
                                "a random sleep needs 0 <= min <= max <= 1e9 (seconds)",
                            )
                            .hint("e.g. `sleep = { min = 0, max = 5 }`"));
                    }
                    _ => return Err(bad()),
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
                        Some((_, v)) => args.push((p.clone(), self.value_expr(v, scope)?)),
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
                let invoke = Invoke {
                    task,
                    args,
                    at: self.loc(vspan.clone()),
                };
                if verb == "spawn" {
                    let count = match &r.count {
                        Some(c) if matches!(c.get_ref(), Scalar::Int(n) if *n < 0) => {
                            return Err(self.err(c.span(), "`count` cannot be negative"));
                        }
                        Some(c) => Some(self.int_expr(c, scope)?),
                        None => None,
                    };
                    let group = match &r.group {
                        Some(g) => Some(self.local_ref(g, scope, "task group", Use::Group)?),
                        None => None,
                    };
                    Step::Spawn {
                        invoke,
                        count,
                        bind: bind(scope),
                        eager: r.eager.as_ref().is_some_and(|e| *e.get_ref()),
                        group,
                    }
                } else {
                    Step::Call {
                        invoke,
                        bind: bind(scope),
                    }
                }
            }
            "await" => {
                let target = self.local_ref(
                    r.await_.as_ref().expect("present"),
                    scope,
                    "task",
                    Use::Await,
                )?;
                Step::Await {
                    target,
                    bind: bind(scope),
                }
            }
            "cancel" => {
                let name = r.cancel.as_ref().expect("present");
                // `current_task` is asyncio's `asyncio.current_task().cancel()`, unless a
                // local of that name hides it.
                let own = name.get_ref() == CURRENT_TASK && !scope.names.contains(CURRENT_TASK);
                if own && let Some(m) = &r.message {
                    return Err(self
                        .err(
                            m.span(),
                            "`cancel = \"current_task\"` takes no `message` yet",
                        )
                        .hint("cancel the task from another one to give a message"));
                }
                let target = if own {
                    CURRENT_TASK.to_string()
                } else {
                    self.local_ref(name, scope, "task", Use::Cancel)?
                };
                let message = r
                    .message
                    .as_ref()
                    .map(|m| self.template(m, scope))
                    .transpose()?;
                Step::Cancel {
                    target,
                    message,
                    bind: bind(scope),
                }
            }
            "uncancel" => {
                let name = r.uncancel.as_ref().expect("present");
                // `current_task` is asyncio's `asyncio.current_task()`: a task cannot name
                // itself otherwise.
                let target = if name.get_ref() == CURRENT_TASK {
                    None
                } else {
                    Some(self.local_ref(name, scope, "task", Use::Cancel)?)
                };
                Step::Uncancel {
                    target,
                    bind: bind(scope),
                }
            }
            "set_name" => {
                let name = r.set_name.as_ref().expect("present");
                // `current_task` renames the running task (`asyncio.current_task().set_name`).
                let target = if name.get_ref() == CURRENT_TASK {
                    CURRENT_TASK.to_string()
                } else {
                    self.local_ref(name, scope, "task", Use::Rename)?
                };
                let Some(value) = &r.value else {
                    return Err(self
                        .err(
                            r.set_name.as_ref().expect("present").span(),
                            "`set_name` needs the new name",
                        )
                        .hint("e.g. `{ set_name = \"t\", value = \"worker-{i}\" }`"));
                };
                Step::SetName {
                    target,
                    name: self.value_expr(value, scope)?,
                }
            }
            "fail" => {
                let (kind, message) =
                    self.exception(r.fail.as_ref().expect("present"), &r.message, scope)?;
                Step::Fail { kind, message }
            }
            "return" => Step::Return(self.value_expr(r.return_.as_ref().expect("present"), scope)?),
            "for" => {
                let var = r.for_.as_ref().expect("present");
                if !is_ident(var.get_ref()) {
                    return Err(self.err(var.span(), "a loop variable is a name like `i`"));
                }
                if let Some(values) = &r.in_ {
                    // `for x in xs:` (since round 26): the values are an expression.
                    if let Some(extra) = [&r.from, &r.to, &r.below].into_iter().flatten().next() {
                        return Err(self
                            .err(extra.span(), "`for ... in` goes through values: it takes no `from`, `to` or `below`")
                            .hint("`{ for = \"t\", in = \"ts\", do = [...] }`, or `{ for = \"i\", from = 0, below = \"{len(ts)}\", do = [...] }`"));
                    }
                    let values = self.expr(values, Some(scope), Want::Value)?;
                    if !matches!(
                        values.root.ty,
                        Type::List | Type::Tuple | Type::Str | Type::Any
                    ) {
                        let at = r.in_.as_ref().expect("present").span();
                        return Err(self
                            .err(at, format!("`for ... in` goes through a list, a tuple or a string, and this is {}", values.root.ty.name()))
                            .hint("e.g. `in = \"ts\"`, `in = \"eg.exceptions\"` or `in = \"[t for t in ts if not t.done()]\"`"));
                    }
                    scope.names.insert(var.get_ref().clone());
                    let body = self.block(&r.do_, "for", var.span(), scope)?;
                    return Ok(Step::ForIn {
                        var: var.get_ref().clone(),
                        values,
                        body,
                    });
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
                let Some(until) = seconds(*t.get_ref()) else {
                    return Err(self
                        .err(
                            t.span(),
                            "`while_before` is a time in seconds since the run began",
                        )
                        .hint("from 0 to 1e9 seconds"));
                };
                let body = self.block(&r.do_, "while_before", vspan, scope)?;
                Step::WhileBefore { until, body }
            }
            "try" => {
                let body = self.steps(r.try_.as_ref().expect("present").get_ref(), scope)?;
                let kind = r.error.as_ref().map(|k| k.get_ref().clone());
                let bind = bind(scope);
                let finally = match &r.finally {
                    Some(f) => self.steps(f.get_ref(), scope)?,
                    None => Vec::new(),
                };
                let handler = match &r.except {
                    Some(h) => Some(self.steps(h.get_ref(), scope)?),
                    None if r.finally.is_some() => None,
                    None => {
                        return Err(self
                            .err(vspan, "`try` needs an `except = [...]` handler or `finally = [...]` steps")
                            .hint("use `except = []` to swallow the error"));
                    }
                };
                if r.except.is_none() && (r.error.is_some() || r.star.is_some()) {
                    let key = r
                        .error
                        .as_ref()
                        .map(|e| e.span())
                        .or(r.star.as_ref().map(|s| s.span()));
                    return Err(self
                        .err(key.expect("one of them"), "`error` and `star` say what an `except` handler catches, and this `try` has none")
                        .hint("add `except = [...]`, or drop the key for `try ... finally`"));
                }
                let star = self.except_star(r, handler.as_deref().unwrap_or_default())?;
                Step::Try {
                    body,
                    kind,
                    bind,
                    handler,
                    star,
                    finally,
                }
            }
            "add_done_callback" => {
                let name = r.add_done_callback.as_ref().expect("present");
                let target = self.local_ref(name, scope, "task or future", Use::Watch)?;
                let body = r.do_.as_ref().map_or(&[][..], |b| b.get_ref().as_slice());
                self.callback_steps(body, "a done-callback")?;
                let callback = match &r.callback {
                    Some(c) if !is_ident(c.get_ref()) => {
                        return Err(self
                            .err(c.span(), "a callback's name is a name like `on_done`")
                            .hint("e.g. `{ add_done_callback = \"f\", callback = \"on_done\", do = [...] }`"));
                    }
                    Some(c) => Some(self.callback_index(c)?),
                    None => None,
                };
                let bind = bind(scope);
                let body = self.block(&r.do_, verb, vspan, scope)?;
                Step::AddDoneCallback {
                    target,
                    bind,
                    body: body.into(),
                    callback,
                }
            }
            "remove_done_callback" => {
                let name = r.remove_done_callback.as_ref().expect("present");
                let target = self.local_ref(name, scope, "task or future", Use::Watch)?;
                let Some(c) = &r.callback else {
                    return Err(self
                        .err(name.span(), "`remove_done_callback` needs the callback's name")
                        .hint(format!(
                            "name it where it is added, `{{ add_done_callback = \"{}\", callback = \"on_done\", do = [...] }}`, then `{{ remove_done_callback = \"{}\", callback = \"on_done\" }}`",
                            name.get_ref(),
                            name.get_ref()
                        )));
                };
                let callback = self.callback_index(c)?;
                Step::RemoveDoneCallback {
                    target,
                    callback,
                    bind: bind(scope),
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
                let step = match (&r.value, &r.expr) {
                    (Some(value), None) => Step::Let {
                        name: name.get_ref().clone(),
                        value: self.value_expr(value, scope)?,
                    },
                    (None, Some(e)) => Step::Eval {
                        into: Target::Local(name.get_ref().clone()),
                        expr: self.expr(e, Some(scope), Want::Value)?,
                    },
                    (Some(_), Some(e)) => {
                        return Err(self
                            .err(e.span(), "`let` takes a `value` or an `expr`, not both")
                            .hint("`value` is a template or a list; `expr` computes, e.g. `expr = \"{a} * 2\"`"));
                    }
                    (None, None) => {
                        return Err(self
                            .err(vspan, "`let` needs a `value` or an `expr`")
                            .hint("e.g. `{ let = \"v\", value = \"{counter}\" }` or `{ let = \"v\", expr = \"{a} + 1\" }`"));
                    }
                };
                scope.names.insert(name.get_ref().clone());
                step
            }
            "set" => {
                let name = r.set.as_ref().expect("present");
                let var = self.var_ref(name)?;
                let float = self.float_vars[var];
                let (holds, example) = if float {
                    ("a number", "`value = 0.5` or `value = \"{seen}\"`")
                } else {
                    ("an integer", "`value = 3` or `value = \"{seen}\"`")
                };
                match (&r.value, &r.expr, &r.add) {
                    (None, Some(e), None) => Step::Eval {
                        into: Target::Shared(var),
                        expr: self.expr(
                            e,
                            Some(scope),
                            if float { Want::Number } else { Want::Int },
                        )?,
                    },
                    (_, Some(e), _) => {
                        return Err(self
                            .err(e.span(), "`set` takes a `value` (with an optional `add`) or an `expr`, not both")
                            .hint("e.g. `expr = \"{counter} + 1\"`"));
                    }
                    (Some(value), None, add) => {
                        let number = |v: &Scalar| match v {
                            Scalar::Int(i) => Some(Literal::Int(*i)),
                            Scalar::Float(f) if float && f.is_finite() => Some(Literal::Float(*f)),
                            _ => None,
                        };
                        if !matches!(value.get_ref(), Scalar::Str(_))
                            && number(value.get_ref()).is_none()
                        {
                            return Err(self
                                .err(value.span(), format!("`{}` holds {holds}", name.get_ref()))
                                .hint(format!(
                                    "e.g. {example}; keep other values in a local (`let`)"
                                )));
                        }
                        let add = match add {
                            None => Literal::Int(0),
                            Some(a) => number(a.get_ref()).ok_or_else(|| {
                                self.err(a.span(), format!("`add` to `{}` must be {holds}", name.get_ref()))
                                    .hint(if float { "e.g. `add = 0.5`" } else { "e.g. `add = 1`; declare the variable as a float (`total = 0.0`) to add fractions" })
                            })?,
                        };
                        Step::Set {
                            var,
                            value: self.value_expr(value, scope)?,
                            add,
                        }
                    }
                    (None, None, _) => {
                        return Err(self
                            .err(vspan, "`set` needs a `value` or an `expr`")
                            .hint("e.g. `{ set = \"counter\", value = \"{v}\", add = 1 }` or `{ set = \"counter\", expr = \"{counter} * 2\" }`"));
                    }
                }
            }
            "while" => {
                let c = r.while_.as_ref().expect("present");
                let cond = self.expr(c, Some(scope), Want::Bool)?;
                let body = self.block(&r.do_, "while", vspan, scope)?;
                Step::While { cond, body }
            }
            "if" => {
                let c = r.if_.as_ref().expect("present");
                let cond = self.expr(c, Some(scope), Want::Bool)?;
                let then = self.block(&r.do_, "if", vspan, scope)?;
                let other = match &r.else_ {
                    Some(e) => self.steps(e.get_ref(), scope)?,
                    None => Vec::new(),
                };
                Step::If { cond, then, other }
            }
            "gather" | "wait_for" | "timeout" | "shield" | "wait" | "as_completed"
            | "task_group" => self.combine_step(verb, r, vspan, scope)?,
            "call_soon" | "call_later" | "call_at" | "reschedule" => {
                self.loop_step(verb, r, vspan, scope)?
            }
            "acquire" | "release" | "with" | "set_event" | "clear_event" | "wait_event"
            | "notify" | "notify_all" | "wait_condition" | "put" | "get" | "task_done" | "join"
            | "put_nowait" | "get_nowait" | "shutdown" | "create_future" | "set_result"
            | "set_exception" | "wait_barrier" | "abort_barrier" | "reset_barrier" => {
                self.sync_step(verb, r, vspan, scope)?
            }
            other => unreachable!("verb {other} is listed in VERBS"),
        })
    }

    /// Refuses, in a done-callback's body, a step that awaits: asyncio calls the callback as
    /// a plain function, which cannot suspend.
    /// The index of the named done-callback `c` among the file's (every `callback` of an
    /// `add_done_callback`): a name no step adds is an error here.
    fn callback_index(&self, c: &Spanned<String>) -> Result<usize, ScenarioError> {
        let name = c.get_ref();
        if let Ok(i) = self.callbacks.binary_search(name) {
            return Ok(i);
        }
        let e = self.err(
            c.span(),
            format!(
                "unknown done-callback `{name}`: no `add_done_callback` of this file is named so"
            ),
        );
        Err(match closest(name, self.callbacks.iter().map(String::as_str)) {
            Some(near) => e.hint(format!("did you mean `{near}`?")),
            None => e.hint(format!(
                "name it where it is added: `{{ add_done_callback = \"f\", callback = \"{name}\", do = [...] }}`"
            )),
        })
    }

    pub(super) fn callback_steps(
        &self,
        steps: &[Spanned<RawStep>],
        what: &str,
    ) -> Result<(), ScenarioError> {
        for s in steps {
            let keys = present_keys(s.get_ref());
            let Some((verb, span)) = keys.iter().find(|(k, _)| VERBS.iter().any(|(v, _)| v == k))
            else {
                // No verb: `step` reports it.
                continue;
            };
            if !CALLBACK_VERBS.contains(verb) {
                return Err(self
                    .err(
                        span.clone(),
                        format!(
                            "`{verb}` cannot run in {what}: asyncio calls it as a plain function, which cannot await"
                        ),
                    )
                    .hint("spawn a task from the callback for work that awaits: `{ spawn = \"T\" }`"));
            }
            let r = s.get_ref();
            let blocks = [&r.do_, &r.else_, &r.except, &r.try_, &r.call_soon];
            for block in blocks.into_iter().flatten() {
                self.callback_steps(block.get_ref(), what)?;
            }
        }
        Ok(())
    }
}

/// The verbs a done-callback may use: the ones that never await.
const CALLBACK_VERBS: &[&str] = &[
    "log",
    "let",
    "set",
    "if",
    "for",
    "repeat",
    "while",
    "try",
    "random",
    "fail",
    "spawn",
    "cancel",
    "set_name",
    "set_event",
    "clear_event",
    "release",
    "put_nowait",
    "get_nowait",
    "task_done",
    "shutdown",
    "create_future",
    "set_result",
    "set_exception",
    "add_done_callback",
    "remove_done_callback",
    "call_soon",
    "call_later",
    "call_at",
    "reschedule",
];

//! Reading values: locals, shared variables, list items, state reads, templates rendered,
//! durations and integers.

use std::time::Duration;

use super::budget::{charge_list, charge_string, charge_written, check_list, check_string};
use super::env::Env;
use super::exc::Exc;
use super::state::Rt;
use super::value::{TaskResult, Value};
use crate::scenario::{Dur, IntExpr, Part, Template, ValueExpr, seconds, split_member};

impl Rt {
    pub(super) fn lookup(&self, env: &Env, path: &str) -> Result<Value, Exc> {
        if let Some(path) = path.strip_suffix(":type") {
            let v = self.lookup(env, path)?;
            // The names are made item by item, nested lists counted whole.
            charge_list(v.size().0)?;
            return Ok(v.type_name());
        }
        if let Some(path) = path.strip_suffix("!r") {
            // An f-string's `{x!r}`: Python's `repr`. A tuple read as its text (`e.args`) is
            // its own repr.
            let v = self.lookup(env, path)?;
            if path.ends_with(".args") {
                return Ok(v);
            }
            let s = v.repr();
            check_string(&s)?;
            charge_written(&v, s.len())?;
            return Ok(Value::Str(s.into()));
        }
        let (base, member) = split_member(path);
        if let Some(member) = member {
            let name = base.split('.').next().unwrap_or("");
            if base == crate::scenario::CURRENT_TASK
                && member == "cancelling()"
                && env.get(base).is_none()
            {
                // asyncio's `asyncio.current_task().cancelling()` (a callback runs in no
                // task: `current_task()` is `None` there, which has no `cancelling`).
                if simloop::task::try_current().is_none() {
                    return Err(Exc::new(
                        "AttributeError",
                        "'NoneType' object has no attribute 'cancelling'",
                    ));
                }
                return Ok(Value::Int(i64::from(simloop::task::cancelling())));
            }
            if base == crate::scenario::CURRENT_TASK
                && member == "get_name()"
                && env.get(base).is_none()
            {
                // asyncio's `asyncio.current_task().get_name()`: the name as the run has it
                // now (a `set_name` of the task or of `current_task` renames it there); a
                // task not named yet (an eager task's first step: `create_task` names it
                // after) reads asyncio's `Task-N`, N its spawn count.
                let Some(id) = simloop::task::try_current() else {
                    return Err(super::tasks::no_current_task("get_name"));
                };
                let name = simloop::task::current_name()
                    .unwrap_or_else(|| format!("Task-{}", id.to_string().trim_start_matches('#')));
                return Ok(Value::Str(name.into()));
            }
            if base == "loop" && member == "time()" && env.get("loop").is_none() {
                // asyncio's `loop.time()`: seconds since the run began (a float).
                return Ok(Value::Float(super::value::seconds_of(simloop::now())));
            }
            if base == name
                && env.get(name).is_none()
                && let Some((_, prim)) = self.scenario.prims.iter().find(|(n, _)| n == name)
            {
                return self.read(*prim, member);
            }
            return read_task(&self.lookup(env, base)?, base, member);
        }
        let mut pieces = path.split('.');
        let name = pieces.next().unwrap_or("");
        let mut v = self.lookup_name(env, name)?;
        for index in pieces {
            let i: usize = index.parse().unwrap_or(usize::MAX);
            v = match &v {
                Value::List(items) | Value::Tuple(items) => {
                    items.get(i).cloned().ok_or_else(|| {
                        Exc::new("IndexError", format!("{path}: list index out of range"))
                    })?
                }
                other => {
                    return Err(Exc::new(
                        "TypeError",
                        format!("{path}: {} is not a list", other.repr()),
                    ));
                }
            };
        }
        Ok(v)
    }

    fn lookup_name(&self, env: &Env, name: &str) -> Result<Value, Exc> {
        if let Some(v) = env.get(name) {
            return Ok(v.clone());
        }
        let scn = &self.scenario;
        match scn.vars.iter().position(|(n, _)| n == name) {
            Some(i) => Ok(self.shared.borrow().vars[i].clone()),
            None => Err(Exc::new(
                "NameError",
                format!("name '{name}' is not defined"),
            )),
        }
    }

    pub(super) fn value(&self, env: &Env, t: &Template) -> Result<Value, Exc> {
        if let Some(v) = t.sole_var() {
            return self.lookup(env, v);
        }
        if let [Part::Expr(e)] = t.parts.as_slice() {
            return self.eval(env, e);
        }
        Ok(Value::from_text(self.render(env, t)?))
    }

    pub(super) fn value_expr(&self, env: &Env, v: &ValueExpr) -> Result<Value, Exc> {
        match v {
            ValueExpr::One(t) => self.value(env, t),
            ValueExpr::Lit(l) => Ok(Value::from(*l)),
            ValueExpr::List(items) => {
                let items = items
                    .iter()
                    .map(|i| self.value_expr(env, i))
                    .collect::<Result<Vec<_>, _>>()?;
                check_list(&items)?;
                charge_list(items.len())?;
                Ok(Value::List(items.into()))
            }
        }
    }

    /// Fills `t`'s placeholders; a `MemoryError` past [`super::budget::MAX_STRING`].
    pub(super) fn render(&self, env: &Env, t: &Template) -> Result<String, Exc> {
        use std::fmt::Write as _;
        let mut s = String::new();
        for p in &t.parts {
            match p {
                Part::Text(x) => s.push_str(x),
                Part::Var(v) => {
                    let v = self.lookup(env, v)?;
                    charge_written(&v, 0)?;
                    let _ = write!(s, "{v}");
                }
                Part::Expr(e) => {
                    let v = self.eval(env, e)?;
                    charge_written(&v, 0)?;
                    let _ = write!(s, "{v}");
                }
                Part::Code(code, _) => {
                    return Err(Exc::new(
                        "SystemError",
                        format!("the placeholder `{{{code}}}` was never checked"),
                    ));
                }
            }
            check_string(&s)?;
        }
        charge_string(s.len())?;
        Ok(s)
    }

    /// A sleep's or a timeout's length (`what` names it in errors).
    pub(super) fn duration(&self, env: &Env, d: &Dur, what: &str) -> Result<Duration, Exc> {
        match d {
            Dur::Fixed(d) => Ok(*d),
            Dur::Random { min, max } => {
                Ok(Duration::from_secs(simloop::rng::random_range(*min..=*max)))
            }
            Dur::Template(t) => {
                let v = self.value(env, t)?;
                v.as_float().and_then(seconds).ok_or_else(|| {
                    Exc::new(
                        "ValueError",
                        format!("{what} needs from 0 to 1e9 seconds, got {}", v.repr()),
                    )
                })
            }
        }
    }

    pub(super) fn int(&self, env: &Env, e: &IntExpr) -> Result<i64, Exc> {
        match e {
            IntExpr::Lit(i) => Ok(*i),
            IntExpr::Template(t) => {
                let v = self.value(env, t)?;
                v.as_int().ok_or_else(|| {
                    Exc::new(
                        "TypeError",
                        format!("expected an integer, got {}", v.repr()),
                    )
                })
            }
        }
    }
}

/// `done()`, `cancelled()`, `result()`, `exception()` or (a task's) `get_name()` of the task
/// or future in `v` (the local `base`).
fn read_task(v: &Value, base: &str, member: &str) -> Result<Value, Exc> {
    match (v, member) {
        (Value::Handle(h, _), "cancelled()") => return Ok(Value::Bool(h.cancelled())),
        (Value::Timeout(t), "expired()") => return Ok(Value::Bool(t.expired())),
        (Value::Timeout(t), "when()") => {
            return Ok(t
                .deadline()
                .map_or(Value::None, |d| Value::Float(super::value::seconds_of(d))));
        }
        (Value::Task(t), "cancelling()") => return Ok(Value::Int(i64::from(t.cancelling()))),
        // Python's `e.args`, a tuple, which is no value here: its text as Python prints it.
        (Value::Error(e), "args") => {
            let args = e.args();
            check_string(&args)?;
            charge_string(args.len())?;
            return Ok(Value::Str(args.into()));
        }
        // An exception group's `eg.exceptions`, a tuple of its members (to go through in a
        // comprehension, `len(eg.exceptions)`), and `eg.message`.
        (Value::Error(e), "exceptions" | "message") => {
            let text = match (e.members(), member) {
                (Some(m), "exceptions") => {
                    charge_list(m.len())?;
                    return Ok(Value::Tuple(m.iter().cloned().map(Value::Error).collect()));
                }
                (Some(_), _) => e.group_message().unwrap_or_default().to_string(),
                (None, _) => {
                    return Err(Exc::new(
                        "AttributeError",
                        format!("'{}' object has no attribute '{member}'", e.kind),
                    ));
                }
            };
            check_string(&text)?;
            charge_string(text.len())?;
            return Ok(Value::Str(text.into()));
        }
        (Value::Handle(..) | Value::Timeout(_), _) | (_, "when()" | "expired()") => {
            return Err(Exc::new(
                "AttributeError",
                format!("`{base}` is {}, which has no `{member}`", v.repr()),
            ));
        }
        _ => {}
    }
    if member == "get_name()" {
        return match v {
            // The run's name: `set_name = "current_task"` inside the task renames it there.
            Value::Task(t) => Ok(Value::Str(
                t.abort
                    .name()
                    .unwrap_or_else(|| t.name.borrow().clone())
                    .into(),
            )),
            // asyncio's futures have no name.
            _ => Err(Exc::new(
                "AttributeError",
                format!("`{base}` is {}, which has no `get_name()`", v.repr()),
            )),
        };
    }
    if let (Value::Gather(g), "result()" | "exception()") = (v, member) {
        // A gather's future is never cancelled itself: a `cancel()` ends it with a
        // `CancelledError` as its exception, which `exception()` returns.
        return match (g.outcome(), member) {
            (Some(Err(e)), "exception()") => Ok(Value::Error(e)),
            (outcome, _) => read_outcome(outcome, member),
        };
    }
    if let "result()" | "exception()" = member {
        let outcome = match v {
            // Both retrieve: a cancelled task's message goes to the first (case 707).
            Value::Task(t) => t.outcome().map(|r| t.retrieve(r)),
            Value::Future(f) => f.result().map(|r| r.map_err(super::value::promise_error)),
            _ => None,
        };
        if matches!(v, Value::Task(_) | Value::Future(_)) {
            return read_outcome(outcome, member);
        }
    }
    let (done, cancelled) = match v {
        Value::Task(t) => (t.done(), t.cancelled()),
        Value::Future(f) => (f.done(), f.cancelled()),
        Value::Gather(g) => (g.done(), false),
        _ => {
            return Err(Exc::new(
                "AttributeError",
                format!("`{base}` is {}, which has no `{member}`", v.repr()),
            ));
        }
    };
    match member {
        "done()" => Ok(Value::Bool(done)),
        "cancelled()" => Ok(Value::Bool(cancelled)),
        _ => Err(Exc::new(
            "AttributeError",
            format!("a task has no `{member}`"),
        )),
    }
}

/// asyncio's `result()` and `exception()`: a pending task or future raises
/// `InvalidStateError`, a cancelled one `CancelledError`; `result()` raises the exception
/// it ended with, `exception()` returns it (or `None`).
fn read_outcome(outcome: Option<TaskResult>, member: &str) -> Result<Value, Exc> {
    let result = member == "result()";
    match outcome {
        None if result => Err(Exc::new("InvalidStateError", "Result is not set.")),
        None => Err(Exc::new("InvalidStateError", "Exception is not set.")),
        Some(Err(e)) if e.kind == "CancelledError" => Err(e),
        Some(Ok(v)) if result => Ok(v),
        Some(Ok(_)) => Ok(Value::None),
        Some(Err(e)) if result => Err(e),
        Some(Err(e)) => Ok(Value::Error(e)),
    }
}

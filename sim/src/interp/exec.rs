//! Runs steps as simloop async code.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use simloop::{Instant, log, sleep, spawn_named, yield_now};

use super::value::{Exc, Handle, TaskCell, TaskResult, Value};
use crate::scenario::{
    Cond, Dur, IntExpr, Invoke, Part, Scenario, Step, TaskDef, Template, ValueExpr,
};

/// The first violated invariant of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant as written.
    pub invariant: String,
    /// When.
    pub time: Instant,
    /// In which task.
    pub task: String,
    /// The shared variables then, `name=value` each.
    pub vars: String,
}

/// State shared by all tasks of one run.
#[derive(Debug, Default)]
pub struct Shared {
    /// Shared variables, in declaration order.
    pub vars: Vec<i64>,
    /// The first invariant violation.
    pub violation: Option<Violation>,
    /// The lines logged so far, as `t=<ms> <line>` (what `Trace::logs` shows), so a check
    /// that only sees the program's output can judge log expectations.
    pub logs: String,
    /// The most holders each semaphore had at once.
    pub sem_max: Vec<u64>,
}

/// One run's interpreter state.
pub struct Rt {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Shared mutable state.
    pub shared: RefCell<Shared>,
    /// The run's primitives.
    pub prims: super::prims::Prims,
}

/// How a block ended.
pub enum Flow {
    /// It ran to its end.
    Next,
    /// A `return` step ran.
    Return(Value),
}

type Res = Result<Flow, Exc>;
/// The hidden local holding the TaskGroup that `spawn` steps go into.
pub const GROUP: &str = " group";

/// A task's locals.
pub type Env = BTreeMap<String, Value>;

/// Logs a line when dropped while armed: the task was cancelled inside an `on_cancel` block.
struct CancelGuard(Option<(String, Rc<Rt>)>);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if let Some((line, rt)) = self.0.take() {
            rt.say(line);
        }
    }
}

impl Rt {
    /// A fresh interpreter state for one run of `scenario`.
    pub fn new(scenario: &Arc<Scenario>) -> Rt {
        Rt {
            scenario: Arc::clone(scenario),
            shared: RefCell::new(Shared {
                vars: scenario.vars.iter().map(|v| v.1).collect(),
                violation: None,
                logs: String::new(),
                sem_max: vec![0; scenario.semaphores.len()],
            }),
            prims: super::prims::Prims::new(scenario),
        }
    }

    /// Logs `line` into the trace and into [`Shared::logs`].
    fn say(&self, line: String) {
        use std::fmt::Write as _;
        // Steps and cancel guards run inside the run (the engine drops cancelled futures
        // at their turn), so the clock is there to read.
        let _ = writeln!(self.shared.borrow_mut().logs, "t={} {line}", simloop::now());
        log!("{line}");
    }

    pub(super) fn lookup(&self, env: &Env, path: &str) -> Result<Value, Exc> {
        if let Some(path) = path.strip_suffix(":type") {
            return Ok(self.lookup(env, path)?.type_name());
        }
        let mut pieces = path.split('.');
        let name = pieces.next().unwrap_or("");
        let mut v = self.lookup_name(env, name)?;
        for index in pieces {
            let i: usize = index.parse().unwrap_or(usize::MAX);
            v = match &v {
                Value::List(items) => items.get(i).cloned().ok_or_else(|| {
                    Exc::new("IndexError", format!("{path}: list index out of range"))
                })?,
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
            Some(i) => Ok(Value::Int(self.shared.borrow().vars[i])),
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
        Ok(Value::from_text(self.render(env, t)?))
    }

    pub(super) fn value_expr(&self, env: &Env, v: &ValueExpr) -> Result<Value, Exc> {
        match v {
            ValueExpr::One(t) => self.value(env, t),
            ValueExpr::List(items) => Ok(Value::List(
                items
                    .iter()
                    .map(|i| self.value_expr(env, i))
                    .collect::<Result<_, _>>()?,
            )),
        }
    }

    pub(super) fn render(&self, env: &Env, t: &Template) -> Result<String, Exc> {
        let mut s = String::new();
        for p in &t.parts {
            match p {
                Part::Text(x) => s.push_str(x),
                Part::Var(v) => s.push_str(&self.lookup(env, v)?.to_string()),
            }
        }
        Ok(s)
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

    /// Evaluates a comparison; each side may be a sum like `{a} + {b} - 1`.
    pub fn cond(&self, env: &Env, c: &Cond) -> Result<bool, Exc> {
        let (l, r) = (self.value(env, &c.left)?, self.value(env, &c.right)?);
        let ord = match (
            l.as_int().or_else(|| sum(&l)),
            r.as_int().or_else(|| sum(&r)),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => l.to_string().cmp(&r.to_string()),
        };
        Ok(match c.op.as_str() {
            "==" => ord.is_eq(),
            "!=" => ord.is_ne(),
            "<" => ord.is_lt(),
            "<=" => ord.is_le(),
            ">" => ord.is_gt(),
            _ => ord.is_ge(),
        })
    }

    fn check_invariants(&self) {
        if self.shared.borrow().violation.is_some() {
            return;
        }
        let env = Env::new();
        for inv in &self.scenario.expect.invariants {
            if let Ok(false) = self.cond(&env, inv) {
                let shared = self.shared.borrow();
                let vars: Vec<String> = self
                    .scenario
                    .vars
                    .iter()
                    .zip(&shared.vars)
                    .map(|((n, _), v)| format!("{n}={v}"))
                    .collect();
                let violation = Violation {
                    invariant: inv.text.clone(),
                    time: simloop::now(),
                    task: simloop::task::current_name().unwrap_or_default(),
                    vars: vars.join(" "),
                };
                drop(shared);
                self.shared.borrow_mut().violation = Some(violation);
                return;
            }
        }
    }

    pub(super) fn spawn_one(
        self: &Rc<Self>,
        env: &Env,
        invoke: &Invoke,
        i: i64,
    ) -> Result<Rc<TaskCell>, Exc> {
        let def = &self.scenario.tasks[invoke.task];
        let args = self.args(env, invoke, i)?;
        let name = self.render(&args, &def.name)?;
        let rt = Rc::clone(self);
        let task = invoke.task;
        let fut = async move {
            let def = &rt.scenario.tasks[task];
            rt.run_def(def, args).await
        };
        let handle = match env.get(GROUP) {
            Some(Value::Group(tg)) => {
                let h = tg
                    .spawn(fut)
                    .map_err(|e| Exc::new("RuntimeError", e.to_string()))?;
                Handle::Group(h)
            }
            _ => Handle::Plain(spawn_named(name.clone(), fut)),
        };
        Ok(Rc::new(TaskCell {
            id: handle.id(),
            name,
            handle: RefCell::new(Some(handle)),
            result: RefCell::new(None),
        }))
    }

    pub(super) fn args(&self, env: &Env, invoke: &Invoke, i: i64) -> Result<Env, Exc> {
        let mut args = Env::new();
        args.insert("i".into(), Value::Int(i));
        for (k, t) in &invoke.args {
            args.insert(k.clone(), self.value(env, t)?);
        }
        Ok(args)
    }

    /// Runs a task template's steps with `env` as its locals; the task's value.
    pub async fn run_def(self: &Rc<Self>, def: &TaskDef, mut env: Env) -> TaskResult {
        env.entry("i".into()).or_insert(Value::Int(0));
        match self.block(&mut env, &def.steps).await? {
            Flow::Next => Ok(Value::None),
            Flow::Return(v) => Ok(v),
        }
    }

    pub(super) fn block<'a>(
        self: &'a Rc<Self>,
        env: &'a mut Env,
        steps: &'a [Step],
    ) -> Pin<Box<dyn Future<Output = Res> + 'a>> {
        Box::pin(async move {
            for s in steps {
                let flow = self.step(env, s).await;
                self.check_invariants();
                match flow? {
                    Flow::Next => {}
                    ret => return Ok(ret),
                }
            }
            Ok(Flow::Next)
        })
    }

    async fn step(self: &Rc<Self>, env: &mut Env, s: &Step) -> Res {
        match s {
            Step::Sleep(d) => {
                let d = match d {
                    Dur::Fixed(d) => *d,
                    Dur::Random { min, max } => {
                        Duration::from_secs(simloop::rng::random_range(*min..=*max))
                    }
                    Dur::Template(t) => {
                        let v = self.value(env, t)?;
                        match v.as_secs() {
                            Some(x) if x.is_finite() && (0.0..1e9).contains(&x) => {
                                Duration::from_secs_f64(x)
                            }
                            _ => {
                                return Err(Exc::new(
                                    "ValueError",
                                    format!("sleep needs a number of seconds, got {}", v.repr()),
                                ));
                            }
                        }
                    }
                };
                sleep(d).await;
            }
            Step::Random { name, from, to } => {
                let (a, b) = (self.int(env, from)?, self.int(env, to)?);
                if a > b {
                    return Err(Exc::new(
                        "ValueError",
                        format!("empty range for randint({a}, {b})"),
                    ));
                }
                env.insert(name.clone(), Value::Int(simloop::rng::random_range(a..=b)));
            }
            Step::Yield(n) => {
                for _ in 0..self.int(env, n)? {
                    yield_now().await;
                }
            }
            Step::Log(t) => {
                let line = self.render(env, t)?;
                self.say(line);
            }
            Step::Spawn {
                invoke,
                count,
                bind,
            } => {
                let v = match count {
                    None => Value::Task(self.spawn_one(env, invoke, 0)?),
                    Some(c) => {
                        let n = self.int(env, c)?;
                        let mut tasks = Vec::new();
                        for i in 0..n {
                            tasks.push(Value::Task(self.spawn_one(env, invoke, i)?));
                        }
                        Value::List(tasks)
                    }
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Call { invoke, bind } => {
                let args = self.args(env, invoke, 0)?;
                let def = &self.scenario.tasks[invoke.task];
                let v = Box::pin(self.run_def(def, args)).await?;
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Await { target, bind } => {
                let v = match self.lookup(env, target)? {
                    Value::Task(t) => t.join().await?,
                    Value::List(items) => {
                        let mut out = Vec::new();
                        for item in items {
                            match item {
                                Value::Task(t) => out.push(t.join().await?),
                                other => return Err(not_a_task(target, &other)),
                            }
                        }
                        Value::List(out)
                    }
                    other => return Err(not_a_task(target, &other)),
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Cancel { target, message } => {
                let message = message.as_ref().map(|m| self.render(env, m)).transpose()?;
                match self.lookup(env, target)? {
                    Value::Task(t) => {
                        t.cancel(message);
                    }
                    Value::List(items) => {
                        for item in items {
                            match item {
                                Value::Task(t) => {
                                    t.cancel(message.clone());
                                }
                                other => return Err(not_a_task(target, &other)),
                            }
                        }
                    }
                    other => return Err(not_a_task(target, &other)),
                }
            }
            Step::Fail { kind, message } => {
                return Err(Exc::new(kind.clone(), self.render(env, message)?));
            }
            Step::Return(t) => return Ok(Flow::Return(self.value(env, t)?)),
            Step::For {
                var,
                from,
                to,
                inclusive,
                body,
            } => {
                let (from, mut to) = (self.int(env, from)?, self.int(env, to)?);
                if !inclusive {
                    let Some(last) = to.checked_sub(1) else {
                        return Ok(Flow::Next);
                    };
                    to = last;
                }
                for i in from..=to {
                    env.insert(var.clone(), Value::Int(i));
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::Repeat { times, body } => {
                for _ in 0..self.int(env, times)? {
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::WhileBefore { until, body } => {
                while simloop::now() < Instant::ZERO + *until {
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::Try {
                body,
                kind,
                bind,
                handler,
            } => match self.block(env, body).await {
                Err(e)
                    if kind.as_ref().map_or(e.kind != "CancelledError", |k| {
                        *k == e.kind || k == "Exception" && e.kind != "CancelledError"
                    }) =>
                {
                    if let Some(b) = bind {
                        env.insert(b.clone(), Value::Error(e));
                    }
                    return self.block(env, handler).await;
                }
                other => return other,
            },
            Step::OnCancel { line, body } => {
                let mut guard = CancelGuard(Some((self.render(env, line)?, Rc::clone(self))));
                let r = self.block(env, body).await;
                guard.0 = None;
                return r;
            }
            Step::Let { name, value } => {
                let v = self.value_expr(env, value)?;
                env.insert(name.clone(), v);
            }
            Step::Set { var, value, add } => {
                let v = self.value(env, value)?;
                let Some(n) = v.as_int() else {
                    return Err(Exc::new(
                        "TypeError",
                        format!("shared variables hold integers, got {}", v.repr()),
                    ));
                };
                self.shared.borrow_mut().vars[*var] = n.wrapping_add(*add);
            }
            Step::If { cond, then, other } => {
                let body = if self.cond(env, cond)? { then } else { other };
                return self.block(env, body).await;
            }
            Step::Gather { .. }
            | Step::Timeout { .. }
            | Step::Shield { .. }
            | Step::Wait { .. }
            | Step::AsCompleted { .. }
            | Step::TaskGroup { .. } => {
                return Box::pin(self.combine_step(env, s)).await;
            }
            other => return self.prim_step(env, other).await,
        }
        Ok(Flow::Next)
    }
}

fn not_a_task(name: &str, v: &Value) -> Exc {
    Exc::new("TypeError", format!("`{name}` is {}, not a task", v.repr()))
}

/// `a + b - c` over integers, when the text is such a sum.
fn sum(v: &Value) -> Option<i64> {
    let Value::Str(text) = v else { return None };
    let mut tokens = text.split_whitespace();
    let mut total: i64 = tokens.next()?.parse().ok()?;
    while let Some(op) = tokens.next() {
        let n: i64 = tokens.next()?.parse().ok()?;
        total = match op {
            "+" => total.checked_add(n)?,
            "-" => total.checked_sub(n)?,
            _ => return None,
        };
    }
    Some(total)
}

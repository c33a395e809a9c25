//! Runs steps as simloop async code.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use simloop::{Instant, log, sleep, spawn_named, yield_now};

use super::budget::{MAX_DEPTH, Stopped};
use super::env::Env;
use super::value::{Exc, Handle, TaskCell, TaskResult, Value, await_future};
use crate::scenario::{Invoke, Literal, Located, Scenario, Step, Target, TaskDef, Template};

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
    /// Why it could not be evaluated, when that is why it failed.
    pub error: Option<String>,
}

/// State shared by all tasks of one run: what the expectations judge besides the trace.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{interp, scenario};
///
/// let text = "[vars]\nn = 0\n[main]\nsteps = [{ set = \"n\", value = \"{n}\", add = 2 }, { log = \"n={n}\" }]";
/// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
/// let shared = interp::run(&scn, &Sim::new()).shared;
/// assert_eq!(shared.vars[0].repr(), "2");
/// assert_eq!(shared.logs, "t=0 n=2\n");
/// ```
#[derive(Debug, Default)]
pub struct Shared {
    /// Shared variables (integers, or floats where declared so), in declaration order.
    pub vars: Vec<Value>,
    /// The first invariant violation.
    pub(crate) violation: Option<Violation>,
    /// The lines logged so far, as `t=<ms> <line>` (what `Trace::logs` shows), so a check
    /// that only sees the program's output can judge log expectations.
    pub logs: String,
    /// The most holders each semaphore had at once.
    pub(crate) sem_max: Vec<u64>,
    /// Bytes of `logs` so far, counted against the output limit.
    pub(crate) output: u64,
    /// Why the interpreter stopped the run, if it did (a task or output limit).
    pub(crate) stopped: Option<Stopped>,
}

/// One run's interpreter state.
pub struct Rt {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Shared mutable state.
    pub shared: RefCell<Shared>,
    /// The run's primitives.
    pub prims: super::prims::Prims,
    /// Tasks spawned so far, the main task included, counted against the task limit.
    spawned: Cell<u64>,
}

/// How a block ended.
pub enum Flow {
    /// It ran to its end.
    Next,
    /// A `return` step ran.
    Return(Value),
}

pub(super) type Res = Result<Flow, Exc>;
/// The hidden local holding the TaskGroup that `spawn` steps go into.
pub const GROUP: &str = " group";

/// Logs a line when dropped while armed: the task was cancelled inside an `on_cancel` block.
/// The line is rendered when the cancellation arrives, as Python's `except CancelledError`
/// block would print it (state reads and shared variables as they are then, the task's
/// locals as they were when the block began); if that fails, the rendering made when the
/// block began (which raised then, had it failed) is logged.
struct CancelGuard(Option<Armed>);

struct Armed {
    line: Template,
    env: Env,
    at_entry: String,
    rt: Rc<Rt>,
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if let Some(a) = self.0.take() {
            let line = a.rt.render(&a.env, &a.line).unwrap_or(a.at_entry);
            let _ = a.rt.say(line);
        }
    }
}

impl Rt {
    /// A fresh interpreter state for one run of `scenario`.
    pub fn new(scenario: &Arc<Scenario>) -> Rt {
        Rt {
            scenario: Arc::clone(scenario),
            shared: RefCell::new(Shared {
                vars: scenario.vars.iter().map(|v| Value::from(v.1)).collect(),
                violation: None,
                logs: String::new(),
                sem_max: vec![0; scenario.semaphores.len()],
                output: 0,
                stopped: None,
            }),
            prims: super::prims::Prims::new(scenario),
            spawned: Cell::new(1),
        }
    }

    /// Logs `line` into the trace and into [`Shared::logs`]; false (and nothing logged) once
    /// the output limit is passed.
    fn say(&self, line: String) -> bool {
        use std::fmt::Write as _;
        // Steps and cancel guards run inside the run (the engine drops cancelled futures
        // at their turn), so the clock is there to read.
        let now = simloop::now();
        let mut shared = self.shared.borrow_mut();
        let before = shared.logs.len();
        let _ = writeln!(shared.logs, "t={now} {line}");
        shared.output += (shared.logs.len() - before) as u64;
        if shared.output > self.scenario.limits.max_output {
            shared.logs.truncate(before);
            return false;
        }
        drop(shared);
        log!("{line}");
        true
    }

    /// Counts `n` more tasks; the reason to stop the run if that passes the task limit.
    pub(super) fn count_tasks(&self, n: u64) -> Option<Stopped> {
        let total = self.spawned.get().saturating_add(n);
        self.spawned.set(total);
        let limit = self.scenario.limits.max_tasks;
        (total > limit).then_some(Stopped::Tasks(limit))
    }

    pub(super) fn check_invariants(&self) {
        if self.shared.borrow().violation.is_some() {
            return;
        }
        let env = Env::default();
        for inv in &self.scenario.expect.invariants {
            // An invariant that cannot be evaluated does not hold.
            let error = match self.truth(&env, inv) {
                Ok(true) => continue,
                Ok(false) => None,
                Err(e) => Some(e.repr()),
            };
            {
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
                    error,
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
        let name = super::budget::short_name(self.render(&args, &def.name)?);
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
            _ => Handle::Plain(spawn_named(name.clone(), fut).share()),
        };
        Ok(Rc::new(TaskCell {
            id: handle.id(),
            name,
            handle: RefCell::new(Some(handle)),
            result: RefCell::new(None),
        }))
    }

    pub(super) fn args(&self, env: &Env, invoke: &Invoke, i: i64) -> Result<Env, Exc> {
        let mut args = Env::default();
        args.insert("i".into(), Value::Int(i));
        for (k, v) in &invoke.args {
            args.insert(k.clone(), self.value_expr(env, v)?);
        }
        Ok(args)
    }

    /// Runs the main task. The invariants are checked before its first step and after its
    /// last, besides after every step of every task (so an empty program checks them too).
    pub async fn run_main(self: &Rc<Self>) -> TaskResult {
        self.check_invariants();
        let result = self.run_def(&self.scenario.main, Env::default()).await;
        self.check_invariants();
        result
    }

    /// Runs a task template's steps with `env` as its locals; the task's value.
    pub async fn run_def(self: &Rc<Self>, def: &TaskDef, mut env: Env) -> TaskResult {
        if env.get("i").is_none() {
            env.insert("i".into(), Value::Int(0));
        }
        match self.block(&mut env, &def.steps).await? {
            Flow::Next => Ok(Value::None),
            Flow::Return(v) => Ok(v),
        }
    }

    pub(super) fn block<'a>(
        self: &'a Rc<Self>,
        env: &'a mut Env,
        steps: &'a [Located],
    ) -> Pin<Box<dyn Future<Output = Res> + 'a>> {
        Box::pin(async move {
            if env.depth >= MAX_DEPTH {
                return Err(self.recursion_error(env));
            }
            env.depth += 1;
            let r = self.steps(env, steps).await;
            env.depth -= 1;
            r
        })
    }

    async fn steps(self: &Rc<Self>, env: &mut Env, steps: &[Located]) -> Res {
        for s in steps {
            self.tick().await?;
            // A block cut short (a timeout, a TaskGroup's failure) drops its future without
            // leaving its level: the step restores the depth.
            let depth = env.depth;
            // An exception leaving the step that raised it is marked with the step's place
            // (the innermost step: the blocks around it keep the mark).
            let flow = self.step(env, &s.step).await.map_err(|e| e.raised_at(s.at));
            env.depth = depth;
            self.check_invariants();
            match flow? {
                Flow::Next => {}
                ret => return Ok(ret),
            }
        }
        Ok(Flow::Next)
    }

    fn recursion_error(&self, env: &Env) -> Exc {
        let place = match env.call {
            Some((at, task)) => format!(
                " (the innermost call: `call = \"{}\"` at {}:{}:{})",
                self.scenario.tasks[task].key, self.scenario.path, at.line, at.column
            ),
            None => String::new(),
        };
        Exc::new(
            "RecursionError",
            format!("maximum nesting depth of {MAX_DEPTH} blocks and calls exceeded{place}"),
        )
    }

    async fn step(self: &Rc<Self>, env: &mut Env, s: &Step) -> Res {
        match s {
            Step::Sleep(d) => sleep(self.duration(env, d, "sleep")?).await,
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
                    self.tick().await?;
                    yield_now().await;
                }
            }
            Step::Log(t) => {
                let line = self.render(env, t)?;
                if !self.say(line) {
                    return self
                        .stop(Stopped::Output(self.scenario.limits.max_output))
                        .await;
                }
            }
            Step::Spawn {
                invoke,
                count,
                bind,
            } => {
                let v = match count {
                    None => {
                        if let Some(why) = self.count_tasks(1) {
                            return self.stop(why).await;
                        }
                        Value::Task(self.spawn_one(env, invoke, 0)?)
                    }
                    Some(c) => {
                        let n = self.int(env, c)?;
                        let mut tasks = Vec::new();
                        // The arguments see the index as `i`, as the task's name does
                        // (`args = { name = "w{i}" }`); the caller's own `i` comes back after.
                        let outer_i = env.get("i").cloned();
                        for i in 0..n {
                            self.tick().await?;
                            if let Some(why) = self.count_tasks(1) {
                                return self.stop(why).await;
                            }
                            env.insert("i".into(), Value::Int(i));
                            let spawned = self.spawn_one(env, invoke, i);
                            match &outer_i {
                                Some(v) => env.insert("i".into(), v.clone()),
                                None => env.remove("i"),
                            };
                            tasks.push(Value::Task(spawned?));
                        }
                        Value::List(tasks)
                    }
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Call { invoke, bind } => {
                let args = self
                    .args(env, invoke, 0)?
                    .called_from(env, invoke.at, invoke.task);
                let def = &self.scenario.tasks[invoke.task];
                let v = Box::pin(self.run_def(def, args)).await?;
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Await { target, bind } => {
                let v = match self.lookup(env, target)? {
                    Value::Task(t) => t.join().await?,
                    Value::Future(f) => await_future(&f).await?,
                    Value::List(items) => {
                        let mut out = Vec::new();
                        for item in items {
                            match item {
                                Value::Task(t) => out.push(t.join().await?),
                                Value::Future(f) => out.push(await_future(&f).await?),
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
                    Value::Future(f) => {
                        super::futures::cancel(&f, message);
                    }
                    Value::Handle(h, _) => {
                        h.cancel();
                    }
                    Value::List(items) => {
                        for item in items {
                            match item {
                                Value::Task(t) => {
                                    t.cancel(message.clone());
                                }
                                Value::Future(f) => {
                                    super::futures::cancel(&f, message.clone());
                                }
                                other => return Err(not_a_task(target, &other)),
                            }
                        }
                    }
                    other => return Err(not_a_task(target, &other)),
                }
            }
            Step::CreateFuture(_) | Step::SetResult { .. } | Step::SetException { .. } => {
                self.future_step(env, s)?;
            }
            Step::Fail { kind, message } => {
                return Err(Exc::new(kind.clone(), self.render(env, message)?));
            }
            Step::Return(v) => return Ok(Flow::Return(self.value_expr(env, v)?)),
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
                    self.tick().await?;
                    env.insert(var.clone(), Value::Int(i));
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::Repeat { times, body } => {
                for _ in 0..self.int(env, times)? {
                    self.tick().await?;
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::WhileBefore { until, body } => {
                while simloop::now() < Instant::ZERO + *until {
                    self.tick().await?;
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
                let mut guard = CancelGuard(Some(Armed {
                    at_entry: self.render(env, line)?,
                    line: line.clone(),
                    env: env.clone(),
                    rt: Rc::clone(self),
                }));
                let r = self.block(env, body).await;
                guard.0 = None;
                return r;
            }
            Step::Let { name, value } => {
                let v = self.value_expr(env, value)?;
                env.insert(name.clone(), v);
            }
            Step::Set { var, value, add } => {
                let v = self.value_expr(env, value)?;
                let (name, initial) = &self.scenario.vars[*var];
                let sum = match (initial, add) {
                    (Literal::Float(_), add) => {
                        let add = match add {
                            Literal::Float(f) => *f,
                            Literal::Int(i) => *i as f64,
                            Literal::Bool(_) => unreachable!("validation allows numbers only"),
                        };
                        let Some(x) = v.as_float() else {
                            return Err(Exc::new(
                                "TypeError",
                                format!("`{name}` holds a number, got {}", v.repr()),
                            ));
                        };
                        Value::Float(x + add)
                    }
                    (_, add) => {
                        let Some(n) = v.as_int() else {
                            return Err(Exc::new(
                                "TypeError",
                                format!("shared variables hold integers, got {}", v.repr()),
                            ));
                        };
                        let Literal::Int(add) = add else {
                            unreachable!("validation adds integers to integers")
                        };
                        let Some(sum) = n.checked_add(*add) else {
                            return Err(Exc::new(
                                "OverflowError",
                                format!(
                                    "`set = \"{name}\"`: {n} + {add} does not fit in a 64-bit integer"
                                ),
                            ));
                        };
                        Value::Int(sum)
                    }
                };
                self.shared.borrow_mut().vars[*var] = sum;
            }
            Step::Eval { into, expr } => {
                let v = self.eval(env, expr)?;
                match into {
                    Target::Local(name) => {
                        env.insert(name.clone(), v);
                    }
                    Target::Shared(var) => {
                        let float = matches!(self.scenario.vars[*var].1, Literal::Float(_));
                        let v = match v {
                            Value::Int(n) if float => Value::Float(n as f64),
                            Value::Int(_) => v,
                            Value::Float(_) if float => v,
                            _ => {
                                let holds = if float { "numbers" } else { "integers" };
                                return Err(Exc::new(
                                    "TypeError",
                                    format!(
                                        "`{}` holds {holds}, and `{}` computes {}",
                                        self.scenario.vars[*var].0,
                                        expr.text,
                                        v.repr()
                                    ),
                                ));
                            }
                        };
                        self.shared.borrow_mut().vars[*var] = v;
                    }
                }
            }
            Step::If { cond, then, other } => {
                let body = if self.truth(env, cond)? { then } else { other };
                return self.block(env, body).await;
            }
            Step::Gather { .. }
            | Step::Timeout { .. }
            | Step::Shield { .. }
            | Step::ShieldTask { .. }
            | Step::Wait { .. }
            | Step::AsCompleted { .. }
            | Step::TaskGroup { .. } => {
                return Box::pin(self.combine_step(env, s)).await;
            }
            Step::AddDoneCallback { .. } | Step::CallLater { .. } => {
                // A pending callback holds its steps' locals as a task does: it counts
                // against the task limit, so a loop scheduling callbacks is bounded.
                if let Some(why) = self.count_tasks(1) {
                    return self.stop(why).await;
                }
                match s {
                    Step::AddDoneCallback { .. } => self.add_done_callback(env, s)?,
                    _ => self.loop_step(env, s)?,
                }
            }
            Step::Reschedule { .. } => self.loop_step(env, s)?,
            other => return self.prim_step(env, other).await,
        }
        Ok(Flow::Next)
    }
}

fn not_a_task(name: &str, v: &Value) -> Exc {
    Exc::new("TypeError", format!("`{name}` is {}, not a task", v.repr()))
}

//! Runs steps as simloop async code: a task template's blocks, the control flow between
//! steps (loops, `try`, `if`, `on_cancel`), and the dispatch of every other step to the
//! file that runs its kind.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use simloop::task::Cancelled;
use simloop::{Instant, catch_cancelled, sleep, yield_now};

use super::budget::{MAX_DEPTH, Stopped};
use super::env::Env;
use super::exc::Exc;
use super::groups::{self, Star};
use super::state::Rt;
use super::value::{TaskResult, Value};
use crate::scenario::{Located, Step, TaskDef, Template};

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

    /// A task's body (a spawned task, a gathered coroutine's task): a `CancelledError`
    /// that propagates out of it ends the task cancelled, with its message, as asyncio's
    /// `Task.__step` does (`super().cancel()`), not returned as an error (case 718).
    pub(super) async fn run_task(self: &Rc<Self>, def: &TaskDef, env: Env) -> TaskResult {
        match self.run_def(def, env).await {
            Err(e) if e.kind == "CancelledError" => {
                let message = (!e.message.is_empty()).then_some(e.message.as_str());
                Cancelled::new(message).reraise().await
            }
            r => r,
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

    /// A `try` block's body. Under `error = "CancelledError"` it also catches the task's
    /// own cancellation, as Python's `except CancelledError` does (`catch_cancelled`: what
    /// the body awaited is cancelled and the handler runs); any other `except` sees only
    /// a `CancelledError` raised by what the body awaits.
    async fn try_block(
        self: &Rc<Self>,
        env: &mut Env,
        body: &[Located],
        kind: Option<&str>,
    ) -> Res {
        if kind != Some("CancelledError") {
            return self.block(env, body).await;
        }
        let depth = env.depth;
        match catch_cancelled(self.block(env, body)).await {
            Ok(r) => r,
            Err(c) => {
                // The body was dropped part-way: its blocks did not leave their levels.
                env.depth = depth;
                Err(Exc::new("CancelledError", c.message().unwrap_or_default()))
            }
        }
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

    /// A `try` step's body and `except` handler (its `finally`, if any, is the caller's).
    async fn try_except(self: &Rc<Self>, env: &mut Env, s: &Step) -> Res {
        let Step::Try {
            body,
            kind,
            bind,
            handler,
            star,
            ..
        } = s
        else {
            unreachable!("not a try: {s:?}")
        };
        let Some(handler) = handler else {
            return self.block(env, body).await;
        };
        match (kind, star) {
            (Some(kind), true) => match self.try_block(env, body, Some(kind)).await {
                Err(e) => match groups::star(e, kind) {
                    Star::Miss(e) => Err(e),
                    Star::Hit { caught, rest } => {
                        if let Some(b) = bind {
                            env.insert(b.clone(), Value::Error(caught));
                        }
                        let raised = self.block(env, handler).await.err();
                        match groups::after_handler(raised, rest) {
                            Some(e) => Err(e),
                            None => Ok(Flow::Next),
                        }
                    }
                },
                ok => ok,
            },
            _ => match self.try_block(env, body, kind.as_deref()).await {
                Err(e)
                    if kind.as_ref().map_or(e.kind != "CancelledError", |k| {
                        *k == e.kind || k == "Exception" && e.kind != "CancelledError"
                    }) =>
                {
                    if let Some(b) = bind {
                        env.insert(b.clone(), Value::Error(e));
                    }
                    self.block(env, handler).await
                }
                other => other,
            },
        }
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
                eager,
                group,
            } => {
                let into = super::tasks::SpawnInto {
                    eager: *eager,
                    group: group.as_ref(),
                };
                return self
                    .spawn_step(env, invoke, count.as_ref(), bind.as_ref(), into)
                    .await;
            }
            Step::Call { invoke, bind } => return self.call_step(env, invoke, bind.as_ref()).await,
            Step::Await { target, bind } => {
                return self.await_step(env, target, bind.as_ref()).await;
            }
            Step::Cancel {
                target,
                message,
                bind,
            } => {
                let taken = self.cancel_step(env, target, message.as_ref())?;
                if let Some(b) = bind {
                    env.insert(b.clone(), taken);
                }
            }
            Step::SetName { target, name } => return self.set_name_step(env, target, name),
            Step::Uncancel { target, bind } => {
                let left = match target {
                    None => simloop::task::uncancel(),
                    Some(t) => self.uncancel_step(env, t)?,
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), Value::Int(i64::from(left)));
                }
            }
            Step::CreateFuture(_) | Step::SetResult { .. } | Step::SetException { .. } => {
                self.future_step(env, s)?;
            }
            Step::Fail { kind, message } => {
                let message = self.render(env, message)?;
                if kind == "CancelledError" && simloop::task::try_current().is_some() {
                    // A task raising CancelledError (a re-raise in an `except` block) ends
                    // cancelled, as asyncio's task does: a real cancellation, which the
                    // `on_cancel` blocks around it see and the next enclosing
                    // `except CancelledError` catches.
                    let message = (!message.is_empty()).then_some(message.as_str());
                    return Cancelled::new(message).reraise().await;
                }
                return Err(Exc::new(kind.clone(), message));
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
            Step::ForIn { var, values, body } => {
                // The values are taken once, as Python's `for` takes its iterator.
                let values = self.eval(env, values)?;
                for v in super::funcs::items(&values, "a `for` loop")? {
                    self.tick().await?;
                    env.insert(var.clone(), v);
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
            Step::While { cond, body } => {
                // Each turn is charged to the step budget: a condition that never turns
                // false stops at the step limit.
                while self.truth(env, cond)? {
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
            Step::Try { finally, .. } if !finally.is_empty() => {
                // `finally:` runs however the try ends, the task's own cancellation too
                // (caught here, then raised again after it, as Python's finally does).
                let depth = env.depth;
                let r = match catch_cancelled(Box::pin(self.try_except(env, s))).await {
                    Ok(r) => r,
                    Err(c) => {
                        env.depth = depth;
                        Err(Exc::new("CancelledError", c.message().unwrap_or_default()))
                    }
                };
                // An exception or a `return` in `finally` replaces the try's outcome.
                if let ret @ Flow::Return(_) = self.block(env, finally).await? {
                    return Ok(ret);
                }
                return match r {
                    // A CancelledError going on is raised again as a real cancellation, as
                    // `except CancelledError: ...; raise` does (`fail = "CancelledError"`):
                    // an enclosing timeout then sees its expiry pass (cases 519, 579).
                    Err(e)
                        if e.kind == "CancelledError" && simloop::task::try_current().is_some() =>
                    {
                        let message = (!e.message.is_empty()).then_some(e.message.as_str());
                        Cancelled::new(message).reraise().await
                    }
                    r => r,
                };
            }
            Step::Try { .. } => {
                let group = env.get(GROUP).cloned();
                let r = Box::pin(self.try_except(env, s)).await;
                restore_group(env, group);
                return r;
            }
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
            Step::Set { var, value, add } => self.set_step(env, *var, value, add)?,
            Step::Eval { into, expr } => self.eval_step(env, into, expr)?,
            Step::If { cond, then, other } => {
                let body = if self.truth(env, cond)? { then } else { other };
                return self.block(env, body).await;
            }
            Step::Timeout { .. } => {
                let group = env.get(GROUP).cloned();
                let r = Box::pin(self.combine_step(env, s)).await;
                restore_group(env, group);
                return r;
            }
            Step::Gather { .. }
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
            Step::RemoveDoneCallback { .. } => self.remove_done_callback(env, s)?,
            other => return self.prim_step(env, other).await,
        }
        Ok(Flow::Next)
    }
}

/// Puts the TaskGroup binding back as it was before a step that may drop its block and go
/// on (a `try` catching a cancellation, a timeout's expiry or a zero `wait_for`): a
/// `task_group` step dropped inside it never restores the binding itself, and the spawns
/// after it went into the finished group, `RuntimeError('the task group has finished')`
/// (found by the fuzzer, seed 8602, programs 7, 192 and 252; case 787).
fn restore_group(env: &mut Env, group: Option<Value>) {
    match group {
        Some(v) => env.insert(GROUP.to_string(), v),
        None => env.remove(GROUP),
    };
}

//! The steps that make and reach tasks: `spawn` (one or `count` of them), `call` (a
//! template run inline), `await` and `cancel` (of a task, a bare future, a loop handle or a
//! list of them).

use std::cell::RefCell;
use std::rc::Rc;

use simloop::{SpawnError, TaskGroup, spawn_eager_named, spawn_named};

use super::budget::short_name;
use super::env::Env;
use super::exc::Exc;
use super::exec::{Flow, GROUP, Res};
use super::state::Rt;
use super::value::{Handle, TaskCell, Value, await_future};
use crate::scenario::{IntExpr, Invoke, Template};

/// Where a `spawn` puts its tasks: eagerly or not, and into the TaskGroup a local holds
/// (`group = "tg"`), else into the enclosing `task_group` block's, if any.
pub(super) struct SpawnInto<'a> {
    /// `eager = true` (or the file's `eager_tasks`).
    pub eager: bool,
    /// The local named by `group`.
    pub group: Option<&'a String>,
}

impl Rt {
    pub(super) fn spawn_one(
        self: &Rc<Self>,
        env: &Env,
        invoke: &Invoke,
        i: i64,
        eager: bool,
        group: Option<&Rc<TaskGroup<Exc>>>,
    ) -> Result<Rc<TaskCell>, Exc> {
        let def = &self.scenario.tasks[invoke.task];
        let args = self.args(env, invoke, i)?;
        let name = short_name(self.render(&args, &def.name)?);
        let rt = Rc::clone(self);
        let task = invoke.task;
        let fut = async move {
            let def = &rt.scenario.tasks[task];
            rt.run_task(def, args).await
        };
        let handle = match group {
            Some(tg) => {
                // The child's exception goes to the group; a copy stays for its awaiters.
                let failure: Rc<RefCell<Option<Exc>>> = Rc::default();
                let kept = Rc::clone(&failure);
                let h = tg
                    .spawn(async move {
                        let r = fut.await;
                        if let Err(e) = &r {
                            *kept.borrow_mut() = Some(e.clone());
                        }
                        r
                    })
                    .map_err(refused)?;
                Handle::Group(h, failure)
            }
            _ if eager => Handle::Plain(spawn_eager_named(name.clone(), fut).share()),
            _ => Handle::Plain(spawn_named(name.clone(), fut).share()),
        };
        let abort = match &handle {
            Handle::Plain(t) => t.abort_handle(),
            Handle::Group(h, _) => {
                // asyncio 3.12's `tg.create_task(coro, name=...)` makes the task, then names
                // it (after an eager child's first step, as `create_task` does): its own
                // `current_task().get_name()` reads the name, not `Task-N`.
                let abort = h.abort_handle();
                abort.set_name(name.clone());
                abort
            }
        };
        Ok(Rc::new(TaskCell {
            id: handle.id(),
            name: RefCell::new(name),
            abort,
            handle: RefCell::new(Some(handle)),
            result: RefCell::new(None),
            message_taken: Default::default(),
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

    /// `spawn`: one task, or `count` of them as a list; bound to `bind` if given.
    pub(super) async fn spawn_step(
        self: &Rc<Self>,
        env: &mut Env,
        invoke: &Invoke,
        count: Option<&IntExpr>,
        bind: Option<&String>,
        into: SpawnInto<'_>,
    ) -> Res {
        let group = match into.group {
            Some(name) => match self.lookup(env, name)? {
                Value::Group(tg) => Some(tg),
                other => {
                    return Err(Exc::new(
                        "TypeError",
                        format!("`{name}` is {}, not a TaskGroup", other.repr()),
                    ));
                }
            },
            None => match env.get(GROUP) {
                Some(Value::Group(tg)) => Some(Rc::clone(tg)),
                _ => None,
            },
        };
        let eager = into.eager;
        let v = match count {
            None => {
                if let Some(why) = self.count_tasks(1) {
                    return self.stop(why).await;
                }
                Value::Task(self.spawn_one(env, invoke, 0, eager, group.as_ref())?)
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
                    let spawned = self.spawn_one(env, invoke, i, eager, group.as_ref());
                    match &outer_i {
                        Some(v) => env.insert("i".into(), v.clone()),
                        None => env.remove("i"),
                    };
                    tasks.push(Value::Task(spawned?));
                }
                Value::List(tasks.into())
            }
        };
        if let Some(b) = bind {
            env.insert(b.clone(), v);
        }
        Ok(Flow::Next)
    }

    /// `call`: the template's steps run in this task, its return value bound to `bind`.
    pub(super) async fn call_step(
        self: &Rc<Self>,
        env: &mut Env,
        invoke: &Invoke,
        bind: Option<&String>,
    ) -> Res {
        let args = self
            .args(env, invoke, 0)?
            .called_from(env, invoke.at, invoke.task);
        let def = &self.scenario.tasks[invoke.task];
        let v = Box::pin(self.run_def(def, args)).await?;
        if let Some(b) = bind {
            env.insert(b.clone(), v);
        }
        Ok(Flow::Next)
    }

    /// `await`: a task, a bare future, or a list of them in order.
    pub(super) async fn await_step(
        self: &Rc<Self>,
        env: &mut Env,
        target: &str,
        bind: Option<&String>,
    ) -> Res {
        let v = match self.lookup(env, target)? {
            Value::Task(t) => t.join().await?,
            Value::Future(f) => await_future(&f).await?,
            Value::Gather(g) => g.wait().await?,
            Value::Completion(c) => c.wait().await?,
            Value::List(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    match item {
                        Value::Task(t) => out.push(t.join().await?),
                        Value::Future(f) => out.push(await_future(f).await?),
                        Value::Gather(g) => out.push(g.wait().await?),
                        Value::Completion(c) => out.push(c.wait().await?),
                        other => return Err(not_a_task(target, other)),
                    }
                }
                Value::List(out.into())
            }
            other => return Err(not_a_task(target, &other)),
        };
        if let Some(b) = bind {
            env.insert(b.clone(), v);
        }
        Ok(Flow::Next)
    }

    /// `cancel`: a task, a bare future, a loop callback's handle, or a list of tasks and
    /// futures, with an optional message.
    /// `t.uncancel()` of the task in local `target`: the count left.
    pub(super) fn uncancel_step(self: &Rc<Self>, env: &Env, target: &str) -> Result<u32, Exc> {
        match self.lookup(env, target)? {
            Value::Task(t) => Ok(t.abort.uncancel()),
            other => Err(not_a_task(target, &other)),
        }
    }

    /// `cancel` (of a task, a future, a loop handle or a list of tasks and futures): what
    /// `cancel()` returned, whether each request was taken (`None` for a loop handle).
    pub(super) fn cancel_step(
        self: &Rc<Self>,
        env: &Env,
        target: &str,
        message: Option<&Template>,
    ) -> Result<Value, Exc> {
        let message = message.map(|m| self.render(env, m)).transpose()?;
        if target == crate::scenario::CURRENT_TASK && env.get(target).is_none() {
            // `asyncio.current_task().cancel()`: the running task asks for its own
            // cancellation, delivered at its next await (in a callback, `None.cancel`).
            let Some(id) = simloop::task::try_current() else {
                return Err(no_current_task("cancel"));
            };
            return Ok(Value::Bool(simloop::task::cancel(id)));
        }
        let one = |v: &Value, message: Option<String>| match v {
            Value::Task(t) => Ok(Value::Bool(t.cancel(message))),
            Value::Future(f) => Ok(Value::Bool(super::futures::cancel(f, message))),
            Value::Gather(g) => Ok(Value::Bool(g.cancel(message))),
            other => Err(not_a_task(target, other)),
        };
        match self.lookup(env, target)? {
            Value::Handle(h, _) => {
                h.cancel();
                Ok(Value::None)
            }
            Value::List(items) => {
                let taken = items
                    .iter()
                    .map(|item| one(item, message.clone()))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::List(taken.into()))
            }
            v => one(&v, message),
        }
    }
}

impl Rt {
    /// `set_name`: the task's new name, Python's `str` of the value.
    pub(super) fn set_name_step(
        self: &Rc<Self>,
        env: &Env,
        target: &str,
        name: &crate::scenario::ValueExpr,
    ) -> Res {
        let name = self.value_expr(env, name)?;
        if target == crate::scenario::CURRENT_TASK && env.get(target).is_none() {
            // `asyncio.current_task().set_name(...)`: the running task, whose cell (if a
            // spawn made one) reads its name from the run.
            if simloop::task::try_current().is_none() {
                return Err(no_current_task("set_name"));
            }
            simloop::task::set_current_name(name.to_string());
            return Ok(Flow::Next);
        }
        match self.lookup(env, target)? {
            Value::Task(t) => t.set_name(name.to_string()),
            other => return Err(not_a_task(target, &other)),
        }
        Ok(Flow::Next)
    }
}

/// asyncio's `asyncio.current_task().member`, in a callback, where `current_task()` is `None`.
pub(super) fn no_current_task(member: &str) -> Exc {
    Exc::new(
        "AttributeError",
        format!("'NoneType' object has no attribute '{member}'"),
    )
}

fn not_a_task(name: &str, v: &Value) -> Exc {
    Exc::new("TypeError", format!("`{name}` is {}, not a task", v.repr()))
}

/// asyncio's `RuntimeError` for a task a TaskGroup refuses (`create_task` after the group
/// ended, or while it cancels its children after a failure); asyncio's message names the
/// group's `repr` (`TaskGroup <TaskGroup tasks=1 errors=1 cancelling> is shutting down`),
/// which has no counterpart here.
fn refused(e: SpawnError) -> Exc {
    let why = match e {
        SpawnError::Finished => "is finished",
        SpawnError::ShuttingDown => "is shutting down",
    };
    Exc::new("RuntimeError", format!("TaskGroup {why}"))
}

//! Bare futures (`create_future`, `set_result`, `set_exception`) on simloop's `Promise`.

use std::rc::Rc;

use futures::FutureExt;

use super::budget::check_result;
use super::env::Env;
use super::exc::Exc;
use super::state::Rt;
use super::value::{Fut, Handle, TaskResult, Value};
use crate::scenario::Step;

impl Rt {
    /// Runs a step that makes or settles a future.
    pub(super) fn future_step(&self, env: &mut Env, s: &Step) -> Result<(), Exc> {
        match s {
            Step::CreateFuture(name) => {
                let fut = Fut::named(name);
                env.insert(name.clone(), Value::Future(Rc::new(fut)));
            }
            Step::SetResult { target, value } => {
                let f = self.future(env, target)?;
                let v = self.value_expr(env, value)?;
                check_result(&v)?;
                f.set_result(v).map_err(|_| invalid_state())?;
            }
            Step::SetException {
                target,
                kind,
                message,
            } => {
                let f = self.future(env, target)?;
                let e = Exc::new(kind.clone(), self.render(env, message)?);
                f.set_error(e).map_err(|_| invalid_state())?;
            }
            other => unreachable!("not a future step: {other:?}"),
        }
        Ok(())
    }

    /// `target.add_done_callback(...)`: the callback runs its steps, which never await (the
    /// file's check), with a copy of the locals and the task or future bound to `bind`.
    /// An exception inside it is reported on stderr and the run goes on, as asyncio's loop
    /// logs "Exception in callback" and carries on.
    pub(super) fn add_done_callback(self: &Rc<Self>, env: &Env, s: &Step) -> Result<(), Exc> {
        let Step::AddDoneCallback {
            target,
            bind,
            body,
            callback,
        } = s
        else {
            unreachable!("not a callback step: {s:?}")
        };
        let subject = self.lookup(env, target)?;
        let rt = Rc::clone(self);
        let mut locals = env.clone();
        if let Some(b) = bind {
            locals.insert(b.clone(), subject.clone());
        }
        let (name, body) = (target.clone(), body.clone());
        let mut run = move || {
            let outcome = rt.block(&mut locals, &body).now_or_never();
            if let Some(Err(e)) = outcome {
                eprintln!(
                    "Exception in callback {name}.add_done_callback: {}",
                    e.located(&rt.scenario.path)
                );
            }
        };
        // A named callback is added under its name's key (asyncio's same function, which
        // `remove_done_callback` removes); an unnamed one under a key of its own.
        let key = match callback {
            Some(i) => self.callbacks[*i].clone(),
            None => simloop::task::DoneCallbackKey::new(),
        };
        match self.watched(
            env,
            target,
            "its done-callback is the group's (await it instead)",
        )? {
            Watched::Future(f) => f.add_done_callback_as(&key, move |_| run()),
            Watched::Task(task) => task.add_done_callback_as(&key, move |_| run()),
        }
        Ok(())
    }

    /// `n = target.remove_done_callback(on_done)`: unregisters the named callback's pending
    /// registrations on the task or future (a callback already scheduled to run, because it
    /// is done, still runs, as in asyncio) and binds how many there were.
    pub(super) fn remove_done_callback(&self, env: &mut Env, s: &Step) -> Result<(), Exc> {
        let Step::RemoveDoneCallback {
            target,
            callback,
            bind,
        } = s
        else {
            unreachable!("not a callback step: {s:?}")
        };
        let key = &self.callbacks[*callback];
        let removed = match self.watched(env, target, "it has no done-callbacks of the file's")? {
            Watched::Future(f) => f.remove_done_callback(key),
            Watched::Task(task) => task.remove_done_callback(key),
        };
        if let Some(b) = bind {
            env.insert(b.clone(), Value::Int(removed as i64));
        }
        Ok(())
    }

    /// The future or task held by the local `target`, for a done-callback step; a
    /// TaskGroup child is a `TypeError` saying `why`.
    fn watched(&self, env: &Env, target: &str, why: &str) -> Result<Watched, Exc> {
        match self.lookup(env, target)? {
            Value::Future(f) => Ok(Watched::Future(f)),
            Value::Task(t) => match &*t.handle.borrow() {
                Some(Handle::Plain(task)) => Ok(Watched::Task(task.clone())),
                _ => Err(Exc::new(
                    "TypeError",
                    format!("`{}` is a TaskGroup child: {why}", t.name.borrow()),
                )),
            },
            other => Err(Exc::new(
                "TypeError",
                format!("`{target}` is {}, not a task or a future", other.repr()),
            )),
        }
    }

    /// The future held by the local `target`.
    fn future(&self, env: &Env, target: &str) -> Result<Rc<Fut>, Exc> {
        match self.lookup(env, target)? {
            Value::Future(f) => Ok(f),
            other => Err(Exc::new(
                "TypeError",
                format!("`{target}` is {}, not a future", other.repr()),
            )),
        }
    }
}

/// What a done-callback step acts on.
enum Watched {
    Future(Rc<Fut>),
    Task(simloop::task::Task<TaskResult>),
}

/// `fut.cancel(msg)`; false if it was done.
pub(super) fn cancel(f: &Fut, message: Option<String>) -> bool {
    match message {
        Some(m) => f.cancel_with(m),
        None => f.cancel(),
    }
}

/// asyncio's error for setting a done future: `InvalidStateError('invalid state')`, the
/// message of CPython's C `Future` (`_asyncio`), which asyncio uses; the pure-Python one
/// says `FINISHED: <Future ...>`, which the interpreter printed until case 650.
fn invalid_state() -> Exc {
    Exc::new("InvalidStateError", "invalid state")
}

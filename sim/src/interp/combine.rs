//! Steps on combinators: gather, wait_for/timeout, shield, wait, as_completed, TaskGroup.
//! Each maps to the simloop combinator, so hops, cancellation and trace are the library's.

use std::future::Future;
use std::rc::Rc;

use futures::StreamExt as _;
use futures::future::Either;
use simloop::sync::PromiseError;
use simloop::{ChildFailure, GatherError, ReturnWhen, Task, TaskGroup};

use super::env::Env;
use super::exc::Exc;
use super::exec::{Flow, GROUP};
use super::gather_futures::Child;
use super::state::Rt;
use super::value::{Fut, Handle, TaskCell, TaskResult, Value, await_future, from_join};
use crate::scenario::{GatherItems, Invoke, Located, Step, WaitWhen};

/// What `wait` and `as_completed` watch: a task, or a bare future through its promise.
pub(super) type Member = Either<Task<TaskResult>, simloop::sync::PromiseHandle<Value, Exc>>;

impl Rt {
    /// The task cells named by `targets` (locals holding a task or a list of tasks).
    pub(super) fn cells(&self, env: &Env, targets: &[String]) -> Result<Vec<Rc<TaskCell>>, Exc> {
        let mut out = Vec::new();
        for t in targets {
            match self.lookup(env, t)? {
                Value::Task(c) => out.push(c),
                Value::List(items) => {
                    for item in items.iter() {
                        match item {
                            Value::Task(c) => out.push(Rc::clone(c)),
                            other => {
                                return Err(Exc::new(
                                    "TypeError",
                                    format!("`{t}` holds {}, not a task", other.repr()),
                                ));
                            }
                        }
                    }
                }
                other => {
                    return Err(Exc::new(
                        "TypeError",
                        format!("`{t}` is {}, not a task", other.repr()),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Whether a local of `targets` holds a bare future (or a list holding one).
    pub(super) fn has_future(&self, env: &Env, targets: &[String]) -> Result<bool, Exc> {
        for t in targets {
            match self.lookup(env, t)? {
                Value::Future(_) => return Ok(true),
                Value::List(items) if items.iter().any(|v| matches!(v, Value::Future(_))) => {
                    return Ok(true);
                }
                _ => {}
            }
        }
        Ok(false)
    }

    /// The tasks and futures named by `targets`, in argument order, each with the handle
    /// `wait` or `as_completed` watches it through (a bare future's is the promise itself,
    /// whose done-callback slot is asyncio's, so no wrapper task adds a hop).
    pub(super) fn members(
        &self,
        env: &Env,
        targets: &[String],
    ) -> Result<(Vec<Child>, Vec<Member>), Exc> {
        let children = self.children(env, targets)?;
        let mut handles = Vec::new();
        for c in &children {
            handles.push(match c {
                Child::Task(cell) => {
                    let [t] = Self::handles(std::slice::from_ref(cell))?
                        .try_into()
                        .expect("one cell, one handle");
                    Either::Left(t)
                }
                Child::Future(f) => Either::Right(f.handle()),
            });
        }
        Ok((children, handles))
    }

    /// The tasks and futures named by `targets`, in argument order.
    fn children(&self, env: &Env, targets: &[String]) -> Result<Vec<Child>, Exc> {
        let mut out = Vec::new();
        for t in targets {
            let v = self.lookup(env, t)?;
            let (items, verb) = match v {
                Value::List(items) => (items.to_vec(), "holds"),
                one => (vec![one], "is"),
            };
            for item in items {
                out.push(match item {
                    Value::Task(c) => Child::Task(c),
                    Value::Future(f) => Child::Future(f),
                    other => {
                        return Err(Exc::new(
                            "TypeError",
                            format!("`{t}` {verb} {}, not a task or a future", other.repr()),
                        ));
                    }
                });
            }
        }
        Ok(out)
    }

    /// Shared handles on the plain tasks of `cells`, for a combinator (the cells keep theirs:
    /// a task may be awaited again, as in asyncio).
    pub(super) fn handles(cells: &[Rc<TaskCell>]) -> Result<Vec<Task<TaskResult>>, Exc> {
        cells
            .iter()
            .map(|c| match &*c.handle.borrow() {
                Some(Handle::Plain(t)) => Ok(t.clone()),
                Some(Handle::Group(..)) => Err(Exc::new(
                    "RuntimeError",
                    format!(
                        "{} belongs to a TaskGroup; await it instead",
                        c.name.borrow()
                    ),
                )),
                None => Err(Exc::new(
                    "RuntimeError",
                    format!("task {} was already awaited", c.name.borrow()),
                )),
            })
            .collect()
    }

    /// The coroutines of a gather's calls, each to be spawned as a task (`gather(f(),
    /// g())`), their arguments taken now.
    pub(super) fn call_futures(
        self: &Rc<Self>,
        env: &Env,
        calls: &[Invoke],
    ) -> Result<Vec<impl Future<Output = TaskResult> + 'static>, Exc> {
        let mut futs = Vec::new();
        for invoke in calls {
            let args = self.args(env, invoke, 0)?;
            let rt = Rc::clone(self);
            let task = invoke.task;
            futs.push(async move {
                let def = &rt.scenario.tasks[task];
                rt.run_task(def, args).await
            });
        }
        Ok(futs)
    }

    /// Runs a combinator step.
    pub(super) async fn combine_step(
        self: &Rc<Self>,
        env: &mut Env,
        s: &Step,
    ) -> Result<Flow, Exc> {
        match s {
            Step::Gather {
                items,
                return_exceptions,
                future: Some(name),
                ..
            } => {
                let g = match self.gather_value(env, items, *return_exceptions)? {
                    Ok(g) => g,
                    Err(why) => return self.stop(why).await,
                };
                env.insert(name.clone(), Value::Gather(g));
            }
            Step::Gather {
                items,
                return_exceptions,
                bind,
                future: None,
            } => {
                let v = match items {
                    GatherItems::Calls(calls) => {
                        if let Some(why) = self.count_tasks(calls.len() as u64) {
                            return self.stop(why).await;
                        }
                        let futs = self.call_futures(env, calls)?;
                        if *return_exceptions {
                            let results = simloop::gather_all(futs).await;
                            Value::List(
                                results
                                    .into_iter()
                                    .map(|r| match from_join(r) {
                                        Ok(v) => v,
                                        Err(e) => Value::Error(gathered(e)),
                                    })
                                    .collect(),
                            )
                        } else {
                            match simloop::try_gather(futs).await {
                                Ok(vs) => Value::List(vs.into()),
                                Err(GatherError::Failed(e)) => return Err(e),
                                Err(GatherError::Join(j)) => {
                                    return Err(from_join(Err(j)).expect_err("a join error"));
                                }
                            }
                        }
                    }
                    GatherItems::Tasks(names) if self.has_future(env, names)? => {
                        let children = self.children(env, names)?;
                        let name = format!("gather({})", names.join(", "));
                        let v = super::gather_futures::gather(children, *return_exceptions, &name)
                            .await?;
                        if let Some(b) = bind {
                            env.insert(b.clone(), v);
                        }
                        return Ok(Flow::Next);
                    }
                    GatherItems::Tasks(names) => {
                        let cells = self.cells(env, names)?;
                        let handles = Self::handles(&cells)?;
                        // asyncio's gather over tasks: the first failure propagates when it
                        // happens; with return_exceptions every outcome is listed.
                        let results: Vec<TaskResult> = if *return_exceptions {
                            simloop::gather_all_tasks(handles)
                                .await
                                .into_iter()
                                .map(from_join)
                                .collect()
                        } else {
                            match simloop::try_gather_tasks(handles).await {
                                Ok(vs) => vs.into_iter().map(Ok).collect(),
                                Err(GatherError::Failed(e)) => return Err(failure(&cells, e)),
                                Err(GatherError::Join(j)) => {
                                    let e = from_join(Err(j)).expect_err("a join error");
                                    return Err(failure(&cells, e));
                                }
                            }
                        };
                        let mut out = Vec::new();
                        for (c, r) in cells.iter().zip(results) {
                            // Listed, not retrieved: the message stays (case 707).
                            let r = c.keep(r);
                            out.push(match r {
                                Ok(v) => v,
                                Err(e) => Value::Error(gathered(e)),
                            });
                        }
                        Value::List(out.into())
                    }
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Timeout {
                limit,
                body,
                scope: false,
                ..
            } => {
                let Some(limit) = limit else {
                    // `wait_for(body, None)`: the body, with no deadline.
                    return self.block(env, body).await;
                };
                let d = self.duration(env, limit, "a timeout")?;
                if d.is_zero() {
                    return self.wait_for_zero(env, body).await;
                }
                return match simloop::wait_for(d, self.block(env, body)).await {
                    Ok(r) => r,
                    Err(_) => Err(Exc::new("TimeoutError", "")),
                };
            }
            Step::Timeout {
                limit,
                body,
                scope: true,
                handle,
            } => {
                // `async with asyncio.timeout(d) as cm:`: the deadline is set on entry, and
                // the body sees the handle (it stays bound after the block, as `cm` does).
                let deadline = match limit {
                    Some(limit) => Some(simloop::now() + self.duration(env, limit, "a timeout")?),
                    None => None,
                };
                let r = simloop::timeout_scope(deadline, move |cm| {
                    if let Some(name) = handle {
                        env.insert(name.clone(), Value::Timeout(cm));
                    }
                    self.block(env, body)
                })
                .await;
                return match r {
                    Ok(r) => r,
                    Err(_) => Err(Exc::new("TimeoutError", "")),
                };
            }
            Step::ShieldTask { target, bind } => {
                let cell = match self.lookup(env, target)? {
                    Value::Task(c) => c,
                    Value::Future(f) => {
                        let v = shield_future(&f, target).await?;
                        if let Some(b) = bind {
                            env.insert(b.clone(), v);
                        }
                        return Ok(Flow::Next);
                    }
                    other => {
                        return Err(Exc::new(
                            "TypeError",
                            format!("`{target}` is {}, not a task or a future", other.repr()),
                        ));
                    }
                };
                let [task] = Self::handles(std::slice::from_ref(&cell))?
                    .try_into()
                    .expect("one cell, one handle");
                // `shield(t)`: the caller's cancellation stops the wait, not the task,
                // which may be awaited again. Of a task done already, `shield()` returns
                // the task: awaiting it is a retrieval (case 707). Of a pending one, a
                // cancellation reaches the caller as `outer.cancel()`, with no message.
                let was_done = cell.done();
                let r = from_join(simloop::shield_task(task).await);
                let v = if was_done {
                    cell.retrieve(cell.keep(r))?
                } else {
                    match r {
                        Err(e) if e.kind == "CancelledError" => {
                            return Err(Exc::new("CancelledError", ""));
                        }
                        r => r?,
                    }
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Shield { body, bind } => {
                if let Some(why) = self.count_tasks(1) {
                    return self.stop(why).await;
                }
                let rt = Rc::clone(self);
                // The body runs as a task of its own, on a fresh stack.
                let mut inner = env.clone();
                inner.depth = 0;
                // Another task: it holds none of this one's locks.
                inner.held.clear();
                let body = body.clone();
                let joined = simloop::shield(async move {
                    match rt.block(&mut inner, &body).await? {
                        Flow::Next => Ok(Value::None),
                        Flow::Return(v) => Ok(v),
                    }
                })
                .await;
                let v = from_join(joined)?;
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::Wait {
                targets,
                when,
                timeout,
                bind,
                pending,
            } => {
                // Named first, so that a value of another kind is named as what `wait`
                // takes: a task or a future.
                self.children(env, targets)?;
                if self.has_future(env, targets)? {
                    let timeout = match timeout {
                        Some(d) => Some(self.duration(env, d, "wait's timeout")?),
                        None => None,
                    };
                    return self.wait_members(env, targets, *when, timeout, s).await;
                }
                let mut cells = self.cells(env, targets)?;
                // asyncio's `wait` takes a set: a task named twice is in `done` or
                // `pending` once (case 600).
                let mut seen = std::collections::BTreeSet::new();
                cells.retain(|c| seen.insert(c.id));
                let handles = Self::handles(&cells)?;
                let when = match when {
                    WaitWhen::FirstCompleted => ReturnWhen::FirstCompleted,
                    WaitWhen::FirstException => ReturnWhen::FirstException,
                    WaitWhen::AllCompleted => ReturnWhen::AllCompleted,
                };
                let timeout = match timeout {
                    Some(d) => Some(self.duration(env, d, "wait's timeout")?),
                    None => None,
                };
                // A task that raised is an exception for FIRST_EXCEPTION: `try_wait` counts
                // its `Err` (plain `wait` counts only panics). The timeout leaves the
                // unfinished tasks running, as asyncio's does.
                let (done, _pending) = simloop::try_wait(handles, when, timeout).await;
                let finished: Vec<_> = done.iter().map(Task::id).collect();
                let (done, left): (Vec<_>, Vec<_>) = cells
                    .iter()
                    .map(|c| Value::Task(Rc::clone(c)))
                    .partition(|v| matches!(v, Value::Task(c) if finished.contains(&c.id)));
                if let Some(b) = bind {
                    env.insert(b.clone(), Value::List(done.into()));
                }
                if let Some(p) = pending {
                    env.insert(p.clone(), Value::List(left.into()));
                }
            }
            Step::AsCompleted {
                targets,
                timeout,
                item: Some(item),
                body,
                ..
            } => {
                let r = self.as_completed_items(env, targets, timeout.as_ref(), item, body);
                return Box::pin(r).await;
            }
            Step::AsCompleted {
                targets,
                timeout,
                bind,
                body,
                item: None,
            } => {
                let (children, handles) = self.members(env, targets)?;
                let timeout = match timeout {
                    Some(d) => Some(self.duration(env, d, "as_completed's timeout")?),
                    None => None,
                };
                let mut stream = simloop::as_completed(handles, timeout);
                while let Some(item) = stream.next().await {
                    let r = match item {
                        Ok(joined) => from_join(joined),
                        // The deadline passed: the results not yet given raise TimeoutError
                        // (the tasks keep running).
                        Err(_) => return Err(Exc::new("TimeoutError", "")),
                    };
                    // The task may be awaited again later, as in asyncio.
                    // Each result is a retrieval (asyncio's `f.result()`, case 707).
                    let r = match stream.last_index() {
                        Some(i) => children[i].read(r),
                        None => r,
                    };
                    let v = r?;
                    if let Some(b) = bind {
                        env.insert(b.clone(), v);
                    }
                    if let ret @ Flow::Return(_) = self.block(env, body).await? {
                        return Ok(ret);
                    }
                }
            }
            Step::TaskGroup { body, bind } => {
                let tg = Rc::new(TaskGroup::<Exc>::new());
                if let Some(b) = bind {
                    env.insert(b.clone(), Value::Group(Rc::clone(&tg)));
                }
                let outer = env.insert(GROUP.to_string(), Value::Group(Rc::clone(&tg)));
                // `async with TaskGroup()`: a child's failure interrupts the body; an
                // exception from the body aborts the group and joins its failures.
                let r = tg.scope(self.block(env, body)).await;
                match outer {
                    Some(v) => env.insert(GROUP.to_string(), v),
                    None => env.remove(GROUP),
                };
                return r.map_err(|mut group| {
                    // A CancelledError from the body propagates unless children failed.
                    let cancelled = match group.failures.last() {
                        Some(ChildFailure::Body { error }) if error.kind == "CancelledError" => {
                            group.failures.pop()
                        }
                        _ => None,
                    };
                    match cancelled {
                        Some(ChildFailure::Body { error }) if group.failures.is_empty() => error,
                        _ => Exc::task_group(
                            group
                                .failures
                                .into_iter()
                                .map(|f| match f {
                                    ChildFailure::Error { error, .. }
                                    | ChildFailure::Body { error } => error,
                                    ChildFailure::Panicked { message, .. } => {
                                        Exc::new("RuntimeError", message)
                                    }
                                })
                                .collect(),
                        ),
                    }
                });
            }
            other => unreachable!("not a combinator step: {other:?}"),
        }
        Ok(Flow::Next)
    }
}

impl Rt {
    /// `done, pending = await asyncio.wait(...)` over tasks and bare futures: simloop's
    /// `wait` over their handles, a future's completion reaching it one slot after it is set
    /// (its done-callback, as asyncio's `_on_completion`). As asyncio's `_wait`, `done` is
    /// what is done when the waiter resumes (in the order given, each once).
    async fn wait_members(
        self: &Rc<Self>,
        env: &mut Env,
        targets: &[String],
        when: WaitWhen,
        timeout: Option<std::time::Duration>,
        s: &Step,
    ) -> Result<Flow, Exc> {
        let Step::Wait { bind, pending, .. } = s else {
            unreachable!("a wait step")
        };
        let (mut children, handles) = self.members(env, targets)?;
        let mut seen = std::collections::BTreeSet::new();
        children.retain(|c| seen.insert(c.key()));
        let when = match when {
            WaitWhen::FirstCompleted => ReturnWhen::FirstCompleted,
            WaitWhen::AllCompleted => ReturnWhen::AllCompleted,
            // simloop's `wait` counts a cancelled or panicked child, asyncio a raised
            // exception: not the same set, so not guessed.
            WaitWhen::FirstException => {
                return Err(Exc::new(
                    "NotImplementedError",
                    "wait(..., return_when=FIRST_EXCEPTION) over a bare future is not supported \
                     yet: use FIRST_COMPLETED in a loop, or wrap the future in a task",
                ));
            }
        };
        let _ = simloop::wait(handles, when, timeout).await;
        let (done, left): (Vec<_>, Vec<_>) = children.iter().partition(|c| c.done());
        if let Some(b) = bind {
            env.insert(
                b.clone(),
                Value::List(done.iter().map(|c| c.value()).collect()),
            );
        }
        if let Some(p) = pending {
            env.insert(
                p.clone(),
                Value::List(left.iter().map(|c| c.value()).collect()),
            );
        }
        Ok(Flow::Next)
    }

    /// `wait_for(x, 0)` as CPython 3.12 runs it (its `timeout <= 0` path): a task done
    /// already gives its outcome at once; a task still running is cancelled and waited for,
    /// and `TimeoutError` raised; a coroutine is wrapped in a task, which is cancelled
    /// before its first step and waited for, so the caller yields and the body never runs
    /// (cases 110, 129, 769), unless tasks start eagerly and the body ends without
    /// suspending (case 780).
    async fn wait_for_zero(self: &Rc<Self>, env: &mut Env, body: &[Located]) -> Result<Flow, Exc> {
        if let [
            Located {
                step: Step::Await { target, .. },
                ..
            },
        ] = body
            && let Ok(Value::Task(cell)) = self.lookup(env, target)
        {
            if cell.done() {
                return self.block(env, body).await;
            }
            cell.cancel(None);
            let _ = cell.join().await;
            return Err(Exc::new("TimeoutError", ""));
        }
        if let Some(why) = self.count_tasks(1) {
            return self.stop(why).await;
        }
        // The library's zero `wait_for` makes and cancels the wrapper task (and, with eager
        // tasks, runs the body's first step first, as 3.12's eager wrapper does).
        match simloop::wait_for(std::time::Duration::ZERO, self.block(env, body)).await {
            Ok(r) => r,
            Err(_) => Err(Exc::new("TimeoutError", "")),
        }
    }
}

/// `await asyncio.shield(f)` of a bare future, as asyncio builds it: a future done already
/// is returned as it is (awaiting it does not yield); otherwise an outer future that `f`'s
/// done-callback completes one ready-queue slot after `f` ends (unless the outer was
/// cancelled first), the caller waking one slot after that. The caller's cancellation, or
/// its `wait_for`'s expiry, cancels only the outer future: `f` runs on and may be awaited
/// later (cases 165, 586).
/// `name` names the outer future in deadlock reports (`shield(f)`).
async fn shield_future(f: &Rc<Fut>, name: &str) -> TaskResult {
    if f.done() {
        return await_future(f).await;
    }
    let outer = Rc::new(Fut::named(&format!("shield({name})")));
    let o = Rc::clone(&outer);
    f.add_done_callback(move |r| {
        if o.done() {
            return;
        }
        // Not done (checked), so each completion takes.
        match r {
            Ok(v) => drop(o.set_result(v)),
            Err(PromiseError::Failed(e)) => drop(o.set_error(e)),
            // asyncio's `_inner_done_callback`: `outer.cancel()`, with no message.
            Err(PromiseError::Cancelled(_)) => drop(o.cancel()),
        }
    });
    await_future(&outer).await
}

/// What a gather without `return_exceptions` over `cells` raises for the failure `e`: a
/// `CancelledError` is the failing child's retrieval (asyncio's `_make_cancelled_error`),
/// its message only if nothing took it before (case 707). The failing child is the first
/// in argument order that ended with a `CancelledError` whose message no retrieval took.
/// When an `await` of the child resumed first but the library's gather, its done-callback
/// registered first, took the message (the `await` got `CancelledError()`), `e` carries it
/// and no cell holds a copy: the gather's retrieval was the first (case 784).
pub(super) fn failure(cells: &[Rc<TaskCell>], e: Exc) -> Exc {
    if e.kind != "CancelledError" {
        return e;
    }
    for c in cells {
        if c.message_taken.get() || !c.done() {
            continue;
        }
        let read = c.result.borrow().clone();
        let r = match read {
            Some(r) => r,
            // Cancelled in the library and not read before: the gather's read was the
            // first, and `e` is what it read.
            None if c.cancelled() => c.keep(Err(e.clone())),
            None => match c.outcome() {
                Some(r) => r,
                None => continue,
            },
        };
        if matches!(&r, Err(x) if x.kind == "CancelledError") {
            return c.retrieve(r).expect_err("a CancelledError");
        }
    }
    // Every cancelled child's message was taken by an earlier retrieval in the
    // interpreter's record. If the library's gather still read a message that no cell
    // holds, its callback took it first (the `await` that resumed earlier got none, case
    // 784): the gather keeps it. A cell holding it is a copy a `return_exceptions` gather
    // listed and left in the library, which a later `await` took: the gather's
    // `_make_cancelled_error()` gets none (seed 5001, program 762).
    if !e.message.is_empty() && !cells.iter().any(|c| holds(c, &e)) {
        return e;
    }
    Exc::new("CancelledError", "")
}

/// Whether `c` records `e` as the outcome it ended with (a listed copy of its message).
fn holds(c: &TaskCell, e: &Exc) -> bool {
    matches!(&*c.result.borrow(), Some(Err(x)) if x == e)
}

/// An exception as `gather(return_exceptions=True)` lists it: asyncio puts a fresh
/// `CancelledError('')` (message or not) in a cancelled child's place.
pub(super) fn gathered(e: Exc) -> Exc {
    if e.kind == "CancelledError" {
        Exc::with_arg("CancelledError", "")
    } else {
        e
    }
}

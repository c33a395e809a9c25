//! A task's steps, validated: each verb typed, its names resolved, where it is written kept
//! (a [`Located`] step), so the interpreter matches them exhaustively.

use std::time::Duration;

use super::expr::Expr;
use super::model::{Dur, IntExpr, Literal, Loc, ValueExpr};
use super::prim::Prim;
use super::template::Template;

/// A spawn or call of a task template.
#[derive(Clone, Debug)]
pub struct Invoke {
    /// Index into `Scenario::tasks`.
    pub task: usize,
    /// Arguments, in parameter order.
    pub args: Vec<(String, ValueExpr)>,
    /// Where the step is written (errors of calls name it).
    pub at: Loc,
}

/// Where a computed value goes.
#[derive(Clone, Debug)]
pub enum Target {
    /// A local of the task.
    Local(String),
    /// A shared variable, by index in `Scenario::vars`.
    Shared(usize),
}

/// What a `gather` runs.
#[derive(Clone, Debug)]
pub enum GatherItems {
    /// Coroutines, each wrapped in a new task (`gather(f(), g())`).
    Calls(Vec<Invoke>),
    /// Existing tasks, by local name (`gather(t1, t2)`).
    Tasks(Vec<String>),
}

/// When a loop callback runs.
#[derive(Clone, Debug)]
pub enum CallWhen {
    /// `call_soon`: one ready-queue slot later.
    Soon,
    /// `call_later(d)`: a timer `d` from now.
    Later(Dur),
    /// `call_at(t)`: a timer at `t` seconds since the run began (asyncio's `loop.time()`).
    At(Dur),
}

/// When `wait` returns (asyncio's `return_when`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitWhen {
    /// `FIRST_COMPLETED`.
    FirstCompleted,
    /// `FIRST_EXCEPTION`.
    FirstException,
    /// `ALL_COMPLETED`.
    AllCompleted,
}

/// A step and where it is written: an exception that its run raises names the place.
#[derive(Clone, Debug)]
pub struct Located {
    /// Where the step's table begins.
    pub at: Loc,
    /// The step.
    pub step: Step,
}

/// One step of a task.
#[derive(Clone, Debug)]
pub enum Step {
    /// `asyncio.gather(...)`.
    Gather {
        /// What it runs.
        items: GatherItems,
        /// Exceptions become values in the result list instead of propagating.
        return_exceptions: bool,
        /// Where the result list goes.
        bind: Option<String>,
        /// The local bound to the gather's future instead of awaiting it (`g =
        /// asyncio.gather(...)`): read, cancelled and awaited later.
        future: Option<String>,
    },
    /// `await asyncio.wait_for(body, d)` / `async with asyncio.timeout(d): body`: TimeoutError
    /// when the body takes longer (the body is dropped, as a cancellation).
    Timeout {
        /// The limit (None: no deadline until a `reschedule` sets one, asyncio's
        /// `timeout(None)`).
        limit: Option<Dur>,
        /// The body.
        body: Vec<Located>,
        /// `async with asyncio.timeout(d)` (the body runs until its first await even when
        /// the deadline already passed) rather than `wait_for` (which then never starts it).
        scope: bool,
        /// The local bound to the timeout's handle inside the body (`async with
        /// asyncio.timeout(d) as cm:`), for `reschedule`, `cm.when()` and `cm.expired()`.
        handle: Option<String>,
    },
    /// `cm.reschedule(at)`: moves the deadline of the timeout bound to `target` (None: no
    /// deadline).
    Reschedule {
        /// The local holding the timeout's handle.
        target: String,
        /// The new deadline, in seconds since the run began (asyncio's `loop.time()`).
        at: Option<Dur>,
    },
    /// `loop.call_soon(cb)` / `loop.call_later(d, cb)` / `loop.call_at(t, cb)`: the steps
    /// (which never await) run as a callback, with the locals as they were when it was
    /// scheduled.
    CallLater {
        /// When it runs.
        when: CallWhen,
        /// The callback's steps (shared: every callback scheduled holds them).
        body: std::sync::Arc<[Located]>,
        /// The local bound to its handle (for `cancel` and `h.cancelled()`).
        bind: Option<String>,
    },
    /// `await asyncio.shield(t)` of an existing task: the caller's cancellation does not
    /// reach it.
    ShieldTask {
        /// The local holding the task (or a bare future).
        target: String,
        /// Where its value goes.
        bind: Option<String>,
    },
    /// `await asyncio.shield(body)`: the body runs as its own task that the caller's
    /// cancellation does not reach.
    Shield {
        /// The body (locals it binds stay inside).
        body: Vec<Located>,
        /// Where its value goes (its `return`).
        bind: Option<String>,
    },
    /// `done, pending = await asyncio.wait(tasks, return_when=..., timeout=...)`.
    Wait {
        /// Locals holding tasks or lists of tasks.
        targets: Vec<String>,
        /// When to return.
        when: WaitWhen,
        /// When to return at the latest, the tasks left running (None: no limit).
        timeout: Option<Dur>,
        /// Where the list of finished tasks goes.
        bind: Option<String>,
        /// Where the list of the others goes.
        pending: Option<String>,
    },
    /// `for f in asyncio.as_completed(tasks, timeout=...): v = await f; body`.
    AsCompleted {
        /// Locals holding tasks or lists of tasks.
        targets: Vec<String>,
        /// When the results not yet given raise `TimeoutError` (the tasks keep running).
        timeout: Option<Dur>,
        /// The local bound to each result.
        bind: Option<String>,
        /// The local bound to each awaitable instead (`for f in as_completed(...):`), which
        /// the body awaits: each `await` takes the next result to come.
        item: Option<String>,
        /// Run for each result, in completion order.
        body: Vec<Located>,
    },
    /// `async with asyncio.TaskGroup() as tg: body`; `spawn` steps in the body go into the
    /// group, which is joined at the end of the body.
    TaskGroup {
        /// The body.
        body: Vec<Located>,
        /// `as = "tg"`: the local the group is bound to, for the body and after it, so that
        /// `spawn ... group = "tg"` puts a task into it from anywhere it is passed.
        bind: Option<String>,
    },
    /// `await sem.acquire()` / `await lock.acquire()`, released only by `Release`.
    Acquire(Prim),
    /// `sem.release()` / `lock.release()`.
    Release(Prim),
    /// `async with prim: body` (a semaphore, lock or condition's lock).
    With {
        /// The primitive.
        prim: Prim,
        /// The body, run while holding it.
        body: Vec<Located>,
    },
    /// `event.set()`.
    SetEvent(usize),
    /// `event.clear()`.
    ClearEvent(usize),
    /// `await event.wait()`.
    WaitEvent(usize),
    /// `async with cond: cond.notify(n)` (`None`: `notify_all`).
    Notify {
        /// The condition.
        cond: usize,
        /// How many waiters (None: all).
        n: Option<IntExpr>,
    },
    /// `async with cond: await cond.wait()`, or `await cond.wait_for(pred)` with `until`.
    WaitCondition {
        /// The condition.
        cond: usize,
        /// The predicate over shared variables (None: one plain wait).
        until: Option<Expr>,
    },
    /// `await queue.put(value)`.
    Put {
        /// The queue.
        queue: usize,
        /// The item.
        value: ValueExpr,
    },
    /// `item = await queue.get()`.
    Get {
        /// The queue.
        queue: usize,
        /// Where the item goes.
        bind: Option<String>,
    },
    /// `queue.put_nowait(value)`: `QueueFull` when the queue is full.
    PutNowait {
        /// The queue.
        queue: usize,
        /// The item.
        value: ValueExpr,
    },
    /// `item = queue.get_nowait()`: `QueueEmpty` when the queue is empty.
    GetNowait {
        /// The queue.
        queue: usize,
        /// Where the item goes.
        bind: Option<String>,
    },
    /// `queue.task_done()`.
    TaskDone(usize),
    /// `queue.shutdown(immediate)` (asyncio 3.13).
    Shutdown {
        /// The queue.
        queue: usize,
        /// Whether the items left are dropped (and `join` released).
        immediate: bool,
    },
    /// `index = await barrier.wait()`.
    WaitBarrier {
        /// The barrier.
        barrier: usize,
        /// Where the arrival index goes.
        bind: Option<String>,
    },
    /// `await barrier.abort()`.
    AbortBarrier(usize),
    /// `await barrier.reset()`.
    ResetBarrier(usize),
    /// `await queue.join()`.
    Join(usize),
    /// `asyncio.sleep`.
    Sleep(Dur),
    /// `await asyncio.sleep(0)`, this many times.
    Yield(IntExpr),
    /// `name = rng.randint(from, to)` from the run's seeded RNG.
    Random {
        /// The local bound.
        name: String,
        /// Smallest value.
        from: IntExpr,
        /// Largest value.
        to: IntExpr,
    },
    /// `print` a line into the trace.
    Log(Template),
    /// `asyncio.create_task`; `count` spawns that many (with `{i}` = 0..count), binding a list.
    Spawn {
        /// What to spawn.
        invoke: Invoke,
        /// How many (None: one, bound as a single task).
        count: Option<IntExpr>,
        /// The local name for the task(s).
        bind: Option<String>,
        /// `eager = true`: each task's first step runs inside the spawn
        /// (`task::spawn_eager`; `eager_tasks = true` makes every spawn eager).
        eager: bool,
        /// `group = "tg"`: the local holding the TaskGroup the tasks go into (asyncio's
        /// `tg.create_task`), instead of the enclosing `task_group` block's, if any.
        group: Option<String>,
    },
    /// `await coroutine(...)`: runs the template inline in the same task.
    Call {
        /// What to run.
        invoke: Invoke,
        /// Where its value goes.
        bind: Option<String>,
    },
    /// `await task` (or each task of a list, in order; a future too).
    Await {
        /// The local holding the task(s).
        target: String,
        /// Where the value goes.
        bind: Option<String>,
    },
    /// `name = loop.create_future()`.
    CreateFuture(String),
    /// `fut.set_result(value)`: `InvalidStateError` when it is done.
    SetResult {
        /// The local holding the future.
        target: String,
        /// Its result.
        value: ValueExpr,
    },
    /// `fut.set_exception(Kind(message))`: `InvalidStateError` when it is done.
    SetException {
        /// The local holding the future.
        target: String,
        /// The exception type.
        kind: String,
        /// Its message.
        message: Template,
    },
    /// `task.cancel()` (or each of a list; a future too).
    Cancel {
        /// The local holding the task(s).
        target: String,
        /// The cancellation message.
        message: Option<Template>,
        /// `as`: what `cancel()` returned (whether the request was taken: `False` on a
        /// task or future already done; a list of them on a list; `None` for a loop
        /// handle, whose `cancel()` returns nothing).
        bind: Option<String>,
    },
    /// `task.uncancel()`, or `asyncio.current_task().uncancel()` when `target` is `None`
    /// (written `uncancel = "current_task"`): one cancellation request fewer in
    /// `cancelling()`; `bind` gets how many are left.
    Uncancel {
        /// The local holding the task; `None`: the running task.
        target: Option<String>,
        /// The local bound to the count left.
        bind: Option<String>,
    },
    /// `task.set_name(value)`: renames the task (what `get_name()` reads from then on; the
    /// trace keeps one name per task, the last).
    SetName {
        /// The local holding the task.
        target: String,
        /// The new name (Python's `str` of the value).
        name: ValueExpr,
    },
    /// `raise Kind(message)`.
    Fail {
        /// The exception type.
        kind: String,
        /// Its message.
        message: Template,
    },
    /// `return value`.
    Return(ValueExpr),
    /// `for var in range(from, to + 1)` (or `range(from, below)`).
    For {
        /// The loop variable.
        var: String,
        /// First value.
        from: IntExpr,
        /// Last value, or one past it.
        to: IntExpr,
        /// Whether `to` is the last value (`to`) or one past it (`below`).
        inclusive: bool,
        /// The body.
        body: Vec<Located>,
    },
    /// `for x in xs:` over a list, a tuple or a string's characters (since round 26).
    ForIn {
        /// The loop variable.
        var: String,
        /// The values, evaluated once when the loop starts.
        values: Expr,
        /// The body.
        body: Vec<Located>,
    },
    /// `for _ in range(n)`.
    Repeat {
        /// How many times.
        times: IntExpr,
        /// The body.
        body: Vec<Located>,
    },
    /// `while cond:` (the condition checked before each turn).
    While {
        /// The condition (an expression that is true or false).
        cond: Expr,
        /// The body.
        body: Vec<Located>,
    },
    /// `while loop.time() < t`, `t` in seconds since the run began.
    WhileBefore {
        /// The limit.
        until: Duration,
        /// The body.
        body: Vec<Located>,
    },
    /// `try: body except Kind as bind: handler`.
    Try {
        /// The guarded steps.
        body: Vec<Located>,
        /// The exception type caught (None: any but CancelledError).
        kind: Option<String>,
        /// The local bound to the exception.
        bind: Option<String>,
        /// The handler (None: no `except` clause, a `try ... finally`).
        handler: Option<Vec<Located>>,
        /// Python's `except*`: the handler takes the part of an exception group whose
        /// members `kind` catches (a lone exception wrapped in a group), the rest goes on.
        star: bool,
        /// `finally:` steps, run however the body and the handler end (a return, an
        /// exception, the task's cancellation), before that goes on; empty: none.
        finally: Vec<Located>,
    },
    /// Runs `body`; logs `line` if the task is cancelled (dropped) inside it.
    OnCancel {
        /// The line.
        line: Template,
        /// The guarded steps.
        body: Vec<Located>,
    },
    /// `target.add_done_callback(lambda bind: body)`: when the task or future is done, its
    /// callback runs `body` (steps that never await) one ready-queue slot later, with the
    /// locals as they were when it was added and `bind` holding the task or future.
    AddDoneCallback {
        /// The local holding the task or future.
        target: String,
        /// The local the callback's argument is bound to.
        bind: Option<String>,
        /// The steps (shared: every callback added holds them).
        body: std::sync::Arc<[Located]>,
        /// Its name (`callback = "on_done"`), as an index into the file's named
        /// done-callbacks: the callback's identity, which `remove_done_callback` names.
        callback: Option<usize>,
    },
    /// `n = target.remove_done_callback(on_done)`: unregisters every pending registration of
    /// the named callback on the task or future, binding how many there were.
    RemoveDoneCallback {
        /// The local holding the task or future.
        target: String,
        /// The callback, as an index into the file's named done-callbacks.
        callback: usize,
        /// The local the count is bound to.
        bind: Option<String>,
    },
    /// Binds a local.
    Let {
        /// Its name.
        name: String,
        /// Its value.
        value: ValueExpr,
    },
    /// Writes a shared variable: `value + add`.
    Set {
        /// Its index in `Scenario::vars`.
        var: usize,
        /// The new value.
        value: ValueExpr,
        /// Added to it (a float only for a float variable).
        add: Literal,
    },
    /// `name = expr` (`let` or `set` with `expr`).
    Eval {
        /// Where the value goes.
        into: Target,
        /// What computes it.
        expr: Expr,
    },
    /// `if cond: body else: other`.
    If {
        /// The condition.
        cond: Expr,
        /// Taken when true.
        then: Vec<Located>,
        /// Taken when false.
        other: Vec<Located>,
    },
}

/// Whether any step of `steps`, nested ones included, satisfies `f`.
pub fn any_step(steps: &[Located], f: &dyn Fn(&Step) -> bool) -> bool {
    steps.iter().map(|s| &s.step).any(|s| {
        f(s) || match s {
            Step::Timeout { body, .. }
            | Step::Shield { body, .. }
            | Step::AsCompleted { body, .. }
            | Step::TaskGroup { body, .. }
            | Step::With { body, .. }
            | Step::For { body, .. }
            | Step::ForIn { body, .. }
            | Step::Repeat { body, .. }
            | Step::WhileBefore { body, .. }
            | Step::While { body, .. }
            | Step::OnCancel { body, .. } => any_step(body, f),
            Step::AddDoneCallback { body, .. } | Step::CallLater { body, .. } => any_step(body, f),
            Step::Try {
                body,
                handler,
                finally,
                ..
            } => {
                any_step(body, f)
                    || handler.as_ref().is_some_and(|h| any_step(h, f))
                    || any_step(finally, f)
            }
            Step::If { then, other, .. } => any_step(then, f) || any_step(other, f),
            _ => false,
        }
    })
}

/// What `uncancel` names for the running task (asyncio's `asyncio.current_task()`).
pub const CURRENT_TASK: &str = "current_task";

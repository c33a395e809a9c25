//! The validated scenario: names resolved to indices, every step typed.

use std::time::Duration;

use super::expr::Expr;
use super::prim::{Prim, QueueDecl, SemaphoreDecl};
use super::template::Template;

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file it came from, as given on the command line.
    pub path: String,
    /// Its title.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Shared variables and their initial values (an integer or a float, which fixes the
    /// variable's type), in name order.
    pub(crate) vars: Vec<(String, Literal)>,
    /// Semaphores, in name order.
    pub(crate) semaphores: Vec<SemaphoreDecl>,
    /// Locks, in name order.
    pub(crate) locks: Vec<String>,
    /// Events, in name order.
    pub(crate) events: Vec<String>,
    /// Conditions, in name order.
    pub(crate) conditions: Vec<String>,
    /// Queues, in name order.
    pub(crate) queues: Vec<QueueDecl>,
    /// Barriers and their parties, in name order.
    pub(crate) barriers: Vec<(String, usize)>,
    /// Every primitive by name (names are unique across kinds), for reads of their state.
    pub(crate) prims: Vec<(String, Prim)>,
    /// Task templates, in name order.
    pub(crate) tasks: Vec<TaskDef>,
    /// The main task.
    pub(crate) main: TaskDef,
    /// What must hold at the end of a run.
    pub(crate) expect: Expect,
    /// How `sim check` judges it.
    pub(crate) check: Check,
    /// What a run may use before it is stopped (`[limits]`, command-line flags override).
    pub limits: Limits,
    /// A hash of the program (the file without comments, layout, `name`, `description`,
    /// `[expect]`, `[check]` and `[limits]`): the tokens `sim` prints carry it, so that a
    /// token is not replayed against another program.
    pub fingerprint: u32,
}

/// The longest duration a scenario may ask for (a sleep, a timeout, `max_time`): 10^9
/// seconds, about 31 years of virtual time.
pub const MAX_SECONDS: f64 = 1e9;

/// `secs` as a duration, if it is a number of seconds from 0 to [`MAX_SECONDS`].
pub fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && (0.0..=MAX_SECONDS).contains(&secs)).then(|| Duration::from_secs_f64(secs))
}

/// A place in the scenario file, for errors found while it runs.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::scenario::{self, Loc};
/// use simloop_cli::interp;
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [\n  { fail = \"ValueError\" },\n]").unwrap());
/// let err = interp::run(&scn, &Sim::new()).outcome.result.unwrap().unwrap_err();
/// assert_eq!(err.raised_where(), Some(Loc { line: 3, column: 3 }));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// What one run may use. A run that reaches a limit stops with a report saying which
/// limit, and how to raise it.
///
/// ```
/// use simloop_cli::scenario::Limits;
/// let l = Limits::default();
/// assert_eq!((l.max_steps, l.max_tasks), (1_000_000, 20_000));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Steps: the scheduler's, plus one per interpreted step and loop iteration.
    pub max_steps: u64,
    /// Tasks spawned, the main task included.
    pub max_tasks: u64,
    /// Virtual time (`None`: unlimited).
    pub max_time: Option<Duration>,
    /// Bytes of log output (`t=<ms> <line>` lines).
    pub max_output: u64,
    /// Whether a wait-for cycle stops the run as it forms ([`simloop::Sim::partial_deadlocks`]).
    /// A cycle that only a cancellation from outside could break is a deadlock unless some
    /// task may cancel another, so by default this is on in scenarios with no `cancel` step
    /// and no `task_group` (whose failing member cancels the others), and off otherwise:
    /// there a watchdog may break the cycle later, as asyncio would let it.
    pub partial_deadlocks: bool,
}

impl Limits {
    /// The default step limit: a sleeping loop stays within about 150 MB of trace.
    pub const STEPS: u64 = 1_000_000;
    /// The default task limit (a task costs about 3 KB).
    pub const TASKS: u64 = 20_000;
    /// The default output limit, 16 MiB of log lines.
    pub const OUTPUT: u64 = 16 << 20;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: Limits::STEPS,
            max_tasks: Limits::TASKS,
            max_time: None,
            max_output: Limits::OUTPUT,
            partial_deadlocks: true,
        }
    }
}

/// A task template.
#[derive(Clone, Debug)]
pub struct TaskDef {
    /// The key in `[tasks]` (`main` for the main task).
    pub key: String,
    /// The name its tasks get.
    pub name: Template,
    /// Its steps.
    pub steps: Vec<Located>,
}

/// How long a sleep lasts.
#[derive(Clone, Debug)]
pub enum Dur {
    /// A fixed duration.
    Fixed(Duration),
    /// Seconds given by a template (a parameter, usually).
    Template(Template),
    /// A seeded uniform integer number of seconds in `min..=max` (`random.randint`).
    Random {
        /// Smallest.
        min: u64,
        /// Largest.
        max: u64,
    },
}

/// A value: a template, a number or boolean as written, or a list of values.
#[derive(Clone, Debug)]
pub enum ValueExpr {
    /// A template (`"{x}"` passes the value through unrendered).
    One(Template),
    /// A number or boolean written as such (`0.5`, `true`): it keeps its type.
    Lit(Literal),
    /// A list.
    List(Vec<ValueExpr>),
}

/// A number or boolean written in the file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A float (`0.5`, `1e3`).
    Float(f64),
    /// `true` or `false` (Python's `True`, `False`).
    Bool(bool),
}

/// An integer given directly or by a template.
#[derive(Clone, Debug)]
pub enum IntExpr {
    /// A literal.
    Lit(i64),
    /// A template that must render to an integer.
    Template(Template),
}

/// A spawn or call of a task template.
#[derive(Clone, Debug)]
pub struct Invoke {
    /// Index into [`Scenario::tasks`].
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
    /// A shared variable, by index in [`Scenario::vars`].
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
    },
    /// `await asyncio.wait_for(body, d)` / `async with asyncio.timeout(d): body`: TimeoutError
    /// when the body takes longer (the body is dropped, as a cancellation).
    Timeout {
        /// The limit.
        limit: Dur,
        /// The body.
        body: Vec<Located>,
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
        /// Run for each result, in completion order.
        body: Vec<Located>,
    },
    /// `async with asyncio.TaskGroup() as tg: body`; `spawn` steps in the body go into the
    /// group, which is joined at the end of the body.
    TaskGroup {
        /// The body.
        body: Vec<Located>,
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
    /// `for _ in range(n)`.
    Repeat {
        /// How many times.
        times: IntExpr,
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
        /// The handler.
        handler: Vec<Located>,
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
        /// The steps.
        body: Vec<Located>,
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
        /// Its index in [`Scenario::vars`].
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
            | Step::TaskGroup { body }
            | Step::With { body, .. }
            | Step::For { body, .. }
            | Step::Repeat { body, .. }
            | Step::WhileBefore { body, .. }
            | Step::OnCancel { body, .. }
            | Step::AddDoneCallback { body, .. } => any_step(body, f),
            Step::Try { body, handler, .. } => any_step(body, f) || any_step(handler, f),
            Step::If { then, other, .. } => any_step(then, f) || any_step(other, f),
            _ => false,
        }
    })
}

/// `[expect]`, validated.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    /// The main task's value, as `repr`.
    pub result: Option<String>,
    /// The exact `t=<ms> <line>` log.
    pub logs: Option<String>,
    /// Lines that must appear.
    pub contains: Vec<String>,
    /// Lines that must not appear.
    pub not_contains: Vec<String>,
    /// Lines that must appear in this order.
    pub order: Vec<String>,
    /// Whether a deadlock fails the run.
    pub no_deadlock: bool,
    /// Final values of shared variables (index, value).
    pub vars: Vec<(usize, Literal)>,
    /// Semaphore index and the most holders allowed at once.
    pub max_concurrency: Vec<(usize, u64)>,
    /// Conditions checked after every step.
    pub invariants: Vec<Expr>,
    /// The run's virtual duration.
    pub elapsed: Option<Duration>,
}

/// What `sim check` expects of a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verdict {
    /// Every run meets the expectations.
    #[default]
    Pass,
    /// FIFO passes; some explored run fails (a bug the explorer must find).
    Bug,
}

/// `[check]`, validated.
#[derive(Clone, Copy, Debug, Default)]
pub struct Check {
    /// Random seeds explored besides FIFO.
    pub explore: u64,
    /// The expected verdict.
    pub verdict: Verdict,
}

#[cfg(test)]
mod examples {
    #[test]
    fn seconds_are_from_0_to_1e9() {
        use crate::scenario::seconds;
        assert_eq!(seconds(1.5), Some(std::time::Duration::from_millis(1500)));
        assert_eq!(seconds(-1.0), None);
        assert_eq!(seconds(1e15), None);
        assert_eq!(seconds(f64::NAN), None);
    }

    #[test]
    fn any_step_looks_into_blocks() {
        use crate::scenario::{self, Step, any_step};
        let scn = scenario::parse(
            "s.toml",
            "[main]\nsteps = [{ repeat = 2, do = [{ log = \"x\" }] }]",
        )
        .unwrap();
        assert!(any_step(&scn.main.steps, &|s| matches!(s, Step::Log(_))));
        assert!(!any_step(&scn.main.steps, &|s| matches!(s, Step::Sleep(_))));
    }
}

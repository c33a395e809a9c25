//! The validated scenario: names resolved to indices, values and limits typed (its steps
//! are in `steps.rs`).

use std::time::Duration;

use super::expr::Expr;
use super::prim::{Prim, QueueDecl, SemaphoreDecl};
use super::steps::Located;
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
    /// Whether every spawn starts its task eagerly (`eager_tasks = true`: asyncio 3.12's
    /// `loop.set_task_factory(asyncio.eager_task_factory)`, simloop's `Sim::eager_tasks`).
    pub eager_tasks: bool,
    /// What a run may use before it is stopped (`[limits]`, command-line flags override).
    pub limits: Limits,
    /// A hash of the program (the file without comments, layout, `name`, `description`,
    /// `[expect]`, `[check]` and `[limits]`): the tokens `sim` prints carry it, so that a
    /// token is not replayed against another program.
    pub fingerprint: u32,
    /// The named done-callbacks (`callback` of an `add_done_callback`), sorted: a run
    /// makes one identity for each.
    pub(crate) callbacks: Vec<String>,
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
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
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
#[derive(Clone, Debug)]
pub struct Check {
    /// Seeds explored besides FIFO, under each of `policies`.
    pub explore: u64,
    /// The expected verdict.
    pub verdict: Verdict,
    /// The policies that explore (random unless `[check] policies` says otherwise); for
    /// [`Verdict::Bug`] each must find a failing run.
    pub policies: Vec<simloop::Policy>,
}

impl Default for Check {
    /// No exploration; were there any, random's.
    fn default() -> Check {
        Check {
            explore: 0,
            verdict: Verdict::Pass,
            policies: vec![simloop::Policy::Random],
        }
    }
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

//! The scenario file as written: serde structures that mirror the TOML, every value
//! wrapped in [`Spanned`] so validation can point at it. `deny_unknown_fields` everywhere,
//! so a misspelt key is a located error rather than silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Short title shown in reports.
    pub name: Option<Spanned<String>>,
    /// What the scenario shows.
    pub description: Option<Spanned<String>>,
    /// Shared variables (integers or floats), readable as `{name}` in templates.
    #[serde(default)]
    pub vars: BTreeMap<Spanned<String>, Spanned<Scalar>>,
    /// Semaphores by name.
    #[serde(default)]
    pub semaphores: BTreeMap<Spanned<String>, Spanned<RawSemaphore>>,
    /// Locks by name.
    #[serde(default)]
    pub locks: BTreeMap<Spanned<String>, Spanned<RawEmpty>>,
    /// Events by name.
    #[serde(default)]
    pub events: BTreeMap<Spanned<String>, Spanned<RawEmpty>>,
    /// Conditions by name.
    #[serde(default)]
    pub conditions: BTreeMap<Spanned<String>, Spanned<RawCondition>>,
    /// Queues by name.
    #[serde(default)]
    pub queues: BTreeMap<Spanned<String>, Spanned<RawQueue>>,
    /// Barriers by name.
    #[serde(default)]
    pub barriers: BTreeMap<Spanned<String>, Spanned<RawBarrier>>,
    /// Task templates by name.
    #[serde(default)]
    pub tasks: BTreeMap<Spanned<String>, Spanned<RawTask>>,
    /// The main task.
    pub main: Spanned<RawTask>,
    /// What must hold at the end of a run.
    pub expect: Option<Spanned<RawExpect>>,
    /// How `sim check` judges this scenario.
    pub check: Option<Spanned<RawCheck>>,
    /// What a run may use.
    pub limits: Option<Spanned<RawLimits>>,
    /// Every spawn starts its task eagerly (asyncio 3.12's `eager_task_factory`).
    pub eager_tasks: Option<Spanned<bool>>,
}

/// `[limits]`: what a run may use before it is stopped.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    /// Steps (scheduler steps plus interpreted steps).
    pub max_steps: Option<Spanned<i64>>,
    /// Tasks spawned, the main task included.
    pub max_tasks: Option<Spanned<i64>>,
    /// Virtual seconds.
    pub max_time: Option<Spanned<Scalar>>,
    /// Bytes of log output.
    pub max_output: Option<Spanned<i64>>,
    /// Whether a wait-for cycle stops the run as it forms.
    pub partial_deadlocks: Option<Spanned<bool>>,
}

/// A table with no keys (locks and events take no settings yet).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmpty {}

/// `[semaphores.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSemaphore {
    /// Initial permits.
    pub value: Spanned<i64>,
    /// A BoundedSemaphore: releasing above the initial value is an error.
    #[serde(default)]
    pub bounded: bool,
}

/// `[conditions.NAME]` (a condition with its own lock).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {}

/// `[queues.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// 0 (the default) is unbounded.
    #[serde(default)]
    pub maxsize: i64,
    /// `"fifo"` (the default, `asyncio.Queue`), `"lifo"` (`LifoQueue`) or `"priority"`
    /// (`PriorityQueue`).
    pub kind: Option<Spanned<String>>,
}

/// `[barriers.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBarrier {
    /// How many tasks must wait for the barrier to let them pass.
    pub parties: Spanned<i64>,
}

/// A task template or the main task.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    /// The name tasks get; may use `{param}` and `{i}` (the index within a `count`).
    pub name: Option<Spanned<String>>,
    /// Parameter names, bound by `args` at spawn or call.
    #[serde(default)]
    pub params: Vec<Spanned<String>>,
    /// What the task does.
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
}

/// A number, string or boolean written in the file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string, possibly a template.
    Str(String),
    /// A list (only `let` values take one).
    List(Vec<Scalar>),
}

/// A sleep duration: seconds, a template, or a seeded random integer number of seconds.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RawDuration {
    /// Seconds.
    Secs(Scalar),
    /// `{ min = A, max = B }`: a seeded uniform integer in `A..=B`, in seconds.
    Random {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
}

/// One step. Exactly one *verb* key (`sleep`, `log`, `spawn`, ...) says what it does; the
/// other keys modify it. Validation checks which keys go with which verb.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    // ---- verbs that need only the core executor ----
    pub sleep: Option<Spanned<RawDuration>>,
    #[serde(rename = "yield")]
    pub yield_: Option<Spanned<Scalar>>,
    pub random: Option<Spanned<String>>,
    pub log: Option<Spanned<String>>,
    pub spawn: Option<Spanned<String>>,
    pub call: Option<Spanned<String>>,
    #[serde(rename = "await")]
    pub await_: Option<Spanned<String>>,
    pub cancel: Option<Spanned<String>>,
    pub uncancel: Option<Spanned<String>>,
    pub set_name: Option<Spanned<String>>,
    pub fail: Option<Spanned<String>>,
    #[serde(rename = "return")]
    pub return_: Option<Spanned<Scalar>>,
    #[serde(rename = "for")]
    pub for_: Option<Spanned<String>>,
    pub repeat: Option<Spanned<Scalar>>,
    pub while_before: Option<Spanned<f64>>,
    #[serde(rename = "while")]
    pub while_: Option<Spanned<String>>,
    #[serde(rename = "try")]
    pub try_: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub on_cancel: Option<Spanned<String>>,
    #[serde(rename = "let")]
    pub let_: Option<Spanned<String>>,
    pub set: Option<Spanned<String>>,
    #[serde(rename = "if")]
    pub if_: Option<Spanned<String>>,
    // ---- verbs that use the combinators (issue 3) ----
    pub gather: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub wait: Option<Spanned<Vec<Spanned<String>>>>,
    pub as_completed: Option<Spanned<Vec<Spanned<String>>>>,
    pub wait_for: Option<Spanned<Scalar>>,
    pub timeout: Option<Spanned<Scalar>>,
    pub shield: Option<Spanned<RawShield>>,
    pub task_group: Option<Spanned<Vec<Spanned<RawStep>>>>,
    // ---- verbs that use the primitives (issue 4) ----
    pub acquire: Option<Spanned<String>>,
    pub release: Option<Spanned<String>>,
    pub with: Option<Spanned<String>>,
    pub set_event: Option<Spanned<String>>,
    pub clear_event: Option<Spanned<String>>,
    pub wait_event: Option<Spanned<String>>,
    pub notify: Option<Spanned<String>>,
    pub notify_all: Option<Spanned<String>>,
    pub wait_condition: Option<Spanned<String>>,
    pub put: Option<Spanned<String>>,
    pub get: Option<Spanned<String>>,
    pub task_done: Option<Spanned<String>>,
    pub join: Option<Spanned<String>>,
    pub put_nowait: Option<Spanned<String>>,
    pub shutdown: Option<Spanned<String>>,
    pub create_future: Option<Spanned<String>>,
    pub set_result: Option<Spanned<String>>,
    pub set_exception: Option<Spanned<String>>,
    pub get_nowait: Option<Spanned<String>>,
    pub wait_barrier: Option<Spanned<String>>,
    pub abort_barrier: Option<Spanned<String>>,
    pub reset_barrier: Option<Spanned<String>>,
    pub add_done_callback: Option<Spanned<String>>,
    pub remove_done_callback: Option<Spanned<String>>,
    // ---- loop callbacks and timeout handles ----
    pub call_soon: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub call_later: Option<Spanned<Scalar>>,
    pub call_at: Option<Spanned<Scalar>>,
    pub reschedule: Option<Spanned<String>>,
    // ---- modifiers ----
    #[serde(rename = "as")]
    pub as_: Option<Spanned<String>>,
    pub args: Option<Spanned<BTreeMap<Spanned<String>, Spanned<Scalar>>>>,
    pub count: Option<Spanned<Scalar>>,
    /// `spawn ... eager = true`: the task's first step runs inside the spawn.
    pub eager: Option<Spanned<bool>>,
    /// `spawn ... group = "tg"`: the task goes into the TaskGroup a local holds.
    pub group: Option<Spanned<String>>,
    #[serde(rename = "do")]
    pub do_: Option<Spanned<Vec<Spanned<RawStep>>>>,
    #[serde(rename = "else")]
    pub else_: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub except: Option<Spanned<Vec<Spanned<RawStep>>>>,
    /// `try ... finally = [...]`: steps run however the body ends.
    pub finally: Option<Spanned<Vec<Spanned<RawStep>>>>,
    pub error: Option<Spanned<String>>,
    /// `try ... star = true`: the handler is Python's `except*`.
    pub star: Option<Spanned<bool>>,
    pub from: Option<Spanned<Scalar>>,
    pub to: Option<Spanned<Scalar>>,
    pub below: Option<Spanned<Scalar>>,
    /// `for ... in`: the values to go through, an expression.
    #[serde(rename = "in")]
    pub in_: Option<Spanned<String>>,
    pub value: Option<Spanned<Scalar>>,
    pub add: Option<Spanned<Scalar>>,
    pub message: Option<Spanned<String>>,
    pub return_exceptions: Option<Spanned<bool>>,
    /// `gather ... future = "g"`: the gather's future bound, not awaited.
    pub future: Option<Spanned<String>>,
    pub return_when: Option<Spanned<String>>,
    pub n: Option<Spanned<Scalar>>,
    pub until: Option<Spanned<String>>,
    pub expr: Option<Spanned<String>>,
    pub immediate: Option<Spanned<bool>>,
    pub pending: Option<Spanned<String>>,
    pub at: Option<Spanned<Scalar>>,
    pub callback: Option<Spanned<String>>,
}

impl RawStep {
    /// The blocks of steps nested in this one: `do`, `else`, `except`, `try`, `gather`,
    /// `task_group`, `call_soon`, then a `shield`'s body.
    pub(crate) fn blocks(&self) -> impl Iterator<Item = &[Spanned<RawStep>]> {
        let shield = match self.shield.as_ref().map(Spanned::get_ref) {
            Some(RawShield::Steps(body)) => Some(body.as_slice()),
            _ => None,
        };
        [
            &self.do_,
            &self.else_,
            &self.except,
            &self.finally,
            &self.try_,
            &self.gather,
            &self.task_group,
            &self.call_soon,
        ]
        .into_iter()
        .flatten()
        .map(|b| b.get_ref().as_slice())
        .chain(shield)
    }
}

/// What `shield` protects: steps run as a task of their own (`shield(coro())`), or an
/// existing task, by local name (`shield(t)`).
#[derive(Debug)]
pub enum RawShield {
    /// A body.
    Steps(Vec<Spanned<RawStep>>),
    /// A local holding a task.
    Task(String),
}

impl<'de> Deserialize<'de> for RawShield {
    /// By hand rather than `#[serde(untagged)]`: an untagged enum buffers its input, which
    /// loses the spans the steps inside need.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawShield, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawShield;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of steps or the local holding a task or a future")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawShield, E> {
                Ok(RawShield::Task(v.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawShield, A::Error> {
                let mut steps = Vec::new();
                while let Some(s) = seq.next_element()? {
                    steps.push(s);
                }
                Ok(RawShield::Steps(steps))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[expect]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// The main task's return value, as Python would print it (`repr`).
    pub result: Option<Spanned<String>>,
    /// The exact log lines (`t=<ms> <line>` each).
    pub logs: Option<Spanned<String>>,
    /// Log lines (without `t=`) that must appear.
    #[serde(default)]
    pub contains: Vec<Spanned<String>>,
    /// Log lines (without `t=`) that must not appear.
    #[serde(default)]
    pub not_contains: Vec<Spanned<String>>,
    /// Log lines (without `t=`) that must appear in this order.
    #[serde(default)]
    pub order: Vec<Spanned<String>>,
    /// Whether the run must end without a deadlock (default true).
    pub no_deadlock: Option<Spanned<bool>>,
    /// Final values of shared variables.
    #[serde(default)]
    pub vars: BTreeMap<Spanned<String>, Spanned<Scalar>>,
    /// Most holders a semaphore may have at once.
    #[serde(default)]
    pub max_concurrency: BTreeMap<Spanned<String>, Spanned<i64>>,
    /// Conditions over shared variables checked after every step.
    #[serde(default)]
    pub invariants: Vec<Spanned<String>>,
    /// Virtual time the run must take, in seconds.
    pub elapsed: Option<Spanned<f64>>,
}

/// `[check]`: how `sim check` judges the scenario.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// Random-policy seeds to explore besides the FIFO run (default 0).
    #[serde(default)]
    pub explore: Option<Spanned<i64>>,
    /// `"pass"` (default): every run meets the expectations. `"bug"`: the FIFO run passes and
    /// exploration finds a run that fails them (the bug zoo).
    pub expect: Option<Spanned<String>>,
    /// The policies that explore the `explore` seeds, spelled as on the command line
    /// (`"random"`, `"pct:3"`); `["random"]` when absent. With `"bug"` each must find it.
    #[serde(default)]
    pub policies: Option<Spanned<Vec<Spanned<String>>>>,
}

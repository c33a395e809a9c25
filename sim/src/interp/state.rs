//! One run's interpreter state: the scenario, the shared variables and logs the
//! expectations judge, the run's primitives, and the task count.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use simloop::{Instant, log};

use super::budget::Stopped;
use super::env::Env;
use super::value::Value;
use crate::scenario::Scenario;

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
    /// The identities of the file's named done-callbacks (`callback = "on_done"`), in the
    /// order of [`Scenario`]'s list: adding one twice and removing it are asyncio's
    /// `add_done_callback(on_done)` and `remove_done_callback(on_done)` of one function.
    pub(super) callbacks: Vec<simloop::task::DoneCallbackKey>,
    /// Every gather held as a value, kept until the run ends (`gather_value.rs`).
    pub(super) gathers: RefCell<Vec<Rc<super::gather_value::GatherFut>>>,
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
            callbacks: scenario
                .callbacks
                .iter()
                .map(|_| simloop::task::DoneCallbackKey::new())
                .collect(),
            gathers: RefCell::new(Vec::new()),
        }
    }

    /// Logs `line` into the trace and into [`Shared::logs`]; false (and nothing logged) once
    /// the output limit is passed.
    pub(super) fn say(&self, line: String) -> bool {
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
}

//! The interpreter: runs a [`Scenario`] under a [`Sim`] and collects what the expectations
//! need.

mod assign;
mod budget;
mod combine;
mod completions;
mod conds;
mod env;
mod eval;
mod exc;
mod exec;
mod funcs;
mod futures;
mod gather_futures;
mod gather_value;
mod groups;
mod lookup;
mod loop_calls;
mod prims;
mod py_round;
mod queues;
mod repr;
mod state;
mod tasks;
mod value;

pub use self::exc::Exc;
pub use self::state::Shared;
pub(crate) use self::state::Violation;
pub(crate) use self::value::py_equal;
pub use self::value::{TaskResult, Value};

use std::rc::Rc;
use std::sync::Arc;

use simloop::{Outcome, Sim};

use self::state::Rt;
use crate::scenario::Scenario;

/// One run of a scenario: simloop's outcome (the main task's result, the trace, the virtual
/// time, the replay token) and the interpreter's [`Shared`] state at the end.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use simloop::Sim;
/// use simloop_cli::{interp, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ sleep = 0.5 }, { log = \"up\" }]").unwrap());
/// let report = interp::run(&scn, &Sim::new());
/// assert_eq!(report.outcome.elapsed, Duration::from_millis(500));
/// assert_eq!(report.outcome.trace.logs(), "t=500 up\n");
/// assert_eq!(report.shared.logs, report.outcome.trace.logs());
/// ```
pub struct Report {
    /// What simloop reported; the main task's value or exception inside.
    pub outcome: Outcome<TaskResult>,
    /// Shared variables at the end and the first invariant violation.
    pub shared: Shared,
}

/// Runs `scenario` once with `sim`'s settings.
///
/// ```
/// use std::sync::Arc;
/// use simloop::{Policy, Sim};
/// use simloop_cli::{interp, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ sleep = 2 }, { return = 7 }]").unwrap());
/// let report = interp::run(&scn, &Sim::new().seed(3).policy(Policy::Random));
/// assert_eq!(report.outcome.result.unwrap().unwrap().repr(), "7");
/// assert_eq!(report.outcome.elapsed, std::time::Duration::from_secs(2));
/// ```
pub fn run(scenario: &Arc<Scenario>, sim: &Sim) -> Report {
    let rt = Rc::new(Rt::new(scenario));
    let main_rt = Rc::clone(&rt);
    let outcome = with_limits(scenario, sim).run(async move { main_rt.run_main().await });
    let shared = std::mem::take(&mut *rt.shared.borrow_mut());
    Report { outcome, shared }
}

/// `sim` with the scenario's step and time limits and its deadlock rule
/// ([`Scenario::limits`]), its eager tasks switch ([`Scenario::eager_tasks`]), and deadlock reports without spawn sites (`Sim::spawn_sites`:
/// the interpreter spawns every task); the interpreter applies the task and output limits
/// itself.
///
/// ```
/// use std::sync::Arc;
/// use simloop::{RunError, Sim};
/// use simloop_cli::{interp, scenario};
///
/// let scn = scenario::parse("s.toml", "[limits]\nmax_steps = 50\n[main]\nsteps = [{ repeat = 1000, do = [] }]").unwrap();
/// let out = interp::with_limits(&scn, &Sim::new()).run(interp::program(&Arc::new(scn)));
/// assert!(matches!(out.result, Err(RunError::StepLimit { steps: 50 })));
/// ```
pub fn with_limits(scenario: &Scenario, sim: &Sim) -> Sim {
    let limits = &scenario.limits;
    let sim = sim
        .clone()
        .max_steps(limits.max_steps)
        .partial_deadlocks(limits.partial_deadlocks)
        .eager_tasks(scenario.eager_tasks)
        // Every task of a scenario is spawned by one line of the interpreter: a deadlock
        // report names tasks by their scenario names instead.
        .spawn_sites(false);
    match limits.max_time {
        Some(t) => sim.max_time(t),
        None => sim,
    }
}

/// What one run of [`program`] produced, judged by [`crate::expect::check_facts`] (for
/// explorers that only see the program's output).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use simloop::Sim;
/// use simloop_cli::{interp, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ sleep = 2 }, { return = \"done\" }]").unwrap());
/// let facts = Sim::new().run(interp::program(&scn)).result.unwrap();
/// assert_eq!(facts.result.as_ref().unwrap().repr(), "'done'");
/// assert_eq!(facts.elapsed, Duration::from_secs(2));
/// ```
pub struct Facts {
    /// The main task's value or exception.
    pub result: TaskResult,
    /// The virtual time when the main task ended.
    pub elapsed: std::time::Duration,
    rt: Rc<Rt>,
}

impl Facts {
    /// Shared variables, logs and the first invariant violation, as they are now (after the
    /// run, this includes lines logged by tasks cancelled at the run's end).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use simloop::Sim;
    /// use simloop_cli::{interp, scenario};
    ///
    /// let text = "[tasks.t]\nsteps = [{ on_cancel = \"t cancelled\", do = [{ sleep = 9 }] }]\n[main]\nsteps = [{ spawn = \"t\" }, { sleep = 1 }]";
    /// let scn = Arc::new(scenario::parse("s.toml", text).unwrap());
    /// let facts = Sim::new().run(interp::program(&scn)).result.unwrap();
    /// // The task still sleeping when main returned was cancelled at the run's end.
    /// assert_eq!(facts.shared().logs, "t=1000 t cancelled\n");
    /// ```
    pub fn shared(&self) -> std::cell::Ref<'_, Shared> {
        self.rt.shared.borrow()
    }
}

/// The scenario as a simloop program: a future to pass to [`Sim::run`] (or to an explorer),
/// whose output carries what the expectations need.
///
/// ```
/// use std::sync::Arc;
/// use simloop::Sim;
/// use simloop_cli::{expect, interp, scenario};
///
/// let scn = Arc::new(scenario::parse("s.toml", "[main]\nsteps = [{ log = \"hi\" }]\n[expect]\ncontains = [\"bye\"]").unwrap());
/// let out = Sim::new().run(interp::program(&scn));
/// let facts = out.result.unwrap();
/// assert_eq!(facts.shared().logs, "t=0 hi\n");
/// assert_eq!(expect::check_facts(&scn, &facts), Err("no log line `bye`".to_string()));
/// ```
pub fn program(scenario: &Arc<Scenario>) -> impl std::future::Future<Output = Facts> + use<> {
    let rt = Rc::new(Rt::new(scenario));
    async move {
        let result = rt.run_main().await;
        let elapsed = simloop::now() - simloop::Instant::ZERO;
        Facts {
            result,
            elapsed,
            rt,
        }
    }
}

//! The interpreter: runs a [`Scenario`] under a [`Sim`] and collects what the expectations
//! need.

mod exec;
mod prims;
mod value;

pub use self::exec::{Shared, Violation};
pub use self::value::{Exc, TaskResult, Value};

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use simloop::{Outcome, Sim};

use self::exec::Rt;
use crate::scenario::Scenario;

/// One run of a scenario.
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
    let rt = Rc::new(Rt {
        scenario: Arc::clone(scenario),
        shared: RefCell::new(Shared {
            vars: scenario.vars.iter().map(|v| v.1).collect(),
            violation: None,
            sem_max: vec![0; scenario.semaphores.len()],
        }),
        prims: prims::Prims::new(scenario),
    });
    let main_rt = Rc::clone(&rt);
    let outcome = sim.run(async move {
        let def = &main_rt.scenario.main;
        main_rt.run_def(def, Default::default()).await
    });
    let shared = std::mem::take(&mut *rt.shared.borrow_mut());
    Report { outcome, shared }
}

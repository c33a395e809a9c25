//! The report of a run in which nothing can progress, shared by every layer (the runtime
//! builds it, `RunError::Deadlock` carries it).

use std::fmt;
use std::panic::Location;

use super::{Instant, TaskId};

/// Who was blocked on what when a run deadlocked.
///
/// ```
/// use simloop::{RunError, Sim, spawn_named};
/// let out = Sim::new().run(async {
///     spawn_named("stuck", std::future::pending::<()>()).await.unwrap()
/// });
/// let Err(RunError::Deadlock(report)) = out.result else { panic!() };
/// assert!(report.to_string().contains("#1 main waits on join #2 stuck"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlockReport {
    /// When it happened.
    pub time: Instant,
    /// Every unfinished task, in id order.
    pub blocked: Vec<BlockedTask>,
    /// A cycle in the wait-for graph (first and last entries equal), if there is one.
    pub cycle: Option<Vec<TaskId>>,
    /// True when the deadlock was found as it formed, while other tasks or timers could
    /// still run: `blocked` lists only the tasks that wait on each other (joins, or
    /// primitives held by one of them), which nothing but a cancellation from outside
    /// could release. False when the whole run stopped: `blocked` lists every unfinished
    /// task.
    pub partial: bool,
}

/// One blocked task in a [`DeadlockReport`].
///
/// ```
/// use std::rc::Rc;
/// use simloop::{Lock, RunError, Sim, spawn_named};
///
/// let out = Sim::new().run(async {
///     let lock = Rc::new(Lock::named("db", ()));
///     let _held = lock.lock().await;
///     let waiter = Rc::clone(&lock);
///     spawn_named("writer", async move { drop(waiter.lock().await) }).await.unwrap();
/// });
/// let Err(RunError::Deadlock(report)) = out.result else { panic!("expected a deadlock") };
/// let writer = report.blocked.iter().find(|b| b.name == "writer").unwrap();
/// assert_eq!(writer.id.to_string(), "#2");
/// assert!(writer.waits_on.iter().any(|w| w.contains("db")), "{:?}", writer.waits_on);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedTask {
    /// The task.
    pub id: TaskId,
    /// Its name (empty when it has none).
    pub name: String,
    /// What it waits on, as registered by the futures it awaits.
    pub waits_on: Vec<String>,
    /// Where it was spawned (the place of the `spawn` call, as [`Location::file`] gives
    /// it: relative to the crate root for a crate's own code); `None` for the main task.
    /// Shown in the report, never part of a replay token or a program's fingerprint.
    pub spawned_at: Option<&'static Location<'static>>,
}

impl BlockedTask {
    fn label(&self) -> String {
        crate::trace::task_label(self.id, (!self.name.is_empty()).then_some(&self.name))
    }

    /// The label with the spawn site: `#3 (spawned at tests/races.rs:41:17)`.
    fn label_at(&self) -> String {
        match self.spawned_at {
            Some(at) => format!("{} (spawned at {at})", self.label()),
            None => self.label(),
        }
    }
}

impl fmt::Display for DeadlockReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.partial {
            let who = match self.blocked.len() {
                1 => "a task waits on itself".to_string(),
                n => format!("{n} tasks wait on each other"),
            };
            writeln!(
                f,
                "deadlock at t={}: {who} (none of them has a timer or wake-up pending: only a cancellation by another task could release them)",
                self.time
            )?;
        } else {
            writeln!(
                f,
                "deadlock at t={}: the main task cannot progress, no task is ready and no timer is pending",
                self.time
            )?;
        }
        for t in &self.blocked {
            writeln!(
                f,
                "  {} waits on {}",
                t.label_at(),
                t.waits_on.join(" and ")
            )?;
        }
        if let Some(cycle) = &self.cycle {
            let names: Vec<String> = cycle
                .iter()
                .map(|id| match self.blocked.iter().find(|b| b.id == *id) {
                    Some(b) => b.label(),
                    None => id.to_string(),
                })
                .collect();
            writeln!(f, "  wait-for cycle: {}", names.join(" -> "))?;
        }
        Ok(())
    }
}

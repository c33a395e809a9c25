//! The run's ambient state: what an upper layer keeps per run beside the engine (the
//! context variables of `crate::contextvars`), told of each spawn and asked what a
//! callback registered now runs in.
//!
//! The engine knows nothing of what the state holds. A run starts without one; the layer
//! that needs it installs it on first use ([`Core::ambient`]), so a run that never uses it
//! pays one branch per spawn and per callback registration, nothing on the step path.

use std::any::Any;
use std::rc::Rc;

use super::{Core, TaskId};

/// Per-run state of an upper layer that follows tasks and callbacks.
pub(crate) trait Ambient: Any {
    /// Task `child` was just spawned, by the running task `parent` (`None`: between
    /// steps, e.g. in a callback). Called inside the core borrow: it must not run user
    /// code nor drop what might (a value whose last handle it holds).
    fn spawned(&mut self, parent: Option<TaskId>, child: TaskId);

    /// What a callback registered now by `by` (the running task, `None` between steps)
    /// runs in when it runs, `None` when it needs nothing. Same rule as `spawned`.
    fn capture(&mut self, by: Option<TaskId>) -> Option<Rc<dyn Enter>>;

    /// A callback that ran in no captured scope (registered before the state was
    /// installed) has ended: what it set is forgotten, as each callback runs in a context
    /// of its own. What is dropped is handed back, to be dropped outside the borrow.
    fn settle(&mut self) -> Option<Box<dyn Any>>;

    /// The state itself, for [`Core::ambient`]'s downcast.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// Something a callback runs inside (a captured context).
pub(crate) trait Enter {
    /// Calls `f` exactly once, inside `self`. Runs outside the core borrow.
    fn enter(&self, f: &mut dyn FnMut());
}

/// Runs the callback `f` inside `scope`, what [`Core::capture_ambient`] gave when it was
/// registered; without one, as is, then the ambient state (if `f` installed it) settles.
pub(crate) fn run_in<R>(scope: Option<&dyn Enter>, f: impl FnOnce() -> R) -> R {
    let Some(scope) = scope else {
        let r = f();
        let left = super::try_with(|c| c.ambient.as_mut().and_then(|a| a.settle()));
        drop(left);
        return r;
    };
    let mut f = Some(f);
    let mut out = None;
    scope.enter(&mut || out = f.take().map(|f| f()));
    // `enter` calls its closure exactly once; if one did not, `f` runs here, outside.
    match (out, f) {
        (Some(r), _) => r,
        (None, Some(f)) => f(),
        (None, None) => unreachable!("a closure that ran left its value"),
    }
}

impl Core {
    /// The run's ambient state of type `T`, installed by `make` on first use.
    ///
    /// # Panics
    ///
    /// Panics when the run holds ambient state of another type: one layer owns the slot.
    pub(crate) fn ambient<T: Ambient>(&mut self, make: impl FnOnce() -> T) -> &mut T {
        self.ambient
            .get_or_insert_with(|| Box::new(make()))
            .as_any_mut()
            .downcast_mut()
            .expect("simloop: one kind of ambient state per run")
    }

    /// What a callback registered now runs in ([`Ambient::capture`]); `None` in a run
    /// without ambient state, at the cost of one branch.
    #[inline]
    pub(crate) fn capture_ambient(&mut self) -> Option<Rc<dyn Enter>> {
        let by = self.running;
        self.ambient.as_mut()?.capture(by)
    }

    /// Tells the ambient state, if any, that the running task spawned `child`.
    #[inline]
    pub(super) fn ambient_spawned(&mut self, child: TaskId) {
        if let Some(a) = self.ambient.as_mut() {
            a.spawned(self.running, child);
        }
    }
}

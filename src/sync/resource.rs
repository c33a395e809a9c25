//! How a primitive names itself in deadlock reports.

use std::rc::Rc;

use crate::runtime::{Core, WaitOn};
use crate::task::TaskId;

/// A primitive's kind and optional name, registered with every wait on it so the deadlock
/// report can print a wait-for graph ("Lock 'a' held by #2 alice").
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    kind: &'static str,
    name: Option<Rc<str>>,
}

impl Resource {
    pub(crate) fn new(kind: &'static str, name: Option<&str>) -> Resource {
        Resource {
            kind,
            name: name.map(Rc::from),
        }
    }

    /// The name given at construction, if any.
    pub(crate) fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Registers that the running task waits on this primitive, held by `holders`.
    pub(crate) fn wait_on(&self, core: &mut Core, holders: &[TaskId]) {
        self.wait_on_as(core, self.kind, holders);
    }

    /// Like [`Resource::wait_on`] with a more specific kind ("Queue put", "Queue get").
    pub(crate) fn wait_on_as(&self, core: &mut Core, kind: &'static str, holders: &[TaskId]) {
        core.wait_on(WaitOn::resource(kind, self.name.clone(), holders.to_vec()));
    }
}

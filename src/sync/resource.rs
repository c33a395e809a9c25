//! How a primitive names itself in deadlock reports.

use std::cell::{RefCell, RefMut};
use std::rc::{Rc, Weak};

use crate::runtime::{CancelFuture, Core, ResourceInfo, WaitOn};
use crate::task::TaskId;

/// A primitive's node in the wait-for graph: its kind, optional name and current holders,
/// shared with every wait registered on it, so the deadlock report can print "Lock 'a'
/// held by #2 alice" and registering a wait costs only a reference count.
#[derive(Debug)]
pub(crate) struct Resource {
    info: Rc<ResourceInfo>,
    /// Nodes for the other kinds of wait on the same primitive ("Queue put", "Queue get"),
    /// made at their first use; they have no holders.
    roles: RefCell<Vec<Rc<ResourceInfo>>>,
}

impl Resource {
    pub(crate) fn new(kind: &'static str, name: Option<&str>) -> Resource {
        Resource {
            info: ResourceInfo::new(kind, name.map(Rc::from)),
            roles: RefCell::new(Vec::new()),
        }
    }

    /// Marks the primitive as a future that cancelling a task awaiting it alone cancels.
    pub(crate) fn set_future(&self, future: Weak<dyn CancelFuture>) {
        self.info.set_future(future);
    }

    /// The name given at construction, if any.
    pub(crate) fn name(&self) -> Option<&str> {
        self.info.name.as_deref()
    }

    /// The tasks that hold the primitive, which it keeps current.
    pub(crate) fn holders(&self) -> RefMut<'_, Vec<TaskId>> {
        self.info.holders.borrow_mut()
    }

    /// Registers that the running task waits on this primitive.
    #[inline]
    pub(crate) fn wait_on(&self, core: &mut Core) {
        core.wait_on(WaitOn::Resource(self.info.clone()));
    }

    /// Like [`Resource::wait_on`] with a more specific kind ("Queue put", "Queue get").
    pub(crate) fn wait_on_as(&self, core: &mut Core, kind: &'static str) {
        let mut roles = self.roles.borrow_mut();
        // The callers pass string literals: the same literal is nearly always the same
        // address, so the role is found without comparing text ("Queue get" and "Queue
        // put" have one length, and comparing them called `memcmp` at every pending get
        // or put: 3% of W4's instructions). Equal text at another address is still the
        // same role.
        let found = roles
            .iter()
            .find(|r| std::ptr::eq(r.kind, kind))
            .or_else(|| roles.iter().find(|r| r.kind == kind));
        let info = match found {
            Some(r) => r.clone(),
            None => {
                let r = ResourceInfo::new(kind, self.info.name.clone());
                roles.push(r.clone());
                r
            }
        };
        core.wait_on(WaitOn::Resource(info));
    }
}

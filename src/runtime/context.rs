//! The thread-local slot that holds the running simulation's [`Core`].

use std::cell::{Cell, RefCell};
use std::task::Waker;

use super::{Core, ErasedTask};
use std::pin::Pin;

/// Work that must run after the core borrow ends, because it may call back into the runtime
/// (a foreign waker) or run user code (dropping a finished task's output).
#[derive(Default)]
pub(crate) struct Deferred {
    pub(crate) wakers: Vec<Waker>,
    pub(crate) drops: Vec<Pin<Box<dyn ErasedTask>>>,
}

pub(crate) struct Slot {
    pub(crate) core: RefCell<Option<Box<Core>>>,
    pub(crate) deferred: RefCell<Deferred>,
    /// Set when `deferred` is non-empty, so the hot path checks one flag instead of a borrow.
    pub(crate) has_deferred: Cell<bool>,
}

thread_local! {
    pub(crate) static SLOT: Slot = const {
        Slot {
            core: RefCell::new(None),
            deferred: RefCell::new(Deferred { wakers: Vec::new(), drops: Vec::new() }),
            has_deferred: Cell::new(false),
        }
    };
}

/// Runs `f` on the running simulation's core.
///
/// # Panics
///
/// Panics with a message naming `what` when no simulation runs on this thread: simloop's
/// primitives only work inside [`crate::Sim::run`].
#[track_caller]
#[inline]
pub(crate) fn with<R>(what: &str, f: impl FnOnce(&mut Core) -> R) -> R {
    match try_with(f) {
        Some(r) => r,
        None => outside(what),
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn outside(what: &str) -> ! {
    panic!("simloop: `{what}` was used outside a simulation; run the future with simloop::Sim::run")
}

/// Runs `f` on the running simulation's core, or returns `None` when none runs here.
#[inline]
pub(crate) fn try_with<R>(f: impl FnOnce(&mut Core) -> R) -> Option<R> {
    // `LocalKey::try_with` (inlined, unlike `with`) lets the compiler reach the slot
    // without an indirect call; it fails only during thread teardown.
    SLOT.try_with(|slot| {
        let r = {
            let mut core = slot.core.borrow_mut();
            f(core.as_mut()?)
        };
        if slot.has_deferred.get() {
            run_deferred(slot);
        }
        Some(r)
    })
    .ok()
    .flatten()
}

/// The label (`#3 name`) of the task whose step runs on this thread, if any; `None` also
/// while the core is borrowed (a panic hook may ask at any moment, so this never panics).
pub(crate) fn running_label() -> Option<String> {
    SLOT.try_with(|slot| {
        let core = slot.core.try_borrow().ok()?;
        let core = core.as_ref()?;
        core.running.map(|id| core.label(id))
    })
    .ok()
    .flatten()
}

/// Queues a waker to be woken once the core borrow ends.
#[cold]
pub(crate) fn defer_wake(waker: Waker) {
    SLOT.with(|slot| {
        slot.deferred.borrow_mut().wakers.push(waker);
        slot.has_deferred.set(true);
    });
}

/// Queues a finished task's cell to be dropped once the core borrow ends (dropping its
/// output may run user code).
pub(crate) fn defer_drop(cell: Pin<Box<dyn ErasedTask>>) {
    SLOT.with(|slot| {
        slot.deferred.borrow_mut().drops.push(cell);
        slot.has_deferred.set(true);
    });
}

/// Wakes deferred wakers and drops deferred values, in the order they were deferred. Each
/// may re-enter the runtime, which is why none of this runs under a borrow.
#[cold]
pub(crate) fn run_deferred(slot: &Slot) {
    loop {
        let (mut wakers, mut drops) = {
            let mut d = slot.deferred.borrow_mut();
            if d.wakers.is_empty() && d.drops.is_empty() {
                slot.has_deferred.set(false);
                return;
            }
            (std::mem::take(&mut d.wakers), std::mem::take(&mut d.drops))
        };
        for w in wakers.drain(..) {
            w.wake();
        }
        // A detached task's cell serves the next spawn of its type (`cell_pool.rs`).
        for cell in drops.drain(..) {
            cell.recycle_detached();
        }
        // The emptied vectors go back with their capacity (unless more was deferred
        // meanwhile): every detached task's end defers its cell's drop, and a fresh vector
        // each time cost an allocation and a free per task (simloop-tokio's tasks are all
        // detached: 3.2M of W6's 113M instructions through it).
        let mut d = slot.deferred.borrow_mut();
        if d.wakers.capacity() == 0 {
            d.wakers = wakers;
        }
        if d.drops.capacity() == 0 {
            d.drops = drops;
        }
    }
}

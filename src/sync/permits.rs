//! The private counting semaphore that `Semaphore`, `BoundedSemaphore` and `Lock` wrap.
//!
//! It follows CPython 3.12's `asyncio.Semaphore` (after bpo-45997 / gh-90155): strictly FIFO
//! with no barging. `release` hands the permit straight to the first waiter (the permit never
//! becomes available to a newcomer in between); a waiter dropped after being handed a permit
//! passes it on to the next waiter, or back to the count. So the number of permits held,
//! handed and available always equals the initial value plus extra releases, whatever the
//! interleaving of cancellations.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::resource::Resource;
use super::waiters::{Status, Ticket, Waiters, with_core};
use crate::runtime::{Core, with};
use crate::task::TaskId;

/// The shared state of one semaphore.
#[derive(Debug)]
pub(crate) struct Permits {
    state: RefCell<State>,
    /// The wait-for graph's node, which also keeps the holders: tasks holding a permit, in
    /// acquisition order (one entry per permit). A release names the releasing holder; an
    /// explicit release by a task holding nothing removes the oldest entry, so after extra
    /// releases this is a best guess (it only feeds reports).
    resource: Resource,
    /// Wake only the first waiter, as asyncio's `Lock` does (its `_wake_up_first`), instead
    /// of the first one not being cancelled, as its `Semaphore` does.
    first_only: bool,
}

#[derive(Debug)]
struct State {
    /// Permits nobody holds and nobody has been handed.
    value: usize,
    waiters: Waiters,
}

impl Permits {
    pub(crate) fn new(kind: &'static str, name: Option<&str>, value: usize) -> Permits {
        Permits::build(kind, name, value, false)
    }

    /// A one-permit semaphore with asyncio `Lock`'s wake-up rule: a release wakes the first
    /// waiter only; if that waiter's task is being cancelled, the lock stays free until the
    /// cancelled waiter's turn, which then wakes the next one.
    pub(crate) fn lock(name: Option<&str>) -> Permits {
        Permits::build("Lock", name, 1, true)
    }

    fn build(kind: &'static str, name: Option<&str>, value: usize, first_only: bool) -> Permits {
        Permits {
            first_only,
            state: RefCell::new(State {
                value,
                waiters: Waiters::new(),
            }),
            resource: Resource::new(kind, name),
        }
    }

    pub(crate) fn resource(&self) -> &Resource {
        &self.resource
    }

    /// Permits available right now (asyncio's `_value`).
    pub(crate) fn value(&self) -> usize {
        self.state.borrow().value
    }

    /// asyncio's `locked()`: no permit is free, or someone waits ahead of a newcomer.
    pub(crate) fn locked(&self) -> bool {
        let st = self.state.borrow();
        st.value == 0 || try_has_claim(&st.waiters)
    }

    /// The tasks holding permits, in acquisition order.
    pub(crate) fn holders(&self) -> Vec<TaskId> {
        self.resource.holders().clone()
    }

    /// Whether some task holds a permit.
    pub(crate) fn held(&self) -> bool {
        !self.resource.holders().is_empty()
    }

    /// Takes a permit without waiting if one is free and nobody waits; records the running
    /// task as its holder.
    pub(crate) fn try_acquire(&self, core: &Core) -> bool {
        self.take_free(&mut self.state.borrow_mut(), core)
    }

    /// [`Permits::try_acquire`] under the caller's borrow of the state. Always inlined: an
    /// acquire's first poll is its hot caller, and LLVM's choice for it moved with changes
    /// elsewhere in the crate (round 21: out of line, W2 +0.5% instructions).
    #[inline(always)]
    fn take_free(&self, st: &mut State, core: &Core) -> bool {
        if st.value == 0 || st.waiters.has_claim(Some(core)) {
            return false;
        }
        st.value -= 1;
        self.resource.holders().push(core.current());
        true
    }

    /// Waits for a permit; the future resolves once the running task holds it.
    pub(crate) fn acquire(&self) -> AcquirePermit<'_> {
        AcquirePermit {
            permits: self,
            ticket: None,
            done: false,
        }
    }

    /// Gives back one permit held by `holder` (or by anyone, oldest first, when `holder` is
    /// not recorded): the first waiter gets it, else it returns to the count.
    pub(crate) fn release(&self, holder: Option<TaskId>) {
        with_core(|core| {
            let mut st = self.state.borrow_mut();
            {
                let mut holders = self.resource.holders();
                let at = holder
                    .and_then(|h| holders.iter().position(|&t| t == h))
                    .or(if holders.is_empty() { None } else { Some(0) });
                if let Some(i) = at {
                    holders.remove(i);
                }
            }
            self.hand_on(&mut st, core);
        });
    }

    /// Hands one permit to the first waiter that is not being cancelled (to the first
    /// waiter only, for a lock), or adds it to the count.
    fn hand_on(&self, st: &mut State, core: Option<&mut Core>) {
        let handed = match core {
            Some(core) if self.first_only => st.waiters.notify_first(core),
            Some(core) => st.waiters.notify(core, 1) == 1,
            None => false,
        };
        if !handed {
            st.value += 1;
        }
    }
}

fn try_has_claim(waiters: &Waiters) -> bool {
    if waiters.is_empty() {
        return false;
    }
    crate::runtime::try_with(|c| waiters.has_claim(Some(c)))
        .unwrap_or_else(|| waiters.has_claim(None))
}

/// Waits for one permit of a [`Permits`]; on `Ready` the running task is a holder, and the
/// output is its id.
#[derive(Debug)]
pub(crate) struct AcquirePermit<'a> {
    permits: &'a Permits,
    ticket: Option<Ticket>,
    done: bool,
}

impl Future for AcquirePermit<'_> {
    type Output = TaskId;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<TaskId> {
        let this = self.get_mut();
        assert!(!this.done, "simloop: acquire polled after it completed");
        let permits = this.permits;
        with("Semaphore::acquire", |core| {
            let mut st = permits.state.borrow_mut();
            let status = match this.ticket {
                Some(t) => st.waiters.poll(core, t, cx.waker()),
                None => Status::Gone,
            };
            match status {
                Status::Notified => {
                    st.waiters.remove(this.ticket.take().expect("ticket"));
                    permits.resource.holders().push(core.current());
                    this.done = true;
                    return Poll::Ready(core.current());
                }
                Status::Gone => {
                    if permits.take_free(&mut st, core) {
                        this.done = true;
                        return Poll::Ready(core.current());
                    }
                    this.ticket = Some(st.waiters.push(core, cx.waker()));
                }
                Status::Waiting => {}
            }
            permits.resource.wait_on(core);
            Poll::Pending
        })
    }
}

impl Drop for AcquirePermit<'_> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let permits = self.permits;
        with_core(|core| {
            let mut st = permits.state.borrow_mut();
            match st.waiters.remove(ticket) {
                // Handed a permit but dropped before taking it: pass it on, so none leaks.
                Status::Notified => permits.hand_on(&mut st, core),
                // asyncio's Lock: a cancelled waiter that finds the lock free wakes the first
                // waiter (the release skipped it while this one was first in line).
                Status::Waiting if permits.first_only && st.value > 0 => {
                    if let Some(core) = core
                        && st.waiters.notify_first(core)
                    {
                        st.value -= 1;
                    }
                }
                _ => {}
            }
        });
    }
}

//! A task that catches its own cancellation (`task::catch_cancelled`): asyncio's
//! `try: await work() except CancelledError`, after which the task goes on.
//!
//! A catch scope holds its task's cancellations like any holder (`cancel_hold.rs`), so a
//! delivery is a poll of the task. The scope drops what it awaited and says so here
//! ([`Core::catch_cancel`]): the delivery is then over, and the step that delivered it is
//! an ordinary poll (the engine, a timeout's held expiry and a TaskGroup scope read
//! [`Core::caught_now`] after their delivery poll). A caught cancellation still counts in
//! `cancelling()` until `uncancel()`, as in asyncio.
//!
//! Re-raising ([`Core::reraise`]) is the reverse: the running task's step ends with its
//! cancellation, caught again by the next enclosing scope in the same step, else ended by
//! the engine when the step returns `Pending`.

use super::{Core, Message, TaskId};

/// Where a delivered timeout expiry went (`Core::forwarded_expiries`), until its timeout
/// reads it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExpiryForward {
    /// To the one task the work awaits: swallowed if that task ends otherwise than
    /// cancelled (it caught the cancellation, case 737).
    Task(TaskId),
    /// To several tasks the work awaits: a gather of them decides.
    Tasks,
    /// Through a gather, which resolved: whether it failed with something other than
    /// `CancelledError` (swallowed: the work reads that failure, case 756).
    Decided(bool),
}

impl Core {
    /// The running task's cancellation, being delivered, is caught by a scope: the
    /// delivery ends, and its message is taken for the scope's `Cancelled`.
    pub(crate) fn catch_cancel(&mut self) -> Option<Message> {
        let id = self.current();
        self.delivering = None;
        self.caught = Some(id);
        if let Some(requests) = self.cancel_counts.get_mut(&id) {
            // Delivered: nothing is left for `uncancel()` to withdraw.
            requests.must = false;
        }
        self.messages.remove(&id)
    }

    /// Whether a scope caught the running task's cancellation in the delivery under way
    /// (reset as each delivery begins: [`Core::begin_delivery`]).
    pub(crate) fn caught_now(&self) -> bool {
        self.caught.is_some() && self.caught == self.running
    }

    /// A delivery of `id`'s cancellation begins: no scope has caught it yet.
    #[inline]
    pub(super) fn begin_delivery(&mut self, id: TaskId) {
        self.delivering = Some(id);
        self.caught = None;
    }

    /// After the engine's delivery poll of `id`: whether a scope caught the cancellation
    /// (forgets it).
    #[inline]
    pub(super) fn take_caught(&mut self, id: TaskId) -> bool {
        self.caught.take_if(|&mut t| t == id).is_some()
    }

    /// The running task re-raises a caught cancellation with `message`.
    pub(crate) fn reraise(&mut self, message: Option<Message>) {
        let id = self.current();
        self.reraised = Some(id);
        match message {
            Some(m) => self.messages.insert(id, m),
            None => self.messages.remove(&id),
        };
    }

    /// A catch scope of the running task, whose inner future returned `Pending`: whether
    /// that future re-raised a cancellation (taken, with its message, for the scope).
    pub(crate) fn take_reraised(&mut self) -> Option<Option<Message>> {
        let id = self.running?;
        self.reraised.take_if(|&mut t| t == id)?;
        Some(self.messages.remove(&id))
    }

    /// After a step of `id` that returned `Pending`: whether it re-raised a cancellation
    /// that no scope caught (the task then ends cancelled, with the message left).
    #[inline]
    pub(super) fn take_reraised_by(&mut self, id: TaskId) -> bool {
        self.reraised.is_some() && self.reraised.take_if(|&mut t| t == id).is_some()
    }

    /// A timeout's expiry for task `owner` was forwarded to what its work awaits (asyncio's
    /// `_fut_waiter.cancel()`).
    pub(super) fn note_forwarded_expiry(&mut self, owner: TaskId, to: ExpiryForward) {
        // A note the task's earlier timeout never read (it was dropped) goes.
        self.forwarded_expiries.insert(owner, to);
    }

    /// Whether a timeout's expiry for task `id` was forwarded to what its work awaits and
    /// not yet read: a gather `id` awaits was cancelled through it (asyncio's
    /// `_GatheringFuture.cancel()` sets `_cancel_requested`, case 756).
    pub(crate) fn expiry_forwarded(&self, id: TaskId) -> bool {
        !self.forwarded_expiries.is_empty()
            && self
                .forwarded_expiries
                .get(&id)
                .is_some_and(|f| !matches!(f, ExpiryForward::Decided(_)))
    }

    /// The gather task `id` awaits, cancelled by `id`'s timeout's expiry, resolved:
    /// `swallowed` when it failed with something other than `CancelledError` (the timeout
    /// lets that through, expired), else it raises `CancelledError`, which the timeout
    /// turns into its `TimeoutError` (case 756).
    pub(crate) fn decide_expiry(&mut self, id: TaskId, swallowed: bool) {
        self.forwarded_expiries
            .insert(id, ExpiryForward::Decided(swallowed));
    }

    /// The timeout of `owner` reads its delivered expiry: whether it was forwarded to what
    /// its work awaits and that did not raise `CancelledError` (forgets the forward): the
    /// one task awaited caught it and ended otherwise, or a gather decided so. asyncio's
    /// `__wakeup` then hands the work that value or exception, nothing is raised, and the
    /// timeout exits without `TimeoutError`.
    pub(crate) fn take_swallowed_expiry(&mut self, owner: TaskId) -> bool {
        if self.forwarded_expiries.is_empty() {
            return false;
        }
        match self.forwarded_expiries.remove(&owner) {
            Some(ExpiryForward::Task(awaited)) => matches!(
                self.state_of(awaited) & super::slot::END_MASK,
                super::slot::END_RETURNED | super::slot::END_PANICKED
            ),
            Some(ExpiryForward::Decided(swallowed)) => swallowed,
            Some(ExpiryForward::Tasks) | None => false,
        }
    }

    /// Whether `id` has a cancellation pending that was forwarded to what it awaits
    /// (asyncio's `_fut_waiter.cancel()`), not one of the `_must_cancel` kind.
    pub(crate) fn cancel_forwarded(&self, id: TaskId) -> bool {
        self.state_of(id) & (super::slot::CANCEL | super::slot::END_MASK) == super::slot::CANCEL
            && self.cancel_counts.get(&id).is_some_and(|c| !c.must)
    }

    /// The gather task `id` awaits resolved after `id`'s cancellation was forwarded to its
    /// children: `Some(message)`, the gather raises `CancelledError` (delivered with that
    /// message); `None`, it raises another failure (the cancellation is withdrawn and the
    /// task's poll reads the failure, as asyncio's `__wakeup` throws it in). Read at the
    /// task's turn by [`Core::take_awaited_message`].
    pub(crate) fn decide_forwarded(&mut self, id: TaskId, delivered: Option<Option<Message>>) {
        self.decided_forwards.insert(id, delivered);
    }

    /// At `id`'s turn: what its gather decided about its forwarded cancellation (forgets
    /// it), as [`Core::take_awaited_message`] answers (whether it is still delivered).
    #[cold]
    pub(super) fn take_decided_forward(&mut self, id: TaskId) -> Option<bool> {
        let delivered = self.decided_forwards.remove(&id)?;
        Some(match delivered {
            Some(Some(m)) => {
                self.messages.insert(id, m);
                true
            }
            Some(None) => {
                self.messages.remove(&id);
                true
            }
            None => {
                self.messages.remove(&id);
                false
            }
        })
    }

    /// A TaskGroup child's failure wakes task `id` to interrupt the group's body: asyncio's
    /// `_parent_task.cancel()` cancelled what the body awaits, with no message.
    pub(crate) fn note_interrupt(&mut self, id: TaskId) {
        if !self.interrupted.contains(&id) {
            self.interrupted.push(id);
        }
    }

    /// The running task's group scope takes its body's interrupt (its turn came).
    pub(crate) fn interrupt_seen(&mut self) {
        if !self.interrupted.is_empty()
            && let Some(id) = self.running
        {
            self.interrupted.retain(|&t| t != id);
        }
    }

    /// Whether task `id` was woken to interrupt its group's body and is still queued for
    /// it: a `cancel()` now finds asyncio's `_fut_waiter` done, and the task's step keeps
    /// the interrupt's `CancelledError()` (705's rule, case 757).
    pub(super) fn woken_by_interrupt(&self, id: TaskId) -> bool {
        !self.interrupted.is_empty() && self.interrupted.contains(&id) && self.is_queued(id)
    }

    /// At a timeout's exit after its expiry (the expiry's own count ended): whether task
    /// `id` has more cancellation requests than `entry`, its `cancelling()` at the timeout's
    /// start, none of them pending: the work caught a cancellation and did not uncancel it,
    /// so asyncio's `uncancel()` at the exit leaves more than `_cancelling` and the expiry's
    /// `CancelledError` goes on instead of `TimeoutError` (case 726).
    pub(crate) fn caught_beyond(&self, id: TaskId, entry: u32) -> bool {
        self.cancel_requests(id) > entry
            && self.state_of(id) & super::slot::CANCEL == 0
            && !self.delivering_cancel()
    }
}

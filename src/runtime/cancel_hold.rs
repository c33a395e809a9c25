//! Cancellations that what a task awaits must finish first: asyncio's `Condition.wait`
//! catches the `CancelledError`, re-acquires the lock (in turn, behind the lock's waiters)
//! and only then raises it, so the task's `except` block runs holding the lock.
//!
//! simloop delivers a cancellation by dropping the task's future, which cannot wait. A
//! future that must finish first *holds* its task's cancellations ([`Core::hold_cancel`]);
//! the delivery of a held task's cancellation is then a poll (`Step::CancelPoll`) in which
//! the holder, seeing [`Core::delivering_cancel`], starts its clean-up (a Condition waiter
//! queues for the lock). When the holder lets go ([`Core::release_cancel`]) the future is
//! dropped at once, in the same step, as asyncio raises once `acquire()` returns; until
//! then the task sleeps with its cancellation parked, and each wake-up delivers it again.
//! The step path reads only whether the parked list is empty. A holder may also swallow the
//! cancellation it is delivered ([`Core::swallow_cancel`]: an aborting TaskGroup's exit
//! raises the group's failures instead); the delivery poll is then an ordinary one.

use super::{Core, TaskId};

impl Core {
    /// The running task's cancellations are held by a future it awaits until that future
    /// calls [`Core::release_cancel`]. Holds nest (a count per task).
    /// Returns the task, for [`Core::release_cancel`].
    pub(crate) fn hold_cancel(&mut self) -> TaskId {
        let id = self.current();
        self.cancel_holds.push(id);
        id
    }

    /// Ends one hold of task `id` (see [`Core::hold_cancel`]).
    pub(crate) fn release_cancel(&mut self, id: TaskId) {
        if let Some(i) = self.cancel_holds.iter().position(|&t| t == id) {
            self.cancel_holds.swap_remove(i);
        }
    }

    /// Whether the running task's step is the delivery of its cancellation (the future
    /// holding it should start its clean-up, then release it).
    pub(crate) fn delivering_cancel(&self) -> bool {
        self.delivering.is_some() && self.delivering == self.running
    }

    /// Whether a future the running task awaits holds its cancellations (a scope that let
    /// go of its own hold asks whether its body still holds one: a Condition wait or an
    /// inner scope finishing its clean-up).
    pub(crate) fn running_held(&self) -> bool {
        self.running.is_some_and(|id| self.cancel_held(id))
    }

    /// Whether the cancellation of `id`, due now, is held (delivered by a poll).
    #[inline]
    pub(super) fn cancel_held(&self, id: TaskId) -> bool {
        !self.cancel_holds.is_empty() && self.cancel_holds.contains(&id)
    }

    /// After a delivery poll of `id` that returned `Pending`: whether the cancellation is
    /// still held (the task then waits, its cancellation pending: [`Core::park_cancel`]).
    pub(crate) fn end_cancel_poll(&mut self, id: TaskId) -> bool {
        self.delivering = None;
        self.cancel_held(id)
    }

    /// The future holding the running task's cancellation, polled as its delivery, swallowed
    /// it: an aborting TaskGroup's `__aexit__` catches the `CancelledError` and raises the
    /// group's failures instead, and the task goes on (case 715), as after a
    /// `catch_cancelled` scope's catch ([`Core::catch_cancel`]). Nothing when the running
    /// task's step is not the delivery of its cancellation.
    pub(crate) fn swallow_cancel(&mut self) {
        if self.delivering_cancel() {
            let _ = self.catch_cancel();
        }
    }

    /// Puts back the future of `id`, whose held cancellation stays pending: delivered again
    /// at its next wake-up (not queued now: the holder registered its wake). Not flagged
    /// `CANCEL`, which would tell the lock it waits for that the waiter is going (a release
    /// would skip it): parked aside instead.
    pub(super) fn park_cancel(
        &mut self,
        id: TaskId,
        cell: std::pin::Pin<Box<dyn super::ErasedTask>>,
    ) {
        // No wait-for cycle is looked for after a held delivery (its cancellation is
        // pending).
        let _ = self.suspend(id, cell);
        self.parked_cancels.push(id);
    }

    /// A timeout's expiry reached the running task while a future in the timed-out work
    /// holds its cancellations: the timeout polls that work as a delivery (ending with
    /// [`Core::end_cancel_poll`]). False, and nothing done, if nothing holds them.
    pub(crate) fn begin_held_delivery(&mut self) -> bool {
        let Some(id) = self.running else {
            return false;
        };
        if !self.cancel_held(id) {
            return false;
        }
        self.begin_delivery(id);
        true
    }

    /// Whether `id`, whose turn has come, has a held cancellation parked (forgets it).
    #[cold]
    pub(super) fn take_parked_cancel(&mut self, id: TaskId) -> bool {
        let Some(i) = self.parked_cancels.iter().position(|&t| t == id) else {
            return false;
        };
        self.parked_cancels.swap_remove(i);
        true
    }
}

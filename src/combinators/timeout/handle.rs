//! The handle on a running timeout (asyncio's `Timeout` object): reschedule, expired.

use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex};

use super::state::{State, lock};
use crate::runtime::with;
use crate::time::Instant;

/// [`TimeoutHandle::reschedule`] was called after the timeout expired or its future ended;
/// asyncio raises `RuntimeError` there.
///
/// ```
/// let e = simloop::RescheduleError::default();
/// assert_eq!(e.to_string(), "cannot reschedule a timeout that expired or finished");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RescheduleError(());

impl fmt::Display for RescheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot reschedule a timeout that expired or finished")
    }
}

impl Error for RescheduleError {}
/// A handle on a running timeout: move its deadline, or ask whether it expired; asyncio's
/// `Timeout` context manager object.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, sleep, timeout};
///
/// let out = Sim::new().run(async {
///     let t = timeout(Duration::from_secs(1), sleep(Duration::from_secs(2)));
///     let h = t.handle();
///     h.reschedule(None).unwrap(); // no deadline any more
///     let r = t.await;
///     (r.is_ok(), h.expired())
/// });
/// assert_eq!(out.result.unwrap(), (true, false));
/// ```
#[derive(Clone)]
pub struct TimeoutHandle {
    pub(super) shared: Arc<Mutex<State>>,
}
impl TimeoutHandle {
    /// Moves the deadline; asyncio's `Timeout.reschedule(when)`.
    ///
    /// A later or earlier deadline re-arms the timer; a deadline that already passed queues
    /// the expiry at once (asyncio's `call_soon` of its timeout callback); `None` removes the
    /// deadline. Fails once the expiry was delivered (asyncio's "expiring" timeout, even
    /// before the timeout's future saw it) or its future completed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, now, sleep, timeout};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = timeout(Duration::from_secs(10), sleep(Duration::from_secs(5)));
    ///     let h = t.handle();
    ///     h.reschedule(Some(now() + Duration::from_secs(2))).unwrap();
    ///     let r = t.await;
    ///     (r.is_err(), h.expired(), h.reschedule(None).is_err())
    /// });
    /// assert_eq!(out.result.unwrap(), (true, true, true));
    /// assert_eq!(out.elapsed, Duration::from_secs(2));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside the simulation that runs the timeout.
    pub fn reschedule(&self, deadline: Option<Instant>) -> Result<(), RescheduleError> {
        let stale = {
            let mut s = lock(&self.shared);
            if s.expired() || s.finished() || s.delivered() {
                return Err(RescheduleError(()));
            }
            if s.owner().is_none() {
                s.set_rescheduled(deadline);
                return Ok(());
            }
            s.set_deadline(deadline);
            let old = s.take_key();
            with("TimeoutHandle::reschedule", |c| s.arm(c, old))
        };
        drop(stale);
        Ok(())
    }

    /// The current deadline, once the timeout has started (asyncio's `when()`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = simloop::timeout(Duration::from_secs(1), async {});
    /// assert_eq!(t.handle().deadline(), None); // not started yet
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        lock(&self.shared).deadline()
    }

    /// Whether the deadline passed and the inner work was cancelled; asyncio's `expired()`.
    /// True from the expiry's turn in the ready queue (asyncio's timeout callback), before
    /// the timed-out task has run again.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, timeout, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let t = timeout(Duration::ZERO, yield_now());
    ///     let h = t.handle();
    ///     let _ = t.await;
    ///     h.expired()
    /// });
    /// assert!(out.result.unwrap());
    /// ```
    pub fn expired(&self) -> bool {
        let s = lock(&self.shared);
        s.expired() || s.delivered()
    }

    /// Whether the timeout expired and its inner work has not ended yet: asyncio's
    /// `expiring` state, between the expiry and the timeout's exit (a `catch_cancelled`
    /// inside caught the expiry and goes on, or a Condition wait inside re-takes its lock).
    /// [`reschedule`](TimeoutHandle::reschedule) fails then, as once it ended; asyncio's
    /// message names the state (`Cannot change state of expiring Timeout`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, now, sleep, task::catch_cancelled, timeout_scope};
    ///
    /// let out = Sim::new().run(async {
    ///     let scope = timeout_scope(Some(now() + Duration::from_secs(1)), |cm| async move {
    ///         let _ = catch_cancelled(sleep(Duration::from_secs(2))).await;
    ///         cm.expiring()
    ///     });
    ///     let cm = scope.handle();
    ///     let inside = scope.await.unwrap();
    ///     (inside, cm.expiring(), cm.expired())
    /// });
    /// assert_eq!(out.result.unwrap(), (true, false, true));
    /// ```
    pub fn expiring(&self) -> bool {
        let s = lock(&self.shared);
        !s.finished() && (s.expired() || s.delivered())
    }
}

impl fmt::Debug for TimeoutHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = lock(&self.shared);
        f.debug_struct("TimeoutHandle")
            .field("deadline", &s.deadline())
            .field("expired", &s.expired())
            .finish()
    }
}

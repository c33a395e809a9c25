//! A semaphore that refuses to be released more often than it was acquired.

use std::error::Error;
use std::fmt;

use super::semaphore::{Acquire, Semaphore, SemaphorePermit};
use crate::task::TaskId;

/// A [`Semaphore`] whose explicit [`release`](BoundedSemaphore::release) fails when it would
/// raise the count above the initial value: asyncio's `BoundedSemaphore`.
///
/// **Differs from asyncio:** only the explicit `release` is checked; a
/// [`SemaphorePermit`]'s drop cannot fail, and a permit can only exist for an acquired
/// permit.
///
/// # Examples
///
/// ```
/// use simloop::{BoundedSemaphore, Sim};
///
/// Sim::new().run(async {
///     let sem = BoundedSemaphore::new(1);
///     sem.acquire().await.forget();
///     assert!(sem.release().is_ok());
///     let err = sem.release().unwrap_err();
///     assert_eq!(err.to_string(), "BoundedSemaphore released too many times");
/// });
/// ```
#[derive(Debug)]
pub struct BoundedSemaphore {
    sem: Semaphore,
    bound: usize,
}

/// The error of [`BoundedSemaphore::release`] beyond the initial value (asyncio's
/// `ValueError`).
///
/// # Examples
///
/// ```
/// let sem = simloop::BoundedSemaphore::new(2);
/// let err: simloop::sync::ReleasedTooManyTimes = sem.release().unwrap_err();
/// assert_eq!(err.to_string(), "BoundedSemaphore released too many times");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReleasedTooManyTimes;

impl fmt::Display for ReleasedTooManyTimes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoundedSemaphore released too many times")
    }
}

impl Error for ReleasedTooManyTimes {}

impl BoundedSemaphore {
    /// A bounded semaphore with `permits` permits, which is also its bound.
    ///
    /// ```
    /// assert_eq!(simloop::BoundedSemaphore::new(2).value(), 2);
    /// ```
    pub fn new(permits: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            sem: Semaphore::with_kind("BoundedSemaphore", None, permits),
            bound: permits,
        }
    }

    /// A bounded semaphore with a name, shown in deadlock reports.
    ///
    /// ```
    /// let sem = simloop::BoundedSemaphore::named("slots", 2);
    /// assert_eq!(sem.name(), Some("slots"));
    /// ```
    pub fn named(name: &str, permits: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            sem: Semaphore::with_kind("BoundedSemaphore", Some(name), permits),
            bound: permits,
        }
    }

    /// The name given to [`BoundedSemaphore::named`].
    ///
    /// ```
    /// assert_eq!(simloop::BoundedSemaphore::new(1).name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.sem.name()
    }

    /// Waits for a permit, in FIFO order; see [`Semaphore::acquire`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::BoundedSemaphore::new(1);
    ///     let _p = sem.acquire().await;
    ///     assert!(sem.locked());
    /// });
    /// ```
    pub fn acquire(&self) -> Acquire<'_> {
        self.sem.acquire()
    }

    /// Takes a permit without waiting if one is free and nobody waits.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::BoundedSemaphore::new(1);
    ///     assert!(sem.try_acquire().is_some());
    /// });
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.sem.try_acquire()
    }

    /// Gives back one permit, or fails when the count is already at its bound.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::BoundedSemaphore::new(1);
    ///     sem.acquire().await.forget();
    ///     sem.release().unwrap();
    ///     assert!(sem.release().is_err());
    /// });
    /// ```
    pub fn release(&self) -> Result<(), ReleasedTooManyTimes> {
        if self.sem.value() >= self.bound {
            return Err(ReleasedTooManyTimes);
        }
        self.sem.release();
        Ok(())
    }

    /// asyncio's `locked()`; see [`Semaphore::locked`].
    ///
    /// ```
    /// assert!(!simloop::BoundedSemaphore::new(1).locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.sem.locked()
    }

    /// The number of free permits.
    ///
    /// ```
    /// assert_eq!(simloop::BoundedSemaphore::new(3).value(), 3);
    /// ```
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// The tasks holding permits, in acquisition order.
    ///
    /// ```
    /// assert!(simloop::BoundedSemaphore::new(1).holders().is_empty());
    /// ```
    pub fn holders(&self) -> Vec<TaskId> {
        self.sem.holders()
    }
}

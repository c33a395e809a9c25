//! A FIFO mutual-exclusion lock guarding a value.

use std::cell::{Cell, RefCell, RefMut};
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::permits::{AcquirePermit, Permits};
use crate::runtime::try_with;
use crate::task::TaskId;

/// A FIFO lock guarding a `T`: asyncio's `Lock` in the shape of `Mutex<T>`.
///
/// [`lock`](Lock::lock) waits for the lock and returns a [`LockGuard`] that derefs to the value
/// and releases the lock when dropped. [`acquire`](Lock::acquire) and
/// [`release`](Lock::release) are asyncio's explicit form (they guard no data). Waiters get the
/// lock in the order they asked; `release` hands it to the longest waiter, so a newcomer after
/// a release queues behind the woken waiter, as in asyncio. Share it with `Rc<Lock<T>>`; name
/// it with [`Lock::named`] so deadlock reports say which lock a task waits on and who holds it.
///
/// As in asyncio (and unlike its `Semaphore`), a release wakes only the longest waiter: if
/// that waiter's task is being cancelled, the lock stays free until the cancelled task's
/// turn, which wakes the next waiter.
///
/// **Differs from asyncio:** only in shape (a guard carrying the value, errors as values).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::{Lock, Sim, spawn, yield_now};
///
/// let out = Sim::new().run(async {
///     let total = Rc::new(Lock::new(0));
///     let mut hs = Vec::new();
///     for _ in 0..3 {
///         let total = total.clone();
///         hs.push(spawn(async move {
///             let mut g = total.lock().await;
///             let v = *g;
///             yield_now().await; // still holding the lock
///             *g = v + 1;
///         }));
///     }
///     for h in hs {
///         h.await.unwrap();
///     }
///     *total.lock().await
/// });
/// assert_eq!(out.result.unwrap(), 3);
/// ```
pub struct Lock<T = ()> {
    permits: Permits,
    /// Set while a [`LockGuard`] exists, so an explicit `release` cannot free a lock whose
    /// guard still borrows the value.
    guarded: Cell<bool>,
    data: RefCell<T>,
}

/// Holds a [`Lock`] and gives access to its value; dropping it releases the lock.
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let lock = simloop::Lock::new(vec![1]);
///     let mut g: simloop::LockGuard<'_, Vec<i32>> = lock.lock().await;
///     g.push(2);
///     assert_eq!(*g, [1, 2]);
/// });
/// ```
#[must_use = "dropping the guard releases the lock at once"]
pub struct LockGuard<'a, T> {
    lock: &'a Lock<T>,
    data: Option<RefMut<'a, T>>,
    holder: TaskId,
}

/// The future returned by [`Lock::lock`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let lock = simloop::Lock::new(());
///     let fut: simloop::sync::LockFuture<'_, ()> = lock.lock();
///     let _g = fut.await;
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue; a lock already handed to it passes on.
#[must_use = "futures do nothing unless awaited"]
pub struct LockFuture<'a, T> {
    inner: AcquirePermit<'a>,
    lock: &'a Lock<T>,
}

/// The future returned by [`Lock::acquire`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let lock = simloop::Lock::new(());
///     let fut: simloop::sync::LockAcquire<'_> = lock.acquire();
///     fut.await;
///     lock.release().unwrap();
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it gives up the place in the queue; a lock already handed to it passes on.
#[must_use = "futures do nothing unless awaited"]
pub struct LockAcquire<'a> {
    inner: AcquirePermit<'a>,
}

/// Why [`Lock::release`] refused.
///
/// # Examples
///
/// ```
/// let lock = simloop::Lock::new(());
/// assert_eq!(lock.release(), Err(simloop::sync::LockReleaseError::NotAcquired));
/// assert_eq!(lock.release().unwrap_err().to_string(), "Lock is not acquired.");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockReleaseError {
    /// The lock is not held (asyncio's `RuntimeError('Lock is not acquired.')`).
    NotAcquired,
    /// The lock is held through a [`LockGuard`]; drop the guard to release it.
    HeldByGuard,
}

impl fmt::Display for LockReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockReleaseError::NotAcquired => f.write_str("Lock is not acquired."),
            LockReleaseError::HeldByGuard => {
                f.write_str("Lock is held by a LockGuard; drop the guard to release it")
            }
        }
    }
}

impl Error for LockReleaseError {}

impl<T> Lock<T> {
    /// An unlocked lock guarding `value`.
    ///
    /// ```
    /// let lock = simloop::Lock::new(5);
    /// assert!(!lock.locked());
    /// ```
    pub fn new(value: T) -> Lock<T> {
        Lock::with_name(None, value)
    }

    /// An unlocked lock with a name, shown in deadlock reports.
    ///
    /// ```
    /// let lock = simloop::Lock::named("accounts", 0u64);
    /// assert_eq!(lock.name(), Some("accounts"));
    /// ```
    pub fn named(name: &str, value: T) -> Lock<T> {
        Lock::with_name(Some(name), value)
    }

    fn with_name(name: Option<&str>, value: T) -> Lock<T> {
        Lock {
            permits: Permits::lock(name),
            guarded: Cell::new(false),
            data: RefCell::new(value),
        }
    }

    /// The name given to [`Lock::named`].
    ///
    /// ```
    /// assert_eq!(simloop::Lock::new(()).name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.permits.resource().name()
    }

    /// Waits for the lock, FIFO, and returns a guard to the value. Does not yield when the
    /// lock is free and nobody waits.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(1);
    ///     *lock.lock().await += 1;
    ///     assert_eq!(*lock.lock().await, 2);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Polling the future panics outside a simulation.
    pub fn lock(&self) -> LockFuture<'_, T> {
        LockFuture {
            inner: self.permits.acquire(),
            lock: self,
        }
    }

    /// Waits for the lock without taking a guard: asyncio's `await lock.acquire()`. Release
    /// it with [`Lock::release`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(());
    ///     lock.acquire().await;
    ///     assert!(lock.locked());
    ///     lock.release().unwrap();
    ///     assert!(!lock.locked());
    /// });
    /// ```
    pub fn acquire(&self) -> LockAcquire<'_> {
        LockAcquire {
            inner: self.permits.acquire(),
        }
    }

    /// Releases a lock taken with [`Lock::acquire`], handing it to the longest waiter.
    ///
    /// # Errors
    ///
    /// [`LockReleaseError::NotAcquired`] when the lock is not held (asyncio raises
    /// `RuntimeError`), [`LockReleaseError::HeldByGuard`] when a [`LockGuard`] holds it.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(());
    ///     let g = lock.lock().await;
    ///     assert!(lock.release().is_err());
    ///     drop(g);
    ///     assert!(lock.release().is_err());
    /// });
    /// ```
    pub fn release(&self) -> Result<(), LockReleaseError> {
        if !self.permits.held() {
            return Err(LockReleaseError::NotAcquired);
        }
        if self.guarded.get() {
            return Err(LockReleaseError::HeldByGuard);
        }
        let me = try_with(|c| c.running()).flatten();
        self.permits.release(me);
        Ok(())
    }

    /// Whether a task holds the lock (asyncio's `locked()`; a lock handed to a woken waiter
    /// that has not run yet counts as unlocked there, and here).
    ///
    /// ```
    /// assert!(!simloop::Lock::new(()).locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.permits.held()
    }

    /// The task holding the lock, if any.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(());
    ///     let _g = lock.lock().await;
    ///     assert_eq!(lock.holder(), Some(simloop::task::current()));
    /// });
    /// ```
    pub fn holder(&self) -> Option<TaskId> {
        self.permits.holders().first().copied()
    }

    /// A guard over the lock the running task holds through [`Lock::acquire`], so that a
    /// [`Condition`](crate::sync::Condition) sharing it can wait: asyncio's
    /// `await cond.wait()` inside `async with cond:`, which took the lock without a guard.
    /// [`LockGuard::detach`] gives the hold back.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(1);
    ///     lock.acquire().await;
    ///     *lock.adopt().unwrap() += 1; // dropping the guard releases the lock
    ///     assert!(!lock.locked());
    ///     lock.acquire().await;
    ///     lock.adopt().unwrap().detach(); // still held, without a guard
    ///     assert_eq!(lock.release(), Ok(()));
    /// });
    /// ```
    ///
    /// # Errors
    ///
    /// [`LockReleaseError::NotAcquired`] when the running task does not hold the lock (it is
    /// free, another task holds it, or no task runs), [`LockReleaseError::HeldByGuard`]
    /// when a guard holds it already.
    pub fn adopt(&self) -> Result<LockGuard<'_, T>, LockReleaseError> {
        let me = try_with(|c| c.running()).flatten();
        match self.holder() {
            Some(h) if Some(h) == me && self.guarded.get() => Err(LockReleaseError::HeldByGuard),
            Some(h) if Some(h) == me => Ok(self.guard(h)),
            _ => Err(LockReleaseError::NotAcquired),
        }
    }

    /// Consumes the lock and returns the value.
    ///
    /// ```
    /// assert_eq!(simloop::Lock::new(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    fn guard(&self, holder: TaskId) -> LockGuard<'_, T> {
        self.guarded.set(true);
        LockGuard {
            lock: self,
            data: Some(self.data.borrow_mut()),
            holder,
        }
    }
}

impl<'a, T> Future for LockFuture<'a, T> {
    type Output = LockGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a, T>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(me) => Poll::Ready(this.lock.guard(me)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Future for LockAcquire<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.get_mut().inner).poll(cx).map(drop)
    }
}

impl<'a, T> LockGuard<'a, T> {
    /// The lock this guard holds.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(());
    ///     let g = lock.lock().await;
    ///     assert!(std::ptr::eq(g.lock(), &lock));
    /// });
    /// ```
    pub fn lock(&self) -> &'a Lock<T> {
        self.lock
    }

    /// Gives up the guard and keeps the lock held, as [`Lock::acquire`] holds it: release
    /// it with [`Lock::release`]. The inverse of [`Lock::adopt`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let lock = simloop::Lock::new(());
    ///     lock.lock().await.detach();
    ///     assert!(lock.locked());
    ///     assert_eq!(lock.release(), Ok(()));
    ///     assert!(!lock.locked());
    /// });
    /// ```
    pub fn detach(mut self) {
        self.data = None;
        self.lock.guarded.set(false);
        // The hold stays with the task: the guard's drop, which would release it, is skipped.
        std::mem::forget(self);
    }
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.data
            .as_ref()
            .expect("guard holds the value until dropped")
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.data
            .as_mut()
            .expect("guard holds the value until dropped")
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        // Give back the value's borrow before anyone can be handed the lock.
        self.data = None;
        self.lock.guarded.set(false);
        self.lock.permits.release(Some(self.holder));
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("name", &self.name())
            .field("locked", &self.locked())
            .finish_non_exhaustive()
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard")
            .field("holder", &self.holder)
            .field("value", &**self)
            .finish()
    }
}

impl<T> fmt::Debug for LockFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockFuture").finish_non_exhaustive()
    }
}

impl fmt::Debug for LockAcquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockAcquire").finish_non_exhaustive()
    }
}

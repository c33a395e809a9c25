//! A counting semaphore, strictly FIFO, with RAII permits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::permits::{AcquirePermit, Permits};
use crate::runtime::with;
use crate::task::TaskId;

/// A counting semaphore: asyncio's `Semaphore`, strictly FIFO.
///
/// [`acquire`](Semaphore::acquire) waits for a permit and returns a [`SemaphorePermit`] that
/// gives it back when dropped; [`SemaphorePermit::forget`] plus [`Semaphore::release`] is the
/// explicit acquire/release form. There is no barging: `release` hands the permit straight to
/// the longest waiter, so a task that asks right after a release queues behind the waiters
/// (asyncio since bpo-45997 / gh-90155). A waiter cancelled after being handed a permit passes
/// it on, so no permit leaks whatever the interleaving.
///
/// Share a semaphore between tasks with `Rc<Semaphore>`. Give it a name with
/// [`Semaphore::named`] so deadlock reports can say which semaphore a task waits on and which
/// tasks hold its permits.
///
/// **Differs from asyncio:** `release` never fails and the count may grow past the initial
/// value, exactly as in asyncio; use [`BoundedSemaphore`](super::BoundedSemaphore) to catch
/// over-release.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use std::time::Duration;
/// use simloop::{Semaphore, Sim, log, sleep, spawn};
///
/// let out = Sim::new().run(async {
///     let sem = Rc::new(Semaphore::new(2));
///     let mut hs = Vec::new();
///     for i in 0..3 {
///         let sem = sem.clone();
///         hs.push(spawn(async move {
///             let _permit = sem.acquire().await;
///             log!("{i} in");
///             sleep(Duration::from_secs(1)).await;
///         }));
///     }
///     for h in hs {
///         h.await.unwrap();
///     }
/// });
/// assert_eq!(out.trace.logs(), "t=0 0 in\nt=0 1 in\nt=1000 2 in\n");
/// ```
pub struct Semaphore {
    permits: Permits,
}

/// A permit of a [`Semaphore`] or [`BoundedSemaphore`](super::BoundedSemaphore); dropping it
/// gives the permit back (to the longest waiter, if any).
///
/// # Examples
///
/// ```
/// use simloop::{Semaphore, Sim};
///
/// Sim::new().run(async {
///     let sem = Semaphore::new(1);
///     let permit = sem.acquire().await;
///     assert_eq!(sem.value(), 0);
///     drop(permit);
///     assert_eq!(sem.value(), 1);
/// });
/// ```
#[must_use = "dropping a permit releases it at once"]
pub struct SemaphorePermit<'a> {
    permits: &'a Permits,
    holder: TaskId,
}

/// The future returned by [`Semaphore::acquire`].
///
/// # Examples
///
/// ```
/// use simloop::{Semaphore, Sim};
///
/// Sim::new().run(async {
///     let sem = Semaphore::new(1);
///     let fut: simloop::sync::Acquire<'_> = sem.acquire();
///     let _permit = fut.await;
///     assert!(sem.locked());
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it before it completes gives up the place in the queue; if a permit had already
/// been handed to it, the permit passes on to the next waiter.
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire<'a> {
    inner: AcquirePermit<'a>,
    permits: &'a Permits,
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// let sem = simloop::Semaphore::new(3);
    /// assert_eq!(sem.value(), 3);
    /// ```
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits: Permits::new("Semaphore", None, permits),
        }
    }

    /// A semaphore with a name, shown in deadlock reports.
    ///
    /// ```
    /// let sem = simloop::Semaphore::named("db pool", 4);
    /// assert_eq!(sem.name(), Some("db pool"));
    /// ```
    pub fn named(name: &str, permits: usize) -> Semaphore {
        Semaphore {
            permits: Permits::new("Semaphore", Some(name), permits),
        }
    }

    /// The name given to [`Semaphore::named`].
    ///
    /// ```
    /// assert_eq!(simloop::Semaphore::new(1).name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.permits.resource().name()
    }

    /// Waits for a permit, in FIFO order; asyncio's `async with sem` / `await sem.acquire()`.
    ///
    /// Does not yield when a permit is free and nobody waits.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(1);
    ///     let p = sem.acquire().await;
    ///     assert_eq!(sem.value(), 0);
    ///     drop(p);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Polling the future panics outside a simulation.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            inner: self.permits.acquire(),
            permits: &self.permits,
        }
    }

    /// Takes a permit if one is free and nobody waits, without waiting.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(1);
    ///     let p = sem.try_acquire();
    ///     assert!(p.is_some());
    ///     assert!(sem.try_acquire().is_none());
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics outside a simulation.
    #[track_caller]
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        let p = &self.permits;
        with("Semaphore::try_acquire", |c| {
            p.try_acquire(c).then(|| SemaphorePermit {
                permits: p,
                holder: c.current(),
            })
        })
    }

    /// Gives back one permit: the longest waiter gets it, else the count grows (also past
    /// the initial value, as in asyncio). Pairs with [`SemaphorePermit::forget`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(1);
    ///     sem.acquire().await.forget();
    ///     assert!(sem.locked());
    ///     sem.release();
    ///     assert!(!sem.locked());
    /// });
    /// ```
    pub fn release(&self) {
        let me = crate::runtime::try_with(|c| c.running()).flatten();
        self.permits.release(me);
    }

    /// asyncio's `locked()`: true when `acquire` would wait (no free permit, or tasks
    /// already queued ahead).
    ///
    /// ```
    /// let sem = simloop::Semaphore::new(0);
    /// assert!(sem.locked());
    /// ```
    pub fn locked(&self) -> bool {
        self.permits.locked()
    }

    /// The number of free permits (asyncio's `_value`).
    ///
    /// ```
    /// assert_eq!(simloop::Semaphore::new(2).value(), 2);
    /// ```
    pub fn value(&self) -> usize {
        self.permits.value()
    }

    /// The tasks holding permits, in acquisition order (explicit releases remove the
    /// releasing task's entry, or the oldest).
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(2);
    ///     let _p = sem.acquire().await;
    ///     assert_eq!(sem.holders(), [simloop::task::current()]);
    /// });
    /// ```
    pub fn holders(&self) -> Vec<TaskId> {
        self.permits.holders()
    }

    pub(crate) fn with_kind(kind: &'static str, name: Option<&str>, permits: usize) -> Semaphore {
        Semaphore {
            permits: Permits::new(kind, name, permits),
        }
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphorePermit<'a>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll(cx) {
            Poll::Ready(holder) => Poll::Ready(SemaphorePermit {
                permits: this.permits,
                holder,
            }),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl SemaphorePermit<'_> {
    /// Keeps the permit taken without giving it back; release it later with
    /// [`Semaphore::release`] (asyncio's explicit `acquire()` / `release()` form).
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(1);
    ///     sem.acquire().await.forget();
    ///     assert_eq!(sem.value(), 0);
    /// });
    /// ```
    pub fn forget(self) {
        std::mem::forget(self);
    }

    /// The task that acquired the permit.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let sem = simloop::Semaphore::new(1);
    ///     let p = sem.acquire().await;
    ///     assert_eq!(p.holder(), simloop::task::current());
    /// });
    /// ```
    pub fn holder(&self) -> TaskId {
        self.holder
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.permits.release(Some(self.holder));
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("name", &self.name())
            .field("value", &self.value())
            .finish()
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("holder", &self.holder)
            .finish()
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").finish_non_exhaustive()
    }
}

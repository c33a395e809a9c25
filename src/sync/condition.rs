//! A condition variable bound to a lock.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::lock::{Lock, LockFuture, LockGuard};
use super::resource::Resource;
use super::waiters::{Status, Ticket, Waiters, with_core};
use crate::runtime::{try_with, with};
use crate::task::TaskId;

/// A condition variable bound to a [`Lock`], its own or one it shares
/// ([`with_lock`](Condition::with_lock)): asyncio's `Condition`.
///
/// Take the lock with [`lock`](Condition::lock); [`wait`](Condition::wait) releases it, waits
/// for a notification and takes it again (in FIFO order behind other lock waiters);
/// [`notify`](Condition::notify) wakes the `n` longest waiters. Notifying without the lock
/// held is an error, as in asyncio.
///
/// As in asyncio, a task cancelled inside `wait` re-acquires the lock (in turn, behind the
/// lock's waiters) before its cancellation ends it: its `Drop` guards run once the lock came
/// to it, and the lock passes on as the guard drops. A waiter cancelled after being
/// notified passes the notification on to the next waiter once it holds the lock (asyncio
/// 3.13 does the same, as a "spurious wakeup"; 3.12 loses it).
///
/// A timeout's expiry around the wait is delivered the same way.
///
/// **Differs from asyncio:** `wait` consumes the guard and gives it back (Rust's
/// `Condvar` shape), so after a cancellation or a timeout's expiry the re-acquired lock is
/// released as the wait drops. Any other drop of the `wait` future ends it at once,
/// without re-acquiring the lock.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::sync::Condition;
/// use simloop::{Sim, spawn};
///
/// let out = Sim::new().run(async {
///     let cond = Rc::new(Condition::new(0));
///     let c = cond.clone();
///     let waiter = spawn(async move {
///         let g = c.lock().await;
///         let g = c.wait_for(g, |v| *v >= 2).await;
///         *g
///     });
///     for _ in 0..2 {
///         let mut g = cond.lock().await;
///         *g += 1;
///         cond.notify_all().unwrap();
///         drop(g);
///         simloop::yield_now().await;
///     }
///     waiter.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), 2);
/// ```
pub struct Condition<T = ()> {
    /// Shared when built by [`Condition::with_lock`]; its own otherwise.
    lock: Rc<Lock<T>>,
    waiters: RefCell<Waiters>,
    resource: Resource,
}

/// [`Condition::notify`] was called without the lock held (asyncio's
/// `RuntimeError('cannot notify on un-acquired lock')`).
///
/// # Examples
///
/// ```
/// let cond = simloop::sync::Condition::new(());
/// let err: simloop::sync::NotifyUnlocked = cond.notify(1).unwrap_err();
/// assert_eq!(err.to_string(), "cannot notify on un-acquired lock");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotifyUnlocked;

impl fmt::Display for NotifyUnlocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot notify on un-acquired lock")
    }
}

impl Error for NotifyUnlocked {}

/// The future returned by [`Condition::wait`]; resolves to the re-acquired guard.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::{Sim, spawn, sync::Condition};
///
/// Sim::new().run(async {
///     let cond = Rc::new(Condition::new(()));
///     let c = cond.clone();
///     let h = spawn(async move {
///         let g = c.lock().await;
///         let w: simloop::sync::ConditionWait<'_, ()> = c.wait(g);
///         drop(w.await);
///     });
///     simloop::yield_now().await;
///     let _g = cond.lock().await;
///     cond.notify(1).unwrap();
///     drop(_g);
///     h.await.unwrap();
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it leaves the condition's waiters; the lock is not re-acquired. A cancellation
/// of its task is not a drop: the lock is re-acquired first (see [`Condition`]).
#[must_use = "futures do nothing unless awaited"]
pub struct ConditionWait<'a, T> {
    cond: &'a Condition<T>,
    state: WaitState<'a, T>,
    /// The task whose cancellations it holds (`runtime/cancel_hold.rs`), and the run: from
    /// its first suspension until it holds the lock again.
    held: Option<(TaskId, u64)>,
    /// The task's `cancelling()` count at the last cancellation delivered to the wait: a
    /// higher count at a later delivery is a new cancellation, not the held one again.
    seen_cancels: u32,
}

enum WaitState<'a, T> {
    Start(LockGuard<'a, T>),
    Waiting(Ticket),
    Relock(LockFuture<'a, T>),
    /// The task's cancellation arrived: re-acquiring the lock before it ends the task;
    /// whether the wait had been notified (to pass the notification on).
    CancelRelock(LockFuture<'a, T>, bool),
    /// Holding the lock again with the cancellation let go: the task's future is dropped in
    /// this step, the guard with it (asyncio's `except` block runs holding the lock).
    Cancelled(#[allow(dead_code)] LockGuard<'a, T>),
    Done,
}

/// The future returned by [`Condition::wait_for`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let cond = simloop::sync::Condition::new(5);
///     let g = cond.lock().await;
///     let w: simloop::sync::ConditionWaitFor<'_, i32, _> = cond.wait_for(g, |v| *v == 5);
///     assert_eq!(*w.await, 5); // already true: no wait
/// });
/// ```
///
/// # Cancel safety
///
/// As [`ConditionWait`].
#[must_use = "futures do nothing unless awaited"]
pub struct ConditionWaitFor<'a, T, P> {
    cond: &'a Condition<T>,
    guard: Option<LockGuard<'a, T>>,
    wait: Option<ConditionWait<'a, T>>,
    predicate: P,
}

impl<T> Condition<T> {
    /// A condition whose lock guards `value`.
    ///
    /// ```
    /// let cond = simloop::sync::Condition::new(0);
    /// assert!(!cond.locked());
    /// ```
    pub fn new(value: T) -> Condition<T> {
        Condition::labelled("Condition", None, value)
    }

    /// A named condition; its lock carries the same name in deadlock reports.
    ///
    /// ```
    /// let cond = simloop::sync::Condition::named("work", ());
    /// assert_eq!(cond.name(), Some("work"));
    /// ```
    pub fn named(name: &str, value: T) -> Condition<T> {
        Condition::labelled("Condition", Some(name), value)
    }

    /// A condition over a lock it shares, with other conditions (a bounded buffer's
    /// `not_full` and `not_empty` over one lock) or with tasks that take the lock itself;
    /// asyncio's `Condition(lock)`. A guard of that lock, however it was taken, is what
    /// [`wait`](Condition::wait) expects, and [`locked`](Condition::locked) reads the lock.
    /// The condition takes the lock's name.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use simloop::sync::{Condition, Lock};
    /// use simloop::{Sim, spawn, yield_now};
    ///
    /// let out = Sim::new().run(async {
    ///     let lock = Rc::new(Lock::new(0));
    ///     let not_empty = Rc::new(Condition::with_lock(lock.clone()));
    ///     let c = not_empty.clone();
    ///     let consumer = spawn(async move {
    ///         let g = c.lock().await;
    ///         *c.wait_for(g, |n| *n > 0).await
    ///     });
    ///     yield_now().await;
    ///     let mut g = lock.lock().await; // the lock itself, not the condition
    ///     *g += 1;
    ///     assert!(not_empty.locked());
    ///     not_empty.notify(1).unwrap();
    ///     drop(g);
    ///     consumer.await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap(), 1);
    /// ```
    pub fn with_lock(lock: Rc<Lock<T>>) -> Condition<T> {
        let resource = Resource::new("Condition", lock.name());
        Condition {
            lock,
            waiters: RefCell::new(Waiters::new()),
            resource,
        }
    }

    /// A condition that deadlock reports call a `kind` (a Barrier is built on one).
    pub(crate) fn labelled(kind: &'static str, name: Option<&str>, value: T) -> Condition<T> {
        Condition {
            lock: Rc::new(match name {
                Some(n) => Lock::named(n, value),
                None => Lock::new(value),
            }),
            waiters: RefCell::new(Waiters::new()),
            resource: Resource::new(kind, name),
        }
    }

    /// The name given to [`Condition::named`].
    ///
    /// ```
    /// assert_eq!(simloop::sync::Condition::new(()).name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.resource.name()
    }

    /// Waits for the condition's lock; see [`Lock::lock`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let cond = simloop::sync::Condition::new(1);
    ///     assert_eq!(*cond.lock().await, 1);
    /// });
    /// ```
    pub fn lock(&self) -> LockFuture<'_, T> {
        self.lock.lock()
    }

    /// Whether the condition's lock is held.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let cond = simloop::sync::Condition::new(());
    ///     let _g = cond.lock().await;
    ///     assert!(cond.locked());
    /// });
    /// ```
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Releases the lock held by `guard`, waits for a notification, then re-acquires the
    /// lock and returns the new guard.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use simloop::{Sim, spawn, sync::Condition};
    ///
    /// let out = Sim::new().run(async {
    ///     let cond = Rc::new(Condition::new(false));
    ///     let c = cond.clone();
    ///     let h = spawn(async move {
    ///         let mut g = c.lock().await;
    ///         while !*g {
    ///             g = c.wait(g).await;
    ///         }
    ///     });
    ///     simloop::yield_now().await;
    ///     *cond.lock().await = true;
    ///     { let _g = cond.lock().await; cond.notify_all().unwrap(); }
    ///     h.await.unwrap();
    /// });
    /// out.unwrap();
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `guard` belongs to another lock.
    #[track_caller]
    pub fn wait<'a>(&'a self, guard: LockGuard<'a, T>) -> ConditionWait<'a, T> {
        assert!(
            std::ptr::eq(guard.lock(), &*self.lock),
            "simloop: Condition::wait was given a guard of another lock"
        );
        ConditionWait {
            cond: self,
            state: WaitState::Start(guard),
            held: None,
            seen_cancels: 0,
        }
    }

    /// Waits until `predicate` holds for the guarded value, checking it first and after each
    /// notification; returns the guard. Does not wait when the predicate already holds.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let cond = simloop::sync::Condition::new(3);
    ///     let g = cond.lock().await;
    ///     let g = cond.wait_for(g, |v| *v > 2).await;
    ///     assert_eq!(*g, 3);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Panics if `guard` belongs to another lock.
    #[track_caller]
    pub fn wait_for<'a, P: FnMut(&T) -> bool>(
        &'a self,
        guard: LockGuard<'a, T>,
        predicate: P,
    ) -> ConditionWaitFor<'a, T, P> {
        assert!(
            std::ptr::eq(guard.lock(), &*self.lock),
            "simloop: Condition::wait_for was given a guard of another lock"
        );
        ConditionWaitFor {
            cond: self,
            guard: Some(guard),
            wait: None,
            predicate,
        }
    }

    /// Wakes the `n` longest waiters (each then re-acquires the lock in turn); returns how
    /// many were woken.
    ///
    /// # Errors
    ///
    /// [`NotifyUnlocked`] when the lock is not held.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let cond = simloop::sync::Condition::new(());
    ///     assert!(cond.notify(1).is_err());
    ///     let _g = cond.lock().await;
    ///     assert_eq!(cond.notify(1), Ok(0));
    /// });
    /// ```
    pub fn notify(&self, n: usize) -> Result<usize, NotifyUnlocked> {
        if !self.lock.locked() {
            return Err(NotifyUnlocked);
        }
        Ok(self.notify_unchecked(n))
    }

    /// Wakes every waiter; returns how many were woken.
    ///
    /// # Errors
    ///
    /// [`NotifyUnlocked`] when the lock is not held.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let cond = simloop::sync::Condition::new(());
    ///     let _g = cond.lock().await;
    ///     assert_eq!(cond.notify_all(), Ok(0));
    /// });
    /// ```
    pub fn notify_all(&self) -> Result<usize, NotifyUnlocked> {
        self.notify(usize::MAX)
    }

    pub(crate) fn notify_unchecked(&self, n: usize) -> usize {
        with_core(|core| match core {
            Some(core) => self.waiters.borrow_mut().notify(core, n),
            None => 0,
        })
    }
}

impl<'a, T> Future for ConditionWait<'a, T> {
    type Output = LockGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a, T>> {
        let this = self.get_mut();
        let cond = this.cond;
        if this.held.is_some() && with("Condition::wait", |core| core.delivering_cancel()) {
            this.begin_cancel();
        }
        loop {
            match std::mem::replace(&mut this.state, WaitState::Done) {
                WaitState::Start(guard) => {
                    drop(guard);
                    let (t, held) = with("Condition::wait", |core| {
                        let t = cond.waiters.borrow_mut().push(core, cx.waker());
                        cond.resource.wait_on(core);
                        (t, (core.hold_cancel(), core.run_id()))
                    });
                    this.held = Some(held);
                    this.state = WaitState::Waiting(t);
                    return Poll::Pending;
                }
                WaitState::Waiting(t) => {
                    let waiting = with("Condition::wait", |core| {
                        let status = cond.waiters.borrow_mut().poll(core, t, cx.waker());
                        if status == Status::Waiting {
                            cond.resource.wait_on(core);
                        }
                        status == Status::Waiting
                    });
                    if waiting {
                        this.state = WaitState::Waiting(t);
                        return Poll::Pending;
                    }
                    cond.waiters.borrow_mut().remove(t);
                    this.state = WaitState::Relock(cond.lock.lock());
                }
                WaitState::Relock(mut fut) => match Pin::new(&mut fut).poll(cx) {
                    Poll::Ready(g) => {
                        this.let_go();
                        return Poll::Ready(g);
                    }
                    Poll::Pending => {
                        this.state = WaitState::Relock(fut);
                        return Poll::Pending;
                    }
                },
                WaitState::CancelRelock(mut fut, notified) => match Pin::new(&mut fut).poll(cx) {
                    Poll::Ready(g) => {
                        // A notification this waiter had passes on once it holds the lock
                        // (asyncio 3.13 notifies one waiter whenever `wait` raises, 3.12
                        // never: a waiter not notified wakes nobody here, as in 3.12).
                        if notified {
                            cond.notify_unchecked(1);
                        }
                        this.state = WaitState::Cancelled(g);
                        this.let_go();
                        return Poll::Pending;
                    }
                    Poll::Pending => {
                        this.state = WaitState::CancelRelock(fut, notified);
                        return Poll::Pending;
                    }
                },
                WaitState::Cancelled(g) => {
                    this.state = WaitState::Cancelled(g);
                    return Poll::Pending;
                }
                WaitState::Done => panic!("simloop: Condition::wait polled after it completed"),
            }
        }
    }
}

impl<T> ConditionWait<'_, T> {
    /// The task's cancellation is being delivered (asyncio raises `CancelledError` into
    /// `await fut` or into the re-acquiring `acquire()`): leave the waiters and queue for
    /// the lock afresh, behind its waiters (asyncio's cancelled `acquire()` leaves the
    /// lock's queue and the loop in `wait` calls `acquire()` again).
    ///
    /// A new cancellation while it re-acquires (a second `cancel()`) interrupts that
    /// `acquire()` too: asyncio's `wait` catches it and loops, so the waiter leaves the
    /// lock's line (a lock handed to it passes on) and queues again at the back; the task
    /// ends with the last cancellation's message (3.13; 3.11 and 3.12 raise a bare
    /// `CancelledError`).
    fn begin_cancel(&mut self) {
        let cond = self.cond;
        let seen = with("Condition::wait", |core| {
            core.cancel_requests(core.current())
        });
        let new = seen > self.seen_cancels;
        self.seen_cancels = seen;
        match std::mem::replace(&mut self.state, WaitState::Done) {
            WaitState::Waiting(t) => {
                let notified = cond.waiters.borrow_mut().remove(t) == Status::Notified;
                self.state = WaitState::CancelRelock(cond.lock.lock(), notified);
            }
            WaitState::Relock(fut) => {
                drop(fut);
                self.state = WaitState::CancelRelock(cond.lock.lock(), true);
            }
            WaitState::CancelRelock(fut, notified) if new => {
                drop(fut);
                self.state = WaitState::CancelRelock(cond.lock.lock(), notified);
            }
            other => self.state = other,
        }
    }

    /// Stops holding the task's cancellations.
    fn let_go(&mut self) {
        if let Some((task, run)) = self.held.take() {
            let _ = try_with(|core| {
                if core.run_id() == run {
                    core.release_cancel(task);
                }
            });
        }
    }
}

impl<T> Drop for ConditionWait<'_, T> {
    fn drop(&mut self) {
        // Dropped by its task's end or a timeout's expiry: the hold goes with it.
        self.let_go();
        if let WaitState::Waiting(t) = self.state {
            let was = self.cond.waiters.borrow_mut().remove(t);
            if was == Status::Notified {
                self.cond.notify_unchecked(1);
            }
        }
    }
}

impl<'a, T, P: FnMut(&T) -> bool + Unpin> Future for ConditionWaitFor<'a, T, P> {
    type Output = LockGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a, T>> {
        let this = self.get_mut();
        loop {
            if let Some(w) = this.wait.as_mut() {
                match Pin::new(w).poll(cx) {
                    Poll::Ready(g) => {
                        this.wait = None;
                        this.guard = Some(g);
                    }
                    Poll::Pending => return Poll::Pending,
                }
            }
            let guard = this
                .guard
                .take()
                .expect("simloop: Condition::wait_for polled after it completed");
            if (this.predicate)(&guard) {
                return Poll::Ready(guard);
            }
            this.wait = Some(this.cond.wait(guard));
        }
    }
}

impl<T> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("name", &self.name())
            .field("locked", &self.locked())
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for ConditionWait<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionWait").finish_non_exhaustive()
    }
}

impl<T, P> fmt::Debug for ConditionWaitFor<'_, T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConditionWaitFor").finish_non_exhaustive()
    }
}

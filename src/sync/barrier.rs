//! A barrier that releases a fixed number of parties together.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::condition::Condition;

/// A barrier for `parties` tasks: asyncio's `Barrier` (3.11), ported step by step on a
/// [`Condition`].
///
/// [`wait`](Barrier::wait) blocks until `parties` tasks are waiting, then releases them all;
/// each gets its arrival index (0 for the first). The last arrival passes first, the others
/// follow in arrival order as they re-take the condition's lock. While the barrier drains,
/// newcomers wait for the next round. [`abort`](Barrier::abort) breaks it: current and later
/// waiters get [`BrokenBarrierError`]; [`reset`](Barrier::reset) breaks the current round and
/// makes the barrier usable again once it has emptied.
///
/// A cancelled `wait` re-takes the condition's lock before it leaves, as asyncio's does
/// ([`Condition`]); its arrival is withdrawn in `Drop`.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::sync::Barrier;
/// use simloop::{Sim, log, spawn};
///
/// let out = Sim::new().run(async {
///     let b = Rc::new(Barrier::new(3));
///     let mut hs = Vec::new();
///     for name in ["a", "b", "c"] {
///         let b = b.clone();
///         hs.push(spawn(async move {
///             let i = b.wait().await.unwrap();
///             log!("{name} passed as {i}");
///         }));
///     }
///     for h in hs {
///         h.await.unwrap();
///     }
/// });
/// assert_eq!(out.trace.logs(), "t=0 c passed as 2\nt=0 a passed as 0\nt=0 b passed as 1\n");
/// ```
pub struct Barrier {
    cond: Condition<()>,
    /// Kept outside the condition's lock so a cancelled waiter can withdraw in `Drop`
    /// without the lock (no await happens while it is borrowed).
    state: RefCell<State>,
    parties: usize,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Tasks inside `wait` past the entry block (asyncio's `_count`).
    count: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Filling,
    Draining,
    Resetting,
    Broken,
}

/// The barrier was aborted or reset while a task waited on it (asyncio's
/// `BrokenBarrierError`).
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let b = simloop::sync::Barrier::new(2);
///     b.abort().await;
///     let err: simloop::sync::BrokenBarrierError = b.wait().await.unwrap_err();
///     assert_eq!(err.to_string(), "barrier is broken (aborted or reset)");
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("barrier is broken (aborted or reset)")
    }
}

impl Error for BrokenBarrierError {}

/// The future returned by [`Barrier::wait`]: the arrival index, or the barrier broke.
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let b = simloop::sync::Barrier::new(1);
///     let w: simloop::sync::BarrierWait<'_> = b.wait();
///     assert_eq!(w.await, Ok(0));
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it withdraws the arrival; when it was the last one inside, a draining or
/// resetting barrier refills and the other waiters are notified.
#[must_use = "futures do nothing unless awaited"]
pub struct BarrierWait<'a> {
    inner: Pin<Box<dyn Future<Output = Result<usize, BrokenBarrierError>> + 'a>>,
}

/// The future returned by [`Barrier::abort`] and [`Barrier::reset`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let b = simloop::sync::Barrier::new(2);
///     let op: simloop::sync::BarrierControl<'_> = b.abort();
///     op.await;
///     assert!(b.broken());
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct BarrierControl<'a> {
    inner: Pin<Box<dyn Future<Output = ()> + 'a>>,
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// ```
    /// assert_eq!(simloop::sync::Barrier::new(3).parties(), 3);
    /// ```
    ///
    /// # Panics
    ///
    /// Panics when `parties` is zero (asyncio raises `ValueError`).
    #[track_caller]
    pub fn new(parties: usize) -> Barrier {
        Barrier::build(None, parties)
    }

    /// A barrier for `parties` tasks with a name, shown in deadlock reports
    /// (`#2 waits on Barrier 'gate'`).
    ///
    /// ```
    /// assert_eq!(simloop::sync::Barrier::named("gate", 2).name(), Some("gate"));
    /// ```
    ///
    /// # Panics
    ///
    /// Panics when `parties` is zero (asyncio raises `ValueError`).
    #[track_caller]
    pub fn named(name: &str, parties: usize) -> Barrier {
        Barrier::build(Some(name), parties)
    }

    #[track_caller]
    fn build(name: Option<&str>, parties: usize) -> Barrier {
        assert!(parties > 0, "simloop: a Barrier needs at least one party");
        Barrier {
            cond: Condition::labelled("Barrier", name, ()),
            state: RefCell::new(State {
                phase: Phase::Filling,
                count: 0,
            }),
            parties,
        }
    }

    /// The name given to [`Barrier::named`].
    ///
    /// ```
    /// assert_eq!(simloop::sync::Barrier::new(2).name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.cond.name()
    }

    /// The number of tasks needed to pass.
    ///
    /// ```
    /// assert_eq!(simloop::sync::Barrier::new(2).parties(), 2);
    /// ```
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The number of tasks waiting in the current round (asyncio's `n_waiting`).
    ///
    /// ```
    /// assert_eq!(simloop::sync::Barrier::new(2).n_waiting(), 0);
    /// ```
    pub fn n_waiting(&self) -> usize {
        let st = self.state.borrow();
        if st.phase == Phase::Filling {
            st.count
        } else {
            0
        }
    }

    /// Whether the barrier is broken (aborted).
    ///
    /// ```
    /// assert!(!simloop::sync::Barrier::new(2).broken());
    /// ```
    pub fn broken(&self) -> bool {
        self.state.borrow().phase == Phase::Broken
    }

    /// Waits until `parties` tasks wait, then returns this task's arrival index.
    ///
    /// # Errors
    ///
    /// [`BrokenBarrierError`] when the barrier is or becomes broken (aborted, or reset while
    /// this task waited).
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let b = simloop::sync::Barrier::new(1);
    ///     assert_eq!(b.wait().await, Ok(0));
    /// });
    /// ```
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            inner: Box::pin(self.wait_inner()),
        }
    }

    /// Breaks the barrier: current and later waiters fail with [`BrokenBarrierError`].
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let b = simloop::sync::Barrier::new(2);
    ///     b.abort().await;
    ///     assert!(b.broken());
    /// });
    /// ```
    pub fn abort(&self) -> BarrierControl<'_> {
        BarrierControl {
            inner: Box::pin(async move {
                let _g = self.cond.lock().await;
                self.state.borrow_mut().phase = Phase::Broken;
                self.cond.notify_unchecked(usize::MAX);
            }),
        }
    }

    /// Resets the barrier: tasks waiting now fail with [`BrokenBarrierError`], and the
    /// barrier takes new arrivals once they have left (also after an abort).
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let b = simloop::sync::Barrier::new(2);
    ///     b.abort().await;
    ///     b.reset().await;
    ///     assert!(!b.broken());
    /// });
    /// ```
    pub fn reset(&self) -> BarrierControl<'_> {
        BarrierControl {
            inner: Box::pin(async move {
                let _g = self.cond.lock().await;
                let mut st = self.state.borrow_mut();
                if st.count > 0 {
                    st.phase = Phase::Resetting;
                } else {
                    st.phase = Phase::Filling;
                }
                drop(st);
                self.cond.notify_unchecked(usize::MAX);
            }),
        }
    }

    fn phase(&self) -> Phase {
        self.state.borrow().phase
    }

    async fn wait_inner(&self) -> Result<usize, BrokenBarrierError> {
        let g = self.cond.lock().await;
        // Block while the barrier drains or resets.
        let g = self
            .cond
            .wait_for(g, |_| {
                !matches!(self.phase(), Phase::Draining | Phase::Resetting)
            })
            .await;
        if self.phase() == Phase::Broken {
            return Err(BrokenBarrierError);
        }
        let index = {
            let mut st = self.state.borrow_mut();
            st.count += 1;
            st.count - 1
        };
        let arrival = Arrival { barrier: self };
        let (result, g) = if index + 1 == self.parties {
            // The last arrival releases the others and passes first.
            self.state.borrow_mut().phase = Phase::Draining;
            self.cond.notify_unchecked(usize::MAX);
            (Ok(index), g)
        } else {
            let g = self
                .cond
                .wait_for(g, |_| self.phase() != Phase::Filling)
                .await;
            if matches!(self.phase(), Phase::Broken | Phase::Resetting) {
                (Err(BrokenBarrierError), g)
            } else {
                (Ok(index), g)
            }
        };
        // asyncio's `finally: _exit()` runs with the lock still held.
        drop(arrival);
        drop(g);
        result
    }
}

/// An arrival inside `wait`; leaving (normally or by cancellation) runs asyncio's `_exit`.
struct Arrival<'a> {
    barrier: &'a Barrier,
}

impl Drop for Arrival<'_> {
    fn drop(&mut self) {
        let b = self.barrier;
        let mut st = b.state.borrow_mut();
        st.count -= 1;
        if st.count == 0 {
            if matches!(st.phase, Phase::Resetting | Phase::Draining) {
                st.phase = Phase::Filling;
            }
            drop(st);
            b.cond.notify_unchecked(usize::MAX);
        }
    }
}

impl Future for BarrierWait<'_> {
    type Output = Result<usize, BrokenBarrierError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().inner.as_mut().poll(cx)
    }
}

impl Future for BarrierControl<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().inner.as_mut().poll(cx)
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("state", &*self.state.borrow())
            .finish()
    }
}

impl fmt::Debug for BarrierWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait").finish_non_exhaustive()
    }
}

impl fmt::Debug for BarrierControl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierControl").finish_non_exhaustive()
    }
}

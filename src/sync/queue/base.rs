//! The queue: state, non-blocking operations, task accounting and shutdown.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use super::error::{TaskDoneError, TryGetError, TryPutError};
use super::store::{Fifo, Store};
use super::wait::{Get, Join, Put};
use crate::runtime::Core;
use crate::sync::resource::Resource;
use crate::sync::waiters::{Waiters, with_core};

/// An asyncio `Queue`: FIFO by default, optionally bounded, with task accounting.
///
/// [`get`](Queue::get) waits for an item (getters are served in the order they began
/// waiting); with a `maxsize`, [`put`](Queue::put) waits for room and blocked producers are
/// admitted in the order they blocked. A wake-up is a hint, not a hand-off: the woken task
/// re-checks the queue when it runs, and a task that runs first may take the item (or the
/// room), sending the woken one to the back of the line, exactly as in asyncio.
/// [`task_done`](Queue::task_done) and [`join`](Queue::join) track processed items;
/// [`shutdown`](Queue::shutdown) is asyncio 3.13's. [`LifoQueue`](super::LifoQueue) and
/// [`PriorityQueue`](super::PriorityQueue) change the order items come out in.
///
/// Share a queue with `Rc<Queue<T>>`.
///
/// **Differs from asyncio:** errors are values ([`TryPutError`], [`TryGetError`],
/// [`QueueShutDown`](super::QueueShutDown), [`TaskDoneError`]) instead of exceptions; `put`
/// gives the item back when the queue is shut down.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::sync::Queue;
/// use simloop::{Sim, log, spawn};
///
/// let out = Sim::new().run(async {
///     let q = Rc::new(Queue::with_maxsize(1));
///     let q2 = q.clone();
///     let consumer = spawn(async move {
///         while let Ok(item) = q2.get().await {
///             log!("got {item}");
///             q2.task_done().unwrap();
///         }
///     });
///     for i in 0..3 {
///         q.put(i).await.unwrap();
///     }
///     q.join().await;
///     q.shutdown(false);
///     consumer.await.unwrap();
/// });
/// assert_eq!(out.trace.logs(), "t=0 got 0\nt=0 got 1\nt=0 got 2\n");
/// ```
pub struct Queue<T, S = Fifo<T>> {
    pub(super) state: RefCell<State<S>>,
    pub(super) maxsize: usize,
    pub(super) resource: Resource,
    _item: PhantomData<fn(T) -> T>,
}

pub(super) struct State<S> {
    pub(super) items: S,
    /// Items put and not yet marked done (asyncio's `_unfinished_tasks`).
    pub(super) unfinished: usize,
    pub(super) shutdown: bool,
    pub(super) getters: Waiters,
    pub(super) putters: Waiters,
    pub(super) joiners: Waiters,
}

impl<T> Queue<T> {
    /// An unbounded FIFO queue.
    ///
    /// ```
    /// let q: simloop::sync::Queue<i32> = simloop::sync::Queue::new();
    /// assert_eq!(q.maxsize(), 0);
    /// ```
    pub fn new() -> Queue<T> {
        Queue::build(None, 0)
    }

    /// A FIFO queue holding at most `maxsize` items (0 means unbounded, as in asyncio).
    ///
    /// ```
    /// let q = simloop::sync::Queue::with_maxsize(2);
    /// q.put_nowait(1).unwrap();
    /// q.put_nowait(2).unwrap();
    /// assert!(q.full());
    /// ```
    pub fn with_maxsize(maxsize: usize) -> Queue<T> {
        Queue::build(None, maxsize)
    }

    /// A named FIFO queue (the name shows in deadlock reports).
    ///
    /// ```
    /// let q: simloop::sync::Queue<u8> = simloop::sync::Queue::named("jobs", 0);
    /// assert_eq!(q.name(), Some("jobs"));
    /// ```
    pub fn named(name: &str, maxsize: usize) -> Queue<T> {
        Queue::build(Some(name), maxsize)
    }
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue::new()
    }
}

impl<T, S: Store<Item = T>> Queue<T, S> {
    pub(crate) fn build(name: Option<&str>, maxsize: usize) -> Queue<T, S> {
        Queue {
            state: RefCell::new(State {
                items: S::default(),
                unfinished: 0,
                shutdown: false,
                getters: Waiters::new(),
                putters: Waiters::new(),
                joiners: Waiters::new(),
            }),
            maxsize,
            resource: Resource::new("Queue", name),
            _item: PhantomData,
        }
    }

    /// The name given at construction.
    ///
    /// ```
    /// assert_eq!(simloop::sync::Queue::<u8>::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.resource.name()
    }

    /// The maximum number of items (0: unbounded).
    ///
    /// ```
    /// assert_eq!(simloop::sync::Queue::<u8>::with_maxsize(3).maxsize(), 3);
    /// ```
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// The number of items in the queue.
    ///
    /// ```
    /// let q = simloop::sync::Queue::new();
    /// q.put_nowait("a").unwrap();
    /// assert_eq!(q.qsize(), 1);
    /// ```
    pub fn qsize(&self) -> usize {
        self.state.borrow().items.len()
    }

    /// Whether the queue has no items.
    ///
    /// ```
    /// assert!(simloop::sync::Queue::<u8>::new().empty());
    /// ```
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue holds `maxsize` items (never, when unbounded).
    ///
    /// ```
    /// assert!(!simloop::sync::Queue::<u8>::new().full());
    /// ```
    pub fn full(&self) -> bool {
        self.is_full(&self.state.borrow())
    }

    /// Whether [`Queue::shutdown`] was called.
    ///
    /// ```
    /// let q = simloop::sync::Queue::<u8>::new();
    /// q.shutdown(false);
    /// assert!(q.is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.state.borrow().shutdown
    }

    /// The number of items put and not yet marked done with [`Queue::task_done`].
    ///
    /// ```
    /// let q = simloop::sync::Queue::new();
    /// q.put_nowait(1).unwrap();
    /// assert_eq!(q.unfinished_tasks(), 1);
    /// ```
    pub fn unfinished_tasks(&self) -> usize {
        self.state.borrow().unfinished
    }

    /// Puts an item, waiting for room while the queue is full.
    ///
    /// Does not yield when there is room. Waiting producers are admitted in the order they
    /// blocked.
    ///
    /// # Errors
    ///
    /// [`QueueShutDown`](super::QueueShutDown) with the item when the queue is (or gets)
    /// shut down.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let q = simloop::sync::Queue::new();
    ///     q.put(1).await.unwrap();
    ///     assert_eq!(q.qsize(), 1);
    /// });
    /// ```
    pub fn put(&self, item: T) -> Put<'_, T, S> {
        Put::new(self, item)
    }

    /// Takes the next item, waiting while the queue is empty. Does not yield when an item is
    /// there.
    ///
    /// # Errors
    ///
    /// [`QueueShutDown`](super::QueueShutDown) when the queue is shut down and empty.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let q = simloop::sync::Queue::new();
    ///     q.put_nowait(5).unwrap();
    ///     assert_eq!(q.get().await, Ok(5));
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, T, S> {
        Get::new(self)
    }

    /// Waits until every item put has been marked done; returns at once when none is
    /// pending.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let q = simloop::sync::Queue::new();
    ///     q.put_nowait(1).unwrap();
    ///     q.get_nowait().unwrap();
    ///     q.task_done().unwrap();
    ///     q.join().await;
    /// });
    /// ```
    pub fn join(&self) -> Join<'_, T, S> {
        Join::new(self)
    }

    /// Puts an item without waiting.
    ///
    /// # Errors
    ///
    /// [`TryPutError::Full`] when the queue is full, [`TryPutError::ShutDown`] after
    /// [`Queue::shutdown`]; both give the item back.
    ///
    /// ```
    /// let q = simloop::sync::Queue::with_maxsize(1);
    /// assert!(q.put_nowait(1).is_ok());
    /// assert!(q.put_nowait(2).is_err());
    /// ```
    pub fn put_nowait(&self, item: T) -> Result<(), TryPutError<T>> {
        with_core(|core| self.put_now(&mut self.state.borrow_mut(), core, item))
    }

    /// Takes an item without waiting.
    ///
    /// # Errors
    ///
    /// [`TryGetError::Empty`] when the queue is empty, [`TryGetError::ShutDown`] when it is
    /// also shut down.
    ///
    /// ```
    /// let q = simloop::sync::Queue::new();
    /// q.put_nowait('x').unwrap();
    /// assert_eq!(q.get_nowait(), Ok('x'));
    /// assert!(q.get_nowait().is_err());
    /// ```
    pub fn get_nowait(&self) -> Result<T, TryGetError> {
        with_core(|core| self.get_now(&mut self.state.borrow_mut(), core))
    }

    /// Marks one item taken from the queue as processed; when none is left, wakes the tasks
    /// in [`Queue::join`].
    ///
    /// # Errors
    ///
    /// [`TaskDoneError`] when called more often than items were put.
    ///
    /// ```
    /// let q = simloop::sync::Queue::new();
    /// q.put_nowait(1).unwrap();
    /// assert!(q.task_done().is_ok());
    /// assert!(q.task_done().is_err());
    /// ```
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        with_core(|core| {
            let mut st = self.state.borrow_mut();
            if st.unfinished == 0 {
                return Err(TaskDoneError);
            }
            st.unfinished -= 1;
            if st.unfinished == 0
                && let Some(core) = core
            {
                st.joiners.notify_all(core);
            }
            Ok(())
        })
    }

    /// Shuts the queue down (asyncio 3.13): later puts fail, gets fail once the queue is
    /// empty, and blocked getters and putters wake to find out. With `immediate`, the items
    /// still queued are dropped and count as done, so `join` returns.
    ///
    /// ```
    /// let q = simloop::sync::Queue::new();
    /// q.put_nowait(1).unwrap();
    /// q.shutdown(true);
    /// assert!(q.empty());
    /// assert_eq!(q.unfinished_tasks(), 0);
    /// ```
    pub fn shutdown(&self, immediate: bool) {
        let drained = with_core(|core| {
            let mut st = self.state.borrow_mut();
            st.shutdown = true;
            let mut drained = Vec::new();
            if immediate {
                while let Some(item) = st.items.pop() {
                    drained.push(item);
                    st.unfinished = st.unfinished.saturating_sub(1);
                }
            }
            if let Some(core) = core {
                if st.unfinished == 0 {
                    st.joiners.notify_all(core);
                }
                st.getters.notify_all(core);
                st.putters.notify_all(core);
            }
            drained
        });
        // The items' `Drop` may be user code: run it outside the runtime's borrow.
        drop(drained);
    }

    pub(super) fn is_full(&self, st: &State<S>) -> bool {
        self.maxsize > 0 && st.items.len() >= self.maxsize
    }

    /// asyncio's `put_nowait`: stores the item and wakes the longest getter (a hint).
    pub(super) fn put_now(
        &self,
        st: &mut State<S>,
        core: Option<&mut Core>,
        item: T,
    ) -> Result<(), TryPutError<T>> {
        if st.shutdown {
            return Err(TryPutError::ShutDown(item));
        }
        if self.is_full(st) {
            return Err(TryPutError::Full(item));
        }
        st.items.push(item);
        st.unfinished += 1;
        if let Some(core) = core {
            st.getters.notify(core, 1);
        }
        Ok(())
    }

    /// asyncio's `get_nowait`: takes the next item and wakes the longest putter (a hint).
    pub(super) fn get_now(
        &self,
        st: &mut State<S>,
        core: Option<&mut Core>,
    ) -> Result<T, TryGetError> {
        match st.items.pop() {
            Some(item) => {
                if let Some(core) = core {
                    st.putters.notify(core, 1);
                }
                Ok(item)
            }
            None if st.shutdown => Err(TryGetError::ShutDown),
            None => Err(TryGetError::Empty),
        }
    }
}

impl<T, S: Store<Item = T>> fmt::Debug for Queue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue")
            .field("name", &self.name())
            .field("maxsize", &self.maxsize)
            .field("qsize", &self.qsize())
            .finish_non_exhaustive()
    }
}

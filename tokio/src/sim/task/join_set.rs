//! `JoinSet`: a collection of tasks, joined in the order they finish.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::state::{Notify, on_end};
use super::{AbortHandle, Id, JoinError, JoinHandle, LocalSet, spawn, spawn_blocking, spawn_local};
use crate::sim::runtime::Handle;

/// A set of tasks whose results come back in the order the tasks finish; dropping the set
/// aborts them all.
///
/// # Examples
///
/// ```
/// # use simloop_tokio as tokio;
/// use std::time::Duration;
///
/// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// rt.block_on(async {
///     let mut set = tokio::task::JoinSet::new();
///     for secs in [3, 1, 2] {
///         set.spawn(async move {
///             tokio::time::sleep(Duration::from_secs(secs)).await;
///             secs
///         });
///     }
///     let mut finished = Vec::new();
///     while let Some(result) = set.join_next().await {
///         finished.push(result.unwrap());
///     }
///     assert_eq!(finished, [1, 2, 3]);
/// });
/// ```
pub struct JoinSet<T> {
    tasks: BTreeMap<u64, JoinHandle<T>>,
    next: u64,
    finished: Arc<Finished>,
}

/// The keys of finished tasks, in the order they finished.
#[derive(Default)]
struct Finished {
    state: Mutex<(VecDeque<u64>, Option<Waker>)>,
}

impl Notify for Finished {
    fn ended(&self, key: u64) {
        let waker = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.0.push_back(key);
            s.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let set: tokio::task::JoinSet<()> = tokio::task::JoinSet::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            tasks: BTreeMap::new(),
            next: 0,
            finished: Arc::default(),
        }
    }

    /// The number of tasks in the set (finished ones not yet joined included).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(async {});
    ///     tokio::task::yield_now().await; // the task finishes, and stays until joined
    ///     assert_eq!(set.len(), 1);
    ///     set.join_next().await;
    ///     assert_eq!(set.len(), 0);
    /// });
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let set = tokio::task::JoinSet::<u8>::default();
    /// assert!(set.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle
    where
        T: Send + 'static,
    {
        let abort = handle.send_abort_handle();
        self.keep(handle, abort)
    }

    /// As `insert`, for an output that may not be `Send` (a local task's).
    fn insert_local(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        self.keep(handle, abort)
    }

    fn keep(&mut self, handle: JoinHandle<T>, abort: AbortHandle) -> AbortHandle {
        self.next += 1;
        let key = self.next;
        on_end(&handle.shared, self.finished.clone(), key);
        self.tasks.insert(key, handle);
        abort
    }

    /// Spawns a task into the set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     let abort = set.spawn(async { 1 });
    ///     assert_eq!(set.join_next_with_id().await.unwrap().unwrap(), (abort.id(), 1));
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(spawn(task))
    }

    /// Spawns a task into the set, on the runtime of `handle`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let mut set = tokio::task::JoinSet::new();
    /// set.spawn_on(async { "on rt" }, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), "on rt");
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawns a `!Send` task into the set, on the current `LocalSet`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let local = tokio::task::LocalSet::new();
    /// local.block_on(&rt, async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     let not_send = std::rc::Rc::new(1);
    ///     set.spawn_local(async move { *not_send });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert_local(spawn_local(task))
    }

    /// Spawns a `!Send` task into the set, on `local_set`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let local = tokio::task::LocalSet::new();
    /// let mut set = tokio::task::JoinSet::new();
    /// let not_send = std::rc::Rc::new(2);
    /// set.spawn_local_on(async move { *not_send }, &local);
    /// let out = local.block_on(&rt, set.join_next());
    /// assert_eq!(out.unwrap().unwrap(), 2);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert_local(local_set.spawn_local(task))
    }

    /// Runs a blocking closure as a task of the set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn_blocking(|| 3);
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(spawn_blocking(f))
    }

    /// Runs a blocking closure as a task of the set, on the runtime of `handle`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// let mut set = tokio::task::JoinSet::new();
    /// set.spawn_blocking_on(|| 4, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn_blocking(f))
    }

    /// Waits for the next task to finish and gives its result; `None` when the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(async { 5 });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 5);
    ///     assert!(set.join_next().await.is_none());
    /// });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// [`JoinSet::join_next`] with the finished task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     let id = set.spawn(async { 6 }).id();
    ///     assert_eq!(set.join_next_with_id().await.unwrap().unwrap(), (id, 6));
    /// });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        std::future::poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// The result of a finished task, if one has finished, without waiting.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(async { 7 });
    ///     assert!(set.try_join_next().is_none()); // not run yet
    ///     tokio::task::yield_now().await;
    ///     assert_eq!(set.try_join_next().unwrap().unwrap(), 7);
    /// });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id().map(|r| r.map(|(_, v)| v))
    }

    /// [`JoinSet::try_join_next`] with the finished task's id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     let id = set.spawn(async { 8 }).id();
    ///     tokio::task::yield_now().await;
    ///     assert_eq!(set.try_join_next_with_id().unwrap().unwrap(), (id, 8));
    /// });
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        loop {
            let key = {
                let mut s = self
                    .finished
                    .state
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                s.0.pop_front()?
            };
            if let Some(r) = self.take(key) {
                return Some(r);
            }
        }
    }

    /// Takes the result of the finished task `key`, if it is still in the set.
    fn take(&mut self, key: u64) -> Option<Result<(Id, T), JoinError>> {
        let handle = self.tasks.remove(&key)?;
        let id = handle.id;
        let result = super::state::lock(&handle.shared).output.take();
        let result = result.expect("a finished task of a JoinSet holds its result");
        Some(result.map(|v| (id, v)))
    }

    /// Polls for the next finished task (see [`JoinSet::join_next`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(async { 9 });
    ///     let out = std::future::poll_fn(|cx| set.poll_join_next(cx)).await;
    ///     assert_eq!(out.unwrap().unwrap(), 9);
    /// });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|o| o.map(|r| r.map(|(_, v)| v)))
    }

    /// Polls for the next finished task with its id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     let id = set.spawn(async { 10 }).id();
    ///     let out = std::future::poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    ///     assert_eq!(out.unwrap().unwrap(), (id, 10));
    /// });
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        if self.tasks.is_empty() {
            return Poll::Ready(None);
        }
        let finished = !self
            .finished
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .is_empty();
        if finished {
            // Taking a result spends a unit of tokio's budget (out of it: `Pending`, and
            // the task is woken to yield), as polling tokio's handle does.
            let coop = std::task::ready!(super::coop::poll_proceed(cx));
            if let Some(r) = self.try_join_next_with_id() {
                coop.made_progress();
                return Poll::Ready(Some(r));
            }
        }
        let previous = {
            let mut s = self
                .finished
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            s.1.replace(cx.waker().clone())
        };
        // Dropped outside the lock: a waker's drop may run code that ends a task of this
        // set (tokio's `replace_parent_waker_drops_outside_lock`).
        drop(previous);
        Poll::Pending
    }

    /// Aborts every task; they stay in the set until joined (as cancelled, unless they had
    /// finished).
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(std::future::pending::<()>());
    ///     set.abort_all();
    ///     assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort_all(&mut self) {
        for h in self.tasks.values() {
            h.abort();
        }
    }

    /// Removes every task from the set without aborting it.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let (tx, rx) = tokio::sync::oneshot::channel();
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(async move { tx.send("still ran").unwrap() });
    ///     set.detach_all();
    ///     drop(set);
    ///     assert_eq!(rx.await.unwrap(), "still ran");
    /// });
    /// ```
    pub fn detach_all(&mut self) {
        self.tasks.clear();
        let mut s = self
            .finished
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        s.0.clear();
    }

    /// Aborts every task and waits until they all ended.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let mut set = tokio::task::JoinSet::new();
    ///     set.spawn(std::future::pending::<()>());
    ///     set.shutdown().await;
    ///     assert!(set.is_empty());
    /// });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Waits for every task and gives their values in the order they finished.
    ///
    /// # Examples
    ///
    /// ```
    /// # use simloop_tokio as tokio;
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// rt.block_on(async {
    ///     let set: tokio::task::JoinSet<u32> = (1..=3).map(|i| async move { i * 10 }).collect();
    ///     assert_eq!(set.join_all().await, [10, 20, 30]);
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Resumes a task's panic; panics when a task was cancelled.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(r) = self.join_next().await {
            match r {
                Ok(v) => out.push(v),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("{e}"),
            }
        }
        out
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        for h in self.tasks.values() {
            h.abort();
        }
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for f in iter {
            self.spawn(f);
        }
    }
}

impl<T> Unpin for JoinSet<T> {}

//! `LifoQueue` and `PriorityQueue`: a [`Queue`] with another [`Store`].

use std::ops::Deref;

use super::base::Queue;
use super::store::{Lifo, Priority};

/// A queue that hands out the most recently put item first: asyncio's `LifoQueue`.
///
/// Derefs to [`Queue<T, Lifo<T>>`](Queue), which has every operation.
///
/// # Examples
///
/// ```
/// use simloop::sync::LifoQueue;
///
/// let q = LifoQueue::new();
/// q.put_nowait(1).unwrap();
/// q.put_nowait(2).unwrap();
/// assert_eq!(q.get_nowait(), Ok(2));
/// ```
#[derive(Debug)]
pub struct LifoQueue<T>(Queue<T, Lifo<T>>);

/// A queue that hands out the smallest item first: asyncio's `PriorityQueue` (put
/// `(priority, data)` tuples to order by priority). Equal items come out in put order.
///
/// Derefs to [`Queue<T, Priority<T>>`](Queue), which has every operation.
///
/// # Examples
///
/// ```
/// use simloop::sync::PriorityQueue;
///
/// let q = PriorityQueue::new();
/// q.put_nowait((2, "b")).unwrap();
/// q.put_nowait((1, "a")).unwrap();
/// assert_eq!(q.get_nowait(), Ok((1, "a")));
/// ```
#[derive(Debug)]
pub struct PriorityQueue<T: Ord>(Queue<T, Priority<T>>);

impl<T> LifoQueue<T> {
    /// An unbounded LIFO queue.
    ///
    /// ```
    /// assert!(simloop::sync::LifoQueue::<u8>::new().empty());
    /// ```
    pub fn new() -> Self {
        LifoQueue(Queue::build(None, 0))
    }

    /// A LIFO queue holding at most `maxsize` items (0: unbounded).
    ///
    /// ```
    /// assert_eq!(simloop::sync::LifoQueue::<u8>::with_maxsize(2).maxsize(), 2);
    /// ```
    pub fn with_maxsize(maxsize: usize) -> Self {
        LifoQueue(Queue::build(None, maxsize))
    }

    /// A named LIFO queue.
    ///
    /// ```
    /// assert_eq!(simloop::sync::LifoQueue::<u8>::named("stack", 0).name(), Some("stack"));
    /// ```
    pub fn named(name: &str, maxsize: usize) -> Self {
        LifoQueue(Queue::build(Some(name), maxsize))
    }
}

impl<T: Ord> PriorityQueue<T> {
    /// An unbounded priority queue.
    ///
    /// ```
    /// assert!(simloop::sync::PriorityQueue::<u8>::new().empty());
    /// ```
    pub fn new() -> Self {
        PriorityQueue(Queue::build(None, 0))
    }

    /// A priority queue holding at most `maxsize` items (0: unbounded).
    ///
    /// ```
    /// assert_eq!(simloop::sync::PriorityQueue::<u8>::with_maxsize(2).maxsize(), 2);
    /// ```
    pub fn with_maxsize(maxsize: usize) -> Self {
        PriorityQueue(Queue::build(None, maxsize))
    }

    /// A named priority queue.
    ///
    /// ```
    /// assert_eq!(simloop::sync::PriorityQueue::<u8>::named("jobs", 0).name(), Some("jobs"));
    /// ```
    pub fn named(name: &str, maxsize: usize) -> Self {
        PriorityQueue(Queue::build(Some(name), maxsize))
    }
}

impl<T> Default for LifoQueue<T> {
    fn default() -> Self {
        LifoQueue::new()
    }
}

impl<T: Ord> Default for PriorityQueue<T> {
    fn default() -> Self {
        PriorityQueue::new()
    }
}

impl<T> Deref for LifoQueue<T> {
    type Target = Queue<T, Lifo<T>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<T: Ord> Deref for PriorityQueue<T> {
    type Target = Queue<T, Priority<T>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

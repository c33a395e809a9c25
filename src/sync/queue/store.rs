//! The orders a queue can hand out its items in.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// How a [`Queue`](super::Queue) stores its items and which one `get` takes next.
///
/// Implemented by [`Fifo`] (asyncio's `Queue`), [`Lifo`] (`LifoQueue`) and [`Priority`]
/// (`PriorityQueue`). You rarely name it: use [`Queue`](super::Queue),
/// [`LifoQueue`](super::LifoQueue) or [`PriorityQueue`](super::PriorityQueue).
///
/// # Examples
///
/// ```
/// use simloop::sync::{Lifo, Store};
///
/// let mut s = Lifo::default();
/// s.push(1);
/// s.push(2);
/// assert_eq!(s.pop(), Some(2));
/// assert_eq!(s.len(), 1);
/// ```
pub trait Store: Default {
    /// The item type.
    type Item;
    /// Adds an item.
    fn push(&mut self, item: Self::Item);
    /// Removes the next item to hand out.
    fn pop(&mut self) -> Option<Self::Item>;
    /// The number of items.
    fn len(&self) -> usize;
    /// Whether there are no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Fifo, Store};
/// let mut s = Fifo::default();
/// s.push('a');
/// s.push('b');
/// assert_eq!(s.pop(), Some('a'));
/// ```
#[derive(Debug)]
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Lifo, Store};
/// let mut s = Lifo::default();
/// s.push('a');
/// s.push('b');
/// assert_eq!(s.pop(), Some('b'));
/// ```
#[derive(Debug)]
pub struct Lifo<T>(Vec<T>);

/// Smallest first, like asyncio's `PriorityQueue` (a `heapq`); equal items come out in the
/// order they were put.
///
/// # Examples
///
/// ```
/// use simloop::sync::{Priority, Store};
/// let mut s = Priority::default();
/// s.push(3);
/// s.push(1);
/// s.push(2);
/// assert_eq!(s.pop(), Some(1));
/// ```
#[derive(Debug)]
pub struct Priority<T: Ord> {
    heap: BinaryHeap<Reverse<(T, u64)>>,
    seq: u64,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }
}

impl<T> Store for Fifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Store for Lifo<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Store for Priority<T> {
    type Item = T;
    fn push(&mut self, item: T) {
        self.seq += 1;
        self.heap.push(Reverse((item, self.seq)));
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse((item, _))| item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}

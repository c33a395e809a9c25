//! A scenario's queues: asyncio's `Queue`, `LifoQueue` and `PriorityQueue` on simloop's,
//! with Python's errors (`QueueFull`, `QueueEmpty`, ...) and Python's ordering of items.

use std::cell::RefCell;
use std::cmp::Ordering;

use simloop::sync::{LifoQueue, PriorityQueue, Queue, TryGetError, TryPutError};

use super::exc::Exc;
use super::value::{Value, py_equal, py_order};
use crate::scenario::QueueKind;

/// One declared queue.
pub enum AnyQueue {
    /// `asyncio.Queue`.
    Fifo(Queue<Value>),
    /// `asyncio.LifoQueue`.
    Lifo(LifoQueue<Value>),
    /// `asyncio.PriorityQueue`, and the items it holds (to refuse an item Python could
    /// not compare with them, before it is put).
    Priority(PriorityQueue<Ordered>, RefCell<Vec<Value>>),
}

/// A priority queue's item, ordered as Python orders it (numbers by value, strings, lists
/// item by item). The interpreter puts only items that are orderable against every item
/// queued, so the fallback for values Python cannot order (by type, then `repr`) only keeps
/// `Ord` total.
pub struct Ordered(pub Value);

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> Ordering {
        py_order(&self.0, &other.0).unwrap_or_else(|| {
            rank(&self.0)
                .cmp(&rank(&other.0))
                .then_with(|| self.0.repr().cmp(&other.0.repr()))
        })
    }
}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ordered {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ordered {}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => 0,
        Value::Str(_) => 1,
        Value::List(_) => 2,
        _ => 3,
    }
}

fn full() -> Exc {
    Exc::new("QueueFull", "")
}

fn shut_down() -> Exc {
    Exc::new("QueueShutDown", "")
}

impl AnyQueue {
    /// A queue of `kind` named `name` (the name shows in deadlock reports).
    pub fn new(kind: QueueKind, name: &str, maxsize: usize) -> AnyQueue {
        match kind {
            QueueKind::Fifo => AnyQueue::Fifo(Queue::named(name, maxsize)),
            QueueKind::Lifo => AnyQueue::Lifo(LifoQueue::named(name, maxsize)),
            QueueKind::Priority => AnyQueue::Priority(
                PriorityQueue::named(name, maxsize),
                RefCell::new(Vec::new()),
            ),
        }
    }

    /// A `TypeError` unless a priority queue can order `v` against every item it holds.
    fn check_orderable(&self, v: &Value) -> Result<(), Exc> {
        let AnyQueue::Priority(_, items) = self else {
            return Ok(());
        };
        match items.borrow().iter().find(|i| py_order(v, i).is_none()) {
            None => Ok(()),
            Some(other) => Err(Exc::new(
                "TypeError",
                format!(
                    "'<' not supported between {} and {} (a PriorityQueue orders its items)",
                    v.repr(),
                    other.repr()
                ),
            )),
        }
    }

    /// Notes an item put into a priority queue, or taken out of it.
    fn track(&self, put: Option<&Value>, got: Option<&Value>) {
        let AnyQueue::Priority(_, items) = self else {
            return;
        };
        let mut items = items.borrow_mut();
        if let Some(v) = put {
            items.push(v.clone());
        }
        if let Some(v) = got
            && let Some(at) = items.iter().position(|i| py_equal(i, v) && i == v)
        {
            items.remove(at);
        }
    }

    /// `await q.put(v)`.
    pub async fn put(&self, v: Value) -> Result<(), Exc> {
        self.check_orderable(&v)?;
        let r = match self {
            AnyQueue::Fifo(q) => q.put(v.clone()).await.map_err(|_| ()),
            AnyQueue::Lifo(q) => q.put(v.clone()).await.map_err(|_| ()),
            AnyQueue::Priority(q, _) => q.put(Ordered(v.clone())).await.map_err(|_| ()),
        };
        r.map_err(|()| shut_down())?;
        self.track(Some(&v), None);
        Ok(())
    }

    /// `q.put_nowait(v)`.
    pub fn put_nowait(&self, v: Value) -> Result<(), Exc> {
        self.check_orderable(&v)?;
        let r = match self {
            AnyQueue::Fifo(q) => q
                .put_nowait(v.clone())
                .map_err(|e| matches!(e, TryPutError::Full(_))),
            AnyQueue::Lifo(q) => q
                .put_nowait(v.clone())
                .map_err(|e| matches!(e, TryPutError::Full(_))),
            AnyQueue::Priority(q, _) => q
                .put_nowait(Ordered(v.clone()))
                .map_err(|e| matches!(e, TryPutError::Full(_))),
        };
        match r {
            Ok(()) => {
                self.track(Some(&v), None);
                Ok(())
            }
            Err(true) => Err(full()),
            Err(false) => Err(shut_down()),
        }
    }

    /// `await q.get()`.
    pub async fn get(&self) -> Result<Value, Exc> {
        let v = match self {
            AnyQueue::Fifo(q) => q.get().await,
            AnyQueue::Lifo(q) => q.get().await,
            AnyQueue::Priority(q, _) => q.get().await.map(|o| o.0),
        }
        .map_err(|_| shut_down())?;
        self.track(None, Some(&v));
        Ok(v)
    }

    /// `q.get_nowait()`.
    pub fn get_nowait(&self) -> Result<Value, Exc> {
        let r = match self {
            AnyQueue::Fifo(q) => q.get_nowait(),
            AnyQueue::Lifo(q) => q.get_nowait(),
            AnyQueue::Priority(q, _) => q.get_nowait().map(|o| o.0),
        };
        match r {
            Ok(v) => {
                self.track(None, Some(&v));
                Ok(v)
            }
            Err(TryGetError::Empty) => Err(Exc::new("QueueEmpty", "")),
            Err(TryGetError::ShutDown) => Err(shut_down()),
        }
    }

    /// `q.task_done()`.
    pub fn task_done(&self) -> Result<(), Exc> {
        match self {
            AnyQueue::Fifo(q) => q.task_done(),
            AnyQueue::Lifo(q) => q.task_done(),
            AnyQueue::Priority(q, _) => q.task_done(),
        }
        .map_err(|e| Exc::new("ValueError", e.to_string()))
    }

    /// `q.shutdown(immediate)` (asyncio 3.13): later puts raise `QueueShutDown`, and gets
    /// too once the queue is empty; `immediate` drops the items left.
    pub fn shutdown(&self, immediate: bool) {
        match self {
            AnyQueue::Fifo(q) => q.shutdown(immediate),
            AnyQueue::Lifo(q) => q.shutdown(immediate),
            AnyQueue::Priority(q, items) => {
                q.shutdown(immediate);
                if immediate {
                    items.borrow_mut().clear();
                }
            }
        }
    }

    /// `await q.join()`.
    pub async fn join(&self) {
        match self {
            AnyQueue::Fifo(q) => q.join().await,
            AnyQueue::Lifo(q) => q.join().await,
            AnyQueue::Priority(q, _) => q.join().await,
        }
    }

    /// `(qsize(), maxsize)`.
    pub fn sizes(&self) -> (usize, usize) {
        match self {
            AnyQueue::Fifo(q) => (q.qsize(), q.maxsize()),
            AnyQueue::Lifo(q) => (q.qsize(), q.maxsize()),
            AnyQueue::Priority(q, _) => (q.qsize(), q.maxsize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::List(items.into())
    }

    #[test]
    fn items_order_as_in_python() {
        let s = |x: &str| Value::Str(x.into());
        let a = list(vec![Value::Int(1), s("b")]);
        let b = list(vec![Value::Int(1), s("c")]);
        assert_eq!(py_order(&a, &b), Some(Ordering::Less));
        assert_eq!(
            py_order(&Value::Float(0.5), &Value::Int(1)),
            Some(Ordering::Less)
        );
        assert_eq!(
            py_order(&Value::Bool(true), &Value::Int(1)),
            Some(Ordering::Equal)
        );
        assert_eq!(
            py_order(
                &list(vec![Value::Int(1)]),
                &list(vec![Value::Int(1), s("x")])
            ),
            Some(Ordering::Less)
        );
        // `[1, 'a'] < [1, 2]` raises in Python; `[1, 'a'] < [2, 2]` does not.
        let c = list(vec![Value::Int(1), s("a")]);
        assert_eq!(
            py_order(&c, &list(vec![Value::Int(1), Value::Int(2)])),
            None
        );
        assert_eq!(
            py_order(&c, &list(vec![Value::Int(2), Value::Int(2)])),
            Some(Ordering::Less)
        );
        assert_eq!(py_order(&s("a"), &Value::Int(1)), None);
    }
}

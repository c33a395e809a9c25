//! Who is told when a task ends: one arena of linked lists, a list per task.
//!
//! Most tasks have one registration (their join handle's awaiter, or one combinator's
//! done-callback), a few have several, and a task slot must stay small; so a slot keeps only
//! the index of its list's first node, and the nodes of every list live in one vector whose
//! freed nodes are reused. A run allocates nodes only while it has more registrations at
//! once than ever before.

use std::rc::Rc;
use std::task::Waker;

use super::DoneCallback;
use super::TaskId;
use super::slot::NONE;

/// One registration on a task's completion.
pub(crate) enum Waiter {
    /// A task awaiting this one (a join handle): it is woken when this one ends, through
    /// `waker`, or through its own waker when `waker` is `None` (no reference counting).
    Wake { task: TaskId, waker: Option<Waker> },
    /// A done-callback, as asyncio's `add_done_callback` schedules it: `target.on_done` runs
    /// one ready-queue slot after the end (the hop of gather, wait, shield, as_completed and
    /// TaskGroup).
    Callback {
        target: Rc<dyn DoneCallback>,
        index: u32,
    },
}

struct Node {
    /// `None` while the node is free.
    waiter: Option<Waiter>,
    /// The next node of the same list (or of the free list), `NONE` at the end.
    next: u32,
}

/// The arena. A list is named by the index of its first node; `NONE` is the empty list.
pub(crate) struct Awaiters {
    nodes: Vec<Node>,
    /// First free node, `NONE` when every node is in use.
    free: u32,
}

impl Default for Awaiters {
    fn default() -> Awaiters {
        Awaiters::new()
    }
}

impl Awaiters {
    pub(crate) fn new() -> Awaiters {
        Awaiters {
            nodes: Vec::new(),
            free: NONE,
        }
    }

    /// Empties the arena, keeping its capacity.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.free = NONE;
    }

    /// Appends `waiter` to the list that starts at `*head` (registration order is wake order).
    pub(crate) fn push(&mut self, head: &mut u32, waiter: Waiter) {
        let node = self.alloc(waiter);
        if *head == NONE {
            *head = node;
            return;
        }
        let mut at = *head as usize;
        while self.nodes[at].next != NONE {
            at = self.nodes[at].next as usize;
        }
        self.nodes[at].next = node;
    }

    /// Takes the first waiter of the list that starts at `*head`.
    pub(crate) fn pop(&mut self, head: &mut u32) -> Option<Waiter> {
        if *head == NONE {
            return None;
        }
        let at = *head as usize;
        let node = &mut self.nodes[at];
        let waiter = node.waiter.take();
        *head = node.next;
        node.next = self.free;
        self.free = at as u32;
        waiter
    }

    /// Unlinks every waiter of the list that starts at `*head` for which `remove` holds,
    /// keeping the others in order; returns the unlinked ones, in order (for the caller to
    /// drop outside the core's borrow: a callback's captures run user code when dropped).
    pub(crate) fn remove_where(
        &mut self,
        head: &mut u32,
        mut remove: impl FnMut(&Waiter) -> bool,
    ) -> Vec<Waiter> {
        let mut removed = Vec::new();
        // `prev` is the kept node before `at`, `NONE` while every node so far was removed.
        let (mut prev, mut at) = (NONE, *head);
        while at != NONE {
            let node = &mut self.nodes[at as usize];
            let next = node.next;
            if node.waiter.as_ref().is_some_and(&mut remove) {
                removed.extend(node.waiter.take());
                node.next = self.free;
                self.free = at;
                if prev == NONE {
                    *head = next;
                } else {
                    self.nodes[prev as usize].next = next;
                }
            } else {
                prev = at;
            }
            at = next;
        }
        removed
    }

    /// The waiters of the list that starts at `head`, in registration order.
    pub(crate) fn iter(&self, head: u32) -> impl Iterator<Item = &Waiter> + '_ {
        let mut at = head;
        std::iter::from_fn(move || {
            if at == NONE {
                return None;
            }
            let node = &self.nodes[at as usize];
            at = node.next;
            node.waiter.as_ref()
        })
    }

    fn alloc(&mut self, waiter: Waiter) -> u32 {
        if self.free != NONE {
            let at = self.free;
            let node = &mut self.nodes[at as usize];
            self.free = node.next;
            node.waiter = Some(waiter);
            node.next = NONE;
            return at;
        }
        let at = u32::try_from(self.nodes.len()).expect("fewer than 2^32 registrations");
        self.nodes.push(Node {
            waiter: Some(waiter),
            next: NONE,
        });
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(a: &Awaiters, head: u32) -> Vec<u32> {
        a.iter(head)
            .map(|w| match w {
                Waiter::Wake { task, .. } => task.get(),
                Waiter::Callback { index, .. } => 1000 + index,
            })
            .collect()
    }

    fn wake(i: usize) -> Waiter {
        Waiter::Wake {
            task: TaskId::from_index(i),
            waker: None,
        }
    }

    /// Lists keep registration order, and freed nodes are reused by any list.
    #[test]
    fn lists_keep_order_and_reuse_nodes() {
        let mut a = Awaiters::new();
        let (mut x, mut y) = (NONE, NONE);
        a.push(&mut x, wake(0));
        a.push(&mut y, wake(9));
        a.push(&mut x, wake(1));
        a.push(&mut x, wake(2));
        assert_eq!(ids(&a, x), [1, 2, 3]);
        assert_eq!(ids(&a, y), [10]);
        assert!(matches!(a.pop(&mut x), Some(Waiter::Wake { task, .. }) if task.get() == 1));
        a.push(&mut y, wake(10));
        assert_eq!(a.nodes.len(), 4, "the freed node was reused");
        assert_eq!(ids(&a, y), [10, 11]);
        while a.pop(&mut x).is_some() {}
        assert_eq!(x, NONE);
        assert_eq!(ids(&a, y), [10, 11]);
    }

    /// `remove_where` unlinks matches at the head, the middle and the tail, keeps the rest
    /// in order, and frees the nodes for reuse.
    #[test]
    fn remove_where_keeps_the_others_in_order() {
        let mut a = Awaiters::new();
        let mut x = NONE;
        for i in [0, 1, 0, 2, 0] {
            a.push(&mut x, wake(i));
        }
        let zero = |w: &Waiter| matches!(w, Waiter::Wake { task, .. } if task.get() == 1);
        assert_eq!(a.remove_where(&mut x, zero).len(), 3);
        assert_eq!(ids(&a, x), [2, 3]);
        assert!(a.remove_where(&mut x, zero).is_empty());
        a.push(&mut x, wake(5));
        assert_eq!(a.nodes.len(), 5, "a freed node was reused");
        assert_eq!(ids(&a, x), [2, 3, 6]);
        assert_eq!(a.remove_where(&mut x, |_| true).len(), 3);
        assert_eq!(x, NONE);
    }
}

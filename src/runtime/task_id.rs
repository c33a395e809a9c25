//! Task identifiers: the spawn count users see, and the task's slot, which the runtime uses.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Identifies a task within one run. Ids count from 1 in spawn order; the main future is
/// always `#1`, like asyncio's `Task-1`.
///
/// Two ids are equal, ordered and hashed by that number alone. An id made by the runtime
/// also names the slot its task lives in (never shown: traces and reports give the number),
/// so that a wake, a timer or a poll reaches the task without a lookup; the slot is checked
/// to still hold that task before it is used, so an id whose task ended and whose slot went
/// to another task never reaches the new one.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, spawn, task};
///
/// let out = Sim::new().run(async {
///     let child = spawn(async { task::current() });
///     (task::current(), child.await.unwrap())
/// });
/// let (main, child) = out.result.unwrap();
/// assert_eq!((main.get(), child.get()), (1, 2));
/// assert_eq!(child.to_string(), "#2");
/// ```
#[derive(Clone, Copy)]
pub struct TaskId {
    /// The spawn count, from 1.
    n: u32,
    /// The slot the task lives in, or [`UNKNOWN_SLOT`] (an id read back from a trace).
    slot: u32,
}

/// The slot of an id that does not say where its task lives: the runtime looks it up.
pub(crate) const UNKNOWN_SLOT: u32 = u32::MAX;

impl TaskId {
    /// The id of the task spawned as number `index` (from 0), which lives in slot `slot`.
    #[inline]
    pub(crate) fn new(index: usize, slot: u32) -> TaskId {
        TaskId {
            n: u32::try_from(index + 1).expect("fewer than 2^32 tasks per run"),
            slot,
        }
    }

    /// The id of the task spawned as number `index` (from 0), without its slot.
    pub(crate) fn from_index(index: usize) -> TaskId {
        TaskId::new(index, UNKNOWN_SLOT)
    }

    /// The id whose [`TaskId::get`] is `raw` (non-zero), without its slot.
    pub(crate) fn from_raw(raw: u32) -> TaskId {
        debug_assert!(raw > 0);
        TaskId {
            n: raw,
            slot: UNKNOWN_SLOT,
        }
    }

    /// The spawn count from 0 (the index of the task's id-table entry).
    #[inline]
    pub(crate) fn index(self) -> usize {
        self.n as usize - 1
    }

    /// The slot this id names: the task's while it has one (check it, see [`TaskId`]), or
    /// [`UNKNOWN_SLOT`].
    #[inline]
    pub(crate) fn slot(self) -> u32 {
        self.slot
    }

    /// The number of the task: 1 for the main future, then 2, 3, ... in spawn order.
    ///
    /// ```
    /// # let out = simloop::Sim::new().run(async { simloop::task::current().get() });
    /// assert_eq!(out.result.unwrap(), 1);
    /// ```
    #[inline]
    pub fn get(self) -> u32 {
        self.n
    }
}

impl PartialEq for TaskId {
    #[inline]
    fn eq(&self, other: &TaskId) -> bool {
        self.n == other.n
    }
}

impl Eq for TaskId {}

impl PartialOrd for TaskId {
    fn partial_cmp(&self, other: &TaskId) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TaskId {
    fn cmp(&self, other: &TaskId) -> Ordering {
        self.n.cmp(&other.n)
    }
}

impl Hash for TaskId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.n.hash(state);
    }
}

/// `TaskId(7)`: the number alone, as users know the task (the slot is the runtime's).
impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.n)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An id read back from a trace (no slot) is the id the runtime made (issue 18: the
    /// slot an id carries must not change what users compare or see).
    #[test]
    fn ids_compare_show_and_hash_by_their_number_alone() {
        use std::collections::hash_map::DefaultHasher;
        let made = TaskId::new(6, 3);
        let read = TaskId::from_raw(7);
        assert_eq!(made, read);
        assert_eq!(made.cmp(&read), Ordering::Equal);
        assert!(TaskId::new(5, 9) < read);
        assert_eq!(
            (made.to_string(), read.to_string()),
            ("#7".into(), "#7".into())
        );
        assert_eq!(format!("{made:?}"), "TaskId(7)");
        let hash = |id: TaskId| {
            let mut h = DefaultHasher::new();
            id.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(made), hash(read));
        assert_eq!((made.slot(), read.slot()), (3, UNKNOWN_SLOT));
    }
}

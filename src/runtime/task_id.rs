//! Task identifiers.

use std::fmt;

/// Identifies a task within one run. Ids count from 1 in spawn order; the main future is
/// always `#1`, like asyncio's `Task-1`.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(u32);

impl TaskId {
    pub(crate) fn from_index(index: usize) -> TaskId {
        TaskId(u32::try_from(index + 1).expect("fewer than 2^32 tasks per run"))
    }

    /// The id whose [`TaskId::get`] is `raw` (non-zero).
    pub(crate) fn from_raw(raw: u32) -> TaskId {
        debug_assert!(raw > 0);
        TaskId(raw)
    }

    pub(crate) fn index(self) -> usize {
        self.0 as usize - 1
    }

    /// The number of the task: 1 for the main future, then 2, 3, ... in spawn order.
    ///
    /// ```
    /// # let out = simloop::Sim::new().run(async { simloop::task::current().get() });
    /// assert_eq!(out.result.unwrap(), 1);
    /// ```
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

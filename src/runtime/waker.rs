//! Task wakers: an `Arc` carrying the task id and the run it belongs to, reused by later
//! tasks once nothing else holds it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Wake, Waker};

use super::TaskId;
use super::context::SLOT;

/// Source of run ids. Only used to tell runs apart, never rendered, so its values do not
/// affect determinism.
static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_run_id() -> u64 {
    NEXT_RUN.fetch_add(1, Ordering::Relaxed)
}

/// The waker of one task.
///
/// Waking it queues the task in the ready queue of the run that created it, if that run is
/// active on the calling thread. A wake from another thread, or after the run ended, finds
/// no matching run and does nothing (simloop runs on one thread, and a wake it cannot place
/// deterministically is dropped rather than allowed to corrupt the schedule), unless the
/// run accepts remote wakes (`remote.rs`).
///
/// The fields are atomics only so that a pooled waker can be pointed at a new task; they
/// change only while the pool holds the sole reference ([`Wakers::take`]), so relaxed
/// accesses suffice.
pub(crate) struct TaskWaker {
    run: AtomicU64,
    /// The task's id, number and slot ([`pack`]), so that a wake reaches the slot directly.
    task: AtomicU64,
}

/// A task id as one word: its number low, its slot high.
fn pack(task: TaskId) -> u64 {
    u64::from(task.get()) | u64::from(task.slot()) << 32
}

/// The id [`pack`] made.
fn unpack(word: u64) -> TaskId {
    TaskId::new(word as u32 as usize - 1, (word >> 32) as u32)
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let run = self.run.load(Ordering::Relaxed);
        let task = unpack(self.task.load(Ordering::Relaxed));
        // `try_with` on the thread-local: a waker may fire during thread teardown.
        let placed = SLOT.try_with(|slot| match slot.core.try_borrow_mut() {
            Ok(mut core) => match core.as_mut().filter(|c| c.run_id == run) {
                Some(core) => {
                    core.wake_task(task);
                    true
                }
                None => false,
            },
            // Woken from inside the runtime (a foreign waker chain called under the
            // borrow): finish the wake once the borrow ends.
            Err(_) => {
                slot.deferred
                    .borrow_mut()
                    .wakers
                    .push(Waker::from(self.clone()));
                slot.has_deferred.set(true);
                true
            }
        });
        if placed != Ok(true) {
            // Another thread, or a run that ended: only a run accepting remote wakes
            // takes it.
            super::remote::wake(run, task);
        }
    }
}

/// Whether `waker` wakes through `own` (it was made from it): an identity comparison of the
/// waker's data pointer, which is what [`Waker::will_wake`] compares too; the address is
/// never ordered, hashed or shown.
#[inline]
pub(crate) fn is_made_from(waker: &Waker, own: &Arc<TaskWaker>) -> bool {
    std::ptr::eq(waker.data(), Arc::as_ptr(own).cast())
}

/// The wakers of ended tasks, oldest first, for reuse: a spawn takes the oldest one if
/// nothing but the pool holds it any more, instead of allocating.
#[derive(Default)]
pub(crate) struct Wakers {
    retired: VecDeque<Arc<TaskWaker>>,
}

/// Retired wakers kept at most (the rest are dropped): enough for runs of ten thousand tasks
/// to reuse every waker of the previous run (each costs 48 bytes kept per thread).
const KEEP: usize = 16384;

impl Wakers {
    /// A waker for `task` of run `run`: the oldest retired one if it is free, else new.
    #[inline]
    pub(crate) fn take(&mut self, run: u64, task: TaskId) -> Arc<TaskWaker> {
        if let Some(w) = self.retired.front()
            && Arc::strong_count(w) == 1
        {
            let w = self.retired.pop_front().expect("checked");
            w.run.store(run, Ordering::Relaxed);
            w.task.store(pack(task), Ordering::Relaxed);
            return w;
        }
        Arc::new(TaskWaker {
            run: AtomicU64::new(run),
            task: AtomicU64::new(pack(task)),
        })
    }

    /// Keeps an ended task's waker for reuse.
    #[inline]
    pub(crate) fn retire(&mut self, waker: Arc<TaskWaker>) {
        if self.retired.len() < KEEP {
            self.retired.push_back(waker);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `TaskSlot::owns` relies on a waker made from an `Arc` carrying the `Arc`'s pointer as
    /// its data (std's implementation); if that ever changes, every wake would take the slow
    /// path, so this pins it.
    #[test]
    fn a_waker_carries_its_arcs_pointer() {
        let mut pool = Wakers::default();
        let own = pool.take(1, TaskId::from_index(0));
        let waker = Waker::from(own.clone());
        assert!(is_made_from(&waker, &own));
        assert!(!is_made_from(Waker::noop(), &own));
        let other = pool.take(1, TaskId::from_index(1));
        assert!(!is_made_from(&waker, &other));
    }

    /// A retired waker is reused only once nothing else holds it.
    #[test]
    fn retired_wakers_are_reused_when_free() {
        let mut pool = Wakers::default();
        let a = pool.take(1, TaskId::from_index(0));
        let clone = Waker::from(a.clone());
        let first = Arc::as_ptr(&a);
        pool.retire(a);
        let b = pool.take(1, TaskId::from_index(1));
        assert_ne!(Arc::as_ptr(&b), first, "still held by a clone");
        drop(clone);
        let c = pool.take(2, TaskId::new(2, 5));
        assert_eq!(Arc::as_ptr(&c), first, "free again");
        let id = unpack(c.task.load(Ordering::Relaxed));
        assert_eq!((id.get(), id.slot()), (3, 5));
        assert_eq!(c.run.load(Ordering::Relaxed), 2);
    }
}

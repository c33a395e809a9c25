//! Task wakers: an `Arc` carrying the task id and the run it belongs to, reused by later
//! tasks once nothing else holds it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Wake, Waker};

use super::TaskId;
use super::context::SLOT;
use super::prefetch::prefetch;

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
    /// Wakers retired while the pool was full, each released [`DROP_LAG`] retirements
    /// after it came (see [`Wakers::retire`]).
    dropping: [Option<Arc<TaskWaker>>; DROP_LAG],
    /// The place in `dropping` of the next waker to release.
    next_drop: usize,
}

/// Retirements between a waker's retirement into a full pool and its release.
const DROP_LAG: usize = 16;

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
    ///
    /// When the pool is full the waker is released, which decrements its count: an atomic
    /// read-modify-write of a line not touched since the spawn (with 100,000 tasks alive,
    /// rarely in cache), and x86 lets nothing after a locked instruction go on until its
    /// line is in. So the waker's line is prefetched now and the waker put in a ring, and
    /// the one retired [`DROP_LAG`] retirements before is released in its place, its line
    /// in cache by then. Only the moment of the release moves: a waker's count orders
    /// nothing a run does, and a spawn reuses only wakers from the pool.
    #[inline]
    pub(crate) fn retire(&mut self, waker: Arc<TaskWaker>) {
        if self.retired.len() < KEEP {
            self.retired.push_back(waker);
        } else {
            self.release_later(waker);
        }
    }

    /// Prefetches `waker`'s line and puts it in the ring in place of the waker retired
    /// [`DROP_LAG`] retirements before, which is released.
    #[inline]
    fn release_later(&mut self, waker: Arc<TaskWaker>) {
        prefetch(&*waker);
        let k = self.next_drop;
        self.next_drop = (k + 1) % DROP_LAG;
        drop(self.dropping[k].replace(waker));
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

    /// A waker retired into a full pool is released `DROP_LAG` retirements later, not at
    /// once and not never: the ring holds at most `DROP_LAG` of them.
    #[test]
    fn wakers_past_the_pool_are_released_after_the_lag() {
        let mut pool = Wakers::default();
        for i in 0..KEEP {
            pool.retire(pool_waker(i));
        }
        let late = pool_waker(KEEP);
        let watch = Arc::downgrade(&late);
        pool.retire(late);
        for i in 1..DROP_LAG {
            assert!(
                watch.upgrade().is_some(),
                "released after {i} retirements, too early"
            );
            pool.retire(pool_waker(KEEP + i));
        }
        assert!(
            watch.upgrade().is_some(),
            "held until its place comes round"
        );
        pool.retire(pool_waker(KEEP + DROP_LAG));
        assert!(
            watch.upgrade().is_none(),
            "released {DROP_LAG} retirements later"
        );
        assert_eq!(pool.retired.len(), KEEP);
    }

    fn pool_waker(i: usize) -> Arc<TaskWaker> {
        Arc::new(TaskWaker {
            run: AtomicU64::new(1),
            task: AtomicU64::new(pack(TaskId::from_index(i))),
        })
    }
}

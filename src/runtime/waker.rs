//! Task wakers: an `Arc` carrying the task id and the run it belongs to.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Wake, Waker};

use super::context::SLOT;
use crate::task::TaskId;

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
/// no matching run and does nothing: simloop runs on one thread, and a wake it cannot place
/// deterministically is dropped rather than allowed to corrupt the schedule.
pub(crate) struct TaskWaker {
    pub(crate) run: u64,
    pub(crate) task: TaskId,
}

pub(crate) fn task_waker(run: u64, task: TaskId) -> Waker {
    Waker::from(Arc::new(TaskWaker { run, task }))
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // `try_with` on the thread-local: a waker may fire during thread teardown.
        let _ = SLOT.try_with(|slot| match slot.core.try_borrow_mut() {
            Ok(mut core) => {
                if let Some(core) = core.as_mut().filter(|c| c.run_id == self.run) {
                    core.wake_task(self.task);
                }
            }
            // Woken from inside the runtime (a foreign waker chain called under the
            // borrow): finish the wake once the borrow ends.
            Err(_) => {
                slot.deferred
                    .borrow_mut()
                    .wakers
                    .push(Waker::from(self.clone()));
                slot.has_deferred.set(true);
            }
        });
    }
}

//! tokio's park hooks on a simulated run.
//!
//! A tokio worker parks when it has nothing to run: it calls `on_thread_park`, waits in
//! its driver (where a paused clock advances to the next timer), then calls
//! `on_thread_unpark`. A run has nothing to run when its ready queue is empty, which is
//! where simloop calls the run's idle hook (`Sim::on_idle`): there the run calls both
//! hooks, before its virtual clock advances (the virtual park takes no time, so the
//! unpark hook follows at once). What the park hook spawns or wakes runs before the
//! clock moves, as in tokio. The same idle hook holds the clock while `spawn_blocking`
//! threads run (`task::blocking`).

use std::cell::Cell;
use std::sync::Arc;

use super::Handle;

/// A hook of the builder (`on_thread_park`, `on_thread_unpark`, ...).
pub(crate) type Hook = Arc<dyn Fn() + Send + Sync>;

/// The thread hooks a runtime was built with.
#[derive(Clone, Default)]
pub(crate) struct ThreadHooks {
    pub(crate) park: Option<Hook>,
    pub(crate) unpark: Option<Hook>,
    /// `on_thread_start`: called for each worker of a multi-thread runtime as it is built.
    pub(crate) start: Option<Hook>,
    /// `on_thread_stop`: called for each worker of a multi-thread runtime as it shuts down.
    pub(crate) stop: Option<Hook>,
}

// A runtime stays unwind-safe with hooks, as tokio's (which claims it for its own
// callbacks): the hooks are only called, never left half-done.
impl std::panic::UnwindSafe for ThreadHooks {}
impl std::panic::RefUnwindSafe for ThreadHooks {}

impl std::fmt::Debug for ThreadHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadHooks")
            .field("park", &self.park.is_some())
            .field("unpark", &self.unpark.is_some())
            .field("start", &self.start.is_some())
            .field("stop", &self.stop.is_some())
            .finish()
    }
}

thread_local! {
    /// A park hook runs on this thread: no task is being polled.
    static PARKING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a park hook runs on this thread now (outside any task: `yield_now` polled
/// there wakes its waker at once, as tokio's defers it to the end of the park).
pub(crate) fn in_park_hook() -> bool {
    PARKING.try_with(Cell::get).unwrap_or(false)
}

/// The idle hook of a run of `handle`: calls the park hooks, and holds the clock while
/// blocking threads of the runtime run.
pub(crate) fn idle_hook(handle: Handle) -> impl Fn() -> bool + Send + Sync + 'static {
    move || {
        let hooks = handle.park_hooks();
        if hooks.park.is_some() || hooks.unpark.is_some() {
            struct Unmark(bool);
            impl Drop for Unmark {
                fn drop(&mut self) {
                    PARKING.set(self.0);
                }
            }
            let _unmark = Unmark(PARKING.replace(true));
            if let Some(park) = &hooks.park {
                park();
            }
            if let Some(unpark) = &hooks.unpark {
                unpark();
            }
        }
        // Real events already pending wake their tasks before the clock moves.
        handle.real_io().turn();
        handle.blocking_in_flight()
    }
}

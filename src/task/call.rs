//! Callbacks on the ready queue: asyncio's `call_soon`, `call_later` and `call_at`.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Wake, Waker};
use std::time::Duration;

use crate::runtime::{Enter, Hop, TimerKey, TimerKind, run_in, try_with, with};
use crate::time::Instant;

/// Runs `callback` at its own turn in the ready queue: one slot, behind what is already
/// queued; asyncio's `loop.call_soon`.
///
/// A callback is not a task: it runs to completion between two task steps, takes one
/// ready-queue slot where a spawned task's first step would take one too, and cannot await.
/// It may use simloop (log, spawn, wake, cancel).
///
/// A callback that panics is contained, as asyncio reports a callback's exception and
/// carries on: one line on standard error (see [`PanicOutput`](crate::PanicOutput)), and
/// the run goes on with the next entry.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, log, spawn, task::call_soon, yield_now};
///
/// let out = Sim::new().run(async {
///     call_soon(|| log!("soon-1"));
///     let _t = spawn(async { log!("task step") });
///     call_soon(|| log!("soon-2"));
///     yield_now().await;
///     log!("main");
/// });
/// assert_eq!(out.trace.logs(), "t=0 soon-1\nt=0 task step\nt=0 soon-2\nt=0 main\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn call_soon(callback: impl FnOnce() + 'static) -> CallHandle {
    let state = Rc::new(Cell::new(PENDING));
    let run = with("call_soon", |c| {
        let hop = Hop::Call(guarded(state.clone(), c.capture_ambient(), callback));
        // A step of the task that scheduled it (PCT places it by that task's priority).
        let owner = c.callback_owner();
        c.park_step(hop, Some(owner));
        c.run_id()
    });
    CallHandle {
        state,
        run,
        timer: None,
        when: None,
    }
}

/// Runs `callback` once `delay` of virtual time has passed; asyncio's `loop.call_later`.
///
/// The timer is armed like a sleep's (timer jitter applies); when it fires the callback
/// takes one ready-queue slot, where a sleeping task takes two (the timer's wake-up, then
/// the task's step). A callback may arm one too, as asyncio's callbacks do (case 425).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Sim, log, sleep, task::call_later};
///
/// let out = Sim::new().run(async {
///     call_later(Duration::from_secs(1), || log!("later"));
///     let never = call_later(Duration::from_secs(1), || log!("never"));
///     assert!(never.cancel());
///     sleep(Duration::from_secs(2)).await;
/// });
/// assert_eq!(out.trace.logs(), "t=1000 later\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn call_later(delay: Duration, callback: impl FnOnce() + 'static) -> CallHandle {
    let now = with("call_later", |c| c.now());
    call_at(now + delay, callback)
}

/// Runs `callback` when the virtual clock reaches `when` (at the next pass if it has
/// already, before the timers due then whose deadlines are later, as asyncio's timer heap
/// pops the earliest deadline first); asyncio's `loop.call_at`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Instant, Sim, log, sleep, task::call_at};
///
/// let out = Sim::new().run(async {
///     call_at(Instant::ZERO + Duration::from_millis(250), || log!("at"));
///     sleep(Duration::from_secs(1)).await;
/// });
/// assert_eq!(out.trace.logs(), "t=250 at\n");
/// ```
///
/// # Panics
///
/// Panics outside a simulation.
#[track_caller]
pub fn call_at(when: Instant, callback: impl FnOnce() + 'static) -> CallHandle {
    let state = Rc::new(Cell::new(PENDING));
    let (run, timer) = with("call_at", |c| {
        let hop = Hop::Call(guarded(state.clone(), c.capture_ambient(), callback));
        let hop = c.reserve_hop(hop);
        let waker = Waker::from(Arc::new(CallWaker {
            run: c.run_id(),
            hop,
        }));
        // From a callback (no task runs), as asyncio allows: the timer is filed under the
        // main task. Its waker is foreign, so the task it is filed under matters to the
        // books (deadlock checks count any foreign timer) and to PCT: the callback's turn
        // is a step of that task (`TimerKind::Call`), placed by its priority.
        let key = match c.running() {
            Some(_) => c.arm_timer(when, &waker, TimerKind::Call),
            None => c.arm_timer_for(c.callback_owner(), when, Some(waker), TimerKind::Call),
        };
        (c.run_id(), Some((key, hop)))
    });
    CallHandle {
        state,
        run,
        timer,
        when: Some(when),
    }
}

/// A scheduled callback; asyncio's `Handle` / `TimerHandle`.
///
/// ```
/// # simloop::Sim::new().run(async {
/// let h = simloop::task::call_soon(|| {});
/// assert!(h.cancel());
/// assert!(!h.cancel(), "cancelled already");
/// # });
/// ```
pub struct CallHandle {
    state: Rc<Cell<u8>>,
    run: u64,
    /// For `call_later`/`call_at`: the timer and the hop the callback waits in.
    timer: Option<(TimerKey, u32)>,
    /// For `call_later`/`call_at`: the deadline asked for, which [`CallHandle::when`] reads.
    when: Option<Instant>,
}

const PENDING: u8 = 0;
const RAN: u8 = 1;
const CANCELLED: u8 = 2;

impl CallHandle {
    /// Cancels the callback if it has not run; returns whether it was pending. As
    /// asyncio's `Handle.cancel()`, it marks the handle cancelled even if the callback ran.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::task::call_soon(|| {});
    /// simloop::yield_now().await;
    /// assert!(!h.cancelled());
    /// assert!(!h.cancel(), "it ran");
    /// assert!(h.cancelled());
    /// # });
    /// ```
    pub fn cancel(&self) -> bool {
        if self.state.get() != PENDING {
            // asyncio's `Handle.cancel()` marks a handle whose callback already ran
            // cancelled too (`cancelled()` then reads true); nothing is left to disarm.
            self.state.set(CANCELLED);
            return false;
        }
        self.state.set(CANCELLED);
        if let Some((key, hop)) = self.timer {
            let run = self.run;
            // Disarmed before it fired: nothing will take the callback, so free it (its
            // captures are dropped outside the core).
            let freed = try_with(|c| {
                if c.run_id() != run {
                    return None;
                }
                let waker = c.cancel_timer(key)?;
                Some((waker, c.take_hop(hop)))
            })
            .flatten();
            drop(freed);
        }
        true
    }

    /// The deadline a `call_later`/`call_at` callback was scheduled for, `None` for a
    /// `call_soon` one; asyncio's `TimerHandle.when()` (a plain `Handle` has none).
    ///
    /// It is the deadline asked for: it does not change when the callback runs or is
    /// cancelled, and timer jitter (which may move when the timer fires) does not show in it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Instant, task::{call_later, call_soon}};
    /// # simloop::Sim::new().run(async {
    /// let h = call_later(Duration::from_millis(250), || {});
    /// assert_eq!(h.when(), Some(Instant::ZERO + Duration::from_millis(250)));
    /// h.cancel();
    /// assert_eq!(h.when(), Some(Instant::ZERO + Duration::from_millis(250)));
    /// assert_eq!(call_soon(|| {}).when(), None);
    /// # });
    /// ```
    pub fn when(&self) -> Option<Instant> {
        self.when
    }

    /// Whether the callback was cancelled; asyncio's `Handle.cancelled()`.
    ///
    /// ```
    /// # simloop::Sim::new().run(async {
    /// let h = simloop::task::call_soon(|| {});
    /// h.cancel();
    /// assert!(h.cancelled());
    /// # });
    /// ```
    pub fn cancelled(&self) -> bool {
        self.state.get() == CANCELLED
    }
}

impl fmt::Debug for CallHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state.get() {
            PENDING => "pending",
            RAN => "ran",
            _ => "cancelled",
        };
        f.debug_struct("CallHandle").field("state", &state).finish()
    }
}

/// `callback`, run only if its handle was not cancelled first, inside `scope` (the
/// context current when it was registered: `crate::contextvars`).
fn guarded(
    state: Rc<Cell<u8>>,
    scope: Option<Rc<dyn Enter>>,
    callback: impl FnOnce() + 'static,
) -> Box<dyn FnOnce()> {
    Box::new(move || {
        if state.get() == PENDING {
            state.set(RAN);
            run_in(scope.as_deref(), callback);
        }
    })
}

/// The waker of a `call_at` timer: at the fired timer's turn it runs the callback parked
/// at `hop`.
struct CallWaker {
    run: u64,
    hop: u32,
}

impl Wake for CallWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let hop = try_with(|c| (c.run_id() == self.run).then(|| c.take_hop(self.hop))).flatten();
        if let Some(Hop::Call(f)) = hop {
            f();
        }
    }
}

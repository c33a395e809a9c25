//! The run state: the `Core` and its fields, the run's set-up, clock, counters, trace
//! and the running task. The operations on tasks live beside it, one concept per
//! file: finding and spawning tasks (`tasks.rs`), waking them (`wakeups.rs`), arming timers
//! (`arm.rs`), their waits (`wait.rs`), their life after the spawn (`lifecycle.rs`); the
//! run's decisions and its program's fingerprint (`decide.rs`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::task::Waker;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Instant;
use super::Stats;
use super::TaskId;
use super::awaiters::Awaiters;
use super::engine::Finish;
use super::id_table::IdTable;
use super::scope::Expiries;
use super::slot::TaskSlot;
use super::timers::{Fired, Timers};
use super::waker::Wakers;
use super::{ReadyQueue, WaitOn};
use crate::schedule::{DecisionLog, Printer, Scheduler};
use crate::trace::{EventKind, Quick, TraceBuf, TraceLevel};

/// The limits a run stops at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// The step budget so far: the run's base budget plus `steps_per_task` for every task
    /// spawned until now (raised at each spawn).
    pub(crate) max_steps: u64,
    pub(crate) steps_per_task: u64,
    pub(crate) max_time: Option<Instant>,
    /// Whether a wait-for cycle stops the run as it forms ([`crate::Sim::partial_deadlocks`]).
    pub(crate) partial_deadlocks: bool,
    /// Whether deadlock reports name spawn sites ([`crate::Sim::spawn_sites`]).
    pub(crate) spawn_sites: bool,
}

/// A panic's or a cancellation's message.
pub(crate) type Message = Box<str>;

/// The cancellations requested of one task.
#[derive(Clone, Copy, Debug)]
pub(super) struct CancelRequests {
    pub(super) count: u32,
    /// The first request's requester (`None`: the event loop) and time.
    pub(super) first: (Option<TaskId>, Instant),
    /// Whether the pending cancellation is asyncio's `_must_cancel`: requested while the
    /// task ran or sat in the ready queue (not started, or woken already), so nothing it
    /// awaits was cancelled for it, and 3.13's `uncancel()` to zero withdraws it.
    pub(super) must: bool,
}

/// How a task ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Completion {
    Returned,
    Panicked(Message),
    Cancelled(Option<Message>),
}

/// What a combinator does when one of its children ends (asyncio's done-callback). Held in
/// an `Rc`: a run is single-threaded, so the combinator's state needs no lock.
pub(crate) trait DoneCallback: 'static {
    /// Child number `index` ended as `how`. Runs at the callback's own turn in the ready
    /// queue, outside the core borrow, so it may use the runtime and wake wakers.
    fn on_done(&self, index: usize, how: &Completion);

    /// Whether this registration was made under `key` (`remove_done_callback`); only a
    /// user's done-callback is, never a combinator's.
    fn keyed(&self, _key: &super::DoneCallbackKey) -> bool {
        false
    }

    /// The task whose step this callback is: a user's done-callback runs user code, as a
    /// step of the task that registered it ([`Core::callback_owner`]), which PCT places by
    /// that task's priority. `None` (a combinator's) is a pure hop: it only records the
    /// child's end and wakes the combinator's task.
    fn step_of(&self) -> Option<TaskId> {
        None
    }

    /// Called when the child ends, inside the core borrow (so it must not use the
    /// runtime): whether its callback would only count the child's end (`returned`: the
    /// child returned a value) and it was counted now instead, so that no ready-queue
    /// entry is queued for it. Only a gather's callback does (`combinators/children.rs`):
    /// a child that cannot fail the gather and is not the last one left.
    fn counted_at_end(&self, _returned: bool) -> bool {
        false
    }
}

/// What a foreign ready-queue entry (`Entry::Wake`) runs, parked in [`Core::hops`].
pub(crate) enum Hop {
    /// Wake a waker that is not its registering task's own.
    Waker(Waker),
    /// Run a done-callback of `child`.
    Callback {
        child: TaskId,
        target: Rc<dyn DoneCallback>,
        index: u32,
    },
    /// Run a callback (asyncio's `call_soon` / `call_later` handle, a promise's
    /// done-callback, a group's abort, an idle hook).
    Call(Box<dyn FnOnce()>),
}

/// All mutable state of one run, owned by the thread-local slot while the run executes and
/// reached only through `runtime::with` (one borrow at a time, never across user code).
///
/// **Sealed.** Every field is private to `runtime/` (`pub(super)` or private). The rest of
/// the crate goes through methods that state what they guarantee: the clock
/// ([`Core::now`], [`Core::advance_clock`]), the run and the running task
/// ([`Core::run_id`], [`Core::current`], [`Core::running`]), timers ([`Core::arm_timer`],
/// [`Core::arm_sleep`], [`Core::sleep_fired`], [`Core::timer_deadline`],
/// [`Core::cancel_timer`]), the step
/// budget ([`Core::spend_steps`]), the trace ([`Core::record`], [`Core::log_line`]), the
/// run's set-up and its record ([`Core::set_jitter`], [`Core::accept_remote_wakes`],
/// [`Core::take_record`], ...). Task slots are private too: the rest of the crate asks
/// about a task by id ([`Core::is_done`], [`Core::completion`], [`Core::join_output`],
/// ...), because a slot is reused once its task is gone.
pub(crate) struct Core {
    /// Tells this run from others: a waker, waiter or handle made in another run never acts
    /// on this one. Read it through [`Core::run_id`].
    pub(super) run_id: u64,
    /// The virtual clock. Only the engine advances it (to the next deadline, when nothing
    /// is ready), and [`Core::advance_clock`]; read it through [`Core::now`].
    pub(super) now: Instant,
    /// The task being polled (or whose future is being dropped), `None` between steps.
    /// Read it through [`Core::current`] or [`Core::running`]; only the engine sets it.
    pub(super) running: Option<TaskId>,
    /// The slot of the running task: the primitives a task's poll calls reach its slot
    /// without the id table ([`Core::running_slot`]). **Invariant: while `running` is
    /// `Some(id)`, `running_slot` is `id`'s slot index** (set with `running` by
    /// [`Core::start_running`]; a running task's slot is not released: it has not ended, or
    /// it ends in `complete`, which releases it last).
    running_slot: u32,
    /// The slots of live tasks. A slot is reused within the run once its task has ended,
    /// its output was taken or dropped and no poll of it is queued ([`Core::release`]), so
    /// a run holds as many slots as tasks were alive at once.
    pub(super) tasks: Vec<TaskSlot>,
    /// Where each task of the run is, by `TaskId::index` (ids are handed out in spawn order
    /// and never reused): its slot's index, or [`FREED`] with the task's end state once
    /// its slot was released (kept as compact chunks of end states, `id_table.rs`). Asked
    /// only when an id's own slot does not hold its task ([`Core::slot_index`]).
    /// **Invariant: a live entry names a slot that holds that task.**
    pub(super) slot_of: IdTable,
    /// Released slots, reused by the next spawns (last released first).
    pub(super) free_slots: Vec<u32>,
    /// What can run next ([`ReadyQueue`]: asyncio's FIFO order under the FIFO policy, a
    /// pool whose index 0 is the oldest entry under the others); pushed by wakes, timers
    /// and hops, taken only by the engine's pick.
    pub(super) ready: ReadyQueue,
    /// Entries left in the current pass (asyncio runs only what was queued when a pass began).
    pub(super) pass_left: usize,
    /// The run's strategy: asked for a pick when 2+ entries are ready (never under FIFO), and
    /// for a `choose`; told about spawns.
    pub(super) sched: Scheduler,
    /// True for the FIFO policy, which never consults the strategy.
    pub(super) fifo: bool,
    /// Whether the engine asks the strategy for its picks: `!fifo`, until main's end
    /// (`stopping`), after which the pass's rest runs in queue order (one test a step).
    pub(super) picks: bool,
    /// Every decision of a non-FIFO run, in order (the replay token's payload); appended
    /// only by [`Core::log_decision`].
    pub(super) decisions: DecisionLog,
    /// The run's counters; each is incremented where its event happens.
    pub(super) stats: Stats,
    /// The events recorded at the run's trace level (compact, rendered when read).
    pub(super) trace: TraceBuf,
    /// Armed timers by deadline. Arm through [`Core::arm_timer`] (which applies jitter and
    /// counts and traces the timer) or, for a sleep, [`Core::arm_sleep`]; query and cancel
    /// through [`Core::timer_deadline`] and [`Core::cancel_timer`] (a sleep:
    /// [`Core::sleep_fired`] and [`Core::cancel_sleep`]).
    pub(super) timers: Timers,
    /// Join awaiters and done-callbacks of every task, as linked lists.
    pub(super) awaiters: Awaiters,
    /// Wakers of ended tasks, reused by new ones.
    pub(super) wakers: Wakers,
    /// A task's waits past its first (`TaskSlot::more_waits`); lists of ended tasks are
    /// emptied and listed in `free_wait_lists` for reuse.
    pub(super) wait_lists: Vec<Vec<WaitOn>>,
    /// Indexes of emptied `wait_lists`, reused by the next task that needs one.
    pub(super) free_wait_lists: Vec<u32>,
    /// What foreign ready-queue entries (`Entry::Wake`) run, by index; `None` is free.
    /// Addressed by the entries, never iterated.
    pub(super) hops: Vec<Option<Hop>>,
    /// Beside each parked hop, by the same index: the number ([`TaskId::get`]) of the task
    /// whose step it is, for a callback that runs user code (`call_soon`, `call_later`, a
    /// user's done-callback: the task that registered it), or 0 for a pure hop (a foreign
    /// waker's wake, a combinator's done-callback), which only queues a task's step. PCT
    /// places the first kind by that task's priority (`ReadyView::step_of`). Written with
    /// its hop (`park_in`, [`Core::reserve_hop`]), so it is never stale for a queued entry.
    pub(super) hop_steps: Vec<u32>,
    /// Free indexes of `hops`.
    pub(super) free_hops: Vec<u32>,
    /// Names of the named tasks, in id order (tasks are created in id order).
    pub(super) names: Vec<(TaskId, Cow<'static, str>)>,
    /// A pending cancellation's message, then the end's (panic or cancellation) message.
    /// For a task that ended cancelled, the message is its kept `CancelledError`'s, which
    /// the first retrieval takes ([`Core::take_cancel_message`]).
    pub(super) messages: BTreeMap<TaskId, Message>,
    /// Set while a combinator reads outcomes without consuming a cancelled task's message.
    pub(super) keep_cancel_messages: bool,
    /// The cancellations requested of each task before it ended (how many: asyncio's
    /// `Task.cancelling()`; and who asked first, when, for reports); tasks never cancelled
    /// are absent.
    pub(super) cancel_counts: BTreeMap<TaskId, CancelRequests>,
    /// Tasks whose timeout expiry was absorbed by the future it cancelled (a TaskGroup's
    /// join that ended with failures): the timeout goes on polling its inner work
    /// ([`Core::absorb_expiry`]). Almost always empty.
    pub(super) absorbed_expiries: Vec<TaskId>,
    /// Tasks whose cancellation a future they await holds until it is done (a Condition
    /// waiter re-acquiring its lock: `cancel_hold.rs`), one entry a hold. Almost always empty.
    pub(super) cancel_holds: Vec<TaskId>,
    /// The task whose held cancellation is being delivered by a poll (`cancel_hold.rs`).
    pub(super) delivering: Option<TaskId>,
    /// Tasks whose held cancellation waits for their next turn (`cancel_hold.rs`).
    pub(super) parked_cancels: Vec<TaskId>,
    /// The task whose cancellation, being delivered, a `catch_cancelled` scope caught in
    /// this step: the task goes on (`cancel_hold.rs`).
    pub(super) caught: Option<TaskId>,
    /// The task that re-raised a caught cancellation in this step (`Cancelled::reraise`):
    /// an enclosing scope catches it, else the step ends the task cancelled.
    pub(super) reraised: Option<TaskId>,
    /// Timeout expiries forwarded to the tasks the timed-out work awaited: the timeout's
    /// task -> where the expiry went, until the timeout reads it or exits (`catch.rs`).
    pub(super) forwarded_expiries: BTreeMap<TaskId, super::catch::ExpiryForward>,
    /// Forwarded cancellations a gather decided when it resolved: the awaiting task -> its
    /// message if delivered, `None` if withdrawn, until the task's turn (`catch.rs`).
    pub(super) decided_forwards: BTreeMap<TaskId, Option<Option<Message>>>,
    /// Tasks a TaskGroup child's failure woke to interrupt their group's body, not polled
    /// since (`catch.rs`, case 757).
    pub(super) interrupted: Vec<TaskId>,
    /// The task whose timeout expiry is being delivered (its inner work dropping), which
    /// `cancelling()` counts (`Core::expiring`).
    pub(super) expiring: Option<TaskId>,
    /// Timeout expiries delivered whose timeout has not exited yet, one entry an expiry
    /// (`scope.rs`): `cancelling()` counts them, as asyncio's timeout callback's
    /// `Task.cancel()` counts until the timeout's exit uncancels it; a stack a task, by
    /// slot. Almost always empty.
    pub(super) expiries: Expiries,
    /// Where the run stops: the step budget (raised at each spawn) and the time limit.
    pub(super) limits: Limits,
    /// The main task (always `#1`): its end queues the end of the run.
    pub(super) main: TaskId,
    /// Set when a replay must stop at the next step: a `choose` left the recording, or the
    /// program's fingerprint does not match the token's.
    pub(super) stop_next: Option<Finish>,
    /// The earliest deadline the running task's poll has slept until since [`SLEEPING`] was
    /// set in it (`Core::sleep_on`); meaningful only while the flag is set. A deferred
    /// timeout deadline asks it (`runtime/deferred.rs`).
    ///
    /// [`SLEEPING`]: super::slot::SLEEPING
    pub(super) first_sleep: u64,
    /// Set when the main task's end (`Entry::Stop`, asyncio's `loop.stop()`) was taken with
    /// entries left in its pass: asyncio ends the loop only after the iteration it runs in,
    /// so the run stops once that pass is spent.
    pub(super) stopping: bool,
    /// The fingerprint of the program's first events (`schedule/program.rs`), checked
    /// against the replayed token's; fed only while it is open.
    pub(super) program: Printer,
    /// Why the run stopped, once it has.
    pub(super) finish: Option<Finish>,
    /// Timer jitter (`Sim::timer_jitter`): each timer fires up to this much later, by a
    /// recorded choice. `None` (the default) and the FIFO policy leave deadlines exact.
    pub(super) jitter: Option<std::time::Duration>,
    /// Where wakes from other threads arrive, for runs that accept them
    /// (`Sim::accept_remote_wakes`), and how long an idle run waits for one.
    pub(super) remote: Option<(std::sync::Arc<super::Inbox>, std::time::Duration)>,
    /// While set, an idle run waits in real time for remote wakes until its next timer
    /// (`Sim::pace_clock`, `remote.rs`).
    pub(super) pace: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// The hook called when nothing is ready (`Sim::on_idle`), and its state.
    pub(super) idle: Option<super::idle::Idle>,
    /// The random picks predicted and read ahead (`read_ahead.rs`).
    pub(super) ahead: super::read_ahead::ReadAhead,
    /// Scratch for the engine: the timers a pass's start fired, before they are queued
    /// (empty between passes; kept for its capacity).
    pub(super) fired: Vec<Fired>,
    /// The run's seed, which also seeds the program's generator.
    seed: u64,
    /// The program's generator, seeded at its first use (most runs never draw).
    user_rng: Option<ChaCha8Rng>,
    /// An upper layer's per-run state (context variables), installed on its first use
    /// (`ambient.rs`); `None` in runs that never use it.
    pub(super) ambient: Option<Box<dyn super::ambient::Ambient>>,
    /// Whether every spawn starts its task eagerly (`Sim::eager_tasks`, `eager.rs`).
    pub(super) eager_tasks: bool,
    /// How many eager starts are under way, one inside the other (`eager.rs`); 0 between
    /// steps.
    pub(super) eager_depth: u32,
}

/// The stream of the seeded ChaCha generator reserved for user code; strategies use stream 0.
const USER_STREAM: u64 = 1;

impl Core {
    /// A core for a new run: the one the previous run on this thread left, emptied, or a
    /// fresh one.
    pub(crate) fn new(
        run_id: u64,
        seed: u64,
        sched: Scheduler,
        limits: Limits,
        level: TraceLevel,
    ) -> Box<Core> {
        let mut core = super::pool::take().unwrap_or_else(|| Box::new(Core::empty()));
        core.run_id = run_id;
        core.seed = seed;
        core.fifo = sched.is_fifo();
        core.picks = !core.fifo;
        core.ready.reset(core.fifo);
        core.sched = sched;
        core.limits = limits;
        core.trace.start(level, run_id);
        core
    }

    fn empty() -> Core {
        Core {
            run_id: 0,
            now: Instant::ZERO,
            running: None,
            running_slot: 0,
            tasks: Vec::new(),
            slot_of: IdTable::default(),
            free_slots: Vec::new(),
            ready: ReadyQueue::default(),
            pass_left: 0,
            fifo: true,
            picks: false,
            sched: Scheduler::Fifo(crate::schedule::Fifo),
            decisions: DecisionLog::default(),
            stats: Stats::default(),
            trace: TraceBuf::new(TraceLevel::Off),
            timers: Timers::default(),
            awaiters: Awaiters::new(),
            wakers: Wakers::default(),
            wait_lists: Vec::new(),
            free_wait_lists: Vec::new(),
            hops: Vec::new(),
            hop_steps: Vec::new(),
            free_hops: Vec::new(),
            names: Vec::new(),
            messages: BTreeMap::new(),
            keep_cancel_messages: false,
            cancel_counts: BTreeMap::new(),
            absorbed_expiries: Vec::new(),
            cancel_holds: Vec::new(),
            delivering: None,
            parked_cancels: Vec::new(),
            caught: None,
            reraised: None,
            forwarded_expiries: BTreeMap::new(),
            decided_forwards: BTreeMap::new(),
            interrupted: Vec::new(),
            expiring: None,
            expiries: Expiries::default(),
            limits: Limits {
                max_steps: 0,
                steps_per_task: 0,
                max_time: None,
                partial_deadlocks: true,
                spawn_sites: true,
            },
            main: TaskId::from_index(0),
            stop_next: None,
            stopping: false,
            first_sleep: 0,
            program: Printer::default(),
            finish: None,
            jitter: None,
            remote: None,
            pace: None,
            idle: None,
            ahead: Default::default(),
            fired: Vec::new(),
            seed: 0,
            user_rng: None,
            ambient: None,
            eager_tasks: false,
            eager_depth: 0,
        }
    }

    /// Empties the core after a run (what the outcome needed was taken out already),
    /// keeping the capacity of every buffer. The decision log, moved into the token, is
    /// replaced by one sized like it.
    pub(crate) fn clear(&mut self) {
        self.now = Instant::ZERO;
        self.running = None;
        for slot in self.tasks.drain(..) {
            if let Some(waker) = slot.waker {
                self.wakers.retire(waker);
            }
        }
        self.slot_of.clear();
        self.free_slots.clear();
        self.ready.clear();
        self.pass_left = 0;
        // A run that only counted its decisions (a seed-only token) needs no buffer: the
        // next run of the same kind would not use it (W3's peak held 8 kB of it).
        let hint = if self.decisions.is_recorded() {
            self.stats
                .decisions
                .min(super::pool::DECISIONS_HINT_MAX as u64) as usize
        } else {
            0
        };
        if self.decisions.capacity() < hint {
            self.decisions = DecisionLog::with_capacity(hint);
        }
        self.decisions.clear();
        self.stats = Stats::default();
        self.trace.clear();
        self.timers.clear();
        self.awaiters.clear();
        // Every list is emptied and free, so the next run reuses their capacity.
        for list in &mut self.wait_lists {
            list.clear();
        }
        self.free_wait_lists.clear();
        self.free_wait_lists
            .extend((0..self.wait_lists.len() as u32).rev());
        self.hops.clear();
        self.hop_steps.clear();
        self.free_hops.clear();
        self.names.clear();
        self.messages.clear();
        self.keep_cancel_messages = false;
        self.cancel_counts.clear();
        self.absorbed_expiries.clear();
        self.cancel_holds.clear();
        self.delivering = None;
        self.parked_cancels.clear();
        self.caught = None;
        self.reraised = None;
        self.forwarded_expiries.clear();
        self.decided_forwards.clear();
        self.interrupted.clear();
        self.expiring = None;
        self.expiries.clear();
        self.main = TaskId::from_index(0);
        self.stop_next = None;
        self.stopping = false;
        self.program = Printer::default();
        self.finish = None;
        self.jitter = None;
        self.remote = None;
        self.pace = None;
        self.idle = None;
        self.user_rng = None;
        self.ambient = None;
        self.eager_tasks = false;
        self.eager_depth = 0;
        self.ahead = Default::default();
    }

    /// The running task.
    ///
    /// # Panics
    ///
    /// Panics when called between task steps; primitives are only polled inside a task.
    #[track_caller]
    #[inline]
    pub(crate) fn current(&self) -> TaskId {
        self.running
            .expect("simloop: primitive used outside a task step")
    }

    /// The task being polled (or whose future is being dropped), `None` between steps
    /// (in a done-callback or a `call_soon` callback). See also [`Core::current`].
    #[inline]
    pub(crate) fn running(&self) -> Option<TaskId> {
        self.running
    }

    /// Charges `units` steps of work done inside a poll to the step budget
    /// (`task::spend_steps`). **Invariant: the count never passes the limit** (it stops at
    /// it: the run ends there anyway, before the next pass). Returns whether the budget is
    /// spent.
    pub(crate) fn spend_steps(&mut self, units: u64) -> bool {
        let limit = self.limits.max_steps.max(self.stats.steps);
        self.stats.steps = self.stats.steps.saturating_add(units).min(limit);
        self.stats.steps >= self.limits.max_steps
    }

    /// Records a log line of the running task (or of none, between steps) at the current
    /// time, when the trace level keeps logs (`trace::log_line`).
    pub(crate) fn log_line(&mut self, line: &str) {
        self.trace.log(self.now, self.running, line);
    }

    /// Sets timer jitter for this run (`Sim::timer_jitter`). Set before the run starts:
    /// every timer armed afterwards is moved by a recorded choice.
    pub(crate) fn set_jitter(&mut self, jitter: Option<std::time::Duration>) {
        self.jitter = jitter;
    }

    /// Makes this run accept wakes from other threads through `inbox`, an idle run waiting
    /// up to `wait` for one (`Sim::accept_remote_wakes`). Set before the run starts.
    pub(crate) fn accept_remote_wakes(
        &mut self,
        inbox: std::sync::Arc<super::Inbox>,
        wait: std::time::Duration,
    ) {
        self.remote = Some((inbox, wait));
    }

    /// Paces the run's clock by the real one while `flag` is set (`Sim::pace_clock`). Set
    /// before the run starts.
    pub(crate) fn pace_clock(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.pace = Some(flag);
    }

    /// Calls `hook` whenever the run has nothing ready (`Sim::on_idle`). Set before the run
    /// starts.
    pub(crate) fn on_idle(&mut self, hook: super::IdleHook) {
        self.idle = Some(super::idle::Idle::new(hook));
    }

    /// The step budget in force (it grows with each spawn).
    pub(crate) fn step_limit(&self) -> u64 {
        self.limits.max_steps
    }

    /// The run's counters so far.
    pub(crate) fn stats(&self) -> Stats {
        self.stats
    }

    /// Takes what the outcome of a finished run keeps: its compact trace, the names of its
    /// named tasks and its decision log (the counters then count the decisions). The core
    /// is emptied and parked afterwards, so these are moved out rather than copied.
    pub(crate) fn take_record(
        &mut self,
    ) -> (
        crate::trace::Packed,
        Vec<(TaskId, Cow<'static, str>)>,
        DecisionLog,
    ) {
        self.stats.decisions = self.decisions.len() as u64;
        let log = std::mem::take(&mut self.decisions);
        // The empty log left behind keeps the mode, so that `clear` sizes it for the next
        // run only when this one kept its decisions.
        self.decisions.keep(log.is_recorded());
        (self.trace.take(), std::mem::take(&mut self.names), log)
    }

    /// The run's id: a waker, waiter or handle that remembers it acts on this run only
    /// (**invariant: unique among the runs of the process**, `runtime::next_run_id`).
    #[inline]
    pub(crate) fn run_id(&self) -> u64 {
        self.run_id
    }

    /// The virtual clock. **Invariant: it never moves backwards**; the engine moves it to
    /// the next deadline when nothing is ready, and [`Core::advance_clock`] by a duration.
    #[inline]
    pub(crate) fn now(&self) -> Instant {
        self.now
    }

    /// Moves the clock forward by `by` at once (`time::advance`); timers that become due
    /// fire at the next pass, in deadline order, as if the time had passed.
    pub(crate) fn advance_clock(&mut self, by: std::time::Duration) {
        self.now = self.now.saturating_add(by);
        if self.trace.full() {
            self.trace.quick(self.now, None, Quick::ClockAdvanced);
        }
    }

    /// The program's seeded generator (`crate::rng`), on a stream of its own.
    pub(crate) fn user_rng(&mut self) -> &mut ChaCha8Rng {
        let seed = self.seed;
        self.user_rng.get_or_insert_with(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(USER_STREAM);
            rng
        })
    }

    pub(crate) fn name(&self, id: TaskId) -> Option<&str> {
        crate::trace::name_of(&self.names, id)
    }

    /// Names task `id` `name` from now on (asyncio's `Task.set_name`), the main task too.
    /// **Invariant: `names` stays in id order, one entry a task**; a trace rendered after
    /// the run labels the task by its last name, events before the rename included.
    pub(crate) fn set_name(&mut self, id: TaskId, name: Cow<'static, str>) {
        match self.names.binary_search_by_key(&id, |(t, _)| *t) {
            Ok(i) => self.names[i].1 = name,
            Err(i) => self.names.insert(i, (id, name)),
        }
    }

    /// `#3 name`, the way traces and reports name a task.
    pub(crate) fn label(&self, id: TaskId) -> String {
        crate::trace::task_label(id, self.name(id))
    }

    /// Adds an event to the trace. Out of line: hot paths call it only when tracing fully.
    #[cold]
    #[inline(never)]
    pub(crate) fn record(&mut self, kind: EventKind) {
        self.trace.record(self.now, self.running, kind);
    }

    /// Records a string-less event of the full trace, in the running task (callers test
    /// that the trace is full first).
    #[inline]
    pub(crate) fn record_quick(&mut self, event: Quick) {
        self.trace.quick(self.now, self.running, event);
    }

    /// Makes `id`, whose slot is `slot`, the running task (the one place that sets
    /// `running` to a task, so that `running_slot` follows it).
    #[inline]
    pub(super) fn start_running(&mut self, id: TaskId, slot: usize) {
        debug_assert_eq!(self.slot_index(id), Some(slot));
        self.running = Some(id);
        self.running_slot = slot as u32;
    }

    /// The running task's slot, `None` between steps: one read fewer than [`Core::live`]
    /// (the id table's), for what a task's poll asks of its own slot.
    #[inline]
    pub(super) fn running_slot(&mut self) -> Option<&mut TaskSlot> {
        debug_assert!(
            self.running
                .is_none_or(|id| self.slot_index(id) == Some(self.running_slot as usize))
        );
        let s = self.running_slot as usize;
        self.running.map(|_| &mut self.tasks[s])
    }

    /// The running task's slot index ([`Core::running_slot`]), `None` between steps.
    #[inline]
    pub(super) fn running_slot_index(&self) -> Option<usize> {
        self.running.map(|_| self.running_slot as usize)
    }

    /// [`Core::foreign`] for the running task, which has a slot: one read fewer (the id
    /// table's), for a primitive registering the task that polls it.
    #[inline]
    pub(crate) fn foreign_to_running(&self, waker: &Waker) -> Option<Waker> {
        debug_assert!(self.running.is_some());
        let own = self.tasks[self.running_slot as usize].owns(waker);
        (!own).then(|| waker.clone())
    }
}

//! The run state and the operations primitives perform on it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Waker;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::Instant;
use super::Stats;
use super::TaskId;
use super::awaiters::{Awaiters, Waiter};
use super::cell::TaskCell;
use super::context::defer_wake;
use super::engine::Finish;
use super::id_table::{ENDED_ENTRY, FREED, IdTable, QUEUED_ENTRY, SLOT_MASK};
use super::ready::Entry;
use super::slot::{
    ABANDONING, CANCEL, DETACHED, END_CANCELLED, END_MASK, END_PANICKED, END_RETURNED, NONE,
    QUEUED, SLEEPING, TaskSlot,
};
use super::timers::{Deadline, Fired, TimerKey, TimerKind, Timers};
use super::waker::Wakers;
use super::{ErasedTask, ReadyQueue, WaitOn};
use crate::schedule::{
    Decision, DecisionLog, Divergence, Printer, ProgramFingerprint, ProgramMismatch, Scheduler,
};
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
}

/// A panic's or a cancellation's message.
pub(crate) type Message = Box<str>;

/// The cancellations requested of one task.
#[derive(Clone, Copy, Debug)]
pub(super) struct CancelRequests {
    count: u32,
    /// The first request's requester (`None`: the event loop) and time.
    first: (Option<TaskId>, Instant),
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
    /// Run a callback (asyncio's `call_soon` / `call_later` handle).
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
/// about a task by id ([`Core::is_done`], [`Core::completion`], [`Core::take_output`],
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
    /// its slot was released (kept as compact chunks of end states, `id_table.rs`).
    /// **Invariant: a live entry names a slot that holds that task.**
    pub(super) slot_of: IdTable,
    /// Released slots, reused by the next spawns (last released first).
    free_slots: Vec<u32>,
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
    /// Free indexes of `hops`.
    pub(super) free_hops: Vec<u32>,
    /// Names of the named tasks, in id order (tasks are created in id order).
    pub(super) names: Vec<(TaskId, Cow<'static, str>)>,
    /// A pending cancellation's message, then the end's (panic or cancellation) message.
    pub(super) messages: BTreeMap<TaskId, Message>,
    /// The cancellations requested of each task before it ended (how many: asyncio's
    /// `Task.cancelling()`; and who asked first, when, for reports); tasks never cancelled
    /// are absent.
    cancel_counts: BTreeMap<TaskId, CancelRequests>,
    /// Where the run stops: the step budget (raised at each spawn) and the time limit.
    pub(super) limits: Limits,
    /// The main task (always `#1`): its end queues the end of the run.
    pub(super) main: TaskId,
    /// Set when a replay must stop at the next step: a `choose` left the recording, or the
    /// program's fingerprint does not match the token's.
    pub(super) stop_next: Option<Finish>,
    /// The fingerprint of the program's first events (`schedule/program.rs`), checked
    /// against the replayed token's; fed only while it is open.
    program: Printer,
    /// Why the run stopped, once it has.
    pub(super) finish: Option<Finish>,
    /// Timer jitter (`Sim::timer_jitter`): each timer fires up to this much later, by a
    /// recorded choice. `None` (the default) and the FIFO policy leave deadlines exact.
    pub(super) jitter: Option<std::time::Duration>,
    /// Where wakes from other threads arrive, for runs that accept them
    /// (`Sim::accept_remote_wakes`), and how long an idle run waits for one.
    pub(super) remote: Option<(std::sync::Arc<super::Inbox>, std::time::Duration)>,
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
}

/// [`Core::park`] on the parts of the core it uses (for code that borrows others at once).
#[inline]
pub(crate) fn park_in(
    hops: &mut Vec<Option<Hop>>,
    free_hops: &mut Vec<u32>,
    ready: &mut ReadyQueue,
    hop: Hop,
) {
    let k = match free_hops.pop() {
        Some(k) => {
            hops[k as usize] = Some(hop);
            k
        }
        None => {
            hops.push(Some(hop));
            u32::try_from(hops.len() - 1).expect("fewer than 2^32 pending hops")
        }
    };
    ready.push_back(Entry::Wake(k));
}

/// How many delays timer jitter chooses among (0 to the full jitter, in quarters).
const JITTER_LEVELS: usize = 5;

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
            free_hops: Vec::new(),
            names: Vec::new(),
            messages: BTreeMap::new(),
            cancel_counts: BTreeMap::new(),
            limits: Limits {
                max_steps: 0,
                steps_per_task: 0,
                max_time: None,
                partial_deadlocks: true,
            },
            main: TaskId::from_index(0),
            stop_next: None,
            program: Printer::default(),
            finish: None,
            jitter: None,
            remote: None,
            idle: None,
            ahead: Default::default(),
            fired: Vec::new(),
            seed: 0,
            user_rng: None,
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
        self.free_hops.clear();
        self.names.clear();
        self.messages.clear();
        self.cancel_counts.clear();
        self.main = TaskId::from_index(0);
        self.stop_next = None;
        self.program = Printer::default();
        self.finish = None;
        self.jitter = None;
        self.remote = None;
        self.idle = None;
        self.user_rng = None;
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

    /// Sets whether this run's decisions are kept, or only counted and fingerprinted (a run
    /// that is a function of its seed: `Sim::record_decisions`). Set before the run starts.
    pub(crate) fn keep_decisions(&mut self, on: bool) {
        self.decisions.keep(on);
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

    /// Calls `hook` whenever the run has nothing ready (`Sim::on_idle`). Set before the run
    /// starts.
    pub(crate) fn on_idle(&mut self, hook: super::IdleHook) {
        self.idle = Some(super::idle::Idle::new(hook));
    }

    /// Tells the strategy that the run ended; a replay reports recorded decisions left
    /// unused (a divergence, or, inside the fingerprint's window, another program). Called
    /// once, after the run.
    pub(crate) fn finish_strategy(&mut self) -> Result<(), Finish> {
        self.sched.finish().map_err(|d| self.replay_left(d))
    }

    /// Makes this run a replay of a token recorded from the program `recorded`: its first
    /// events are checked against that fingerprint. Set before the run starts.
    pub(crate) fn expect_program(&mut self, recorded: ProgramFingerprint) {
        self.program = Printer::new(Some(recorded));
    }

    /// The fingerprint of the program's first events (the token's).
    pub(crate) fn program(&self) -> ProgramFingerprint {
        self.program.fingerprint()
    }

    /// Feeds the program's end (the main task's, or a deadlock: not a limit) to its
    /// fingerprint; for a replay that ended before it saw as many events as its token's
    /// fingerprint covers, the mismatch of programs that this is.
    pub(crate) fn end_program(&mut self) -> Result<(), ProgramMismatch> {
        self.program.end(self.stats.steps)
    }

    /// Why a replay that left its recording stops: inside the fingerprint's window the token
    /// was recorded from another program (`schedule/program.rs`), past it the run diverged.
    #[cold]
    pub(super) fn replay_left(&self, d: Divergence) -> Finish {
        match self.program.check_early_end() {
            Err(m) => Finish::OtherProgram(m),
            Ok(()) => Finish::Diverged(d),
        }
    }

    /// The program fingerprint's window just closed: a replay whose events differ from
    /// its token's stops at the next step.
    #[cold]
    fn program_window_closed(&mut self) {
        if let Err(m) = self.program.check() {
            self.stop_next.get_or_insert(Finish::OtherProgram(m));
        }
    }

    /// The decisions logged so far (kept, or only counted: `Core::keep_decisions`).
    pub(crate) fn decisions(&self) -> &DecisionLog {
        &self.decisions
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

    /// How many tasks the run spawned (the main task included).
    #[inline]
    pub(crate) fn task_count(&self) -> usize {
        self.slot_of.len()
    }

    /// The index of task `id`'s slot, `None` once it was released (the task ended and
    /// nothing will read its slot again).
    #[inline]
    pub(crate) fn slot_index(&self, id: TaskId) -> Option<usize> {
        let e = self.slot_of.raw(id.index());
        (e & FREED == 0).then_some((e & SLOT_MASK) as usize)
    }

    /// Task `id`'s slot while it has one.
    #[inline]
    pub(crate) fn slot_mut(&mut self, id: TaskId) -> Option<&mut TaskSlot> {
        let s = self.slot_index(id)?;
        Some(&mut self.tasks[s])
    }

    /// The slot of task `id`, which is alive or has an output to hand over (a running,
    /// queued or suspending task: its slot is not released before it ends and its output
    /// is gone).
    ///
    /// # Panics
    ///
    /// Panics when the slot was released, which would be a bug in the engine.
    #[inline]
    #[track_caller]
    pub(crate) fn live(&mut self, id: TaskId) -> &mut TaskSlot {
        let s = self.slot_index(id).expect("a live task has a slot");
        &mut self.tasks[s]
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

    /// [`Core::foreign`] for the running task, which has a slot: one read fewer (the id
    /// table's), for a primitive registering the task that polls it.
    #[inline]
    pub(crate) fn foreign_to_running(&self, waker: &Waker) -> Option<Waker> {
        debug_assert!(self.running.is_some());
        let own = self.tasks[self.running_slot as usize].owns(waker);
        (!own).then(|| waker.clone())
    }

    /// Task `id`'s state bits: its slot's and `QUEUED` from its id-table entry, or once the
    /// slot was released, its end and `DETACHED` bits.
    #[inline]
    pub(super) fn state_of(&self, id: TaskId) -> u8 {
        let e = self.slot_of.raw(id.index());
        if e & FREED == 0 {
            const SHIFT: u32 = QUEUED_ENTRY.trailing_zeros() - QUEUED.trailing_zeros();
            let queued = (e >> SHIFT) as u8 & QUEUED;
            self.tasks[(e & SLOT_MASK) as usize].state | queued
        } else {
            e as u8
        }
    }

    /// Whether task `id`, which has a slot, is in the ready queue (its id-table entry's
    /// flag: **invariant: set exactly when an `Entry::Poll` of the task is queued**, so a task
    /// is never queued twice).
    #[inline]
    pub(super) fn queued_flag(&self, id: TaskId) -> bool {
        self.slot_of.raw(id.index()) & QUEUED_ENTRY != 0
    }

    /// Marks task `id`, which has a slot (a queued task keeps it: `QUEUED` holds off
    /// `release`), out of the ready queue (its poll was picked); returns its slot index.
    #[inline]
    pub(super) fn unqueue(&mut self, id: TaskId) -> usize {
        self.slot_of.unqueue(id.index()) as usize
    }

    /// Marks task `id`'s id-table entry ended (with its slot's end state, which says how).
    #[inline]
    pub(super) fn mark_entry_ended(&mut self, id: TaskId) {
        self.slot_of.set_flag(id.index(), ENDED_ENTRY);
    }

    /// Releases task `id`'s slot for reuse if nothing will read it again: the task ended,
    /// its output was taken or dropped, and no poll of it is queued. Its end state stays
    /// readable ([`Core::completion`]); everything else in the slot was cleared when it
    /// ended.
    #[inline]
    pub(crate) fn release(&mut self, id: TaskId) {
        let Some(s) = self.slot_index(id) else { return };
        let slot = &self.tasks[s];
        if slot.is_done() && slot.cell.is_none() && !self.queued_flag(id) {
            // Every way a task ends clears these, the run's teardown (`mark_ended`) included.
            debug_assert!(slot.waker.is_none() && slot.waiters == NONE && slot.more_waits == NONE);
            self.slot_of
                .free(id.index(), slot.state & (END_MASK | DETACHED));
            self.free_slots.push(s as u32);
        }
    }

    /// Whether task `id` has ended.
    #[inline]
    pub(crate) fn is_done(&self, id: TaskId) -> bool {
        self.state_of(id) & END_MASK != 0
    }

    /// Whether task `id` is in the ready queue.
    #[inline]
    pub(crate) fn is_queued(&self, id: TaskId) -> bool {
        self.state_of(id) & QUEUED != 0
    }

    /// Whether task `id` will give up what it waits on at its turn: a cancellation is
    /// pending, or a timeout's deadline was delivered to it since its last poll.
    #[inline]
    pub(crate) fn abandoning(&self, id: TaskId) -> bool {
        self.state_of(id) & (CANCEL | ABANDONING) != 0
    }

    /// Whether task `id` is detached (its join handle was dropped).
    #[inline]
    pub(crate) fn is_detached(&self, id: TaskId) -> bool {
        self.state_of(id) & DETACHED != 0
    }

    /// How many cancellations of task `id` were requested before it ended (asyncio's
    /// `Task.cancelling()`).
    pub(crate) fn cancel_requests(&self, id: TaskId) -> u32 {
        self.cancel_counts.get(&id).map_or(0, |c| c.count)
    }

    /// Who first asked to cancel task `id` (`None`: the event loop, e.g. a timeout's
    /// expiry), and when; `None` if nobody did.
    pub(crate) fn first_cancel_request(&self, id: TaskId) -> Option<(Option<TaskId>, Instant)> {
        self.cancel_counts.get(&id).map(|c| c.first)
    }

    /// Counts a cancellation request of task `id`, which has not ended, by the running task.
    pub(crate) fn count_cancel_request(&mut self, id: TaskId) {
        let first = (self.running, self.now);
        self.cancel_counts
            .entry(id)
            .or_insert(CancelRequests { count: 0, first })
            .count += 1;
    }

    /// How task `id` ended, if it has.
    pub(crate) fn completion(&self, id: TaskId) -> Option<Completion> {
        let message = || self.messages.get(&id).cloned();
        match self.state_of(id) & END_MASK {
            END_RETURNED => Some(Completion::Returned),
            END_PANICKED => Some(Completion::Panicked(message().unwrap_or_default())),
            END_CANCELLED => Some(Completion::Cancelled(message())),
            _ => None,
        }
    }

    /// Creates a task and queues its first step behind what is already ready.
    pub(crate) fn spawn<F: Future + 'static>(
        &mut self,
        name: Option<Cow<'static, str>>,
        future: F,
    ) -> TaskId {
        self.spawn_cell(name, TaskCell::boxed(future))
    }

    /// [`Core::spawn`] of a future boxed already ([`TaskCell::boxed`], outside the core
    /// borrow, so that a large future is moved once).
    pub(crate) fn spawn_cell(
        &mut self,
        name: Option<Cow<'static, str>>,
        mut cell: Pin<Box<dyn ErasedTask>>,
    ) -> TaskId {
        let id = TaskId::from_index(self.slot_of.len());
        let waker = self.wakers.take(self.run_id, id);
        cell.as_mut().set_waker(Waker::from(waker.clone()));
        if self.program.is_open()
            && self
                .program
                .spawn(self.running, name.as_deref(), self.stats.steps)
        {
            self.program_window_closed();
        }
        if let Some(name) = name {
            self.names.push((id, name));
        }
        let slot = TaskSlot::new(cell, waker);
        let s = match self.free_slots.pop() {
            Some(s) => {
                self.tasks[s as usize] = slot;
                s
            }
            None => {
                self.tasks.push(slot);
                let s = u32::try_from(self.tasks.len() - 1).unwrap_or(u32::MAX);
                assert!(
                    s <= SLOT_MASK,
                    "simloop: fewer than 2^29 tasks alive at once"
                );
                s
            }
        };
        self.slot_of.push(s);
        self.ready.push_back(Entry::Poll(id));
        self.stats.tasks += 1;
        self.limits.max_steps = self
            .limits
            .max_steps
            .saturating_add(self.limits.steps_per_task);
        self.sched.on_spawn(id);
        if self.trace.full() {
            self.record_quick(Quick::Spawn(id));
        }
        id
    }

    /// Queues a task's next step unless it is queued already or finished.
    ///
    /// Reads and writes only the task's id-table entry (its `QUEUED` and ended flags), not
    /// its slot: in a big run a wake is a cache miss per line it reads.
    #[inline]
    pub(crate) fn wake_task(&mut self, id: TaskId) {
        self.wake_entry(id);
    }

    /// [`Core::wake_task`], always inlined (the engine's hop; an out-of-line call per wake
    /// cost W1 1.4% instructions).
    #[inline(always)]
    pub(super) fn wake_entry(&mut self, id: TaskId) {
        let i = id.index();
        if self.slot_of.raw(i) & (FREED | QUEUED_ENTRY | ENDED_ENTRY) == 0 {
            self.slot_of.set_flag(i, QUEUED_ENTRY);
            self.queue_woken(id);
        }
    }

    /// Queues `id`, just marked queued, for its next step (always inlined: the full
    /// trace's inlined recording made it too large for the inliner, and an out-of-line
    /// call on every wake cost W1 1.5% instructions with tracing off).
    #[inline(always)]
    fn queue_woken(&mut self, id: TaskId) {
        self.ready.push_back(Entry::Poll(id));
        self.stats.wakes += 1;
        if self.trace.full() {
            self.record_quick(Quick::Wake(id));
        }
    }

    /// Wakes a waker that `task` registered: directly when it is the task's own waker, after
    /// the core borrow otherwise (a waker from a combinator such as `FuturesUnordered`).
    #[inline]
    pub(crate) fn wake(&mut self, task: TaskId, waker: &Waker) {
        if !self.owns(task, waker) {
            return defer_wake(waker.clone());
        }
        self.wake_task(task);
    }

    /// Whether `waker` is `task`'s own waker.
    #[inline]
    pub(crate) fn owns(&self, task: TaskId, waker: &Waker) -> bool {
        self.slot_index(task)
            .is_some_and(|s| self.tasks[s].owns(waker))
    }

    /// `None` when `waker` is `task`'s own waker, else a clone of it: what timers and
    /// waiters keep.
    #[inline]
    pub(crate) fn foreign(&self, task: TaskId, waker: &Waker) -> Option<Waker> {
        (!self.owns(task, waker)).then(|| waker.clone())
    }

    /// Queues a foreign entry that runs `hop`.
    #[inline]
    pub(crate) fn park(&mut self, hop: Hop) {
        park_in(&mut self.hops, &mut self.free_hops, &mut self.ready, hop);
    }

    /// Parks `hop` at an index of the hop table without queueing it (a `call_later`
    /// callback, queued when its timer fires); [`Core::take_hop`] takes it back.
    pub(crate) fn reserve_hop(&mut self, hop: Hop) -> u32 {
        match self.free_hops.pop() {
            Some(k) => {
                self.hops[k as usize] = Some(hop);
                k
            }
            None => {
                self.hops.push(Some(hop));
                u32::try_from(self.hops.len() - 1).expect("fewer than 2^32 pending hops")
            }
        }
    }

    /// Takes what the entry `Entry::Wake(k)` runs.
    #[inline]
    pub(crate) fn take_hop(&mut self, k: u32) -> Hop {
        self.free_hops.push(k);
        self.hops[k as usize]
            .take()
            .expect("a queued Entry::Wake names a parked hop")
    }

    /// Registers `target.on_done(index, ..)` as a done-callback of `child`: it runs one
    /// ready-queue slot after `child` ends, in registration order with the task's other
    /// waiters; at once (one slot from now) if `child` already ended. asyncio's
    /// `add_done_callback`, the hop of gather, wait, shield, as_completed and TaskGroup.
    pub(crate) fn add_done_callback(
        &mut self,
        child: TaskId,
        target: Rc<dyn DoneCallback>,
        index: u32,
    ) {
        if self.is_done(child) {
            self.park(Hop::Callback {
                child,
                target,
                index,
            });
        } else {
            let s = self
                .slot_index(child)
                .expect("a task that has not ended has a slot");
            self.awaiters.push(
                &mut self.tasks[s].waiters,
                Waiter::Callback { target, index },
            );
        }
    }

    /// Registers the running task as an awaiter of `child`, woken through `waker` when
    /// `child` ends, unless it is registered with that waker already. `child` has not ended.
    pub(crate) fn await_task(&mut self, child: TaskId, waker: &Waker) {
        let me = self.current();
        let waker = self.foreign(me, waker);
        let s = self
            .slot_index(child)
            .expect("a task that has not ended has a slot");
        let slot = &mut self.tasks[s];
        let registered = self.awaiters.iter(slot.waiters).any(|w| match (w, &waker) {
            (Waiter::Wake { task, waker: None }, None) => *task == me,
            (
                Waiter::Wake {
                    task,
                    waker: Some(w),
                },
                Some(mine),
            ) => *task == me && w.will_wake(mine),
            _ => false,
        });
        if !registered {
            self.awaiters
                .push(&mut slot.waiters, Waiter::Wake { task: me, waker });
        }
    }

    /// Arms a timer of `kind` for the running task, which fires through `waker` at
    /// `deadline`: the one way to arm a timer, so that jitter and counting apply to sleeps
    /// and timeouts alike.
    pub(crate) fn arm_timer(
        &mut self,
        deadline: Instant,
        waker: &Waker,
        kind: TimerKind,
    ) -> TimerKey {
        let task = self.current();
        let waker = self.foreign_to_running(waker);
        self.arm_timer_for(task, deadline, waker, kind)
    }

    /// [`Core::arm_timer`] for `task` (not necessarily the running one: a timeout moved by
    /// its handle), with `waker` already `None` when it is the task's own. A cancel timer
    /// whose deadline has passed is queued at once (asyncio's `call_soon` of the timeout
    /// callback).
    pub(crate) fn arm_timer_for(
        &mut self,
        task: TaskId,
        deadline: Instant,
        waker: Option<Waker>,
        kind: TimerKind,
    ) -> TimerKey {
        let deadline = match self.jitter {
            // One of 0, 1/4, 1/2, 3/4 or all of the jitter: a recorded choice, so replays
            // see the same deadlines; index 0 (no delay) is the FIFO choice.
            Some(max) if !max.is_zero() => {
                deadline.saturating_add(max * self.choose(JITTER_LEVELS) as u32 / 4)
            }
            _ => deadline,
        };
        if kind == TimerKind::Cancel && deadline <= self.now {
            let (key, index) = self.timers.arm_due(task, waker);
            self.ready.push_back(Entry::Timer(index));
            return key;
        }
        self.stats.timers += 1;
        if self.trace.full() {
            self.record_quick(Quick::TimerArmed(deadline));
        }
        self.timers.arm(deadline, task, waker, kind)
    }

    /// Arms the running task's sleep until `deadline` (after the clock) through `waker`: the
    /// timer of [`Core::arm_timer`] with [`TimerKind::Wake`], counted, traced and fired
    /// alike, but on the task's own waker and without jitter it takes no slab entry (see
    /// `timers/sleeps.rs`). Ask [`Core::sleep_fired`] and [`Core::cancel_sleep`] about it,
    /// with the same deadline.
    #[inline]
    pub(crate) fn arm_sleep(&mut self, deadline: Instant, waker: &Waker) -> TimerKey {
        let task = self.current();
        let waker = self.foreign_to_running(waker);
        if waker.is_none()
            && self.jitter.is_none_or(|max| max.is_zero())
            && let Some(key) = self.timers.arm_own(deadline.as_nanos(), task)
        {
            self.stats.timers += 1;
            if self.trace.full() {
                self.record_quick(Quick::TimerArmed(deadline));
            }
            return key;
        }
        self.arm_timer_for(task, deadline, waker, TimerKind::Wake)
    }

    /// Whether the sleep `key` armed by [`Core::arm_sleep`] for `deadline` fired.
    #[inline]
    pub(crate) fn sleep_fired(&self, key: TimerKey, deadline: Instant) -> bool {
        self.timers.sleep_fired(key, deadline.as_nanos())
    }

    /// Disarms the sleep `key` armed by [`Core::arm_sleep`] for `deadline` (nothing once it
    /// fired); returns the foreign waker it held, for the caller to drop after the borrow.
    #[inline]
    pub(crate) fn cancel_sleep(&mut self, key: TimerKey, deadline: Instant) -> Option<Waker> {
        self.timers.cancel_sleep(key, deadline.as_nanos())
    }

    /// Where the cancel timer `key` is in its life (`None` once freed, or for a wake timer).
    #[inline]
    pub(crate) fn timer_deadline(&self, key: TimerKey) -> Option<Deadline> {
        self.timers.deadline_state(key)
    }

    /// Disarms or frees the timer `key` (a stale key does nothing). Returns the foreign
    /// waker it held, which the caller drops after the core borrow (its `Drop` may run user
    /// code).
    #[inline]
    pub(crate) fn cancel_timer(&mut self, key: TimerKey) -> Option<Waker> {
        self.timers.cancel(key)
    }

    /// Replaces the waker of an armed timer (its future was polled with a new context,
    /// perhaps by another task than the one that armed it).
    pub(crate) fn set_timer_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(task) = self.timers.task_of(key) {
            let own = self.owns(task, waker);
            self.timers.set_waker(key, waker, own);
        }
    }

    /// Registers what the running task waits on.
    #[inline]
    pub(crate) fn wait_on(&mut self, wait: WaitOn) {
        if self.running.is_none() {
            return;
        }
        let slot = &mut self.tasks[self.running_slot as usize];
        if slot.wait.is_none() {
            slot.wait = Some(wait);
            return;
        }
        if slot.more_waits == NONE {
            slot.more_waits = match self.free_wait_lists.pop() {
                Some(k) => k,
                None => {
                    self.wait_lists.push(Vec::new());
                    u32::try_from(self.wait_lists.len() - 1).expect("fewer than 2^32 lists")
                }
            };
        }
        self.wait_lists[slot.more_waits as usize].push(wait);
    }

    /// Registers that the running task sleeps until `deadline` ([`slot::SLEEPING`]; the full
    /// trace also records it as a wait, for timelines).
    ///
    /// [`slot::SLEEPING`]: super::slot::SLEEPING
    #[inline]
    pub(crate) fn sleep_on(&mut self, deadline: Instant) {
        let Some(slot) = self.running_slot() else {
            return;
        };
        slot.set(SLEEPING);
        if self.trace.full() {
            self.wait_on(WaitOn::Sleep(deadline));
        }
    }

    /// What task `id` waits on since its last poll, in registration order.
    pub(crate) fn waits_of(&self, id: TaskId) -> impl Iterator<Item = &WaitOn> + '_ {
        let (first, more): (Option<&WaitOn>, &[WaitOn]) = match self.slot_index(id) {
            None => (None, &[]),
            Some(s) => {
                let slot = &self.tasks[s];
                let more: &[WaitOn] = match slot.more_waits {
                    NONE => &[],
                    k => &self.wait_lists[k as usize],
                };
                (slot.wait.as_ref(), more)
            }
        };
        first.into_iter().chain(more)
    }

    /// Forgets what task `id` waited on (its next poll registers afresh).
    #[inline]
    pub(crate) fn clear_waits(&mut self, id: TaskId) {
        if let Some(s) = self.slot_index(id) {
            self.clear_waits_at(s);
        }
    }

    /// [`Core::clear_waits`] of the task in slot `s`.
    #[inline]
    pub(super) fn clear_waits_at(&mut self, s: usize) {
        let slot = &self.tasks[s];
        if slot.wait.is_some() || slot.more_waits != NONE {
            self.clear_waits_slow(s);
        }
    }

    #[inline(never)]
    fn clear_waits_slow(&mut self, s: usize) {
        let slot = &mut self.tasks[s];
        slot.wait = None;
        if slot.more_waits != NONE {
            self.wait_lists[slot.more_waits as usize].clear();
        }
    }

    /// Records that the strategy picked `index` of `arity` alternatives (the replay token's
    /// decisions; an event too when tracing fully).
    #[inline]
    pub(crate) fn log_decision(&mut self, index: usize, arity: usize) {
        let d = Decision {
            index: index as u32,
            arity: arity as u32,
        };
        self.decisions.push(d);
        if self.program.is_open() && self.program.decision(d.arity, self.stats.steps) {
            self.program_window_closed();
        }
        if self.trace.full() {
            self.record_quick(Quick::Decision {
                index: d.index,
                arity: d.arity,
            });
        }
    }

    /// A recorded choice among `arity` alternatives that are not ready entries, such as
    /// which of two simultaneous events wins. FIFO always gets 0 and records nothing.
    pub(crate) fn choose(&mut self, arity: usize) -> usize {
        if arity < 2 || self.fifo {
            return 0;
        }
        match self.sched.choose(arity) {
            Ok(i) => {
                self.log_decision(i, arity);
                i
            }
            Err(d) => {
                let stop = self.replay_left(d);
                self.stop_next.get_or_insert(stop);
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::runtime::with;
    use crate::{Policy, Sim, spawn, yield_now};

    /// A run holds as many task slots as tasks were alive at once, not as many as it
    /// spawned (issue 18: W3's 100,000 spawns kept 100,000 slots).
    #[test]
    fn slots_are_reused_within_a_run() {
        for policy in [Policy::Fifo, Policy::Random] {
            let out = Sim::new().policy(policy).run(async {
                for _ in 0..200 {
                    let handles: Vec<_> = (0..10)
                        .map(|_| spawn(async { yield_now().await }))
                        .collect();
                    for h in handles {
                        h.await.unwrap();
                    }
                    drop(spawn(async {}));
                }
                yield_now().await;
                with("test", |c| (c.tasks.len(), c.task_count()))
            });
            let (slots, tasks) = out.result.unwrap();
            assert_eq!(tasks, 1 + 200 * 11);
            assert!(slots <= 13, "{slots} slots for at most 12 live tasks");
        }
    }
}

//! The `Sim` builder: a simulation's settings. Running it is in `run.rs`.

use std::time::Duration;

use super::PanicOutput;
#[cfg(doc)]
use super::RunError;
use crate::schedule::{Custom, Policy, Token};
use crate::trace::TraceLevel;

pub use crate::schedule::REPLAY_ENV;

/// The default step budget's base ([`Sim::step_budget`]).
const DEFAULT_STEPS: u64 = 10_000_000;
/// The default step budget's allowance per task spawned: a task that sleeps ten times
/// takes about 22 steps, so a million such tasks (22 million steps) fit the default.
const DEFAULT_STEPS_PER_TASK: u64 = 100;

/// Configures and runs simulations.
///
/// Defaults: seed 0, [`Policy::Fifo`], [`TraceLevel::Full`], a step budget of 10,000,000
/// steps plus 100 per task spawned ([`Sim::step_budget`]), no virtual-time limit. One `Sim`
/// can run many programs; each run is independent.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use simloop::{Policy, Sim, log, sleep, spawn};
///
/// let out = Sim::new().seed(7).policy(Policy::Random).run(async {
///     let a = spawn(async { sleep(Duration::from_secs(1)).await; log!("a"); 1 });
///     let b = spawn(async { sleep(Duration::from_secs(1)).await; log!("b"); 2 });
///     a.await.unwrap() + b.await.unwrap()
/// });
/// assert_eq!(out.result.unwrap(), 3);
/// assert_eq!(out.elapsed, Duration::from_secs(1));
/// println!("replay with {}", out.token);
/// ```
#[derive(Clone, Debug)]
pub struct Sim {
    pub(super) seed: u64,
    pub(super) policy: Policy,
    pub(super) replay: Option<Token>,
    pub(super) follow: Option<Vec<u32>>,
    /// A strategy the explorer builds (crate-internal; see `Sim::custom`).
    pub(super) custom: Option<Custom>,
    pub(super) max_steps: u64,
    pub(super) steps_per_task: u64,
    pub(super) max_time: Option<Duration>,
    pub(super) partial_deadlocks: bool,
    /// `Sim::spawn_sites`.
    pub(super) spawn_sites: bool,
    pub(super) panics: PanicOutput,
    pub(super) trace: TraceLevel,
    pub(super) jitter: Option<Duration>,
    pub(super) remote: Option<Duration>,
    /// `Sim::pace_clock`'s flag.
    pub(super) pace: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// `Sim::on_idle`.
    pub(super) idle: Option<crate::runtime::IdleHook>,
    /// `Sim::record_decisions`; `None`: the default (see there).
    pub(super) record: Option<bool>,
    /// `Sim::eager_tasks`.
    pub(super) eager: bool,
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new()
    }
}

impl Sim {
    /// A simulation with the default settings.
    ///
    /// ```
    /// assert_eq!(simloop::Sim::new().run(async { 2 + 2 }).result.unwrap(), 4);
    /// ```
    pub fn new() -> Sim {
        Sim {
            seed: 0,
            policy: Policy::Fifo,
            replay: None,
            follow: None,
            custom: None,
            max_steps: DEFAULT_STEPS,
            steps_per_task: DEFAULT_STEPS_PER_TASK,
            max_time: None,
            partial_deadlocks: true,
            spawn_sites: true,
            panics: PanicOutput::Line,
            trace: TraceLevel::Full,
            jitter: None,
            remote: None,
            pace: None,
            idle: None,
            record: None,
            eager: false,
        }
    }

    /// Sets the seed of the policy and of the program's randomness ([`crate::rng`]).
    ///
    /// ```
    /// let out = simloop::Sim::new().seed(42).run(async {});
    /// assert_eq!(out.token.seed(), 42);
    /// ```
    pub fn seed(mut self, seed: u64) -> Sim {
        self.seed = seed;
        self
    }

    /// Sets the scheduling policy (and drops a replay or a [`Sim::follow`] set earlier).
    ///
    /// ```
    /// use simloop::{Policy, Sim};
    /// let out = Sim::new().policy(Policy::Random).run(async {});
    /// assert_eq!(out.token.policy(), Policy::Random);
    /// ```
    pub fn policy(mut self, policy: Policy) -> Sim {
        self.policy = policy;
        self.replay = None;
        self.follow = None;
        self.custom = None;
        self
    }

    /// Runs under a strategy the explorer builds (PCT with a learned run length, a shrinker
    /// following a schedule), its tokens labelled with `custom.label`. Like
    /// [`Sim::follow`], it replaces the policy, a replay and a follow set earlier.
    pub(crate) fn custom(mut self, custom: Custom) -> Sim {
        self.policy = custom.label;
        self.replay = None;
        self.follow = None;
        self.custom = Some(custom);
        self
    }

    /// Replays a recorded run: its seed and every decision, in order. If the program is
    /// another than the token was recorded from (its first spawns and decisions differ from
    /// the token's [`Token::program`] fingerprint), the run stops with
    /// [`RunError::WrongProgram`] as soon as they do; if it behaves differently later, with
    /// [`RunError::ReplayDiverged`] saying where.
    ///
    /// ```
    /// use simloop::{Policy, Sim, spawn, yield_now};
    /// let prog = || async { spawn(async { yield_now().await }).await.unwrap(); spawn(async {}).await.unwrap() };
    /// let first = Sim::new().policy(Policy::Random).seed(5).run(prog());
    /// let again = Sim::new().replay(&first.token).run(prog());
    /// assert_eq!(first.trace.render(), again.trace.render());
    /// ```
    pub fn replay(mut self, token: &Token) -> Sim {
        self.replay = Some(token.clone());
        self.follow = None;
        self.custom = None;
        self
    }

    /// Follows a list of choices leniently: decision `i` takes entry `choices[i]` (capped at the last ready one),
    /// and every decision after the list takes entry 0 (asyncio's FIFO choice). The run never
    /// diverges; its token records the decisions actually taken (labelled with the
    /// configured seed and policy), so it replays exactly. This is how shrunk, exhaustive and
    /// proptest schedules run.
    ///
    /// ```
    /// use simloop::{Sim, log, spawn, yield_now};
    /// let prog = || async {
    ///     let a = spawn(async { log!("a") });
    ///     let b = spawn(async { log!("b") });
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// };
    /// // The first decision (a or b?) takes entry 1: b runs before a.
    /// let out = Sim::new().follow(&[1]).run(prog());
    /// assert_eq!(out.trace.logs(), "t=0 b\nt=0 a\n");
    /// let again = Sim::new().replay(&out.token).run(prog());
    /// assert_eq!(again.trace, out.trace);
    /// ```
    pub fn follow(mut self, choices: &[u32]) -> Sim {
        self.follow = Some(choices.to_vec());
        self.replay = None;
        self.custom = None;
        self
    }

    /// Stops a run after exactly this many steps with [`RunError::StepLimit`] (a livelock
    /// guard), however many tasks it spawns; it replaces the default budget, which grows
    /// with the program ([`Sim::step_budget`]).
    ///
    /// A step is one ready-queue entry run: a task's poll, a wake-up hop, a cancellation's
    /// delivery.
    ///
    /// ```
    /// use simloop::{RunError, Sim, yield_now};
    /// let out = Sim::new().max_steps(100).run(async { loop { yield_now().await } });
    /// assert!(matches!(out.result, Err(RunError::StepLimit { steps: 100 })));
    /// ```
    pub fn max_steps(mut self, steps: u64) -> Sim {
        self.max_steps = steps;
        self.steps_per_task = 0;
        self
    }

    /// Sets the step budget a run stops at with [`RunError::StepLimit`]: `base` steps plus
    /// `per_task` for every task spawned (the main task included), so that a bigger program
    /// gets a bigger budget while a livelock in a small one still stops early. The default
    /// is 10,000,000 + 100 per task: a million tasks that each sleep ten times (22 million
    /// steps) fit it, a task spinning on `yield_now` stops after ten million steps.
    ///
    /// ```
    /// use simloop::{RunError, Sim, spawn, yield_now};
    /// // 1,000 steps, plus 10 for each of the 2 tasks.
    /// let out = Sim::new().step_budget(1_000, 10).run(async {
    ///     spawn(async { loop { yield_now().await } }).await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap_err(), RunError::StepLimit { steps: 1_020 });
    /// ```
    pub fn step_budget(mut self, base: u64, per_task: u64) -> Sim {
        self.max_steps = base;
        self.steps_per_task = per_task;
        self
    }

    /// Stops a run with [`RunError::TimeLimit`] instead of moving the clock past `limit`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{RunError, Sim, sleep};
    /// let out = Sim::new().max_time(Duration::from_secs(60))
    ///     .run(async { loop { sleep(Duration::from_secs(1)).await } });
    /// assert!(matches!(out.result, Err(RunError::TimeLimit { .. })));
    /// assert_eq!(out.elapsed, Duration::from_secs(60));
    /// ```
    pub fn max_time(mut self, limit: Duration) -> Sim {
        self.max_time = Some(limit);
        self
    }

    /// Whether a partial deadlock stops the run as it forms (the default), or only a run in
    /// which nothing at all can progress is a deadlock.
    ///
    /// The rule, exactly: when a task suspends, the tasks it waits on (joins, and the
    /// holders of the locks and semaphores it waits for), theirs, and so on, are a
    /// deadlock if every one of them is suspended waiting only on tasks of that set, none is
    /// queued, sleeping or being cancelled, no timer armed by one of them (a timeout, say)
    /// or with a foreign waker is pending, and no queued wake-up reaches them. Nothing in
    /// the set can then run again, except through a cancellation from a task outside it,
    /// which the runtime cannot foresee: a watchdog that sleeps and then cancels a member
    /// (asyncio runs such a program to its end) is reported as a deadlock when the cycle
    /// forms. For programs with such a watchdog, turn this off: the run then goes on, and
    /// is a deadlock only once no task is ready and no timer pending ([`RunError::Deadlock`]
    /// with `partial == false`), or ends at a limit.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use std::time::Duration;
    /// use simloop::{Lock, RunError, Sim, sleep, spawn};
    /// let program = || async {
    ///     let (a, b) = (Rc::new(Lock::new(())), Rc::new(Lock::new(())));
    ///     let (a2, b2) = (Rc::clone(&a), Rc::clone(&b));
    ///     let x = spawn(async move {
    ///         let _a = a.lock().await;
    ///         sleep(Duration::from_secs(1)).await;
    ///         let _b = b.lock().await;
    ///     });
    ///     let _y = spawn(async move {
    ///         let _b = b2.lock().await;
    ///         sleep(Duration::from_secs(1)).await;
    ///         let _a = a2.lock().await;
    ///     });
    ///     // A watchdog: after 5 s it cancels `x`, whose lock `a` then goes to `_y`.
    ///     sleep(Duration::from_secs(5)).await;
    ///     x.cancel();
    ///     _y.await.unwrap();
    /// };
    /// let out = Sim::new().run(program());
    /// assert!(matches!(out.result, Err(RunError::Deadlock(r)) if r.partial));
    /// let out = Sim::new().partial_deadlocks(false).run(program());
    /// assert!(out.result.is_ok());
    /// assert_eq!(out.elapsed, Duration::from_secs(5));
    /// ```
    pub fn partial_deadlocks(mut self, on: bool) -> Sim {
        self.partial_deadlocks = on;
        self
    }

    /// Whether a deadlock report names where each task was spawned (on by default):
    /// `#2 (spawned at src/worker.rs:41:17) waits on ...`, the place of the `spawn` call
    /// ([`BlockedTask::spawned_at`](crate::BlockedTask::spawned_at)). A layer whose users
    /// do not write the spawn calls (an interpreter of scenario files, whose spawn sites
    /// are all one line of its own) turns it off. Display only: the option changes no
    /// schedule, token or fingerprint.
    ///
    /// ```
    /// use simloop::{RunError, Sim, spawn};
    /// let program = || async { spawn(std::future::pending::<()>()).await.unwrap() };
    /// let Err(RunError::Deadlock(on)) = Sim::new().run(program()).result else { panic!() };
    /// assert!(on.to_string().contains("#2 (spawned at "), "{on}");
    /// let Err(RunError::Deadlock(off)) = Sim::new().spawn_sites(false).run(program()).result
    /// else {
    ///     panic!()
    /// };
    /// assert!(off.to_string().contains("#2 waits on"), "{off}");
    /// assert_eq!(off.blocked[1].spawned_at, None);
    /// ```
    pub fn spawn_sites(mut self, on: bool) -> Sim {
        self.spawn_sites = on;
        self
    }

    /// What a panic that the run contains prints on standard error: by default one line
    /// naming the task and where it panicked, instead of the panic hook's whole report
    /// (with `RUST_BACKTRACE` set, a backtrace per panic). The environment variable
    /// [`PANICS_ENV`](crate::PANICS_ENV) (`SIMLOOP_PANICS=full`, `line` or `quiet`) overrides
    /// this for every run. The message is in the outcome either way: the task's
    /// `JoinError::Panicked`, the trace's `panicked` event, [`RunError::MainPanicked`].
    ///
    /// ```
    /// use simloop::{PanicOutput, Sim, spawn};
    /// let out = Sim::new().panic_output(PanicOutput::Quiet).run(async {
    ///     spawn(async { panic!("boom") }).await.unwrap_err().to_string()
    /// });
    /// assert!(out.result.unwrap().contains("boom"));
    /// ```
    pub fn panic_output(mut self, output: PanicOutput) -> Sim {
        self.panics = output;
        self
    }

    /// Makes every spawn of the run eager: a task's first step runs at once, inside the call
    /// that spawns it ([`task::spawn_eager`](crate::task::spawn_eager)); asyncio 3.12's
    /// `loop.set_task_factory(asyncio.eager_task_factory)`. [`spawn`](crate::spawn),
    /// [`spawn_named`](crate::spawn_named), [`gather`](crate::gather)'s children (in argument
    /// order, inside the `gather` call) and [`TaskGroup`](crate::TaskGroup)'s children
    /// start eagerly; the main task does not (asyncio's factory is set inside it). Off by
    /// default. A token recorded with eager tasks replays only with them on (the spawns'
    /// first steps are no entries, so the run makes other events than the recording's).
    ///
    /// ```
    /// use simloop::{Sim, log, spawn};
    ///
    /// let out = Sim::new().eager_tasks(true).run(async {
    ///     let h = spawn(async { log!("child runs"); 7 });
    ///     log!("spawned, done: {}", h.is_finished());
    ///     h.await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap(), 7);
    /// assert_eq!(out.trace.logs(), "t=0 child runs\nt=0 spawned, done: true\n");
    /// ```
    pub fn eager_tasks(mut self, on: bool) -> Sim {
        self.eager = on;
        self
    }

    /// Perturbs timers: under an exploring policy each timer fires 0, 1/4, 1/2, 3/4 or all
    /// of `max` later than asked, by a recorded choice (so the token replays it). FIFO runs
    /// keep exact deadlines. Use it to explore races between timers that are close but not
    /// equal (equal deadlines are explored without it: their wake-ups are ready entries).
    ///
    /// How it differs from asyncio: asyncio's timers are only late by scheduling delays;
    /// this simulates a slower machine or network on purpose. A token recorded with jitter
    /// replays only with the same jitter set (otherwise its first timer makes other events than
    /// the recording's: [`RunError::WrongProgram`] inside the program fingerprint's window,
    /// [`RunError::ReplayDiverged`] after it).
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Policy, Sim, sleep, spawn};
    /// let prog = || async { spawn(sleep(Duration::from_millis(100))).await.unwrap() };
    /// let sim = Sim::new().policy(Policy::Random).timer_jitter(Duration::from_millis(40));
    /// let late: Vec<_> = (0..20).map(|s| sim.clone().seed(s).run(prog()).elapsed).collect();
    /// assert!(late.iter().all(|d| *d >= Duration::from_millis(100) && *d <= Duration::from_millis(140)));
    /// assert!(late.iter().any(|d| *d > Duration::from_millis(100)));
    /// let out = sim.clone().seed(3).run(prog());
    /// assert_eq!(Sim::new().replay(&out.token).timer_jitter(Duration::from_millis(40)).run(prog()).elapsed, out.elapsed);
    /// ```
    pub fn timer_jitter(mut self, max: Duration) -> Sim {
        self.jitter = Some(max);
        self
    }

    /// Accepts wakes from other threads: a task woken by a real thread (a `std::thread`
    /// that completes a channel the task awaits) is queued at the start of the next pass,
    /// and when nothing is ready and no timer is armed the run waits up to `wait` of wall
    /// time for such a wake before it reports a deadlock. Off by default: a wake from
    /// another thread is then dropped.
    ///
    /// A run that receives remote wakes is reproducible only as far as the other threads
    /// are; one that receives none runs exactly as without this setting. This is what
    /// `simloop-tokio` uses for tokio programs that mix threads with their runtime.
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::Sim;
    ///
    /// let out = Sim::new().accept_remote_wakes(Duration::from_secs(10)).run(async {
    ///     let (tx, rx) = futures::channel::oneshot::channel();
    ///     std::thread::spawn(move || tx.send(7).unwrap());
    ///     rx.await.unwrap()
    /// });
    /// assert_eq!(out.result.unwrap(), 7);
    /// ```
    pub fn accept_remote_wakes(mut self, wait: Duration) -> Sim {
        self.remote = Some(wait);
        self
    }

    /// Paces the virtual clock by the real one while `flag` is set: a run with nothing
    /// ready whose next event is a timer waits, in real time, up to the virtual time left
    /// until that timer (at most the [`Sim::accept_remote_wakes`] limit, which this needs)
    /// for a wake from another thread. If one comes, the clock moves on by the real time
    /// waited and the woken task runs before the timer; if none, the clock advances to the
    /// timer as usual. With no timer armed, a paced run waits for such a wake as long as it
    /// takes (without the limit, where an unpaced run reports a deadlock): real I/O takes
    /// what it takes. For programs waiting on real I/O (a child process, a signal) beside
    /// virtual timers: `simloop-tokio` sets the flag once a runtime has spawned a process.
    ///
    /// A paced run is reproducible only as far as the real events are; a run whose flag
    /// stays clear runs exactly as without this setting.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::AtomicBool;
    /// use std::time::Duration;
    /// use simloop::Sim;
    ///
    /// let sim = Sim::new()
    ///     .accept_remote_wakes(Duration::from_secs(10))
    ///     .pace_clock(Arc::new(AtomicBool::new(true)));
    /// let out = sim.run(async {
    ///     let (tx, rx) = futures::channel::oneshot::channel();
    ///     std::thread::spawn(move || {
    ///         std::thread::sleep(Duration::from_millis(20));
    ///         tx.send(7).unwrap();
    ///     });
    ///     // The thread's answer (20 ms of real time) comes before the 60 s timeout.
    ///     simloop::timeout(Duration::from_secs(60), rx).await
    /// });
    /// assert_eq!(out.result.unwrap().unwrap().unwrap(), 7);
    /// ```
    pub fn pace_clock(mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Sim {
        self.pace = Some(flag);
        self
    }

    /// Calls `hook` whenever the run has nothing ready: before the clock advances to the
    /// next timer, before the run waits for a wake from another thread, before it reports
    /// a deadlock. The call runs between task steps, at its turn like a
    /// [`call_soon`](crate::task::call_soon) callback, and may spawn and wake tasks; it
    /// comes once per idle period (again only after something else ran). When it returns
    /// `true` and still nothing is ready, the run holds its clock: it waits for a wake from
    /// another thread (up to the [`Sim::accept_remote_wakes`] limit) before advancing.
    /// This is how `simloop-tokio` calls tokio's `on_thread_park` hook and waits for
    /// `spawn_blocking` threads.
    ///
    /// A hook that readies nothing adds one callback step at each idle point and leaves
    /// the run otherwise as it was.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::time::Duration;
    /// use simloop::{Sim, sleep};
    ///
    /// let idle = Arc::new(AtomicU32::new(0));
    /// let count = idle.clone();
    /// let sim = Sim::new().on_idle(move || {
    ///     count.fetch_add(1, Ordering::Relaxed);
    ///     false
    /// });
    /// let out = sim.run(async {
    ///     sleep(Duration::from_secs(1)).await;
    ///     sleep(Duration::from_secs(1)).await;
    /// });
    /// assert!(out.result.is_ok());
    /// // Idle before each of the two clock advances.
    /// assert_eq!(idle.load(Ordering::Relaxed), 2);
    /// ```
    pub fn on_idle(mut self, hook: impl Fn() -> bool + Send + Sync + 'static) -> Sim {
        self.idle = Some(crate::runtime::IdleHook(std::sync::Arc::new(hook)));
        self
    }

    /// Sets whether the run's token keeps every scheduling decision.
    ///
    /// By default it does, except for a seeded [`Policy::Random`] or [`Policy::Pct`] run
    /// with [`TraceLevel::Off`]: such a run is a function of its seed, so its token keeps
    /// only the seed, the number of decisions and their fingerprint
    /// ([`Token::is_seed_only`]), and the run holds no log of its decisions (a million
    /// random picks took 2 MB). Replaying a seed-only token runs the seed again and checks
    /// the count and the fingerprint when the run ends ([`RunError::ReplayDiverged`] if they
    /// differ); its outcome carries the same token, or, with `record_decisions(true)`, one
    /// with the decisions. Runs that follow a schedule (replays of tokens with decisions,
    /// [`Sim::follow`], the explorer's shrinking and exhaustive search) always keep them.
    /// `record_decisions(true)` keeps them for any run, `record_decisions(false)` drops
    /// them wherever the run is a function of its seed.
    ///
    /// ```
    /// use simloop::{Policy, Sim, TraceLevel, spawn, yield_now};
    /// let prog = || async {
    ///     let a = spawn(async { yield_now().await });
    ///     let b = spawn(async { yield_now().await });
    ///     a.await.unwrap();
    ///     b.await.unwrap();
    /// };
    /// let quick = Sim::new().policy(Policy::Random).seed(5).trace(TraceLevel::Off);
    /// let out = quick.run(prog());
    /// assert!(out.token.is_seed_only());
    /// let kept = quick.clone().record_decisions(true).run(prog());
    /// assert!(!kept.token.is_seed_only());
    /// assert_eq!(kept.token.decisions().fingerprint(), out.token.decisions().fingerprint());
    /// // Both replay the same run; replaying the seed-only token can also recover the decisions.
    /// let a = Sim::new().replay(&out.token).run(prog());
    /// let b = Sim::new().replay(&kept.token).run(prog());
    /// assert_eq!(a.trace, b.trace);
    /// assert_eq!(a.token, out.token);
    /// let recovered = Sim::new().replay(&out.token).record_decisions(true).run(prog());
    /// assert_eq!(recovered.token, kept.token);
    /// ```
    pub fn record_decisions(mut self, on: bool) -> Sim {
        self.record = Some(on);
        self
    }

    /// Sets how much the trace records.
    ///
    /// ```
    /// use simloop::{Sim, TraceLevel};
    /// let out = Sim::new().trace(TraceLevel::Off).run(async { simloop::log!("x") });
    /// assert!(out.trace.events().is_empty());
    /// ```
    pub fn trace(mut self, level: TraceLevel) -> Sim {
        self.trace = level;
        self
    }
}

//! Running a configured [`Sim`]: the main task, the scheduler its settings choose, and the
//! outcome made of what the run left.

use std::future::Future;

use super::{Outcome, RunError, Sim, TaskPanic};
use crate::runtime::{self, Core, Finish, Limits};
use crate::schedule::{Divergence, Fifo, Guided, Policy, Replay, Scheduler, Token};
use crate::task::JoinError;
use crate::time::Instant;
use crate::trace::{Trace, TraceLevel};

impl Sim {
    /// Runs `future` as the main task until it ends, and reports what happened.
    ///
    /// The run ends one ready-queue slot after the main task ends (asyncio's
    /// `loop.stop()`); tasks still alive then are cancelled in creation order. A panic in
    /// a spawned task is caught and becomes that task's [`JoinError`]; a panic in the main
    /// future is [`RunError::MainPanicked`].
    ///
    /// # Panics
    ///
    /// Panics when called from inside a running simulation on the same thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{RunError, Sim};
    /// let out = Sim::new().run(async { panic!("oops") });
    /// assert!(matches!(out.result, Err(RunError::MainPanicked { .. })));
    /// ```
    pub fn run<F: Future + 'static>(&self, future: F) -> Outcome<F::Output> {
        let outcome = self.run_main(future, None);
        outcome.map_result(|main| main.expect("the main task ended"))
    }

    /// Runs a future that need not be `'static` as the main task (it may borrow from the
    /// caller's stack), like [`Sim::run`]; the entry point of blocking adapters such as
    /// `simloop-tokio`'s `Runtime::block_on`.
    ///
    /// The future stays where it is: the engine polls it in the main task's turns. When the
    /// run ends before it does (a deadlock, a limit), it is dropped after the run, outside
    /// the simulation, whereas the run's other tasks are dropped inside it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, sleep, spawn};
    ///
    /// let mut total = 0;
    /// let out = Sim::new().block_on(async {
    ///     spawn(sleep(Duration::from_secs(1))).await.unwrap();
    ///     total += 1; // borrows a local: `Sim::run` could not take this future
    /// });
    /// out.result.unwrap();
    /// assert_eq!((total, out.elapsed), (1, Duration::from_secs(1)));
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Outcome<F::Output> {
        let mut future = std::pin::pin!(future);
        let mut output = None;
        let mut host = |cx: &mut std::task::Context<'_>| match future.as_mut().poll(cx) {
            std::task::Poll::Ready(v) => {
                output = Some(v);
                std::task::Poll::Ready(())
            }
            std::task::Poll::Pending => std::task::Poll::Pending,
        };
        let outcome = self.run_main(std::future::pending::<()>(), Some(&mut host));
        outcome.map_result(|_| {
            output
                .take()
                .expect("a finished hosted main left its output")
        })
    }

    /// Runs `future` as the main task, or a placeholder for `host` ([`runtime::run`]). The
    /// main task's value is `None` when `host` finished it.
    fn run_main<F: Future + 'static>(
        &self,
        future: F,
        host: Option<&mut crate::runtime::Host<'_>>,
    ) -> Outcome<Option<F::Output>> {
        // Whether the run's decisions are kept: they must be, unless the run is a function
        // of its seed (the policy's own strategy, no schedule to follow). A seed-only
        // token's replay gives that token back unless asked to keep them.
        let keep = match &self.replay {
            _ if self.custom.is_some() || self.follow.is_some() => true,
            Some(t) if t.is_seed_only() => self.record == Some(true),
            Some(_) => true,
            None => self
                .record
                .unwrap_or(self.trace != TraceLevel::Off || self.policy == Policy::Fifo),
        };
        let (policy, seed, sched) = match &self.replay {
            Some(t) if t.policy == Policy::Fifo && t.decisions.is_empty() => {
                (t.policy, t.seed, Scheduler::Fifo(Fifo))
            }
            Some(t) if t.is_seed_only() => (t.policy, t.seed, t.policy.scheduler(t.seed)),
            Some(t) => (
                t.policy,
                t.seed,
                Scheduler::Other(Box::new(Replay::new(t.decisions.clone()))),
            ),
            None if let Some(custom) = &self.custom => (
                self.policy,
                self.seed,
                Scheduler::Other(custom.make(self.seed)),
            ),
            None if self.follow.is_some() => (
                self.policy,
                self.seed,
                Scheduler::Other(Box::new(Guided::new(
                    self.follow.clone().unwrap_or_default(),
                ))),
            ),
            None => (self.policy, self.seed, self.policy.scheduler(self.seed)),
        };
        let limits = Limits {
            max_steps: self.max_steps,
            steps_per_task: self.steps_per_task,
            max_time: self.max_time.map(|d| Instant::ZERO + d),
            partial_deadlocks: self.partial_deadlocks,
            spawn_sites: self.spawn_sites,
        };
        let mut core = Core::new(runtime::next_run_id(), seed, sched, limits, self.trace);
        core.keep_decisions(keep);
        if let Some(t) = &self.replay {
            core.expect_program(t.program);
        }
        core.set_jitter(self.jitter);
        core.set_eager_tasks(self.eager);
        let _registration = self.remote.map(|wait| {
            let (inbox, registration) = crate::runtime::Inbox::register(core.run_id());
            core.accept_remote_wakes(inbox, wait);
            registration
        });
        if let Some(flag) = &self.pace {
            core.pace_clock(flag.clone());
        }
        if let Some(hook) = &self.idle {
            core.on_idle(hook.clone());
        }
        let parts = super::panics::during_run(self.panics, || runtime::run(core, future, host));
        let mut core = parts.core;
        let finish = match parts.finish {
            Finish::MainDone => match core.finish_strategy() {
                Ok(()) => Finish::MainDone,
                Err(stop) => stop,
            },
            other => other,
        };
        // The program's end is an event of its fingerprint; a replay whose program ended
        // before it made as many events as its token's fingerprint covers is another
        // program. (A run stopped at a limit has no end: a replay under a higher limit goes
        // on.)
        let finish = match finish {
            Finish::MainDone | Finish::Deadlock(_) => match core.end_program() {
                Ok(()) => finish,
                Err(m) => Finish::OtherProgram(m),
            },
            other => other,
        };
        // A seed-only token is checked at the end: same count, same fingerprint.
        let finish = match &self.replay {
            Some(t)
                if t.is_seed_only()
                    && !matches!(finish, Finish::Diverged(_) | Finish::OtherProgram(_)) =>
            {
                let recorded = (t.decisions.len(), t.decisions.fingerprint());
                let here = (core.decisions().len(), core.decisions().fingerprint());
                if recorded == here {
                    finish
                } else {
                    Finish::Diverged(Divergence {
                        decision: here.0,
                        expected: None,
                        found: 0,
                        seeded: Some(Box::new([recorded, here])),
                    })
                }
            }
            _ => finish,
        };
        let result = match finish {
            Finish::MainDone => match parts.main.transpose() {
                Ok(v) => Ok(v),
                Err(JoinError::Panicked { message }) => Err(RunError::MainPanicked { message }),
                Err(JoinError::Cancelled { message }) => Err(RunError::MainCancelled { message }),
            },
            Finish::Deadlock(report) => Err(RunError::Deadlock(report)),
            Finish::StepLimit => Err(RunError::StepLimit {
                steps: core.step_limit(),
            }),
            Finish::TimeLimit => Err(RunError::TimeLimit {
                limit: self.max_time.unwrap_or_default(),
            }),
            Finish::OtherProgram(mismatch) => Err(RunError::WrongProgram(mismatch)),
            Finish::Diverged(divergence) => Err(RunError::ReplayDiverged {
                divergence,
                step: core.stats().steps,
                time: core.now(),
            }),
        };
        let panics = core
            .unobserved_panics()
            .map(|(task, message)| TaskPanic {
                task,
                message: message.to_string(),
            })
            .collect();
        let (packed, names, decisions) = core.take_record();
        let trace = Trace::new(packed, names, core.task_count(), parts.end);
        let outcome = Outcome {
            result,
            trace,
            token: Token {
                policy,
                seed,
                decisions,
                program: core.program(),
            },
            elapsed: core.now() - Instant::ZERO,
            stats: core.stats(),
            unobserved_panics: panics,
        };
        runtime::recycle(core);
        outcome
    }

    /// Runs `future` like [`Sim::run`] and returns its value, panicking with a full report
    /// (error, the trace around the failing event, seed, policy, replay token and how to
    /// rerun the test) when the run fails or a detached task panicked. Made for tests.
    ///
    /// When the environment variable [`REPLAY_ENV`](super::REPLAY_ENV) (`SIMLOOP_REPLAY`)
    /// holds a token for the running test ([`Token::from_env`]), that recorded run is
    /// replayed instead of the configured seed and policy; the failure report prints that
    /// command. ([`Sim::run`] does not read the variable.)
    ///
    /// # Panics
    ///
    /// On any run failure, and when `SIMLOOP_REPLAY` holds a malformed token.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use simloop::{Sim, sleep};
    /// let v = Sim::new().check(async { sleep(Duration::from_secs(3)).await; "ok" });
    /// assert_eq!(v, "ok");
    /// ```
    #[track_caller]
    pub fn check<F: Future + 'static>(&self, future: F) -> F::Output {
        let sim = match Token::from_env() {
            Some(token) => self.clone().replay(&token),
            None => self.clone(),
        };
        sim.run(future).unwrap_rerunnable()
    }
}

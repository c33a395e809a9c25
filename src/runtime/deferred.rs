//! A timeout's deadline deferred while its inner work sleeps until before it.
//!
//! A timeout arms a cancel timer when it starts, and most timeouts end before it fires: the
//! inner work finished, and the timer is disarmed (W6: a sleep inside a timeout, the one
//! that ends first half the time). When the inner work's pending poll left its task
//! sleeping until before the deadline, the task is polled again before the deadline
//! comes, and so is the timeout (its poll ran on the task's own waker): the timer is
//! not needed until then, and the timeout arms it only if its inner work is still pending
//! at a poll where no such sleep covers the deadline (`combinators/timeout/state.rs`).
//!
//! **Only under policies that pick** (Random, PCT, a replay, an explorer's strategy):
//! a timer armed later than the timeout's start fires after the timers armed in between
//! for the same deadline, where the start's timer fired before them. Under FIFO that
//! order is asyncio's and observable, so FIFO arms at the start as before; a picking
//! policy explores every order of one pass's entries, so only which seed makes which
//! schedule moves (Random's and PCT's tokens are version 8). Timer jitter (which draws a
//! delay as the timer is armed) arms at the start too. A deferred deadline is counted
//! ([`Stats::timers`](crate::Stats::timers)) and traced (`TimerArmed`) when the timeout
//! starts, as an armed one is, so the counters and the trace do not depend on it.

use std::task::Waker;

use super::slot::SLEEPING;
use super::timers::{TimerKey, TimerKind};
use super::{Core, Instant, ScopeMark, TaskId};
use crate::trace::Quick;

impl Core {
    /// Whether a timeout starting now may defer its deadline: the run's policy picks, and
    /// no timer jitter applies.
    #[inline]
    pub(crate) fn defers_deadlines(&self) -> bool {
        !self.fifo && self.jitter.is_none_or(|max| max.is_zero())
    }

    /// Counts and traces a timeout's deadline deferred at its start, as
    /// [`Core::arm_timer_for`] counts and traces a timer it arms.
    #[inline]
    pub(crate) fn note_deferred(&mut self, deadline: Instant) {
        self.stats.timers += 1;
        if self.trace.full() {
            self.record_quick(Quick::TimerArmed(deadline));
        }
    }

    /// Whether the running task's poll, since `mark` (where a timeout began polling its
    /// inner work), slept until before `deadline`: a sleep that began after the mark
    /// ([`Core::sleep_on`]), so the task is polled again before the deadline.
    #[inline]
    pub(crate) fn sleeps_before(&self, mark: ScopeMark, deadline: Instant) -> bool {
        !mark.sleeping
            && self.state_of(mark.task) & SLEEPING != 0
            && self.first_sleep < deadline.as_nanos()
    }

    /// Arms the cancel timer of a timeout whose deadline was deferred, for `task` through
    /// `waker` (`None`: the task's own): counted and traced when it was deferred
    /// ([`Core::note_deferred`]), so not again; due at once when the deadline passed.
    pub(crate) fn arm_deferred(
        &mut self,
        task: TaskId,
        deadline: Instant,
        waker: Option<Waker>,
    ) -> TimerKey {
        if deadline <= self.now {
            return self.arm_due(task, waker);
        }
        self.timers.arm(deadline, task, waker, TimerKind::Cancel)
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use crate::runtime::with;
    use crate::trace::EventKind;
    use crate::{Policy, Sim, Sleep, TraceLevel, now, sleep, spawn, timeout};

    const PICKING: [Policy; 2] = [Policy::Random, Policy::Pct { depth: 3 }];

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Cancel timers armed in the core now.
    fn armed() -> usize {
        with("test", |c| c.timers.pending_deadlines())
    }

    /// Runs `timeout(deadline, body)` in a task and reads the armed cancel timers at each
    /// of `checks` (ms): the timers seen, the timeout's result (`true`: it expired), when it
    /// ended, the run's timer count and its `TimerArmed` events.
    fn run<F>(policy: Policy, deadline: u64, body: F, checks: &[u64]) -> Observed
    where
        F: Future<Output = ()> + 'static,
    {
        let checks = checks.to_vec();
        let out = Sim::new()
            .policy(policy)
            .seed(11)
            .trace(TraceLevel::Full)
            .run(async move {
                let task = spawn(async move {
                    let r = timeout(ms(deadline), body).await;
                    (r.is_err(), now().as_nanos() / 1_000_000)
                });
                let mut seen = Vec::new();
                for at in checks {
                    sleep(ms(at) - Duration::from_nanos(now().as_nanos())).await;
                    seen.push(armed());
                }
                let (expired, at) = task.await.unwrap();
                (seen, expired, at)
            });
        let (seen, expired, at) = out.result.unwrap();
        let traced = out
            .trace
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::TimerArmed { .. }))
            .count();
        Observed {
            seen,
            expired,
            at,
            timers: out.stats.timers,
            traced,
        }
    }

    #[derive(Debug, PartialEq)]
    struct Observed {
        seen: Vec<usize>,
        expired: bool,
        at: u64,
        timers: u64,
        traced: usize,
    }

    #[test]
    fn a_timeout_whose_sleep_ends_first_arms_nothing_under_a_picking_policy() {
        // FIFO arms at the start: asyncio's order among the timers of one deadline.
        let fifo = || run(Policy::Fifo, 100, sleep(ms(50)), &[10]);
        let first = fifo();
        assert_eq!((first.seen, first.expired, first.at), (vec![1], false, 50));
        assert_eq!((first.timers, first.traced), (3, 3));
        for policy in PICKING {
            let fifo = fifo();
            let picked = run(policy, 100, sleep(ms(50)), &[10]);
            // The same outcome, counted and traced as the armed timer is.
            let same = Observed {
                seen: vec![0],
                ..fifo
            };
            assert_eq!(picked, same, "{policy}");
        }
    }

    #[test]
    fn a_timeout_whose_sleep_ends_after_its_deadline_arms_at_once() {
        for policy in PICKING {
            let o = run(policy, 50, sleep(ms(100)), &[10]);
            assert_eq!((o.seen, o.expired, o.at), (vec![1], true, 50), "{policy}");
        }
    }

    #[test]
    fn a_deferred_deadline_is_armed_once_the_inner_work_waits_past_it() {
        let body = || async {
            sleep(ms(10)).await;
            sleep(ms(200)).await;
        };
        for policy in PICKING {
            let o = run(policy, 100, body(), &[5, 20]);
            assert_eq!(
                (o.seen, o.expired, o.at),
                (vec![0, 1], true, 100),
                "{policy}"
            );
        }
        let fifo = run(Policy::Fifo, 100, body(), &[5, 20]);
        assert_eq!((fifo.seen, fifo.expired, fifo.at), (vec![1, 1], true, 100));
    }

    /// Polls the timeout once, then not again until its own nap of 200 ms ended: the
    /// timeout misses its task's wake-up at 50 ms.
    struct Neglect<T> {
        timeout: Pin<Box<T>>,
        nap: Pin<Box<Sleep>>,
        polled: bool,
    }

    impl<T: Future> Future for Neglect<T> {
        type Output = T::Output;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
            let this = &mut *self;
            if !this.polled {
                this.polled = true;
                assert!(this.timeout.as_mut().poll(cx).is_pending());
            }
            if this.nap.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.timeout.as_mut().poll(cx)
        }
    }

    #[test]
    fn a_deadline_that_passed_while_deferred_still_expires() {
        for policy in [Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }] {
            let out = Sim::new().policy(policy).seed(3).run(async {
                Neglect {
                    timeout: Box::pin(timeout(ms(100), sleep(ms(50)))),
                    nap: Box::pin(sleep(ms(200))),
                    polled: false,
                }
                .await
                .is_err()
            });
            assert!(out.result.unwrap(), "{policy}: the timeout expired");
            assert_eq!(out.elapsed, ms(200), "{policy}");
        }
    }
}

//! Steps on synchronisation primitives: each maps to the simloop primitive's own method, so
//! waiter order, wake hops and deadlock reports are the library's.

use simloop::{Barrier, BoundedSemaphore, Event, Lock, Semaphore};

use super::conds::Cond;
use super::env::Env;
use super::exc::Exc;
use super::exec::Flow;
use super::queues::AnyQueue;
use super::state::Rt;
use super::value::Value;
use crate::scenario::{Prim, Scenario, Step};

/// A declared semaphore.
pub enum Sem {
    /// `asyncio.Semaphore`.
    Plain(Semaphore),
    /// `asyncio.BoundedSemaphore`.
    Bounded(BoundedSemaphore),
}

/// The primitives of one run, indexed as in the scenario.
pub struct Prims {
    sems: Vec<Sem>,
    locks: Vec<Lock>,
    events: Vec<Event>,
    conds: Vec<Cond>,
    queues: Vec<AnyQueue>,
    barriers: Vec<Barrier>,
}

impl Prims {
    /// Creates the scenario's primitives, named as declared (names show in deadlock reports).
    pub fn new(scn: &Scenario) -> Prims {
        Prims {
            sems: scn
                .semaphores
                .iter()
                .map(|s| {
                    let permits = usize::try_from(s.value).unwrap_or(usize::MAX);
                    if s.bounded {
                        Sem::Bounded(BoundedSemaphore::named(&s.name, permits))
                    } else {
                        Sem::Plain(Semaphore::named(&s.name, permits))
                    }
                })
                .collect(),
            locks: scn.locks.iter().map(|n| Lock::named(n, ())).collect(),
            events: scn.events.iter().map(|n| Event::named(n)).collect(),
            conds: scn.conditions.iter().map(|n| Cond::named(n)).collect(),
            queues: scn
                .queues
                .iter()
                .map(|q| AnyQueue::new(q.kind, &q.name, q.maxsize))
                .collect(),
            barriers: scn
                .barriers
                .iter()
                .map(|(name, n)| Barrier::named(name, *n))
                .collect(),
        }
    }

    /// The condition `i`.
    pub(super) fn cond(&self, i: usize) -> &Cond {
        &self.conds[i]
    }
}

impl Rt {
    /// The state `member` of `prim` (validated against [`crate::scenario::MEMBERS`] when
    /// the file was read).
    pub(super) fn read(&self, prim: Prim, member: &str) -> Result<Value, Exc> {
        let p = &self.prims;
        let count = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        Ok(match (prim, member) {
            (Prim::Semaphore(i), "locked()") => Value::Bool(match &p.sems[i] {
                Sem::Plain(s) => s.locked(),
                Sem::Bounded(s) => s.locked(),
            }),
            (Prim::Semaphore(i), "_value") => count(match &p.sems[i] {
                Sem::Plain(s) => s.value(),
                Sem::Bounded(s) => s.value(),
            }),
            (Prim::Lock(i), "locked()") => Value::Bool(p.locks[i].locked()),
            (Prim::Condition(i), "locked()") => Value::Bool(p.conds[i].locked()),
            (Prim::Event(i), "is_set()") => Value::Bool(p.events[i].is_set()),
            (Prim::Queue(i), "qsize()") => count(p.queues[i].sizes().0),
            (Prim::Queue(i), "empty()") => Value::Bool(p.queues[i].sizes().0 == 0),
            (Prim::Queue(i), "full()") => {
                let (n, max) = p.queues[i].sizes();
                Value::Bool(max > 0 && n >= max)
            }
            (Prim::Queue(i), "maxsize") => count(p.queues[i].sizes().1),
            (Prim::Barrier(i), "parties") => count(p.barriers[i].parties()),
            (Prim::Barrier(i), "n_waiting") => count(p.barriers[i].n_waiting()),
            (Prim::Barrier(i), "broken") => Value::Bool(p.barriers[i].broken()),
            (prim, member) => {
                return Err(Exc::new(
                    "AttributeError",
                    format!("a {} has no `{member}`", prim.kind()),
                ));
            }
        })
    }

    fn note_holders(&self, i: usize) {
        let n = match &self.prims.sems[i] {
            Sem::Plain(s) => s.holders().len(),
            Sem::Bounded(s) => s.holders().len(),
        } as u64;
        let mut shared = self.shared.borrow_mut();
        shared.sem_max[i] = shared.sem_max[i].max(n);
    }

    /// Runs a primitive step.
    pub(super) async fn prim_step(
        self: &std::rc::Rc<Self>,
        env: &mut Env,
        s: &Step,
    ) -> Result<Flow, Exc> {
        let p = &self.prims;
        match s {
            Step::Acquire(Prim::Semaphore(i)) => {
                match &p.sems[*i] {
                    Sem::Plain(s) => s.acquire().await.forget(),
                    Sem::Bounded(s) => s.acquire().await.forget(),
                }
                self.note_holders(*i);
            }
            Step::Acquire(Prim::Lock(i)) => p.locks[*i].acquire().await,
            Step::Release(Prim::Semaphore(i)) => match &p.sems[*i] {
                Sem::Plain(s) => s.release(),
                Sem::Bounded(s) => s.release().map_err(|_| {
                    Exc::new("ValueError", "BoundedSemaphore released too many times")
                })?,
            },
            Step::Release(Prim::Lock(i)) => p.locks[*i]
                .release()
                .map_err(|e| Exc::new("RuntimeError", e.to_string()))?,
            Step::With { prim, body } => {
                return match prim {
                    Prim::Semaphore(i) => match &p.sems[*i] {
                        Sem::Plain(s) => {
                            let _permit = s.acquire().await;
                            self.note_holders(*i);
                            self.block(env, body).await
                        }
                        Sem::Bounded(s) => {
                            let permit = s.acquire().await;
                            self.note_holders(*i);
                            let r = self.block(env, body).await;
                            // asyncio's `__aexit__` releases: an over-release (the body
                            // released it too) raises ValueError in place of what the body
                            // ended with (case 703). A cancellation drops the permit instead,
                            // which cannot raise.
                            permit.forget();
                            s.release().map_err(|_| {
                                Exc::new("ValueError", "BoundedSemaphore released too many times")
                            })?;
                            r
                        }
                    },
                    Prim::Lock(i) => {
                        let _guard = p.locks[*i].lock().await;
                        self.block(env, body).await
                    }
                    Prim::Condition(i) => self.with_condition(env, *i, body).await,
                    other => unreachable!("validation allows no `with` on {other:?}"),
                };
            }
            Step::SetEvent(i) => p.events[*i].set(),
            Step::ClearEvent(i) => p.events[*i].clear(),
            Step::WaitEvent(i) => p.events[*i].wait().await,
            Step::Notify { cond, n } => return self.notify(env, *cond, n).await,
            Step::WaitCondition { cond, until } => {
                return self.wait_condition(env, *cond, until).await;
            }
            Step::Put { queue, value } => {
                let v = self.value_expr(env, value)?;
                p.queues[*queue].put(v).await?;
            }
            Step::PutNowait { queue, value } => {
                let v = self.value_expr(env, value)?;
                p.queues[*queue].put_nowait(v)?;
            }
            Step::Get { queue, bind } | Step::GetNowait { queue, bind } => {
                let q = &p.queues[*queue];
                let v = match s {
                    Step::Get { .. } => q.get().await?,
                    _ => q.get_nowait()?,
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), v);
                }
            }
            Step::TaskDone(q) => p.queues[*q].task_done()?,
            Step::Shutdown { queue, immediate } => p.queues[*queue].shutdown(*immediate),
            Step::Join(q) => p.queues[*q].join().await,
            Step::WaitBarrier { barrier, bind } => {
                let index = p.barriers[*barrier]
                    .wait()
                    .await
                    .map_err(|_| Exc::new("BrokenBarrierError", ""))?;
                if let Some(b) = bind {
                    env.insert(b.clone(), Value::Int(index as i64));
                }
            }
            Step::AbortBarrier(b) => p.barriers[*b].abort().await,
            Step::ResetBarrier(b) => p.barriers[*b].reset().await,
            other => unreachable!("not a primitive step: {other:?}"),
        }
        Ok(Flow::Next)
    }
}

//! Steps on the event loop itself: callbacks scheduled with `call_soon`, `call_later` and
//! `call_at` (simloop's `task::call_*`, so each takes its slot in the ready queue or its
//! timer as asyncio's does), and `reschedule` of a timeout's handle.

use std::rc::Rc;

use futures::FutureExt;
use simloop::Instant;

use super::env::Env;
use super::exc::Exc;
use super::state::Rt;
use super::value::Value;
use crate::scenario::{CallWhen, Dur, Step};

impl Rt {
    /// Runs a loop step.
    pub(super) fn loop_step(self: &Rc<Self>, env: &mut Env, s: &Step) -> Result<(), Exc> {
        match s {
            Step::CallLater { when, body, bind } => {
                let rt = Rc::clone(self);
                // A callback sees the locals as they were when it was scheduled (a lambda
                // over values, the closest a scenario has to Python's closures).
                let mut locals = env.clone();
                locals.depth = 0;
                let body = body.clone();
                let verb = match when {
                    CallWhen::Soon => "call_soon",
                    CallWhen::Later(_) => "call_later",
                    CallWhen::At(_) => "call_at",
                };
                let callback = move || {
                    // Its steps never await (the file's check), so one poll runs them.
                    let outcome = rt.block(&mut locals, &body).now_or_never();
                    if let Some(Err(e)) = outcome {
                        // asyncio's loop logs the exception and carries on.
                        eprintln!(
                            "Exception in callback {verb}: {}",
                            e.located(&rt.scenario.path)
                        );
                    }
                };
                let (handle, timer) = match when {
                    CallWhen::Soon => (simloop::task::call_soon(callback), false),
                    CallWhen::Later(d) => {
                        let d = self.duration(env, d, "call_later's delay")?;
                        (simloop::task::call_later(d, callback), true)
                    }
                    CallWhen::At(t) => {
                        let t = self.time_point(env, t, "call_at's time")?;
                        (simloop::task::call_at(t, callback), true)
                    }
                };
                if let Some(b) = bind {
                    env.insert(b.clone(), Value::Handle(Rc::new(handle), timer));
                }
            }
            Step::Reschedule { target, at } => {
                let handle = match self.lookup(env, target)? {
                    Value::Timeout(h) => h,
                    other => {
                        return Err(Exc::new(
                            "TypeError",
                            format!("`{target}` is {}, not a timeout's handle", other.repr()),
                        ));
                    }
                };
                let at = match at {
                    Some(t) => Some(self.time_point(env, t, "reschedule's time")?),
                    None => None,
                };
                handle.reschedule(at).map_err(|_| {
                    // asyncio's message for a timeout that expired (its block still running
                    // after it caught the expiry: `expiring`, case 782) or whose block ended.
                    let state = if handle.expiring() {
                        "expiring"
                    } else if handle.expired() {
                        "expired"
                    } else {
                        "finished"
                    };
                    Exc::new(
                        "RuntimeError",
                        format!("Cannot change state of {state} Timeout"),
                    )
                })?;
            }
            other => unreachable!("not a loop step: {other:?}"),
        }
        Ok(())
    }

    /// A point in time written as seconds since the run began (asyncio's `loop.time()`).
    /// A computed time before the run began (`loop.time() - 1` early in a run) is in the
    /// past as the run's start is, so it is the start.
    fn time_point(&self, env: &Env, t: &Dur, what: &str) -> Result<Instant, Exc> {
        if let Dur::Template(tpl) = t
            && let Some(x) = self.value(env, tpl)?.as_float()
            && x < 0.0
            && x.is_finite()
        {
            return Ok(Instant::ZERO);
        }
        Ok(Instant::ZERO + self.duration(env, t, what)?)
    }
}

//! Steps on a condition. `{ with = "c", do = [...] }` is asyncio's `async with c:`: it takes
//! the lock as `acquire()` does, without a guard, and lends it to the `wait_condition`,
//! `notify` and `notify_all` steps of its body, which wait and notify under it (asyncio's
//! usual shape: `async with c: ...; await c.wait(); ...`), so the body holds the lock again
//! after its wait. Outside such a block, each of those steps takes the lock for itself.

use std::rc::Rc;

use simloop::task::TaskId;
use simloop::{Condition, Lock};

use super::env::Env;
use super::exc::Exc;
use super::exec::{Flow, Res};
use super::state::Rt;
use crate::scenario::expr::Expr;
use crate::scenario::{IntExpr, Located};

/// A declared condition and its lock, which the condition shares so that a `with` block
/// can hold the lock without a guard ([`Lock::acquire`]) and lend it to a wait
/// ([`Lock::adopt`]).
pub struct Cond {
    lock: Rc<Lock>,
    cond: Condition,
}

impl Cond {
    /// The condition `name` (deadlock reports name it and its lock so).
    pub fn named(name: &str) -> Cond {
        let lock = Rc::new(Lock::named(name, ()));
        Cond {
            cond: Condition::with_lock(lock.clone()),
            lock,
        }
    }

    /// asyncio's `c.locked()`.
    pub fn locked(&self) -> bool {
        self.cond.locked()
    }
}

/// Releases a `with` block's hold when the block ends, however it ends (a cancellation
/// drops it), unless the hold is gone already: a wait cancelled in the body re-acquires the
/// lock through its guard and releases it when dropped. It reads no runtime state (it may
/// be dropped while a run tears down): the lock's holder says whose the hold is.
struct Hold<'a> {
    lock: &'a Lock,
    task: TaskId,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        if self.lock.holder() == Some(self.task) {
            // Held without a guard (the adopt/detach pair keeps it so); a guard still
            // holding it refuses, and releases it itself when dropped.
            let _ = self.lock.release();
        }
    }
}

impl Rt {
    /// `async with c:` over `body`: the lock held from entry to exit, lent to the body's
    /// waits and notifications on `c`.
    pub(super) async fn with_condition(
        self: &Rc<Self>,
        env: &mut Env,
        i: usize,
        body: &[Located],
    ) -> Res {
        let lock = &*self.prims.cond(i).lock;
        lock.acquire().await;
        let _hold = Hold {
            lock,
            task: simloop::task::current(),
        };
        env.held.push(i);
        let r = self.block(env, body).await;
        env.held.pop();
        r
    }

    /// `await c.wait()` (or `c.wait_for(pred)`), inside `async with c:` when the body holds
    /// the lock, else in a block of its own.
    pub(super) async fn wait_condition(
        self: &Rc<Self>,
        env: &mut Env,
        i: usize,
        until: &Option<Expr>,
    ) -> Result<Flow, Exc> {
        let c = self.prims.cond(i);
        let mut guard = if env.held.contains(&i) {
            c.lock
                .adopt()
                .map_err(|_| Exc::new("RuntimeError", "cannot wait on un-acquired lock"))?
        } else {
            c.cond.lock().await
        };
        match until {
            None => guard = c.cond.wait(guard).await,
            Some(pred) => {
                while !self.truth(env, pred)? {
                    guard = c.cond.wait(guard).await;
                }
            }
        }
        if env.held.contains(&i) {
            guard.detach();
        }
        Ok(Flow::Next)
    }

    /// `c.notify(n)` (`n` None: `notify_all()`), under the lock the body holds inside
    /// `async with c:`, else taking it for the call.
    pub(super) async fn notify(
        self: &Rc<Self>,
        env: &mut Env,
        i: usize,
        n: &Option<IntExpr>,
    ) -> Result<Flow, Exc> {
        let c = self.prims.cond(i);
        let guard = if env.held.contains(&i) {
            None
        } else {
            Some(c.cond.lock().await)
        };
        let r = match n {
            Some(n) => {
                let n = usize::try_from(self.int(env, n)?).unwrap_or(0);
                c.cond.notify(n)
            }
            None => c.cond.notify_all(),
        };
        drop(guard);
        r.map_err(|e| Exc::new("RuntimeError", e.to_string()))?;
        Ok(Flow::Next)
    }
}

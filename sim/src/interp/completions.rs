//! `as_completed ... future = "f"`: asyncio's `for f in as_completed(ts): ...`, each
//! awaitable bound for the body to await (inside a `try`, so one failure does not end the
//! loop). As in asyncio, an awaitable holds no task of its own: each `await` of one takes
//! the next result to come (or `TimeoutError` once the deadline passed), from simloop's
//! `as_completed` stream, so hops and trace are the library's.

use std::cell::Cell;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::poll_fn;
use std::rc::Rc;

use futures::StreamExt as _;
use simloop::AsCompleted;

use super::combine::Member;
use super::env::Env;
use super::exc::Exc;
use super::exec::Flow;
use super::gather_futures::Child;
use super::state::Rt;
use super::value::{TaskResult, Value, from_join};
use crate::scenario::{Dur, Located};

/// What the awaitables of one loop share: the stream and the tasks it watches.
struct Source {
    stream: RefCell<AsCompleted<Member>>,
    children: Vec<Child>,
    /// An awaitable of the loop is being awaited (one at a time: another task awaiting a
    /// second one at once gets `RuntimeError`).
    busy: Cell<bool>,
}

/// One awaitable of an `as_completed` loop (asyncio's `_wait_for_one()` coroutine).
pub struct Completion {
    source: Rc<Source>,
    awaited: Cell<bool>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(COROUTINE)
    }
}

/// Its `repr` (asyncio's, without the address).
pub(super) const COROUTINE: &str = "<coroutine object as_completed.<locals>._wait_for_one>";

impl Completion {
    /// `await f`: the next result to come, its task's exception, or `TimeoutError`; a
    /// coroutine is awaited once (`RuntimeError` after).
    pub(super) async fn wait(&self) -> TaskResult {
        if self.awaited.replace(true) {
            return Err(Exc::new(
                "RuntimeError",
                "cannot reuse already awaited coroutine",
            ));
        }
        let src = &self.source;
        if src.busy.replace(true) {
            return Err(Exc::new(
                "RuntimeError",
                "another awaitable of this as_completed is being awaited: await them in turn",
            ));
        }
        let guard = Busy(&src.busy);
        let item = poll_fn(|cx| src.stream.borrow_mut().poll_next_unpin(cx)).await;
        drop(guard);
        match item {
            // The deadline passed: each result not yet given raises TimeoutError (the
            // tasks keep running).
            Some(Err(_)) => Err(Exc::new("TimeoutError", "")),
            Some(Ok(joined)) => {
                let r = from_join(joined);
                // The task may be awaited again later; the result is a retrieval (case 707).
                match src.stream.borrow().last_index() {
                    Some(i) => src.children[i].read(r),
                    None => r,
                }
            }
            None => Err(Exc::new("RuntimeError", "as_completed has no result left")),
        }
    }
}

/// Clears `busy` when a wait ends or is dropped (its task cancelled).
struct Busy<'a>(&'a Cell<bool>);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl Rt {
    /// `for item in as_completed(targets, timeout): body`, the body awaiting `item`: one
    /// turn per distinct task (asyncio's `as_completed` takes a set).
    pub(super) async fn as_completed_items(
        self: &Rc<Self>,
        env: &mut Env,
        targets: &[String],
        timeout: Option<&Dur>,
        item: &str,
        body: &[Located],
    ) -> Result<Flow, Exc> {
        let (children, handles) = self.members(env, targets)?;
        let timeout = match timeout {
            Some(d) => Some(self.duration(env, d, "as_completed's timeout")?),
            None => None,
        };
        let turns = children
            .iter()
            .map(Child::key)
            .collect::<BTreeSet<_>>()
            .len();
        let source = Rc::new(Source {
            stream: RefCell::new(simloop::as_completed(handles, timeout)),
            children,
            busy: Cell::new(false),
        });
        for _ in 0..turns {
            let f = Completion {
                source: Rc::clone(&source),
                awaited: Cell::new(false),
            };
            env.insert(item.to_string(), Value::Completion(Rc::new(f)));
            if let ret @ Flow::Return(_) = self.block(env, body).await? {
                return Ok(ret);
            }
        }
        Ok(Flow::Next)
    }
}

//! What a run may use: every interpreted step and loop turn is charged to the run's step
//! budget, nesting and values are bounded, and a task or output limit stops the run.

use std::collections::BTreeMap;
use std::rc::Rc;

use simloop::task::spend_steps;

use super::exc::Exc;
use super::exec::Res;
use super::state::Rt;
use super::value::Value;

/// How deep blocks may nest in one task's poll (calls, loops, `if`, `try`, ... each add a
/// level). Polling a nested block takes stack, so a level count far below what a 2 MiB
/// thread stack holds in a debug build (the explorer's worker threads, the test harness)
/// turns runaway recursion into a `RecursionError` instead of a crash.
pub const MAX_DEPTH: usize = 200;

/// The longest string a template, expression or log line may produce.
pub const MAX_STRING: usize = 1 << 20;

/// The most items (nested lists counted whole) a list value may hold.
pub const MAX_ITEMS: usize = 100_000;

/// The longest task name kept: a name labels every event of its task in traces and
/// timelines, so a long one is cut there (ten thousand tasks named by a 5,000-character
/// template made a 4 GB timeline).
pub const MAX_NAME: usize = 200;

/// How deep lists may nest.
pub const MAX_NESTING: usize = 32;

/// Why the interpreter stopped a run (the step and time limits stop it in simloop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// More tasks than the limit were spawned.
    Tasks(u64),
    /// The log output passed this many bytes.
    Output(u64),
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Tasks(n) => write!(
                f,
                "task limit reached: the run spawned more than {n} tasks and callbacks (a runaway spawn?); raise it with --max-tasks or `max_tasks` in [limits]"
            ),
            Stopped::Output(n) => write!(
                f,
                "output limit reached: the run logged more than {n} bytes (a runaway loop?); raise it with --max-output or `max_output` in [limits]"
            ),
        }
    }
}

impl Rt {
    /// Charges one step of interpreted work to the run's budget; once it is spent, the
    /// task waits forever and simloop ends the run with its step limit before the next step.
    pub(super) async fn tick(&self) -> Result<(), Exc> {
        if spend_steps(1).is_err() {
            std::future::pending::<()>().await;
        }
        Ok(())
    }

    /// Stops the run for `why`: records it (the first reason stays), spends what is left of
    /// the step budget, and never returns (simloop ends the run before its next step).
    pub(super) async fn stop(&self, why: Stopped) -> Res {
        self.shared.borrow_mut().stopped.get_or_insert(why);
        let _ = spend_steps(u64::MAX);
        std::future::pending().await
    }
}

/// Charges a comprehension's `items` turns, a step each, as a loop's turn is charged: an
/// expression cannot wait for the step limit to end the run, so past the budget it raises
/// `MemoryError`, as making a value does (and the run ends at its next step). Before this,
/// `while true` around a comprehension over 65,536 items took 3.4 s of CPU to reach the
/// step limit, charged only for the list it went through.
pub fn charge_turns(items: usize) -> Result<(), Exc> {
    if items > 0 && spend_steps(items as u64).is_err() {
        return Err(Exc::new(
            "MemoryError",
            format!(
                "a comprehension over {items} items, past the step budget (each item costs a step, as a loop's turn does)"
            ),
        ));
    }
    Ok(())
}

/// `name`, cut to [`MAX_NAME`] bytes (at a character boundary) with `...` when longer.
pub fn short_name(mut name: String) -> String {
    if name.len() > MAX_NAME {
        let mut at = MAX_NAME;
        while !name.is_char_boundary(at) {
            at -= 1;
        }
        name.truncate(at);
        name.push_str("...");
    }
    name
}

/// An error unless `s` is short enough to keep.
pub fn check_string(s: &str) -> Result<(), Exc> {
    if s.len() > MAX_STRING {
        return Err(Exc::new(
            "MemoryError",
            format!("a string of {} bytes (at most {MAX_STRING})", s.len()),
        ));
    }
    Ok(())
}

/// Bytes of strings that cost one step of the run's budget to make.
pub const BYTES_PER_STEP: usize = 1024;

/// Charges a string of `len` bytes just made (rendered or joined) to the run's step
/// budget, a step per [`BYTES_PER_STEP`] bytes, so that the strings a run makes total at
/// most about 1 GiB under the default step limit. Values are shared when copied, so what a
/// run holds is bounded by what it makes: 20,000 tasks each given a fresh 2 MB argument took
/// 40 GB. A `MemoryError` once the budget is spent (the run then stops at its step limit).
pub fn charge_string(len: usize) -> Result<(), Exc> {
    charge(len, || format!("a string of {len} bytes"))
}

/// Charges a list of `items` items just made (its items are shared, not made) as
/// [`charge_string`] charges a string: a literal of 100,000 items, or the type names of a
/// list of 65,000 (made item by item), put in a queue 300 times took 1.8 GB.
pub fn charge_list(items: usize) -> Result<(), Exc> {
    charge(items.saturating_mul(std::mem::size_of::<Value>()), || {
        format!("a list of {items} items")
    })
}

/// List items written out (a `repr`, a list in a template) that cost one step: writing an
/// item costs far more than copying its bytes, so a loop writing out a list of 65,536
/// short strings (`repr(xs)`, `{xs!r}`) ran 40 s in a debug build, charged by bytes alone.
pub const ITEMS_PER_STEP: usize = 4;

/// Charges the writing out of `v` (its `repr` or `str`, `len` bytes long): its bytes as
/// [`charge_string`] does, and its list items, nested lists counted whole, a step per
/// [`ITEMS_PER_STEP`].
pub fn charge_written(v: &Value, len: usize) -> Result<(), Exc> {
    charge_string(len)?;
    let items = v.size().0;
    charge(
        (items / ITEMS_PER_STEP).saturating_mul(BYTES_PER_STEP),
        || format!("the text of a list of {items} items"),
    )
}

/// Spends a step per [`BYTES_PER_STEP`] of `bytes`; `what` names what was made.
fn charge(bytes: usize, what: impl FnOnce() -> String) -> Result<(), Exc> {
    let units = (bytes / BYTES_PER_STEP) as u64;
    if units > 0 && spend_steps(units).is_err() {
        return Err(Exc::new(
            "MemoryError",
            format!(
                "{}, past the step budget (making values costs a step per KiB)",
                what()
            ),
        ));
    }
    Ok(())
}

/// An error unless the list `items` is small and shallow enough to keep, and holds at most
/// [`MAX_STRING`] bytes of strings (each item counted: a list of 60,000 references to one
/// megabyte string, cheap to keep, compared and written out as 60 GB).
pub fn check_list(items: &[Value]) -> Result<(), Exc> {
    let (mut count, mut depth, mut bytes) = (items.len(), 1, 0usize);
    for v in items {
        let (n, d, b) = v.size();
        count = count.saturating_add(n);
        depth = depth.max(d + 1);
        bytes = bytes.saturating_add(b);
    }
    if bytes > MAX_STRING {
        return Err(Exc::new(
            "MemoryError",
            format!(
                "a list holding {bytes} bytes of strings (at most {MAX_STRING}, nested lists included)"
            ),
        ));
    }
    if count > MAX_ITEMS {
        return Err(Exc::new(
            "MemoryError",
            format!("a list of {count} items (at most {MAX_ITEMS}, nested lists included)"),
        ));
    }
    if depth > MAX_NESTING {
        return Err(Exc::new(
            "MemoryError",
            format!("lists nested {depth} deep (at most {MAX_NESTING})"),
        ));
    }
    Ok(())
}

/// An error unless `v`, about to become a future's result, nests lists and futures'
/// results at most [`MAX_NESTING`] deep. A chain of futures, each the result of the next
/// (a loop of `create_future` and `set_result = "f", value = "{prev}"`), is as deep as the
/// loop is long, and dropping or rendering it recurses once per level: a chain of 100,000
/// overflowed the stack. Each future is measured once (by address), and one met again
/// inside itself (a future that holds itself, which asyncio allows) counts as a leaf.
pub fn check_result(v: &Value) -> Result<(), Exc> {
    let depth = nesting(v, &mut BTreeMap::new());
    if depth > MAX_NESTING {
        return Err(Exc::new(
            "MemoryError",
            format!("a result nested {depth} deep in lists and futures (at most {MAX_NESTING})"),
        ));
    }
    Ok(())
}

/// How deep `v` nests lists and futures' results; `seen` holds the depth of each future
/// measured (0 while it is being measured), by address.
fn nesting(v: &Value, seen: &mut BTreeMap<usize, usize>) -> usize {
    match v {
        Value::List(items) | Value::Tuple(items) => {
            1 + items.iter().map(|i| nesting(i, seen)).max().unwrap_or(0)
        }
        Value::Future(f) => {
            let at = Rc::as_ptr(f) as usize;
            if let Some(&depth) = seen.get(&at) {
                return depth;
            }
            seen.insert(at, 0);
            let depth = 1 + match f.result() {
                Some(Ok(r)) => nesting(&r, seen),
                _ => 0,
            };
            seen.insert(at, depth);
            depth
        }
        Value::Gather(g) => {
            let at = Rc::as_ptr(g) as usize;
            if let Some(&depth) = seen.get(&at) {
                return depth;
            }
            seen.insert(at, 0);
            let depth = 1 + match g.peek() {
                Some(Ok(r)) => nesting(&r, seen),
                _ => 0,
            };
            seen.insert(at, depth);
            depth
        }
        _ => 0,
    }
}

#[cfg(test)]
mod examples {
    #[test]
    fn short_name_cuts_at_a_char_boundary() {
        use super::short_name;
        assert_eq!(short_name("worker-1".into()), "worker-1");
        assert_eq!(short_name("x".repeat(500)).len(), 203);
    }
}

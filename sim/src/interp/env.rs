//! A task's locals, and how deep its steps nest.

use std::collections::BTreeMap;

use super::value::Value;
use crate::scenario::Loc;

/// A task's locals (parameters, `i`, names bound by `as`/`let`/`for`/`random`) and the
/// nesting of the blocks running in its current poll.
#[derive(Clone, Debug, Default)]
pub struct Env {
    locals: BTreeMap<String, Value>,
    /// Blocks entered and not left, over every call of this task: each is a level of the
    /// poll's stack.
    pub(super) depth: usize,
    /// The innermost call step, for the recursion error.
    pub(super) call: Option<(Loc, usize)>,
    /// The conditions whose lock an enclosing `with` block of this task holds, innermost
    /// last: their waits and notifications run under it.
    pub(super) held: Vec<usize>,
}

impl Env {
    /// The local `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.locals.get(name)
    }

    /// Binds `name`; the value it had, if any.
    pub fn insert(&mut self, name: String, value: Value) -> Option<Value> {
        self.locals.insert(name, value)
    }

    /// Unbinds `name`.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.locals.remove(name)
    }

    /// These locals (a call's arguments) for a call by `caller`'s task: its blocks nest
    /// in the caller's poll.
    pub(super) fn called_from(self, caller: &Env, at: Loc, task: usize) -> Env {
        Env {
            depth: caller.depth,
            call: Some((at, task)),
            ..self
        }
    }
}

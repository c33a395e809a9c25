//! The scenario's synchronisation primitives: their declarations, each by kind and index,
//! and the states a template or expression may read from them (and from tasks and futures).

use super::expr::Type;

/// A synchronisation primitive of the scenario, by kind and index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    /// A semaphore (plain or bounded).
    Semaphore(usize),
    /// A lock.
    Lock(usize),
    /// An event.
    Event(usize),
    /// A condition.
    Condition(usize),
    /// A queue.
    Queue(usize),
    /// A barrier.
    Barrier(usize),
}

impl Prim {
    /// The kind's name, as declared (`[semaphores.NAME]` is a `semaphore`).
    pub fn kind(self) -> &'static str {
        match self {
            Prim::Semaphore(_) => "semaphore",
            Prim::Lock(_) => "lock",
            Prim::Event(_) => "event",
            Prim::Condition(_) => "condition",
            Prim::Queue(_) => "queue",
            Prim::Barrier(_) => "barrier",
        }
    }
}

/// The states a template or expression may read, as asyncio spells them: `(kind, member,
/// its type)`, the kind being a primitive's or `task` (a local holding a task or a future).
/// A member ending in `()` is a method, the others attributes.
pub const MEMBERS: &[(&str, &str, Type)] = &[
    ("semaphore", "locked()", Type::Bool),
    ("semaphore", "_value", Type::Int),
    ("lock", "locked()", Type::Bool),
    ("condition", "locked()", Type::Bool),
    ("event", "is_set()", Type::Bool),
    ("queue", "qsize()", Type::Int),
    ("queue", "empty()", Type::Bool),
    ("queue", "full()", Type::Bool),
    ("queue", "maxsize", Type::Int),
    ("barrier", "parties", Type::Int),
    ("barrier", "n_waiting", Type::Int),
    ("barrier", "broken", Type::Bool),
    ("task", "done()", Type::Bool),
    ("task", "cancelled()", Type::Bool),
    ("task", "result()", Type::Any),
    ("task", "exception()", Type::Any),
    ("task", "get_name()", Type::Str),
    ("task", "cancelling()", Type::Int),
    ("task", "args", Type::Str),
    ("task", "exceptions", Type::Tuple),
    ("task", "message", Type::Str),
    ("task", "when()", Type::Any),
    ("task", "expired()", Type::Bool),
];

/// Splits a path (`q.qsize()`, `tasks.0.done()`, `job.1`) into what it reads from and the
/// member it reads, if any (its last segment when that is a name, not an index).
pub fn split_member(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once('.') {
        Some((base, last)) if last.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') => {
            (base, Some(last))
        }
        _ => (path, None),
    }
}

/// A declared semaphore.
#[derive(Clone, Debug)]
pub struct SemaphoreDecl {
    /// Its name.
    pub name: String,
    /// Initial permits.
    pub value: u64,
    /// Whether it is a BoundedSemaphore.
    pub bounded: bool,
}

/// A declared queue.
#[derive(Clone, Debug)]
pub struct QueueDecl {
    /// Its name.
    pub name: String,
    /// The most items it holds (0: unbounded).
    pub maxsize: usize,
    /// Which item `get` takes.
    pub kind: QueueKind,
}

/// Which item a queue's `get` takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueKind {
    /// The oldest (`asyncio.Queue`).
    #[default]
    Fifo,
    /// The newest (`asyncio.LifoQueue`).
    Lifo,
    /// The smallest (`asyncio.PriorityQueue`).
    Priority,
}

#[cfg(test)]
mod examples {
    #[test]
    fn split_member_takes_the_last_name() {
        use crate::scenario::split_member;
        assert_eq!(split_member("q.qsize()"), ("q", Some("qsize()")));
        assert_eq!(split_member("ts.0.done()"), ("ts.0", Some("done()")));
        assert_eq!(split_member("job.1"), ("job.1", None));
    }
}

//! `Context`: a mapping of context variables to values, asyncio's `contextvars.Context`.

use std::any::Any;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use super::state::with_state;
use super::{ContextVar, EnterError};
use crate::runtime::Enter;

/// A mapping of context variables to their values; asyncio's `contextvars.Context`.
///
/// Every task runs in one: [`spawn`](crate::spawn) gives the new task a copy of the
/// spawning code's current context (asyncio's `create_task`), [`spawn_in`](super::spawn_in)
/// the context you pass. [`ContextVar::set`] changes the current context only, so a task
/// never sees what its creator or its siblings set after it was created. A `Context` value
/// is a handle: cloning it gives another handle on the same context (as a Python name
/// bound to the same object); [`Context::copy`] makes a new one with the same values.
///
/// Copying is cheap (the values are shared until one side sets a variable).
///
/// # Iteration order
///
/// [`Context::iter`] lists the variables in the order they were first set in this context
/// or the context it was copied from (a `reset` to unset removes one; a later `set`
/// appends it again): the program's own order, whatever the threads or the process.
/// CPython's order is its hash table's and is not specified.
///
/// # Examples
///
/// ```
/// use simloop::contextvars::{Context, ContextVar, copy_context};
///
/// static USER: ContextVar<&str> = ContextVar::new("user");
///
/// let ctx = Context::new();
/// ctx.run(|| USER.set("ada")).unwrap();
/// assert_eq!(ctx.get(&USER), Some("ada"));
/// assert_eq!(USER.get(), None, "set in ctx only");
/// assert!(copy_context().is_empty());
/// ```
#[derive(Clone, Default)]
pub struct Context {
    inner: Rc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The values; shared with copies until one of them changes (`Rc::make_mut`).
    vars: RefCell<Rc<Vec<Entry>>>,
    /// Whether `Context::run` has entered it and not left yet.
    entered: Cell<bool>,
}

/// One variable's value in a context.
#[derive(Clone)]
struct Entry {
    /// The variable's id ([`ContextVar`]'s, unique in the process).
    var: u64,
    name: Cow<'static, str>,
    value: Rc<dyn Any>,
}

/// Iterates over a [`Context`]'s variables: their names and values, in the order they
/// were first set (see [`Context`]'s "Iteration order").
///
/// A snapshot: what is set after it was made does not show.
///
/// # Examples
///
/// ```
/// use simloop::contextvars::{Context, ContextVar};
///
/// static A: ContextVar<u32> = ContextVar::new("a");
/// static B: ContextVar<&str> = ContextVar::new("b");
///
/// let ctx = Context::new();
/// ctx.run(|| {
///     B.set("x");
///     A.set(1);
/// })
/// .unwrap();
/// let names: Vec<_> = ctx.iter().map(|(name, _)| name).collect();
/// assert_eq!(names, ["b", "a"]);
/// let (_, first) = ctx.iter().next().unwrap();
/// assert_eq!(first.downcast_ref::<&str>(), Some(&"x"));
/// ```
pub struct Iter {
    vars: Rc<Vec<Entry>>,
    next: usize,
}

/// A copy of the current context: asyncio's `contextvars.copy_context()`.
///
/// In a task step, the task's context; in a callback, the one it runs in; inside
/// [`Context::run`], that context; outside a run, this thread's.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, contextvars::{ContextVar, copy_context}};
///
/// static DEPTH: ContextVar<u32> = ContextVar::with_default("depth", 0);
///
/// let out = Sim::new().run(async {
///     DEPTH.set(1);
///     let snapshot = copy_context();
///     DEPTH.set(2);
///     (snapshot.get(&DEPTH), DEPTH.get())
/// });
/// assert_eq!(out.result.unwrap(), (Some(1), Some(2)));
/// ```
pub fn copy_context() -> Context {
    with_state(|s, running| s.peek(running).map(Context::copy)).unwrap_or_default()
}

impl Context {
    /// An empty context: asyncio's `contextvars.Context()`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(simloop::contextvars::Context::new().is_empty());
    /// ```
    pub fn new() -> Context {
        Context::default()
    }

    /// A new context with the same values: asyncio's `Context.copy()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static N: ContextVar<u8> = ContextVar::new("n");
    ///
    /// let a = Context::new();
    /// a.run(|| N.set(1)).unwrap();
    /// let b = a.copy();
    /// b.run(|| N.set(2)).unwrap();
    /// assert_eq!((a.get(&N), b.get(&N)), (Some(1), Some(2)));
    /// ```
    pub fn copy(&self) -> Context {
        let vars = Rc::clone(&self.inner.vars.borrow());
        Context {
            inner: Rc::new(Inner {
                vars: RefCell::new(vars),
                entered: Cell::new(false),
            }),
        }
    }

    /// Runs `f` with this context as the current one, and returns its value: asyncio's
    /// `Context.run`. What `f` sets is set in this context, and seen by later runs of it.
    /// Runs nest: inside `f`, another context's `run` makes that one current until it
    /// returns.
    ///
    /// # Errors
    ///
    /// [`EnterError`] when this context is entered already: by an enclosing `run`, or as
    /// the context of the running task (asyncio's `RuntimeError: cannot enter context`).
    /// `f` is not called then.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static LEVEL: ContextVar<&str> = ContextVar::new("level");
    ///
    /// let (outer, inner) = (Context::new(), Context::new());
    /// let seen = outer.run(|| {
    ///     LEVEL.set("outer");
    ///     let nested = inner.run(|| LEVEL.get()).unwrap();
    ///     let again = outer.run(|| ()).is_err();
    ///     (nested, LEVEL.get(), again)
    /// });
    /// assert_eq!(seen.unwrap(), (None, Some("outer"), true));
    /// ```
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> Result<R, EnterError> {
        let refused = with_state(|s, running| {
            if s.is_entered(self, running) {
                return true;
            }
            self.inner.entered.set(true);
            s.entered.push((running, self.clone()));
            false
        });
        if refused {
            return Err(EnterError::new());
        }
        // Left on the way out, a panic's unwinding included.
        let _leave = Leave(self);
        Ok(f())
    }

    /// The value of `var` in this context, `None` if it is not set here (the variable's
    /// default is not consulted: asyncio's `Context.get(var)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static V: ContextVar<u8> = ContextVar::with_default("v", 9);
    ///
    /// let ctx = Context::new();
    /// assert_eq!(ctx.get(&V), None);
    /// ctx.run(|| V.set(1)).unwrap();
    /// assert_eq!(ctx.get(&V), Some(1));
    /// ```
    pub fn get<T: Clone + 'static>(&self, var: &ContextVar<T>) -> Option<T> {
        self.get_by_id(var.id())
    }

    /// Whether `var` is set in this context: asyncio's `var in ctx`.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static V: ContextVar<u8> = ContextVar::new("v");
    ///
    /// let ctx = Context::new();
    /// ctx.run(|| V.set(1)).unwrap();
    /// assert!(ctx.contains(&V));
    /// ```
    pub fn contains<T>(&self, var: &ContextVar<T>) -> bool {
        self.value(var.id()).is_some()
    }

    /// How many variables are set in this context: asyncio's `len(ctx)`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(simloop::contextvars::Context::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.vars.borrow().len()
    }

    /// Whether no variable is set in this context.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(simloop::contextvars::Context::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The variables set in this context, by name, with their values, in the order they
    /// were first set (see "Iteration order" above): asyncio's `ctx.items()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static V: ContextVar<u8> = ContextVar::new("v");
    ///
    /// let ctx = Context::new();
    /// ctx.run(|| V.set(3)).unwrap();
    /// let items: Vec<_> = ctx.iter().map(|(n, v)| (n, *v.downcast_ref::<u8>().unwrap())).collect();
    /// assert_eq!(items, [("v".into(), 3)]);
    /// ```
    pub fn iter(&self) -> Iter {
        Iter {
            vars: Rc::clone(&self.inner.vars.borrow()),
            next: 0,
        }
    }

    /// Whether `self` and `other` are handles on the same context (asyncio's `is`).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::Context;
    ///
    /// let ctx = Context::new();
    /// assert!(ctx.ptr_eq(&ctx.clone()));
    /// assert!(!ctx.ptr_eq(&ctx.copy()));
    /// ```
    pub fn ptr_eq(&self, other: &Context) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }

    /// Whether `Context::run` entered it and has not returned yet.
    pub(super) fn is_marked_entered(&self) -> bool {
        self.inner.entered.get()
    }

    /// The value of the variable whose id is `var`, if set.
    pub(super) fn get_by_id<T: Clone + 'static>(&self, var: u64) -> Option<T> {
        let value = self.value(var)?;
        // Cloned outside the `RefCell` borrow: `T::clone` is user code.
        value.downcast_ref::<T>().cloned()
    }

    /// The value of variable `var`, if set.
    fn value(&self, var: u64) -> Option<Rc<dyn Any>> {
        let vars = self.inner.vars.borrow();
        vars.iter()
            .find(|e| e.var == var)
            .map(|e| Rc::clone(&e.value))
    }

    /// Sets variable `var` (named `name`) to `value`; returns its previous value. The
    /// caller drops what it returns, outside the borrow.
    #[expect(
        clippy::ptr_arg,
        reason = "cloned only when the variable is new here: a borrowed name stays borrowed"
    )]
    pub(super) fn put(
        &self,
        var: u64,
        name: &Cow<'static, str>,
        value: Option<Rc<dyn Any>>,
    ) -> Option<Rc<dyn Any>> {
        let mut vars = self.inner.vars.borrow_mut();
        let vars = Rc::make_mut(&mut vars);
        let at = vars.iter().position(|e| e.var == var);
        match (at, value) {
            (Some(i), Some(value)) => Some(std::mem::replace(&mut vars[i].value, value)),
            (Some(i), None) => Some(vars.remove(i).value),
            (None, Some(value)) => {
                vars.push(Entry {
                    var,
                    name: name.clone(),
                    value,
                });
                None
            }
            (None, None) => None,
        }
    }
}

/// Leaves an entered context when dropped.
struct Leave<'a>(&'a Context);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        let ctx = self.0;
        let left = with_state(|s, _| {
            let at = s.entered.iter().rposition(|(_, c)| c.ptr_eq(ctx));
            at.map(|i| s.entered.remove(i).1)
        });
        ctx.inner.entered.set(false);
        // Dropped here, outside the runtime's borrow (it is a handle on `ctx`, alive).
        drop(left);
    }
}

impl Enter for Context {
    fn enter(&self, f: &mut dyn FnMut()) {
        // A callback's captured context is a copy of its own, which nothing else enters.
        if self.run(&mut *f).is_err() {
            f();
        }
    }
}

impl Iterator for Iter {
    type Item = (Cow<'static, str>, Rc<dyn Any>);

    fn next(&mut self) -> Option<Self::Item> {
        let e = self.vars.get(self.next)?;
        self.next += 1;
        Some((e.name.clone(), Rc::clone(&e.value)))
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vars = self.inner.vars.borrow();
        f.debug_struct("Context")
            .field("vars", &vars.iter().map(|e| &e.name).collect::<Vec<_>>())
            .field("entered", &self.inner.entered.get())
            .finish()
    }
}

impl fmt::Debug for Iter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("left", &(self.vars.len() - self.next))
            .finish()
    }
}

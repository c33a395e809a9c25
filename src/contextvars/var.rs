//! `ContextVar` and its `Token`: asyncio's `contextvars.ContextVar` and `Token`.

use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::state::with_state;
use super::{Context, ResetError};

/// A context variable: a value per [`Context`], asyncio's `contextvars.ContextVar`.
///
/// [`get`](ContextVar::get) reads it in the current context (the running task's, a
/// callback's, or the one [`Context::run`] entered), [`set`](ContextVar::set) sets it
/// there only. A task gets a copy of its creator's context when it is spawned, so what it
/// sets is its own: its later steps see it, its creator and siblings never do.
///
/// Declare one as a `static` (its constructors are `const`), or keep it where the tasks
/// that use it can reach it. A variable is identified by where it lives, not by its name:
/// two variables with the same name are two variables, as in asyncio.
///
/// # Examples
///
/// ```
/// use simloop::{Sim, contextvars::ContextVar, log, spawn};
///
/// static REQUEST: ContextVar<u32> = ContextVar::new("request");
///
/// async fn handle(id: u32) {
///     REQUEST.set(id);
///     simloop::yield_now().await;
///     log!("request {:?}", REQUEST.get());
/// }
///
/// let out = Sim::new().run(async {
///     let a = spawn(handle(1));
///     let b = spawn(handle(2));
///     a.await.unwrap();
///     b.await.unwrap();
///     REQUEST.get()
/// });
/// assert_eq!(out.result.unwrap(), None, "the tasks' sets are their own");
/// assert_eq!(out.trace.logs(), "t=0 request Some(1)\nt=0 request Some(2)\n");
/// ```
pub struct ContextVar<T> {
    name: Cow<'static, str>,
    default: Option<T>,
    /// Unique in the process, drawn at first use (so that a `static` can be `const`);
    /// 0 until then. Compared, never ordered: iteration follows the order of `set`s.
    id: AtomicU64,
}

/// What [`ContextVar::set`] returns: what [`ContextVar::reset`] needs to restore the
/// variable's previous value; asyncio's `contextvars.Token`.
///
/// # Examples
///
/// ```
/// use simloop::contextvars::{Context, ContextVar};
///
/// static V: ContextVar<u8> = ContextVar::new("v");
///
/// Context::new().run(|| {
///     let first = V.set(1);
///     let second = V.set(2);
///     assert_eq!(first.old_value(), None);
///     assert_eq!(second.old_value(), Some(1));
/// })
/// .unwrap();
/// ```
pub struct Token<T> {
    var: u64,
    context: Context,
    old: Option<Rc<dyn Any>>,
    used: Cell<bool>,
    _value: PhantomData<fn() -> T>,
}

/// The source of variable ids: 0 is "not drawn yet".
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl<T: Clone + 'static> ContextVar<T> {
    /// A variable without a default: [`get`](ContextVar::get) is `None` where it is not
    /// set (asyncio's `LookupError`).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::ContextVar;
    ///
    /// static TRACE_ID: ContextVar<u64> = ContextVar::new("trace_id");
    /// assert_eq!(TRACE_ID.get(), None);
    /// ```
    pub const fn new(name: &'static str) -> ContextVar<T> {
        ContextVar {
            name: Cow::Borrowed(name),
            default: None,
            id: AtomicU64::new(0),
        }
    }

    /// A variable whose value is `default` where it is not set.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::ContextVar;
    ///
    /// static RETRIES: ContextVar<u8> = ContextVar::with_default("retries", 3);
    /// assert_eq!(RETRIES.get(), Some(3));
    /// ```
    pub const fn with_default(name: &'static str, default: T) -> ContextVar<T> {
        ContextVar {
            name: Cow::Borrowed(name),
            default: Some(default),
            id: AtomicU64::new(0),
        }
    }

    /// A variable named at run time (a name read from a file), with an optional default.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::ContextVar;
    ///
    /// let v = ContextVar::named(format!("var-{}", 1), Some(0u8));
    /// assert_eq!((v.name(), v.get()), ("var-1", Some(0)));
    /// ```
    pub fn named(name: impl Into<String>, default: Option<T>) -> ContextVar<T> {
        ContextVar {
            name: Cow::Owned(name.into()),
            default,
            id: AtomicU64::new(0),
        }
    }

    /// The variable's name: asyncio's `ContextVar.name`.
    ///
    /// # Examples
    ///
    /// ```
    /// static V: simloop::contextvars::ContextVar<u8> = simloop::contextvars::ContextVar::new("v");
    /// assert_eq!(V.name(), "v");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The variable's value in the current context, else its default, else `None`:
    /// asyncio's `var.get()` (`None` for its `LookupError`).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, contextvars::ContextVar};
    ///
    /// static V: ContextVar<&str> = ContextVar::with_default("v", "default");
    ///
    /// let out = Sim::new().run(async {
    ///     let before = V.get();
    ///     V.set("set");
    ///     (before, V.get())
    /// });
    /// assert_eq!(out.result.unwrap(), (Some("default"), Some("set")));
    /// ```
    pub fn get(&self) -> Option<T> {
        self.lookup().or_else(|| self.default.clone())
    }

    /// The variable's value in the current context, else `default` (the variable's own
    /// default is not consulted): asyncio's `var.get(default)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::ContextVar;
    ///
    /// static V: ContextVar<u8> = ContextVar::with_default("v", 1);
    /// assert_eq!(V.get_or(7), 7);
    /// ```
    pub fn get_or(&self, default: T) -> T {
        self.lookup().unwrap_or(default)
    }

    /// Sets the variable in the current context; returns the [`Token`] that
    /// [`reset`](ContextVar::reset) takes to restore what it was: asyncio's `var.set`.
    ///
    /// In a task step the current context is the task's own (a copy of its creator's,
    /// made when it was spawned), so the value is seen by the task's later steps, and by
    /// the tasks it spawns afterwards, never by its creator or siblings.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::{Sim, contextvars::ContextVar, spawn};
    ///
    /// static V: ContextVar<u8> = ContextVar::new("v");
    ///
    /// let out = Sim::new().run(async {
    ///     V.set(1);
    ///     let child = spawn(async { let seen = V.get(); V.set(2); seen });
    ///     (child.await.unwrap(), V.get())
    /// });
    /// assert_eq!(out.result.unwrap(), (Some(1), Some(1)));
    /// ```
    pub fn set(&self, value: T) -> Token<T> {
        let value: Rc<dyn Any> = Rc::new(value);
        let context = with_state(|s, running| s.current(running));
        let old = context.put(self.id(), &self.name, Some(value));
        Token {
            var: self.id(),
            context,
            old,
            used: Cell::new(false),
            _value: PhantomData,
        }
    }

    /// Restores the value the variable had before the `set` that returned `token` (unset
    /// if it was): asyncio's `var.reset(token)`.
    ///
    /// # Errors
    ///
    /// In asyncio's order of checks: [`ResetError::UsedToken`] for a token used already
    /// (asyncio's `RuntimeError`), [`ResetError::OtherVar`] for another variable's token
    /// and [`ResetError::OtherContext`] for a token made in another context than the
    /// current one (asyncio's `ValueError`s). Nothing changes then.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar, ResetError};
    ///
    /// static V: ContextVar<u8> = ContextVar::new("v");
    ///
    /// Context::new().run(|| {
    ///     let token = V.set(1);
    ///     assert_eq!(V.reset(&token), Ok(()));
    ///     assert_eq!(V.get(), None);
    ///     assert_eq!(V.reset(&token), Err(ResetError::UsedToken));
    /// })
    /// .unwrap();
    /// ```
    pub fn reset(&self, token: &Token<T>) -> Result<(), ResetError> {
        if token.used.get() {
            return Err(ResetError::UsedToken);
        }
        if token.var != self.id() {
            return Err(ResetError::OtherVar);
        }
        let current = with_state(|s, running| s.current(running));
        if !current.ptr_eq(&token.context) {
            return Err(ResetError::OtherContext);
        }
        token.used.set(true);
        let replaced = current.put(self.id(), &self.name, token.old.clone());
        drop(replaced);
        Ok(())
    }

    /// The value in the current context, if set there.
    fn lookup(&self) -> Option<T> {
        let id = self.id();
        let context = with_state(|s, running| s.peek(running).cloned())?;
        context.get_by_id(id)
    }
}

impl<T> ContextVar<T> {
    /// The variable's id, drawn at its first use.
    pub(super) fn id(&self) -> u64 {
        let id = self.id.load(Ordering::Relaxed);
        if id != 0 {
            return id;
        }
        let fresh = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        match self
            .id
            .compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => fresh,
            Err(drawn) => drawn,
        }
    }
}

impl<T: Clone + 'static> Token<T> {
    /// The variable's value before the `set` that made this token, `None` if it was not
    /// set: asyncio's `Token.old_value` (`None` for `Token.MISSING`).
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static V: ContextVar<u8> = ContextVar::with_default("v", 5);
    ///
    /// let token = Context::new().run(|| V.set(1)).unwrap();
    /// assert_eq!(token.old_value(), None, "the default is not a value set");
    /// ```
    pub fn old_value(&self) -> Option<T> {
        self.old.as_ref()?.downcast_ref::<T>().cloned()
    }

    /// Whether [`ContextVar::reset`] used it already.
    ///
    /// # Examples
    ///
    /// ```
    /// use simloop::contextvars::{Context, ContextVar};
    ///
    /// static V: ContextVar<u8> = ContextVar::new("v");
    ///
    /// Context::new().run(|| {
    ///     let token = V.set(1);
    ///     V.reset(&token).unwrap();
    ///     assert!(token.is_used());
    /// })
    /// .unwrap();
    /// ```
    pub fn is_used(&self) -> bool {
        self.used.get()
    }
}

impl<T> fmt::Debug for ContextVar<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextVar")
            .field("name", &self.name)
            .field("has_default", &self.default.is_some())
            .finish()
    }
}

impl<T> fmt::Debug for Token<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("used", &self.used.get())
            .field("had_value", &self.old.is_some())
            .finish()
    }
}

//! A flag that tasks can wait on.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::resource::Resource;
use super::waiters::{Status, Ticket, Waiters, with_core};
use crate::runtime::with;

/// An event flag: asyncio's `Event`.
///
/// [`set`](Event::set) wakes every waiting task, in the order they began waiting, and each of
/// them returns even if [`clear`](Event::clear) follows at once. Waiting on an event that is
/// already set returns without yielding. Share it with `Rc<Event>`.
///
/// **Differs from asyncio:** only in shape: `wait` resolves to `()` rather than `True`.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use simloop::{Event, Sim, log, spawn, yield_now};
///
/// let out = Sim::new().run(async {
///     let ev = Rc::new(Event::new());
///     let e = ev.clone();
///     let h = spawn(async move {
///         e.wait().await;
///         log!("woke");
///     });
///     yield_now().await;
///     ev.set();
///     ev.clear();
///     h.await.unwrap();
/// });
/// assert_eq!(out.trace.logs(), "t=0 woke\n");
/// ```
pub struct Event {
    state: RefCell<State>,
    resource: Resource,
}

struct State {
    set: bool,
    waiters: Waiters,
}

/// The future returned by [`Event::wait`].
///
/// # Examples
///
/// ```
/// simloop::Sim::new().run(async {
///     let ev = simloop::Event::new();
///     ev.set();
///     let w: simloop::sync::EventWait<'_> = ev.wait();
///     w.await;
/// });
/// ```
///
/// # Cancel safety
///
/// Dropping it removes the task from the event's waiters; nothing else is lost.
#[must_use = "futures do nothing unless awaited"]
pub struct EventWait<'a> {
    event: &'a Event,
    ticket: Option<Ticket>,
}

impl Event {
    /// A new, clear event.
    ///
    /// ```
    /// assert!(!simloop::Event::new().is_set());
    /// ```
    pub fn new() -> Event {
        Event::with_name(None)
    }

    /// A new, clear event with a name, shown in deadlock reports.
    ///
    /// ```
    /// assert_eq!(simloop::Event::named("ready").name(), Some("ready"));
    /// ```
    pub fn named(name: &str) -> Event {
        Event::with_name(Some(name))
    }

    fn with_name(name: Option<&str>) -> Event {
        Event {
            state: RefCell::new(State {
                set: false,
                waiters: Waiters::new(),
            }),
            resource: Resource::new("Event", name),
        }
    }

    /// The name given to [`Event::named`].
    ///
    /// ```
    /// assert_eq!(simloop::Event::new().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.resource.name()
    }

    /// Sets the flag and wakes every waiter, in wait order (one ready-queue slot each).
    ///
    /// ```
    /// let ev = simloop::Event::new();
    /// ev.set();
    /// assert!(ev.is_set());
    /// ```
    pub fn set(&self) {
        with_core(|core| {
            let mut st = self.state.borrow_mut();
            if st.set {
                return;
            }
            st.set = true;
            if let Some(core) = core {
                st.waiters.notify_all(core);
            }
        });
    }

    /// Clears the flag; tasks already woken by [`Event::set`] still return.
    ///
    /// ```
    /// let ev = simloop::Event::new();
    /// ev.set();
    /// ev.clear();
    /// assert!(!ev.is_set());
    /// ```
    pub fn clear(&self) {
        self.state.borrow_mut().set = false;
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// assert!(!simloop::Event::new().is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.state.borrow().set
    }

    /// Waits until the flag is set; returns at once, without yielding, if it is set already.
    ///
    /// ```
    /// simloop::Sim::new().run(async {
    ///     let ev = simloop::Event::new();
    ///     ev.set();
    ///     ev.wait().await;
    /// });
    /// ```
    ///
    /// # Panics
    ///
    /// Polling the future panics outside a simulation.
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            ticket: None,
        }
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let ev = this.event;
        with("Event::wait", |core| {
            let mut st = ev.state.borrow_mut();
            match this.ticket {
                None if st.set => return Poll::Ready(()),
                None => this.ticket = Some(st.waiters.push(core, cx.waker())),
                Some(t) => {
                    if st.waiters.poll(core, t, cx.waker()) != Status::Waiting {
                        st.waiters.remove(t);
                        this.ticket = None;
                        return Poll::Ready(());
                    }
                }
            }
            ev.resource.wait_on(core);
            Poll::Pending
        })
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.event.state.borrow_mut().waiters.remove(t);
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("name", &self.name())
            .field("set", &self.is_set())
            .finish()
    }
}

impl fmt::Debug for EventWait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait").finish_non_exhaustive()
    }
}

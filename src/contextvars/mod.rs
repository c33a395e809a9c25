//! Context variables: asyncio's `contextvars`, with asyncio's rules for tasks and
//! callbacks.
//!
//! A [`ContextVar`] has a value per [`Context`]. Code always runs in one:
//!
//! - a task in its own, a copy of its creator's current context made when it was spawned
//!   ([`spawn`](crate::spawn), and the children of [`gather`](crate::gather),
//!   [`shield`](crate::shield), [`TaskGroup::spawn`](crate::TaskGroup::spawn), which spawn
//!   them in the caller's task), or the one given to [`spawn_in`];
//! - a callback ([`call_soon`](crate::task::call_soon), `call_later`, `call_at`, a task's
//!   or a promise's `add_done_callback`) in a copy of the context current when it was
//!   registered; for asyncio's `context=` argument, run the callback's body in the
//!   context: `call_soon(move || { let _ = ctx.run(body); })`;
//! - [`to_thread`](crate::to_thread)'s function in a copy of the caller's;
//! - inside [`Context::run`], that context, until it returns (runs nest).
//!
//! So what a task sets is seen by its later steps and by the tasks it spawns afterwards,
//! never by its creator or its siblings.
//!
//! **Differs from asyncio:** [`wait_for`](crate::wait_for) runs its inner work inline in
//! the caller's task (asyncio 3.12's), so what it sets is the caller's; 3.11 runs it as a
//! task of its own, in a copy. A run starts with an empty context, whatever the thread's
//! (so a run is the same on any thread, as the explorer's jobs need), where `asyncio.run`
//! copies its caller's.
//!
//! A run that never touches a context variable pays nothing for them: the state lives
//! beside the engine, installed at the first use.
//!
//! # Examples
//!
//! ```
//! use simloop::{Sim, contextvars::ContextVar, log, sleep, spawn};
//! use std::time::Duration;
//!
//! static CLIENT: ContextVar<&str> = ContextVar::with_default("client", "-");
//!
//! async fn serve(name: &'static str, ms: u64) {
//!     CLIENT.set(name);
//!     sleep(Duration::from_millis(ms)).await;
//!     log!("served {}", CLIENT.get().unwrap());
//! }
//!
//! let out = Sim::new().run(async {
//!     let a = spawn(serve("alice", 20));
//!     let b = spawn(serve("bob", 10));
//!     a.await.unwrap();
//!     b.await.unwrap();
//!     log!("main sees {}", CLIENT.get().unwrap());
//! });
//! assert_eq!(out.trace.logs(), "t=10 served bob\nt=20 served alice\nt=20 main sees -\n");
//! ```

mod context;
mod error;
mod spawn;
mod state;
mod var;

pub use self::context::{Context, Iter, copy_context};
pub use self::error::{EnterError, ResetError};
pub use self::spawn::{spawn_in, task_context};
pub use self::var::{ContextVar, Token};

pub(crate) use self::state::run_in_copy;

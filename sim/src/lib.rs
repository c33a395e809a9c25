//! The `sim` command's library: scenario files, their interpreter, expectations, output
//! formats and the command line.
//!
//! The library exists for the `sim` binary and its tests, so its public API is what they
//! use: [`scenario::parse`] / [`scenario::load`] a file, [`interp::run`] it (or run
//! [`interp::program`] on a [`simloop::Sim`] or an explorer), judge it with
//! [`expect::failures`] / [`expect::check_facts`], and [`cli::main`]. The scenario's typed
//! tree, the interpreter's engine, the explorer glue and the output formats are private.
//!
//! A scenario is a TOML file describing an asyncio-style program (tasks, sleeps, logs,
//! spawns, awaits, cancellations, failures) and what must hold at its end. See
//! `scenarios/README.md` for the format.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use simloop::Sim;
//! use simloop_cli::{expect, interp, scenario};
//!
//! let text = r#"
//! [tasks.say]
//! params = ["what", "delay"]
//! steps = [{ sleep = "{delay}" }, { log = "{what}" }]
//!
//! [main]
//! steps = [
//!   { spawn = "say", args = { what = "hello", delay = 1 }, as = "a" },
//!   { spawn = "say", args = { what = "world", delay = 2 }, as = "b" },
//!   { await = "a" },
//!   { await = "b" },
//! ]
//!
//! [expect]
//! order = ["hello", "world"]
//! "#;
//! let scn = Arc::new(scenario::parse("say.toml", text).unwrap());
//! let report = interp::run(&scn, &Sim::new());
//! assert_eq!(report.outcome.trace.logs(), "t=1000 hello\nt=2000 world\n");
//! assert!(expect::failures(&scn, &report).is_empty());
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod expect;
pub(crate) mod explore;
pub mod interp;
pub(crate) mod output;
pub mod scenario;

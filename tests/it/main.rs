//! simloop's integration tests: one binary, one module per behaviour.

mod cancel;
mod conformance;
mod deadlock;
mod determinism;
mod explore;
mod limits;
mod time;
mod util;
mod zoo;

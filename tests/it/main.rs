//! simloop's integration tests: one binary, one module per behaviour.

mod cancel;
mod combinator_properties;
mod conformance;
mod deadlock;
mod determinism;
mod gather;
mod limits;
mod shield;
mod task_group;
mod time;
mod timeout;
mod util;
mod wait;

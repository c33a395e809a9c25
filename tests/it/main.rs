//! simloop's integration tests: one binary, one module per behaviour.

mod cancel;
mod conformance;
mod deadlock;
mod determinism;
mod event_condition_barrier;
mod explore;
mod limits;
mod promise;
mod queue;
mod semaphore_lock;
mod sync_conformance;
mod sync_deadlock;
mod sync_props;
mod time;
mod util;
mod zoo;

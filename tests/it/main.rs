//! simloop's integration tests: one binary, one module per behaviour.

mod callbacks;
mod cancel;
mod combinator_properties;
mod conformance;
mod deadlock;
mod determinism;
mod event_condition_barrier;
mod explore;
mod fidelity;
mod gather;
mod limits;
mod promise;
mod queue;
mod run_reuse;
mod semaphore_lock;
mod shield;
mod slots;
mod sync_conformance;
mod sync_deadlock;
mod sync_props;
mod task_group;
mod time;
mod timeout;
mod util;
mod wait;
mod zoo;

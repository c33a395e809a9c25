//! The run's counters, shared by every layer (the runtime counts, `Outcome` reports).

/// Counters of one run.
///
/// ```
/// let out = simloop::Sim::new().run(async { simloop::spawn(async {}).await.unwrap() });
/// assert_eq!((out.stats.tasks, out.stats.polls), (2, 3));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Ready-queue entries executed (polls, cancellations, wake-up hops), plus the units
    /// of work charged with [`crate::task::spend_steps`].
    pub steps: u64,
    /// Task polls.
    pub polls: u64,
    /// Tasks created, the main task included.
    pub tasks: u64,
    /// Times a task was queued by a wake.
    pub wakes: u64,
    /// Timers armed.
    pub timers: u64,
    /// Cancellations requested.
    pub cancels: u64,
    /// Scheduling decisions (steps with two or more ready entries, under a non-FIFO policy).
    pub decisions: u64,
}

//! The host: the real tokio runtime (current-thread, no drivers) whose `block_on` each run
//! of the simulation is polled in, so that tokio's own code in a run finds a runtime.

use std::future::Future;

thread_local! {
    /// The real tokio runtime whose `block_on` hosts this thread's runs of runtimes built
    /// without I/O, and explored runs (a runtime with I/O hosts its runs in its own
    /// reactor's runtime: `sim::real_io`).
    static HOST: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a driverless current-thread tokio runtime");

    /// The handle of a host runtime that was shut down (dropped as it was built).
    static SHUT_DOWN_HOST: tokio::runtime::Handle = {
        let host = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a driverless current-thread tokio runtime");
        host.handle().clone()
    };
}

/// Runs `future` in a `block_on` of this thread's host: a real tokio runtime without
/// drivers, whose handle's `block_on` enters tokio's runtime context (so tokio's own
/// checks see a runtime: `blocking_recv` and friends panic inside a run as they do in
/// tokio, instead of blocking the simulation's thread forever) and gives each poll a full
/// cooperative budget, without a scheduler (so a task out of budget is woken at once
/// rather than at a park that never comes while the run goes on: `task::coop`).
///
/// Inside the host already (a run started in a blocking call of another run's task,
/// `block_in_place`), the future is polled in place: the ones given here complete at their
/// first poll.
pub(crate) fn host_block_on<F: Future>(future: F) -> F::Output {
    if crate::sim::real_io::in_tokio_runtime() {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        return match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => unreachable!("hosted work completes in one poll"),
        };
    }
    HOST.with(|host| crate::sim::real_io::hosted(host.handle(), future))
}

/// [`host_block_on`] for a run of a runtime that was shut down: its host's blocking pool
/// is closed too, so tokio's own code in the run finds it closed as on tokio (`tokio::fs`
/// fails with "background task failed", stdio with tokio's shutdown error) instead of
/// running on a live pool.
pub(super) fn shut_down_host_block_on<F: Future>(future: F) -> F::Output {
    if crate::sim::real_io::in_tokio_runtime() {
        return host_block_on(future);
    }
    SHUT_DOWN_HOST.with(|host| crate::sim::real_io::hosted(host, future))
}

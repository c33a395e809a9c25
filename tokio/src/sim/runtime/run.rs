//! A run: one `block_on` of a runtime, a simulation of its own, hosted by a real tokio
//! runtime without drivers (`host`); the runtime's clock and its live tasks go on from one
//! run to the next.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::Handle;
use super::host::{host_block_on, shut_down_host_block_on};
use super::park;
use crate::sim::{context, entry, task};

impl Handle {
    /// Runs `future` as one simulation; `worker`: the thread drives the runtime
    /// (`runtime::worker_index` is then `Some(0)` outside tasks too).
    #[track_caller]
    pub(crate) fn run<F: Future>(&self, future: F, worker: bool) -> F::Output {
        if simloop::time::try_now().is_some() {
            panic!(
                "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it."
            );
        }
        let origin = self.clock_now();
        let _run = context::enter_run(self.clone(), origin, worker, true);
        let handle = self.clone();
        let main = async move {
            handle.start_pending();
            let mut future = std::pin::pin!(future);
            std::future::poll_fn(|cx| {
                // Tasks spawned from other threads since the last poll start now.
                handle.start_pending();
                handle.set_main_waker(Some(cx.waker()));
                task::coop::refill();
                crate::sim::time::count_poll();
                catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))).map_or_else(
                    |payload| std::task::Poll::Ready(Err(payload)),
                    |poll| poll.map(Ok),
                )
            })
            .await
        };
        let sim = entry::sim()
            .on_idle(park::idle_hook(self.clone()))
            .pace_clock(self.real_io().pace_flag());
        let started = std::time::Instant::now();
        task::coop::prepare();
        let outcome = if self.is_shut_down() {
            shut_down_host_block_on(async { sim.block_on(main) })
        } else if self.io_disabled() {
            host_block_on(async { sim.block_on(main) })
        } else {
            // tokio's processes, signals and pipes find a reactor (`sim::real_io`).
            self.real_io().host_block_on(async { sim.block_on(main) })
        };
        self.set_main_waker(None);
        // The runtime's tasks still alive when the run ended (`TaskFuture::start_in_runtime`).
        let kept = simloop::task::take_kept();
        if matches!(outcome.result, Ok(Ok(_))) {
            // The `block_on`'s future is done: they go on in the runtime's next run, where
            // each is polled at its turn (the wakers it left were the ended run's).
            for task in kept {
                self.keep(Box::new(move || {
                    simloop::task::spawn_kept(task);
                }));
            }
        } else {
            // The run failed: they are cancelled (dropped) with it.
            drop(kept);
        }
        self.record_run(outcome.elapsed, started.elapsed());
        match outcome.result {
            Ok(Ok(value)) => value,
            Ok(Err(payload)) => resume_unwind(payload),
            Err(error) => panic!(
                "simloop-tokio: the simulated run failed: {error}\n{}",
                entry::replay_hint(&outcome.token)
            ),
        }
    }
}

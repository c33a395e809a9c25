//! Cancellation, delivered the asyncio way: at the task's own turn in the ready queue.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::{JoinError, Sim, log, sleep, spawn, spawn_named, task, yield_now};

/// Logs when dropped: how a Rust task observes its cancellation.
struct Guard(&'static str);

impl Drop for Guard {
    fn drop(&mut self) {
        log!("{} dropped", self.0);
    }
}

#[test]
fn cancelled_before_first_poll_never_runs() {
    let out = Sim::new().run(async {
        let h = spawn(async {
            log!("child ran");
        });
        assert!(h.cancel());
        h.await
    });
    assert_eq!(
        out.result.unwrap(),
        Err(JoinError::Cancelled { message: None })
    );
    assert_eq!(out.trace.logs(), "");
    assert!(
        !out.trace.render().contains("#2 poll"),
        "the child was never polled"
    );
    assert!(out.trace.render().contains("t=0 #2 cancel delivered"));
}

#[test]
fn cancel_while_sleeping_drops_at_its_turn_and_disarms_the_timer() {
    let out = Sim::new().run(async {
        let h = spawn_named("sleeper", async {
            let _g = Guard("sleeper guard");
            sleep(Duration::from_secs(3600)).await;
            log!("unreachable");
        });
        sleep(Duration::from_secs(1)).await;
        h.cancel_with("enough");
        log!("cancel requested");
        let r = h.await;
        log!("joined: {}", r.unwrap_err());
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=1000 cancel requested\nt=1000 sleeper guard dropped\nt=1000 joined: task was cancelled: enough\n"
    );
    assert_eq!(
        out.elapsed,
        Duration::from_secs(1),
        "the cancelled timer must not hold the clock"
    );
}

#[test]
fn cancel_while_runnable_is_delivered_at_its_turn_not_inside_cancel() {
    let out = Sim::new().run(async {
        let a = spawn_named("a", async {
            let _g = Guard("a");
            loop {
                yield_now().await;
            }
        });
        let b = spawn_named("b", async {
            log!("b runs");
        });
        yield_now().await; // a and b run once; a is queued again
        a.cancel();
        log!("cancel returned");
        yield_now().await;
        b.await.unwrap();
        a.await
    });
    assert!(out.result.unwrap().unwrap_err().is_cancelled());
    assert_eq!(
        out.trace.logs(),
        "t=0 b runs\nt=0 cancel returned\nt=0 a dropped\n"
    );
}

#[test]
fn guard_drop_runs_at_the_cancelled_tasks_turn_and_releases() {
    // A shared counter stands in for a held resource; the guard gives it back when dropped.
    let held = Rc::new(RefCell::new(0));
    let h2 = held.clone();
    let out = Sim::new().run(async move {
        struct Hold(Rc<RefCell<i32>>);
        impl Drop for Hold {
            fn drop(&mut self) {
                *self.0.borrow_mut() -= 1;
                log!(
                    "released by {}",
                    simloop::task::current_name().unwrap_or_default()
                );
            }
        }
        let inner = h2.clone();
        let h = spawn_named("holder", async move {
            *inner.borrow_mut() += 1;
            let _hold = Hold(inner);
            sleep(Duration::from_secs(10)).await;
        });
        sleep(Duration::from_secs(1)).await;
        assert_eq!(*h2.borrow(), 1);
        h.cancel();
        assert_eq!(*h2.borrow(), 1, "not released inside cancel()");
        let _ = h.await;
        *h2.borrow()
    });
    assert_eq!(out.result.unwrap(), 0);
    assert_eq!(*held.borrow(), 0);
    assert_eq!(out.trace.logs(), "t=1000 released by holder\n");
}

#[test]
fn cancelling_an_awaiting_task_cancels_the_awaited_task_first() {
    // asyncio: parent.cancel() while the parent awaits a child cancels the child; the
    // parent's cancellation is delivered after the child ended.
    let out = Sim::new().run(async {
        let parent = spawn_named("parent", async {
            let _g = Guard("parent");
            let child = spawn_named("child", async {
                let _g = Guard("child");
                sleep(Duration::from_secs(5)).await;
            });
            let _ = child.await;
            log!("parent resumed (unreachable)");
        });
        sleep(Duration::from_secs(1)).await;
        parent.cancel();
        parent.await
    });
    assert!(out.result.unwrap().unwrap_err().is_cancelled());
    assert_eq!(
        out.trace.logs(),
        "t=1000 child dropped\nt=1000 parent dropped\n"
    );
}

#[test]
fn cancelling_a_finished_task_returns_false() {
    let out = Sim::new().run(async {
        let h = spawn(async { 3 });
        yield_now().await;
        (h.cancel(), h.await)
    });
    assert_eq!(out.result.unwrap(), (false, Ok(3)));
}

#[test]
fn a_task_can_cancel_itself() {
    let out = Sim::new().run(async {
        let h = spawn(async {
            let _g = Guard("self");
            task::cancel(task::current());
            log!("still running this step");
            yield_now().await;
            log!("unreachable");
        });
        h.await
    });
    assert!(out.result.unwrap().unwrap_err().is_cancelled());
    assert_eq!(
        out.trace.logs(),
        "t=0 still running this step\nt=0 self dropped\n"
    );
}

#[test]
fn tasks_alive_when_main_ends_are_cancelled_in_creation_order() {
    let out = Sim::new().run(async {
        for name in ["first", "second"] {
            drop(spawn(async move {
                let _g = Guard(name);
                sleep(Duration::from_secs(1)).await;
            }));
        }
        yield_now().await;
    });
    out.result.unwrap();
    assert_eq!(out.trace.logs(), "t=0 first dropped\nt=0 second dropped\n");
}

#[test]
fn a_panicking_task_does_not_tear_down_the_run() {
    let out = Sim::new().run(async {
        let bad = spawn(async {
            yield_now().await;
            panic!("task failed");
        });
        let good = spawn(async { 5 });
        (bad.await, good.await)
    });
    let (bad, good) = out.result.unwrap();
    assert_eq!(
        bad,
        Err(JoinError::Panicked {
            message: "task failed".into()
        })
    );
    assert_eq!(good, Ok(5));
}

#[test]
fn an_unobserved_panic_is_reported() {
    let out = Sim::new().run(async {
        drop(spawn_named("lost", async { panic!("nobody joins me") }));
        yield_now().await;
    });
    assert!(out.result.is_ok());
    assert_eq!(out.unobserved_panics.len(), 1);
    assert_eq!(
        out.failure().unwrap(),
        "task #2 lost panicked while detached: nobody joins me"
    );
}

/// Regression (sleeps kept as a state bit outside full tracing): a task that awaits a
/// task and a sleep at once is cancelled itself, at every trace level; only a task that
/// awaits nothing but tasks forwards its cancellation to them.
#[test]
fn a_task_awaiting_a_task_and_a_sleep_is_cancelled_itself() {
    use futures::future::{Either, select};
    use simloop::TraceLevel;
    for level in [TraceLevel::Off, TraceLevel::Logs, TraceLevel::Full] {
        let out = Sim::new().trace(level).run(async {
            let inner = spawn_named("inner", async {
                sleep(Duration::from_secs(5)).await;
                log!("inner finished");
            });
            let inner_id = inner.id();
            let outer = spawn_named("outer", async move {
                let nap = std::pin::pin!(sleep(Duration::from_secs(60)));
                match select(nap, inner).await {
                    Either::Left(_) => log!("outer woke"),
                    Either::Right(_) => log!("outer saw inner end"),
                }
            });
            yield_now().await; // both tasks are now waiting
            assert!(outer.cancel());
            let outer = outer.await;
            sleep(Duration::from_secs(10)).await;
            let inner_state = task::all_tasks()
                .into_iter()
                .find(|t| t.id == inner_id)
                .map(|t| t.state);
            (outer.unwrap_err().is_cancelled(), inner_state)
        });
        let expected = (true, Some(task::TaskState::Returned));
        assert_eq!(out.result.unwrap(), expected, "{level:?}");
    }
}

/// Logs `task::cancel_message()` when dropped: asyncio's `except CancelledError as e:
/// print(e.args)`.
struct MessageGuard(&'static str);

impl Drop for MessageGuard {
    fn drop(&mut self) {
        log!("{} sees {:?}", self.0, task::cancel_message());
    }
}

/// A cancelled task's cleanup reads the cancellation's message: given by cancel_with, by a
/// gather's cancel_with, or forwarded from the task that awaited it; none for a plain
/// cancel() or a timeout's expiry.
#[test]
fn cleanup_reads_the_cancel_message() {
    let out = Sim::new().run(async {
        let napper = |name: &'static str| async move {
            let _g = MessageGuard(name);
            sleep(Duration::from_secs(9)).await;
        };
        let a = spawn(napper("a"));
        let b = spawn(napper("b"));
        yield_now().await;
        a.cancel_with("stop");
        b.cancel();
        let _ = (a.await, b.await);
        let g = simloop::gather([napper("g")]);
        yield_now().await;
        g.cancel_with("shutdown");
        let _ = g.await;
        let outer = spawn(async move {
            let inner = spawn(napper("inner"));
            let _ = inner.await;
        });
        yield_now().await;
        yield_now().await;
        outer.cancel_with("outer");
        let _ = outer.await;
        let _ = simloop::timeout(Duration::from_secs(1), napper("timed")).await;
        assert_eq!(task::cancel_message(), None);
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=0 a sees Some(\"stop\")\n\
         t=0 b sees None\n\
         t=0 g sees Some(\"shutdown\")\n\
         t=0 inner sees Some(\"outer\")\n\
         t=1000 timed sees None\n"
    );
}

//! Corners of tasks, callbacks and futures (cases 321-324, 326-329, 334, 335, 350 and 355): equal
//! deadlines among callbacks, sleep(0) fairness, task names, cancel counts and messages,
//! done-callbacks and reads of a future's result.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::PromiseError;
use simloop::task::{self, AbortHandle, TaskState, call_at, call_later, call_soon};
use simloop::{
    JoinHandle, Promise, Task, gather, gather_all_tasks, log, now, shield, sleep, spawn,
    spawn_named, timeout, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, cancel_args, py_args, py_bool, secs};
use crate::util::OnDrop;

/// call_later, call_at and a sleep with the same deadline run in arming order; a call_soon
/// made by a timer callback runs after the other due timers.
#[test]
fn case_321_equal_time_callbacks() {
    assert_matches_cpython("321_equal_time_callbacks.fifo", async {
        let t0 = now();
        call_later(secs(1.0), || log!("later A"));
        let s = spawn(async {
            sleep(secs(1.0)).await;
            log!("s woke");
        });
        yield_now().await;
        call_at(t0 + secs(1.0), || log!("at B"));
        call_later(secs(1.0), || {
            call_soon(|| log!("soon from C"));
        });
        call_later(secs(1.0), || log!("later D"));
        sleep(secs(1.0)).await;
        log!("main woke");
        s.await.unwrap();
    });
}

/// sleep(0) fairness: tasks yielding different numbers of times interleave round-robin; a
/// timer due meanwhile waits for the next pass.
#[test]
fn case_322_sleep0_round_robin() {
    async fn spin(name: &'static str, n: u32) {
        for i in 0..n {
            log!("{name} {i}");
            yield_now().await;
        }
        log!("{name} ends");
    }
    assert_matches_cpython("322_sleep0_round_robin", async {
        call_later(Duration::ZERO, || log!("timer 0"));
        let ts: Vec<_> = [("a", 3), ("b", 1), ("c", 2)]
            .into_iter()
            .map(|(n, k)| spawn(spin(n, k)))
            .collect();
        yield_now().await;
        log!("main back");
        gather_all_tasks(ts).await;
    });
}

/// Task names: `Task-N` counts every task, gather's and shield's included (a name given
/// still takes a number, as in 3.12); `wait_for` runs its coroutine in the caller's task.
/// A documented difference: simloop names the main task `main` (`#1 main` in traces) where
/// asyncio's is `Task-1`, so `Task-N` is made from the id for it as for unnamed tasks.
#[test]
fn case_323_task_names_counter() {
    fn name() -> String {
        let id = task::current();
        match task::current_name() {
            Some(given) if id.get() != 1 => given,
            _ => format!("Task-{}", id.get()),
        }
    }
    async fn who() {
        log!("I am {}", name());
    }
    assert_matches_cpython("323_task_names_counter", async {
        log!("main is {}", name());
        gather([who(), who()]).await.unwrap();
        spawn(who()).await.unwrap();
        shield(who()).await.unwrap();
        wait_for(secs(1.0), who()).await.unwrap();
        spawn_named("custom", who()).await.unwrap();
        spawn(who()).await.unwrap();
    });
}

/// cancelling() counts cancel requests; a timeout that expires takes its own request back,
/// so the count is what it was; a task's own cancellation passes through a timeout.
#[test]
fn case_324_cancelling_after_timeouts() {
    async fn body(me: Rc<RefCell<Option<AbortHandle>>>) {
        let me = (*me.borrow()).unwrap();
        if timeout(secs(0.5), sleep(secs(1.0))).await.is_err() {
            log!("after timeout: cancelling={}", me.cancelling());
        }
        if wait_for(secs(0.5), sleep(secs(1.0))).await.is_err() {
            log!("after wait_for: cancelling={}", me.cancelling());
        }
        let mut t = spawn(sleep(secs(5.0)));
        yield_now().await;
        t.cancel();
        t.cancel();
        log!("requested twice: {}", t.cancelling());
        if let Ok(Err(_)) = timeout(secs(0.5), &mut t).await {
            log!(
                "the task's own cancellation, not a timeout: cancelling={}",
                me.cancelling()
            );
        }
    }
    assert_matches_cpython("324_cancelling_after_timeouts", async {
        let me = Rc::new(RefCell::new(None));
        let t = spawn(body(me.clone()));
        *me.borrow_mut() = Some(t.abort_handle());
        t.await.unwrap();
    });
}

/// A future's done-callbacks run in registration order, one slot each; a callback added
/// after it is done is scheduled, not run at once; reads of a failed future.
#[test]
fn case_326_future_done_callbacks() {
    fn key_error(r: &Result<i32, PromiseError<&'static str>>) -> String {
        match r {
            Err(PromiseError::Failed(k)) => format!("KeyError('{k}')"),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
    assert_matches_cpython("326_future_done_callbacks", async {
        let fut = Rc::new(Promise::<i32, &'static str>::new());
        fut.add_done_callback(|r| log!("cb1 sees {}", r.unwrap()));
        fut.add_done_callback(|_| log!("cb2"));
        let setter = fut.clone();
        call_later(secs(0.5), move || setter.set_result(7).unwrap());
        log!("awaiting, done={}", py_bool(fut.done()));
        let r = fut.wait().await.unwrap();
        log!("got {r}");
        fut.add_done_callback(|_| log!("late cb"));
        log!("late cb added");
        yield_now().await;
        log!("after one yield");
        let bad = Promise::<i32, &'static str>::new();
        bad.add_done_callback(|r| log!("bad cb sees {}", key_error(&r)));
        bad.set_error("k").unwrap();
        let read = bad.result().unwrap();
        log!("exception() = {}", key_error(&read));
        if let Err(PromiseError::Failed(k)) = read {
            log!("result() raised KeyError '{k}'");
        }
        yield_now().await;
    });
}

/// result() and exception() of pending and cancelled futures raise InvalidStateError and
/// CancelledError; cancel() on a done future is False.
#[test]
fn case_327_future_result_reads() {
    assert_matches_cpython("327_future_result_reads", async {
        let f = Promise::<i32>::new();
        if f.result().is_none() {
            log!("pending result(): InvalidStateError Result is not set.");
            log!("pending exception(): InvalidStateError Exception is not set.");
        }
        f.cancel_with("stop");
        if let Some(Err(PromiseError::Cancelled(m))) = f.result() {
            log!(
                "cancelled result(): CancelledError {}",
                py_args(m.as_deref())
            );
            log!(
                "cancelled exception(): CancelledError {}",
                py_args(m.as_deref())
            );
        }
        let g = Promise::<()>::new();
        g.set_result(()).unwrap();
        if let Some(Ok(())) = g.result() {
            log!(
                "done result=None exception=None cancel={}",
                py_bool(g.cancel())
            );
        }
    });
}

/// A task's add_done_callback after it finished is scheduled one slot later; callbacks on
/// a cancelled task see cancelled() True.
#[test]
fn case_328_task_callback_after_done() {
    async fn work(v: u32) -> u32 {
        sleep(secs(0.5)).await;
        v
    }
    assert_matches_cpython("328_task_callback_after_done", async {
        let t = spawn(work(1)).share();
        t.clone().await.unwrap();
        t.add_done_callback(|x| log!("late callback: {}", x.result().unwrap().unwrap()));
        log!("added after done");
        yield_now().await;
        log!("one yield later");
        let c = spawn(work(2)).share();
        c.add_done_callback(|x| log!("c callback: cancelled={}", py_bool(x.cancelled())));
        yield_now().await;
        c.cancel();
        c.add_done_callback(|_| log!("c second callback"));
        yield_now().await;
        log!("c done={}", py_bool(c.done()));
        yield_now().await;
        log!("end");
    });
}

/// A task cancelled twice with two messages: the first cancel wins the sleep, so the task
/// and its awaiter see the first message; a task cancelled before it starts.
#[test]
fn case_329_cancel_twice_messages() {
    async fn sleeper() {
        let _seen = Finally::new(|| {
            log!(
                "sleeper sees {}",
                py_args(task::cancel_message().as_deref())
            )
        });
        sleep(secs(5.0)).await;
    }
    assert_matches_cpython("329_cancel_twice_messages", async {
        let mut t = spawn(sleeper());
        sleep(secs(1.0)).await;
        t.cancel_with("first");
        t.cancel_with("second");
        if let Err(e) = (&mut t).await {
            log!(
                "awaiter sees {}, cancelling={}",
                cancel_args(&e),
                t.cancelling()
            );
        }
        let u = spawn(sleeper());
        u.cancel_with("before start");
        if let Err(e) = u.await {
            log!("never started, awaiter sees {}", cancel_args(&e));
        }
    });
}

/// A call_soon chain (each callback scheduling the next) interleaves with task steps one
/// slot at a time.
#[test]
fn case_334_call_soon_chain() {
    fn chain(n: u32) {
        log!("callback {n}");
        if n < 3 {
            call_soon(move || chain(n + 1));
        }
    }
    async fn stepper(name: &'static str, n: u32) {
        for i in 0..n {
            log!("{name} step {i}");
            yield_now().await;
        }
    }
    assert_matches_cpython("334_call_soon_chain", async {
        let t = spawn(stepper("t", 4));
        call_soon(|| chain(0));
        stepper("main", 3).await;
        t.await.unwrap();
    });
}

/// A callback creates a task and cancels another; the new task's first step and the
/// cancellation are queued in that order.
#[test]
fn case_335_callback_creates_task() {
    async fn worker(name: &'static str) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        log!("{name} starts");
        sleep(secs(1.0)).await;
        log!("{name} ends");
        cancelled.disarm();
    }
    assert_matches_cpython("335_callback_creates_task", async {
        let old = spawn(worker("old"));
        let holder: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
        let slot = holder.clone();
        let old_abort = old.abort_handle();
        call_later(secs(0.5), move || {
            *slot.borrow_mut() = Some(spawn(worker("new")));
            old_abort.cancel();
            log!("swapped");
        });
        sleep(secs(0.5)).await;
        log!("main woke");
        gather_all_tasks(vec![old]).await;
        let new = holder.borrow_mut().take().unwrap();
        new.await.unwrap();
    });
}

/// Regression (bug: a Promise's done-callback ran as a task of its own, so it took a task
/// id and `all_tasks()` listed it): callbacks are not tasks; the next task is `Task-2`.
#[test]
fn case_350_future_callbacks_are_not_tasks() {
    fn unfinished() -> usize {
        task::all_tasks()
            .iter()
            .filter(|t| {
                matches!(
                    t.state,
                    TaskState::Running | TaskState::Ready | TaskState::Waiting
                )
            })
            .count()
    }
    assert_matches_cpython("350_future_callbacks_are_not_tasks", async {
        let f = Promise::<i32>::new();
        f.add_done_callback(|_| log!("callback 1, tasks={}", unfinished()));
        f.add_done_callback(|_| log!("callback 2"));
        f.set_result(1).unwrap();
        yield_now().await;
        let t = spawn(sleep(Duration::ZERO));
        log!("next task is Task-{}, tasks={}", t.id().get(), unfinished());
        t.await.unwrap();
    });
}

/// A task cancelled before it starts, awaited by two tasks: they resume one slot after the
/// cancellation is delivered, in the order they began awaiting.
#[test]
fn case_355_await_task_cancelled_before_start() {
    async fn ticker(n: u32) {
        for i in 0..n {
            log!("tick {i}");
            yield_now().await;
        }
    }
    async fn awaiter(t: Task<()>, name: &'static str) {
        if t.await.is_err() {
            log!("{name} sees the cancellation");
        }
    }
    assert_matches_cpython("355_await_task_cancelled_before_start", async {
        let tk = spawn(ticker(4));
        let t = spawn(async { log!("never runs") }).share();
        let a = spawn(awaiter(t.clone(), "a"));
        let b = spawn(awaiter(t.clone(), "b"));
        t.cancel();
        log!("cancelled before start");
        gather_all_tasks(vec![a, b, tk]).await;
    });
}

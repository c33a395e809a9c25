//! `call_soon` / `call_later` / `call_at`: asyncio's callbacks on the ready queue.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::task::{CallHandle, call_at, call_later, call_soon};
use simloop::{Instant, Policy, Sim, log, sleep, spawn, yield_now};

/// A callback cancelled after its timer fired (its turn is queued) does not run; one
/// cancelled before it fired frees its timer (the run ends without waiting for it).
#[test]
fn cancelled_callbacks_never_run() {
    let out = Sim::new().run(async {
        let slot: Rc<RefCell<Option<CallHandle>>> = Rc::new(RefCell::new(None));
        let s = slot.clone();
        // Armed first, so at t=1000 it runs first and cancels the second, whose turn is
        // already queued behind it.
        call_later(Duration::from_secs(1), move || {
            let h = s.borrow_mut().take().unwrap();
            log!("cancel -> {}", h.cancel());
        });
        *slot.borrow_mut() = Some(call_later(Duration::from_secs(1), || {
            log!("never: cancelled at its turn")
        }));
        let early = call_at(Instant::ZERO + Duration::from_secs(5), || log!("never"));
        assert!(early.cancel() && early.cancelled());
        sleep(Duration::from_secs(1)).await;
    });
    out.result.unwrap();
    assert_eq!(out.trace.logs(), "t=1000 cancel -> true\n");
    assert_eq!(out.elapsed, Duration::from_secs(1));
}

/// Callbacks are part of the schedule: under the random policy their order against task
/// steps varies with the seed and replays exactly.
#[test]
fn callbacks_are_explored_and_replayed() {
    let program = || async {
        let order = Rc::new(RefCell::new(Vec::new()));
        for i in 0..3 {
            let o = order.clone();
            call_soon(move || o.borrow_mut().push(i));
        }
        let o = order.clone();
        let t = spawn(async move { o.borrow_mut().push(9) });
        yield_now().await;
        t.await.unwrap();
        order.borrow().clone()
    };
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let out = Sim::new().seed(seed).policy(Policy::Random).run(program());
        let order = out.result.unwrap();
        let again = Sim::new().replay(&out.token).run(program());
        assert_eq!(again.result.unwrap(), order, "seed {seed}");
        seen.insert(order);
    }
    assert!(seen.len() > 1, "one order only: {seen:?}");
    assert_eq!(Sim::new().run(program()).result.unwrap(), [0, 1, 2, 9]);
}

/// asyncio reports an exception raised by a callback and carries on; so does simloop with
/// a callback that panics (a `call_soon` callback, a task's and a promise's done-callback):
/// the run goes on, the next entries run in their slots and the main task's result stands.
///
/// Regression (bug: a panicking callback unwound out of `Sim::run`, ending the whole run;
/// CPython case 376 runs on past three raising callbacks).
#[test]
fn a_panicking_callback_is_contained_and_the_run_goes_on() {
    let out = Sim::new()
        .panic_output(simloop::PanicOutput::Quiet)
        .run(async {
            call_soon(|| panic!("callback failed"));
            call_soon(|| log!("next callback"));
            let p = Rc::new(simloop::Promise::<u8>::new());
            p.add_done_callback(|_| panic!("promise callback failed"));
            p.add_done_callback(|r| log!("second promise callback {r:?}"));
            p.set_result(1).unwrap();
            let t = spawn(async { 5 }).share();
            t.add_done_callback(|_| panic!("task callback failed"));
            t.add_done_callback(|t| log!("second task callback {:?}", t.result()));
            yield_now().await;
            yield_now().await;
            log!("main goes on");
            t.await.unwrap()
        });
    assert_eq!(out.result.unwrap(), 5);
    assert_eq!(
        out.trace.logs(),
        "t=0 next callback\nt=0 second promise callback Ok(1)\n\
         t=0 second task callback Some(Ok(5))\nt=0 main goes on\n"
    );
}

/// Task::add_done_callback: each callback runs once, one slot after the task ends, among
/// the task's awaiters in registration order; on a finished task it is queued at once;
/// under the random policy its slot is explored and replayed.
#[test]
fn task_done_callbacks_take_their_registration_slot_and_are_explored() {
    let program = || async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let t = spawn(async {
            sleep(Duration::from_millis(10)).await;
            5
        })
        .share();
        let o = order.clone();
        t.add_done_callback(move |t| {
            let r = t.result();
            o.borrow_mut().push(format!("cb1 {r:?}"));
        });
        let (o, awaited) = (order.clone(), t.clone());
        let w = spawn(async move {
            let r = awaited.await;
            o.borrow_mut().push(format!("w {r:?}"));
        });
        yield_now().await;
        let o = order.clone();
        t.add_done_callback(move |_| o.borrow_mut().push("cb2".to_string()));
        w.await.unwrap();
        yield_now().await;
        let o = order.clone();
        t.add_done_callback(move |_| o.borrow_mut().push("late".to_string()));
        // The clock moves only when nothing is ready: every queued callback has run.
        sleep(Duration::from_millis(1)).await;
        order.borrow().clone()
    };
    let fifo = Sim::new().run(program()).result.unwrap();
    assert_eq!(fifo, ["cb1 Some(Ok(5))", "w Ok(5)", "cb2", "late"]);
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..30 {
        let out = Sim::new().seed(seed).policy(Policy::Random).run(program());
        let order = out.result.unwrap();
        assert_eq!(order.len(), 4, "each callback runs once: {order:?}");
        let again = Sim::new().replay(&out.token).run(program());
        assert_eq!(again.result.unwrap(), order, "seed {seed}");
        seen.insert(order);
    }
    assert!(seen.len() > 1, "one order only: {seen:?}");
}

/// Logs its line when dropped: a capture whose `Drop` uses the runtime.
struct LogOnDrop(&'static str);

impl Drop for LogOnDrop {
    fn drop(&mut self) {
        log!("{}", self.0);
    }
}

/// `Task::remove_done_callback` counts what it removed under the key (asyncio's count of
/// the same callback's registrations), drops the callbacks at once (their captures may use
/// the runtime), removes nothing under another task's key or once the task ended.
#[test]
fn task_remove_done_callback_counts_and_drops() {
    let out = Sim::new().run(async {
        let t = spawn(async { 1 }).share();
        let other = spawn(async {}).share();
        let guard = LogOnDrop("callback dropped");
        let key = t.add_done_callback(move |_| {
            let _keep = &guard;
            log!("removed callback ran");
        });
        t.add_done_callback_as(&key, |_| log!("removed callback ran"));
        let kept = t.add_done_callback(|_| log!("kept callback ran"));
        let foreign = other.add_done_callback(|_| log!("other's callback ran"));
        log!("foreign key removes {}", t.remove_done_callback(&foreign));
        log!("removes {}", t.remove_done_callback(&key));
        log!("again {}", t.remove_done_callback(&key));
        t.clone().await.unwrap();
        other.await.unwrap();
        log!("after the end {}", t.remove_done_callback(&kept));
        yield_now().await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=0 foreign key removes 0\nt=0 callback dropped\nt=0 removes 2\nt=0 again 0\n\
         t=0 kept callback ran\nt=0 after the end 0\nt=0 other's callback ran\n"
    );
}

/// A removed done-callback takes no ready-queue slot: under the random policy a run that
/// registered and removed one makes the same choices, token and trace as a run that never
/// registered it (leaving a no-op in its place would add a choice).
#[test]
fn removed_done_callback_takes_no_slot() {
    let program = |register: bool| async move {
        let t = spawn(async { sleep(Duration::from_millis(1)).await }).share();
        let p = simloop::sync::Promise::<u8>::new();
        for i in 0..3 {
            drop(spawn(async move {
                sleep(Duration::from_millis(1)).await;
                log!("ticker {i}");
            }));
        }
        if register {
            let k = t.add_done_callback(|_| log!("never"));
            assert_eq!(t.remove_done_callback(&k), 1);
            let k = p.add_done_callback(|_| log!("never"));
            assert_eq!(p.remove_done_callback(&k), 1);
        }
        let kept = t.clone();
        let w = spawn(async move { kept.await.unwrap() });
        t.await.unwrap();
        p.set_result(1).unwrap();
        w.await.unwrap();
        log!("end");
    };
    for seed in 0..20 {
        let with = Sim::new()
            .seed(seed)
            .policy(Policy::Random)
            .run(program(true));
        let without = Sim::new()
            .seed(seed)
            .policy(Policy::Random)
            .run(program(false));
        with.result.unwrap();
        assert_eq!(with.token, without.token, "seed {seed}");
        assert_eq!(with.trace.logs(), without.trace.logs(), "seed {seed}");
        assert_eq!(with.stats.steps, without.stats.steps, "seed {seed}");
    }
}

/// `Promise::remove_done_callback` counts, drops at once, and ignores another promise's key;
/// the callbacks left run in registration order.
#[test]
fn promise_remove_done_callback_counts_and_drops() {
    let out = Sim::new().run(async {
        let p = simloop::sync::Promise::<u8>::new();
        let q = simloop::sync::Promise::<u8>::new();
        let guard = LogOnDrop("callback dropped");
        let a = p.add_done_callback(|r| log!("a {r:?}"));
        let key = p.add_done_callback(move |_| {
            let _keep = &guard;
        });
        let b = p.add_done_callback(|r| log!("b {r:?}"));
        p.add_done_callback_as(&key, |_| log!("removed callback ran"));
        let foreign = q.add_done_callback(|_| {});
        log!("foreign key removes {}", p.remove_done_callback(&foreign));
        log!("removes {}", p.remove_done_callback(&key));
        p.set_result(2).unwrap();
        log!(
            "after set_result {}",
            p.remove_done_callback(&a) + p.remove_done_callback(&b)
        );
        yield_now().await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=0 foreign key removes 0\nt=0 callback dropped\nt=0 removes 2\n\
         t=0 after set_result 0\nt=0 a Ok(2)\nt=0 b Ok(2)\n"
    );
}

/// `CallHandle::when` (asyncio's `TimerHandle.when()`): the deadline asked for, from
/// `call_later` relative to the clock when armed and from `call_at` as given, unchanged
/// by the callback running or being cancelled, even into the past; `call_soon` has none.
#[test]
fn call_handle_when_reads_the_deadline_asked_for() {
    let out = Sim::new().run(async {
        sleep(Duration::from_millis(125)).await;
        let later = call_later(Duration::from_millis(250), || log!("later ran"));
        let past = call_at(Instant::ZERO, || log!("past ran"));
        let soon = call_soon(|| log!("soon ran"));
        log!(
            "when: later {} past {} soon {:?}",
            later.when().unwrap(),
            past.when().unwrap(),
            soon.when()
        );
        sleep(Duration::from_millis(500)).await;
        later.cancel();
        log!(
            "after: later {} cancelled={}",
            later.when().unwrap(),
            later.cancelled()
        );
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=125 when: later 375 past 0 soon None\nt=125 soon ran\nt=125 past ran\n\
         t=375 later ran\nt=625 after: later 375 cancelled=true\n"
    );
}

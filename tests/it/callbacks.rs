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

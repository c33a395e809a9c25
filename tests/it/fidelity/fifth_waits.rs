//! The fifth round, waits meeting timeouts and cancellation (cases 431, 432, 435, 436): a
//! timeout moved by callbacks, an Event set by a callback at the instant waiters time out,
//! a woken Queue putter cancelled, a Barrier waiter timing out.

use std::rc::Rc;

use simloop::sync::{Barrier, Event, Queue};
use simloop::task::call_later;
use simloop::{
    gather_all_tasks, gather_tasks, log, now, sleep, spawn, timeout, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// Callbacks move a running timeout earlier, then later, then into the present; the expiry
/// follows the last deadline set before it fired.
#[test]
fn case_431_timeout_rescheduled_from_callback() {
    assert_matches_cpython("431_timeout_rescheduled_from_callback", async {
        let scope = timeout(secs(5.0), sleep(secs(10.0)));
        let cm = scope.handle();
        let (a, b) = (cm.clone(), cm.clone());
        call_later(secs(1.0), move || {
            a.reschedule(Some(now() + secs(1.0))).unwrap()
        });
        call_later(secs(1.5), move || {
            b.reschedule(Some(now() + secs(1.0))).unwrap()
        });
        if scope.await.is_err() {
            let when = cm.deadline().unwrap().as_nanos() as f64 / 1e9;
            log!("expired, when={when}");
        }
        let scope = timeout(secs(5.0), sleep(secs(10.0)));
        let cm2 = scope.handle();
        call_later(secs(1.0), move || cm2.reschedule(Some(now())).unwrap());
        if scope.await.is_err() {
            log!("expired at once");
        }
        log!("end");
    });
}

/// An Event set by a call_later callback at the instant waiters' timeouts expire: the
/// timeouts armed before the callback win, a later one loses to the set.
#[test]
fn case_432_event_set_from_call_later_ties() {
    async fn waiter(ev: Rc<Event>, name: &'static str, t: f64) {
        match wait_for(secs(t), ev.wait()).await {
            Ok(()) => log!("{name} saw the event"),
            Err(_) => log!("{name} timed out"),
        }
    }
    assert_matches_cpython("432_event_set_from_call_later_ties", async {
        let ev = Rc::new(Event::new());
        let w1 = spawn(waiter(ev.clone(), "w1", 1.0));
        yield_now().await;
        let setter = ev.clone();
        call_later(secs(1.0), move || setter.set());
        let w2 = spawn(waiter(ev.clone(), "w2", 1.0));
        let w3 = spawn(waiter(ev.clone(), "w3", 2.0));
        gather_tasks(vec![w1, w2, w3]).await.unwrap();
    });
}

/// A blocked putter woken by a get and cancelled before it runs passes its turn on to the
/// next putter; no slot is lost.
#[test]
fn case_435_queue_putter_woken_then_cancelled() {
    async fn putter(q: Rc<Queue<u32>>, name: String, item: u32) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        q.put(item).await.unwrap();
        cancelled.disarm();
        log!("{name} put {item}");
    }
    assert_matches_cpython("435_queue_putter_woken_then_cancelled", async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait(0).unwrap();
        let ps: Vec<_> = (0..3)
            .map(|i| spawn(putter(q.clone(), format!("p{i}"), i + 1)))
            .collect();
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        ps[0].cancel();
        yield_now().await;
        log!("size={}", q.qsize());
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        gather_all_tasks(ps).await;
        log!("size={}", q.qsize());
    });
}

/// A Barrier waiter under wait_for times out: its place is given up without breaking the
/// barrier, so the other waiter times out too.
#[test]
fn case_436_barrier_waiter_times_out() {
    async fn party(b: Rc<Barrier>, name: &'static str, t: f64) {
        match wait_for(secs(t), b.wait()).await {
            Ok(Ok(i)) => log!("{name} passed {i}"),
            Ok(Err(_)) => log!("{name} broken"),
            Err(_) => log!("{name} timed out"),
        }
    }
    assert_matches_cpython("436_barrier_waiter_times_out", async {
        let b = Rc::new(Barrier::new(3));
        let ts = vec![
            spawn(party(b.clone(), "p0", 1.0)),
            spawn(party(b.clone(), "p1", 5.0)),
        ];
        gather_tasks(ts).await.unwrap();
        log!("broken={} waiting={}", py_bool(b.broken()), b.n_waiting());
    });
}

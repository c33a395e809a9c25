//! The fourth round, how tasks end under combinators (cases 410-412): shield of tasks that
//! were cancelled or failed, a PriorityQueue consumer cancelled holding an item, gathers
//! whose children all fail at one instant.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::task::{AbortHandle, call_soon};
use simloop::{
    GatherError, JoinError, PriorityQueue, gather_all_tasks, log, shield_task, sleep, spawn,
    try_gather_tasks, yield_now,
};

use super::{Finally, assert_matches_cpython, py_list, secs};

/// shield of a task that was cancelled or failed before the call gives its outcome at once,
/// without yielding; shield of a task cancelled while shielded reports the cancellation to
/// a caller that is not itself cancelled.
#[test]
fn case_410_shield_cancelled_and_failed_tasks() {
    async fn body(me: Rc<RefCell<Option<AbortHandle>>>) {
        let c = spawn(sleep(secs(5.0))).share();
        let b = spawn(async { Err::<(), _>("bad") }).share();
        yield_now().await;
        c.cancel();
        yield_now().await;
        let k = spawn(async {
            for i in 0..5 {
                log!("tick {i}");
                yield_now().await;
            }
        });
        if let Err(JoinError::Cancelled { .. }) = shield_task(c).await {
            log!("shield of a cancelled task raised at once");
        }
        if let Ok(Err(_)) = shield_task(b).await {
            log!("shield of a failed task raised at once");
        }
        let d = spawn(sleep(secs(5.0))).share();
        let cancel = d.abort_handle();
        call_soon(move || {
            cancel.cancel();
        });
        if let Err(JoinError::Cancelled { .. }) = shield_task(d).await {
            let cancelling = me.borrow().as_ref().unwrap().cancelling();
            log!("shielded task cancelled meanwhile, main cancelling={cancelling}");
        }
        k.await.unwrap();
    }
    assert_matches_cpython("410_shield_cancelled_and_failed_tasks", async {
        let me = Rc::new(RefCell::new(None));
        let t = spawn(body(me.clone()));
        *me.borrow_mut() = Some(t.abort_handle());
        t.await.unwrap();
    });
}

/// PriorityQueue consumers, one cancelled while holding an item it has not marked done:
/// its cleanup puts the item back and marks it done, another consumer finishes it, and
/// join returns after that.
#[test]
fn case_411_priority_queue_join_cancelled_getter() {
    type Q = PriorityQueue<(u32, &'static str)>;
    async fn consumer(q: Rc<Q>, name: &'static str, hold: f64) {
        loop {
            let (prio, item) = q.get().await.unwrap();
            let back = q.clone();
            let cancelled = Finally::new(move || {
                log!("{name} cancelled holding {item}");
                back.put_nowait((prio, item)).unwrap();
                back.task_done().unwrap();
            });
            log!("{name} works on {item}");
            sleep(secs(hold)).await;
            cancelled.disarm();
            log!("{name} finished {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("411_priority_queue_join_cancelled_getter", async {
        let q = Rc::new(Q::new());
        for entry in [(3, "c"), (1, "a"), (2, "b")] {
            q.put_nowait(entry).unwrap();
        }
        let slow = spawn(consumer(q.clone(), "slow", 2.0));
        let fast = spawn(consumer(q.clone(), "fast", 0.5));
        sleep(secs(1.0)).await;
        slow.cancel();
        q.join().await;
        log!("joined, qsize={}", q.qsize());
        fast.cancel();
        gather_all_tasks(vec![slow, fast]).await;
    });
}

/// gather over tasks failing at the same instant raises the first in completion (arming)
/// order, whatever the argument order; with return_exceptions all are listed in argument
/// order.
#[test]
fn case_412_gather_all_children_fail_same_pass() {
    async fn job(name: &'static str, delay: f64) -> Result<(), &'static str> {
        sleep(secs(delay)).await;
        log!("{name} fails");
        Err(name)
    }
    assert_matches_cpython("412_gather_all_children_fail_same_pass", async {
        let ts: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|n| spawn(job(n, 1.0)).share())
            .collect();
        let order = vec![ts[2].clone(), ts[0].clone(), ts[1].clone()];
        if let Err(GatherError::Failed(e)) = try_gather_tasks(order).await {
            log!("gather raised {e}");
        }
        yield_now().await;
        let us: Vec<_> = ["x", "y"].into_iter().map(|n| spawn(job(n, 1.0))).collect();
        let mut us = us.into_iter();
        let (x, y) = (us.next().unwrap(), us.next().unwrap());
        let listed = gather_all_tasks(vec![y, x])
            .await
            .into_iter()
            .map(|r| format!("'{}'", r.unwrap().unwrap_err()));
        log!("listed {}", py_list(listed));
    });
}

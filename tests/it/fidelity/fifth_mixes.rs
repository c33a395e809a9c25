//! The fifth round, primitives and timeouts mixed (cases 443-449): cancel messages
//! through shield and gather, a bounded PriorityQueue, LifoQueue workers and join, no
//! barging on a Semaphore released and asked again, wait_for over work failing at the
//! deadline, three nested timeouts, a TaskGroup child timing out around a nested group.

use std::rc::Rc;

use simloop::sync::{LifoQueue, PriorityQueue, Semaphore};
use simloop::task::cancel_message;
use simloop::{
    JoinError, TaskGroup, gather, gather_all_tasks, gather_tasks, log, now, shield_task, sleep,
    spawn, timeout, timeout_scope, wait_for, wait_for_task, yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, secs};
use crate::util::OnDrop;

/// A cancel message reaches the caller of a shield (the shielded task runs on) and,
/// through gather's cancel(msg), each child and the gather's awaiter.
#[test]
fn case_443_cancel_message_through_shield_and_gather() {
    async fn child(name: &'static str, d: f64) {
        let cancelled =
            Finally::new(move || log!("{name} cancelled {}", py_args(cancel_message().as_deref())));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
    }
    assert_matches_cpython("443_cancel_message_through_shield_and_gather", async {
        let t = spawn(child("inner", 2.0)).share();
        let shielded = shield_task(t.clone());
        let c = spawn(async move {
            let cancelled =
                Finally::new(|| log!("caller cancelled {}", py_args(cancel_message().as_deref())));
            shielded.await.unwrap();
            cancelled.disarm();
        });
        sleep(secs(1.0)).await;
        c.cancel_with("stop caller");
        gather_all_tasks(vec![c]).await;
        let g = gather([child("g1", 3.0), child("g2", 3.0)]);
        yield_now().await;
        g.cancel_with("stop all");
        if let Err(JoinError::Cancelled { message }) = g.await {
            log!("gather raised {}", py_args(message.as_deref()));
        }
        t.await.unwrap();
    });
}

/// A bounded PriorityQueue: blocked putters are admitted in blocking order; each get takes
/// the smallest item present.
#[test]
fn case_444_priority_queue_bounded_putters() {
    async fn producer(q: Rc<PriorityQueue<u32>>, name: &'static str, item: u32) {
        q.put(item).await.unwrap();
        log!("{name} put {item}");
    }
    assert_matches_cpython("444_priority_queue_bounded_putters", async {
        let q = Rc::new(PriorityQueue::with_maxsize(2));
        q.put_nowait(5).unwrap();
        q.put_nowait(3).unwrap();
        let ps: Vec<_> = [("p1", 4), ("p2", 1), ("p3", 2)]
            .into_iter()
            .map(|(n, i)| spawn(producer(q.clone(), n, i)))
            .collect();
        yield_now().await;
        for _ in 0..5 {
            let item = q.get().await.unwrap();
            log!("got {item} size={}", q.qsize());
            yield_now().await;
        }
        gather_tasks(ps).await.unwrap();
    });
}

/// LifoQueue workers take the newest item first; join returns after the last task_done.
#[test]
fn case_445_lifo_queue_join_workers() {
    async fn worker(q: Rc<LifoQueue<f64>>, name: String) {
        loop {
            let item = q.get().await.unwrap();
            sleep(secs(item)).await;
            log!("{name} did {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("445_lifo_queue_join_workers", async {
        let q = Rc::new(LifoQueue::new());
        for i in [0.25, 0.5, 0.75, 1.0] {
            q.put_nowait(i).unwrap();
        }
        let ws: Vec<_> = (0..2)
            .map(|i| spawn(worker(q.clone(), format!("w{i}"))))
            .collect();
        q.join().await;
        log!("joined");
        for w in &ws {
            w.cancel();
        }
        let handles: Vec<_> = ws.iter().map(|w| w.abort_handle()).collect();
        gather_all_tasks(ws).await;
        log!(
            "cancelled={}",
            py_list(handles.iter().map(|h| py_bool(h.cancelled())))
        );
    });
}

/// A task that releases a Semaphore and asks again in the same step queues behind the
/// waiter the release woke.
#[test]
fn case_446_semaphore_release_reacquire_same_step() {
    assert_matches_cpython("446_semaphore_release_reacquire_same_step", async {
        let sem = Rc::new(Semaphore::new(1));
        sem.acquire().await.forget();
        let s = sem.clone();
        let w = spawn(async move {
            {
                let _p = s.acquire().await;
                log!("w in");
                sleep(secs(0.5)).await;
            }
            log!("w out");
        });
        yield_now().await;
        sem.release();
        log!("released, locked={}", py_bool(sem.locked()));
        sem.acquire().await.forget();
        log!("main in again");
        sem.release();
        w.await.unwrap();
    });
}

/// wait_for over work failing at the deadline: inline, the timeout armed first wins; over
/// a task whose timer was armed first, the expiry still cancels it before it runs (3.12).
#[test]
fn case_447_wait_for_inner_fails_at_deadline() {
    async fn failing(d: f64) -> Result<(), &'static str> {
        sleep(secs(d)).await;
        log!("task fails");
        Err("boom")
    }
    assert_matches_cpython("447_wait_for_inner_fails_at_deadline", async {
        match wait_for(secs(1.0), failing(1.0)).await {
            Err(_) => log!("timed out"),
            Ok(Err(e)) => log!("failed {e}"),
            Ok(Ok(())) => log!("never"),
        }
        let mut t = spawn(failing(1.0));
        yield_now().await;
        match wait_for_task(secs(1.0), &mut t).await {
            Err(_) => log!("timed out"),
            Ok(Ok(Err(e))) => log!("failed {e}"),
            Ok(other) => log!("never {other:?}"),
        }
    });
}

/// Three nested timeouts with different deadlines: the innermost is caught inside, then
/// the middle; the outer never expires.
#[test]
fn case_448_nested_timeouts_three_levels() {
    assert_matches_cpython("448_nested_timeouts_three_levels", async {
        let outer_scope = timeout_scope(Some(now() + secs(10.0)), |outer| async move {
            let middle_scope = timeout_scope(Some(now() + secs(3.0)), |middle| async move {
                let inner = timeout(secs(1.0), sleep(secs(5.0)));
                let ih = inner.handle();
                if inner.await.is_err() {
                    log!(
                        "inner expired={} middle expired={}",
                        py_bool(ih.expired()),
                        py_bool(middle.expired())
                    );
                }
                sleep(secs(5.0)).await;
            });
            let mh = middle_scope.handle();
            if middle_scope.await.is_err() {
                log!(
                    "middle expired={} outer expired={}",
                    py_bool(mh.expired()),
                    py_bool(outer.expired())
                );
            }
            sleep(secs(1.0)).await;
        });
        let oh = outer_scope.handle();
        outer_scope.await.unwrap();
        log!("outer expired={}", py_bool(oh.expired()));
    });
}

/// A TaskGroup child times out around its own nested TaskGroup: the nested children are
/// cancelled, the child goes on, the outer group is unaffected.
#[test]
fn case_449_group_child_with_timeout_around_nested_group() {
    async fn leaf(name: &'static str, d: f64) -> Result<(), ()> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        Ok(())
    }
    async fn child() -> Result<(), ()> {
        let timed = timeout(secs(1.0), async {
            let tg = TaskGroup::new();
            tg.spawn(leaf("n1", 0.5)).map(drop).unwrap();
            tg.spawn(leaf("n2", 2.0)).map(drop).unwrap();
            tg.join().await
        })
        .await;
        if timed.is_err() {
            log!("child timed out, goes on");
        }
        sleep(secs(0.5)).await;
        log!("child done");
        Ok(())
    }
    assert_matches_cpython("449_group_child_with_timeout_around_nested_group", async {
        let tg = TaskGroup::new();
        tg.spawn(child()).map(drop).unwrap();
        tg.spawn(leaf("sib", 1.25)).map(drop).unwrap();
        tg.join().await.unwrap();
        log!("outer group done");
    });
}

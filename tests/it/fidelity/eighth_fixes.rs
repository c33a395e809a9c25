//! The eighth round, the known differences fixed by their rules (cases 551, 552-): a task
//! cancelled inside its TaskGroup body ends only once the group's children ended (the scope
//! holds the cancellation, as a Condition wait does); a gather's caller cancelled while it
//! awaits tasks and bare futures together forwards the cancellation to each child in
//! argument order.

use std::rc::Rc;

use futures::future::Either;
use simloop::sync::{Promise, PromiseHandle};
use simloop::{
    JoinError, JoinHandle, Task, TaskGroup, gather_tasks, log, shield_task, sleep, spawn, timeout,
    wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

async fn sleeper(name: &'static str, d: f64) -> Result<(), String> {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(d)).await;
    cancelled.disarm();
    Ok(())
}

/// A task cancelled inside its TaskGroup body: asyncio's `__aexit__` aborts the children
/// and waits for them before the `CancelledError` leaves the `async with`, so the holder's
/// `except` block runs after theirs (3.12 cancels them in a set's order; simloop uses
/// creation order, 3.11's and 3.13's trace).
#[test]
fn case_551_task_group_holder_cancelled_waits_children() {
    async fn holder() {
        let cancelled = OnDrop::new("holder cancelled, group exited");
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let _ = tg
            .scope(async move {
                group.spawn(sleeper("a", 1.0)).map(drop).unwrap();
                group.spawn(sleeper("b", 1.0)).map(drop).unwrap();
                sleep(secs(1.0)).await;
                Ok(())
            })
            .await;
        cancelled.disarm();
    }
    assert_matches_cpython(
        "551_task_group_holder_cancelled_waits_children.py313",
        async {
            let h = spawn(holder());
            sleep(secs(0.125)).await;
            h.cancel();
            if let Err(JoinError::Cancelled { .. }) = h.await {
                log!("main sees holder cancelled");
            }
        },
    );
}

/// Cancelling the task awaiting a gather of tasks and bare futures: the cancellation is
/// forwarded to each child in argument order, a future cancelled at once (its callbacks
/// queued then, the gather's among them), a task at its turn; the caller ends when the
/// gather's callback for the first cancelled child wakes it (the seventh round's known
/// difference: the caller was woken and dropped first, its drop cancelling the children).
#[test]
fn case_552_gather_tasks_futures_cancel_order() {
    type H = Either<JoinHandle<Result<(), ()>>, PromiseHandle<(), ()>>;
    async fn worker(name: &'static str) -> Result<(), ()> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    async fn caller(children: Vec<H>) {
        let cancelled = OnDrop::new("caller cancelled");
        let _ = gather_tasks(children).await;
        cancelled.disarm();
    }
    assert_matches_cpython("552_gather_tasks_futures_cancel_order", async {
        let a = spawn(worker("a"));
        let ra = a.abort_handle();
        let f: Rc<Promise<(), ()>> = Rc::new(Promise::new());
        let b = spawn(worker("b"));
        let rb = b.abort_handle();
        let g: Rc<Promise<(), ()>> = Rc::new(Promise::new());
        f.add_done_callback(|_| log!("f callback"));
        g.add_done_callback(|_| log!("g callback"));
        let children: Vec<H> = vec![
            Either::Left(a),
            Either::Right(f.handle()),
            Either::Left(b),
            Either::Right(g.handle()),
        ];
        let c = spawn(caller(children));
        sleep(secs(0.125)).await;
        c.cancel();
        log!(
            "cancel sent f={} g={}",
            py_bool(f.cancelled()),
            py_bool(g.cancelled())
        );
        if c.await.is_err() {
            log!(
                "main sees caller cancelled a={} b={}",
                py_bool(ra.is_finished()),
                py_bool(rb.is_finished())
            );
        }
        yield_now().await;
        log!(
            "end a={} b={}",
            py_bool(ra.cancelled()),
            py_bool(rb.cancelled())
        );
        let f2: Rc<Promise<(), ()>> = Rc::new(Promise::new());
        let t2 = spawn(worker("t2"));
        let r2 = t2.abort_handle();
        f2.add_done_callback(|_| log!("f2 callback"));
        let c2 = spawn(caller(vec![Either::Right(f2.handle()), Either::Left(t2)]));
        sleep(secs(0.125)).await;
        c2.cancel();
        log!("cancel sent 2");
        if c2.await.is_err() {
            log!(
                "main sees caller 2 cancelled t2={}",
                py_bool(r2.is_finished())
            );
        }
        yield_now().await;
        log!("end t2={}", py_bool(r2.cancelled()));
    });
}

/// A TaskGroup holder cancelled while its child awaits a shielded task: the child is
/// cancelled (its shield only), the holder's `except` block runs after the child's, the
/// shielded work runs on.
#[test]
fn case_587_group_holder_cancelled_child_in_shield() {
    async fn save() {
        sleep(secs(0.5)).await;
        log!("save done");
    }
    async fn child(s: Task<()>) -> Result<(), String> {
        let cancelled = OnDrop::new("child cancelled");
        let _ = shield_task(s).await;
        cancelled.disarm();
        Ok(())
    }
    async fn holder(s: Task<()>) {
        let seen = s.clone();
        let cancelled = Finally::new(move || {
            log!("holder cancelled save done={}", py_bool(seen.done()));
        });
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let _ = tg
            .scope(async move {
                group.spawn(child(s)).map(drop).unwrap();
                sleep(secs(1.0)).await;
                Ok(())
            })
            .await;
        cancelled.disarm();
    }
    assert_matches_cpython("587_group_holder_cancelled_child_in_shield", async {
        let s = spawn(save()).share();
        let h = spawn(holder(s.clone()));
        sleep(secs(0.125)).await;
        h.cancel();
        if h.await.is_err() {
            log!("main sees holder cancelled");
        }
        s.await.unwrap();
        log!("end");
    });
}

/// A TaskGroup holder cancelled in its body after its children ended: nothing to wait
/// for, its `except` block runs at its turn.
#[test]
fn case_588_group_holder_cancelled_children_done() {
    async fn quick(name: &'static str) -> Result<(), String> {
        log!("{name} runs");
        Ok(())
    }
    async fn holder() {
        let cancelled = OnDrop::new("holder cancelled");
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let _ = tg
            .scope(async move {
                group.spawn(quick("a")).map(drop).unwrap();
                group.spawn(quick("b")).map(drop).unwrap();
                sleep(secs(1.0)).await;
                Ok(())
            })
            .await;
        cancelled.disarm();
    }
    assert_matches_cpython("588_group_holder_cancelled_children_done", async {
        let h = spawn(holder());
        sleep(secs(0.125)).await;
        h.cancel();
        log!("cancel sent");
        if h.await.is_err() {
            log!("main sees holder cancelled");
        }
    });
}

async fn child_of(name: &'static str, d: f64) -> Result<(), String> {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(d)).await;
    cancelled.disarm();
    log!("{name} done");
    Ok(())
}

/// A timeout around a TaskGroup whose body sleeps: the expiry cancels the body, the group
/// cancels its children and waits for them; `TimeoutError` comes after their cleanups.
#[test]
fn case_589_timeout_around_group_body_waits_children() {
    assert_matches_cpython("589_timeout_around_group_body_waits_children", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = timeout(
            secs(0.25),
            tg.scope(async move {
                group.spawn(child_of("a", 1.0)).map(drop).unwrap();
                group.spawn(child_of("b", 0.125)).map(drop).unwrap();
                group.spawn(child_of("c", 1.0)).map(drop).unwrap();
                sleep(secs(1.0)).await;
                Ok(())
            }),
        )
        .await;
        if r.is_err() {
            log!("timed out");
        }
    });
}

/// `wait_for` over a coroutine running a TaskGroup whose body has ended: the expiry
/// reaches the group's exit, which cancels the children and waits for them before the
/// coroutine's `except` block and the `TimeoutError`.
#[test]
fn case_590_wait_for_group_coroutine() {
    async fn grouped() {
        let cancelled = OnDrop::new("grouped cancelled");
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let _ = tg
            .scope(async move {
                group.spawn(child_of("a", 0.125)).map(drop).unwrap();
                group.spawn(child_of("b", 1.0)).map(drop).unwrap();
                Ok(())
            })
            .await;
        cancelled.disarm();
        log!("group ended");
    }
    assert_matches_cpython("590_wait_for_group_coroutine", async {
        if wait_for(secs(0.25), grouped()).await.is_err() {
            log!("timed out");
        }
    });
}

/// A task holding two nested TaskGroup scopes, cancelled in the inner body: the inner
/// group's children end first, the inner scope's `except` block runs, then the outer
/// group cancels its own child and waits; the holder's `except` block runs last (3.12
/// cancels the inner children in a set's order; simloop uses creation order, 3.12's
/// trace here).
#[test]
fn case_596_nested_groups_same_task_holder_cancelled() {
    async fn ticker() {
        for i in 0..4 {
            log!("tick {i}");
            yield_now().await;
        }
    }
    async fn holder() {
        let cancelled = OnDrop::new("holder cancelled");
        let outer: TaskGroup<String> = TaskGroup::new();
        let o = outer.clone();
        let _ = outer
            .scope(async move {
                o.spawn(sleeper("outer-a", 1.0)).map(drop).unwrap();
                let exited = OnDrop::new("inner group exited");
                let inner: TaskGroup<String> = TaskGroup::new();
                let i = inner.clone();
                let r = inner
                    .scope(async move {
                        i.spawn(sleeper("inner-a", 1.0)).map(drop).unwrap();
                        i.spawn(sleeper("inner-b", 1.0)).map(drop).unwrap();
                        sleep(secs(1.0)).await;
                        Ok(())
                    })
                    .await;
                exited.disarm();
                r.map_err(|e| format!("{} failures", e.failures.len()))
            })
            .await;
        cancelled.disarm();
    }
    assert_matches_cpython("596_nested_groups_same_task_holder_cancelled", async {
        let h = spawn(holder());
        sleep(secs(0.125)).await;
        h.cancel();
        let k = spawn(ticker());
        if h.await.is_err() {
            log!("main sees holder cancelled");
        }
        k.await.unwrap();
    });
}

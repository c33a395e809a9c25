//! The fifth round, tasks, callbacks and combinators (cases 418-422, 424, 425):
//! done-callbacks of many futures among call_soon callbacks, wait_for with no timeout,
//! nested shields, a timeout inside a TaskGroup's body, as_completed ties decided by
//! sleep(0) counts, sleep(0) storms, equal deadlines armed from callbacks.

use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::Promise;
use simloop::task::{call_at, call_later, call_soon};
use simloop::{
    Task, TaskGroup, as_completed, gather, gather_all_tasks, gather_tasks, log, now, shield,
    shield_task, sleep, spawn, timeout, timeout_scope, yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// Futures completed from one callback queue their done-callbacks in completion order,
/// behind call_soon callbacks queued before; a callback's own call_soon goes to the back.
#[test]
fn case_418_done_callbacks_many_futures() {
    assert_matches_cpython("418_done_callbacks_many_futures", async {
        let fs: Vec<Rc<Promise<&'static str>>> = (0..3).map(|_| Rc::new(Promise::new())).collect();
        for (i, f) in fs.iter().enumerate() {
            f.add_done_callback(move |r| log!("f{i} cb1 {}", r.unwrap()));
        }
        fs[0].add_done_callback(|_| {
            call_soon(|| log!("soon from f0 cb"));
        });
        fs[1].add_done_callback(|_| log!("f1 cb2"));
        let setters = fs.clone();
        call_soon(move || {
            call_soon(|| log!("soon before sets"));
            setters[2].set_result("c").unwrap();
            setters[0].set_result("a").unwrap();
            call_soon(|| log!("soon between sets"));
            setters[1].set_result("b").unwrap();
        });
        call_soon(|| log!("soon queued earlier"));
        let r = gather(fs.iter().map(|f| {
            let f = f.clone();
            async move { f.wait().await.unwrap() }
        }))
        .await
        .unwrap();
        log!("gathered {}", py_list(r.iter().map(|s| format!("'{s}'"))));
    });
}

async fn job(name: &'static str, d: f64) -> &'static str {
    let cancelled = OnDrop::new(format!("{name} cancelled"));
    sleep(secs(d)).await;
    cancelled.disarm();
    log!("{name} done");
    name
}

/// wait_for with timeout=None awaits inline with no deadline; cancelling the caller
/// cancels the task it awaits; timeout(None) never expires.
#[test]
fn case_419_wait_for_timeout_none() {
    async fn caller(t: Task<&'static str>) {
        let seen = t.clone();
        let guard = super::Finally::new(move || {
            log!(
                "caller cancelled, t cancelled={}",
                py_bool(seen.cancelled())
            )
        });
        let r = timeout_scope(None, |_| t).await.unwrap().unwrap();
        guard.disarm();
        log!("caller got {r}");
    }
    assert_matches_cpython("419_wait_for_timeout_none", async {
        let r = timeout_scope(None, |_| job("a", 2.0)).await.unwrap();
        log!("main got {r}");
        let t = spawn(job("b", 5.0)).share();
        let c = spawn(caller(t));
        sleep(secs(1.0)).await;
        c.cancel();
        gather_all_tasks(vec![c]).await;
        for i in 0..3 {
            let scope = timeout_scope(None, |_| sleep(secs(0.5)));
            let cm = scope.handle();
            scope.await.unwrap();
            log!("round {i} expired={}", py_bool(cm.expired()));
        }
    });
}

/// shield(shield(t)): cancelling the outer caller leaves t running; a caller of the inner
/// shield gets t's result.
#[test]
fn case_420_nested_shields() {
    async fn work() -> u32 {
        sleep(secs(2.0)).await;
        log!("work done");
        42
    }
    assert_matches_cpython("420_nested_shields", async {
        let t = spawn(work()).share();
        let outer = shield(shield_task(t.clone()));
        let c1 = spawn(async move {
            let cancelled = OnDrop::new("c1 cancelled");
            let r = outer.await.unwrap().unwrap();
            cancelled.disarm();
            log!("c1 got {r}");
        });
        let inner = shield_task(t.clone());
        let c2 = spawn(async move {
            let cancelled = OnDrop::new("c2 cancelled");
            let r = inner.await.unwrap();
            cancelled.disarm();
            log!("c2 got {r}");
        });
        sleep(secs(1.0)).await;
        c1.cancel();
        yield_now().await;
        log!("t done={}", py_bool(t.done()));
        gather_all_tasks(vec![c1, c2]).await;
        log!("t result={}", t.result().unwrap().unwrap());
    });
}

/// A timeout inside a TaskGroup's body expires; the body catches it, the children are
/// untouched and the group waits for them (and for a child spawned after).
#[test]
fn case_421_timeout_in_group_body() {
    async fn child(name: &'static str, d: f64) -> Result<(), ()> {
        sleep(secs(d)).await;
        log!("{name} done");
        Ok(())
    }
    assert_matches_cpython("421_timeout_in_group_body", async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        tg.scope(async move {
            group.spawn(child("a", 1.0)).map(drop).unwrap();
            group.spawn(child("b", 3.0)).map(drop).unwrap();
            if timeout(secs(2.0), sleep(secs(10.0))).await.is_err() {
                log!("body timed out");
            }
            group.spawn(child("c", 0.5)).map(drop).unwrap();
            log!("body ends");
            Ok(())
        })
        .await
        .unwrap();
        log!("group done");
    });
}

/// as_completed over tasks ending in one instant yields them in completion order, which
/// their sleep(0) counts decide.
#[test]
fn case_422_as_completed_ties_sleep0() {
    async fn spin(name: &'static str, spins: u32) -> &'static str {
        for _ in 0..spins {
            yield_now().await;
        }
        log!("{name} ends");
        name
    }
    assert_matches_cpython("422_as_completed_ties_sleep0", async {
        let ts: Vec<_> = [("a", 3), ("b", 1), ("c", 2), ("d", 0)]
            .into_iter()
            .map(|(n, s)| spawn(spin(n, s)))
            .collect();
        let mut stream = as_completed(ts, None);
        while let Some(r) = stream.next().await {
            log!("yielded {}", r.unwrap().unwrap());
        }
    });
}

/// Tasks looping on sleep(0), a call_soon chain and a zero-delay timer: each pass runs
/// what was queued at its start; the timer enters at the next pass.
#[test]
fn case_424_sleep0_storm() {
    async fn spinner(name: &'static str, n: u32) {
        for i in 0..n {
            log!("{name} {i}");
            yield_now().await;
        }
        log!("{name} ends");
    }
    fn chain(k: u32) {
        log!("chain {k}");
        if k < 3 {
            call_soon(move || chain(k + 1));
        }
    }
    assert_matches_cpython("424_sleep0_storm", async {
        let ts: Vec<_> = [("a", 3), ("b", 1), ("c", 2)]
            .into_iter()
            .map(|(n, c)| spawn(spinner(n, c)))
            .collect();
        call_soon(|| chain(0));
        call_later(secs(0.0), || log!("timer 0"));
        gather_tasks(ts).await.unwrap();
        log!("all done");
    });
}

/// Timers at one deadline armed from a task, a call_soon callback, a timer callback and
/// call_at fire in arming order (the `.fifo.out` trace: CPython's heap pops them otherwise);
/// a sleep armed among them wakes its task one slot after they all ran.
#[test]
fn case_425_equal_deadlines_armed_from_callbacks() {
    assert_matches_cpython("425_equal_deadlines_armed_from_callbacks.fifo", async {
        call_later(secs(1.0), || log!("A from main"));
        call_soon(|| {
            call_later(secs(1.0), || log!("B from soon"));
        });
        let t = spawn(async {
            sleep(secs(1.0)).await;
            log!("S wakes");
        });
        call_later(secs(0.5), || {
            call_later(secs(0.5), || log!("C from timer"));
        });
        call_at(now() + secs(1.0), || log!("D at"));
        yield_now().await;
        call_later(secs(1.0), || log!("E after sleep0"));
        t.await.unwrap();
        yield_now().await;
        log!("end");
    });
}

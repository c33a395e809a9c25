//! The twelfth round, second batch (cases 672-677): a keep-alive `timeout(None)`
//! rescheduled after each message, nested `timeout()`s rescheduled to one instant,
//! `as_completed` with a timeout and a slow consumer, one absolute deadline passed down a
//! call chain of `timeout_at`s, a batcher on `wait_for(get(), remaining)`, and
//! `wait(FIRST_EXCEPTION)` where a sibling cancels a task.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::{FutureExt, StreamExt};
use simloop::{
    Elapsed, Instant, Queue, ReturnWhen, as_completed, gather, gather_all_tasks, log, now, sleep,
    spawn, task, timeout_at, timeout_scope, try_wait, wait_for,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, quoted, secs, when};

/// A keep-alive: a reader under `timeout(None)` reschedules its deadline to now + 0.25
/// after each message; `when()` read after each. The third message arrives at the very
/// instant of the deadline: the producer's timer was armed before the reschedule, so its
/// put wakes the reader, but the expiry cancels the reader in the same pass: TimeoutError,
/// `expired()` is True, and that message stays queued with the last one.
#[test]
fn case_672_timeout_keepalive_reschedule() {
    async fn reader(q: Rc<Queue<&'static str>>) -> Vec<&'static str> {
        let got = Rc::new(RefCell::new(Vec::new()));
        let g = got.clone();
        let scope = timeout_scope(None, move |cm| async move {
            log!("armed when={}", when(&cm));
            loop {
                cm.reschedule(Some(now() + secs(0.25))).unwrap();
                log!("deadline {}", when(&cm));
                let m = q.get().await.unwrap();
                g.borrow_mut().push(m);
                log!("got {m}");
            }
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!(
                "idle timeout, expired={} got={}",
                py_bool(cm.expired()),
                py_list(got.borrow().iter().map(quoted))
            );
        }
        got.take()
    }
    async fn producer(q: Rc<Queue<&'static str>>) {
        for (d, m) in [(0.125, "m1"), (0.125, "m2"), (0.25, "m3"), (0.375, "m4")] {
            sleep(secs(d)).await;
            q.put_nowait(m).unwrap();
            log!("put {m}");
        }
    }
    assert_matches_cpython("672_timeout_keepalive_reschedule", async {
        let q = Rc::new(Queue::new());
        let r = spawn(reader(q.clone()));
        let p = spawn(producer(q.clone()));
        let got = r.await.unwrap();
        p.await.unwrap();
        log!(
            "end got={} qsize={}",
            py_list(got.iter().map(quoted)),
            q.qsize()
        );
    });
}

/// Nested `timeout()`s: the inner one is rescheduled to the outer one's deadline, so both
/// expire at one instant: the outer raises TimeoutError, the inner lets the cancellation
/// through and both read `expired()`; `cancelling()` read inside and after. Rescheduled past
/// the outer, the inner never expires; rescheduled before it, the inner raises.
#[test]
fn case_673_nested_timeouts_rescheduled_to_one_instant() {
    async fn run_case(inner_at: f64) {
        let t0 = now();
        let outer = timeout_scope(Some(t0 + secs(0.5)), move |outer_cm| async move {
            let inner = timeout_scope(Some(now() + secs(0.25)), move |inner_cm| async move {
                inner_cm.reschedule(Some(t0 + secs(inner_at))).unwrap();
                log!(
                    "inner when={} outer when={}",
                    when(&inner_cm),
                    when(&outer_cm)
                );
                sleep(secs(1.0)).await;
            });
            let inner_cm = inner.handle();
            let finally =
                Finally::new(move || log!("inner expired={}", py_bool(inner_cm.expired())));
            let through = Finally::new(|| {
                log!(
                    "inner lets CancelledError through, cancelling={}",
                    task::cancelling()
                )
            });
            let r = inner.await;
            through.disarm();
            if r.is_err() {
                log!("inner TimeoutError");
            }
            drop(finally);
        });
        let outer_cm = outer.handle();
        if outer.await.is_err() {
            log!(
                "outer TimeoutError, outer expired={} cancelling={}",
                py_bool(outer_cm.expired()),
                task::cancelling()
            );
        }
    }
    assert_matches_cpython("673_nested_timeouts_rescheduled_to_one_instant", async {
        run_case(0.5).await;
        run_case(0.75).await;
        run_case(0.375).await;
        log!("end");
    });
}

/// `as_completed` with a timeout and a consumer that sleeps after each result: the
/// deadline counts from the call, results finished before it are still yielded after it
/// has passed, the first await after the deadline with nothing finished raises
/// TimeoutError; the caller cancels what is left.
#[test]
fn case_674_as_completed_timeout_slow_consumer() {
    async fn job(name: &'static str, d: f64, fail: bool) -> Result<&'static str, &'static str> {
        sleep(secs(d)).await;
        if fail {
            log!("{name} fails");
            return Err(name);
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("674_as_completed_timeout_slow_consumer", async {
        let specs = [
            ("a", 0.125, false),
            ("b", 0.25, true),
            ("c", 0.375, false),
            ("d", 1.0, false),
        ];
        let ts: Vec<_> = specs
            .into_iter()
            .map(|(n, d, f)| spawn(job(n, d, f)).share())
            .collect();
        let mut got = Vec::new();
        let mut stream = as_completed(ts.clone(), Some(secs(0.5)));
        while let Some(r) = stream.next().await {
            match r {
                Ok(Ok(Ok(v))) => {
                    got.push(v);
                    log!("consumed {v}");
                }
                Ok(Ok(Err(e))) => log!("consumed failure {e}"),
                Ok(Err(e)) => panic!("{e}"),
                Err(_) => {
                    log!("TimeoutError, got={}", py_list(got.iter().map(quoted)));
                    break;
                }
            }
            sleep(secs(0.25)).await;
        }
        drop(stream);
        let left: Vec<_> = ts.iter().filter(|t| !t.done()).cloned().collect();
        for t in &left {
            t.cancel();
        }
        gather_all_tasks(left).await;
        log!(
            "end cancelled={}",
            py_list(ts.iter().map(|t| py_bool(t.cancelled())))
        );
    });
}

/// One absolute deadline passed down a call chain, each level under
/// `timeout_at(deadline)`: the innermost timer and the outer ones share the instant, the
/// outermost raises; a chain that finishes in time returns normally; a call made at the
/// deadline runs its body to the first real suspension, then fails.
#[test]
fn case_675_deadline_propagated_timeout_at() {
    fn level(
        name: &'static str,
        deadline: Instant,
        depth: u32,
        work: f64,
    ) -> LocalBoxFuture<'static, Result<&'static str, Elapsed>> {
        async move {
            timeout_at(deadline, async move {
                log!("{name} enters depth {depth}");
                if depth == 0 {
                    sleep(secs(work)).await;
                    log!("{name} work done");
                    return Ok(name);
                }
                level(name, deadline, depth - 1, work).await
            })
            .await?
        }
        .boxed_local()
    }
    async fn call(name: &'static str, deadline: Instant, work: f64) {
        match level(name, deadline, 2, work).await {
            Ok(r) => log!("{name} -> {r}"),
            Err(_) => log!("{name} TimeoutError"),
        }
    }
    assert_matches_cpython("675_deadline_propagated_timeout_at", async {
        let deadline = now() + secs(0.5);
        gather(vec![
            call("fast", deadline, 0.25),
            call("slow", deadline, 1.0),
            call("exact", deadline, 0.5),
        ])
        .await
        .unwrap();
        log!("after the first batch");
        call("late", deadline, 0.125).await;
        log!("end");
    });
}

/// A batcher: it takes the first item with a plain `get()`, then more with
/// `wait_for(get(), remaining)` until the batch holds three items or its window of 0.375 s
/// ends; a `get()` given up at the window's end loses no item, the next batch starts with
/// it.
#[test]
fn case_676_batcher_wait_for_remaining() {
    async fn batcher(q: Rc<Queue<Option<u32>>>, out: Rc<RefCell<Vec<Vec<u32>>>>) {
        while let Some(first) = q.get().await.unwrap() {
            let mut batch = vec![first];
            let end = now() + secs(0.375);
            while batch.len() < 3 {
                let remaining = end.saturating_duration_since(now());
                match wait_for(remaining, q.get()).await {
                    Err(_) => {
                        log!("window over with {}", py_list(&batch));
                        break;
                    }
                    Ok(item) => match item.unwrap() {
                        Some(item) => batch.push(item),
                        None => {
                            q.put_nowait(None).unwrap();
                            break;
                        }
                    },
                }
            }
            log!("flush {}", py_list(&batch));
            out.borrow_mut().push(batch);
        }
    }
    assert_matches_cpython("676_batcher_wait_for_remaining", async {
        let q = Rc::new(Queue::new());
        let out = Rc::new(RefCell::new(Vec::new()));
        let b = spawn(batcher(q.clone(), out.clone()));
        let puts = [
            (0.0, Some(1)),
            (0.125, Some(2)),
            (0.0, Some(3)),
            (0.125, Some(4)),
            (0.5, Some(5)),
            (0.125, Some(6)),
            (0.5, None),
        ];
        for (d, item) in puts {
            sleep(secs(d)).await;
            q.put_nowait(item).unwrap();
            match item {
                Some(i) => log!("put {i}"),
                None => log!("put None"),
            }
        }
        b.await.unwrap();
        log!("end {}", py_list(out.borrow().iter().map(py_list)));
    });
}

/// `wait(FIRST_EXCEPTION)` over tasks where one task cancels a sibling: the cancelled task
/// joins the done set but does not end the wait; the first real failure does, and the rest
/// stay pending; a second `wait(FIRST_EXCEPTION)` on the pending ones runs to the end.
#[test]
fn case_677_wait_first_exception_sibling_cancels() {
    type Outcome = Result<&'static str, String>;
    async fn job(name: &'static str, d: f64, fail: bool) -> Outcome {
        sleep(secs(d)).await;
        if fail {
            log!("{name} fails");
            return Err(name.to_string());
        }
        log!("{name} done");
        Ok(name)
    }
    assert_matches_cpython("677_wait_first_exception_sibling_cancels", async {
        let v = spawn(job("victim", 1.0, false)).share();
        let victim = v.clone();
        let canceller = spawn(async move {
            sleep(secs(0.125)).await;
            log!(
                "canceller cancels, cancel() -> {}",
                py_bool(victim.cancel())
            );
            Ok("canceller")
        })
        .share();
        let f = spawn(job("f", 0.375, true)).share();
        let g = spawn(job("g", 0.5, false)).share();
        let h = spawn(job("h", 0.625, true)).share();
        let all = [
            (v.clone(), "victim"),
            (canceller, "canceller"),
            (f, "f"),
            (g, "g"),
            (h, "h"),
        ];
        let name = |id| all.iter().find(|(t, _)| t.id() == id).unwrap().1;
        let names = |ts: &[simloop::Task<Outcome>]| {
            let mut n: Vec<_> = ts.iter().map(|t| quoted(name(t.id()))).collect();
            n.sort();
            py_list(n)
        };
        let tasks = all.iter().map(|(t, _)| t.clone()).collect();
        let (done, pending) = try_wait(tasks, ReturnWhen::FirstException, None).await;
        log!(
            "first wait done={} pending={} victim cancelled={}",
            names(&done),
            names(&pending),
            py_bool(v.cancelled())
        );
        let (done2, pending2) = try_wait(pending, ReturnWhen::FirstException, None).await;
        log!(
            "second wait done={} pending={}",
            names(&done2),
            names(&pending2)
        );
        let mut finished: Vec<_> = done.into_iter().chain(done2).collect();
        finished.sort_by_key(|t| name(t.id()));
        for t in finished {
            let n = name(t.id());
            match t.result().unwrap() {
                Err(_) => log!("{n} cancelled"),
                Ok(Err(e)) => log!("{n} raised RuntimeError('{e}')"),
                Ok(Ok(r)) => log!("{n} -> {r}"),
            }
        }
    });
}

//! The eleventh round, second batch (cases 649-656): a hedged call that starts a backup
//! after a `wait()` timeout, a bare future's state errors, a heartbeat watchdog on an
//! Event, a token bucket refilled by a self-re-arming `call_later`, retries inside an
//! overall `timeout()`, a gather over tasks running TaskGroups, a staged Barrier a failing
//! worker aborts, and `timeout()` inside and around a Lock's critical section.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::sync::{Promise, PromiseError};
use simloop::task::{CallHandle, call_later};
use simloop::{
    Barrier, Event, GroupError, JoinError, Lock, Queue, ReturnWhen, Semaphore, TaskGroup,
    gather_all_tasks, gather_tasks, log, now, sleep, spawn, timeout, timeout_scope, wait, wait_for,
    yield_now,
};

use super::{Finally, assert_matches_cpython, py_args, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// A hedged call: `wait()` gives the primary 0.125 s, then a backup starts and
/// `wait(FIRST_COMPLETED)` takes whichever ends first; the loser is cancelled with a
/// message its awaiter sees; a primary answering at the wait's deadline is late (the
/// wait's timer was armed before the primary's first step), yet it wins the race.
#[test]
fn case_649_hedge_backup_after_delay() {
    async fn request(name: String, d: f64) -> String {
        sleep(secs(d)).await;
        log!("{name} answers");
        name
    }
    async fn hedged(label: &'static str, primary: f64, backup: f64) -> String {
        let p = spawn(request(format!("{label}-primary"), primary)).share();
        let (done, _) = wait(vec![p.clone()], ReturnWhen::AllCompleted, Some(secs(0.125))).await;
        if !done.is_empty() {
            log!("{label}: primary in time, no backup");
            return p.result().unwrap().unwrap();
        }
        log!("{label}: primary slow, backup starts");
        let b = spawn(request(format!("{label}-backup"), backup)).share();
        let (done, pending) = wait(vec![p, b], ReturnWhen::FirstCompleted, None).await;
        for t in pending {
            t.cancel_with(format!("{label} lost the race"));
            match t.clone().await {
                Err(JoinError::Cancelled { message }) => log!(
                    "loser sees {}, cancelled={}",
                    py_args(message.as_deref()),
                    py_bool(t.cancelled())
                ),
                other => panic!("{other:?}"),
            }
        }
        done[0].result().unwrap().unwrap()
    }
    assert_matches_cpython("649_hedge_backup_after_delay", async {
        log!("got {}", hedged("x", 0.5, 0.125).await);
        log!("got {}", hedged("y", 0.375, 0.5).await);
        log!("got {}", hedged("z", 0.125, 1.0).await);
    });
}

/// A bare future's state errors: `result()` while pending, `set_result()` after
/// `cancel(msg)`, `cancel()` of a done future, `result()` of a cancelled one (its message),
/// a done-callback added after the cancel (one slot later), `set_exception()` after
/// `set_result()`; then a `wait_for` over a future set in time.
#[test]
fn case_650_future_state_errors() {
    assert_matches_cpython("650_future_state_errors", async {
        let f: Promise<u8> = Promise::new();
        if f.result().is_none() {
            log!("pending result(): InvalidStateError Result is not set.");
        }
        log!(
            "cancel -> {}, again -> {}",
            py_bool(f.cancel_with("gone")),
            py_bool(f.cancel_with("twice"))
        );
        if f.set_result(1).is_err() {
            log!("set_result after cancel: InvalidStateError invalid state");
        }
        if let Some(Err(PromiseError::Cancelled(m))) = f.result() {
            log!(
                "result() of cancelled: CancelledError {}",
                py_args(m.as_deref())
            );
        }
        f.add_done_callback(|r| {
            let cancelled = matches!(r, Err(PromiseError::Cancelled(_)));
            log!("late callback cancelled={}", py_bool(cancelled));
        });
        log!("callback added");
        yield_now().await;
        log!("after one yield");
        let g: Promise<&str, String> = Promise::new();
        g.set_result("v").unwrap();
        log!(
            "cancel of done -> {}, result {}",
            py_bool(g.cancel()),
            g.result().unwrap().unwrap()
        );
        if g.set_error("late".into()).is_err() {
            log!("set_exception after set_result: InvalidStateError invalid state");
        }
        let h: Rc<Promise<&str>> = Rc::new(Promise::new());
        let w = h.clone();
        let waiter = spawn(async move { wait_for(secs(1.0), w.wait()).await });
        sleep(secs(0.125)).await;
        h.set_result("in time").unwrap();
        log!("waiter got {}", waiter.await.unwrap().unwrap().unwrap());
    });
}

/// A watchdog: the worker sets an Event per heartbeat, the watchdog waits with
/// `wait_for(event.wait(), 0.375)` and clears it; when the worker stalls, the watchdog
/// cancels it with a message that the worker's awaiter sees.
#[test]
fn case_651_heartbeat_watchdog_event() {
    async fn worker(beat: Rc<Event>) -> &'static str {
        for (i, d) in [0.125, 0.25, 0.125, 1.0].into_iter().enumerate() {
            sleep(secs(d)).await;
            log!("worker beat {i}");
            beat.set();
        }
        "finished"
    }
    async fn watchdog(beat: Rc<Event>, w: simloop::AbortHandle) {
        loop {
            if wait_for(secs(0.375), beat.wait()).await.is_err() {
                log!("watchdog: no heartbeat, cancelling the worker");
                w.cancel_with("stalled");
                return;
            }
            log!("watchdog: heartbeat");
            beat.clear();
        }
    }
    assert_matches_cpython("651_heartbeat_watchdog_event", async {
        let beat = Rc::new(Event::new());
        let w = spawn(worker(beat.clone()));
        let wa = w.abort_handle();
        let d = spawn(watchdog(beat, wa));
        if let Err(JoinError::Cancelled { message }) = w.await {
            log!("main: worker cancelled {}", py_args(message.as_deref()));
        }
        d.await.unwrap();
        log!("end cancelled={}", py_bool(wa.cancelled()));
    });
}

/// A token bucket: a Semaphore(2) spent by requests and refilled by a `call_later` callback
/// that re-arms itself each 0.25 s up to the capacity; waiting requests are served in
/// arrival order; the refill handle is cancelled at the end.
#[test]
fn case_652_token_bucket_refill_callback() {
    struct Bucket {
        cap: usize,
        sem: Semaphore,
        handle: RefCell<Option<CallHandle>>,
    }
    fn refill(b: Rc<Bucket>) {
        if b.sem.value() < b.cap {
            b.sem.release();
            log!("refill, tokens={}", b.sem.value());
        }
        let again = b.clone();
        *b.handle.borrow_mut() = Some(call_later(secs(0.25), move || refill(again)));
    }
    async fn request(b: Rc<Bucket>, name: String) {
        b.sem.acquire().await.forget();
        log!("{name} sent");
    }
    assert_matches_cpython("652_token_bucket_refill_callback", async {
        let b = Rc::new(Bucket {
            cap: 2,
            sem: Semaphore::new(2),
            handle: RefCell::new(None),
        });
        let first = b.clone();
        *b.handle.borrow_mut() = Some(call_later(secs(0.25), move || refill(first)));
        let rs = (0..5).map(|i| spawn(request(b.clone(), format!("r{i}"))));
        let rs: Vec<_> = rs.collect();
        sleep(secs(0.125)).await;
        log!(
            "at 125: tokens={} locked={}",
            b.sem.value(),
            py_bool(b.sem.locked())
        );
        gather_tasks(rs).await.unwrap();
        sleep(secs(0.5)).await;
        log!("idle: tokens={}", b.sem.value());
        b.handle.borrow_mut().take().unwrap().cancel();
        sleep(secs(1.0)).await;
        log!("end: tokens={}", b.sem.value());
    });
}

/// A retry loop under an overall `timeout()`: each attempt runs under `wait_for`, failures
/// back off with doubling sleeps; the overall deadline expires during a backoff sleep, so
/// TimeoutError comes from the outer timeout, `expired()` is True; a second run with a
/// larger budget succeeds on the fourth attempt.
#[test]
fn case_653_retry_within_overall_timeout() {
    type Attempts = Rc<RefCell<Vec<usize>>>;
    async fn attempt(n: usize, attempts: Attempts) -> Result<usize, String> {
        attempts.borrow_mut().push(n);
        let cancelled = OnDrop::new(format!("attempt {n} cancelled"));
        sleep(secs([0.5, 0.125, 0.5, 0.125][n])).await;
        cancelled.disarm();
        if n == 1 {
            log!("attempt {n} fails");
            return Err("ConnectionError".into());
        }
        log!("attempt {n} succeeds");
        Ok(n)
    }
    async fn retry(attempts: Attempts) -> Option<usize> {
        let mut backoff = 0.125;
        for n in 0..4 {
            let e = match wait_for(secs(0.25), attempt(n, attempts.clone())).await {
                Ok(Ok(v)) => return Some(v),
                Ok(Err(e)) => e,
                Err(_) => "TimeoutError".to_string(),
            };
            log!("attempt {n} -> {e}, backoff {backoff}");
            sleep(secs(backoff)).await;
            backoff *= 2.0;
        }
        None
    }
    assert_matches_cpython("653_retry_within_overall_timeout", async {
        let attempts: Attempts = Rc::default();
        let a = attempts.clone();
        let scope = timeout_scope(Some(now() + secs(0.625)), |_| async move {
            let r = retry(a).await.unwrap();
            log!("result {r}");
        });
        let cm = scope.handle();
        if scope.await.is_err() {
            log!(
                "overall TimeoutError, expired={}, attempts {}",
                py_bool(cm.expired()),
                py_list(attempts.borrow().iter())
            );
        }
        attempts.borrow_mut().clear();
        let a = attempts.clone();
        let scope = timeout_scope(Some(now() + secs(2.0)), |_| retry(a));
        let cm = scope.handle();
        let r = scope.await.unwrap().unwrap();
        log!(
            "second run result {r} attempts {} expired={}",
            py_list(attempts.borrow().iter()),
            py_bool(cm.expired())
        );
    });
}

/// `gather(return_exceptions=True)` over tasks that each run a TaskGroup: one group fails
/// and its task raises an ExceptionGroup, listed in place; another task is cancelled from
/// outside while its group waits, so its children are cancelled first and CancelledError
/// is listed; the third returns its children's results. CPython's group cancels its
/// children in a set's order (3.12.1 and 3.13.0 cancelled `b.1` first); simloop cancels in
/// creation order, as 3.11.7 printed: the port is checked against `.py311.out` (rule 12).
#[test]
fn case_654_gather_of_task_groups() {
    async fn child(name: String, d: f64, fail: bool) -> Result<String, String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        if fail {
            log!("{name} raises");
            return Err(name);
        }
        log!("{name} done");
        Ok(name)
    }
    async fn service(
        label: &'static str,
        specs: &'static [(f64, bool)],
    ) -> Result<Vec<String>, GroupError<String>> {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let handles = tg
            .scope(async move {
                let hs = specs
                    .iter()
                    .enumerate()
                    .map(|(i, &(d, f))| group.spawn(child(format!("{label}.{i}"), d, f)).unwrap());
                Ok(hs.collect::<Vec<_>>())
            })
            .await?;
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.unwrap().unwrap());
        }
        Ok(results)
    }
    assert_matches_cpython("654_gather_of_task_groups.py311", async {
        let a = spawn(service("a", &[(0.25, false), (0.125, true)]));
        let b = spawn(service("b", &[(0.5, false), (0.5, false)]));
        let c = spawn(service("c", &[(0.125, false), (0.375, false)]));
        let cancel_b = b.abort_handle();
        call_later(secs(0.25), move || {
            cancel_b.cancel();
        });
        let r = gather_all_tasks(vec![a, b, c]).await;
        let shown = r.into_iter().map(|x| match x {
            Ok(Ok(v)) => py_list(v.iter().map(quoted)),
            Ok(Err(e)) => {
                let errors = e.failures.iter().map(|f| match f {
                    simloop::ChildFailure::Error { error, .. } => quoted(error),
                    other => panic!("{other:?}"),
                });
                format!("\"ExceptionGroup{}\"", py_list(errors))
            }
            Err(JoinError::Cancelled { .. }) => quoted("CancelledError"),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(shown));
    });
}

/// A staged computation on a Barrier(3): each worker finishes a stage and waits for the
/// others; the last arrival passes first; in the second stage a worker fails and aborts the
/// barrier: the worker waiting gets BrokenBarrierError, a later arrival too;
/// `gather(return_exceptions=True)` lists the outcome of each.
#[test]
fn case_655_barrier_stages_abort() {
    async fn worker(
        b: Rc<Barrier>,
        name: &'static str,
        stages: [(f64, bool); 2],
    ) -> Result<&'static str, &'static str> {
        for (stage, (d, fail)) in stages.into_iter().enumerate() {
            sleep(secs(d)).await;
            if fail {
                log!("{name} fails in stage {stage}, aborting");
                b.abort().await;
                return Err("RuntimeError");
            }
            log!("{name} ends stage {stage}, waiting={}", b.n_waiting());
            let Ok(i) = b.wait().await else {
                log!("{name} finds the barrier broken in stage {stage}");
                return Err("BrokenBarrierError");
            };
            log!("{name} passes stage {stage} as {i}");
        }
        Ok(name)
    }
    assert_matches_cpython("655_barrier_stages_abort", async {
        let b = Rc::new(Barrier::new(3));
        let ws = vec![
            spawn(worker(b.clone(), "w0", [(0.125, false), (0.125, false)])),
            spawn(worker(b.clone(), "w1", [(0.25, false), (0.25, true)])),
            spawn(worker(b.clone(), "w2", [(0.125, false), (0.375, false)])),
        ];
        let r = gather_all_tasks(ws).await;
        let r = r.into_iter().map(|x| match x.unwrap() {
            Ok(v) | Err(v) => quoted(v),
        });
        log!("results {} broken={}", py_list(r), py_bool(b.broken()));
    });
}

/// `timeout()` inside an `async with lock`: the expiry cancels the critical section, the
/// lock is released on the way out and the first waiter takes it; a `timeout()` around
/// acquiring the lock gives up the wait and leaves the queue; `locked()` read at each point.
#[test]
fn case_656_timeout_inside_lock_section() {
    async fn holder(lock: Rc<Lock>, name: &'static str, work: f64, limit: f64) {
        let g = lock.lock().await;
        log!("{name} holds the lock");
        match timeout(secs(limit), sleep(secs(work))).await {
            Ok(()) => log!("{name} finished its work"),
            Err(_) => log!("{name} timed out inside, locked={}", py_bool(lock.locked())),
        }
        drop(g);
        log!("{name} left, locked={}", py_bool(lock.locked()));
    }
    async fn impatient(lock: Rc<Lock>, limit: f64) {
        if timeout(secs(limit), lock.acquire()).await.is_err() {
            log!(
                "impatient gave up waiting, locked={}",
                py_bool(lock.locked())
            );
            return;
        }
        log!("impatient holds the lock");
        lock.release().unwrap();
    }
    assert_matches_cpython("656_timeout_inside_lock_section", async {
        let lock = Rc::new(Lock::new(()));
        let ts = vec![
            spawn(holder(lock.clone(), "a", 0.5, 0.25)),
            spawn(impatient(lock.clone(), 0.125)),
            spawn(holder(lock.clone(), "b", 0.125, 0.25)),
            spawn(impatient(lock.clone(), 0.5)),
        ];
        gather_tasks(ts).await.unwrap();
        log!("end locked={}", py_bool(lock.locked()));
    });
}

/// At-least-once delivery: a consumer cancelled while processing an item puts it back
/// (`put_nowait` in its except block) and marks it done; another consumer, waiting in
/// `get()`, takes it at once; `join()` returns only after the requeued item is processed.
#[test]
fn case_657_consumer_cancelled_requeues_item() {
    async fn consumer(q: Rc<Queue<&'static str>>, name: &'static str, d: f64) {
        loop {
            let item = q.get().await.unwrap();
            log!("{name} processing {item}");
            let back = q.clone();
            let requeue = Finally::new(move || {
                back.put_nowait(item).unwrap();
                back.task_done().unwrap();
                log!("{name} cancelled, requeued {item}, qsize={}", back.qsize());
            });
            sleep(secs(d)).await;
            requeue.disarm();
            log!("{name} done {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("657_consumer_cancelled_requeues_item", async {
        let q = Rc::new(Queue::new());
        for item in ["a", "b", "c"] {
            q.put_nowait(item).unwrap();
        }
        let slow = spawn(consumer(q.clone(), "slow", 1.0));
        let fast = spawn(consumer(q.clone(), "fast", 0.125));
        let fast_handle = fast.abort_handle();
        sleep(secs(0.5)).await;
        log!("cancel slow, qsize={}", q.qsize());
        slow.cancel();
        q.join().await;
        log!("joined, qsize={}", q.qsize());
        fast_handle.cancel();
        let r = gather_all_tasks(vec![slow, fast]).await;
        let r = r.iter().map(|x| match x {
            Err(JoinError::Cancelled { .. }) => quoted("CancelledError"),
            other => panic!("{other:?}"),
        });
        log!("end {}", py_list(r));
    });
}

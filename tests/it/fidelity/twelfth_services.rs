//! The twelfth round, fourth batch (cases 682-687): what services build from the
//! primitives: a connection pool (a Semaphore and a Queue of idle connections), a
//! supervisor that restarts a crashed worker from its done-callback, a drift-free periodic
//! timer on `call_at`, pub/sub fan-out over bounded queues that drops on `QueueFull`, one
//! pass holding every kind of callback and task step, and nested `async with` of a
//! Semaphore and a Lock unwound by a cancellation.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::Promise;
use simloop::task::{CallHandle, call_at, call_later, call_soon};
use simloop::{
    Event, Instant, JoinError, Lock, Queue, Semaphore, Task, gather_all_tasks, gather_tasks, log,
    now, sleep, spawn, spawn_named, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, outcome_names, py_bool, py_list, secs};

/// A connection pool: a Semaphore bounds the borrowers and a Queue holds the idle
/// connections; a borrower cancelled while using a connection returns it in `finally`, so
/// the next waiter gets that very connection; a borrower that gives up under `wait_for`
/// while waiting for a permit takes nothing.
#[test]
fn case_682_connection_pool_borrower_cancelled() {
    struct Pool {
        sem: Semaphore,
        idle: Queue<&'static str>,
    }
    async fn use_conn(pool: Rc<Pool>, name: &'static str, work: f64) {
        let permit = pool.sem.acquire().await;
        let conn = pool.idle.get_nowait().unwrap();
        log!("{name} borrows {conn}, idle={}", pool.idle.qsize());
        let p = pool.clone();
        let finally = Finally::new(move || p.idle.put_nowait(conn).unwrap());
        sleep(secs(work)).await;
        log!("{name} done with {conn}");
        drop(finally);
        drop(permit);
    }
    async fn client(
        pool: Rc<Pool>,
        name: &'static str,
        delay: f64,
        work: f64,
        patience: Option<f64>,
    ) {
        sleep(secs(delay)).await;
        let p = pool.clone();
        let cancelled = Finally::new(move || log!("{name} cancelled, idle={}", p.idle.qsize()));
        match patience {
            None => use_conn(pool.clone(), name, work).await,
            Some(limit) => {
                if wait_for(secs(limit), use_conn(pool.clone(), name, work))
                    .await
                    .is_err()
                {
                    log!("{name} gave up, idle={}", pool.idle.qsize());
                }
            }
        }
        cancelled.disarm();
    }
    assert_matches_cpython("682_connection_pool_borrower_cancelled", async {
        let pool = Rc::new(Pool {
            sem: Semaphore::new(2),
            idle: Queue::new(),
        });
        for c in ["c1", "c2"] {
            pool.idle.put_nowait(c).unwrap();
        }
        let ts = vec![
            spawn(client(pool.clone(), "a", 0.0, 0.5, None)),
            spawn(client(pool.clone(), "b", 0.0, 0.375, None)),
            spawn(client(pool.clone(), "impatient", 0.125, 0.125, Some(0.125))),
            spawn(client(pool.clone(), "d", 0.125, 0.125, None)),
        ];
        sleep(secs(0.25)).await;
        ts[0].cancel();
        log!("cancelled a");
        let r = gather_all_tasks(ts).await;
        log!(
            "end {} idle={} locked={}",
            outcome_names(&r),
            pool.idle.qsize(),
            py_bool(pool.sem.locked())
        );
    });
}

/// A supervisor built on done-callbacks: when the worker task ends with an error the
/// callback starts a fresh one (its first step queued like any spawn), up to three
/// restarts; a worker cancelled from outside is not restarted; the callback reads the
/// task's name, error and cancellation.
#[test]
fn case_683_supervisor_restarts_from_done_callback() {
    type Worker = Task<Result<(), String>>;
    struct Supervisor {
        fails: Vec<u32>,
        starts: Cell<u32>,
        done: Promise<u32>,
        current: RefCell<Option<Worker>>,
    }
    async fn work(n: u32, fail: bool) -> Result<(), String> {
        log!("worker-{n} runs");
        sleep(secs(0.125 * f64::from(n))).await;
        if fail {
            return Err(format!("crash {n}"));
        }
        sleep(secs(10.0)).await;
        Ok(())
    }
    fn start(s: &Rc<Supervisor>) {
        let n = s.starts.get() + 1;
        s.starts.set(n);
        let t = spawn_named(format!("worker-{n}"), work(n, s.fails.contains(&n))).share();
        let sup = s.clone();
        t.add_done_callback(move |t| on_done(&sup, t));
        log!("started {}", t.name().unwrap());
        *s.current.borrow_mut() = Some(t);
    }
    fn on_done(s: &Rc<Supervisor>, t: &Worker) {
        let name = t.name().unwrap();
        match t.result().unwrap() {
            Err(JoinError::Cancelled { .. }) => {
                log!("{name} cancelled, not restarting");
                s.done.set_result(s.starts.get()).unwrap();
            }
            Ok(Err(e)) => {
                log!("{name} failed: {e}");
                if s.starts.get() < 4 {
                    start(s);
                } else {
                    log!("giving up");
                    s.done.set_result(s.starts.get()).unwrap();
                }
            }
            other => panic!("{other:?}"),
        }
    }
    fn supervisor(fails: &[u32]) -> Rc<Supervisor> {
        Rc::new(Supervisor {
            fails: fails.to_vec(),
            starts: Cell::new(0),
            done: Promise::new(),
            current: RefCell::new(None),
        })
    }
    assert_matches_cpython("683_supervisor_restarts_from_done_callback", async {
        let s = supervisor(&[1, 2]);
        start(&s);
        sleep(secs(1.0)).await;
        let current = s.current.borrow().clone().unwrap();
        log!("cancelling {}", current.name().unwrap());
        current.cancel();
        let n = s.done.wait().await.unwrap();
        log!("supervisor done after {n} starts");
        let s2 = supervisor(&[1, 2, 3, 4]);
        start(&s2);
        let n = s2.done.wait().await.unwrap();
        log!("second supervisor done after {n} starts");
    });
}

/// A drift-free periodic timer: each tick re-arms itself with
/// `call_at(start + n * period)` and sets an Event; a task waiting on the Event clears it
/// and counts; a sleep ending on a tick's instant runs after the tick armed before it; the
/// stopper cancels the pending handle.
#[test]
fn case_684_periodic_call_at_ticks() {
    struct Ticker {
        start: Instant,
        n: Cell<u32>,
        tick: Event,
        handle: RefCell<Option<CallHandle>>,
    }
    fn arm(t: &Rc<Ticker>) {
        let next = t.start + secs(0.25 * f64::from(t.n.get() + 1));
        let again = t.clone();
        *t.handle.borrow_mut() = Some(call_at(next, move || on_tick(&again)));
    }
    fn on_tick(t: &Rc<Ticker>) {
        t.n.set(t.n.get() + 1);
        log!("tick {}", t.n.get());
        t.tick.set();
        arm(t);
    }
    async fn counter(t: Rc<Ticker>) {
        let mut seen = 0;
        loop {
            t.tick.wait().await;
            t.tick.clear();
            seen += 1;
            log!("counter saw tick, seen={seen}");
        }
    }
    assert_matches_cpython("684_periodic_call_at_ticks", async {
        let t = Rc::new(Ticker {
            start: now(),
            n: Cell::new(0),
            tick: Event::new(),
            handle: RefCell::new(None),
        });
        arm(&t);
        let c = spawn(counter(t.clone()));
        sleep(secs(0.5)).await;
        log!("main at 500, n={}", t.n.get());
        sleep(secs(0.375)).await;
        let h = t.handle.borrow_mut().take().unwrap();
        log!("stop, next tick at {}, cancel", h.when().unwrap());
        h.cancel();
        sleep(secs(0.5)).await;
        log!(
            "n={} handle cancelled={}",
            t.n.get(),
            py_bool(h.cancelled())
        );
        c.cancel();
        gather_all_tasks(vec![c]).await;
    });
}

/// Pub/sub fan-out over per-subscriber bounded queues: the publisher never blocks, it
/// `put_nowait()`s to each and drops the message for a subscriber whose queue is full
/// (QueueFull); a slow subscriber loses messages, a fast one gets all; a None ends each.
/// CPython's heap pops the publisher's and the slow subscriber's equal deadlines out of
/// arming order: the port is checked against the arming-order trace (rule 4).
#[test]
fn case_685_fanout_bounded_queues_drop() {
    async fn subscriber(name: &'static str, q: Rc<Queue<Option<u32>>>, d: f64) {
        let mut got = Vec::new();
        while let Some(m) = q.get().await.unwrap() {
            got.push(m);
            log!("{name} got {m}");
            sleep(secs(d)).await;
        }
        log!("{name} ends with {}", py_list(&got));
    }
    assert_matches_cpython("685_fanout_bounded_queues_drop.fifo", async {
        let subs = [
            ("fast", Rc::new(Queue::with_maxsize(2)), 0.0625),
            ("slow", Rc::new(Queue::with_maxsize(1)), 0.375),
        ];
        let ts: Vec<_> = subs
            .iter()
            .map(|(n, q, d)| spawn(subscriber(n, q.clone(), *d)))
            .collect();
        let mut dropped = Vec::new();
        for m in 0..6 {
            sleep(secs(0.125)).await;
            for (n, q, _) in &subs {
                if q.put_nowait(Some(m)).is_err() {
                    dropped.push(format!("('{n}', {m})"));
                    log!("drop {m} for {n}");
                }
            }
        }
        for (_, q, _) in &subs {
            q.put(None).await.unwrap();
        }
        gather_tasks(ts).await.unwrap();
        log!("end dropped={}", py_list(dropped));
    });
}

/// One pass of many kinds: `call_soon`, `call_later(0)`, `call_at(now)`, a future's
/// done-callbacks, a task's first step and an awaiter of the future, all queued from one
/// step; each takes its slot in the order it was queued, the timers after the first pass;
/// then the same kinds armed for a later instant. CPython's heap pops the equal deadlines
/// of the second part out of arming order: the port is checked against the arming-order
/// trace (rule 4).
#[test]
fn case_686_callbacks_tasks_done_callbacks_mixed() {
    async fn awaiter(fut: Rc<Promise<&'static str>>, name: &'static str) {
        log!("{name} awaits");
        let v = fut.wait().await.unwrap();
        log!("{name} got {v}");
    }
    assert_matches_cpython("686_callbacks_tasks_done_callbacks_mixed.fifo", async {
        let fut = Rc::new(Promise::new());
        let a = spawn(awaiter(fut.clone(), "a1")).share();
        yield_now().await;
        fut.add_done_callback(|r| log!("fut callback 1 sees {}", r.unwrap()));
        call_at(now(), || log!("call_at(now)"));
        call_later(Duration::ZERO, || log!("call_later(0)"));
        call_soon(|| log!("call_soon 1"));
        fut.set_result("x").unwrap();
        fut.add_done_callback(|_| log!("fut callback 2 (added after done)"));
        let b = spawn(awaiter(fut.clone(), "a2")).share();
        call_soon(|| log!("call_soon 2"));
        log!("main yields");
        yield_now().await;
        log!("main resumes");
        gather_tasks(vec![a, b]).await.unwrap();
        let t0 = now();
        let fut2 = Rc::new(Promise::new());
        let f2 = fut2.clone();
        call_at(t0 + secs(0.25), move || f2.set_result("y").unwrap());
        fut2.add_done_callback(|_| log!("fut2 callback"));
        call_later(secs(0.25), || log!("call_later(0.25)"));
        let c = spawn(awaiter(fut2.clone(), "a3"));
        call_at(t0 + secs(0.25), || log!("call_at(+0.25)"));
        sleep(secs(0.25)).await;
        log!("main wakes at 250");
        c.await.unwrap();
        log!("end");
    });
}

/// Nested `async with`, a Semaphore(2) then a Lock: a task cancelled inside both releases
/// the lock first (its inner finally reads it free, the lock already handed to the
/// waiter), then its permit, handed straight to the task waiting for one, so the semaphore
/// stays locked; each later release is read as it happens.
#[test]
fn case_687_nested_lock_semaphore_unwind_on_cancel() {
    async fn user(sem: Rc<Semaphore>, lock: Rc<Lock<()>>, name: &'static str, hold: f64) {
        let reads = {
            let (s, l) = (sem.clone(), lock.clone());
            move || {
                format!(
                    "lock locked={} sem locked={}",
                    py_bool(l.locked()),
                    py_bool(s.locked())
                )
            }
        };
        let r = reads.clone();
        let cancelled = Finally::new(move || log!("{name} cancelled, {}", r()));
        let permit = sem.acquire().await;
        log!("{name} has a permit, sem locked={}", py_bool(sem.locked()));
        let finally = Finally::new(move || log!("{name} inner finally, {}", reads()));
        let guard = lock.lock().await;
        log!("{name} has the lock");
        sleep(secs(hold)).await;
        drop(guard);
        log!("{name} released the lock");
        drop(finally);
        drop(permit);
        cancelled.disarm();
    }
    assert_matches_cpython("687_nested_lock_semaphore_unwind_on_cancel", async {
        let sem = Rc::new(Semaphore::new(2));
        let lock = Rc::new(Lock::new(()));
        let ts: Vec<_> = [("a", 1.0), ("b", 0.25), ("c", 0.125)]
            .into_iter()
            .map(|(n, h)| spawn(user(sem.clone(), lock.clone(), n, h)))
            .collect();
        sleep(secs(0.125)).await;
        ts[0].cancel();
        log!("cancelled a");
        let r = gather_all_tasks(ts).await;
        log!("end {}", outcome_names(&r));
    });
}

//! Ports of the `../shared/conformance` cases about synchronisation primitives: under FIFO,
//! simloop's log lines must equal CPython's trace byte for byte. Each port is also
//! snapshotted.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use simloop::sync::{BoundedSemaphore, Event, Promise, Queue, Semaphore};
use simloop::{JoinError, JoinHandle, Sim, log, sleep, spawn};

use crate::util::cpython_trace;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Python's spelling of a bool.
fn py(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Runs `program` under FIFO and checks its log lines against CPython's trace.
fn assert_matches_cpython<F: std::future::Future + 'static>(case: &str, program: F) -> String {
    let out = Sim::new().run(program);
    assert!(out.result.is_ok(), "{case}: {:?}", out.failure());
    let logs = out.trace.logs();
    assert_eq!(
        logs,
        cpython_trace(case),
        "{case}: simloop's trace differs from CPython's"
    );
    logs
}

/// asyncio.gather without the extra hop: awaits the handles in order.
async fn join_all<T: 'static>(handles: Vec<JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("child succeeds"));
    }
    out
}

#[test]
fn case_026_semaphore_fifo_barging() {
    async fn user(name: &'static str, sem: Rc<Semaphore>, hold: f64, ev: Option<Rc<Event>>) {
        log!("{name} wants");
        sem.acquire().await.forget();
        log!("{name} acquired");
        sleep(secs(hold)).await;
        if let Some(ev) = ev {
            ev.set(); // wakes the barger *before* the release wakes the next waiter
        }
        sem.release();
        log!("{name} released");
    }
    async fn barger(sem: Rc<Semaphore>, ev: Rc<Event>) {
        ev.wait().await;
        log!("barger wants (locked={})", py(sem.locked()));
        sem.acquire().await.forget();
        log!("barger acquired");
        sem.release();
        log!("barger released");
    }
    let logs = assert_matches_cpython("026_semaphore_fifo_barging", async {
        let sem = Rc::new(Semaphore::new(2));
        let ev = Rc::new(Event::new());
        let mut tasks = vec![spawn(barger(sem.clone(), ev.clone()))];
        for (name, hold) in [("A", 1.0), ("B", 2.0), ("C", 0.5), ("D", 0.5), ("E", 0.5)] {
            let ev = (name == "A").then(|| ev.clone());
            tasks.push(spawn(user(name, sem.clone(), hold, ev)));
        }
        join_all(tasks).await;
        log!("main done, locked={}", py(sem.locked()));
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_028_bounded_semaphore_over_release() {
    async fn holder(name: String, sem: Rc<Semaphore>) {
        {
            let _permit = sem.acquire().await;
            log!("{name} acquired");
            sleep(secs(1.0)).await;
        }
        log!("{name} released");
    }
    let logs = assert_matches_cpython("028_bounded_semaphore_over_release", async {
        let bs = BoundedSemaphore::new(2);
        bs.acquire().await.forget();
        bs.release().unwrap();
        log!("bounded: acquire + release ok");
        if let Err(exc) = bs.release() {
            log!("bounded: extra release -> ValueError: {exc}");
        }
        let s = Rc::new(Semaphore::new(2));
        s.release();
        log!("plain: extra release accepted");
        let hs = (0..4).map(|i| spawn(holder(format!("h{i}"), s.clone())));
        join_all(hs.collect()).await;
        log!("main done");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_030_event_wake_all() {
    async fn waiter(name: String, ev: Rc<Event>) {
        log!("{name} waiting");
        ev.wait().await;
        log!("{name} woke");
    }
    let logs = assert_matches_cpython("030_event_wake_all", async {
        let ev = Rc::new(Event::new());
        let tasks: Vec<_> = (0..4)
            .map(|i| spawn(waiter(format!("w{i}"), ev.clone())))
            .collect();
        sleep(secs(1.0)).await;
        ev.set();
        ev.clear();
        log!("main: set() then clear()");
        let late = spawn(waiter("late".into(), ev.clone()));
        join_all(tasks).await;
        log!("main: late done={}", py(late.is_finished()));
        ev.set();
        log!("main: set() again");
        ev.wait().await;
        log!("main: wait() on a set event returned");
        late.await.unwrap();
        log!("main done");
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_032_queue_maxsize_put_order() {
    async fn producer(name: &'static str, q: Rc<Queue<String>>, n: usize) {
        for i in 0..n {
            q.put(format!("{name}-{i}")).await.unwrap();
            log!("{name} put {name}-{i} (qsize={})", q.qsize());
        }
    }
    async fn consumer(q: Rc<Queue<String>>, n: usize) {
        sleep(secs(1.0)).await;
        for _ in 0..n {
            let item = q.get().await.unwrap();
            log!("consumer got {item}");
            sleep(secs(0.25)).await;
        }
    }
    let logs = assert_matches_cpython("032_queue_maxsize_put_order", async {
        let q = Rc::new(Queue::with_maxsize(2));
        join_all(vec![
            spawn(consumer(q.clone(), 6)),
            spawn(producer("P", q.clone(), 3)),
            spawn(producer("R", q.clone(), 3)),
        ])
        .await;
        log!("main done, empty={}", py(q.empty()));
    });
    insta::assert_snapshot!(logs);
}

#[test]
fn case_016_future_set_result() {
    async fn setter(fut: Rc<Promise<i32>>, delay: f64, value: i32) {
        sleep(secs(delay)).await;
        log!("setter: set_result({value})");
        fut.set_result(value).unwrap();
        log!("setter: still running after set_result");
    }
    async fn waiter(name: &'static str, fut: Rc<Promise<i32>>) {
        log!("{name} waiting");
        let value = fut.wait().await.unwrap();
        log!("{name} got {value}");
    }
    let logs = assert_matches_cpython("016_future_set_result", async {
        let fut = Rc::new(Promise::new());
        let w1 = spawn(waiter("w1", fut.clone()));
        let w2 = spawn(waiter("w2", fut.clone()));
        drop(spawn(setter(fut.clone(), 1.0, 42)));
        log!("main waiting");
        let value = fut.wait().await.unwrap();
        log!("main got {value}");
        join_all(vec![w1, w2]).await;
        let value = (&*fut).await.unwrap();
        log!("main awaited the done future again: {value}");
    });
    insta::assert_snapshot!(logs);
}

/// Logs `<name> cancelled` when dropped: the Rust side of asyncio's
/// `except CancelledError: log(...); raise` (the case's `cancel_lines`).
struct CancelLog(String);

impl Drop for CancelLog {
    fn drop(&mut self) {
        log!("{} cancelled", self.0);
    }
}

#[test]
fn case_008_worker_pool_queue() {
    // The case's `random.Random(42).randint(1, 8) * 0.125` draws, item by item (program
    // input, read off the case's trace: simloop's RNG is not Python's).
    const SLEEPS: [f64; 12] = [
        0.25, 0.125, 0.625, 0.5, 0.5, 0.375, 0.25, 0.25, 0.875, 0.125, 0.125, 0.25,
    ];
    async fn worker(name: String, queue: Rc<Queue<(usize, f64)>>) {
        let _cancelled = CancelLog(name.clone());
        loop {
            let (item, sleep_for) = queue.get().await.unwrap();
            log!("{name} got item {item} ({sleep_for} s)");
            sleep(secs(sleep_for)).await;
            queue.task_done().unwrap();
            log!("{name} finished item {item}");
        }
    }
    let logs = assert_matches_cpython("008_worker_pool_queue", async {
        let queue = Rc::new(Queue::new());
        for (item, s) in SLEEPS.into_iter().enumerate() {
            queue.put_nowait((item, s)).unwrap();
        }
        let workers: Vec<JoinHandle<()>> = (0..3)
            .map(|i| spawn(worker(format!("worker-{i}"), queue.clone())))
            .collect();
        queue.join().await;
        log!("queue joined");
        for w in &workers {
            w.cancel();
        }
        let mut res = Vec::new();
        for w in workers {
            res.push(match w.await {
                Ok(()) => "'None'",
                Err(JoinError::Cancelled { .. }) => "'CancelledError'",
                Err(JoinError::Panicked { .. }) => "'Exception'",
            });
        }
        log!("workers ended with [{}]", res.join(", "));
    });
    insta::assert_snapshot!(logs);
}

/// The FIFO trace of a lock handed over under contention, to pin the one-slot wake of a
/// primitive: the waiter runs right after the releasing task's step.
#[test]
fn lock_handoff_full_trace_snapshot() {
    let out = Sim::new().run(async {
        let lock = Rc::new(simloop::Lock::named("l", ()));
        let order = Rc::new(RefCell::new(Vec::new()));
        let mut hs = Vec::new();
        for name in ["a", "b"] {
            let (lock, order) = (lock.clone(), order.clone());
            hs.push(simloop::spawn_named(name, async move {
                let _g = lock.lock().await;
                order.borrow_mut().push(name);
                simloop::yield_now().await;
            }));
        }
        join_all(hs).await;
        order.borrow().clone()
    });
    assert_eq!(out.result.as_ref().unwrap(), &["a", "b"]);
    insta::assert_snapshot!(out.trace.render());
}

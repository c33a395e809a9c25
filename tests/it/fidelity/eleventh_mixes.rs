//! The eleventh round, first batch (cases 640-648 but 644 and 647, which are in
//! `eleventh_groups`): primitives combined the way services combine them: a single-flight
//! cache sharing one future (and the shield that keeps it), a debouncer on call handles, a
//! circuit breaker around `wait_for`, lazy initialisation behind a Lock and an Event,
//! pub/sub on a Condition, a pipeline of bounded queues, hedged requests under
//! `as_completed`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::StreamExt;
use simloop::sync::Promise;
use simloop::task::{CallHandle, call_later};
use simloop::{
    Condition, Event, Instant, JoinError, JoinHandle, Lock, Queue, as_completed, gather,
    gather_all_tasks, gather_tasks, log, shield, sleep, spawn, wait_for, yield_now,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// A single-flight cache: callers of one key share a future that one fetch task fills; a
/// caller whose `wait_for` expires over the bare future cancels it for every caller;
/// awaiting `shield(fut)` instead keeps it for the others.
#[test]
fn case_640_single_flight_shared_future() {
    #[derive(Default)]
    struct Cache {
        inflight: Option<Rc<Promise<String>>>,
        tasks: Vec<JoinHandle<()>>,
    }
    async fn fetch(key: &'static str, fut: Rc<Promise<String>>) {
        sleep(secs(0.25)).await;
        if fut.done() {
            log!(
                "fetch {key} finds the future cancelled={}",
                py_bool(fut.cancelled())
            );
        } else {
            fut.set_result(key.to_uppercase()).unwrap();
            log!("fetch {key} fills it");
        }
    }
    async fn get(
        cache: Rc<RefCell<Cache>>,
        key: &'static str,
        name: &'static str,
        limit: f64,
        shielded: bool,
    ) -> String {
        let existing = cache.borrow().inflight.clone();
        let fut = match existing {
            Some(f) => {
                log!("{name} joins the fetch of {key}");
                f
            }
            None => {
                let f = Rc::new(Promise::new());
                let t = spawn(fetch(key, f.clone()));
                let mut c = cache.borrow_mut();
                c.inflight = Some(f.clone());
                c.tasks.push(t);
                log!("{name} starts the fetch of {key}");
                f
            }
        };
        let r = if shielded {
            let w = fut.clone();
            wait_for(secs(limit), shield(async move { w.wait().await }))
                .await
                .map(|r| r.unwrap())
        } else {
            wait_for(secs(limit), fut.wait()).await
        };
        match r {
            Err(_) => {
                log!(
                    "{name} timed out, future cancelled={}",
                    py_bool(fut.cancelled())
                );
                "timeout".into()
            }
            Ok(Err(_)) => {
                log!("{name} sees CancelledError");
                "cancelled".into()
            }
            Ok(Ok(v)) => {
                log!("{name} got {v}");
                v
            }
        }
    }
    async fn round(shielded: bool) {
        let cache = Rc::new(RefCell::new(Cache::default()));
        let callers = [("a", 1.0), ("b", 0.125), ("c", 1.0)]
            .into_iter()
            .map(|(n, lim)| spawn(get(cache.clone(), "k", n, lim, shielded)))
            .collect();
        let r = gather_tasks(callers).await.unwrap();
        log!(
            "shielded={} results {}",
            if shielded { "True" } else { "False" },
            py_list(r.iter().map(quoted))
        );
        let tasks = std::mem::take(&mut cache.borrow_mut().tasks);
        gather_tasks(tasks).await.unwrap();
    }
    assert_matches_cpython("640_single_flight_shared_future", async {
        round(false).await;
        round(true).await;
    });
}

/// A debouncer: each event cancels the pending `call_later` handle and arms a new one;
/// `when()` reads the deadline; only the last event of a burst fires; a sleep tied with the
/// firing deadline runs after the callback armed before it.
#[test]
fn case_641_debounce_timer_handles() {
    #[derive(Default)]
    struct Debouncer {
        handle: RefCell<Option<CallHandle>>,
        old: RefCell<Vec<CallHandle>>,
    }
    fn poke(d: &Debouncer, value: &'static str) {
        let mut handle = d.handle.borrow_mut();
        if let Some(h) = handle.take() {
            if !h.cancelled() {
                h.cancel();
                d.old.borrow_mut().push(h);
            }
        }
        let h = call_later(secs(0.25), move || log!("fire {value}"));
        log!("poke {value}, fires at {}", h.when().unwrap());
        *handle = Some(h);
    }
    assert_matches_cpython("641_debounce_timer_handles", async {
        let d = Debouncer::default();
        poke(&d, "a");
        sleep(secs(0.125)).await;
        poke(&d, "b");
        sleep(secs(0.125)).await;
        poke(&d, "c");
        log!(
            "old handles cancelled {}",
            py_list(d.old.borrow().iter().map(|h| py_bool(h.cancelled())))
        );
        sleep(secs(0.25)).await;
        log!("main wakes at the deadline");
        sleep(secs(0.125)).await;
        poke(&d, "d");
        let h = d.handle.borrow_mut().take().unwrap();
        sleep(secs(0.5)).await;
        log!("last handle cancelled={}", py_bool(h.cancelled()));
        h.cancel();
        log!("after a late cancel: cancelled={}", py_bool(h.cancelled()));
    });
}

/// A circuit breaker around `wait_for`: two timeouts open it, calls fail fast while it is
/// open, after the cool-down one trial call half-opens it; a trial that times out opens it
/// again, a trial that succeeds closes it.
#[test]
fn case_642_circuit_breaker_wait_for() {
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum State {
        Closed,
        Open,
        HalfOpen,
    }
    struct Breaker {
        state: Cell<State>,
        failures: Cell<u32>,
        opened_at: Cell<Instant>,
    }
    async fn service(d: f64) -> f64 {
        let cancelled = OnDrop::new(format!("service({d}) cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        d
    }
    async fn call(b: Rc<Breaker>, name: &'static str, d: f64) {
        if b.state.get() == State::Open {
            if simloop::now() - b.opened_at.get() < secs(0.5) {
                log!("{name} rejected, open");
                return;
            }
            b.state.set(State::HalfOpen);
            log!("{name} is the trial call");
        }
        let Ok(v) = wait_for(secs(0.25), service(d)).await else {
            b.failures.set(b.failures.get() + 1);
            log!("{name} timed out, failures={}", b.failures.get());
            if b.state.get() == State::HalfOpen || b.failures.get() >= 2 {
                b.state.set(State::Open);
                b.opened_at.set(simloop::now());
                log!("breaker opens");
            }
            return;
        };
        b.failures.set(0);
        if b.state.get() == State::HalfOpen {
            b.state.set(State::Closed);
            log!("breaker closes");
        }
        log!("{name} ok {v}");
    }
    assert_matches_cpython("642_circuit_breaker_wait_for", async {
        let b = Rc::new(Breaker {
            state: Cell::new(State::Closed),
            failures: Cell::new(0),
            opened_at: Cell::new(Instant::ZERO),
        });
        call(b.clone(), "c1", 0.125).await;
        call(b.clone(), "c2", 0.5).await;
        gather([call(b.clone(), "c3", 0.5), call(b.clone(), "c4", 0.375)])
            .await
            .unwrap();
        call(b.clone(), "c5", 0.125).await;
        sleep(secs(0.5)).await;
        call(b.clone(), "c6", 0.5).await;
        sleep(secs(0.25)).await;
        call(b.clone(), "c7", 0.125).await;
        sleep(secs(0.375)).await;
        gather([call(b.clone(), "c8", 0.125), call(b.clone(), "c9", 0.125)])
            .await
            .unwrap();
        let state = match b.state.get() {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half-open",
        };
        log!("state {state}");
    });
}

/// Lazy initialisation: callers race for a Lock, the first initialises (sleeping) while the
/// others queue and re-check the flag under the lock; an Event lets a reader skip the lock;
/// once set, a get neither takes the lock nor yields.
#[test]
fn case_643_lazy_init_lock_event() {
    struct Resource {
        lock: Lock<Option<&'static str>>,
        ready: Event,
        value: Cell<Option<&'static str>>,
    }
    async fn get(r: Rc<Resource>, name: String) -> &'static str {
        if r.ready.is_set() {
            log!("{name} fast path");
            return r.value.get().unwrap();
        }
        let mut value = r.lock.lock().await;
        if value.is_none() {
            log!("{name} initialises");
            sleep(secs(0.25)).await;
            *value = Some("conn");
            r.value.set(Some("conn"));
            r.ready.set();
            log!("{name} initialised");
        } else {
            log!("{name} finds it ready under the lock");
        }
        value.unwrap()
    }
    async fn reader(r: Rc<Resource>) {
        r.ready.wait().await;
        log!(
            "reader sees {}, locked={}",
            r.value.get().unwrap(),
            py_bool(r.lock.locked())
        );
    }
    assert_matches_cpython("643_lazy_init_lock_event", async {
        let r = Rc::new(Resource {
            lock: Lock::new(None),
            ready: Event::new(),
            value: Cell::new(None),
        });
        let rd = spawn(reader(r.clone()));
        let ws = (0..3).map(|i| spawn(get(r.clone(), format!("w{i}"))));
        let ws: Vec<_> = ws.collect();
        yield_now().await;
        log!(
            "locked={} set={}",
            py_bool(r.lock.locked()),
            py_bool(r.ready.is_set())
        );
        let results = gather_tasks(ws).await.unwrap();
        log!("results {}", py_list(results.iter().map(quoted)));
        let t = spawn(async { log!("tick") });
        let v = get(r.clone(), "main".into()).await;
        log!("main got {v} before the tick");
        t.await.unwrap();
        rd.await.unwrap();
    });
}

/// Pub/sub on a Condition: a publisher bumps a version and `notify_all()`s; subscribers
/// `wait_for(version > seen)`: a slow one skips the versions it missed; one cancelled
/// mid-wait leaves the others notified; a final `None` ends the rest.
#[test]
fn case_645_pubsub_condition_versions() {
    type Board = (u32, Option<&'static str>);
    async fn subscriber(cond: Rc<Condition<Board>>, name: &'static str, pause: f64) -> u32 {
        let seen = Rc::new(Cell::new(0));
        let at = seen.clone();
        let cancelled = Finally::new(move || log!("{name} unsubscribed at version {}", at.get()));
        loop {
            let value = {
                let g = cond.lock().await;
                let last = seen.get();
                let g = cond.wait_for(g, |b| b.0 > last).await;
                seen.set(g.0);
                g.1
            };
            let Some(value) = value else {
                log!("{name} sees the end at version {}", seen.get());
                cancelled.disarm();
                return seen.get();
            };
            log!("{name} got {value} (version {})", seen.get());
            if pause > 0.0 {
                sleep(secs(pause)).await;
            }
        }
    }
    async fn publish(cond: &Condition<Board>, value: Option<&'static str>) {
        let mut b = cond.lock().await;
        b.0 += 1;
        b.1 = value;
        log!("publish {} v{}", value.unwrap_or("None"), b.0);
        cond.notify_all().unwrap();
    }
    assert_matches_cpython("645_pubsub_condition_versions", async {
        let cond = Rc::new(Condition::new((0, None)));
        let subs = vec![
            spawn(subscriber(cond.clone(), "fast", 0.0)),
            spawn(subscriber(cond.clone(), "slow", 0.375)),
            spawn(subscriber(cond.clone(), "quitter", 0.0)),
        ];
        let quitter = subs[2].abort_handle();
        yield_now().await;
        for (i, value) in ["a", "b", "c"].into_iter().enumerate() {
            publish(&cond, Some(value)).await;
            sleep(secs(0.125)).await;
            if i == 0 {
                quitter.cancel();
            }
        }
        publish(&cond, None).await;
        let r = gather_all_tasks(subs).await;
        let r = r.iter().map(|x| match x {
            Ok(n) => n.to_string(),
            Err(JoinError::Cancelled { .. }) => quoted("CancelledError"),
            Err(e) => panic!("{e}"),
        });
        log!("results {}", py_list(r));
    });
}

/// A three-stage pipeline on bounded queues (maxsize 1): the source is cancelled while
/// blocked in `put()`; the middle stage reads with `wait_for(get(), idle)` and stops when
/// idle; the sink counts what arrived; nothing is lost between the stages.
#[test]
fn case_646_pipeline_bounded_queues_cancel() {
    async fn source(out: Rc<Queue<u32>>) {
        let n = Rc::new(Cell::new(0));
        let (at, q) = (n.clone(), out.clone());
        let _cancelled = Finally::new(move || {
            log!(
                "source cancelled while putting {}, qsize={}",
                at.get(),
                q.qsize()
            )
        });
        loop {
            n.set(n.get() + 1);
            out.put(n.get()).await.unwrap();
            log!("source put {}", n.get());
        }
    }
    async fn middle(inp: Rc<Queue<u32>>, out: Rc<Queue<Option<u32>>>) {
        loop {
            let Ok(x) = wait_for(secs(0.5), inp.get()).await else {
                log!("middle idle, stops");
                out.put(None).await.unwrap();
                return;
            };
            let x = x.unwrap();
            sleep(secs(0.125)).await;
            out.put(Some(x * 10)).await.unwrap();
            log!("middle passed {}", x * 10);
        }
    }
    async fn sink(inp: Rc<Queue<Option<u32>>>) -> Vec<u32> {
        let mut got = Vec::new();
        while let Some(x) = inp.get().await.unwrap() {
            got.push(x);
            sleep(secs(0.25)).await;
        }
        log!("sink got {}", py_list(&got));
        got
    }
    assert_matches_cpython("646_pipeline_bounded_queues_cancel", async {
        let a = Rc::new(Queue::with_maxsize(1));
        let b = Rc::new(Queue::with_maxsize(1));
        let s = spawn(source(a.clone()));
        let m = spawn(middle(a.clone(), b.clone()));
        let k = spawn(sink(b.clone()));
        sleep(secs(0.625)).await;
        s.cancel();
        let got = k.await.unwrap();
        m.await.unwrap();
        log!(
            "end: {} items, a.qsize={} b.qsize={} source cancelled={}",
            got.len(),
            a.qsize(),
            b.qsize(),
            py_bool(s.cancelled())
        );
    });
}

/// Hedged requests: replicas race under `as_completed`; a failure is skipped, the first
/// success wins and the rest are cancelled; a replica that finished at the winner's
/// instant can no longer be cancelled (`cancel()` is False) and keeps its result. The
/// winner of a tie is CPython's timer heap's choice: the port is checked against the
/// arming-order trace (rule 4).
#[test]
fn case_648_hedged_requests_as_completed() {
    async fn replica(name: &'static str, d: f64, ok: bool) -> Result<&'static str, String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        if !ok {
            log!("{name} fails");
            return Err(name.to_string());
        }
        log!("{name} answers");
        Ok(name)
    }
    async fn hedged(specs: &[(&'static str, f64, bool)]) {
        let tasks: Vec<_> = specs
            .iter()
            .map(|&(n, d, ok)| spawn(replica(n, d, ok)).share())
            .collect();
        let mut winner = None;
        let mut stream = as_completed(tasks.clone(), None);
        while let Some(r) = stream.next().await {
            match r.unwrap().unwrap() {
                Ok(v) => {
                    winner = Some(v);
                    break;
                }
                Err(e) => log!("skip failed {e}"),
            }
        }
        drop(stream);
        let cancels = py_list(tasks.iter().map(|t| py_bool(t.cancel())));
        log!("winner {}; cancel {cancels}", winner.unwrap());
        gather_all_tasks(tasks.clone()).await;
        let states = tasks.iter().map(|t| match t.result().unwrap() {
            Err(_) => quoted("cancelled"),
            Ok(Err(_)) => quoted("failed"),
            Ok(Ok(v)) => quoted(v),
        });
        log!("states {}", py_list(states));
    }
    assert_matches_cpython("648_hedged_requests_as_completed.fifo", async {
        hedged(&[
            ("r1", 0.25, false),
            ("r2", 0.375, true),
            ("r3", 0.375, true),
            ("r4", 0.5, true),
        ])
        .await;
        hedged(&[
            ("s1", 0.125, false),
            ("s2", 0.125, false),
            ("s3", 0.25, true),
        ])
        .await;
    });
}

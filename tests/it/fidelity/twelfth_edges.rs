//! The twelfth round, fifth batch (cases 688-694): `wait_for(shield(task))` cancelled
//! from outside, gather with a concurrency limit on a Semaphore, the polling loop of a
//! background service on `wait_for(stop.wait(), period)`, a `timeout()` moved by another
//! task while its holder queues for a Lock, and two Conditions over one Lock
//! (`Condition::with_lock`): a bounded buffer, cancellation and timeouts, predicates.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use simloop::sync::Condition;
use simloop::{
    Event, GatherError, Lock, Semaphore, Task, TimeoutHandle, gather, gather_all_tasks,
    gather_tasks, log, now, shield_task, sleep, spawn, task, timeout_scope, try_gather, wait_for,
};

use super::{Finally, assert_matches_cpython, outcome_names, py_bool, py_list, secs, when};

/// `wait_for(shield(job), 0.5)` in a task cancelled from outside at 0.25: the caller gets
/// CancelledError (not TimeoutError) with `cancelling()` 1, the `wait_for`'s timer is
/// disarmed, the job runs on and a second awaiter gets its result; the same shield awaited
/// after the job ended returns at once.
#[test]
fn case_688_wait_for_shield_cancelled_from_outside() {
    async fn job() -> &'static str {
        sleep(secs(0.375)).await;
        log!("job done");
        "result"
    }
    async fn caller(j: Task<&'static str>) {
        let jj = j.clone();
        let cancelled = Finally::new(move || {
            log!(
                "caller cancelled, cancelling={} job done={}",
                task::cancelling(),
                py_bool(jj.done())
            )
        });
        match wait_for(secs(0.5), shield_task(j)).await {
            Ok(r) => log!("caller got {}", r.unwrap()),
            Err(_) => log!("caller TimeoutError"),
        }
        cancelled.disarm();
    }
    assert_matches_cpython("688_wait_for_shield_cancelled_from_outside", async {
        let j = spawn(job()).share();
        let c = spawn(caller(j.clone())).share();
        let jo = j.clone();
        let other = spawn(async move { wait_for(secs(1.0), shield_task(jo)).await });
        sleep(secs(0.25)).await;
        c.cancel();
        gather_all_tasks(vec![c.clone()]).await;
        log!("caller cancelled={}", py_bool(c.cancelled()));
        let r = other.await.unwrap().unwrap().unwrap();
        log!("other got {r}");
        let r = wait_for(secs(0.125), shield_task(j)).await.unwrap();
        log!("late shield got {}", r.unwrap());
        sleep(secs(1.0)).await;
        log!("end, no stray expiry");
    });
}

/// Gather with a concurrency limit, the usual helper: each job runs under `async with`
/// Semaphore(2); jobs start in argument order as permits free up; one job fails, gather
/// raises its error at once while the others run on and keep taking permits; results of
/// a second, clean run come back in argument order.
#[test]
fn case_689_gather_bounded_by_semaphore() {
    async fn limited(
        sem: Rc<Semaphore>,
        name: &'static str,
        d: f64,
        fail: bool,
    ) -> Result<&'static str, &'static str> {
        let _permit = sem.acquire().await;
        log!("{name} starts");
        sleep(secs(d)).await;
        if fail {
            log!("{name} fails");
            return Err(name);
        }
        log!("{name} ends");
        Ok(name)
    }
    assert_matches_cpython("689_gather_bounded_by_semaphore", async {
        let sem = Rc::new(Semaphore::new(2));
        let specs = [
            ("a", 0.25, false),
            ("b", 0.125, false),
            ("c", 0.125, true),
            ("d", 0.25, false),
            ("e", 0.125, false),
        ];
        let jobs = specs
            .iter()
            .map(|&(n, d, fail)| limited(sem.clone(), n, d, fail));
        match try_gather(jobs).await {
            Err(GatherError::Failed(e)) => {
                log!(
                    "gather raised ValueError({e}), locked={}",
                    py_bool(sem.locked())
                )
            }
            other => panic!("{other:?}"),
        }
        sleep(secs(0.5)).await;
        log!("others ran on, locked={}", py_bool(sem.locked()));
        let jobs = specs
            .iter()
            .map(|&(n, d, _)| limited(sem.clone(), n, d, false));
        let r = gather(jobs).await.unwrap();
        let r = r.into_iter().map(|x| format!("'{}'", x.unwrap()));
        log!("second run {}", py_list(r));
    });
}

/// The polling loop of a background service: while the stop Event is not set,
/// `wait_for(stop.wait(), 0.25)`; each expiry is a tick of work; set between ticks, the
/// loop ends at once, before its next tick; a second service started after the set never
/// ticks.
#[test]
fn case_690_poll_loop_wait_for_stop_event() {
    async fn service(name: &'static str, stop: Rc<Event>) -> u32 {
        let mut ticks = 0;
        while !stop.is_set() {
            match wait_for(secs(0.25), stop.wait()).await {
                Ok(()) => log!("{name} sees stop"),
                Err(_) => {
                    ticks += 1;
                    log!("{name} tick {ticks}");
                }
            }
        }
        log!("{name} stopped after {ticks} ticks");
        ticks
    }
    assert_matches_cpython("690_poll_loop_wait_for_stop_event", async {
        let stop = Rc::new(Event::new());
        let s = spawn(service("s1", stop.clone()));
        sleep(secs(0.625)).await;
        stop.set();
        log!("stop set");
        let late = spawn(service("s2", stop.clone()));
        let r = gather_all_tasks(vec![s, late]).await;
        log!("results {}", py_list(r.into_iter().map(Result::unwrap)));
    });
}

/// Two Conditions over one Lock (`asyncio.Condition(lock)`, `Condition::with_lock`), the
/// classic bounded buffer: producers wait on `not_full`, consumers on `not_empty`, and each
/// `notify()` wakes only the other side; the lock is one, so a task holding it directly
/// shuts out both sides, and `locked()` reads the same through the lock and both
/// conditions.
#[test]
fn case_691_two_conditions_share_one_lock() {
    type Items = Vec<&'static str>;
    struct Buffer {
        lock: Rc<Lock<Items>>,
        not_full: Condition<Items>,
        not_empty: Condition<Items>,
        size: usize,
    }
    fn shown(items: &Items) -> String {
        py_list(items.iter().map(|i| format!("'{i}'")))
    }
    async fn put(buf: &Buffer, name: &str, item: &'static str) {
        let mut g = buf.not_full.lock().await;
        while g.len() >= buf.size {
            log!("{name} waits, full");
            g = buf.not_full.wait(g).await;
        }
        g.push(item);
        log!(
            "{name} put {item} -> {}, locked={}/{}",
            shown(&g),
            py_bool(buf.lock.locked()),
            py_bool(buf.not_empty.locked())
        );
        buf.not_empty.notify(1).unwrap();
    }
    async fn get(buf: &Buffer, name: &str) -> &'static str {
        let mut g = buf.not_empty.lock().await;
        while g.is_empty() {
            log!("{name} waits, empty");
            g = buf.not_empty.wait(g).await;
        }
        let item = g.remove(0);
        log!("{name} got {item} -> {}", shown(&g));
        buf.not_full.notify(1).unwrap();
        item
    }
    async fn producer(buf: Rc<Buffer>, name: &'static str, items: Items, d: f64) -> Items {
        for item in items {
            put(&buf, name, item).await;
            sleep(secs(d)).await;
        }
        Vec::new()
    }
    async fn consumer(buf: Rc<Buffer>, name: &'static str, n: usize, d: f64) -> Items {
        let mut got = Vec::new();
        for _ in 0..n {
            got.push(get(&buf, name).await);
            sleep(secs(d)).await;
        }
        got
    }
    async fn auditor(buf: Rc<Buffer>) -> Items {
        sleep(secs(0.375)).await;
        let g = buf.lock.lock().await;
        log!(
            "auditor holds the lock, sees {}, not_full locked={}",
            shown(&g),
            py_bool(buf.not_full.locked())
        );
        sleep(secs(0.125)).await;
        log!("auditor leaves");
        drop(g);
        Vec::new()
    }
    assert_matches_cpython("691_two_conditions_share_one_lock", async {
        let lock = Rc::new(Lock::new(Vec::new()));
        let buf = Rc::new(Buffer {
            not_full: Condition::with_lock(lock.clone()),
            not_empty: Condition::with_lock(lock.clone()),
            lock,
            size: 1,
        });
        let ts = vec![
            spawn(consumer(buf.clone(), "C1", 3, 0.25)),
            spawn(producer(buf.clone(), "P1", vec!["a", "b", "c"], 0.0)),
            spawn(producer(buf.clone(), "P2", vec!["x", "y"], 0.125)),
            spawn(consumer(buf.clone(), "C2", 2, 0.5)),
            spawn(auditor(buf.clone())),
        ];
        let r = gather_tasks(ts).await.unwrap();
        log!(
            "end C1 got {}, C2 got {}, locked={}",
            shown(&r[0]),
            shown(&r[3]),
            py_bool(buf.lock.locked())
        );
    });
}

/// Conditions over one shared Lock under cancellation: a waiter on one condition is
/// cancelled while a task holds the lock directly, so its cancellation waits until it has
/// re-acquired the lock; a waiter on the other condition whose `wait_for` expires meanwhile
/// re-acquires in turn before its TimeoutError; a notified waiter queues behind them for
/// the same lock.
#[test]
fn case_692_shared_lock_conditions_cancel_and_timeout() {
    async fn waiter(cond: Rc<Condition<()>>, lock: Rc<Lock<()>>, name: &'static str) {
        let l = lock.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(l.locked())));
        let g = cond.lock().await;
        log!("{name} waits");
        let g = cond.wait(g).await;
        log!("{name} notified, locked={}", py_bool(lock.locked()));
        drop(g);
        cancelled.disarm();
    }
    async fn timed(cond: Rc<Condition<()>>, lock: Rc<Lock<()>>, name: &'static str, t: f64) {
        let g = cond.lock().await;
        log!("{name} waits up to {t}");
        match wait_for(secs(t), cond.wait(g)).await {
            Ok(g) => {
                log!("{name} notified");
                drop(g);
            }
            Err(_) => log!("{name} timed out"),
        }
        log!("{name} left, locked={}", py_bool(lock.locked()));
    }
    assert_matches_cpython("692_shared_lock_conditions_cancel_and_timeout", async {
        let lock = Rc::new(Lock::new(()));
        let a = Rc::new(Condition::with_lock(lock.clone()));
        let b = Rc::new(Condition::with_lock(lock.clone()));
        let wa = spawn(waiter(a.clone(), lock.clone(), "wa"));
        let wb = spawn(waiter(b.clone(), lock.clone(), "wb"));
        let tb = spawn(timed(b.clone(), lock.clone(), "tb", 0.25));
        sleep(secs(0.125)).await;
        {
            let _g = lock.lock().await;
            log!("main holds the lock");
            wa.cancel();
            b.notify(1).unwrap();
            log!("cancelled wa, notified b once");
            sleep(secs(0.25)).await;
            log!("main releases");
        }
        let r = gather_all_tasks(vec![wa, wb, tb]).await;
        let names = r.iter().map(|x| match x {
            Ok(()) => "'NoneType'",
            Err(_) => "'CancelledError'",
        });
        log!("end {} locked={}", py_list(names), py_bool(lock.locked()));
    });
}

/// A `timeout()` around acquiring a Lock, moved by another task while its holder waits in
/// the lock's line: moved later, the waiter gets the lock in time; moved earlier, it
/// expires in the line and leaves it, so the next waiter gets the lock on release;
/// `when()` and `expired()` read by the mover.
#[test]
fn case_693_timeout_moved_by_other_task_while_queued_for_lock() {
    type Handles = Rc<RefCell<BTreeMap<&'static str, TimeoutHandle>>>;
    async fn queued(lock: Rc<Lock<()>>, name: &'static str, limit: f64, handles: Handles) {
        let l = lock.clone();
        let scope = timeout_scope(Some(now() + secs(limit)), move |cm| async move {
            let g = l.lock().await;
            log!("{name} has the lock, when={}", when(&cm));
            sleep(secs(0.125)).await;
            drop(g);
        });
        let cm = scope.handle();
        handles.borrow_mut().insert(name, cm.clone());
        match scope.await {
            Ok(()) => log!("{name} done"),
            Err(_) => log!(
                "{name} gave up in the line, expired={} locked={}",
                py_bool(cm.expired()),
                py_bool(lock.locked())
            ),
        }
    }
    async fn holder(lock: Rc<Lock<()>>) {
        let g = lock.lock().await;
        log!("holder has the lock");
        sleep(secs(0.5)).await;
        log!("holder releases");
        drop(g);
    }
    assert_matches_cpython(
        "693_timeout_moved_by_other_task_while_queued_for_lock",
        async {
            let lock = Rc::new(Lock::new(()));
            let handles: Handles = Rc::default();
            let mut ts = vec![spawn(holder(lock.clone()))];
            for n in ["early", "late", "last"] {
                ts.push(spawn(queued(lock.clone(), n, 0.375, handles.clone())));
            }
            sleep(secs(0.125)).await;
            let h = |n: &str| handles.borrow()[n].clone();
            h("early").reschedule(Some(now() + secs(1.0))).unwrap();
            h("late").reschedule(Some(now() + secs(0.125))).unwrap();
            log!(
                "moved: early when={} late when={}",
                when(&h("early")),
                when(&h("late"))
            );
            sleep(secs(0.125)).await;
            log!(
                "late expired={} last expired={}",
                py_bool(h("late").expired()),
                py_bool(h("last").expired())
            );
            gather_tasks(ts).await.unwrap();
            log!(
                "end locked={} early expired={}",
                py_bool(lock.locked()),
                py_bool(h("early").expired())
            );
        },
    );
}

/// Two Conditions over one Lock with `wait_for(predicate)`: `notify_all()` on one wakes
/// only its own waiters, each re-checks its predicate under the shared lock in turn and a
/// waiter whose predicate is still false waits again; the other condition's waiters sleep
/// on until notified; a waiter cancelled while waiting leaves no lock held. CPython 3.13
/// wakes the next waiter whenever a waiter is cancelled (a spurious wake-up, `.py313.out`);
/// simloop passes on only a notification the cancelled waiter had consumed, as 3.11 and
/// 3.12 print here.
#[test]
fn case_694_shared_lock_conditions_predicates_notify_all() {
    async fn waiter(cond: Rc<Condition<[u32; 2]>>, name: &'static str, key: usize, need: u32) {
        let c = cond.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, locked={}", py_bool(c.locked())));
        let k = ["a", "b"][key];
        let g = cond.lock().await;
        let g = cond
            .wait_for(g, |s| {
                log!("{name} checks {k}={}", s[key]);
                s[key] >= need
            })
            .await;
        log!("{name} proceeds with {k}={}", g[key]);
        drop(g);
        cancelled.disarm();
    }
    assert_matches_cpython("694_shared_lock_conditions_predicates_notify_all", async {
        let lock = Rc::new(Lock::new([0u32; 2]));
        let ca = Rc::new(Condition::with_lock(lock.clone()));
        let cb = Rc::new(Condition::with_lock(lock.clone()));
        let specs = [
            (&ca, "a1", 0, 1),
            (&ca, "a2", 0, 2),
            (&cb, "b1", 1, 1),
            (&ca, "a3", 0, 2),
        ];
        let ts: Vec<_> = specs
            .into_iter()
            .map(|(c, n, k, need)| spawn(waiter(c.clone(), n, k, need)).share())
            .collect();
        sleep(secs(0.125)).await;
        {
            let mut g = lock.lock().await;
            g[0] = 1;
            ca.notify_all().unwrap();
            log!("a=1, notify_all on a");
        }
        sleep(secs(0.125)).await;
        ts[3].cancel();
        log!("cancelled a3");
        sleep(secs(0.125)).await;
        {
            let mut g = cb.lock().await;
            *g = [2, 1];
            cb.notify_all().unwrap();
            log!("a=2 b=1, notify_all on b only");
        }
        sleep(secs(0.125)).await;
        log!("a2 done={}", py_bool(ts[1].done()));
        {
            let _g = ca.lock().await;
            ca.notify_all().unwrap();
            log!("notify_all on a");
        }
        let r = gather_all_tasks(ts).await;
        log!(
            "end {} locked={}",
            outcome_names(&r),
            py_bool(lock.locked())
        );
    });
}

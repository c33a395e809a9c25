//! The twelfth round, fifth batch (cases 688-690): `wait_for(shield(task))` cancelled
//! from outside, gather with a concurrency limit on a Semaphore, and the polling loop of a
//! background service on `wait_for(stop.wait(), period)`.

use std::rc::Rc;

use simloop::{
    Event, GatherError, Semaphore, Task, gather, gather_all_tasks, log, shield_task, sleep, spawn,
    task, try_gather, wait_for,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, secs};

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

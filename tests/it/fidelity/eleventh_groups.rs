//! The eleventh round, TaskGroups among the first batch (cases 644, 647): a worker pool in
//! a TaskGroup with a Queue, a Semaphore and timeouts, aborted by a failing job; and the
//! ExceptionGroup shapes `except*` splits, a nested group's failure kept nested.

use std::rc::Rc;

use simloop::{ChildFailure, Queue, Semaphore, TaskGroup, log, sleep, wait_for};

use super::{Finally, assert_matches_cpython, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// A worker pool in a TaskGroup: workers take jobs from a Queue and run each under
/// Semaphore(2) and `wait_for`; a slow job times out and is logged; a failing job aborts
/// the group: a worker waiting on `acquire()` is cancelled (its job still marked done), one
/// waiting on `get()` too; the ExceptionGroup carries the failure and the semaphore is left
/// free.
#[test]
fn case_644_worker_pool_group_semaphore_failure() {
    type Job = (&'static str, f64);
    async fn job(name: &'static str, d: f64) -> Result<&'static str, String> {
        sleep(secs(d)).await;
        if name == "bad" {
            return Err(name.to_string());
        }
        Ok(name)
    }
    async fn worker(name: String, q: Rc<Queue<Job>>, sem: Rc<Semaphore>) -> Result<(), String> {
        loop {
            let (j, d) = q.get().await.unwrap();
            log!("{name} took {j}");
            let q2 = q.clone();
            let _done = OnDropFn(Some(move || q2.task_done().unwrap()));
            let cancelled = Finally::new(|| log!("{name} cancelled holding {j}"));
            let _permit = sem.acquire().await;
            match wait_for(secs(0.25), job(j, d)).await {
                Ok(Ok(r)) => log!("{name} finished {r}"),
                Ok(Err(e)) => {
                    cancelled.disarm();
                    return Err(e);
                }
                Err(_) => log!("{name} gave up on {j}"),
            }
            cancelled.disarm();
        }
    }
    assert_matches_cpython("644_worker_pool_group_semaphore_failure", async {
        let q = Rc::new(Queue::new());
        let jobs = [
            ("j1", 0.125),
            ("slow", 0.5),
            ("j3", 0.125),
            ("bad", 0.125),
            ("j5", 0.125),
            ("j6", 0.125),
        ];
        for j in jobs {
            q.put_nowait(j).unwrap();
        }
        let sem = Rc::new(Semaphore::new(2));
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let (wq, ws) = (q.clone(), sem.clone());
        let r = tg
            .scope(async move {
                for i in 0..3 {
                    group
                        .spawn(worker(format!("w{i}"), wq.clone(), ws.clone()))
                        .map(drop)
                        .unwrap();
                }
                wq.join().await;
                log!("all jobs done");
                Ok(())
            })
            .await;
        if let Err(e) = r {
            let errors = e.failures.iter().map(|f| match f {
                ChildFailure::Error { error, .. } => quoted(error),
                other => panic!("{other:?}"),
            });
            log!("group failed {}", py_list(errors));
        }
        log!("qsize={} sem locked={}", q.qsize(), py_bool(sem.locked()));
    });
}

/// Runs its closure when dropped: a `finally:` block.
struct OnDropFn<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Drop for OnDropFn<F> {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// ExceptionGroup shapes: two children fail in one pass (ValueError, KeyError) while a
/// nested TaskGroup's child fails (TypeError) at the same instant; `except*` splits the
/// outer group by type, the nested group stays a nested ExceptionGroup; the siblings
/// sleeping on are cancelled.
#[test]
fn case_647_except_star_group_shapes() {
    /// An exception: a leaf `Type('arg')` or a group of them.
    #[derive(Debug, Clone)]
    enum Exc {
        Leaf(&'static str, &'static str),
        Group(Vec<Exc>),
    }
    fn shape(e: &Exc) -> String {
        match e {
            Exc::Leaf(t, a) => format!("\"{t}('{a}')\""),
            Exc::Group(es) => py_list(es.iter().map(shape)),
        }
    }
    /// `except* T`: the part of a group matching `t`, nesting kept, or `None`.
    fn split(e: &Exc, t: &str) -> Option<Exc> {
        match e {
            Exc::Leaf(lt, _) => (*lt == t).then(|| e.clone()),
            Exc::Group(es) => {
                let kept: Vec<Exc> = es.iter().filter_map(|x| split(x, t)).collect();
                (!kept.is_empty()).then_some(Exc::Group(kept))
            }
        }
    }
    fn group_of(e: simloop::GroupError<Exc>) -> Exc {
        Exc::Group(
            e.failures
                .into_iter()
                .map(|f| match f {
                    ChildFailure::Error { error, .. } => error,
                    other => panic!("{other:?}"),
                })
                .collect(),
        )
    }
    async fn fail(t: &'static str, a: &'static str, d: f64) -> Result<(), Exc> {
        sleep(secs(d)).await;
        log!("raise {t}('{a}')");
        Err(Exc::Leaf(t, a))
    }
    async fn sleeper(name: &'static str) -> Result<(), Exc> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(1.0)).await;
        cancelled.disarm();
        Ok(())
    }
    async fn nested() -> Result<(), Exc> {
        let tg: TaskGroup<Exc> = TaskGroup::new();
        tg.spawn(fail("TypeError", "t", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("nested-s")).map(drop).unwrap();
        tg.join().await.map_err(group_of)
    }
    assert_matches_cpython("647_except_star_group_shapes", async {
        let tg: TaskGroup<Exc> = TaskGroup::new();
        tg.spawn(fail("ValueError", "v", 0.25)).map(drop).unwrap();
        tg.spawn(nested()).map(drop).unwrap();
        tg.spawn(fail("KeyError", "k", 0.25)).map(drop).unwrap();
        tg.spawn(sleeper("outer-s")).map(drop).unwrap();
        let eg = group_of(tg.join().await.unwrap_err());
        for t in ["ValueError", "KeyError", "TypeError"] {
            if let Some(part) = split(&eg, t) {
                log!("{t} part {}", shape(&part));
            }
        }
        log!("main goes on");
    });
}

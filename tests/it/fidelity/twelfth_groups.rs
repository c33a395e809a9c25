//! The twelfth round, third batch (cases 678-681): TaskGroups as real code uses them: a
//! crawler whose children spawn grandchildren into the group, the producer/consumer shape
//! whose body cancels its workers after `join()`, a child that cancels the task holding the
//! group, and failures collected while the group is already aborting, beside a shielded
//! task that fails after the group is gone.

use std::cell::RefCell;
use std::rc::Rc;

use futures::FutureExt;
use futures::future::LocalBoxFuture;
use simloop::{
    ChildFailure, GroupError, JoinError, Queue, Task, TaskGroup, log, shield_task, sleep, spawn,
    task,
};

use super::{Finally, assert_matches_cpython, py_bool, py_list, quoted, secs};
use crate::util::OnDrop;

/// The errors of a group's failures, as `[str(e) for e in eg.exceptions]` prints them.
fn errors(e: &GroupError<String>) -> String {
    py_list(e.failures.iter().map(|f| match f {
        ChildFailure::Error { error, .. } => quoted(error),
        other => panic!("{other:?}"),
    }))
}

/// A TaskGroup whose children create further children in the same group (a crawler): each
/// spawned task's first step is queued behind what is ready; a grandchild's failure cancels
/// every task in the group, spawners and grandchildren alike, and then the body's await;
/// the ExceptionGroup holds the one failure. CPython cancels the children in a set's
/// order, so the program collects their names and prints them sorted.
#[test]
fn case_678_group_grandchildren_spawned_by_children() {
    type Cancelled = Rc<RefCell<Vec<String>>>;
    fn crawl(
        tg: TaskGroup<String>,
        url: String,
        depth: u32,
        links: u32,
        cancelled: Cancelled,
    ) -> LocalBoxFuture<'static, Result<(), String>> {
        async move {
            log!("visit {url}");
            sleep(secs(0.125)).await;
            if url == "/a/2" {
                log!("{url} fails");
                return Err(url);
            }
            if depth > 0 {
                for i in 0..links {
                    let child = crawl(
                        tg.clone(),
                        format!("{url}/{i}"),
                        depth - 1,
                        links + 1,
                        cancelled.clone(),
                    );
                    tg.spawn(child).map(drop).unwrap();
                }
                log!("{url} spawned {links}");
            }
            let (c, u) = (cancelled.clone(), url.clone());
            let on_cancel = Finally::new(move || c.borrow_mut().push(u));
            sleep(secs(0.5)).await;
            on_cancel.disarm();
            log!("{url} finished");
            Ok(())
        }
        .boxed_local()
    }
    assert_matches_cpython("678_group_grandchildren_spawned_by_children", async {
        let cancelled: Cancelled = Rc::default();
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let c = cancelled.clone();
        let r = tg
            .scope(async move {
                for (url, links) in [("/a", 3), ("/b", 1)] {
                    let child = crawl(group.clone(), url.to_string(), 1, links, c.clone());
                    group.spawn(child).map(drop).unwrap();
                }
                let body = Finally::new(move || {
                    log!("body cancelled after {} children", c.borrow().len());
                });
                sleep(secs(1.0)).await;
                body.disarm();
                Ok(())
            })
            .await;
        if let Err(eg) = r {
            log!("group failed with {}", errors(&eg));
        }
        let mut names = cancelled.borrow().clone();
        names.sort();
        log!("end, cancelled {}", py_list(names.iter().map(quoted)));
    });
}

/// The producer/consumer shape in a TaskGroup: the body fills a queue, awaits `join()`,
/// then cancels the workers; cancelled children are not failures, so the group exits
/// normally once they have unwound; each worker's cancellation arrives in its `get()`.
#[test]
fn case_679_group_workers_cancelled_after_join() {
    async fn worker(
        q: Rc<Queue<u32>>,
        name: String,
        d: f64,
        done: Rc<RefCell<Vec<u32>>>,
    ) -> Result<(), String> {
        let qq = q.clone();
        let n = name.clone();
        let _idle = Finally::new(move || log!("{n} cancelled while idle, qsize={}", qq.qsize()));
        loop {
            let item = q.get().await.unwrap();
            sleep(secs(d)).await;
            done.borrow_mut().push(item);
            log!("{name} did {item}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("679_group_workers_cancelled_after_join", async {
        let q = Rc::new(Queue::new());
        let done = Rc::new(RefCell::new(Vec::new()));
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let (qb, db) = (q.clone(), done.clone());
        let ws = tg
            .scope(async move {
                let ws: Vec<_> = [0.125, 0.25]
                    .into_iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let w = worker(qb.clone(), format!("w{i}"), d, db.clone());
                        group.spawn(w).unwrap().share()
                    })
                    .collect();
                for i in 0..5 {
                    qb.put(i).await.unwrap();
                }
                log!("queued, qsize={}", qb.qsize());
                qb.join().await;
                log!("joined, cancelling workers");
                for w in &ws {
                    w.cancel();
                }
                log!("body ends");
                Ok(ws)
            })
            .await
            .unwrap();
        log!(
            "group exited, done={} cancelled={}",
            py_list(done.borrow().iter()),
            py_list(ws.iter().map(|w| py_bool(w.cancelled())))
        );
    });
}

/// A TaskGroup child cancels the task that holds the group (a stop button inside the
/// group): the body's await is cancelled, the group cancels the remaining children and
/// waits for them, then the holder's cancellation goes on (no ExceptionGroup); the
/// holder's awaiter sees it cancelled.
#[test]
fn case_680_group_child_cancels_holder() {
    async fn child(name: &'static str, d: f64) -> Result<(), String> {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        sleep(secs(d)).await;
        cancelled.disarm();
        log!("{name} done");
        Ok(())
    }
    async fn stopper(holder: simloop::TaskId, d: f64) -> Result<(), String> {
        sleep(secs(d)).await;
        log!(
            "stopper cancels the holder, cancel() -> {}",
            py_bool(task::cancel(holder))
        );
        Ok(())
    }
    async fn holder() {
        let me = task::current();
        let left = Finally::new(|| {
            log!(
                "group left with CancelledError, cancelling={}",
                task::cancelling()
            )
        });
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let r = tg
            .scope(async move {
                group.spawn(child("quick", 0.125)).map(drop).unwrap();
                group.spawn(child("slow", 1.0)).map(drop).unwrap();
                group.spawn(stopper(me, 0.25)).map(drop).unwrap();
                let body =
                    Finally::new(|| log!("body cancelled, cancelling={}", task::cancelling()));
                sleep(secs(2.0)).await;
                body.disarm();
                Ok(())
            })
            .await;
        left.disarm();
        log!("not reached: {r:?}");
    }
    assert_matches_cpython("680_group_child_cancels_holder", async {
        let h = spawn(holder()).share();
        if let Err(JoinError::Cancelled { .. }) = h.clone().await {
            log!("holder cancelled={}", py_bool(h.cancelled()));
        }
    });
}

/// A TaskGroup that is already aborting: two children fail in one pass, the second before
/// the abort's cancellation reaches it, so both failures are collected; a child awaiting a
/// shielded task is cancelled, and the shielded task fails after the group has exited,
/// adding nothing: its error stays on the task.
#[test]
fn case_681_group_child_fails_while_group_aborting() {
    type Inner = Task<Result<(), String>>;
    async fn failer(name: String, d: f64) -> Result<(), String> {
        sleep(secs(d)).await;
        log!("{name} fails");
        Err(name)
    }
    async fn shielded(name: &'static str, inners: Rc<RefCell<Vec<Inner>>>) -> Result<(), String> {
        let inner = spawn(failer(format!("{name}.inner"), 0.375)).share();
        inners.borrow_mut().push(inner.clone());
        let i = inner.clone();
        let cancelled =
            Finally::new(move || log!("{name} cancelled, inner done={}", py_bool(i.done())));
        let r = shield_task(inner).await;
        cancelled.disarm();
        r.unwrap()
    }
    assert_matches_cpython("681_group_child_fails_while_group_aborting", async {
        let inners: Rc<RefCell<Vec<Inner>>> = Rc::default();
        let tg: TaskGroup<String> = TaskGroup::new();
        tg.spawn(failer("a".into(), 0.25)).map(drop).unwrap();
        tg.spawn(failer("b".into(), 0.25)).map(drop).unwrap();
        tg.spawn(shielded("c", inners.clone())).map(drop).unwrap();
        if let Err(eg) = tg.join().await {
            log!("group failed with {}", errors(&eg));
        }
        sleep(secs(0.25)).await;
        let r = inners.borrow()[0].result().unwrap().unwrap();
        log!(
            "end, the inner task raised ValueError('{}')",
            r.unwrap_err()
        );
    });
}

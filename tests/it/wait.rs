//! wait and as_completed: return conditions, completion order, and timeouts that cancel
//! nothing.

use std::time::Duration;

use futures::StreamExt;
use simloop::{ReturnWhen, Sim, as_completed, log, sleep, spawn, wait};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn sleeper(d: u64) -> simloop::JoinHandle<u64> {
    spawn(async move {
        sleep(ms(d)).await;
        d
    })
}

#[test]
fn first_completed_returns_when_one_task_ends() {
    let out = Sim::new().run(async {
        let (done, pending) = wait(
            vec![sleeper(30), sleeper(10), sleeper(20)],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        let ids: Vec<u64> = futures::future::join_all(done)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        (ids, pending.len(), simloop::now())
    });
    let (ids, pending, t) = out.result.unwrap();
    assert_eq!((ids, pending), (vec![10], 2));
    assert_eq!(t.to_string(), "10");
}

#[test]
fn first_exception_waits_for_a_panic_not_a_cancellation() {
    let out = Sim::new().run(async {
        let cancelled = sleeper(5);
        cancelled.cancel();
        let boom = spawn(async {
            sleep(ms(20)).await;
            panic!("boom")
        });
        let (done, pending) = wait(
            vec![
                cancelled,
                spawn(async {
                    sleep(ms(50)).await;
                    0
                }),
                boom,
            ],
            ReturnWhen::FirstException,
            None,
        )
        .await;
        (done.len(), pending.len(), simloop::now().to_string())
    });
    assert_eq!(out.result.unwrap(), (2, 1, "20".to_string()));
}

#[test]
fn all_completed_waits_for_every_task() {
    let out = Sim::new().run(async {
        let (done, pending) = wait(
            vec![sleeper(30), sleeper(10)],
            ReturnWhen::AllCompleted,
            None,
        )
        .await;
        (done.len(), pending.len(), simloop::now().to_string())
    });
    assert_eq!(out.result.unwrap(), (2, 0, "30".to_string()));
}

#[test]
fn a_timeout_returns_early_and_cancels_nothing() {
    let out = Sim::new().run(async {
        let (done, pending) = wait(
            vec![sleeper(30), sleeper(10)],
            ReturnWhen::AllCompleted,
            Some(ms(15)),
        )
        .await;
        log!("done {} pending {}", done.len(), pending.len());
        for h in pending {
            log!("pending task finished with {}", h.await.unwrap());
        }
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=15 done 1 pending 1\nt=30 pending task finished with 30\n"
    );
}

#[test]
fn as_completed_yields_in_completion_order() {
    let out = Sim::new().run(async {
        let s = as_completed(vec![sleeper(30), sleeper(10), sleeper(20)], None);
        s.map(|r| r.unwrap().unwrap()).collect::<Vec<_>>().await
    });
    assert_eq!(out.result.unwrap(), [10, 20, 30]);
}

#[test]
fn as_completed_timeout_yields_elapsed_for_each_task_left_which_keeps_running() {
    let out = Sim::new().run(async {
        let mut s = as_completed(vec![sleeper(30), sleeper(10), sleeper(40)], Some(ms(20)));
        while let Some(item) = s.next().await {
            match item {
                Ok(r) => log!("got {}", r.unwrap()),
                Err(e) => log!("{e}"),
            }
        }
        sleep(ms(100)).await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=10 got 10\nt=20 deadline has elapsed\nt=20 deadline has elapsed\n"
    );
    assert_eq!(out.elapsed, ms(120));
}

#[test]
fn as_completed_take_pending_after_the_first_elapsed_ends_the_stream() {
    let out = Sim::new().run(async {
        let mut s = as_completed(vec![sleeper(30), sleeper(40)], Some(ms(20)));
        assert!(s.next().await.unwrap().is_err());
        let left = s.take_pending();
        assert!(s.next().await.is_none());
        let mut values = Vec::new();
        for h in left {
            values.push(h.await.unwrap());
        }
        values
    });
    assert_eq!(out.result.unwrap(), [30, 40]);
}

#[test]
fn wait_and_as_completed_traces() {
    let out = Sim::new().run(async {
        let (done, _) = wait(
            vec![sleeper(20), sleeper(10)],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        log!("wait: {} done", done.len());
        let mut s = as_completed(vec![sleeper(5)], None);
        log!(
            "as_completed: {:?}",
            s.next().await.map(|r| r.unwrap().unwrap())
        );
    });
    out.result.unwrap();
    insta::assert_snapshot!(out.trace.render());
}

/// try_wait(FIRST_EXCEPTION): a task that returns Err ends the wait when it ends; a
/// cancelled task does not (asyncio: a cancelled future is not an exception); plain wait
/// counts only panics.
#[test]
fn try_wait_first_exception_counts_err_values_not_cancellations() {
    let out = Sim::new().run(async {
        let job = |d: u64, ok: bool| {
            spawn(async move {
                sleep(ms(d)).await;
                if ok { Ok(d) } else { Err(d) }
            })
            .share()
        };
        let cancelled = job(5, true);
        cancelled.cancel();
        let tasks = vec![cancelled, job(10, true), job(20, false), job(30, true)];
        let (done, pending) =
            simloop::try_wait(tasks.clone(), ReturnWhen::FirstException, None).await;
        log!("try_wait: {} done, {} pending", done.len(), pending.len());
        let (done, _) = wait(tasks, ReturnWhen::FirstException, None).await;
        log!("wait: {} done", done.len());
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=20 try_wait: 3 done, 1 pending\nt=30 wait: 4 done\n"
    );
}

/// Regression (case 600): `wait` listed a task given twice twice, in `done` or `pending`;
/// asyncio's `wait` takes a set, so it counts once, a promise too, in its first place.
#[test]
fn wait_counts_a_task_or_promise_listed_twice_once() {
    use simloop::sync::Promise;
    let out = Sim::new().run(async {
        let a = sleeper(20).share();
        let b = sleeper(10).share();
        let (done, pending) = wait(
            vec![a.clone(), b.clone(), a.clone(), b.clone()],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        let first = (
            done.iter().map(|t| t.id()).collect::<Vec<_>>(),
            pending.iter().map(|t| t.id()).collect::<Vec<_>>(),
        );
        let p = std::rc::Rc::new(Promise::<u64>::new());
        let q = std::rc::Rc::new(Promise::<u64>::new());
        p.set_result(1).unwrap();
        let (done, pending) = wait(
            vec![p.handle(), q.handle(), p.handle()],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        (first, (a.id(), b.id()), done.len(), pending.len())
    });
    let ((done, pending), (a, b), p_done, p_pending) = out.result.unwrap();
    assert_eq!((done, pending), (vec![b], vec![a]));
    assert_eq!((p_done, p_pending), (1, 1));
}

/// Regression (case 632): `as_completed` yielded a task listed twice twice; asyncio's
/// takes a set, so it is yielded once, and `last_index` names its first place.
#[test]
fn as_completed_yields_a_task_listed_twice_once() {
    let out = Sim::new().run(async {
        let a = sleeper(20).share();
        let b = sleeper(10).share();
        let mut stream = as_completed(vec![a.clone(), b, a], None);
        let mut got = Vec::new();
        while let Some(r) = stream.next().await {
            got.push((r.unwrap().unwrap(), stream.last_index().unwrap()));
        }
        got
    });
    assert_eq!(out.result.unwrap(), [(10, 1), (20, 0)]);
}

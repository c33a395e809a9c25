//! Corners of the queues (cases 309-312, 332, 333 and 341): join with a cancelled worker,
//! several joiners, PriorityQueue ties, a bounded LifoQueue, cancelled getters and putters,
//! the lectures' worker pool with a None sentinel.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::{
    LifoQueue, PriorityQueue, Queue, gather_all_tasks, gather_tasks, log, sleep, spawn, wait_for,
    yield_now,
};

use super::{assert_matches_cpython, py_bool, py_list, secs};
use crate::util::OnDrop;

/// A worker cancelled between get() and task_done() leaves join() waiting; wait_for(join)
/// gives up, and a late task_done() releases it.
#[test]
fn case_309_queue_join_cancelled_worker() {
    async fn worker(q: Rc<Queue<u32>>, name: &'static str) {
        loop {
            let item = q.get().await.unwrap();
            log!("{name} got {item}");
            sleep(secs(1.0)).await;
            q.task_done().unwrap();
            log!("{name} finished {item}");
        }
    }
    assert_matches_cpython("309_queue_join_cancelled_worker", async {
        let q = Rc::new(Queue::new());
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        let a = spawn(worker(q.clone(), "a"));
        let b = spawn(worker(q.clone(), "b"));
        sleep(secs(0.5)).await;
        b.cancel();
        if wait_for(secs(2.0), q.join()).await.is_err() {
            log!(
                "join timed out, unfinished={} qsize={}",
                q.unfinished_tasks(),
                q.qsize()
            );
        }
        q.task_done().unwrap();
        q.join().await;
        log!("joined after the extra task_done");
        a.cancel();
        gather_all_tasks(vec![a, b]).await;
    });
}

/// Several tasks wait on join(); the last task_done() wakes them all in the order they
/// joined.
#[test]
fn case_310_queue_two_joiners() {
    async fn joiner(q: Rc<Queue<&'static str>>, name: String) {
        log!("{name} joins");
        q.join().await;
        log!("{name} released");
    }
    assert_matches_cpython("310_queue_two_joiners", async {
        let q = Rc::new(Queue::new());
        q.put_nowait("a").unwrap();
        q.put_nowait("b").unwrap();
        let js: Vec<_> = (0..3)
            .map(|i| spawn(joiner(q.clone(), format!("j{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("one done");
        sleep(secs(0.5)).await;
        q.get_nowait().unwrap();
        q.task_done().unwrap();
        log!("two done");
        gather_tasks(js).await.unwrap();
        q.join().await;
        log!("join on an idle queue returns at once");
    });
}

/// PriorityQueue ties on the priority are broken by the next tuple item; waiting getters
/// take the smallest item when they run.
#[test]
fn case_311_priority_queue_ties() {
    type Job = (u32, u32, &'static str);
    async fn getter(q: Rc<PriorityQueue<Job>>, name: String) {
        let (prio, seq, job) = q.get().await.unwrap();
        log!("{name} got {job} (prio {prio}, seq {seq})");
    }
    assert_matches_cpython("311_priority_queue_ties", async {
        let q = Rc::new(PriorityQueue::new());
        let gs: Vec<_> = (0..2)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        yield_now().await;
        q.put_nowait((2, 0, "write")).unwrap();
        q.put_nowait((1, 1, "read")).unwrap();
        q.put_nowait((1, 0, "open")).unwrap();
        log!("put three");
        gather_tasks(gs).await.unwrap();
        for (seq, (prio, job)) in [(3, "z"), (1, "b"), (3, "a"), (1, "a")]
            .into_iter()
            .enumerate()
        {
            q.put_nowait((prio, seq as u32, job)).unwrap();
        }
        let mut order = Vec::new();
        while !q.empty() {
            order.push(format!("'{}'", q.get_nowait().unwrap().2));
        }
        log!("drained {}", py_list(order));
    });
}

/// A bounded LifoQueue: blocked producers are admitted in blocking order, the consumer
/// always takes the newest item.
#[test]
fn case_312_lifo_queue_bounded() {
    async fn producer(q: Rc<LifoQueue<String>>, name: String, items: [String; 2]) {
        for item in items {
            q.put(item.clone()).await.unwrap();
            log!("{name} put {item}");
        }
    }
    assert_matches_cpython("312_lifo_queue_bounded", async {
        let q = Rc::new(LifoQueue::with_maxsize(2));
        let ps: Vec<_> = (0..2)
            .map(|i| {
                let items = [format!("{i}a"), format!("{i}b")];
                spawn(producer(q.clone(), format!("p{i}"), items))
            })
            .collect();
        sleep(secs(0.5)).await;
        log!("full={} qsize={}", py_bool(q.full()), q.qsize());
        let mut got = Vec::new();
        while got.len() < 4 {
            let item = q.get().await.unwrap();
            log!("got {item}");
            got.push(format!("'{item}'"));
            yield_now().await;
        }
        gather_tasks(ps).await.unwrap();
        log!("order {}", py_list(got));
    });
}

/// A getter waiting on an empty Queue is cancelled; a later put wakes the next getter in
/// line.
#[test]
fn case_332_queue_getter_cancelled_before_put() {
    async fn getter(q: Rc<Queue<&'static str>>, name: String) {
        let cancelled = OnDrop::new(format!("{name} cancelled"));
        let item = q.get().await.unwrap();
        cancelled.disarm();
        log!("{name} got {item}");
    }
    assert_matches_cpython("332_queue_getter_cancelled_before_put", async {
        let q = Rc::new(Queue::new());
        let gs: Vec<_> = (0..3)
            .map(|i| spawn(getter(q.clone(), format!("g{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        gs[0].cancel();
        yield_now().await;
        q.put_nowait("x").unwrap();
        log!("put x");
        yield_now().await;
        q.put_nowait("y").unwrap();
        log!("put y");
        gather_all_tasks(gs).await;
        log!("qsize={}", q.qsize());
    });
}

/// A producer blocked on a full Queue is cancelled; a get admits the next blocked producer,
/// and join counts only what was put.
#[test]
fn case_333_queue_blocked_putter_cancelled_join() {
    async fn producer(q: Rc<Queue<String>>, item: String) {
        let cancelled = OnDrop::new(format!("{item} not put"));
        q.put(item.clone()).await.unwrap();
        cancelled.disarm();
        log!("put {item}");
    }
    assert_matches_cpython("333_queue_blocked_putter_cancelled_join", async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait("first".to_string()).unwrap();
        let ps: Vec<_> = (0..3)
            .map(|i| spawn(producer(q.clone(), format!("p{i}"))))
            .collect();
        sleep(secs(0.5)).await;
        ps[0].cancel();
        yield_now().await;
        log!("got {}", q.get_nowait().unwrap());
        q.task_done().unwrap();
        yield_now().await;
        log!("unfinished={} qsize={}", q.unfinished_tasks(), q.qsize());
        log!("got {}", q.get().await.unwrap());
        q.task_done().unwrap();
        log!("got {}", q.get().await.unwrap());
        q.task_done().unwrap();
        q.join().await;
        log!("joined");
        gather_all_tasks(ps).await;
    });
}

/// The lectures' worker pool: workers stop on a None sentinel; the results come back in
/// the order the work ended.
#[test]
fn case_341_queue_sentinel_workers() {
    type Results = Rc<RefCell<Vec<String>>>;
    async fn worker(name: String, q: Rc<Queue<Option<f64>>>, results: Results) {
        loop {
            let Some(job) = q.get().await.unwrap() else {
                log!("{name} stops");
                q.task_done().unwrap();
                break;
            };
            sleep(secs(job)).await;
            results.borrow_mut().push(format!("('{name}', {job})"));
            log!("{name} did {job}");
            q.task_done().unwrap();
        }
    }
    assert_matches_cpython("341_queue_sentinel_workers", async {
        let q = Rc::new(Queue::new());
        let results = Results::default();
        for job in [0.5, 0.25, 0.75, 0.25, 0.5] {
            q.put_nowait(Some(job)).unwrap();
        }
        let workers: Vec<_> = (0..2)
            .map(|i| spawn(worker(format!("w{i}"), q.clone(), results.clone())))
            .collect();
        for _ in &workers {
            q.put_nowait(None).unwrap();
        }
        q.join().await;
        log!("joined: {}", py_list(results.borrow().iter()));
        gather_tasks(workers).await.unwrap();
    });
}

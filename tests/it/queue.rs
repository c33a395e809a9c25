//! Queues: order of items, blocked producers and consumers, task accounting, shutdown.
//!
//! Some orders asserted here were checked against CPython 3.11.7; `tests/cpython_checks/`
//! lists which, with the equivalent asyncio programs and their output.

use std::rc::Rc;

use simloop::sync::{LifoQueue, PriorityQueue, Queue, QueueShutDown, TryGetError, TryPutError};
use simloop::{Sim, log, spawn, yield_now};

#[test]
fn nowait_operations_fail_with_full_and_empty() {
    let q = Queue::with_maxsize(1);
    assert_eq!(q.get_nowait(), Err(TryGetError::Empty));
    q.put_nowait('a').unwrap();
    assert!(q.full());
    assert_eq!(q.put_nowait('b'), Err(TryPutError::Full('b')));
    assert_eq!(q.get_nowait(), Ok('a'));
    assert!(q.empty());
}

#[test]
fn lifo_and_priority_orders() {
    let lifo = LifoQueue::new();
    let prio = PriorityQueue::new();
    for x in [3, 1, 2, 1] {
        lifo.put_nowait(x).unwrap();
        prio.put_nowait(x).unwrap();
    }
    let drain = |f: &dyn Fn() -> Result<i32, TryGetError>| {
        std::iter::from_fn(|| f().ok()).collect::<Vec<_>>()
    };
    assert_eq!(drain(&|| lifo.get_nowait()), [1, 2, 1, 3]);
    assert_eq!(drain(&|| prio.get_nowait()), [1, 1, 2, 3]);
}

#[test]
fn getters_are_served_in_the_order_they_waited() {
    let out = Sim::new().run(async {
        let q = Rc::new(Queue::new());
        let mut hs = Vec::new();
        for name in ["a", "b", "c"] {
            let q = q.clone();
            hs.push(spawn(async move {
                let item: u32 = q.get().await.unwrap();
                log!("{name} got {item}");
            }));
        }
        yield_now().await;
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        for h in hs {
            h.await.unwrap();
        }
    });
    assert_eq!(out.trace.logs(), "t=0 a got 0\nt=0 b got 1\nt=0 c got 2\n");
}

/// A wake-up is a hint, not a hand-off: the running task takes the item before the woken
/// getter runs, and the getter waits again (at the back of the line).
#[test]
fn a_woken_getter_can_lose_the_item_to_the_running_task() {
    let out = Sim::new().run(async {
        let q = Rc::new(Queue::new());
        let q2 = q.clone();
        let getter = spawn(async move {
            let item = q2.get().await.unwrap();
            log!("getter got {item}");
        });
        yield_now().await;
        q.put_nowait(1).unwrap(); // wakes the getter...
        log!("main took {}", q.get_nowait().unwrap()); // ...but main takes the item
        yield_now().await; // the getter runs, finds nothing, waits again
        assert!(!getter.is_finished());
        q.put_nowait(2).unwrap();
        getter.await.unwrap();
    });
    assert_eq!(out.trace.logs(), "t=0 main took 1\nt=0 getter got 2\n");
}

/// A getter woken for an item and cancelled before it runs passes the wake-up on.
#[test]
fn a_cancelled_woken_getter_passes_the_wake_up_on() {
    let out = Sim::new().run(async {
        let q = Rc::new(Queue::new());
        let mut hs = Vec::new();
        for name in ["a", "b"] {
            let q = q.clone();
            hs.push(spawn(async move {
                let item: u32 = q.get().await.unwrap();
                log!("{name} got {item}");
            }));
        }
        yield_now().await;
        q.put_nowait(7).unwrap(); // wakes a
        hs[0].cancel(); // a is dropped at its turn and wakes b
        for h in hs {
            let _ = h.await;
        }
        q.qsize()
    });
    assert_eq!(out.result.unwrap(), 0);
    assert_eq!(out.trace.logs(), "t=0 b got 7\n");
}

#[test]
fn join_waits_for_every_task_done_and_extra_task_done_is_an_error() {
    let out = Sim::new().run(async {
        let q = Rc::new(Queue::new());
        for i in 0..3 {
            q.put_nowait(i).unwrap();
        }
        let q2 = q.clone();
        let worker = spawn(async move {
            while let Ok(i) = q2.get_nowait() {
                yield_now().await;
                log!("done {i}");
                q2.task_done().unwrap();
            }
        });
        q.join().await;
        log!("joined");
        worker.await.unwrap();
        q.task_done().unwrap_err().to_string()
    });
    assert_eq!(out.result.unwrap(), "task_done() called too many times");
    assert_eq!(
        out.trace.logs(),
        "t=0 done 0\nt=0 done 1\nt=0 done 2\nt=0 joined\n"
    );
}

#[test]
fn shutdown_drains_then_fails_getters_and_returns_items_to_putters() {
    let out = Sim::new().run(async {
        let q = Rc::new(Queue::with_maxsize(1));
        q.put_nowait(1).unwrap();
        let q2 = q.clone();
        let putter = spawn(async move { q2.put(2).await });
        yield_now().await; // the putter blocks: the queue is full
        q.shutdown(false);
        assert_eq!(putter.await.unwrap(), Err(QueueShutDown(2)));
        assert_eq!(q.put_nowait(3), Err(TryPutError::ShutDown(3)));
        assert_eq!(q.get().await, Ok(1), "draining shutdown keeps queued items");
        assert_eq!(q.get().await, Err(QueueShutDown(())));
        assert_eq!(q.get_nowait(), Err(TryGetError::ShutDown));
    });
    out.unwrap();
}

#[test]
fn immediate_shutdown_drops_items_counts_them_done_and_wakes_getters() {
    let out = Sim::new().run(async {
        let q: Rc<Queue<u32>> = Rc::new(Queue::new());
        q.put_nowait(5).unwrap();
        q.put_nowait(6).unwrap();
        let q2 = q.clone();
        let joiner = spawn(async move {
            q2.join().await;
            log!("joined");
        });
        yield_now().await; // the joiner waits for 2 task_done calls
        assert_eq!(q.get_nowait(), Ok(5));
        q.shutdown(true); // drops 6 and counts it done
        log!(
            "shut down, qsize={} unfinished={}",
            q.qsize(),
            q.unfinished_tasks()
        );
        q.task_done().unwrap(); // for 5: now join returns
        joiner.await.unwrap();

        let empty: Rc<Queue<u32>> = Rc::new(Queue::new());
        let e = empty.clone();
        let getter = spawn(async move { e.get().await });
        yield_now().await;
        empty.shutdown(true);
        getter.await.unwrap()
    });
    assert_eq!(out.result.unwrap(), Err(QueueShutDown(())));
    assert_eq!(
        out.trace.logs(),
        "t=0 shut down, qsize=0 unfinished=1\nt=0 joined\n"
    );
}

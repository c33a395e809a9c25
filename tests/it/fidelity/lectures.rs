//! Programs in the lectures' own style: futures set by tasks, display_date loops, async
//! generators, fifty fetches through a semaphore, events and conditions between tasks
//! (cases 148-156).

use std::cell::Cell;
use std::rc::Rc;

use futures::StreamExt;
use simloop::task::{self, TaskState};
use simloop::{
    Condition, Event, Promise, ReturnWhen, Semaphore, Task, TaskGroup, gather, gather_all_tasks,
    gather_tasks, log, now, sleep, spawn, timeout, wait, wait_for, yield_now,
};

use super::{assert_matches_cpython, py_bool, secs};
use crate::util::OnDrop;

/// Python's `repr` of a list of strings.
fn py_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// How many tasks have not finished: asyncio's `len(asyncio.all_tasks())`.
fn alive() -> usize {
    task::all_tasks()
        .iter()
        .filter(|t| {
            matches!(
                t.state,
                TaskState::Ready | TaskState::Running | TaskState::Waiting
            )
        })
        .count()
}

/// asyncio's name for a task: the one it was given, else `Task-N`.
fn task_name(name: Option<String>, id: simloop::TaskId) -> String {
    name.unwrap_or_else(|| format!("Task-{}", id.get()))
}

/// The lectures' future set by another task; `all_tasks()` counts the unfinished tasks;
/// unnamed tasks are `Task-N`.
#[test]
fn case_148_future_from_task_all_tasks() {
    async fn set_future_result(fut: Rc<Promise<&'static str>>, delay: f64) {
        log!(
            "{} will set the future",
            task_name(task::current_name(), task::current())
        );
        sleep(secs(delay)).await;
        fut.set_result("ready!").unwrap();
        log!("result set");
    }
    assert_matches_cpython("148_future_from_task_all_tasks", async {
        let fut = Rc::new(Promise::new());
        let setter = spawn(set_future_result(fut.clone(), 2.0));
        let other = spawn(sleep(secs(1.0)));
        log!("tasks alive: {}", alive());
        let result = fut.wait().await.unwrap();
        log!(
            "main got {result}, setter done={}",
            py_bool(setter.is_finished())
        );
        log!("tasks alive: {}", alive());
        yield_now().await;
        log!(
            "tasks alive: {}, other was {}",
            alive(),
            task_name(other.name(), other.id())
        );
    });
}

/// The lectures' display_date: loops that print until the clock reaches their end time.
#[test]
fn case_149_display_date_loop_time() {
    async fn display_date(who: u32, step: f64, end: f64) {
        let end_time = now() + secs(end);
        loop {
            log!("loop {who}: tick");
            if now() + secs(step) >= end_time {
                break;
            }
            sleep(secs(step)).await;
        }
        log!("loop {who}: ends");
    }
    assert_matches_cpython("149_display_date_loop_time", async {
        gather([display_date(1, 0.75, 3.0), display_date(2, 0.5, 2.0)])
            .await
            .unwrap();
    });
}

/// An async generator (a stream here) that sleeps between items, consumed with `async for`
/// while another task ticks.
#[test]
fn case_150_async_generator_pipeline() {
    fn numbers(n: u32, delay: f64) -> impl futures::Stream<Item = u32> {
        futures::stream::unfold(0, move |i| async move {
            if i == n {
                return None;
            }
            sleep(secs(delay)).await;
            log!("produce {i}");
            Some((i, i + 1))
        })
    }
    assert_matches_cpython("150_async_generator_pipeline", async {
        let t = spawn(async {
            for i in 0..4 {
                log!("tick {i}");
                sleep(secs(0.5)).await;
            }
        });
        let mut total = 0;
        let mut stream = std::pin::pin!(numbers(3, 0.75));
        while let Some(x) = stream.next().await {
            log!("consume {x}");
            total += x;
        }
        log!("total {total}");
        t.await.unwrap();
    });
}

/// A failed task's exception, read without awaiting and by two awaits; a task that
/// returned has no exception.
#[test]
fn case_151_task_exception() {
    async fn broken(delay: f64) -> Result<(), String> {
        sleep(secs(delay)).await;
        log!("broken raises");
        Err("division by zero".to_string())
    }
    assert_matches_cpython("151_task_exception", async {
        let t = spawn(broken(0.5)).share();
        sleep(secs(1.0)).await;
        if let Some(Ok(Err(e))) = t.result() {
            log!(
                "done={} exception=ZeroDivisionError('{e}')",
                py_bool(t.done())
            );
        }
        for attempt in 0..2 {
            if let Err(e) = t.clone().await.unwrap() {
                log!("await {attempt} raised {e}");
            }
        }
        let ok = spawn(async {
            sleep(secs(0.25)).await;
            "fine"
        })
        .share();
        wait(vec![ok.clone()], ReturnWhen::AllCompleted, None).await;
        log!("ok exception=None result={}", ok.result().unwrap().unwrap());
    });
}

/// The lectures' fifty fetches through Semaphore(10): never more than ten at once.
#[test]
fn case_152_semaphore_fifty_urls() {
    assert_matches_cpython("152_semaphore_fifty_urls", async {
        let sem = Rc::new(Semaphore::new(10));
        let current = Rc::new(Cell::new(0));
        let peak = Rc::new(Cell::new(0));
        let fetches = (0..50u32).map(|i| {
            let (sem, current, peak) = (sem.clone(), current.clone(), peak.clone());
            async move {
                let _permit = sem.acquire().await;
                current.set(current.get() + 1);
                peak.set(peak.get().max(current.get()));
                sleep(secs(f64::from(i % 4 + 1) * 0.25)).await;
                current.set(current.get() - 1);
                if i % 10 == 9 {
                    log!("fetched {i}");
                }
                i
            }
        });
        let results = gather(fetches).await.unwrap();
        log!(
            "{} results, sum {}, peak {}",
            results.len(),
            results.iter().sum::<u32>(),
            peak.get()
        );
    });
}

/// Two tasks hand a ball back and forth with two Events.
#[test]
fn case_153_event_ping_pong() {
    async fn player(name: &'static str, mine: Rc<Event>, theirs: Rc<Event>, rounds: u32) {
        for i in 0..rounds {
            mine.wait().await;
            mine.clear();
            log!("{name} hits {i}");
            sleep(secs(0.25)).await;
            theirs.set();
        }
    }
    assert_matches_cpython("153_event_ping_pong", async {
        let (ping, pong) = (Rc::new(Event::new()), Rc::new(Event::new()));
        let a = spawn(player("ping", ping.clone(), pong.clone(), 3));
        let b = spawn(player("pong", pong.clone(), ping.clone(), 3));
        sleep(secs(0.5)).await;
        log!("serve");
        ping.set();
        gather_tasks(vec![a, b]).await.unwrap();
        log!(
            "ping set={} pong set={}",
            py_bool(ping.is_set()),
            py_bool(pong.is_set())
        );
    });
}

/// A bounded buffer on one Condition: producers wait while it is full, consumers while it
/// is empty, and notify_all wakes everyone to check again. Four sleeps end at t=500, and
/// CPython's timer heap pops them out of arming order (rule 4); simloop's FIFO fires them in
/// arming order, so the reference is CPython's trace with `VCLOCK_TIES=fifo`.
#[test]
fn case_154_condition_bounded_buffer() {
    type Buffer = Rc<Condition<Vec<&'static str>>>;
    async fn producer(cond: Buffer, name: &'static str, items: [&'static str; 3]) {
        for item in items {
            {
                let guard = cond.lock().await;
                let mut buf = cond.wait_for(guard, |b| b.len() < 2).await;
                buf.push(item);
                log!("{name} put {item} -> {}", py_list(&buf));
                cond.notify_all().unwrap();
            }
            sleep(secs(0.25)).await;
        }
    }
    async fn consumer(cond: Buffer, name: &'static str, n: u32) {
        for _ in 0..n {
            {
                let guard = cond.lock().await;
                let mut buf = cond.wait_for(guard, |b| !b.is_empty()).await;
                let item = buf.remove(0);
                log!("{name} took {item}");
                cond.notify_all().unwrap();
            }
            sleep(secs(0.5)).await;
        }
    }
    assert_matches_cpython("154_condition_bounded_buffer.fifo", async {
        let cond: Buffer = Rc::new(Condition::new(Vec::new()));
        let tasks = vec![
            spawn(producer(cond.clone(), "P1", ["a", "b", "c"])),
            spawn(producer(cond.clone(), "P2", ["x", "y", "z"])),
            spawn(consumer(cond.clone(), "C1", 3)),
            spawn(consumer(cond.clone(), "C2", 3)),
        ];
        gather_tasks(tasks).await.unwrap();
        log!("left {}", py_list(&cond.lock().await));
    });
}

/// A TaskGroup child times out inside wait_for and handles it; the group goes on.
#[test]
fn case_155_task_group_wait_for_child() {
    async fn fetch(name: &'static str, delay: f64, limit: f64) -> Result<Option<&'static str>, ()> {
        let slow = async {
            sleep(secs(delay)).await;
            name
        };
        match wait_for(secs(limit), slow).await {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                log!("{name} timed out");
                Ok(None)
            }
        }
    }
    assert_matches_cpython("155_task_group_wait_for_child", async {
        let tg = TaskGroup::new();
        let group = tg.clone();
        let ts = tg
            .scope(async move {
                let ts: Vec<_> = [("a", 0.5), ("b", 2.0), ("c", 0.75)]
                    .into_iter()
                    .map(|(n, d)| group.spawn(fetch(n, d, 1.0)).unwrap())
                    .collect();
                log!("all started");
                Ok(ts)
            })
            .await
            .unwrap();
        let mut results = Vec::new();
        for t in ts {
            results.push(match t.await.unwrap().unwrap() {
                Some(v) => format!("'{v}'"),
                None => "None".to_string(),
            });
        }
        log!("results [{}]", results.join(", "));
    });
}

/// Two callers await one task under different timeouts: the first expiry cancels the
/// task, so the second caller sees the cancellation, not a timeout.
#[test]
fn case_156_two_timeouts_one_task() {
    async fn caller(
        t: Task<&'static str>,
        name: &'static str,
        limit: f64,
    ) -> Result<(), simloop::JoinError> {
        match timeout(secs(limit), t).await {
            Ok(Ok(v)) => log!("{name} got {v}"),
            Ok(Err(e)) => {
                log!("{name}: CancelledError");
                return Err(e);
            }
            Err(_) => log!("{name}: TimeoutError"),
        }
        Ok(())
    }
    assert_matches_cpython("156_two_timeouts_one_task", async {
        let t = spawn(async {
            let guard = OnDrop::new("work cancelled");
            sleep(secs(5.0)).await;
            guard.disarm();
            "done"
        })
        .share();
        let c1 = spawn(caller(t.clone(), "c1", 1.0));
        let c2 = spawn(caller(t.clone(), "c2", 3.0));
        let kinds: Vec<&str> = gather_all_tasks(vec![c1, c2])
            .await
            .into_iter()
            .map(|r| match r {
                Ok(Ok(())) => "'NoneType'",
                _ => "'CancelledError'",
            })
            .collect();
        log!("callers: [{}]", kinds.join(", "));
    });
}

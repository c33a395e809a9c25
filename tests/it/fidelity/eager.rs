//! Eager tasks (asyncio 3.12's `eager_task_factory`), cases 740-752: a task's first step run
//! inside the spawn, through `Sim::eager_tasks` (the factory set for the whole loop) and
//! `task::spawn_eager` (one spawn).

use std::rc::Rc;

use simloop::task::{self, TaskState};
use simloop::{
    Event, JoinError, Lock, Queue, Sim, TaskGroup, gather, gather_all_tasks, gather_tasks, log,
    sleep, spawn, spawn_named, timeout, wait_for, yield_now,
};

use super::{py_bool, py_list, quoted, secs};
use crate::util::{OnDrop, cpython_trace};

/// `assert_matches_cpython` in a run with eager tasks on (`set_task_factory` at main's
/// start).
fn assert_matches_cpython_eager<F: std::future::Future + 'static>(case: &str, program: F) {
    let out = Sim::new().eager_tasks(true).run(program);
    assert!(out.result.is_ok(), "{case}: {:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace(case),
        "{case}: simloop's trace differs from CPython's"
    );
}

/// The running task's name as asyncio prints it: `Task-N` until it is named (the main
/// task, `main` in simloop, is `Task-1`).
fn cur() -> String {
    let id = task::current();
    match task::current_name() {
        Some(name) if id.get() != 1 => name,
        _ => format!("Task-{}", id.get()),
    }
}

#[test]
fn case_740_eager_returns_at_once() {
    async fn child(n: u32) -> u32 {
        log!("child {n} runs, current {}", cur());
        n * 10
    }
    assert_matches_cpython_eager("740_eager_returns_at_once", async {
        log!("main creates c1");
        let t = spawn_named("c1", child(1)).share();
        log!(
            "created c1: done {}, result {}, current {}",
            py_bool(t.done()),
            t.result().unwrap().unwrap(),
            cur()
        );
        let u = spawn_named("c2", child(2));
        log!("created c2: done {}", py_bool(u.is_finished()));
        let (a, b) = (t.await.unwrap(), u.await.unwrap());
        log!("await c1: {a}, await c2: {b}");
        yield_now().await;
        log!("main after sleep(0)");
    });
}

#[test]
fn case_741_eager_suspends_at_first_await() {
    async fn child(n: u32) -> u32 {
        log!("child {n} first step");
        yield_now().await;
        log!("child {n} second step");
        sleep(secs(0.1)).await;
        log!("child {n} after sleep");
        n
    }
    // The factory is set back to None before the third spawn: the per-spawn form.
    super::assert_matches_cpython("741_eager_suspends_at_first_await", async {
        let a = task::spawn_eager(child(1));
        log!("a created, done {}", py_bool(a.is_finished()));
        let b = task::spawn_eager(child(2));
        log!("b created");
        let c = spawn(async {
            log!("lazy first step");
            yield_now().await;
            log!("lazy second step");
        });
        log!("lazy created (not eager)");
        yield_now().await;
        log!("main after sleep(0)");
        let (ra, rb) = (a.await.unwrap(), b.await.unwrap());
        log!("results {ra} {rb}");
        c.await.unwrap();
    });
}

#[test]
fn case_742_eager_raises_at_once() {
    async fn bad() -> Result<(), String> {
        log!("bad runs");
        Err("ValueError('boom')".into())
    }
    async fn later() -> Result<(), String> {
        log!("later runs");
        yield_now().await;
        log!("later raises");
        Err("KeyError('k')".into())
    }
    assert_matches_cpython_eager("742_eager_raises_at_once", async {
        let t = spawn(bad()).share();
        let e = t.result().unwrap().unwrap().unwrap_err();
        log!("bad created: done {}, exception {e}", py_bool(t.done()));
        let u = spawn(later());
        log!("later created: done {}", py_bool(u.is_finished()));
        if let Err(e) = t.await.unwrap() {
            log!("await bad raised {e}");
        }
        if let Err(e) = u.await.unwrap() {
            log!("await later raised {e}");
        }
    });
}

#[test]
fn case_743_eager_nested_spawns() {
    async fn leaf(name: &'static str) -> &'static str {
        log!("{name} first step, current {}", cur());
        yield_now().await;
        log!("{name} resumes, current {}", cur());
        name
    }
    async fn quick(name: &'static str) -> &'static str {
        log!("{name} runs, current {}", cur());
        name
    }
    async fn middle() -> &'static str {
        log!("middle starts, current {}", cur());
        let q = spawn_named("quick", quick("quick"));
        log!(
            "middle after quick, done {}, current {}",
            py_bool(q.is_finished()),
            cur()
        );
        let t = spawn_named("leaf", leaf("leaf"));
        log!(
            "middle after leaf, done {}, current {}",
            py_bool(t.is_finished()),
            cur()
        );
        let r = t.await.unwrap();
        log!("middle got {r}, current {}", cur());
        "middle"
    }
    assert_matches_cpython_eager("743_eager_nested_spawns", async {
        let m = spawn_named("middle", middle());
        log!(
            "main after middle, done {}, current {}",
            py_bool(m.is_finished()),
            cur()
        );
        log!("main got {}", m.await.unwrap());
    });
}

#[test]
fn case_744_eager_gather_coroutines() {
    async fn child(n: u32, pause: bool) -> u32 {
        log!("child {n} first step");
        if pause {
            yield_now().await;
            log!("child {n} second step");
        }
        n
    }
    assert_matches_cpython_eager("744_eager_gather_coroutines", async {
        log!("before gather");
        let fut = gather([child(1, true), child(2, false), child(3, true)]);
        log!("gather built, done {}", py_bool(fut.done()));
        log!("gather: {}", py_list(fut.await.unwrap()));
        log!("before all-at-once gather");
        let fut = gather([child(4, false), child(5, false)]);
        log!("second gather built, done {}", py_bool(fut.done()));
        log!("gather: {}", py_list(fut.await.unwrap()));
    });
}

#[test]
fn case_745_eager_gather_tasks() {
    async fn slow() -> String {
        log!("slow first step");
        sleep(secs(0.1)).await;
        log!("slow done");
        "slow".into()
    }
    fn raise(message: &str) -> String {
        panic!("{message}")
    }
    assert_matches_cpython_eager("745_eager_gather_tasks", async {
        let a = spawn(async {
            log!("ok 1");
            "1".to_string()
        })
        .share();
        let b = spawn(async {
            log!("bad");
            raise("ValueError('bad')")
        })
        .share();
        let c = spawn(slow()).share();
        log!("tasks created");
        let r = gather_all_tasks(vec![a, b.clone(), c]).await;
        let shown = r.into_iter().map(|x| match x {
            Ok(v) if v == "1" => v,
            Ok(v) => quoted(v),
            Err(JoinError::Panicked { message }) => message,
            Err(e) => e.to_string(),
        });
        log!("gather: {}", py_list(shown));
        let c2 = spawn(slow()).share();
        if let Err(JoinError::Panicked { message }) = gather_tasks(vec![c2.clone(), b]).await {
            log!("gather raised {message}, c2 done {}", py_bool(c2.done()));
        }
        c2.await.unwrap();
        log!("c2 awaited");
    });
}

#[test]
fn case_746_eager_taskgroup_done_at_once() {
    async fn quick(n: u32) -> Result<u32, String> {
        log!("quick {n}");
        Ok(n)
    }
    async fn slow(n: u32) -> Result<u32, String> {
        log!("slow {n} first step");
        sleep(secs(0.1)).await;
        log!("slow {n} done");
        Ok(n)
    }
    assert_matches_cpython_eager("746_eager_taskgroup_done_at_once", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let (a, b, c) = tg
            .scope(async move {
                let a = group.spawn(quick(1)).unwrap().share();
                log!("a created, done {}", py_bool(a.done()));
                let b = group.spawn(slow(2)).unwrap().share();
                log!("b created, done {}", py_bool(b.done()));
                let c = group.spawn(quick(3)).unwrap().share();
                log!("body ends");
                Ok((a, b, c))
            })
            .await
            .unwrap();
        let r = |t: &simloop::Task<Option<u32>>| t.result().unwrap().unwrap().unwrap();
        log!("group exited: {} {} {}", r(&a), r(&b), r(&c));
    });
}

#[test]
fn case_747_eager_taskgroup_child_fails_at_once() {
    assert_matches_cpython_eager("747_eager_taskgroup_child_fails_at_once", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let slow_handle = Rc::new(std::cell::RefCell::new(None));
        let keep = slow_handle.clone();
        let err = tg
            .scope(async move {
                let s = group
                    .spawn(async {
                        log!("slow first step");
                        let guard = OnDrop::new("slow cancelled");
                        sleep(secs(1.0)).await;
                        guard.disarm();
                        Ok(())
                    })
                    .unwrap()
                    .share();
                *keep.borrow_mut() = Some(s.clone());
                log!("slow created");
                let b = group.spawn(async {
                    log!("bad runs");
                    Err::<(), _>("ValueError('bad')".to_string())
                });
                let done = b.as_ref().map_or(true, |b| b.is_finished());
                log!(
                    "bad created, done {}, slow cancelling {}",
                    py_bool(done),
                    s.cancelling()
                );
                let _body = OnDrop::new("body cancelled");
                sleep(secs(0.5)).await;
                log!("body slept");
                Ok(())
            })
            .await
            .unwrap_err();
        let errors: Vec<String> = err
            .failures
            .iter()
            .map(|f| match f {
                simloop::ChildFailure::Error { error, .. } => error.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        log!("group raised ({},)", errors.join(", "));
        let s = slow_handle.borrow().clone().unwrap();
        log!(
            "slow cancelled {}, current cancelling {}",
            py_bool(s.cancelled()),
            task::cancelling()
        );
    });
}

#[test]
fn case_748_eager_done_callbacks() {
    assert_matches_cpython_eager("748_eager_done_callbacks", async {
        task::call_soon(|| log!("call_soon before"));
        let t = spawn(async {
            log!("quick runs");
            task::call_soon(|| log!("call_soon from quick"));
            1
        })
        .share();
        t.add_done_callback(|f| log!("cb1 {}", f.result().unwrap().unwrap()));
        let u = spawn(async {
            log!("slow first step");
            yield_now().await;
            log!("slow ends");
            2
        })
        .share();
        u.add_done_callback(|f| log!("cb slow {}", f.result().unwrap().unwrap()));
        task::call_soon(|| log!("call_soon after"));
        t.add_done_callback(|f| log!("cb2 {}", f.result().unwrap().unwrap()));
        log!("main before sleep");
        yield_now().await;
        log!("main after sleep(0)");
        u.await.unwrap();
        log!("main end");
    });
}

/// The names of the tasks `all_tasks()` lists (those not done), sorted.
fn live_names() -> String {
    let mut names: Vec<String> = task::all_tasks()
        .into_iter()
        .filter(|t| {
            matches!(
                t.state,
                TaskState::Ready | TaskState::Running | TaskState::Waiting
            )
        })
        .map(|t| match t.name {
            Some(n) => n,
            None => format!("Task-{}", t.id.get()),
        })
        .collect();
    names.sort();
    py_list(names.into_iter().map(quoted))
}

#[test]
fn case_749_eager_all_tasks() {
    assert_matches_cpython_eager("749_eager_all_tasks", async {
        let q = spawn_named("quick", async {
            log!("quick sees {}", live_names());
            1
        });
        log!("after quick: {}", live_names());
        let s = spawn_named("slow", async {
            log!("slow sees {}", live_names());
            sleep(secs(0.1)).await;
            log!("slow later sees {}", live_names());
        });
        log!("after slow: {}", live_names());
        s.await.unwrap();
        log!(
            "end: {}, quick done {}",
            live_names(),
            py_bool(q.is_finished())
        );
    });
}

#[test]
fn case_750_eager_cancel_suspended() {
    assert_matches_cpython_eager("750_eager_cancel_suspended", async {
        let q = spawn(async {
            log!("quick runs");
            1
        })
        .share();
        log!(
            "cancel quick: {}, cancelled {}",
            py_bool(q.cancel()),
            py_bool(q.cancelled())
        );
        let w = spawn(async {
            log!("worker first step");
            let guard = OnDrop::new("worker caught CancelledError('stop')");
            sleep(secs(1.0)).await;
            guard.disarm();
        })
        .share();
        log!("cancel worker: {}", py_bool(w.cancel_with("stop")));
        if let Err(JoinError::Cancelled { .. }) = w.clone().await {
            log!("worker cancelled {}", py_bool(w.cancelled()));
        }
    });
}

#[test]
fn case_751_eager_timeouts_in_first_step() {
    async fn bounded_quick() -> &'static str {
        timeout(secs(1.0), async { log!("inside timeout, no await") })
            .await
            .unwrap();
        let r = wait_for(secs(1.0), async { "fast" }).await.unwrap();
        log!("wait_for gave {r}");
        "quick"
    }
    async fn bounded_slow() -> &'static str {
        let r = timeout(secs(0.2), async {
            log!("slow enters timeout");
            sleep(secs(1.0)).await;
        })
        .await;
        if r.is_err() {
            log!("slow timed out");
        }
        if wait_for(secs(0.1), sleep(secs(1.0))).await.is_err() {
            log!("wait_for timed out");
        }
        "slow"
    }
    assert_matches_cpython_eager("751_eager_timeouts_in_first_step", async {
        let q = spawn(bounded_quick());
        log!("quick created, done {}", py_bool(q.is_finished()));
        let s = spawn(bounded_slow());
        log!("slow created, done {}", py_bool(s.is_finished()));
        let (rq, rs) = (q.await.unwrap(), s.await.unwrap());
        log!("results {rq} {rs}");
    });
}

#[test]
fn case_752_eager_lock_event_queue() {
    async fn user(
        name: &'static str,
        lock: Rc<Lock<()>>,
        ev: Rc<Event>,
        q: Rc<Queue<&'static str>>,
    ) -> &'static str {
        {
            let _held = lock.lock().await;
            log!("{name} holds the lock");
        }
        ev.wait().await;
        log!("{name} saw the event");
        let item = q.get().await.unwrap();
        log!("{name} got {item}");
        name
    }
    assert_matches_cpython_eager("752_eager_lock_event_queue", async {
        let lock = Rc::new(Lock::new(()));
        let ev = Rc::new(Event::new());
        let q = Rc::new(Queue::new());
        ev.set();
        q.put_nowait("x").unwrap();
        let a = spawn(user("a", lock.clone(), ev.clone(), q.clone()));
        log!("a created, done {}", py_bool(a.is_finished()));
        ev.clear();
        lock.acquire().await;
        let b = spawn(user("b", lock.clone(), ev.clone(), q.clone()));
        log!("b created, done {}", py_bool(b.is_finished()));
        lock.release().unwrap();
        log!("lock released");
        yield_now().await;
        ev.set();
        log!("event set");
        yield_now().await;
        q.put_nowait("y").unwrap();
        log!("item put");
        log!("b: {}", b.await.unwrap());
        a.await.unwrap();
    });
}

/// 3.12 leaves the group's cancellation of the body's task pending after `__aexit__`'s
/// `uncancel()` brought the count to 0, so the task's next await raises `CancelledError`;
/// simloop follows 3.13, which clears it (as for case 511): checked against `.py313.out`.
#[test]
fn case_753_eager_taskgroup_fails_at_once_body_done() {
    assert_matches_cpython_eager("753_eager_taskgroup_fails_at_once_body_done.py313", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let err = tg
            .scope(async move {
                let b = group
                    .spawn(async {
                        log!("bad runs");
                        Err::<(), _>("ValueError('bad')".to_string())
                    })
                    .unwrap();
                log!(
                    "bad created, done {}, cancelling {}",
                    py_bool(b.is_finished()),
                    task::cancelling()
                );
                Ok(())
            })
            .await
            .unwrap_err();
        assert_eq!(err.failures.len(), 1);
        log!("group raised (ValueError('bad'),)");
        log!("after the group, cancelling {}", task::cancelling());
        match task::catch_cancelled(sleep(secs(0.0))).await {
            Ok(()) => log!("main slept"),
            Err(_) => log!("main cancelled at its next await"),
        }
        sleep(secs(0.5)).await;
        log!("main ends");
    });
}

#[test]
fn case_754_eager_taskgroup_body_raises_after_abort() {
    assert_matches_cpython_eager("754_eager_taskgroup_body_raises_after_abort", async {
        let tg: TaskGroup<String> = TaskGroup::new();
        let group = tg.clone();
        let slow_handle = Rc::new(std::cell::RefCell::new(None));
        let keep = slow_handle.clone();
        let err = tg
            .scope(async move {
                let s = group
                    .spawn(async {
                        log!("slow first step");
                        if let Err(e) = task::catch_cancelled(sleep(secs(1.0))).await {
                            log!("slow cancelled, cancelling {}", task::cancelling());
                            e.reraise::<()>().await;
                        }
                        Ok(())
                    })
                    .unwrap()
                    .share();
                *keep.borrow_mut() = Some(s.clone());
                drop(group.spawn(async {
                    log!("bad runs");
                    Err::<(), _>("ValueError('bad')".to_string())
                }));
                log!("bad created, slow cancelling {}", s.cancelling());
                Err::<(), _>("ValueError('body')".to_string())
            })
            .await
            .unwrap_err();
        let errors: Vec<String> = err
            .failures
            .iter()
            .map(|f| match f {
                simloop::ChildFailure::Error { error, .. } => error.clone(),
                simloop::ChildFailure::Body { error } => error.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        log!("group raised ({})", errors.join(", "));
        let s = slow_handle.borrow().clone().unwrap();
        log!(
            "slow cancelled {}, cancelling {}",
            py_bool(s.cancelled()),
            s.cancelling()
        );
    });
}

/// An eager task created inside `Context::run` runs its first step in its own copy of the
/// entered context, not in the entered one (asyncio's `__eager_start` enters the task's
/// context): what it sets stays its own.
#[test]
fn case_755_eager_task_in_context_run() {
    use simloop::contextvars::{ContextVar, copy_context};
    static V: ContextVar<&'static str> = ContextVar::with_default("v", "default");

    async fn child(tag: &'static str) {
        log!("{tag} sees {}", V.get().unwrap());
        V.set(tag);
        drop(spawn(async {
            log!("grandchild sees {}", V.get().unwrap());
            V.set("grandchild");
        }));
        log!("{tag} after its spawn sees {}", V.get().unwrap());
        yield_now().await;
        log!("{tag} after a step sees {}", V.get().unwrap());
    }
    assert_matches_cpython_eager("755_eager_task_in_context_run", async {
        V.set("main");
        let ctx = copy_context();
        let t = ctx
            .run(|| {
                V.set("ctx");
                let t = spawn(child("a"));
                log!("in ctx after create_task sees {}", V.get().unwrap());
                t
            })
            .unwrap();
        log!(
            "main sees {}, ctx has {}",
            V.get().unwrap(),
            ctx.get(&V).unwrap()
        );
        t.await.unwrap();
        log!(
            "main sees {}, ctx has {}",
            V.get().unwrap(),
            ctx.get(&V).unwrap()
        );
    });
}

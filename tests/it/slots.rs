//! Task slots are reused within a run (issue 18: a spawn-heavy run only grew), while task
//! ids stay the spawn order and every question about an ended task keeps its answer.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use simloop::task::{self, TaskState};
use simloop::{Policy, Sim, spawn, spawn_named, yield_now};

/// Ids count spawns, not slots: the thousandth task is `#1001` whichever slot it took.
#[test]
fn ids_stay_the_spawn_order_when_slots_are_reused() {
    for policy in [Policy::Fifo, Policy::Random] {
        let out = Sim::new().policy(policy).seed(3).run(async {
            let mut last = None;
            for _ in 0..100 {
                let handles: Vec<_> = (0..10)
                    .map(|_| spawn(async { yield_now().await }))
                    .collect();
                for h in handles {
                    last = Some(h.id());
                    h.await.unwrap();
                }
            }
            // Detached tasks give their slots back too.
            for _ in 0..50 {
                drop(spawn(async {}));
                yield_now().await;
            }
            let named = spawn_named("late", async { task::current() });
            (last.unwrap(), named.await.unwrap())
        });
        let (last, named) = out.result.unwrap();
        assert_eq!(last.get(), 1001);
        assert_eq!(named.get(), 1052);
        assert_eq!(out.trace.task_count(), 1052);
        assert_eq!(out.trace.label(named), "#1052 late");
        assert!(out.trace.render().contains("#1 main spawn #1052 late"));
    }
}

/// A task whose slot was released still reports how it ended, to `all_tasks`, to a
/// cancellation and in the run's panic report.
#[test]
fn an_ended_task_keeps_its_answers_after_its_slot_is_reused() {
    let out = Sim::new().run(async {
        let done = spawn(async { 7 });
        let id = done.id();
        assert_eq!(done.await.unwrap(), 7);
        let lost = spawn(async { panic!("unobserved") });
        let lost_id = lost.id();
        drop(lost);
        yield_now().await;
        yield_now().await;
        // New tasks take the released slots.
        let fresh: Vec<_> = (0..4).map(|_| spawn(async {})).collect();
        let states = task::all_tasks();
        assert!(!task::cancel(id), "an ended task cannot be cancelled");
        for h in fresh {
            h.await.unwrap();
        }
        (id, lost_id, states)
    });
    let (id, lost_id, states) = out.result.unwrap();
    let state = |t| states.iter().find(|i| i.id == t).unwrap().state;
    assert_eq!(state(id), TaskState::Returned);
    assert_eq!(state(lost_id), TaskState::Panicked);
    assert_eq!(out.unobserved_panics.len(), 1);
    assert_eq!(out.unobserved_panics[0].task, lost_id);
}

/// Regression (slot reuse): the waker of an ended task wakes nothing, even when a new task
/// lives in its old slot.
#[test]
fn a_stale_waker_does_not_wake_the_slots_next_task() {
    let out = Sim::new().run(async {
        let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
        let k = kept.clone();
        spawn(poll_fn(move |cx| {
            *k.borrow_mut() = Some(cx.waker().clone());
            Poll::Ready(())
        }))
        .await
        .unwrap();
        let polls = Rc::new(Cell::new(0));
        let p = polls.clone();
        let sleeper = spawn(poll_fn(move |_| {
            p.set(p.get() + 1);
            if p.get() == 1 {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        }));
        yield_now().await;
        assert_eq!(polls.get(), 1);
        kept.borrow().as_ref().unwrap().wake_by_ref();
        yield_now().await;
        yield_now().await;
        let after_stale_wake = polls.get();
        task::cancel(sleeper.id());
        let _ = sleeper.await;
        after_stale_wake
    });
    assert_eq!(out.result.unwrap(), 1, "the stale wake polled the new task");
}

/// Regression (the id table's chunks, issue 18 round 7): once every task of a chunk of 256
/// ids ended and gave its slot back, the table keeps only their end states (one array
/// shared by the chunks whose tasks all ended alike). Every task still reports how it
/// ended, in chunks of mixed ends and of uniform ones, and a waker of a task in a
/// compacted chunk wakes nothing, not even the task that took its slot.
#[test]
fn end_states_survive_the_compaction_of_their_ids() {
    for policy in [Policy::Fifo, Policy::Random] {
        let out = Sim::new().policy(policy).seed(5).run(async {
            // #2..#1001: every 7th panics unobserved, every 11th is cancelled, the rest
            // return and are joined (chunks of mixed ends).
            let mut handles = Vec::new();
            for n in 0..1000u32 {
                if n % 7 == 3 {
                    drop(spawn(async { panic!("lost") }));
                } else if n % 11 == 5 {
                    handles.push(spawn(async { std::future::pending::<u32>().await }));
                } else {
                    handles.push(spawn(async move { n }));
                }
            }
            yield_now().await;
            for h in handles {
                if (h.id().get() - 2) % 11 == 5 {
                    assert!(task::cancel(h.id()));
                    assert!(h.await.is_err());
                } else {
                    h.await.unwrap();
                }
            }
            // #1002..#1601 all return (#1025..#1280 fill a chunk that ends alike); #1100
            // keeps its waker.
            let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
            for n in 1002..=1601u32 {
                let k = kept.clone();
                spawn(poll_fn(move |cx| {
                    if n == 1100 {
                        *k.borrow_mut() = Some(cx.waker().clone());
                    }
                    Poll::Ready(n)
                }))
                .await
                .unwrap();
            }
            // A task in a reused slot, then the stale wake.
            let polls = Rc::new(Cell::new(0));
            let p = polls.clone();
            let waiter = spawn(poll_fn(move |_| {
                p.set(p.get() + 1);
                Poll::<()>::Pending
            }));
            yield_now().await;
            kept.borrow().as_ref().unwrap().wake_by_ref();
            yield_now().await;
            yield_now().await;
            let after_stale_wake = polls.get();
            task::cancel(waiter.id());
            let _ = waiter.await;
            (task::all_tasks(), after_stale_wake)
        });
        let (states, after_stale_wake) = out.result.unwrap();
        assert_eq!(
            after_stale_wake, 1,
            "{policy:?}: the stale wake polled a task"
        );
        for info in &states[1..1601] {
            let n = info.id.get() - 2;
            let expected = if info.id.get() > 1001 {
                TaskState::Returned
            } else if n % 7 == 3 {
                TaskState::Panicked
            } else if n % 11 == 5 {
                TaskState::Cancelled
            } else {
                TaskState::Returned
            };
            assert_eq!(info.state, expected, "{policy:?}: task {}", info.id);
        }
        assert_eq!(out.trace.task_count(), 1602, "{policy:?}");
    }
}

/// Regression (issue 18 round 10, ids that name their slot): a sleep's timer that outlives
/// its task (the sleep leaked) fires after the task's slot went to another task, and the
/// timer's wake-up must not reach that task; a slab timer (a sleep polled with a foreign
/// waker) likewise.
#[test]
fn a_leaked_sleep_of_an_ended_task_does_not_wake_the_slots_next_task() {
    use std::future::Future;
    use std::time::Duration;
    for policy in [Policy::Fifo, Policy::Random] {
        let out = Sim::new().policy(policy).seed(7).run(async {
            // The first task arms an own sleep (its own waker), the second a slab timer
            // (a waker of its own making); both leak them and end.
            spawn(poll_fn(|cx| {
                let mut sleep = Box::pin(simloop::time::sleep(Duration::from_millis(10)));
                assert!(sleep.as_mut().poll(cx).is_pending());
                std::mem::forget(sleep);
                Poll::Ready(())
            }))
            .await
            .unwrap();
            spawn(poll_fn(|cx| {
                let waker = Waker::from(std::sync::Arc::new(Noop));
                let mut sleep = Box::pin(simloop::time::sleep(Duration::from_millis(10)));
                let _ = cx;
                let mut foreign = std::task::Context::from_waker(&waker);
                assert!(sleep.as_mut().poll(&mut foreign).is_pending());
                std::mem::forget(sleep);
                Poll::Ready(())
            }))
            .await
            .unwrap();
            // Two tasks in the released slots, pending until cancelled.
            let polls = Rc::new(Cell::new(0));
            let waiting: Vec<_> = (0..2)
                .map(|_| {
                    let p = polls.clone();
                    spawn(poll_fn(move |_| {
                        p.set(p.get() + 1);
                        Poll::<()>::Pending
                    }))
                })
                .collect();
            simloop::time::sleep(Duration::from_millis(20)).await;
            let after_timers = polls.get();
            for w in waiting {
                task::cancel(w.id());
                let _ = w.await;
            }
            after_timers
        });
        assert_eq!(
            out.result.unwrap(),
            2,
            "{policy:?}: a stale timer polled a task"
        );
    }
}

/// A waker that does nothing (a foreign waker for a sleep).
struct Noop;

impl std::task::Wake for Noop {
    fn wake(self: std::sync::Arc<Self>) {}
}

/// An id that names no slot (here from `all_tasks`, which lists ids by number) reaches its
/// task through the id table: cancelling a live task by it works.
#[test]
fn an_id_listed_by_number_reaches_its_live_task() {
    let out = Sim::new().run(async {
        let pending = spawn(std::future::pending::<()>());
        yield_now().await;
        let listed = task::all_tasks()
            .into_iter()
            .find(|i| i.id == pending.id())
            .unwrap()
            .id;
        assert!(task::cancel(listed));
        pending.await.is_err()
    });
    assert!(out.result.unwrap());
}

//! Deadlock reports name every blocked task, where it was spawned and what it waits on.
//!
//! Tests that read the waits leave spawn sites out (`Sim::spawn_sites(false)`): a line
//! number in a snapshot or an assertion would change with every edit above it.
//! `a_deadlock_report_names_each_waiting_tasks_spawn_line` reads the sites.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::{JoinHandle, PanicOutput, RunError, Sim, spawn_named, yield_now};

#[test]
fn two_tasks_joining_each_other() {
    let out = Sim::new()
        .spawn_sites(false)
        .run(alice_and_bob_join_each_other());
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    // Reported when bob's wait closes the cycle; main (pending on a future simloop cannot
    // see into) is not part of it.
    assert!(report.partial);
    assert_eq!(report.blocked.len(), 2);
    assert!(text.contains("#2 alice waits on join #3 bob"), "{text}");
    assert!(text.contains("#3 bob waits on join #2 alice"), "{text}");
    assert!(
        text.contains("wait-for cycle: #2 alice -> #3 bob -> #2 alice"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn deadlock_failure_says_how_to_replay() {
    let out = Sim::new()
        .seed(5)
        .run(async { std::future::pending::<()>().await });
    let hint = out.replay_hint();
    assert!(hint.contains("seed: 5  policy: fifo"), "{hint}");
    // Sim::run does not read SIMLOOP_REPLAY, so the hint replays in code (issue 16).
    assert!(
        hint.contains(&format!("Sim::new().replay(&\"{}\"", out.token)),
        "{hint}"
    );
    assert!(!hint.contains("SIMLOOP_REPLAY"), "{hint}");
    let panic =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| out.unwrap())).unwrap_err();
    let msg = panic.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("deadlock at t=0") && msg.contains("replay token: sl3:fifo:5:"),
        "{msg}"
    );
}

/// Combinators register what their caller waits on: gather names its unfinished children,
/// shield and wait name the task they watch.
#[test]
fn combinator_waits_name_the_children() {
    let out = Sim::new().spawn_sites(false).run(async {
        let stuck = || async { std::future::pending::<()>().await };
        let _shielded = spawn_named("shielder", simloop::shield(stuck()));
        let _waiter = spawn_named(
            "waiter",
            simloop::wait(
                vec![simloop::spawn(stuck())],
                simloop::ReturnWhen::AllCompleted,
                None,
            ),
        );
        simloop::gather([stuck(), stuck()]).await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(
        text.contains("#1 main waits on join #6 and join #7"),
        "{text}"
    );
    assert!(
        text.contains("#3 shielder waits on shield held by #2"),
        "{text}"
    );
    assert!(
        text.contains("#5 waiter waits on wait held by #4"),
        "{text}"
    );
}

/// Issue 20: one heartbeat task kept a two-lock deadlock from being seen (the run went on to
/// the step limit after millions of virtual seconds). The cycle is reported when it forms.
#[test]
fn a_lock_cycle_is_reported_while_a_heartbeat_runs() {
    use simloop::sync::Lock;
    use std::time::Duration;
    let out = Sim::new().spawn_sites(false).run(async {
        let _heartbeat = spawn_named("heartbeat", async {
            loop {
                simloop::sleep(Duration::from_secs(1)).await;
            }
        });
        let a = Rc::new(Lock::named("a", ()));
        let b = Rc::new(Lock::named("b", ()));
        let (a1, b1) = (a.clone(), b.clone());
        let alice = spawn_named("alice", async move {
            let _ga = a1.lock().await;
            simloop::sleep(Duration::from_millis(5)).await;
            let _gb = b1.lock().await;
        });
        let bob = spawn_named("bob", async move {
            let _gb = b.lock().await;
            simloop::sleep(Duration::from_millis(5)).await;
            let _ga = a.lock().await;
        });
        alice.await.unwrap();
        bob.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    assert!(report.partial);
    assert_eq!(out.elapsed, std::time::Duration::from_millis(5));
    let text = report.to_string();
    assert!(
        text.starts_with("deadlock at t=5: 2 tasks wait on each other"),
        "{text}"
    );
    assert!(
        text.contains("#3 alice waits on Lock 'b' held by #4 bob"),
        "{text}"
    );
    assert!(
        text.contains("wait-for cycle: #3 alice -> #4 bob -> #3 alice"),
        "{text}"
    );
    assert!(!text.contains("heartbeat"), "{text}");
}

/// A cycle one of whose tasks has a timeout pending is not a deadlock: the timeout breaks it.
#[test]
fn a_cycle_with_a_pending_timeout_is_not_a_deadlock() {
    use simloop::sync::Lock;
    use std::time::Duration;
    let out = Sim::new().run(async {
        let a = Rc::new(Lock::named("a", ()));
        let b = Rc::new(Lock::named("b", ()));
        let (a1, b1) = (a.clone(), b.clone());
        let alice = spawn_named("alice", async move {
            let _ga = a1.lock().await;
            yield_now().await;
            simloop::wait_for(Duration::from_secs(2), b1.lock())
                .await
                .is_err()
        });
        let bob = spawn_named("bob", async move {
            let _gb = b.lock().await;
            yield_now().await;
            let _ga = a.lock().await;
            true
        });
        (alice.await.unwrap(), bob.await.unwrap())
    });
    assert_eq!(out.result.unwrap(), (true, true));
    assert_eq!(out.elapsed, std::time::Duration::from_secs(2));
}

/// Waiting on a lock held by a sleeping task is no deadlock, and a semaphore that nobody
/// holds (released by a producer, say) never counts as a wait on other tasks.
#[test]
fn waits_on_sleepers_and_unheld_primitives_are_not_deadlocks() {
    use simloop::sync::{Lock, Semaphore};
    use std::time::Duration;
    let out = Sim::new().run(async {
        let lock = Rc::new(Lock::named("l", ()));
        let sem = Rc::new(Semaphore::named("signal", 0));
        let (l1, s1) = (lock.clone(), sem.clone());
        let sleeper = spawn_named("sleeper", async move {
            let _g = l1.lock().await;
            simloop::sleep(Duration::from_secs(1)).await;
        });
        let consumer = spawn_named("consumer", async move {
            s1.acquire().await.forget();
        });
        yield_now().await;
        let _g = lock.lock().await;
        sem.release();
        sleeper.await.unwrap();
        consumer.await.unwrap();
    });
    assert!(out.result.is_ok(), "{:?}", out.result);
}

/// A chain of ten thousand tasks each awaiting the next, ending in a cycle: the search is
/// iterative, so the report does not overflow the stack.
#[test]
fn a_long_join_chain_into_a_cycle_is_reported_without_overflow() {
    type Slot = Rc<RefCell<Option<JoinHandle<()>>>>;
    let out = Sim::new().trace(simloop::TraceLevel::Off).run(async {
        let slots: Vec<Slot> = (0..10_000).map(|_| Rc::default()).collect();
        let mut handles = Vec::new();
        for i in 0..slots.len() {
            let next = slots[(i + 1) % slots.len()].clone();
            handles.push(simloop::spawn(async move {
                yield_now().await;
                let h = next.borrow_mut().take().unwrap();
                h.await.unwrap();
            }));
        }
        for (slot, h) in slots.iter().zip(handles) {
            *slot.borrow_mut() = Some(h);
        }
        std::future::pending::<()>().await;
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    assert_eq!(report.cycle.as_ref().map(Vec::len), Some(10_001));
}

/// Regression: at the end of a deadlocked run, the teardown ended each task without letting go
/// of its awaiters, so dropping a later task's join handle released a slot that still had
/// them and tripped the runtime's slot invariant (a contained panic inside the teardown, so
/// a task "cancelled at run end" ended as panicked instead).
#[test]
fn teardown_after_a_deadlock_ends_every_task_cancelled() {
    count_panics_on_this_thread();
    // `Full` hands every contained panic to the hook installed before, which counts it.
    let out = Sim::new()
        .panic_output(PanicOutput::Full)
        .run(alice_and_bob_join_each_other());
    assert!(matches!(out.result, Err(RunError::Deadlock(_))));
    assert_eq!(
        PANICS_HERE.with(|n| n.get()),
        0,
        "a panic during the run's teardown"
    );
}

thread_local! {
    /// Panics on this thread since the test began, counted by a hook wrapping the one before.
    static PANICS_HERE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Counts this thread's panics (the runtime contains them, so only a hook can see them).
fn count_panics_on_this_thread() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS_HERE.with(|n| n.set(n.get() + 1));
            previous(info);
        }));
    });
    PANICS_HERE.with(|n| n.set(0));
}

/// "alice" and "bob" each await the other's handle, passed in through a shared slot, while
/// the main task waits forever: a join cycle of two tasks.
async fn alice_and_bob_join_each_other() {
    let slot_a: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
    let slot_b: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
    let (sa, sb) = (slot_a.clone(), slot_b.clone());
    let a = spawn_named("alice", async move {
        yield_now().await;
        let other = sb.borrow_mut().take().unwrap();
        other.await.unwrap();
    });
    let b = spawn_named("bob", async move {
        yield_now().await;
        let other = sa.borrow_mut().take().unwrap();
        other.await.unwrap();
    });
    *slot_a.borrow_mut() = Some(a);
    *slot_b.borrow_mut() = Some(b);
    std::future::pending::<()>().await;
}

/// A task renamed with `set_name` (and the main task renamed with
/// `task::set_current_name`) is reported, and labelled in the run's trace, by its new name.
#[test]
fn renamed_tasks_are_reported_by_their_new_name() {
    let out = Sim::new().run(async {
        simloop::task::set_current_name("boss");
        let stuck = spawn_named("before", std::future::pending::<()>());
        stuck.set_name("after");
        let id = stuck.id();
        yield_now().await;
        assert_eq!(stuck.name().as_deref(), Some("after"));
        log_labels(id);
        stuck.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(text.contains("#1 boss waits on join #2 after"), "{text}");
    assert!(!text.contains("before"), "{text}");
    assert_eq!(out.trace.logs(), "t=0 #2 after\n");
}

fn log_labels(id: simloop::TaskId) {
    let name = simloop::task::all_tasks()
        .into_iter()
        .find(|t| t.id == id)
        .and_then(|t| t.name);
    simloop::log!("{id} {}", name.unwrap_or_default());
}

/// Regression (seen in the audit of simloop-tokio, where tokio's `Notify`, channels and
/// join handles are all such futures): the report said "a future that is not a simloop
/// primitive (nothing will wake it)", which tells a user who never read simloop's code
/// neither what the task waits on nor why it is stuck.
#[test]
fn a_task_pending_on_a_foreign_future_is_described_in_a_users_words() {
    let out = Sim::new().run(async { std::future::pending::<()>().await });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(
        text.contains(
            "#1 main waits on a future simloop cannot see into (another library's channel, lock, Notify or join handle), which nothing left in the run will wake"
        ),
        "{text}"
    );
}

/// A deadlock report says where each waiting task was spawned, the place of its `spawn`
/// call (through `#[track_caller]`), so that `#3` can be found in the code; the main task,
/// which no `spawn` made, has none. `Sim::spawn_sites(false)` leaves them out.
#[test]
fn a_deadlock_report_names_each_waiting_tasks_spawn_line() {
    let program = || async {
        let (stuck, at_stuck) = (spawn_named("stuck", std::future::pending::<()>()), line!());
        let (_other, at_other) = (simloop::spawn(std::future::pending::<()>()), line!());
        SITES.with(|s| s.set((at_stuck, at_other)));
        stuck.await.unwrap();
    };
    let out = Sim::new().run(program());
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let (at_stuck, at_other) = SITES.with(|s| s.get());
    let text = report.to_string();
    let file = file!();
    assert!(
        text.contains("  #1 main waits on join #2 stuck\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("  #2 stuck (spawned at {file}:{at_stuck}:")),
        "{text}"
    );
    assert!(
        text.contains(&format!("  #3 (spawned at {file}:{at_other}:")),
        "{text}"
    );
    let site = report.blocked[1].spawned_at.expect("#2 has a spawn site");
    assert_eq!((site.file(), site.line()), (file, at_stuck));
    assert_eq!(report.blocked[0].spawned_at, None);

    let out = Sim::new().spawn_sites(false).run(program());
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    assert!(!report.to_string().contains("spawned at"), "{report}");
}

thread_local! {
    /// The lines of the spawn calls of `a_deadlock_report_names_each_waiting_tasks_spawn_line`.
    static SITES: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

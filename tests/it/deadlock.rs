//! Deadlock reports name every blocked task and what it waits on.

use std::cell::RefCell;
use std::rc::Rc;

use simloop::{JoinHandle, RunError, Sim, spawn_named, yield_now};

#[test]
fn two_tasks_joining_each_other() {
    let out = Sim::new().run(async {
        // Each task awaits the other's handle, passed in through a shared slot.
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
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert_eq!(report.blocked.len(), 3);
    assert!(text.contains("#2 alice waits on join #3 bob"), "{text}");
    assert!(text.contains("#3 bob waits on join #2 alice"), "{text}");
    assert!(
        text.contains("wait-for cycle: #2 alice -> #3 bob -> #2 alice"),
        "{text}"
    );
    assert!(
        text.contains("#1 main waits on a future that is not a simloop primitive"),
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
    assert!(
        hint.contains(&format!("SIMLOOP_REPLAY={} cargo test", out.token)),
        "{hint}"
    );
    let panic =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| out.unwrap())).unwrap_err();
    let msg = panic.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("deadlock at t=0") && msg.contains("replay token: sl1:fifo:5:"),
        "{msg}"
    );
}

/// Combinators register what their caller waits on: gather names its unfinished children,
/// shield and wait name the task they watch.
#[test]
fn combinator_waits_name_the_children() {
    let out = Sim::new().run(async {
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

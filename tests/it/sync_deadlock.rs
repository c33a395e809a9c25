//! Deadlocks on synchronisation primitives: the report names each primitive, its holder and
//! the wait-for cycle through them. Spawn sites are left out (`Sim::spawn_sites(false)`):
//! their line numbers would change with every edit above them (`deadlock.rs` reads them).

use std::rc::Rc;

use simloop::sync::{Lock, Queue, Semaphore};
use simloop::{RunError, Sim, spawn_named, yield_now};

#[test]
fn lock_order_inversion_names_each_lock_and_its_holder() {
    let out = Sim::new().seed(3).spawn_sites(false).run(async {
        let a = Rc::new(Lock::named("a", ()));
        let b = Rc::new(Lock::named("b", ()));
        let (a1, b1, a2, b2) = (a.clone(), b.clone(), a, b);
        let alice = spawn_named("alice", async move {
            let _ga = a1.lock().await;
            yield_now().await;
            let _gb = b1.lock().await;
        });
        let bob = spawn_named("bob", async move {
            let _gb = b2.lock().await;
            yield_now().await;
            let _ga = a2.lock().await;
        });
        alice.await.unwrap();
        bob.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(
        text.contains("#2 alice waits on Lock 'b' held by #3 bob"),
        "{text}"
    );
    assert!(
        text.contains("#3 bob waits on Lock 'a' held by #2 alice"),
        "{text}"
    );
    assert!(
        text.contains("wait-for cycle: #2 alice -> #3 bob -> #2 alice"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn semaphore_and_queue_waits_are_described() {
    // main holds the permit and awaits the waiter: a cycle, reported when it forms, which
    // leaves out the reader (any task could still put an item in its queue).
    let out = Sim::new().spawn_sites(false).run(async {
        let sem = Rc::new(Semaphore::named("pool", 1));
        let q: Rc<Queue<u8>> = Rc::new(Queue::named("inbox", 0));
        let s = sem.clone();
        let _permit = sem.acquire().await;
        let q2 = q.clone();
        let reader = spawn_named("reader", async move {
            q2.get().await.unwrap();
        });
        yield_now().await;
        let waiter = spawn_named("waiter", async move {
            let _p = s.acquire().await;
        });
        waiter.await.unwrap();
        reader.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(report.partial, "{text}");
    assert!(
        text.contains("#3 waiter waits on Semaphore 'pool' held by #1 main"),
        "{text}"
    );
    assert!(!text.contains("reader"), "{text}");
    assert!(
        text.contains("wait-for cycle: #1 main -> #3 waiter -> #1 main"),
        "{text}"
    );
    // Waiting on a queue nobody else will fill is a deadlock once nothing can run.
    let out = Sim::new().spawn_sites(false).run(async {
        let q: Rc<Queue<u8>> = Rc::new(Queue::named("inbox", 0));
        let reader = spawn_named("reader", async move {
            q.get().await.unwrap();
        });
        reader.await.unwrap();
    });
    let Err(RunError::Deadlock(report)) = &out.result else {
        panic!("expected a deadlock, got {:?}", out.result)
    };
    let text = report.to_string();
    assert!(!report.partial, "{text}");
    assert!(
        text.contains("#2 reader waits on Queue get 'inbox'"),
        "{text}"
    );
}

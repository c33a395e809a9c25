//! Under `--cfg simloop`: races planted in programs written purely against tokio are found
//! by exploring, shrunk, and replayed by their token.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::simulation::{Explorer, explore, replay};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::time::{Instant, sleep_until, timeout_at};

/// A rate-limited fetcher (one request at a time) whose timeout path forgets to give the
/// permit back. The backend answers exactly at the deadline: whether the answer or the
/// deadline is seen first is a matter of schedule, and when the deadline wins the permit
/// leaks and the next fetch waits forever.
async fn leaky_fetcher() {
    let permits = Arc::new(Semaphore::new(1));
    let (requests, mut inbox) = mpsc::channel::<(Instant, oneshot::Sender<u32>)>(8);
    tokio::spawn(async move {
        while let Some((deadline, reply)) = inbox.recv().await {
            sleep_until(deadline).await;
            let _ = reply.send(7);
        }
    });
    for _ in 0..2 {
        let permit = permits.acquire().await.unwrap();
        permit.forget();
        let deadline = Instant::now() + Duration::from_millis(10);
        let (tx, rx) = oneshot::channel();
        requests.send((deadline, tx)).await.unwrap();
        if timeout_at(deadline, rx).await.is_ok() {
            permits.add_permits(1); // the bug: only on success
        }
    }
}

#[test]
fn a_permit_leaked_on_the_timeout_path_is_found_as_a_deadlock() {
    let report = explore(&Explorer::new().runs(1000), leaky_fetcher);
    let failure = report.failure.expect("the leak is found within 1000 runs");
    assert!(failure.message.contains("deadlock"), "{}", failure.message);
    let shrunk = failure.shrunk.expect("and shrunk");
    let replayed = replay(&shrunk.token, leaky_fetcher);
    let error = replayed.result.expect_err("the replay fails the same way");
    assert!(error.to_string().contains("deadlock"), "{error}");
    // The token is bound to its program (issue 20): replayed against another, it says so.
    let other = replay(&shrunk.token, actor_with_shutdown);
    let error = other.result.expect_err("another program");
    assert!(
        matches!(error, tokio::simulation::simloop::RunError::WrongProgram(_)),
        "{error}"
    );
}

/// An actor that selects between its mailbox and a shutdown signal: when both are ready,
/// the shutdown branch may win and the message sent before it is lost.
async fn actor_with_shutdown() -> Result<(), String> {
    let (tx, mut rx) = mpsc::channel::<u32>(8);
    let (stop, mut stopped) = oneshot::channel::<()>();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let actor = tokio::spawn({
        let seen = seen.clone();
        async move {
            loop {
                tokio::select! {
                    Some(m) = rx.recv() => seen.lock().unwrap().push(m),
                    _ = &mut stopped => break,
                }
            }
        }
    });
    tx.send(1).await.unwrap();
    stop.send(()).unwrap();
    actor.await.unwrap();
    match seen.lock().unwrap().as_slice() {
        [1] => Ok(()),
        other => Err(format!("the actor saw {other:?}: message 1 was lost")),
    }
}

#[test]
fn a_message_lost_to_the_shutdown_branch_is_found() {
    let report = explore(&Explorer::new().runs(1000), actor_with_shutdown);
    let failure = report
        .failure
        .expect("the lost message is found within 1000 runs");
    assert!(failure.message.contains("was lost"), "{}", failure.message);
    let shrunk = failure.shrunk.expect("and shrunk");
    let replayed = replay(&shrunk.token, actor_with_shutdown);
    assert_eq!(
        replayed.result.unwrap(),
        Err("the actor saw []: message 1 was lost".to_string())
    );
}

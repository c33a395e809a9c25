//! Under `--cfg simloop`: races planted in programs written purely against tokio are found
//! by exploring, shrunk, and replayed by their token. The last six are the race bugs of a
//! user's audit of the drop-in (a session cache, a frame reader, a readiness signal, a
//! health monitor, a worker pool's shutdown, a payment with a retry), each found by the
//! random policy and by PCT.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

#[path = "support/frames.rs"]
mod frames;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::simulation::simloop::Policy;
use tokio::simulation::{Explorer, explore, replay};
use tokio::sync::{Notify, RwLock, Semaphore, broadcast, mpsc, oneshot, watch};
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

/// Explores `program` under `policy` (100 runs): some schedule fails with a message holding
/// `expected`, it is shrunk, and its token replays that failure. Returns the runs it took.
fn found_and_replayed<F, T>(policy: Policy, program: fn() -> F, expected: &str) -> u64
where
    F: Future<Output = Result<T, String>> + 'static,
    T: std::fmt::Debug,
{
    let report = explore(&Explorer::new().policy(policy).runs(100), program);
    let failure = report
        .failure
        .unwrap_or_else(|| panic!("{policy} finds no failure in 100 runs"));
    assert!(failure.message.contains(expected), "{}", failure.message);
    let shrunk = failure.shrunk.expect("the failure is shrunk");
    let replayed = replay(&shrunk.token, program);
    let message = match replayed.result {
        Ok(Ok(value)) => panic!("the replay passed: {value:?}"),
        Ok(Err(message)) => message,
        Err(error) => error.to_string(),
    };
    assert!(message.contains(expected), "{message}");
    report.runs
}

/// Both policies find it.
fn found_by_random_and_pct<F, T>(program: fn() -> F, expected: &str)
where
    F: Future<Output = Result<T, String>> + 'static,
    T: std::fmt::Debug,
{
    found_and_replayed(Policy::Random, program, expected);
    found_and_replayed(Policy::Pct { depth: 3 }, program, expected);
}

/// A session cache that checks under a read lock, logs in (a round trip to an auth actor)
/// and inserts under a write lock: a second request that checks before the first inserts
/// logs the user in again.
async fn session_cache() -> Result<(), String> {
    let sessions = Arc::new(RwLock::new(std::collections::BTreeMap::<u32, u64>::new()));
    let (auth, mut logins) = mpsc::channel::<(u32, oneshot::Sender<u64>)>(4);
    let count = Arc::new(Mutex::new(0));
    tokio::spawn({
        let count = count.clone();
        async move {
            while let Some((user, reply)) = logins.recv().await {
                *count.lock().unwrap() += 1;
                let _ = reply.send(u64::from(user) * 1000);
            }
        }
    });
    let token = move |user: u32| {
        let (sessions, auth) = (sessions.clone(), auth.clone());
        async move {
            if let Some(t) = sessions.read().await.get(&user) {
                return *t;
            }
            let (reply, answer) = oneshot::channel();
            auth.send((user, reply)).await.unwrap();
            let t = answer.await.unwrap();
            sessions.write().await.insert(user, t);
            t
        }
    };
    let first = tokio::spawn(token(7));
    // The second request comes a little later: in tokio's order, after the first inserted.
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    let second = tokio::spawn(token(7));
    let (a, b) = (first.await.unwrap(), second.await.unwrap());
    assert_eq!(a, b);
    match *count.lock().unwrap() {
        1 => Ok(()),
        n => Err(format!("user 7 logged in {n} times")),
    }
}

#[test]
fn a_check_then_insert_across_an_await_is_found() {
    found_by_random_and_pct(session_cache, "logged in 2 times");
}

/// A length-prefixed frame reader whose `select!` also answers a stats request: when the
/// request wins while `read_exact` (not cancel safe) has read half a length, that half is
/// lost and the stream is out of sync. The writer sends each frame in two segments.
async fn frame_reader() -> Result<Vec<String>, String> {
    let (client, server) = tokio::io::duplex(64);
    let (stats, requests) = mpsc::channel::<oneshot::Sender<usize>>(4);
    let reader = tokio::spawn(frames::read_frames(server, requests));
    let monitor = tokio::spawn(async move {
        let (reply, answer) = oneshot::channel();
        stats.send(reply).await.unwrap();
        answer.await.unwrap()
    });
    tokio::task::yield_now().await;
    tokio::spawn(async move {
        let mut client = client;
        for message in ["hello", "world"] {
            let mut frame = (message.len() as u32).to_be_bytes().to_vec();
            frame.extend_from_slice(message.as_bytes());
            // A reader that gave up makes the writes fail: the reader's error tells why.
            let _ = client.write_all(&frame[..2]).await;
            tokio::task::yield_now().await;
            let _ = client.write_all(&frame[2..]).await;
        }
    });
    let _ = monitor.await;
    reader.await.unwrap()
}

#[test]
fn a_read_exact_dropped_by_select_is_found() {
    found_by_random_and_pct(frame_reader, "out of sync");
}

/// A readiness signal sent with `Notify::notify_waiters`, which stores no permit: a server
/// that signals before the client waits leaves the client waiting forever.
async fn readiness_signal() -> Result<(), String> {
    let ready = Arc::new(Notify::new());
    let client = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notified().await }
    });
    let server = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notify_waiters() }
    });
    server.await.unwrap();
    client.await.unwrap();
    Ok(())
}

#[test]
fn a_lost_notify_waiters_is_found_as_a_deadlock() {
    found_by_random_and_pct(readiness_signal, "deadlock");
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Starting,
    Ready,
    Serving,
}

/// A health monitor that waits for `Ready` with `changed()` and then looks at the value: a
/// service that moves on to `Serving` before the monitor looked overwrote `Ready` (a watch
/// channel keeps the latest value only), and the monitor waits on.
async fn health_monitor() -> Result<(), String> {
    let (state, mut observed) = watch::channel(State::Starting);
    let (work, mut incoming) = mpsc::channel::<u32>(4);
    let monitor = tokio::spawn(async move {
        loop {
            observed
                .changed()
                .await
                .map_err(|_| "the service is gone")?;
            if *observed.borrow() == State::Ready {
                return Ok::<(), &str>(());
            }
        }
    });
    let _service = tokio::spawn(async move {
        state.send(State::Ready).unwrap();
        work.send(1).await.unwrap();
        tokio::task::yield_now().await;
        state.send(State::Serving).unwrap();
        std::future::pending::<()>().await;
    });
    incoming.recv().await;
    match tokio::time::timeout(Duration::from_secs(1), monitor).await {
        Ok(seen) => seen.unwrap().map_err(String::from),
        Err(_) => Err("the monitor never saw Ready".to_string()),
    }
}

#[test]
fn a_watch_update_overwritten_before_it_is_seen_is_found() {
    found_by_random_and_pct(health_monitor, "never saw Ready");
}

/// A worker pool stopped by a `broadcast` shutdown to which each worker subscribes when it
/// first runs: a shutdown sent before a worker ran is not seen by it, which waits for jobs
/// forever.
async fn worker_pool() -> Result<(), String> {
    let (shutdown, _) = broadcast::channel::<()>(1);
    let mut queues = Vec::new();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (jobs, mut inbox) = mpsc::channel::<u32>(4);
            queues.push(jobs);
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                let mut stop = shutdown.subscribe();
                loop {
                    tokio::select! {
                        Some(_job) = inbox.recv() => {}
                        _ = stop.recv() => return,
                    }
                }
            })
        })
        .collect();
    tokio::task::yield_now().await; // let the workers start
    let _ = shutdown.send(());
    for worker in workers {
        worker.await.unwrap();
    }
    Ok(())
}

#[test]
fn a_shutdown_sent_before_a_worker_subscribed_is_found_as_a_deadlock() {
    found_by_random_and_pct(worker_pool, "deadlock");
}

/// A client that waits for its payment to settle for as long as the bank takes, and pays
/// again on a timeout: when the timeout and the settlement come at the same instant and the
/// client runs first, the payment is charged twice.
async fn payment_with_retry() -> Result<(), String> {
    const LIMIT: Duration = Duration::from_millis(100);
    let balance = Arc::new(Mutex::new(1000));
    type Payment = (u64, oneshot::Sender<()>, oneshot::Sender<()>);
    let (bank, mut payments) = mpsc::channel::<Payment>(4);
    tokio::spawn({
        let balance = balance.clone();
        async move {
            while let Some((amount, accepted, settled)) = payments.recv().await {
                let _ = accepted.send(());
                tokio::time::sleep(LIMIT).await;
                *balance.lock().unwrap() -= amount;
                let _ = settled.send(());
            }
        }
    });
    for _ in 0..2 {
        let (accepted, on_accept) = oneshot::channel();
        let (settled, on_settle) = oneshot::channel();
        bank.send((100, accepted, settled)).await.unwrap();
        on_accept.await.unwrap();
        if tokio::time::timeout(LIMIT, on_settle).await.is_ok() {
            break;
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    match *balance.lock().unwrap() {
        900 => Ok(()),
        left => Err(format!("charged twice: {left} left of 1000")),
    }
}

/// A tokio timeout is a timer its task polls, not a callback that cancels the task, so an
/// answer racing the timeout at the same instant is a race of two tasks: PCT finds it too
/// (README, "PCT and timeouts in tokio code").
#[test]
fn a_timeout_racing_the_answer_at_the_same_instant_is_found_by_pct_too() {
    found_by_random_and_pct(payment_with_retry, "charged twice");
}

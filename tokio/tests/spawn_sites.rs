//! Under `--cfg simloop`: a deadlock report says where each waiting task was spawned, the
//! user's own call, passed through every layer of the drop-in by `#[track_caller]`.
#![cfg(simloop)]

extern crate simloop_tokio as tokio;

use std::sync::Mutex;

use tokio::runtime::Handle;
use tokio::simulation::{Explorer, explore};
use tokio::sync::oneshot;
use tokio::task::{JoinSet, LocalSet};

/// The lines of the spawn calls below, in the order they run, in every run.
static LINES: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn at(line: u32) -> u32 {
    LINES.lock().unwrap().push(line);
    line
}

/// Four tasks that wait forever, spawned by `tokio::spawn`, `JoinSet::spawn`,
/// `Handle::spawn` and `spawn_local` (on a `LocalSet`); the main task waits on the first.
async fn four_stuck_tasks() {
    let stuck = std::future::pending::<()>;
    let (_tx, rx) = oneshot::channel::<()>();
    let (first, _) = (tokio::spawn(async { rx.await.unwrap() }), at(line!()));
    let mut set = JoinSet::new();
    let (_, _) = (set.spawn(stuck()), at(line!()));
    let (_h, _) = (Handle::current().spawn(stuck()), at(line!()));
    let local = LocalSet::new();
    local
        .run_until(async {
            let (_l, _) = (tokio::task::spawn_local(stuck()), at(line!()));
            tokio::task::yield_now().await;
        })
        .await;
    first.await.unwrap();
}

#[test]
fn a_deadlock_report_names_the_users_spawn_line_of_each_waiting_task() {
    let report = explore(&Explorer::new().runs(1), four_stuck_tasks);
    let failure = report.failure.expect("the run deadlocks");
    let text = &failure.message;
    assert!(text.contains("deadlock"), "{text}");
    // The first run's four spawns (shrinking and replaying the failure run it again).
    let lines = LINES.lock().unwrap()[..4].to_vec();
    for (task, line) in (2..).zip(&lines) {
        let site = format!("  #{task} (spawned at {}:{line}:", file!());
        assert!(text.contains(&site), "{site:?} not in:\n{text}");
    }
    // The main task, made by no spawn call, has no site.
    assert!(text.contains("  #1 main waits on"), "{text}");
}

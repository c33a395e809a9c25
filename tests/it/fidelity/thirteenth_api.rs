//! The thirteenth round (695-): asyncio API the earlier rounds had not touched, found by
//! going through asyncio's public API (`tests/conformance/API_COVERAGE.md`): what
//! `current_task()` is between task steps.

use simloop::task::{self, TaskState, call_later, call_soon};
use simloop::{Task, log, sleep, spawn_named, yield_now};

use super::{assert_matches_cpython, py_bool, py_list, secs};

/// What `asyncio.current_task()` prints: `None` between task steps, else the task's name.
fn who(place: &str) {
    let name = match task::try_current() {
        None => "None".to_string(),
        Some(id) => task::current_name().unwrap_or_else(|| format!("Task-{}", id.get())),
    };
    log!("{place}: current_task {name}");
}

/// The names `asyncio.all_tasks()` holds (the tasks not yet done), sorted.
fn live() -> String {
    let mut names: Vec<String> = task::all_tasks()
        .into_iter()
        .filter(|t| {
            matches!(
                t.state,
                TaskState::Running | TaskState::Ready | TaskState::Waiting
            )
        })
        .map(|t| format!("'{}'", t.name.unwrap_or_default()))
        .collect();
    names.sort();
    py_list(names)
}

/// `current_task()` is `None` outside a task step (in `call_soon`, `call_later` and a
/// done-callback) and is the task inside one; `all_tasks()` holds only tasks not yet done:
/// a finished task and a cancelled one drop out once done, a task whose cancellation is
/// queued is still in it until that step runs.
#[test]
fn case_695_current_task_none_in_callbacks_all_tasks() {
    async fn worker(d: f64) -> f64 {
        who("worker step");
        sleep(secs(d)).await;
        d
    }
    assert_matches_cpython("695_current_task_none_in_callbacks_all_tasks", async {
        call_soon(|| who("call_soon"));
        call_later(secs(0.125), || who("call_later"));
        let a: Task<f64> = spawn_named("a", worker(0.25)).share();
        let b: Task<f64> = spawn_named("b", worker(1.0)).share();
        a.add_done_callback(|t| who(&format!("done-callback of {}", t.name().unwrap())));
        log!("live {}", live());
        yield_now().await;
        log!("after one step, live {}", live());
        b.cancel();
        log!(
            "b cancel requested, live {} b done={}",
            live(),
            py_bool(b.done())
        );
        yield_now().await;
        log!(
            "b unwound, live {} b cancelled={}",
            live(),
            py_bool(b.cancelled())
        );
        sleep(secs(0.375)).await;
        log!("a finished, live {} a done={}", live(), py_bool(a.done()));
        who("main");
    });
}

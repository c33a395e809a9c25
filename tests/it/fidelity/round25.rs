//! The differences fixed in round 25 (768-): a TaskGroup's exit leaving an eager child's
//! abort of its task pending.

use simloop::task::{self, catch_cancelled};
use simloop::{ChildFailure, JoinError, Sim, TaskGroup, gather_all_tasks, log, sleep, spawn};

use super::{py_list, secs};
use crate::util::cpython_trace;

/// A task that catches `caught` cancellations without `uncancel()`, then holds a TaskGroup
/// whose eager child fails inside `spawn`, the body ending without awaiting (or raising,
/// when `raises`), then sleeps.
async fn caught_then_group(name: &'static str, caught: u32, raises: bool) {
    for _ in 0..caught {
        if let Err(e) = catch_cancelled(sleep(secs(1.0))).await {
            log!("{name} caught {e}, cancelling {}", task::cancelling());
        }
    }
    let tg: TaskGroup<String> = TaskGroup::new();
    let group = tg.clone();
    let scope = tg.scope(async move {
        group
            .spawn(async move {
                log!("{name} child fails");
                Err::<(), _>(format!("ValueError('{name}')"))
            })
            .map(drop)
            .unwrap();
        log!("{name} body ends, cancelling {}", task::cancelling());
        if raises {
            return Err(format!("KeyError('{name}')"));
        }
        Ok(())
    });
    let err = scope.await.unwrap_err();
    let raised: Vec<String> = err
        .failures
        .into_iter()
        .map(|f| match f {
            ChildFailure::Error { error, .. } | ChildFailure::Body { error } => error,
            other => panic!("{other:?}"),
        })
        .collect();
    let raised = match raised.as_slice() {
        [one] => format!("({one},)"),
        many => format!("({})", many.join(", ")),
    };
    log!(
        "{name} group raised {raised}, cancelling {}",
        task::cancelling()
    );
    match catch_cancelled(sleep(secs(0.25))).await {
        Ok(()) => log!("{name} slept on"),
        Err(e) => {
            log!(
                "{name} next await cancelled {e}, cancelling {}",
                task::cancelling()
            );
            e.reraise::<()>().await;
        }
    }
}

/// An eager TaskGroup child failing inside `spawn` cancels its running task; the body ends
/// without awaiting, and the group's exit uncancels that request, leaving the one the task
/// caught earlier: the abort's cancellation stays pending, so the task's next await is
/// cancelled at once with no message (found by the fuzzer, seed 8400, program 157).
#[test]
fn case_768_eager_group_exit_uncancel_left() {
    let out = Sim::new().eager_tasks(true).run(async {
        for (name, caught, raises) in [("a", 1, false), ("b", 1, true), ("c", 2, false)] {
            let h = spawn(caught_then_group(name, caught, raises)).share();
            for i in 0..caught {
                sleep(secs(0.0)).await;
                h.cancel_with(format!("main{i}"));
            }
            let r = gather_all_tasks(vec![h]).await;
            let shown = r.into_iter().map(|r| match r {
                Err(JoinError::Cancelled { message }) => {
                    format!("CancelledError('{}')", message.unwrap_or_default())
                }
                other => panic!("{other:?}"),
            });
            log!("{name}: {}", py_list(shown));
        }
    });
    assert!(out.result.is_ok(), "{:?}", out.failure());
    assert_eq!(
        out.trace.logs(),
        cpython_trace("768_eager_group_exit_uncancel_left"),
        "simloop's trace differs from CPython's"
    );
}

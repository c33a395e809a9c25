//! The fifth round, TaskGroups and timeouts (case 413): a timeout around a TaskGroup that
//! expires in the pass a child fails.

use simloop::{TaskGroup, log, now, timeout, timeout_scope, yield_now};

use super::mixes_combinators::{failure_names, leaf as child};
use super::{assert_matches_cpython, py_bool, secs};

/// A timeout around a TaskGroup expires in the pass a child fails, the child's timer armed
/// first: the expiry aborts the group, whose failures pass through the timeout (asyncio's
/// ExceptionGroup, no TimeoutError) with `expired()` True. Regression test for the known
/// difference where the timeout dropped the join and returned `Elapsed`. With the
/// timeout's timer armed first, the expiry cancels the failing child before it runs.
#[test]
fn case_413_timeout_around_group_child_fails_at_expiry() {
    assert_matches_cpython("413_timeout_around_group_child_fails_at_expiry", async {
        let scope = timeout_scope(None, |cm| async move {
            let tg = TaskGroup::new();
            tg.spawn(child("a", 1.0, true)).map(drop).unwrap();
            tg.spawn(child("b", 2.0, false)).map(drop).unwrap();
            yield_now().await;
            cm.reschedule(Some(now() + secs(1.0))).unwrap();
            log!("body ends");
            tg.join().await
        });
        let cm = scope.handle();
        match scope.await {
            Err(_) => log!("timed out, expired={}", py_bool(cm.expired())),
            Ok(Err(e)) => log!(
                "group failed {}, expired={}",
                failure_names(&e),
                py_bool(cm.expired())
            ),
            Ok(Ok(())) => log!("never"),
        }
        let scope = timeout(secs(1.0), async {
            let tg = TaskGroup::new();
            tg.spawn(child("c", 1.0, true)).map(drop).unwrap();
            tg.spawn(child("d", 2.0, false)).map(drop).unwrap();
            tg.join().await
        });
        let cm2 = scope.handle();
        match scope.await {
            Err(_) => log!("timed out, expired={}", py_bool(cm2.expired())),
            Ok(Err(e)) => log!(
                "group failed {}, expired={}",
                failure_names(&e),
                py_bool(cm2.expired())
            ),
            Ok(Ok(())) => log!("never"),
        }
        log!("end");
    });
}

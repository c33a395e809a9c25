//! The tenth round, first batch (cases 637-639): asyncio's `remove_done_callback` on a
//! future and on a task, and `Task.set_name`, ported through `DoneCallbackKey` (a key
//! stands for the callback's identity: `add_done_callback_as(&key, ..)` is asyncio's adding
//! the same function again) and `set_name` / `task::set_current_name`.

use simloop::sync::Promise;
use simloop::{log, sleep, spawn_named, task, yield_now};

use super::{assert_matches_cpython, py_bool, secs};

/// `Future.remove_done_callback` removes every registration of the callback and returns
/// how many; the others run in registration order; once the future is done it removes
/// nothing and the queued callbacks run.
#[test]
fn case_637_future_remove_done_callback_counts() {
    assert_matches_cpython("637_future_remove_done_callback_counts", async {
        let fut = Promise::<u8>::new();
        let f = fut.add_done_callback(|r| log!("f sees {}", r.unwrap()));
        fut.add_done_callback(|r| log!("g sees {}", r.unwrap()));
        fut.add_done_callback_as(&f, |r| log!("f sees {}", r.unwrap()));
        let h = fut.add_done_callback(|r| log!("h sees {}", r.unwrap()));
        log!("remove f returns {}", fut.remove_done_callback(&f));
        log!("remove f again returns {}", fut.remove_done_callback(&f));
        fut.set_result(7).unwrap();
        let n = fut.remove_done_callback(&h);
        log!("remove h after set_result returns {n}");
        yield_now().await;
        log!("main after one yield");
        fut.add_done_callback_as(&f, |r| log!("f sees {}", r.unwrap()));
        let n = fut.remove_done_callback(&f);
        log!("remove f on a done future returns {n}");
        yield_now().await;
        log!("end");
    });
}

/// `Task.set_name` renames a task before its first step, while it runs (itself, through
/// `current_task()`) and after it ended; `get_name` and a done-callback read the latest
/// name.
#[test]
fn case_638_task_set_name() {
    assert_matches_cpython("638_task_set_name", async {
        task::set_current_name("boss");
        let t = spawn_named("w", async {
            log!("worker starts as {}", task::current_name().unwrap());
            sleep(secs(0.125)).await;
            task::set_current_name("renamed-by-self");
            log!("worker now {}", task::current_name().unwrap());
            1
        })
        .share();
        t.add_done_callback(|t| log!("callback sees {}", t.name().unwrap()));
        t.set_name("w2");
        log!(
            "main renamed it {} before its first step",
            t.name().unwrap()
        );
        sleep(secs(0.25)).await;
        log!("main sees {} done={}", t.name().unwrap(), py_bool(t.done()));
        t.set_name("after-done");
        log!(
            "renamed after done: {}; main is {}",
            t.name().unwrap(),
            task::current_name().unwrap()
        );
    });
}

/// `Task.remove_done_callback` removes every registration of the callback, wherever it
/// sits among the task's awaiters and other callbacks; the rest are woken in registration
/// order; on a done task it removes nothing.
#[test]
fn case_639_task_remove_done_callback_among_awaiters() {
    assert_matches_cpython("639_task_remove_done_callback_among_awaiters", async {
        let t = spawn_named("work", async {
            sleep(secs(0.125)).await;
            log!("work ends");
            "v"
        })
        .share();
        let a_sees =
            |t: &simloop::Task<&'static str>| log!("a sees {}", t.result().unwrap().unwrap());
        let b_sees =
            |t: &simloop::Task<&'static str>| log!("b sees {}", t.result().unwrap().unwrap());
        let a = t.add_done_callback(a_sees);
        let awaited = t.clone();
        let w = spawn_named("waiter", async move {
            log!("waiter got {}", awaited.await.unwrap());
        });
        yield_now().await;
        let b = t.add_done_callback(b_sees);
        t.add_done_callback_as(&a, a_sees);
        log!("remove a returns {}", t.remove_done_callback(&a));
        log!("remove b returns {}", t.remove_done_callback(&b));
        t.add_done_callback_as(&b, b_sees);
        w.await.unwrap();
        let n = t.remove_done_callback(&b);
        log!("remove b after the end returns {n}");
        log!("end");
    });
}

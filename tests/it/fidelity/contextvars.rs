//! Context variables (760-765): asyncio's `contextvars` rules for tasks, loop callbacks,
//! done-callbacks, `Context.run`, tokens, the combinators' children, `wait_for` on a task
//! and `to_thread`, ported from the public API (`simloop::contextvars`). Traced with
//! CPython 3.11.7.

use std::rc::Rc;
use std::sync::LazyLock;
use std::time::Duration;

use simloop::contextvars::{Context, ContextVar, EnterError, ResetError, copy_context, spawn_in};
use simloop::sync::{Promise, to_thread};
use simloop::task::{call_at, call_later, call_soon};
use simloop::{TaskGroup, gather, log, now, shield, sleep, spawn, wait_for_task, yield_now};

use super::{assert_matches_cpython, py_bool, py_list, quoted, secs};

/// A string variable with a default, as the cases declare them.
fn string_var(name: &str, default: Option<&str>) -> ContextVar<String> {
    ContextVar::named(name, default.map(String::from))
}

/// `var.get()` of a variable that has a default.
fn read(var: &ContextVar<String>) -> String {
    var.get().expect("the variable has a default")
}

/// create_task copies the creator's current context when the task is created; a set in a
/// task is seen by its later steps and by the tasks it creates afterwards, never by its
/// creator or its siblings; a set by the creator after the spawn is not seen by the child.
#[test]
fn case_760_contextvars_create_task_copies_context() {
    static REQUEST: LazyLock<ContextVar<String>> =
        LazyLock::new(|| string_var("request", Some("none")));
    static USER: LazyLock<ContextVar<String>> = LazyLock::new(|| string_var("user", None));

    async fn grandchild(tag: String) {
        log!(
            "{tag}: request={} user={}",
            read(&REQUEST),
            USER.get_or("?".into())
        );
    }
    async fn child(tag: &'static str, value: &'static str, d: f64) {
        log!(
            "{tag} starts: request={} user={}",
            read(&REQUEST),
            USER.get_or("?".into())
        );
        REQUEST.set(value.into());
        sleep(secs(d)).await;
        log!("{tag} after sleep: request={}", read(&REQUEST));
        let g = spawn(grandchild(format!("{tag}.g")));
        REQUEST.set(format!("{value}-late"));
        g.await.unwrap();
        log!("{tag} ends: request={}", read(&REQUEST));
    }
    assert_matches_cpython("760_contextvars_create_task_copies_context", async {
        USER.set("ada".into());
        let a = spawn(child("a", "ra", 0.25));
        REQUEST.set("main-1".into());
        let b = spawn(child("b", "rb", 0.125));
        USER.set("bob".into());
        log!(
            "main after spawns: request={} user={}",
            read(&REQUEST),
            USER.get().unwrap()
        );
        yield_now().await;
        log!("main after one step: request={}", read(&REQUEST));
        a.await.unwrap();
        b.await.unwrap();
        log!(
            "main ends: request={} user={}",
            read(&REQUEST),
            USER.get().unwrap()
        );
    });
}

static VAR: LazyLock<ContextVar<String>> = LazyLock::new(|| string_var("var", Some("unset")));

/// A callback of 761: prints the variable, sets it, prints it again.
fn cb(tag: &str) {
    log!("{tag}: var={}", read(&VAR));
    VAR.set(format!("{tag}-set"));
    log!("{tag}: after its set var={}", read(&VAR));
}

/// loop.call_soon, call_later and call_at run the callback in a copy of the context
/// current when it was registered (what it sets is its own; what the registrant sets
/// afterwards is not seen), or in the context passed as `context=` (here: the callback's
/// body run in it).
#[test]
fn case_761_contextvars_loop_callbacks() {
    async fn worker() {
        VAR.set("worker".into());
        call_soon(|| cb("soon from worker"));
        sleep(secs(0.5)).await;
        log!("worker: var={}", read(&VAR));
    }
    assert_matches_cpython("761_contextvars_loop_callbacks", async {
        call_soon(|| cb("soon-1"));
        VAR.set("main-1".into());
        call_soon(|| cb("soon-2"));
        call_later(secs(0.25), || cb("later"));
        call_at(now() + secs(0.125), || cb("at"));
        let ctx = copy_context();
        VAR.set("main-2".into());
        let c = ctx.clone();
        call_soon(move || c.run(|| cb("soon with context")).unwrap());
        let c = ctx.clone();
        call_later(secs(0.375), move || {
            c.run(|| cb("later with context")).unwrap()
        });
        let w = spawn(worker());
        yield_now().await;
        log!(
            "main: var={} ctx has var={}",
            read(&VAR),
            ctx.get(&*VAR).unwrap()
        );
        w.await.unwrap();
        log!(
            "main: var={} ctx has var={}",
            read(&VAR),
            ctx.get(&*VAR).unwrap()
        );
    });
}

/// add_done_callback on a task and on a future runs the callback in a copy of the
/// context current when it was registered (not the task's own, not the completer's), or
/// in the context passed as `context=`.
#[test]
fn case_762_contextvars_done_callbacks() {
    fn on_done(tag: &str) {
        log!("{tag}: var={}", read(&VAR));
        VAR.set(format!("{tag}-set"));
    }
    async fn job() -> i32 {
        VAR.set("job".into());
        sleep(secs(0.125)).await;
        1
    }
    async fn completer(fut: Rc<Promise<i32>>) {
        VAR.set("completer".into());
        sleep(secs(0.25)).await;
        fut.set_result(2).unwrap();
    }
    assert_matches_cpython("762_contextvars_done_callbacks", async {
        VAR.set("main-1".into());
        let t = spawn(job()).share();
        t.add_done_callback(|_| on_done("task callback"));
        let ctx = copy_context();
        VAR.set("main-2".into());
        let c = ctx.clone();
        t.add_done_callback(move |_| c.run(|| on_done("task callback with context")).unwrap());
        let fut = Rc::new(Promise::<i32>::new());
        fut.add_done_callback(|_| on_done("future callback"));
        let c = spawn(completer(fut.clone()));
        VAR.set("main-3".into());
        t.clone().await.unwrap();
        log!(
            "main after task: var={} ctx var={}",
            read(&VAR),
            ctx.get(&*VAR).unwrap()
        );
        fut.wait().await.unwrap();
        c.await.unwrap();
        yield_now().await;
        log!(
            "main ends: var={} ctx var={}",
            read(&VAR),
            ctx.get(&*VAR).unwrap()
        );
    });
}

/// Python's exception name for each refusal.
trait PyError {
    fn py_name(&self) -> &'static str;
}

impl PyError for EnterError {
    fn py_name(&self) -> &'static str {
        "RuntimeError"
    }
}

impl PyError for ResetError {
    fn py_name(&self) -> &'static str {
        match self {
            ResetError::UsedToken => "RuntimeError",
            _ => "ValueError",
        }
    }
}

/// `attempt` of 763: `ok`, or the exception's name.
fn attempt<E: PyError>(tag: &str, r: Result<(), E>) {
    match r {
        Ok(()) => log!("{tag}: ok"),
        Err(e) => log!("{tag}: {}", e.py_name()),
    }
}

/// Context.run nests and changes only the context it runs in; entering a context already
/// entered (by an enclosing run, or the running task's own, passed to `spawn_in`) is
/// refused; reset restores the previous value or unsets, and refuses a used token,
/// another variable's token and a token from another context.
#[test]
fn case_763_contextvars_run_nests_reset_errors() {
    static A: ContextVar<i64> = ContextVar::with_default("a", 0);
    static B: ContextVar<i64> = ContextVar::new("b");

    fn show(tag: &str) {
        let b = B.get().map_or("-".to_string(), |b| b.to_string());
        log!("{tag}: a={} b={b}", A.get().unwrap());
    }
    async fn own(ctx: Context) {
        A.set(5);
        attempt("task enters its own context", ctx.run(|| show("never")));
        yield_now().await;
        show("task after a step");
    }
    assert_matches_cpython("763_contextvars_run_nests_reset_errors", async {
        let outer = Context::new();
        let inner = Context::new();
        outer
            .run(|| {
                A.set(1);
                show("outer");
                inner
                    .run(|| {
                        A.set(2);
                        show("inner");
                    })
                    .unwrap();
                show("outer again");
                attempt("outer re-entered", outer.run(|| show("never")));
            })
            .unwrap();
        show("main");
        log!(
            "outer a={} inner a={} main has a={}",
            outer.get(&A).unwrap(),
            inner.get(&A).unwrap(),
            py_bool(copy_context().contains(&A))
        );

        let t1 = A.set(10);
        let t2 = A.set(11);
        log!(
            "tokens old: {} {}",
            py_bool(t1.old_value().is_none()),
            t2.old_value().unwrap()
        );
        A.reset(&t2).unwrap();
        show("after reset t2");
        attempt("reset t2 again", A.reset(&t2));
        attempt("reset t1 with b", B.reset(&t1));
        attempt(
            "reset t1 in another context",
            Context::new().run(|| A.reset(&t1)).unwrap(),
        );
        A.reset(&t1).unwrap();
        show("after reset t1");
        let tb = B.set(7);
        show("b set");
        B.reset(&tb).unwrap();
        show("b reset");

        let ctx = copy_context();
        spawn_in(ctx.clone(), own(ctx.clone())).await.unwrap();
        show("main after task");
        log!("ctx a={}", ctx.get(&A).unwrap());
    });
}

/// The tasks gather, shield and TaskGroup's spawn make copy the context current when they
/// are called (gather's children are made inside `gather()`), so a set after the call is
/// not seen by them and their sets are not seen by the caller.
#[test]
fn case_764_contextvars_combinator_children() {
    async fn child(tag: &'static str, d: f64) -> &'static str {
        log!("{tag}: var={}", read(&VAR));
        VAR.set(format!("{tag}-set"));
        if d == 0.0 {
            yield_now().await;
        } else {
            sleep(secs(d)).await;
        }
        log!("{tag} after sleep: var={}", read(&VAR));
        tag
    }
    assert_matches_cpython("764_contextvars_combinator_children", async {
        VAR.set("before gather".into());
        let g = gather([child("g1", 0.125), child("g2", 0.25)]);
        VAR.set("after gather call".into());
        let r = g.await.unwrap();
        log!(
            "gather -> {}, var={}",
            py_list(r.iter().map(quoted)),
            read(&VAR)
        );

        VAR.set("before shield".into());
        let s = shield(child("s", 0.125));
        VAR.set("after shield call".into());
        log!("shield -> {}, var={}", s.await.unwrap(), read(&VAR));

        let tg = TaskGroup::<()>::new();
        let group = tg.clone();
        let (t1, t2) = tg
            .scope(async move {
                VAR.set("before group task".into());
                let t1 = group
                    .spawn(async { Ok(child("tg1", 0.125).await) })
                    .unwrap();
                VAR.set("after group task".into());
                let t2 = group.spawn(async { Ok(child("tg2", 0.0).await) }).unwrap();
                Ok((t1, t2))
            })
            .await
            .unwrap();
        let (r1, r2) = (t1.await.unwrap().unwrap(), t2.await.unwrap().unwrap());
        log!("group -> {r1} {r2}, var={}", read(&VAR));
    });
}

/// wait_for on a task waits for a task that runs in the copy made when it was created;
/// to_thread runs its function in a copy of the caller's context, so what the function
/// sets is not the caller's.
#[test]
fn case_765_contextvars_wait_for_task_to_thread() {
    async fn slow(tag: &'static str, d: f64) -> String {
        log!("{tag}: var={}", read(&VAR));
        VAR.set(format!("{tag}-set"));
        sleep(secs(d)).await;
        read(&VAR)
    }
    assert_matches_cpython("765_contextvars_wait_for_task_to_thread", async {
        VAR.set("main-1".into());
        let mut t = spawn(slow("quick", 0.125));
        VAR.set("main-2".into());
        let r = wait_for_task(secs(1.0), &mut t).await.unwrap().unwrap();
        log!("wait_for quick -> {r}, var={}", read(&VAR));
        let mut t2 = spawn(slow("slow", 1.0));
        assert!(wait_for_task(secs(0.25), &mut t2).await.is_err());
        log!(
            "wait_for slow timed out, var={} cancelled={}",
            read(&VAR),
            py_bool(t2.cancelled())
        );
        VAR.set("main-3".into());
        let seen = to_thread(
            || {
                let seen = read(&VAR);
                VAR.set("thread-set".into());
                seen
            },
            Duration::ZERO,
        )
        .await;
        log!("to_thread -> {seen}, var={}", read(&VAR));
    });
}

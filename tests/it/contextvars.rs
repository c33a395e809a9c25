//! Context variables (`simloop::contextvars`): the error paths, the iteration order, what
//! a run starts with and leaves behind, and the corners the CPython cases (760-765) do
//! not reach.

use std::panic::{AssertUnwindSafe, catch_unwind};

use simloop::contextvars::{Context, ContextVar, ResetError, copy_context, spawn_in, task_context};
use simloop::task::{TaskId, call_soon};
use simloop::{Policy, Sim, log, spawn, yield_now};

static N: ContextVar<u32> = ContextVar::new("n");
static M: ContextVar<u32> = ContextVar::new("m");
static S: ContextVar<&str> = ContextVar::with_default("s", "default");

/// `reset` checks in asyncio's order: a used token first (even of another variable), then
/// the variable, then the context; a refused reset changes nothing.
#[test]
fn reset_refusals_come_in_asyncios_order_and_change_nothing() {
    Context::new()
        .run(|| {
            let token = N.set(1);
            N.set(2);
            assert_eq!(M.reset(&token), Err(ResetError::OtherVar));
            let other = Context::new().run(|| N.reset(&token)).unwrap();
            assert_eq!(other, Err(ResetError::OtherContext));
            assert_eq!(N.get(), Some(2), "refusals changed nothing");
            assert!(!token.is_used());
            assert_eq!(N.reset(&token), Ok(()));
            assert_eq!(N.get(), None, "back to unset");
            assert_eq!(M.reset(&token), Err(ResetError::UsedToken));
            assert_eq!(
                ResetError::OtherContext.to_string(),
                "token was created in a different Context"
            );
        })
        .unwrap();
}

/// A token made in a task is refused in a callback (another context), as in asyncio.
#[test]
fn a_token_from_a_task_is_refused_in_its_callback() {
    let out = Sim::new().run(async {
        let token = N.set(1);
        let refused = std::rc::Rc::new(std::cell::Cell::new(None));
        let r = refused.clone();
        call_soon(move || r.set(Some(N.reset(&token))));
        yield_now().await;
        (refused.get(), N.get())
    });
    assert_eq!(
        out.result.unwrap(),
        (Some(Err(ResetError::OtherContext)), Some(1))
    );
}

/// Entering a context twice is refused, the closure not called; a panic inside `run`
/// leaves the context, which can then be entered again.
#[test]
fn run_refuses_reentry_and_leaves_on_panic() {
    let ctx = Context::new();
    let mut called = false;
    let inner = ctx.run(|| ctx.run(|| called = true).is_err()).unwrap();
    assert!(inner && !called);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        ctx.run(|| {
            N.set(4);
            panic!("boom")
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(ctx.run(|| N.get()).unwrap(), Some(4));
    assert_eq!(N.get(), None, "left: the thread's context is current again");
}

/// A task cannot enter its own context (asyncio enters it for each step); another task
/// can enter it between the owner's steps.
#[test]
fn a_task_cannot_enter_its_own_context() {
    let out = Sim::new().run(async {
        let ctx = Context::new();
        let own = spawn_in(ctx.clone(), {
            let ctx = ctx.clone();
            async move { ctx.run(|| ()).is_err() }
        });
        let other = ctx.run(|| N.set(9)).is_ok();
        (own.await.unwrap(), other, ctx.get(&N))
    });
    assert_eq!(out.result.unwrap(), (true, true, Some(9)));
}

/// Iteration follows the order of first sets; a reset to unset removes a variable and a
/// later set appends it; a copy keeps the order and then goes its own way.
#[test]
fn iteration_follows_the_order_of_first_sets() {
    let names = |ctx: &Context| ctx.iter().map(|(n, _)| n.into_owned()).collect::<Vec<_>>();
    let ctx = Context::new();
    ctx.run(|| {
        let tm = M.set(1);
        N.set(1);
        S.set("x");
        M.set(2);
        assert_eq!(names(&copy_context()), ["m", "n", "s"]);
        let t = M.set(3);
        M.reset(&t).unwrap();
        assert_eq!(tm.old_value(), None);
    })
    .unwrap();
    assert_eq!(names(&ctx), ["m", "n", "s"]);
    let copy = ctx.copy();
    copy.run(|| {
        let t = N.set(5);
        drop(t);
        let tok = S.set("y");
        assert_eq!(tok.old_value(), Some("x"));
    })
    .unwrap();
    assert_eq!((ctx.get(&N), copy.get(&N)), (Some(1), Some(5)));
    let fresh = Context::new();
    fresh
        .run(|| {
            let t = N.set(1);
            M.set(1);
            N.reset(&t).unwrap();
            N.set(2);
        })
        .unwrap();
    assert_eq!(names(&fresh), ["m", "n"]);
    assert_eq!(fresh.len(), 2);
}

/// Each run starts with an empty context, whatever the thread's or the previous run's, and
/// the variables' defaults hold there.
#[test]
fn a_run_starts_empty() {
    let outside = Context::new();
    for _ in 0..2 {
        let out = outside
            .run(|| {
                S.set("outside");
                Sim::new().run(async {
                    let seen = (S.get(), N.get());
                    N.set(1);
                    S.set("run");
                    seen
                })
            })
            .unwrap();
        assert_eq!(out.result.unwrap(), (Some("default"), None));
    }
}

/// A callback registered before any variable was used runs in a context of its own: what
/// it sets is not seen by the next such callback, nor by the task that registered them.
#[test]
fn callbacks_registered_before_any_use_are_isolated() {
    let out = Sim::new().run(async {
        call_soon(|| {
            log!("first sees {:?}", N.get());
            N.set(1);
        });
        call_soon(|| log!("second sees {:?}", N.get()));
        yield_now().await;
        N.get()
    });
    assert_eq!(out.result.unwrap(), None);
    assert_eq!(
        out.trace.logs(),
        "t=0 first sees None\nt=0 second sees None\n"
    );
}

/// A task spawned by a callback copies the callback's context.
#[test]
fn a_task_spawned_by_a_callback_copies_its_context() {
    let out = Sim::new().run(async {
        N.set(3);
        call_soon(|| {
            N.set(4);
            drop(spawn(async { log!("child sees {:?}", N.get()) }));
        });
        yield_now().await;
        yield_now().await;
        N.get()
    });
    assert_eq!(out.result.unwrap(), Some(3));
    assert_eq!(out.trace.logs(), "t=0 child sees Some(4)\n");
}

/// `task_context` is a handle on the task's live context, even one made empty; `None` for
/// an id the run never gave and outside a run.
#[test]
fn task_context_is_a_live_handle() {
    let far: TaskId = Sim::new()
        .run(async {
            let ids: Vec<_> = (0..5).map(|_| spawn(async {}).id()).collect();
            ids[4]
        })
        .result
        .unwrap();
    let out = Sim::new().run(async move {
        let child = spawn(async {
            yield_now().await;
            N.set(8);
        });
        let ctx = task_context(child.id()).unwrap();
        let before = ctx.get(&N);
        child.await.unwrap();
        let main = task_context(simloop::task::current()).is_some();
        (before, ctx.get(&N), main, task_context(far).is_none())
    });
    assert_eq!(out.result.unwrap(), (None, Some(8), true, true));
    assert!(task_context(far).is_none(), "outside a run");
}

/// The same seed gives the same trace under Random with context variables in play.
#[test]
fn runs_with_context_variables_are_deterministic() {
    let program = || async {
        let handles: Vec<_> = (0..8u32)
            .map(|i| {
                spawn(async move {
                    N.set(i);
                    yield_now().await;
                    log!("task {i} sees {:?}", N.get());
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    };
    let a = Sim::new().policy(Policy::Random).seed(7).run(program());
    let b = Sim::new().policy(Policy::Random).seed(7).run(program());
    assert_eq!(a.trace.logs(), b.trace.logs());
    for i in 0..8 {
        assert!(a.trace.logs().contains(&format!("task {i} sees Some({i})")));
    }
}

//! gather and its variants: argument order, the first failure, cancellation, and the extra
//! ready-queue hop of asyncio's outer future.

use std::time::Duration;

use simloop::{
    GatherError, JoinError, Sim, gather, gather_all, log, sleep, spawn, spawn_named, timeout,
    try_gather, yield_now,
};

use crate::util::OnDrop;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn after(delay: u64, name: &'static str) -> &'static str {
    let _g = OnDrop::new(format!("{name} cancelled"));
    sleep(ms(delay)).await;
    _g.disarm();
    log!("{name} done");
    name
}

#[test]
fn children_start_at_call_time_in_argument_order() {
    let out = Sim::new().run(async {
        let g = gather([
            Box::pin(async { log!("first") }) as std::pin::Pin<Box<dyn Future<Output = ()>>>,
            Box::pin(async { log!("second") }),
        ]);
        log!("gather called");
        yield_now().await; // the children run now, before the gather is awaited
        log!("after yield");
        g.await.unwrap();
    });
    assert_eq!(
        out.trace.logs(),
        "t=0 gather called\nt=0 first\nt=0 second\nt=0 after yield\n"
    );
}

#[test]
fn results_come_back_in_argument_order_not_completion_order() {
    let out =
        Sim::new().run(async { gather([after(30, "a"), after(10, "b"), after(20, "c")]).await });
    assert_eq!(out.result.unwrap(), Ok(vec!["a", "b", "c"]));
    assert_eq!(out.trace.logs(), "t=10 b done\nt=20 c done\nt=30 a done\n");
}

/// asyncio rule 5: the gather adds one ready-queue slot between the child's end and the
/// caller's wake (the child's done-callback, then the caller). A direct join does not.
#[test]
fn the_outer_future_costs_one_extra_slot() {
    fn run(through_gather: bool) -> String {
        let out = Sim::new().run(async move {
            let ticker = spawn_named("ticker", async {
                for i in 0..4 {
                    log!("tick {i}");
                    yield_now().await;
                }
            });
            if through_gather {
                gather([async { log!("child") }]).await.unwrap();
            } else {
                spawn(async { log!("child") }).await.unwrap();
            }
            log!("caller resumed");
            ticker.await.unwrap();
        });
        out.trace.logs()
    }
    let (direct, gathered) = (run(false), run(true));
    assert_eq!(
        direct,
        "t=0 tick 0\nt=0 child\nt=0 tick 1\nt=0 caller resumed\nt=0 tick 2\nt=0 tick 3\n"
    );
    assert_eq!(
        gathered,
        "t=0 tick 0\nt=0 child\nt=0 tick 1\nt=0 tick 2\nt=0 caller resumed\nt=0 tick 3\n"
    );
}

/// A gathered child that cannot decide its gather (it returned, and other children are
/// still running) is counted when it ends, with no ready-queue entry: its done-callback
/// would only count it. The last child's callback keeps its slot, and the caller is woken
/// one slot after it. `try_gather`, whose children's values may fail it, queues every
/// child's callback: the same observable order, two steps more for three children.
#[test]
fn children_that_cannot_decide_are_counted_without_a_step() {
    fn run(through_try_gather: bool) -> (String, u64) {
        let out = Sim::new().run(async move {
            let ticker = spawn_named("ticker", async {
                for i in 0..4 {
                    log!("tick {i}");
                    yield_now().await;
                }
            });
            let children = (0..3u32).map(|i| async move {
                log!("child {i}");
                Ok::<u32, ()>(i)
            });
            if through_try_gather {
                assert_eq!(try_gather(children).await.unwrap(), [0, 1, 2]);
            } else {
                assert_eq!(gather(children).await.unwrap(), [Ok(0), Ok(1), Ok(2)]);
            }
            log!("caller resumed");
            ticker.await.unwrap();
        });
        out.result.unwrap();
        (out.trace.logs(), out.stats.steps)
    }
    let (counted, counted_steps) = run(false);
    let (queued, queued_steps) = run(true);
    assert_eq!(
        counted,
        "t=0 tick 0\nt=0 child 0\nt=0 child 1\nt=0 child 2\nt=0 tick 1\nt=0 tick 2\nt=0 caller resumed\nt=0 tick 3\n"
    );
    assert_eq!(queued, counted);
    assert_eq!(queued_steps, counted_steps + 2);
}

#[test]
fn first_failure_propagates_at_once_and_siblings_keep_running() {
    let out = Sim::new().run(async {
        let r = gather([
            Box::pin(after(50, "slow")) as std::pin::Pin<Box<dyn Future<Output = &str>>>,
            Box::pin(async {
                sleep(ms(10)).await;
                panic!("child failed")
            }),
        ])
        .await;
        log!("gather returned: {}", r.unwrap_err());
        sleep(ms(100)).await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=10 gather returned: task panicked: child failed\nt=50 slow done\n"
    );
}

#[test]
fn try_gather_fails_on_the_first_err_and_keeps_the_error_value() {
    let out = Sim::new().run(async {
        let r = try_gather([(30, Ok(1)), (10, Err("ten")), (20, Err("twenty"))].map(
            |(d, v)| async move {
                sleep(ms(d)).await;
                v
            },
        ))
        .await;
        (r, simloop::now().as_nanos() / 1_000_000)
    });
    assert_eq!(out.result.unwrap(), (Err(GatherError::Failed("ten")), 10));
}

#[test]
fn gather_all_collects_every_outcome_in_argument_order() {
    let out = Sim::new().run(async {
        gather_all([0u64, 1, 2].map(|n| async move {
            sleep(ms(30 - 10 * n)).await;
            if n == 1 {
                panic!("one");
            }
            n
        }))
        .await
    });
    let r = out.result.unwrap();
    assert_eq!(r[0], Ok(0));
    assert_eq!(
        r[1],
        Err(JoinError::Panicked {
            message: "one".into()
        })
    );
    assert_eq!(r[2], Ok(2));
}

/// A timeout's expiry over a gather is a cancellation of the gather: its unfinished children
/// are cancelled in argument order, and the caller resumes once the first of them ended, as
/// in CPython 3.12's `wait_for(gather(...), 0.015)` (same trace, times scaled).
#[test]
fn an_expired_gather_cancels_the_children_in_argument_order() {
    let out = Sim::new().run(async {
        let r = timeout(
            ms(15),
            gather([
                after(30, "a"),
                after(10, "b"),
                after(20, "c"),
                after(40, "d"),
            ]),
        )
        .await;
        log!("timed out: {}", r.is_err());
        sleep(ms(100)).await;
    });
    out.result.unwrap();
    assert_eq!(
        out.trace.logs(),
        "t=10 b done\nt=15 a cancelled\nt=15 c cancelled\nt=15 d cancelled\nt=15 timed out: true\n"
    );
}

#[test]
fn cancel_after_completion_returns_false() {
    let out = Sim::new().run(async {
        let g = gather([async { 1 }]);
        yield_now().await;
        yield_now().await;
        yield_now().await;
        let cancelled = g.cancel();
        (cancelled, g.await)
    });
    // The child ended and its done-callback ran: the gather already resolved.
    assert_eq!(out.result.unwrap(), (false, Ok(vec![1])));
}

#[test]
fn empty_gather_is_ready_at_once() {
    let out = Sim::new().run(async {
        let v: Vec<u8> = gather(Vec::<std::future::Ready<u8>>::new()).await.unwrap();
        v
    });
    assert_eq!(out.result.unwrap(), Vec::<u8>::new());
}

/// Full traces: the children start in argument order, each child's end is followed by its
/// done-callback's `loop wake` of the caller, and `cancel()` cancels in argument order.
#[test]
fn gather_traces() {
    let plain = Sim::new().run(async {
        gather([after(20, "a"), after(10, "b")]).await.unwrap();
    });
    plain.result.unwrap();
    insta::assert_snapshot!("gather", plain.trace.render());

    let cancelled = Sim::new().run(async {
        let g = gather([after(20, "a"), after(5, "b"), after(30, "c")]);
        sleep(ms(10)).await;
        g.cancel();
        let _ = g.await;
    });
    cancelled.result.unwrap();
    insta::assert_snapshot!("gather_cancel", cancelled.trace.render());

    let variants = Sim::new().run(async {
        let all = gather_all([after(10, "x"), after(5, "y")]).await;
        let first_err = try_gather([(5, Err("e")), (10, Ok(1))].map(|(d, v)| async move {
            sleep(ms(d)).await;
            v
        }))
        .await;
        log!("{} outcomes; try_gather: {first_err:?}", all.len());
    });
    variants.result.unwrap();
    insta::assert_snapshot!("gather_all_and_try_gather", variants.trace.render());
}

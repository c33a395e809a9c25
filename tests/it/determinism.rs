//! Same seed and policy: byte-identical trace, for every policy (FIFO, random, PCT at
//! several depths, with timer jitter, with tracing off). Replaying the token: the same
//! trace again.
//! The random policy reaches more than one interleaving where several exist.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use proptest::prelude::*;
use simloop::{
    JoinHandle, Policy, RunError, Sim, Token, TraceLevel, log, sleep, spawn_named, yield_now,
};

/// One instruction of a generated program.
#[derive(Clone, Debug)]
enum Op {
    Log,
    Yield,
    Sleep(u8),
    /// Spawn a child running these instructions.
    Spawn(Vec<Op>),
    /// Cancel the most recently spawned child still held.
    CancelLast,
    /// Await the most recently spawned child still held.
    JoinLast,
}

fn op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        Just(Op::Log),
        Just(Op::Yield),
        (0u8..4).prop_map(Op::Sleep),
        Just(Op::CancelLast),
        Just(Op::JoinLast),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            3 => prop::collection::vec(inner.clone(), 0..5).prop_map(Op::Spawn),
            1 => inner,
        ]
    })
}

fn program() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 1..8)
}

fn interpret(ops: Rc<Vec<Op>>, path: String) -> Pin<Box<dyn Future<Output = ()>>> {
    Box::pin(async move {
        let mut children: Vec<JoinHandle<()>> = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Log => log!("{path} op {i}"),
                Op::Yield => yield_now().await,
                Op::Sleep(ms) => sleep(Duration::from_millis(u64::from(*ms) * 5)).await,
                Op::Spawn(body) => {
                    let name = format!("{path}.{i}");
                    children.push(spawn_named(
                        name.clone(),
                        interpret(Rc::new(body.clone()), name),
                    ));
                }
                Op::CancelLast => {
                    if let Some(h) = children.last() {
                        h.cancel();
                    }
                }
                Op::JoinLast => {
                    if let Some(h) = children.pop() {
                        let r = h.await;
                        log!(
                            "{path} joined: {}",
                            if r.is_ok() { "ok" } else { "cancelled" }
                        );
                    }
                }
            }
        }
    })
}

/// Every policy, PCT at three depths.
const POLICIES: [Policy; 5] = [
    Policy::Fifo,
    Policy::Random,
    Policy::Pct { depth: 1 },
    Policy::Pct { depth: 2 },
    Policy::Pct { depth: 3 },
];

fn run(sim: &Sim, ops: &[Op]) -> simloop::Outcome<()> {
    sim.clone()
        .max_steps(100_000)
        .run(interpret(Rc::new(ops.to_vec()), "m".into()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn same_seed_same_policy_same_trace(ops in program(), seed in 0u64..1_000) {
        for policy in POLICIES {
            for sim in [
                Sim::new().seed(seed).policy(policy),
                Sim::new().seed(seed).policy(policy).timer_jitter(Duration::from_millis(3)),
            ] {
                let (a, b) = (run(&sim, &ops), run(&sim, &ops));
                prop_assert_eq!(a.trace.render(), b.trace.render());
                prop_assert_eq!(&a.token, &b.token);
                prop_assert_eq!(a.stats, b.stats);
            }
            // With tracing off the run keeps only its token and counters: those agree too,
            // and with the traced run's.
            let quiet = Sim::new().seed(seed).policy(policy).trace(TraceLevel::Off);
            let traced = run(&Sim::new().seed(seed).policy(policy), &ops);
            let (a, b) = (run(&quiet, &ops), run(&quiet, &ops));
            prop_assert_eq!(&a.token, &b.token);
            prop_assert_eq!(a.stats, b.stats);
            prop_assert_eq!(a.elapsed, traced.elapsed);
            let (q, t) = (a.token.decisions(), traced.token.decisions());
            prop_assert_eq!(q.len(), t.len());
            prop_assert_eq!(q.fingerprint(), t.fingerprint());
            prop_assert_eq!(a.token.deviations(), traced.token.deviations());
        }
    }

    #[test]
    fn replaying_the_token_reproduces_the_trace(ops in program(), seed in 0u64..1_000) {
        for policy in POLICIES {
            let first = run(&Sim::new().seed(seed).policy(policy), &ops);
            let token: Token = first.token.to_string().parse().expect("token round-trips");
            prop_assert_eq!(&token, &first.token);
            let again = run(&Sim::new().replay(&token), &ops);
            let diverged = matches!(again.result, Err(RunError::ReplayDiverged { .. }));
            prop_assert!(!diverged, "replay diverged: {:?}", again.result);
            prop_assert_eq!(first.trace.render(), again.trace.render());
            prop_assert_eq!(&again.token, &first.token);
        }
    }
}

/// Three tasks that each log twice with a yield in between: many interleavings exist.
async fn three_chatty_tasks() {
    let hs: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|n| {
            spawn_named(n, async move {
                log!("{n}1");
                yield_now().await;
                log!("{n}2");
            })
        })
        .collect();
    for h in hs {
        h.await.unwrap();
    }
}

#[test]
fn random_policy_explores_several_interleavings() {
    let fifo = Sim::new().run(three_chatty_tasks()).trace.logs();
    let seen: BTreeSet<String> = (0..50)
        .map(|seed| {
            Sim::new()
                .policy(Policy::Random)
                .seed(seed)
                .run(three_chatty_tasks())
                .trace
                .logs()
        })
        .collect();
    assert!(
        seen.len() >= 5,
        "only {} interleavings in 50 seeds",
        seen.len()
    );
    assert!(seen.iter().any(|s| *s != fifo));
}

#[test]
fn random_policy_trace_is_snapshot_stable() {
    // Pins the random stream itself: a change to the RNG or the pick rule shows up here.
    let out = Sim::new()
        .policy(Policy::Random)
        .seed(7)
        .run(three_chatty_tasks());
    insta::assert_snapshot!(format!("token: {}\n{}", out.token, out.trace.render()));
}

#[test]
fn replay_against_another_program_says_so() {
    let first = Sim::new()
        .policy(Policy::Random)
        .seed(3)
        .run(three_chatty_tasks());
    assert!(!first.token.decisions().is_empty());
    // A different program under the same token: fewer tasks, so fewer entries are ready at
    // the first decision, which lies inside the fingerprint's window.
    let other = Sim::new().replay(&first.token).run(async {
        spawn_named("x", async { yield_now().await }).await.unwrap();
    });
    let Err(RunError::WrongProgram(mismatch)) = other.result else {
        panic!("expected another program, got {:?}", other.result)
    };
    assert_eq!(mismatch.recorded, first.token.program());
}

#[test]
fn malformed_tokens_are_rejected_with_a_clear_error() {
    let good = Sim::new()
        .policy(Policy::Random)
        .seed(3)
        .run(three_chatty_tasks())
        .token
        .to_string();
    let cases = [
        ("", "empty"),
        ("hello", "4"),
        ("sl11:fifo:1:AAAA", "version 'sl11'"),
        ("sl1:fifo:1:AAAA", "older simloop"),
        ("sl2:fifo:1:AAAA", "older simloop"),
        ("sl3:lifo:1:AAAA", "unknown policy 'lifo'"),
        ("sl3:fifo:-1:AAAA", "seed '-1'"),
        ("sl3:fifo:1:!!!!", "not base64"),
        ("sl3:fifo:1:AA", "too short"),
    ];
    for (text, expect) in cases {
        let err = text.parse::<Token>().unwrap_err().to_string();
        assert!(err.contains(expect), "{text:?}: {err}");
    }
    let truncated = &good[..good.len() - 2];
    let err = truncated.parse::<Token>().unwrap_err().to_string();
    assert!(err.contains("checksum") || err.contains("corrupt"), "{err}");
    let reseeded = good.replacen(":3:", ":4:", 1);
    assert!(
        reseeded
            .parse::<Token>()
            .unwrap_err()
            .to_string()
            .contains("checksum")
    );
}

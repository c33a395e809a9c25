//! Seed-only replay tokens: a seeded random or PCT run made with tracing off keeps the count
//! and fingerprint of its decisions instead of the decisions (issue 18: W3's memory under
//! the random policy was its decision log), and its token replays by the seed.

use simloop::explore::Explorer;
use simloop::{Policy, RunError, Sim, Token, TraceLevel, log, spawn_named, yield_now};

use crate::zoo::bugs;

async fn chatty(tasks: usize) {
    let hs: Vec<_> = (0..tasks)
        .map(|i| {
            spawn_named(format!("t{i}"), async move {
                for k in 0..3 {
                    log!("t{i} step {k}");
                    yield_now().await;
                }
            })
        })
        .collect();
    for h in hs {
        h.await.unwrap();
    }
}

fn quiet(policy: Policy, seed: u64) -> Sim {
    Sim::new().policy(policy).seed(seed).trace(TraceLevel::Off)
}

#[test]
fn a_quiet_seeded_run_keeps_no_decisions_and_its_token_replays_the_same_run() {
    for policy in [Policy::Random, Policy::Pct { depth: 3 }] {
        for seed in 0..10 {
            let out = quiet(policy, seed).run(chatty(4));
            let token = &out.token;
            assert!(token.is_seed_only(), "{policy} seed {seed}");
            assert_eq!(token.decisions().iter().count(), 0);
            assert_eq!(token.decisions().len() as u64, out.stats.decisions);
            // The same run with its decisions kept: same count, deviations, fingerprint.
            let full = Sim::new().policy(policy).seed(seed).run(chatty(4));
            assert!(!full.token.is_seed_only());
            assert_eq!(full.token.decisions().len(), token.decisions().len());
            assert_eq!(full.token.deviations(), token.deviations());
            assert_eq!(
                full.token.decisions().fingerprint(),
                token.decisions().fingerprint()
            );
            // Its text form parses back, and replays that run (its full trace).
            let parsed: Token = token.to_string().parse().unwrap();
            assert_eq!(&parsed, token);
            let again = Sim::new().replay(&parsed).run(chatty(4));
            assert!(again.result.is_ok(), "{:?}", again.result);
            assert_eq!(again.trace, full.trace, "{policy} seed {seed}");
            assert_eq!(&again.token, token, "a replay gives its token back");
        }
    }
}

#[test]
fn record_decisions_overrides_the_default() {
    let kept = quiet(Policy::Random, 3)
        .record_decisions(true)
        .run(chatty(3));
    assert!(!kept.token.is_seed_only());
    assert!(kept.token.decisions().iter().count() > 0);
    let dropped = Sim::new()
        .policy(Policy::Random)
        .seed(3)
        .record_decisions(false)
        .run(chatty(3));
    assert!(dropped.token.is_seed_only());
    assert_eq!(
        dropped.token.decisions().fingerprint(),
        kept.token.decisions().fingerprint()
    );
    // A followed schedule always keeps its decisions (nothing else could replay it).
    let followed = quiet(Policy::Random, 3)
        .record_decisions(false)
        .follow(&[2, 1])
        .run(chatty(3));
    assert!(!followed.token.is_seed_only());
    // Replaying a seed-only token with recording on recovers the decisions.
    let recovered = Sim::new()
        .replay(&dropped.token)
        .record_decisions(true)
        .run(chatty(3));
    assert_eq!(recovered.token, kept.token);
}

#[test]
fn a_seed_only_token_replayed_on_another_program_says_so() {
    // The other program's first events differ: the program's fingerprint tells.
    let token = quiet(Policy::Random, 5).run(chatty(4)).token;
    let other = Sim::new().replay(&token).run(chatty(5));
    let Err(RunError::WrongProgram(m)) = &other.result else {
        panic!("expected another program, got {:?}", other.result)
    };
    assert_eq!(m.recorded, token.program());
}

#[test]
fn a_seed_only_token_replayed_on_a_program_that_differs_late_reports_the_divergence() {
    // 71 tasks spawned at once fill the fingerprint's 64 events; then one more task.
    let late = |extra: bool| async move {
        chatty(70).await;
        if extra {
            let a = spawn_named("late", yield_now());
            yield_now().await;
            a.await.unwrap();
        }
    };
    let token = quiet(Policy::Random, 5).run(late(false)).token;
    let other = Sim::new().replay(&token).run(late(true));
    let Err(RunError::ReplayDiverged { divergence, .. }) = &other.result else {
        panic!("expected a divergence, got {:?}", other.result)
    };
    let [recorded, here] = *divergence.seeded.clone().expect("a seed-only divergence");
    assert_eq!(
        recorded,
        (token.decisions().len(), token.decisions().fingerprint())
    );
    assert_ne!(recorded, here);
    assert_eq!(divergence.decision, here.0);
    let text = other.result.unwrap_err().to_string();
    assert!(text.contains("seed-only token"), "{text}");
}

#[test]
fn an_altered_seed_only_token_is_rejected() {
    let text = quiet(Policy::Random, 9).run(chatty(3)).token.to_string();
    let (head, payload) = text.split_once(":@").unwrap();
    assert!(!payload.is_empty());
    // Another seed: the checksum covers the head.
    let moved = text.replacen(":9:", ":8:", 1);
    assert!(moved.parse::<Token>().is_err());
    // A truncated payload.
    let cut = format!("{head}:@{}", &payload[..payload.len() - 2]);
    assert!(cut.parse::<Token>().is_err());
    // Without the marker, the payload is read as decisions and fails its checksum.
    let unmarked = format!("{head}:{payload}");
    assert!(unmarked.parse::<Token>().is_err());
}

/// The explorer's random runs are quiet, so its failures carry seed-only tokens: the report
/// replays them, and shrinking starts from their replay with the decisions kept.
#[test]
fn explorer_failures_with_seed_only_tokens_replay_and_shrink() {
    let explorer = Explorer::new().shrink(false, 0);
    let failure = explorer.explore(bugs::LOST_UPDATE.buggy).failure.unwrap();
    assert!(failure.token.is_seed_only());
    let again = Sim::new()
        .replay(&failure.token)
        .run((bugs::LOST_UPDATE.buggy)());
    assert!(again.failure().is_some());
    let shrunk = explorer
        .shrink_token(&failure.token, bugs::LOST_UPDATE.buggy)
        .expect("the failure shrinks");
    assert!(!shrunk.token.is_seed_only());
    assert!(shrunk.deviations <= failure.token.deviations());
    assert!(
        Sim::new()
            .replay(&shrunk.token)
            .run((bugs::LOST_UPDATE.buggy)())
            .failure()
            .is_some()
    );
}

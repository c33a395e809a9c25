//! Replay tokens are bound to their program (issue 20): a token carries a fingerprint of
//! its run's first spawns and decisions, and replaying it against another program stops
//! with `RunError::WrongProgram` as soon as the events differ; a run that leaves its
//! recording after the fingerprint's window is still `RunError::ReplayDiverged`.

use simloop::{Policy, RunError, Sim, Token, TraceLevel, spawn, spawn_named, yield_now};

/// Workers named `names`, each yielding twice; main awaits them in order.
async fn workers(names: &'static [&'static str]) {
    let handles: Vec<_> = names
        .iter()
        .map(|&n| {
            spawn_named(n, async {
                yield_now().await;
                yield_now().await;
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
}

const ORIGINAL: &[&str] = &["reader", "writer", "auditor"];
const RENAMED: &[&str] = &["reader", "writer2", "auditor"];
const EXTRA: &[&str] = &["reader", "writer", "extra", "auditor"];

/// Every kind of token a run prints: FIFO, random with its decisions, seed-only random,
/// PCT.
fn sims() -> Vec<Sim> {
    vec![
        Sim::new().seed(1),
        Sim::new().policy(Policy::Random).seed(4),
        Sim::new()
            .policy(Policy::Random)
            .seed(4)
            .trace(TraceLevel::Off),
        Sim::new().policy(Policy::Pct { depth: 2 }).seed(9),
    ]
}

fn token_of(sim: &Sim, names: &'static [&'static str]) -> Token {
    let out = sim.run(workers(names));
    out.result.unwrap();
    out.token
}

#[test]
fn the_same_program_replays_and_gives_its_token_back() {
    for sim in sims() {
        let token = token_of(&sim, ORIGINAL);
        let text = token.to_string();
        // Random's and PCT's tokens are version 10 since a zero `wait_for` spawns a task;
        // FIFO's make no decisions and stay 3.
        let version = match token.policy() {
            Policy::Fifo => "sl3:",
            _ => "sl10:",
        };
        assert!(text.starts_with(version), "{text}");
        let parsed: Token = text.parse().unwrap();
        assert_eq!(parsed.program(), token.program());
        let again = Sim::new().replay(&parsed).run(workers(ORIGINAL));
        again.result.unwrap();
        assert_eq!(again.token, token, "{sim:?}");
    }
}

#[test]
fn a_renamed_task_is_another_program() {
    for sim in sims() {
        let token = token_of(&sim, ORIGINAL);
        let out = Sim::new().replay(&token).run(workers(RENAMED));
        let Err(e @ RunError::WrongProgram(m)) = &out.result else {
            panic!("{sim:?}: {:?}", out.result)
        };
        assert_eq!(m.recorded, token.program());
        assert_ne!(m.found, m.recorded);
        let message = e.to_string();
        assert!(
            message.starts_with(&format!(
                "this token was recorded from another program (fingerprint {}, this program {}",
                m.recorded, m.found
            )),
            "{message}"
        );
    }
}

#[test]
fn an_extra_spawn_is_another_program_not_a_divergence() {
    for sim in sims() {
        let token = token_of(&sim, ORIGINAL);
        let out = Sim::new().replay(&token).run(workers(EXTRA));
        assert!(
            matches!(out.result, Err(RunError::WrongProgram(_))),
            "{sim:?}: {:?}",
            out.result
        );
    }
}

#[test]
fn a_program_that_ends_early_is_another_program() {
    // Fewer events than the token's fingerprint covers: the run ended before the check,
    // which the end of the run makes.
    let token = token_of(&Sim::new(), ORIGINAL);
    assert_eq!(
        token.program().events(),
        5,
        "main, three workers and the end"
    );
    let out = Sim::new()
        .replay(&token)
        .run(workers(&["reader", "writer"]));
    let Err(RunError::WrongProgram(m)) = out.result else {
        panic!("{:?}", out.result)
    };
    assert_eq!((m.recorded.events(), m.found.events()), (5, 4));
}

#[test]
fn a_program_that_goes_on_where_the_recording_ended_is_another_program() {
    // A FIFO run decides nothing: only the fingerprint's end event tells that the recorded
    // program ended where this one spawns a fourth worker.
    let token = token_of(&Sim::new(), ORIGINAL);
    let out = Sim::new().replay(&token).run(async {
        workers(ORIGINAL).await;
        spawn(async {}).await.unwrap();
    });
    assert!(
        matches!(out.result, Err(RunError::WrongProgram(_))),
        "{:?}",
        out.result
    );
}

/// `n` unnamed tasks that yield `yields` times each, then, when `tail`, one more task:
/// with enough tasks the first 64 events are all the same, and the tail differs only
/// after the fingerprint's window.
async fn long_program(n: usize, tail: bool) {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            spawn(async {
                for _ in 0..3 {
                    yield_now().await;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    if tail {
        let a = spawn(async { yield_now().await });
        spawn(async {}).await.unwrap();
        a.await.unwrap();
    }
}

#[test]
fn a_divergence_after_the_window_is_still_a_divergence() {
    for sim in sims() {
        let out = sim.run(long_program(80, false));
        out.result.unwrap();
        let token = out.token;
        assert_eq!(token.program().events(), 64, "{sim:?}: the window is full");
        let edited = Sim::new().replay(&token).run(long_program(80, true));
        if token.policy() == Policy::Fifo {
            // A FIFO run makes no decisions: nothing to diverge from, and the window
            // matched, so the edited program's run is its own (and succeeds).
            edited.result.unwrap();
            continue;
        }
        assert!(
            matches!(edited.result, Err(RunError::ReplayDiverged { .. })),
            "{sim:?}: {:?}",
            edited.result
        );
    }
}

#[test]
fn a_replay_stopped_by_a_limit_is_not_called_another_program() {
    let token = token_of(&Sim::new().policy(Policy::Random).seed(2), ORIGINAL);
    let out = Sim::new()
        .replay(&token)
        .max_steps(2)
        .run(workers(ORIGINAL));
    assert_eq!(out.result.unwrap_err(), RunError::StepLimit { steps: 2 });
}

#[test]
fn a_token_cut_by_a_limit_replayed_without_it_diverges() {
    // A run stopped at a limit has no end event: a replay under a higher limit makes the
    // same first events, then goes past the recording's end.
    let cut = Sim::new()
        .policy(Policy::Random)
        .seed(2)
        .max_steps(6)
        .run(workers(ORIGINAL));
    assert_eq!(cut.result.unwrap_err(), RunError::StepLimit { steps: 6 });
    assert!(cut.token.program().events() < 64);
    let out = Sim::new().replay(&cut.token).run(workers(ORIGINAL));
    assert!(
        matches!(out.result, Err(RunError::ReplayDiverged { .. })),
        "{:?}",
        out.result
    );
    let again = Sim::new()
        .replay(&cut.token)
        .max_steps(6)
        .run(workers(ORIGINAL));
    assert_eq!(again.token, cut.token);
}

#[test]
fn the_fingerprint_does_not_depend_on_the_trace_level_or_kept_decisions() {
    let run = |sim: Sim| sim.run(workers(ORIGINAL)).token.program();
    let base = Sim::new().policy(Policy::Random).seed(6);
    let full = run(base.clone());
    assert_eq!(run(base.clone().trace(TraceLevel::Off)), full);
    assert_eq!(run(base.clone().trace(TraceLevel::Logs)), full);
    assert_eq!(run(base.record_decisions(false)), full);
}

#[test]
fn a_version_1_token_says_how_to_get_a_new_one() {
    let err = "sl1:random:4:BwECAQIBAgACAAIBAgECFCFsdg"
        .parse::<Token>()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'sl1' was written by an older simloop"),
        "{err}"
    );
    assert!(
        err.contains("no fingerprint") && err.contains("record a new token"),
        "{err}"
    );
}

/// Version 2 numbered a decision by the picked entry's FIFO rank; version 3 numbers the
/// slots of the ready pool (`runtime/ready_queue.rs`), so an `sl2` token's decisions would
/// name other tasks: it is refused, with why and how to record a new one, not replayed into
/// a silent divergence (this token was printed by an `sl2` simloop for the lost-update
/// scenario).
#[test]
fn a_version_2_token_says_its_decisions_are_numbered_the_old_way_and_how_to_get_a_new_one() {
    let err = "sl2:random:4:O4i6QNwR0gsHAQIBAgECAAIAAgECAQIAqdyc"
        .parse::<Token>()
        .unwrap_err();
    assert!(
        matches!(&err, simloop::TokenError::Outdated(v) if v == "sl2"),
        "{err:?}"
    );
    let err = err.to_string();
    for part in [
        "'sl2' was written by an older simloop",
        "older order of the ready tasks",
        "it reads sl10, and sl3 for FIFO",
        "run the failing test, scenario or exploration again",
    ] {
        assert!(err.contains(part), "{part:?} in {err}");
    }
}

#[test]
fn a_fingerprint_outside_its_window_is_a_corrupt_token() {
    // Hand-made payloads: the fingerprint (its event count, 0 then 65, in the top byte),
    // no decisions, and the checksum (FNV-1a of the head and the bytes, 32 bits).
    for events in [0u8, 65] {
        let head = "sl3:fifo:0:";
        let mut bytes = [0, 0, 0, 0, 0, 0, 0, events].to_vec();
        bytes.push(0);
        let mut all = head.as_bytes().to_vec();
        all.extend_from_slice(&bytes);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in all {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        bytes.extend_from_slice(&(h as u32).to_le_bytes());
        use base64::Engine as _;
        let text = format!(
            "{head}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes)
        );
        let err = text.parse::<Token>().unwrap_err().to_string();
        assert!(err.contains(&format!("covers {events} events")), "{err}");
    }
}

#[test]
fn the_report_of_a_replay_of_another_program_says_how_to_go_on() {
    let token = token_of(&Sim::new(), ORIGINAL);
    let out = Sim::new().replay(&token).run(workers(RENAMED));
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| out.unwrap()))
        .expect_err("a failed run");
    let text = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(text.contains("recorded from another program"), "{text}");
    assert!(
        text.contains("--- how to go on ---\nreplay a token this program printed"),
        "{text}"
    );
    // No replay line: this run's token names a replay cut short.
    assert!(!text.contains("replay token:"), "{text}");
}

#[test]
fn a_jittered_token_replays_only_with_its_jitter() {
    use std::time::Duration;
    let prog = || async {
        let a = spawn(simloop::sleep(Duration::from_millis(10)));
        simloop::sleep(Duration::from_millis(10)).await;
        a.await.unwrap();
    };
    let jitter = Duration::from_millis(4);
    let out = Sim::new()
        .policy(Policy::Random)
        .seed(3)
        .timer_jitter(jitter)
        .run(prog());
    let same = Sim::new()
        .replay(&out.token)
        .timer_jitter(jitter)
        .run(prog());
    assert_eq!(same.token, out.token);
    // Without it, the timers make no choice: other events than the recording's.
    let without = Sim::new().replay(&out.token).run(prog());
    let Err(e @ RunError::WrongProgram(_)) = &without.result else {
        panic!("{:?}", without.result)
    };
    assert!(e.to_string().contains("with the same timer jitter"), "{e}");
}

/// `Explorer::shrink_token` treated the refusal of another program's token as the failure to
/// shrink, and searched schedules of the wrong program; it now gives `None` as for a run
/// that does not fail (`sim shrink` exits 2 on such a token).
#[test]
fn shrinking_another_programs_failing_token_finds_nothing_to_shrink() {
    use simloop::explore::Explorer;
    let failing = |names: &'static [&'static str]| async move {
        workers(names).await;
        panic!("always fails");
    };
    for sim in sims() {
        let token = sim.run(failing(ORIGINAL)).token;
        let explorer = Explorer::new();
        assert!(
            explorer
                .shrink_token(&token, || failing(ORIGINAL))
                .is_some(),
            "{sim:?}: its own program shrinks"
        );
        assert!(
            explorer.shrink_token(&token, || failing(RENAMED)).is_none(),
            "{sim:?}: another program's token is refused"
        );
    }
}

//! Fuzzing replay tokens: random strings, truncations, bit flips of a valid token, fields
//! of another version, policy or seed, and payloads edited behind a recomputed checksum (so
//! the edit reaches the decoder and the replay instead of the checksum). A token is either
//! refused with a message or replayed within the step budget; never a panic or a hang. The
//! binary is run on some of them as `sim replay FILE TOKEN`: exit 0, 1 or 2, an `error:`
//! line for 2, no panic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use simloop::{Policy, Sim, Token, TraceLevel};
use simloop_cli::{interp, scenario};

use crate::mutants::{STEPS, config};
use crate::support::{ran_within, scratch, sim_in};

/// The scenarios tokens are recorded from: several tasks, so several decisions.
const SOURCES: &[&str] = &[
    "bug_lost_update.toml",
    "bug_lock_order_deadlock.toml",
    "worker_pool_queue.toml",
];

fn load(name: &str) -> Arc<scenario::Scenario> {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut scn = scenario::load(&path).unwrap();
    scn.limits.max_steps = STEPS;
    Arc::new(scn)
}

/// A token of `name`'s run under `policy` and `seed`: with its decisions, or seed-only
/// (`sl3:random:7:@...`) when `seed_only`.
fn recorded(name: &str, policy: Policy, seed: u64, seed_only: bool) -> String {
    let level = if seed_only {
        TraceLevel::Off
    } else {
        TraceLevel::Logs
    };
    let sim = Sim::new().policy(policy).seed(seed).trace(level);
    interp::run(&load(name), &sim).outcome.token.to_string()
}

// The token's encoding, written out here so a test can edit a payload and sign it again.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = bits << 6 | B64.iter().position(|&x| x == c)? as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Some(out)
}

fn checksum(head: &str, body: &[u8]) -> [u8; 4] {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in head.as_bytes().iter().chain(body) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h as u32).to_le_bytes()
}

/// `token`'s head (`sl3:random:7:` or `sl3:random:7:@`) and its payload without the
/// checksum.
fn open(token: &str) -> (String, Vec<u8>) {
    let at = token.match_indices(':').nth(2).unwrap().0 + 1;
    let (mut head, mut payload) = (token[..at].to_string(), &token[at..]);
    if let Some(rest) = payload.strip_prefix('@') {
        head.push('@');
        payload = rest;
    }
    let bytes = decode(payload).unwrap();
    (head, bytes[..bytes.len() - 4].to_vec())
}

/// A token of `head` and `body` with a valid checksum.
fn seal(head: &str, body: &[u8]) -> String {
    let mut bytes = body.to_vec();
    bytes.extend_from_slice(&checksum(head, body));
    format!("{head}{}", encode(&bytes))
}

#[test]
fn the_test_encoding_is_the_tokens() {
    for seed_only in [false, true] {
        let token = recorded(SOURCES[0], Policy::Random, 3, seed_only);
        let (head, body) = open(&token);
        assert_eq!(seal(&head, &body), token);
    }
}

/// One edit of a token's text or of its payload.
#[derive(Clone, Debug)]
enum Edit {
    Truncate(Index),
    FlipBit(Index, u8),
    /// Replace the n-th `:` field (0 version, 1 policy, 2 seed) with this text.
    Field(usize, &'static str),
    /// Edit the payload's bytes and sign it again.
    Body(BodyEdit),
    Append(&'static str),
}

#[derive(Clone, Debug)]
enum BodyEdit {
    Flip(Index, u8),
    Cut(Index),
    Push(Vec<u8>),
    /// Set byte `Index` to this value.
    Set(Index, u8),
    /// Replace the decision count (after the 8-byte program fingerprint) with a varint of
    /// this value.
    Count(u64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let body = prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| BodyEdit::Flip(i, b)),
        any::<Index>().prop_map(BodyEdit::Cut),
        prop::collection::vec(any::<u8>(), 1..12).prop_map(BodyEdit::Push),
        (
            any::<Index>(),
            prop::sample::select(vec![0u8, 1, 0x7f, 0x80, 0xff])
        )
            .prop_map(|(i, v)| BodyEdit::Set(i, v)),
        prop::sample::select(vec![0u64, 1, 2, 1 << 20, 1 << 40, u64::MAX])
            .prop_map(BodyEdit::Count),
    ];
    prop_oneof![
        1 => any::<Index>().prop_map(Edit::Truncate),
        1 => (any::<Index>(), 0u8..7).prop_map(|(i, b)| Edit::FlipBit(i, b)),
        1 => (
            0usize..3,
            prop::sample::select(vec![
                "", "sl1", "sl2", "sl3", "sl4", "sl5", "sl", "SL3", "sl99999999999999999999",
                "fifo", "random", "pct1", "pct3", "pct0", "pct4294967295", "pct4294967296",
                "pct-1", "pct", "0", "-1", "18446744073709551615", "18446744073709551616",
                "é", "@",
            ])
        )
            .prop_map(|(k, v)| Edit::Field(k, v)),
        3 => body.prop_map(Edit::Body),
        1 => prop::sample::select(vec!["@", "@0", "@ffffffff", "@zz", ":", "\n", " ", "=", "é"])
            .prop_map(Edit::Append),
    ]
}

fn apply(token: &str, edit: &Edit) -> String {
    match edit {
        Edit::Truncate(i) => {
            let mut at = i.index(token.len() + 1);
            while !token.is_char_boundary(at) {
                at -= 1;
            }
            token[..at].to_string()
        }
        Edit::FlipBit(i, bit) => {
            let mut b = token.as_bytes().to_vec();
            if b.is_empty() {
                return String::new();
            }
            let at = i.index(b.len());
            b[at] ^= 1 << bit;
            // Seven low bits of ASCII stay ASCII; anything else stays as it was.
            String::from_utf8(b).unwrap_or_else(|_| token.to_string())
        }
        Edit::Field(k, v) => {
            let mut fields: Vec<&str> = token.splitn(4, ':').collect();
            if *k < fields.len() {
                fields[*k] = v;
            }
            fields.join(":")
        }
        Edit::Append(s) => format!("{token}{s}"),
        Edit::Body(e) => {
            if token.matches(':').count() < 3 {
                return token.to_string();
            }
            let at = token.match_indices(':').nth(2).unwrap().0 + 1;
            let mut head = token[..at].to_string();
            let payload = match token[at..].strip_prefix('@') {
                Some(rest) => {
                    head.push('@');
                    rest
                }
                None => &token[at..],
            };
            let Some(mut body) = decode(payload) else {
                return token.to_string();
            };
            body.truncate(body.len().saturating_sub(4));
            match e {
                BodyEdit::Flip(i, bit) if !body.is_empty() => {
                    let at = i.index(body.len());
                    body[at] ^= 1 << bit;
                }
                BodyEdit::Cut(i) => body.truncate(i.index(body.len() + 1)),
                BodyEdit::Push(bytes) => body.extend_from_slice(bytes),
                BodyEdit::Set(i, v) if !body.is_empty() => {
                    let at = i.index(body.len());
                    body[at] = *v;
                }
                BodyEdit::Count(n) if body.len() >= 8 => {
                    // The old count's varint ends at the first byte under 0x80.
                    let end = body[8..]
                        .iter()
                        .position(|&b| b < 0x80)
                        .map_or(body.len(), |k| 9 + k);
                    let mut v = Vec::new();
                    let mut n = *n;
                    while n >= 0x80 {
                        v.push(n as u8 | 0x80);
                        n >>= 7;
                    }
                    v.push(n as u8);
                    body.splice(8..end, v);
                }
                _ => {}
            }
            seal(&head, &body)
        }
    }
}

/// Parses `text` as a token; when it parses, replays it against `scn` within the step
/// budget and the wall-clock bound. A parse error must say something.
fn judge(text: &str, scn: &Arc<scenario::Scenario>) {
    let started = Instant::now();
    match text.parse::<Token>() {
        Err(e) => assert!(!e.to_string().is_empty()),
        Ok(token) => {
            // A parsed token prints back to a token that parses to the same one.
            assert_eq!(token.to_string().parse::<Token>().as_ref(), Ok(&token));
            let report = interp::run(scn, &Sim::new().replay(&token).trace(TraceLevel::Logs));
            ran_within(&report, STEPS);
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

fn source() -> impl Strategy<Value = (usize, Policy, u64, bool)> {
    (
        0..SOURCES.len(),
        prop::sample::select(vec![Policy::Fifo, Policy::Random, Policy::Pct { depth: 3 }]),
        0u64..50,
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(config(64))]

    /// Edited tokens of a recorded run, replayed against their scenario or another.
    #[test]
    fn edited_tokens_are_refused_or_replayed_bounded(
        (from, policy, seed, seed_only) in source(),
        edits in prop::collection::vec(edit(), 1..4),
        against in 0..SOURCES.len(),
    ) {
        let mut token = recorded(SOURCES[from], policy, seed, seed_only);
        for e in &edits {
            token = apply(&token, e);
        }
        judge(&token, &load(SOURCES[against]));
    }

    /// Random text, and text shaped like a token.
    #[test]
    fn random_text_is_refused_or_replayed_bounded(
        text in prop_oneof![
            ".{0,80}",
            "sl[0-9]{1,3}:(fifo|random|pct[0-9]{1,11}):[0-9]{1,21}:@?[A-Za-z0-9_-]{0,64}",
        ],
    ) {
        judge(&text, &load(SOURCES[0]));
    }
}

proptest! {
    #![proptest_config(config(8))]

    /// The binary: `sim replay FILE TOKEN` on an edited token (with the scenario's
    /// fingerprint, as `sim` prints it) ends with 0, 1 or 2 and says why on 2.
    #[test]
    fn sim_replay_of_edited_tokens_exits_cleanly(
        (from, policy, seed, _) in source(),
        edits in prop::collection::vec(edit(), 1..3),
    ) {
        let dir = scratch("token-fuzz");
        let file = dir.join("s.toml");
        std::fs::copy(format!("{}/../scenarios/{}", env!("CARGO_MANIFEST_DIR"), SOURCES[from]), &file).unwrap();
        let o = sim_in(&dir, &["run", "s.toml", "--policy", &policy.to_string().replace("pct", "pct:"), "--seed", &seed.to_string()]);
        let printed = o.stderr.lines().find_map(|l| l.strip_prefix("replay token: ")).expect("a token").to_string();
        let mut token = printed;
        for e in &edits {
            token = apply(&token, e);
        }
        // No command line holds a NUL (a flipped bit of `@` makes one).
        let token = token.replace('\0', "");
        let o = sim_in(&dir, &["replay", "s.toml", &token, "--max-steps", &STEPS.to_string()]);
        prop_assert!([0, 1, 2].contains(&o.code), "{}", o.stderr);
        if o.code == 2 {
            prop_assert!(o.stderr.contains("error: "), "{}", o.stderr);
        }
    }
}

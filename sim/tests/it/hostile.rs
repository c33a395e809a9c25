//! A hostile corpus (issue 20): runaway programs, malformed expressions, odd values, and a
//! proptest generator of whole scenario programs. Every input must end one of three ways:
//! a located error at load, a run whose expectations hold, or a FAILED report; never a
//! panic, a stack overflow, a hang or unbounded memory. Runs use small limits, on a thread
//! with a 2 MiB stack (the explorer's and the test harness's size).

use std::sync::Arc;

use proptest::prelude::*;
use simloop::{Policy, Sim};
use simloop_cli::{expect, interp, scenario};

use crate::support::ran_within;

/// How one input ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// Rejected at load with a located error.
    Rejected,
    /// Ran; these expectations failed (empty: it passed).
    Ran(Vec<String>),
}

/// Loads and runs `text` with small limits; panics (failing the test) on anything else.
fn judge(text: &str, seed: u64) -> End {
    let scn = match scenario::parse("hostile.toml", text) {
        Ok(scn) => scn,
        Err(e) => {
            assert!(e.to_string().contains("hostile.toml:"), "{e}");
            return End::Rejected;
        }
    };
    let mut scn = scn;
    scn.limits.max_steps = scn.limits.max_steps.min(20_000);
    scn.limits.max_tasks = scn.limits.max_tasks.min(300);
    scn.limits.max_output = scn.limits.max_output.min(64 << 10);
    let scn = Arc::new(scn);
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let sim = Sim::new().policy(Policy::Random).seed(seed);
            let report = interp::run(&scn, &sim);
            ran_within(&report, 20_000);
            End::Ran(expect::failures(&scn, &report))
        })
        .unwrap()
        .join()
        .expect("no panic and no stack overflow")
}

/// The runaway and vacuous-verdict programs, and more of the same kind.
const CORPUS: &[(&str, Option<&str>)] = &[
    (
        "[main]\nsteps = [{ while_before = 10, do = [{ log = \"x\" }] }]",
        Some("step limit"),
    ),
    (
        "[main]\nsteps = [{ repeat = 1000000000000, do = [{ log = \"x\" }] }]",
        Some("step limit"),
    ),
    (
        "[main]\nsteps = [{ for = \"k\", from = 0, below = 100000000000, do = [] }]",
        Some("step limit"),
    ),
    (
        "[tasks.t]\nsteps = [{ sleep = 1 }]\n[main]\nsteps = [{ spawn = \"t\", count = 1000000000 }]",
        Some("task limit"),
    ),
    (
        "[tasks.f]\nsteps = [{ spawn = \"f\" }, { spawn = \"f\" }, { sleep = 1 }]\n[main]\nsteps = [{ call = \"f\" }, { sleep = 100 }]",
        Some("task limit"),
    ),
    (
        "[tasks.f]\nsteps = [{ call = \"f\" }]\n[main]\nsteps = [{ call = \"f\" }]",
        Some("RecursionError"),
    ),
    (
        "[main]\nsteps = [{ while_before = 1e8, do = [{ sleep = 0.001 }] }]",
        Some("step limit"),
    ),
    (
        "[main]\nsteps = [{ let = \"s\", value = \"ab\" }, { repeat = 64, do = [{ let = \"s\", value = \"{s}{s}\" }] }]",
        Some("MemoryError"),
    ),
    (
        "[vars]\nn = 9223372036854775807\n[main]\nsteps = [{ set = \"n\", value = \"{n}\", add = 1 }]",
        Some("OverflowError"),
    ),
    (
        "[vars]\nn = 9223372036854775807\n[main]\nsteps = [{ set = \"n\", expr = \"{n} * 2\" }]",
        Some("OverflowError"),
    ),
    (
        "[vars]\nx = 1\n[main]\nsteps = []\n[expect]\ninvariants = [\"{x} >= \"]",
        None,
    ),
    (
        "[vars]\nx = 1\n[main]\nsteps = [{ if = \"{x} => 0\", do = [] }]",
        None,
    ),
    (
        "[vars]\nx = 1\n[main]\nsteps = [{ if = \"{x} <> 1\", do = [] }]",
        None,
    ),
    (
        "[vars]\nx = 0\n[main]\nsteps = []\n[expect]\ninvariants = [\"1 // {x} == 0\"]",
        Some("could not be evaluated"),
    ),
    ("[main]\nsteps = [{ sleep = 1e15 }]", None),
    (
        "[main]\nsteps = [{ sleep = { min = 0, max = 9223372036854775807 } }]",
        None,
    ),
    (
        "[main]\nsteps = [{ sleep = \"1{i}e400\" }]",
        Some("ValueError"),
    ),
    (
        "[locks.a]\n[locks.b]\n[tasks.x]\nparams = [\"p\", \"q\"]\nsteps = [{ acquire = \"a\" }, { sleep = 1 }, { acquire = \"b\" }]\n[tasks.y]\nsteps = [{ acquire = \"b\" }, { sleep = 1 }, { acquire = \"a\" }]\n[tasks.beat]\nsteps = [{ while_before = 1e8, do = [{ sleep = 1 }] }]\n[main]\nsteps = [{ spawn = \"beat\" }, { spawn = \"x\", args = { p = 1, q = 2 }, as = \"x\" }, { spawn = \"y\", as = \"y\" }, { await = \"x\" }]",
        Some("deadlock"),
    ),
    (
        "[main]\nsteps = [{ let = \"l\", value = [1] }, { repeat = 1000, do = [{ let = \"l\", value = [\"{l}\"] }] }]",
        Some("MemoryError"),
    ),
    (
        "[main]\nsteps = [{ yield = 1000000000000 }]",
        Some("step limit"),
    ),
    (
        "[conditions.c]\n[main]\nsteps = [{ wait_condition = \"c\", until = \"{i} > 'x'\" }]",
        Some("TypeError"),
    ),
    (
        "[queues.q]\nmaxsize = 1\n[main]\nsteps = [{ repeat = 100000, do = [{ put = \"q\", value = \"{i}\" }] }]",
        Some("deadlock"),
    ),
    // wait and as_completed over bare futures (round 26): a future nobody sets, one set
    // after the wait that needs it, a failed or cancelled one, FIRST_EXCEPTION, a bad timeout.
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { wait = [\"f\", \"f\"] }]",
        Some("deadlock"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { as_completed = [\"f\"], as = \"v\", do = [] }, { set_result = \"f\", value = 1 }]",
        Some("deadlock"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { call_soon = [{ set_exception = \"f\", error = \"ValueError\", message = \"x\" }] }, { as_completed = [\"f\"], as = \"v\", do = [] }]",
        Some("ValueError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { cancel = \"f\" }, { as_completed = [\"f\"], future = \"c\", do = [{ await = \"c\" }, { await = \"c\" }] }]",
        Some("CancelledError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { wait = [\"f\"], return_when = \"FIRST_EXCEPTION\" }]",
        Some("NotImplementedError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { wait = [\"f\"], timeout = -1 }]",
        None,
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { wait = [\"f\"], timeout = 1, as = \"d\", pending = \"p\" }, { wait = \"p\" }]",
        None,
    ),
    // shield of a bare future (round 26): never set, cancelled, failed, shielded twice.
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { shield = \"f\" }]",
        Some("shield(f)"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { cancel = \"f\" }, { shield = \"f\" }]",
        Some("CancelledError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { call_later = 1, do = [{ set_exception = \"f\", error = \"KeyError\", message = \"k\" }] }, { shield = \"f\" }, { shield = \"f\" }]",
        Some("KeyError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { wait_for = 1, do = [{ shield = \"f\" }, { shield = \"f\" }] }]",
        Some("TimeoutError"),
    ),
    (
        "[main]\nsteps = [{ create_future = \"f\" }, { shield = [\"f\"] }]",
        None,
    ),
];

#[test]
fn the_hostile_corpus_is_handled() {
    for (text, want) in CORPUS {
        match (judge(text, 1), want) {
            (End::Rejected, None) => {}
            (End::Ran(failures), Some(want)) => assert!(
                failures.iter().any(|f| f.contains(want)),
                "{text}\nwanted `{want}` in {failures:?}"
            ),
            (end, want) => panic!("{text}\nwanted {want:?}, got {end:?}"),
        }
    }
}

/// A step, as scenario text, drawn from every verb (with small and huge arguments); `depth`
/// bounds nesting.
fn step(depth: u32) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("{ log = \"x {i}\" }".to_string()),
        (0u32..3).prop_map(|n| format!("{{ sleep = {n} }}")),
        Just("{ sleep = \"{i}\" }".to_string()),
        (0u64..4).prop_map(|n| format!("{{ yield = {n} }}")),
        Just("{ spawn = \"t\", as = \"h\" }".to_string()),
        (0u64..5).prop_map(|n| format!("{{ spawn = \"t\", count = {n}, as = \"hs\" }}")),
        Just("{ call = \"t\" }".to_string()),
        Just("{ set = \"n\", value = \"{n}\", add = 1 }".to_string()),
        Just("{ set = \"n\", expr = \"{n} * 3 - 1\" }".to_string()),
        Just("{ let = \"v\", expr = \"{n} // 2 + 0.5\" }".to_string()),
        Just("{ acquire = \"lk\" }".to_string()),
        Just("{ release = \"lk\" }".to_string()),
        Just("{ set_event = \"ev\" }".to_string()),
        Just("{ wait_event = \"ev\" }".to_string()),
        Just("{ put = \"q\", value = \"{i}\" }".to_string()),
        Just("{ get = \"q\" }".to_string()),
        Just("{ fail = \"ValueError\", message = \"boom\" }".to_string()),
        Just("{ repeat = 1000000000, do = [] }".to_string()),
        Just("{ random = \"r\", from = 0, to = 3 }".to_string()),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let body = prop::collection::vec(step(depth - 1), 0..4).prop_map(|s| s.join(", "));
    prop_oneof![
        3 => leaf,
        1 => (body.clone(), 0u64..4).prop_map(|(b, n)| format!("{{ repeat = {n}, do = [{b}] }}")),
        1 => (body.clone(), body.clone()).prop_map(|(a, b)| format!("{{ if = \"{{n}} % 2 == 0 or {{i}} > 1\", do = [{a}], else = [{b}] }}")),
        1 => body.clone().prop_map(|b| format!("{{ try = [{b}], except = [{{ log = \"caught\" }}] }}")),
        1 => body.clone().prop_map(|b| format!("{{ with = \"lk\", do = [{b}] }}")),
        1 => body.clone().prop_map(|b| format!("{{ wait_for = 2, do = [{b}] }}")),
        1 => body.clone().prop_map(|b| format!("{{ task_group = [{b}] }}")),
        1 => body.clone().prop_map(|b| format!("{{ while_before = 5, do = [{b}] }}")),
        1 => body.prop_map(|b| format!("{{ shield = [{b}] }}")),
    ]
    .boxed()
}

fn program() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(step(2), 0..6),
        prop::collection::vec(step(2), 0..8),
    )
        .prop_map(|(task, main)| {
            format!(
                "[vars]\nn = 0\n[locks.lk]\n[events.ev]\n[queues.q]\nmaxsize = 2\n[tasks.t]\nsteps = [{}]\n[main]\nsteps = [{}]\n[expect]\ninvariants = [\"{{n}} < 1000000\"]\n",
                task.join(", "),
                main.join(", ")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Generated programs (recursive calls, runaway loops, locks, queues, failures inside
    /// every combinator) end within the limits, and the same seed gives the same verdict.
    #[test]
    fn generated_programs_end_within_bounds(text in program(), seed in 0u64..1000) {
        let first = judge(&text, seed);
        prop_assert_eq!(&first, &judge(&text, seed));
    }
}

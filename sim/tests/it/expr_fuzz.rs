//! Fuzzing the expression language: expressions drawn from its grammar (every operator,
//! literals at the edges of their types, variables of every type, list items, state reads,
//! deep nesting) and then garbled (a character inserted or removed), placed in each place
//! an expression is written (`let`/`set` with `expr`, `if`, `wait_condition`'s `until`, an
//! invariant) and in a template. Each scenario is a located error or a bounded run.

use proptest::prelude::*;

use crate::mutants::{config, judge};

/// An expression of at most `depth` levels of operators.
fn expr(depth: u32) -> BoxedStrategy<String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "1e308",
            "1e309",
            "0.5",
            "1e-320",
            "0.0",
            "'ab'",
            "\\\"x\\\"",
            "''",
            "'é😀'",
            "true",
            "false",
            "None",
            "[]",
            "[1, 'a', [2]]",
        ]),
        prop::sample::select(vec![
            "{n}",
            "{f}",
            "{s}",
            "{b}",
            "{l}",
            "{l.0}",
            "{l.1.1}",
            "{l.9}",
            "{l.0.0}",
            "{n:type}",
            "{nope}",
            "n",
            "f",
            "s",
            "l.1",
            "l.99999999999999999999",
            "{h}",
            "h",
            "{v}",
            "v",
        ]),
        prop::sample::select(vec![
            "q.qsize()",
            "q.full()",
            "q.empty()",
            "q.maxsize",
            "lk.locked()",
            "ev.is_set()",
            "h.done()",
            "h.cancelled()",
            "h.result()",
            "h.exception()",
            "h.get_name()",
            "loop.time()",
            "q.nope()",
            "lk.qsize()",
            "n.done()",
            "h.done",
            "q.qsize(1)",
        ]),
    ]
    .prop_map(str::to_string);
    if depth == 0 {
        return atom.boxed();
    }
    let sub = expr(depth - 1);
    let op = prop::sample::select(vec![
        "or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "//", "%",
    ]);
    prop_oneof![
        2 => atom,
        2 => (sub.clone(), op, sub.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
        1 => sub.clone().prop_map(|a| format!("({a})")),
        1 => sub.clone().prop_map(|a| format!("not {a}")),
        1 => sub.clone().prop_map(|a| format!("-{a}")),
        1 => (sub.clone(), sub).prop_map(|(a, b)| format!("[{a}, {b}]")),
    ]
    .boxed()
}

/// An expression, nested very deep, or garbled by one edit.
fn hostile_expr() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => expr(3),
        1 => (
            prop::sample::select(vec![("(", ")"), ("not ", ""), ("-", ""), ("[", "]"), ("- (", ")")]),
            prop::sample::select(vec![31usize, 32, 33, 200, 5_000, 100_000]),
        )
            .prop_map(|((o, c), n)| format!("{}1{}", o.repeat(n), c.repeat(n))),
        2 => (expr(2), any::<prop::sample::Index>(), prop::sample::select(vec![
            "", "(", ")", "{", "}", "'", "\\\"", ".", "..", "=", "&&", "<>", "=>", "é", ":", "[", "]", ",", "\\\\",
        ]))
            .prop_map(|(e, at, s)| {
                let cut: Vec<usize> = e.char_indices().map(|(i, _)| i).chain([e.len()]).collect();
                let i = cut[at.index(cut.len())];
                // An empty insert removes the character there instead.
                let rest = if s.is_empty() { e[i..].chars().skip(1).collect() } else { e[i..].to_string() };
                format!("{}{s}{rest}", &e[..i])
            }),
    ]
}

/// The scenario with `e` in place `at`: 0 `let`, 1 `set` of an integer, 2 `set` of a
/// float, 3 `if`, 4 `until`, 5 an invariant, 6 a template.
fn scenario(e: &str, at: usize) -> String {
    let slot = |k: usize, default: &str| {
        if k == at {
            e.to_string()
        } else {
            default.to_string()
        }
    };
    format!(
        r#"[vars]
n = 3
f = 0.5
[locks.lk]
[events.ev]
[conditions.c]
[queues.q]
maxsize = 2
[tasks.t]
steps = [{{ sleep = 1 }}, {{ return = 7 }}]
[tasks.notifier]
steps = [{{ sleep = 2 }}, {{ set = "n", value = 5 }}, {{ notify_all = "c" }}]
[main]
steps = [
  {{ let = "s", value = "ab" }},
  {{ let = "b", value = true }},
  {{ let = "l", value = [1, [2, "x"], 3.5] }},
  {{ spawn = "t", as = "h" }},
  {{ put = "q", value = 1 }},
  {{ let = "v", expr = "{}" }},
  {{ set = "n", expr = "{}" }},
  {{ set = "f", expr = "{}" }},
  {{ if = "{}", do = [{{ log = "yes {{v}}" }}], else = [{{ log = "no" }}] }},
  {{ spawn = "notifier" }},
  {{ wait_condition = "c", until = "{}" }},
  {{ log = "{} {{v:type}}" }},
  {{ await = "h" }},
]
[expect]
invariants = ["{}"]
"#,
        slot(0, "{n} + 1"),
        slot(1, "n * 2"),
        slot(2, "f + n"),
        slot(3, "n > 1"),
        slot(4, "n == 5"),
        slot(6, "{v}"),
        slot(5, "n >= 0"),
    )
}

#[test]
fn the_frame_runs_as_written() {
    assert_eq!(judge(&scenario("", 99), 0), Some(vec![]));
}

proptest! {
    #![proptest_config(config(96))]

    /// An expression anywhere an expression is written: a located error or a bounded run.
    #[test]
    fn expressions_fail_located_or_run_bounded(e in hostile_expr(), at in 0usize..7, seed in 0u64..2) {
        judge(&scenario(&e, at), seed);
    }
}

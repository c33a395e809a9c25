//! A mutation fuzzer over the bundled scenarios: every file in `scenarios/`, its lines
//! deleted, duplicated, swapped or cut at a random character, its numbers replaced with
//! extreme values, its strings with empty, missing, very long, unicode or deeply nested
//! ones, a step wrapped in deep nesting, and steps inserted that refer to missing tasks,
//! locks and queues, spawn without end, recurse, or wait in a cycle. Each mutant is parsed,
//! validated, run and judged as `sim run` does it, under a bounded step budget, on a thread
//! with a 2 MiB stack (the explorer's size). It must end one of two ways: a located error
//! (`--> mutant.toml:LINE:COLUMN`, inside the text) or a run that ends within the budget and
//! a wall-clock bound; never a panic, a stack overflow or a hang.
//!
//! The case count is small in the suite and its seed fixed, so `cargo test` stays quick and
//! deterministic; a long campaign sets `PROPTEST_CASES` (and `PROPTEST_RNG_SEED` for other
//! inputs): `PROPTEST_CASES=20000 cargo test -p simloop-cli --test it mutants`. A stack
//! overflow aborts the test process without naming the input: `SIM_FUZZ_LAST=FILE` keeps
//! the input being judged in FILE.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::RngSeed;
use simloop::{Policy, Sim};
use simloop_cli::{expect, interp, scenario};

use crate::support::{bundled, ran_within, scratch};

/// The step budget of a mutant's run.
pub const STEPS: u64 = 20_000;

/// The wall-clock bound of one mutant (parse, run, judge) on a loaded machine.
const BOUND: Duration = Duration::from_secs(30);

/// The suite's configuration: `cases` cases from a fixed seed, unless `PROPTEST_CASES` or
/// `PROPTEST_RNG_SEED` say otherwise.
pub fn config(cases: u32) -> ProptestConfig {
    let env = ProptestConfig::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if set("PROPTEST_CASES") {
            env.cases
        } else {
            cases
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            env.rng_seed
        } else {
            RngSeed::Fixed(0x5eed_f022)
        },
        max_shrink_iters: 2_000,
        ..env
    }
}

/// Checks that a rejected input's error is located inside `text` and names `path`.
pub fn assert_located(path: &str, text: &str, e: &scenario::ScenarioError) {
    let shown = e.to_string();
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        e.line >= 1 && e.line <= lines.len(),
        "line {} of {}: {shown}",
        e.line,
        lines.len()
    );
    let width = lines[e.line - 1].chars().count();
    assert!(
        e.column >= 1 && e.column <= width + 1,
        "column {} of a line of {width} characters: {shown}",
        e.column
    );
    assert!(
        shown.starts_with("error: ")
            && shown.contains(&format!("--> {path}:{}:{}", e.line, e.column)),
        "{shown}"
    );
}

/// Parses, runs and judges `text` as `sim run --policy random --seed SEED` does, under the
/// step budget, and returns the failures it reports (`None`: rejected at load with a
/// located error). Panics, failing the test, on a panic, a stack overflow, a run past the
/// budget or one that takes longer than [`BOUND`].
pub fn judge(text: &str, seed: u64) -> Option<Vec<String>> {
    // A stack overflow aborts the process before proptest can report the input: a campaign
    // sets `SIM_FUZZ_LAST` to a file that holds the input being judged.
    if let Some(path) = std::env::var_os("SIM_FUZZ_LAST") {
        std::fs::write(path, text).unwrap();
    }
    let text = text.to_string();
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let result = match scenario::parse("mutant.toml", &text) {
                Err(e) => {
                    assert_located("mutant.toml", &text, &e);
                    None
                }
                Ok(mut scn) => {
                    scn.limits.max_steps = scn.limits.max_steps.min(STEPS);
                    scn.limits.max_tasks = scn.limits.max_tasks.min(300);
                    scn.limits.max_output = scn.limits.max_output.min(64 << 10);
                    let scn = Arc::new(scn);
                    let sim = Sim::new().policy(Policy::Random).seed(seed);
                    let report = interp::run(&scn, &sim);
                    ran_within(&report, STEPS);
                    Some(expect::failures(&scn, &report))
                }
            };
            let _ = tx.send(());
            result
        })
        .unwrap();
    if rx.recv_timeout(BOUND).is_err() && !worker.is_finished() {
        panic!("no end after {BOUND:?}");
    }
    let result = worker.join().expect("no panic and no stack overflow");
    assert!(started.elapsed() <= BOUND, "took {:?}", started.elapsed());
    result
}

/// One edit of a scenario's text.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Cut the text at a character.
    Truncate(Index),
    /// Replace a number with an extreme value.
    Number(Index, &'static str),
    /// Replace a quoted string's contents.
    Text(Index, Filler),
    /// Replace a quoted string's contents with another string of the file (a lock's name
    /// where a task's belongs, a template where a number does).
    SwapStrings(Index, Index),
    /// Wrap a step in this many `repeat` steps.
    Nest(Index, usize),
    /// Insert a step before a step, and append the tables it needs.
    Insert(Index, (&'static str, &'static str)),
}

/// What a string's contents become.
#[derive(Clone, Debug)]
enum Filler {
    Fixed(&'static str),
    /// The character repeated this many times.
    Long(char, usize),
    /// An expression nested this deep: `((((1))))`, `- - - 1`, `not not true`, `[[[]]]`.
    Deep(&'static str, &'static str, &'static str, usize),
}

impl Filler {
    fn text(&self) -> String {
        match self {
            Filler::Fixed(s) => (*s).to_string(),
            Filler::Long(c, n) => std::iter::repeat_n(*c, *n).collect(),
            Filler::Deep(open, mid, close, n) => {
                format!("{}{mid}{}", open.repeat(*n), close.repeat(*n))
            }
        }
    }
}

const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999999",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "0.0000000001",
    "4294967296",
    "1_000_000_000_000",
];

const FILLERS: &[&str] = &[
    "",
    " ",
    "nope",
    "{nope}",
    "{",
    "}",
    "{{",
    "{i",
    "{i}",
    "{i}{i}{i}",
    "{x:nope}",
    "{job.99999999999999999999}",
    "é\u{202e}😀\u{0301}",
    "\\u0000",
    "\\\\",
    "\\\"",
    "1e308",
    "nan",
    "-1",
    "18446744073709551615",
    "{i} / 0",
    "{i} // 0",
    "9223372036854775807 * 9223372036854775807",
    "'a' * 9223372036854775807",
    "[1] + 'a'",
    "q.qsize()",
    "nope.done()",
    "loop.time() + 1e308",
    "a.b.c.d.e",
    "1 < 2 < 3",
    "main",
];

/// A step that refers to something missing, never ends, recurses or waits in a cycle, and
/// the tables it needs (appended to the file).
const INSERTS: &[(&str, &str)] = &[
    ("{ acquire = \"fz_missing\" }", ""),
    ("{ await = \"fz_missing\" }", ""),
    ("{ spawn = \"fz_missing\" }", ""),
    ("{ put = \"fz_missing\", value = 1 }", ""),
    ("{ get = \"fz_missing\" }", ""),
    ("{ wait_event = \"fz_missing\" }", ""),
    ("{ log = \"{fz_missing}\" }", ""),
    ("{ cancel = \"fz_missing\" }", ""),
    ("{ set = \"fz_missing\", value = 1 }", ""),
    (
        "{ spawn = \"fz_x\", as = \"fz_hx\" }, { spawn = \"fz_y\" }, { await = \"fz_hx\" }",
        "[events.fz_e1]\n[events.fz_e2]\n[tasks.fz_x]\nsteps = [{ wait_event = \"fz_e1\" }, { set_event = \"fz_e2\" }]\n[tasks.fz_y]\nsteps = [{ wait_event = \"fz_e2\" }, { set_event = \"fz_e1\" }]\n",
    ),
    (
        "{ spawn = \"fz_ab\", as = \"fz_h1\" }, { spawn = \"fz_ba\", as = \"fz_h2\" }, { await = \"fz_h1\" }, { await = \"fz_h2\" }",
        "[locks.fz_a]\n[locks.fz_b]\n[tasks.fz_ab]\nsteps = [{ acquire = \"fz_a\" }, { sleep = 1 }, { acquire = \"fz_b\" }]\n[tasks.fz_ba]\nsteps = [{ acquire = \"fz_b\" }, { sleep = 1 }, { acquire = \"fz_a\" }]\n",
    ),
    (
        "{ call = \"fz_rec\" }",
        "[tasks.fz_rec]\nsteps = [{ call = \"fz_rec\" }]\n",
    ),
    (
        "{ spawn = \"fz_fork\" }",
        "[tasks.fz_fork]\nsteps = [{ spawn = \"fz_fork\" }, { spawn = \"fz_fork\" }, { sleep = 1 }]\n",
    ),
    (
        "{ spawn = \"fz_fork\", count = 1000000000 }",
        "[tasks.fz_fork]\nsteps = [{ sleep = 1e300 }]\n",
    ),
    ("{ while_before = 1e300, do = [{ sleep = 1e-9 }] }", ""),
    ("{ repeat = 18446744073709551615, do = [] }", ""),
    ("{ sleep = 1e300 }", ""),
    ("{ wait_event = \"fz_never\" }", "[events.fz_never]\n"),
    ("{ get = \"fz_q\" }", "[queues.fz_q]\n"),
    (
        "{ put = \"fz_q\", value = 1 }, { put = \"fz_q\", value = 2 }",
        "[queues.fz_q]\nmaxsize = 1\n",
    ),
    (
        "{ join = \"fz_q\" }",
        "[queues.fz_q]\n[tasks.fz_put]\nsteps = [{ put = \"fz_q\", value = 1 }]\n",
    ),
    (
        "{ let = \"fz_s\", value = \"ab\" }, { repeat = 80, do = [{ let = \"fz_s\", value = \"{fz_s}{fz_s}\" }] }",
        "",
    ),
    ("{ wait_condition = \"fz_c\" }", "[conditions.fz_c]\n"),
    ("{ release = \"fz_l\" }", "[locks.fz_l]\n"),
    (
        "{ create_future = \"fz_f\" }, { set_result = \"fz_f\", value = [\"{fz_f}\"] }, { log = \"{fz_f}\" }",
        "",
    ),
    (
        "{ create_future = \"fz_p\" }, { repeat = 1000, do = [{ create_future = \"fz_f\" }, { set_result = \"fz_f\", value = \"{fz_p}\" }, { let = \"fz_p\", value = \"{fz_f}\" }] }",
        "",
    ),
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let filler = prop_oneof![
        4 => prop::sample::select(FILLERS).prop_map(Filler::Fixed),
        1 => (prop::sample::select(vec!['x', 'é', '{', '[', '(', '😀']), 1usize..200_000)
            .prop_map(|(c, n)| Filler::Long(c, n)),
        1 => (
            prop::sample::select(vec![
                ("(", "1", ")"),
                ("- ", "1", ""),
                ("not ", "true", ""),
                ("[", "", "]"),
                ("{", "i", "}"),
                ("(1 + ", "1", ")"),
            ]),
            prop::sample::select(vec![2usize, 31, 32, 33, 100, 1000, 20_000]),
        )
            .prop_map(|((o, m, c), n)| Filler::Deep(o, m, c, n)),
    ];
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        3 => (any::<Index>(), prop::sample::select(EXTREMES)).prop_map(|(i, v)| Mutation::Number(i, v)),
        3 => (any::<Index>(), filler).prop_map(|(i, f)| Mutation::Text(i, f)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapStrings(a, b)),
        1 => (any::<Index>(), prop::sample::select(vec![1usize, 31, 32, 33, 200, 5_000]))
            .prop_map(|(i, n)| Mutation::Nest(i, n)),
        3 => (any::<Index>(), prop::sample::select(INSERTS)).prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

/// The byte ranges of the numbers of `text` (digit runs not inside a word).
fn numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if b[i].is_ascii_digit() && !word {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b".eE_".contains(&b[i])) {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

/// The byte ranges of the contents of the double-quoted strings of `text`.
fn strings(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut open = None;
    let mut i = 0;
    while i < b.len() {
        match (b[i], open) {
            (b'\\', Some(_)) => i += 1,
            (b'"', None) => open = Some(i + 1),
            (b'"', Some(start)) => {
                out.push(start..i);
                open = None;
            }
            (b'\n', Some(_)) => open = None,
            _ => {}
        }
        i += 1;
    }
    out
}

/// The byte offsets where a step written on its own line starts (`{ ` after indentation).
fn step_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start().starts_with("{ ") {
            out.push(at + indent);
        }
        at += line.len();
    }
    out
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let splice = |range: std::ops::Range<usize>, with: &str| {
        format!("{}{with}{}", &text[..range.start], &text[range.end..])
    };
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(lines.len()));
            lines.join("\n")
        }
        Mutation::DuplicateLine(i) => {
            let at = i.index(lines.len());
            lines.insert(at, lines[at]);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let n = lines.len();
            lines.swap(a.index(n), b.index(n));
            lines.join("\n")
        }
        Mutation::Truncate(i) => {
            let cut: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
            match cut.len() {
                0 => String::new(),
                n => text[..cut[i.index(n)]].to_string(),
            }
        }
        Mutation::Number(i, v) => match numbers(text) {
            all if all.is_empty() => text.to_string(),
            all => splice(all[i.index(all.len())].clone(), v),
        },
        Mutation::Text(i, f) => match strings(text) {
            all if all.is_empty() => text.to_string(),
            all => splice(all[i.index(all.len())].clone(), &f.text()),
        },
        Mutation::SwapStrings(a, b) => match strings(text) {
            all if all.is_empty() => text.to_string(),
            all => {
                let from = text[all[b.index(all.len())].clone()].to_string();
                splice(all[a.index(all.len())].clone(), &from)
            }
        },
        Mutation::Nest(i, depth) => match step_lines(text) {
            all if all.is_empty() => text.to_string(),
            all => {
                let at = all[i.index(all.len())];
                // The step ends at the `}` that closes its `{` on that line.
                let mut level = 0;
                let mut end = None;
                for (k, c) in text[at..].char_indices() {
                    match c {
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                end = Some(at + k + 1);
                                break;
                            }
                        }
                        '\n' => break,
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return text.to_string();
                };
                let open = "{ repeat = 1, do = [".repeat(*depth);
                let close = "] }".repeat(*depth);
                format!(
                    "{}{open}{}{close}{}",
                    &text[..at],
                    &text[at..end],
                    &text[end..]
                )
            }
        },
        Mutation::Insert(i, (step, tables)) => match step_lines(text) {
            all if all.is_empty() => format!("{text}\n{tables}"),
            all => {
                let at = all[i.index(all.len())];
                format!("{}{step}, {}\n{tables}", &text[..at], &text[at..])
            }
        },
    }
}

/// Mutants that once broke the pipeline (each pinned by a regression test in `errors.rs`
/// or `limits.rs` too) or that cover a rule the random cases rarely reach.
const SEEDS: &[&str] = &[
    "[main]\nsteps = [{ sleep = 1 }]\n",
    // A future holding itself: its repr recursed until the stack overflowed.
    "[main]\nsteps = [{ create_future = \"f\" }, { set_result = \"f\", value = \"{f}\" }, { log = \"{f} {f.result()}\" }]",
    // A chain of futures 100,000 long: dropping it overflowed the stack.
    "[main]\nsteps = [{ create_future = \"p\" }, { repeat = 100000, do = [{ create_future = \"f\" }, { set_result = \"f\", value = \"{p}\" }, { let = \"p\", value = \"{f}\" }] }]",
    // `{v:type}` of a list nested 31 deep doubled its text per level.
    "[main]\nsteps = [{ let = \"v\", expr = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\" }, { log = \"{v:type}\" }]",
];

#[test]
fn known_mutants_are_handled() {
    for text in SEEDS {
        judge(text, 0);
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// One to three mutations of a bundled scenario: a located error or a bounded run.
    #[test]
    fn mutated_bundled_scenarios_fail_located_or_run_bounded(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        seed in 0u64..4,
    ) {
        let all = bundled();
        let mut text = all[which.index(all.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        judge(&text, seed);
    }
}

/// Runs `sim ARGS` in `dir`, killed after [`BOUND`]: its exit code and standard error.
fn sim_bounded(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    use std::io::Read as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sim"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Standard error is read on a thread so that a full pipe cannot stall the child.
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sim {args:?} ran past {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().unwrap();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {stderr}"));
    (code, stderr)
}

proptest! {
    #![proptest_config(config(8))]

    /// The binary on a mutant, in every output format and under `explore`: exit 0, 1 or 2,
    /// a located error on 2 (or a FAILED report on 1), no panic, within the bound.
    #[test]
    fn the_binary_handles_mutants_in_every_format(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..3),
        format in prop::sample::select(vec!["text", "logs", "jsonl", "chrome", "html"]),
        explore in any::<bool>(),
    ) {
        let all = bundled();
        let mut text = all[which.index(all.len())].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        let dir = scratch("mutants");
        std::fs::write(dir.join("m.toml"), &text).unwrap();
        let steps = STEPS.to_string();
        let limits = ["--max-steps", steps.as_str(), "--max-tasks", "300", "--max-output", "65536"];
        let args: Vec<&str> = if explore {
            [&["explore", "m.toml", "--runs", "3", "--jobs", "2"][..], &limits].concat()
        } else {
            [&["run", "m.toml", "--policy", "random", "--format", format, "--out", "out"][..], &limits].concat()
        };
        let (code, stderr) = sim_bounded(&dir, &args);
        std::fs::remove_dir_all(&dir).unwrap();
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        match code {
            0 | 1 => {}
            2 => prop_assert!(stderr.contains("error: ") && stderr.contains("--> m.toml:"), "{stderr}"),
            _ => prop_assert!(false, "exit {code}: {stderr}"),
        }
    }
}

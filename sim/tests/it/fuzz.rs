//! Fuzzing the scenario parser with proptest: arbitrary text and mutated bundled scenarios
//! must give either a valid scenario or a located error, never a panic. Inputs that once
//! broke something are kept in `REGRESSIONS`.

use proptest::prelude::*;
use simloop_cli::scenario;

use crate::support::bundled;

/// Parses `text` and checks the error, if any, is located inside the text.
fn parse_is_total(text: &str) {
    match scenario::parse("fuzz.toml", text) {
        Ok(scn) => assert_eq!(scn.path, "fuzz.toml"),
        Err(e) => {
            let lines = text.split('\n').count();
            assert!(
                e.line >= 1 && e.line <= lines.max(1),
                "line {} of {lines}: {e}",
                e.line
            );
            assert!(e.column >= 1);
            let shown = e.to_string();
            assert!(
                shown.starts_with("error: ")
                    && shown.contains(&format!("fuzz.toml:{}:{}", e.line, e.column)),
                "{shown}"
            );
        }
    }
}

/// Inputs that exercised edge cases in span handling, templates and validation.
const REGRESSIONS: &[&str] = &[
    "",
    "\u{feff}",
    "[main]",
    "[main]\r\nsteps = [{ slep = 1 }]\r\n",
    "[main]\nsteps = [{ log = \"é{\" }]",
    "[main]\nsteps = [{ log = \"}\" }]",
    "[main]\nsteps = [{ log = \"{{}}\" }]",
    "[main]\nsteps = [{ log = \"{é}\" }]",
    "ü = 1",
    "[main]\nsteps = [{}]",
    "[main]\nsteps = [{ sleep = 1e300 }]",
    "[main]\nsteps = [{ sleep = nan }]",
    "[main]\nsteps = [{ while_before = inf, do = [] }]",
    "[main]\nsteps = [{ sleep = { min = 5, max = 1 } }]",
    "[main]\nsteps = [{ random = \"x\", from = 5, to = 1 }]",
    "[main]\nsteps = [{ let = \"x\", value = [[1, [2]], \"{i}\"] }]",
    "[main]\nsteps = [{ if = \"\", do = [] }]",
    "[main]\nsteps = [{ if = \"{i} <\", do = [] }]",
    "[main]\nsteps = [{ spawn = \"\" }]",
    "[main]\nparams = [\"x\"]\nsteps = []",
    "[tasks.t]\nparams = [\"i\"]\n[main]\nsteps = []",
    "[tasks.t]\nparams = [\"a\", \"a\"]\n[main]\nsteps = []",
    "[vars]\n\"a b\" = 1\n[main]\nsteps = []",
    "[main]\nsteps = []\n[expect]\ninvariants = [\"{nope} > 1\"]",
    "[main]\nsteps = []\n[check]\nexplore = -1",
    "[main]\nsteps = [{ yield = -1 }]",
    "[main]\nsteps = [{ spawn = \"t\", count = -2 }]\n[tasks.t]\nsteps = []",
    "[main]\nsteps = [{ gather = [] }]",
    "[main]\nsteps = [{ gather = [{ call = \"t\" }, { await = \"x\" }] }]\n[tasks.t]\nsteps = []",
    "[main]\nsteps = [{ wait = [] }]",
    "[main]\nsteps = [{ with = \"nope\", do = [] }]",
    "[queues.q]\nmaxsize = 99999999999\n[main]\nsteps = []",
    "[conditions.c]\n[main]\nsteps = [{ notify = \"c\", n = -1 }]",
    "[conditions.c]\n[main]\nsteps = [{ wait_condition = \"c\", until = \"\" }]",
    "[main]\nsteps = [{ log = \"{x:type}{y.0.1}\" }]",
    "[main]\nsteps = [{ wait_for = \"{i}\", do = [] }]",
];

#[test]
fn regression_inputs_parse_or_fail_located() {
    for text in REGRESSIONS {
        parse_is_total(text);
    }
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut t: Vec<char> = text.chars().collect();
    for e in edits {
        let n = t.len().max(1);
        match e {
            Edit::Delete(at, len) => {
                let at = at % n;
                let end = (at + len).min(t.len());
                if at < t.len() {
                    t.drain(at..end);
                }
            }
            Edit::Insert(at, s) => {
                let at = (at % n).min(t.len());
                t.splice(at..at, s.chars());
            }
            Edit::Duplicate(at, len) => {
                let at = (at % n).min(t.len());
                let end = (at + len).min(t.len());
                let piece: Vec<char> = t[at..end].to_vec();
                t.splice(at..at, piece);
            }
        }
    }
    t.into_iter().collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(a, l)| Edit::Delete(a, l)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                "{", "}", "[", "]", "\"", "=", ",", "\n", "{x}", "sleep", "as", " = 1", "é", "-1",
                "do = [", "\"{i}\""
            ])
        )
            .prop_map(|(a, s)| Edit::Insert(a, s.to_string())),
        (any::<usize>(), 1usize..40).prop_map(|(a, l)| Edit::Duplicate(a, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "[\\[\\]{}=\",.a-z0-9_ \\n#'é\\t-]{0,160}") {
        parse_is_total(&text);
    }

    #[test]
    fn mutated_scenarios_never_panic(which in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..4)) {
        let all = bundled();
        let text = apply(&all[which.index(all.len())], &edits);
        parse_is_total(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any seed of any bundled scenario: the interpreter does not panic (task panics would
    /// surface as `Panic` exceptions or run errors) and the same seed gives the same trace.
    #[test]
    fn bundled_scenarios_run_deterministically_under_any_seed(which in any::<prop::sample::Index>(), seed in any::<u64>()) {
        use std::sync::Arc;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
        files.sort();
        let file = &files[which.index(files.len())];
        let scn = Arc::new(scenario::load(file.to_str().unwrap()).unwrap());
        let sim = simloop::Sim::new().policy(simloop::Policy::Random).seed(seed);
        let a = simloop_cli::interp::run(&scn, &sim);
        let b = simloop_cli::interp::run(&scn, &sim);
        prop_assert_eq!(a.outcome.trace.render(), b.outcome.trace.render());
        prop_assert!(a.outcome.unobserved_panics.is_empty(), "{:?}", a.outcome.unobserved_panics);
        prop_assert!(!matches!(a.outcome.result, Err(simloop::RunError::MainPanicked { .. })), "{:?}", a.outcome.result);
    }
}

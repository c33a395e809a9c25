//! Validating a whole file: declarations, task templates, `[expect]`, `[check]`, and
//! turning toml/serde errors into located ones.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use toml::Spanned;

use super::locals::Known;
use super::{Cx, Scope, has_return, is_ident};
use crate::scenario::error::{ScenarioError, closest};
use crate::scenario::expr::Want;
use crate::scenario::model::*;
use crate::scenario::prim::*;
use crate::scenario::raw::*;
use crate::scenario::steps::*;
use crate::scenario::template::Template;

/// The most random seeds `[check] explore` may ask: `sim check` is a quick gate over a
/// folder of scenarios, not a long search.
pub const MAX_CHECK_RUNS: u64 = 1000;

/// Parses and validates a scenario file's text; `path` only names the file in errors.
///
/// # Examples
///
/// ```
/// use simloop_cli::scenario::parse;
///
/// let scn = parse("ok.toml", "[main]\nsteps = [{ log = \"hi\" }]\n").unwrap();
/// assert_eq!(scn.name, "ok");
///
/// let err = parse("bad.toml", "[main]\nsteps = [{ slep = 1 }]\n").unwrap_err();
/// assert_eq!((err.line, err.column), (2, 12));
/// assert_eq!(err.hint.as_deref(), Some("did you mean `sleep`?"));
/// ```
pub fn parse(path: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let raw: RawScenario = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let mut names_seen = BTreeSet::new();
    let decls = raw
        .vars
        .keys()
        .chain(raw.semaphores.keys())
        .chain(raw.locks.keys())
        .chain(raw.events.keys())
        .chain(raw.conditions.keys())
        .chain(raw.queues.keys())
        .chain(raw.barriers.keys());
    for k in decls {
        if !is_ident(k.get_ref()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` is not a valid name", k.get_ref()),
            )
            .hint("names use letters, digits and `_`"));
        }
        if !names_seen.insert(k.get_ref().clone()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` is declared twice", k.get_ref()),
            )
            .hint("each variable and primitive needs its own name"));
        }
    }
    let names = |m: Vec<&Spanned<String>>| -> Vec<String> {
        m.into_iter().map(|k| k.get_ref().clone()).collect()
    };
    let locks = names(raw.locks.keys().collect());
    let events = names(raw.events.keys().collect());
    let conditions = names(raw.conditions.keys().collect());
    let mut queues = Vec::new();
    for (k, q) in &raw.queues {
        if q.get_ref().maxsize < 0 {
            return Err(ScenarioError::at(
                path,
                text,
                q.span(),
                "a queue's maxsize cannot be negative",
            )
            .hint("0 means unbounded"));
        }
        let kind = match &q.get_ref().kind {
            None => QueueKind::Fifo,
            Some(k) => match k.get_ref().as_str() {
                "fifo" => QueueKind::Fifo,
                "lifo" => QueueKind::Lifo,
                "priority" => QueueKind::Priority,
                other => {
                    return Err(ScenarioError::at(
                        path,
                        text,
                        k.span(),
                        format!("unknown queue kind `{other}`"),
                    )
                    .hint("use \"fifo\" (asyncio.Queue, the default), \"lifo\" (LifoQueue) or \"priority\" (PriorityQueue)"));
                }
            },
        };
        queues.push(QueueDecl {
            name: k.get_ref().clone(),
            maxsize: q.get_ref().maxsize as usize,
            kind,
        });
    }
    let mut barriers = Vec::new();
    for (k, b) in &raw.barriers {
        let parties = &b.get_ref().parties;
        if *parties.get_ref() < 1 {
            return Err(ScenarioError::at(
                path,
                text,
                parties.span(),
                "a barrier needs at least one party",
            )
            .hint(
                "`parties` is how many tasks must wait for the barrier to open, e.g. `parties = 3`",
            ));
        }
        barriers.push((k.get_ref().clone(), *parties.get_ref() as usize));
    }
    let mut vars: Vec<(String, Literal)> = Vec::new();
    for (k, v) in &raw.vars {
        let initial = match v.get_ref() {
            Scalar::Int(i) => Literal::Int(*i),
            Scalar::Float(f) if f.is_finite() => Literal::Float(*f),
            _ => {
                return Err(ScenarioError::at(
                    path,
                    text,
                    v.span(),
                    "a shared variable holds a number",
                )
                .hint("e.g. `counter = 0` (an integer) or `total = 0.0` (a float); keep other values in a local (`let`)"));
            }
        };
        vars.push((k.get_ref().clone(), initial));
    }
    let mut semaphores = Vec::new();
    for (k, v) in &raw.semaphores {
        let s = v.get_ref();
        if *s.value.get_ref() < 0 {
            return Err(ScenarioError::at(
                path,
                text,
                s.value.span(),
                "a semaphore's initial value cannot be negative",
            ));
        }
        semaphores.push(SemaphoreDecl {
            name: k.get_ref().clone(),
            value: *s.value.get_ref() as u64,
            bounded: s.bounded,
        });
    }
    let mut task_keys = Vec::new();
    let mut task_params = Vec::new();
    for (k, t) in &raw.tasks {
        if k.get_ref() == "main" || !is_ident(k.get_ref()) {
            return Err(ScenarioError::at(
                path,
                text,
                k.span(),
                format!("`{}` cannot name a task template", k.get_ref()),
            )
            .hint("use letters, digits and `_`; `main` is the [main] table"));
        }
        let mut ps: Vec<String> = Vec::new();
        for p in &t.get_ref().params {
            if !is_ident(p.get_ref()) || p.get_ref() == "i" || ps.contains(p.get_ref()) {
                return Err(ScenarioError::at(
                    path,
                    text,
                    p.span(),
                    format!("bad parameter name `{}`", p.get_ref()),
                )
                .hint(
                    "parameters are distinct names; `i` is reserved for the index within a `count`",
                ));
            }
            ps.push(p.get_ref().clone());
        }
        task_keys.push(k.get_ref().clone());
        task_params.push(ps);
    }
    let mut prims: Vec<(String, Prim)> = Vec::new();
    prims.extend(
        semaphores
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), Prim::Semaphore(i))),
    );
    prims.extend(
        locks
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Lock(i))),
    );
    prims.extend(
        events
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Event(i))),
    );
    prims.extend(
        conditions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), Prim::Condition(i))),
    );
    prims.extend(
        queues
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), Prim::Queue(i))),
    );
    prims.extend(
        barriers
            .iter()
            .enumerate()
            .map(|(i, s)| (s.0.clone(), Prim::Barrier(i))),
    );
    let mut named = BTreeSet::new();
    for t in raw.tasks.values().chain([&raw.main]) {
        callback_names(&t.get_ref().steps, &mut named);
    }
    let callbacks: Vec<String> = named.into_iter().collect();
    let cx = Cx {
        path,
        text,
        prims: prims.clone(),
        task_keys,
        task_params,
        vars: vars.iter().map(|v| v.0.clone()).collect(),
        float_vars: vars
            .iter()
            .map(|v| matches!(v.1, Literal::Float(_)))
            .collect(),
        callbacks: callbacks.clone(),
    };
    let task_def =
        |key: &str, t: &Spanned<RawTask>, params: Vec<String>| -> Result<TaskDef, ScenarioError> {
            let mut scope = Scope {
                names: params.iter().cloned().chain(["i".to_string()]).collect(),
                known: Rc::new(Known::of_template(&params, &t.get_ref().steps)),
            };
            let name = match &t.get_ref().name {
                Some(n) => cx.template(n, &scope)?,
                None => Template::literal(key),
            };
            let steps = cx.steps(&t.get_ref().steps, &mut scope)?;
            Ok(TaskDef {
                key: key.to_string(),
                name,
                steps,
            })
        };
    let mut tasks = Vec::new();
    for (i, (k, t)) in raw.tasks.iter().enumerate() {
        tasks.push(task_def(k.get_ref(), t, cx.task_params[i].clone())?);
    }
    if !raw.main.get_ref().params.is_empty() {
        return Err(ScenarioError::at(
            path,
            text,
            raw.main.get_ref().params[0].span(),
            "the main task takes no parameters",
        ));
    }
    let main = task_def("main", &raw.main, Vec::new())?;
    let expect = match &raw.expect {
        Some(e) => expectations(&cx, e, &semaphores, &main)?,
        None => Expect {
            no_deadlock: true,
            ..Expect::default()
        },
    };
    let check = match &raw.check {
        None => Check::default(),
        Some(c) => {
            let c = c.get_ref();
            let explore = match &c.explore {
                Some(n) if *n.get_ref() < 0 => {
                    return Err(cx.err(n.span(), "`explore` counts runs; it cannot be negative"));
                }
                Some(n) if *n.get_ref() as u64 > MAX_CHECK_RUNS => {
                    return Err(cx
                        .err(
                            n.span(),
                            format!("`sim check` explores at most {MAX_CHECK_RUNS} seeds"),
                        )
                        .hint("`sim check` is a quick gate; search longer with `sim explore FILE --runs N`"));
                }
                Some(n) => *n.get_ref() as u64,
                None => 0,
            };
            let verdict = match &c.expect {
                None => Verdict::Pass,
                Some(v) if v.get_ref() == "pass" => Verdict::Pass,
                Some(v) if v.get_ref() == "bug" => {
                    if explore == 0 {
                        return Err(cx
                            .err(v.span(), "`expect = \"bug\"` needs runs to find the bug in")
                            .hint("add `explore = 200` to [check]"));
                    }
                    Verdict::Bug
                }
                Some(v) => {
                    return Err(cx
                        .err(v.span(), format!("unknown verdict `{}`", v.get_ref()))
                        .hint("use \"pass\" or \"bug\""));
                }
            };
            let policies = match &c.policies {
                None => vec![simloop::Policy::Random],
                Some(list) => check_policies(&cx, list)?,
            };
            Check {
                explore,
                verdict,
                policies,
            }
        }
    };
    let mut limits = match &raw.limits {
        Some(l) => limits(&cx, l.get_ref())?,
        None => Limits::default(),
    };
    // A cycle is a deadlock as it forms unless a task may cancel another (a watchdog may
    // break it later); `partial_deadlocks` in [limits] says otherwise.
    let cancels = |s: &Step| matches!(s, Step::Cancel { .. } | Step::TaskGroup { .. });
    limits.partial_deadlocks = raw
        .limits
        .as_ref()
        .and_then(|l| l.get_ref().partial_deadlocks.as_ref())
        .map_or_else(
            || {
                !std::iter::once(&main)
                    .chain(&tasks)
                    .any(|t| any_step(&t.steps, &cancels))
            },
            |p| *p.get_ref(),
        );
    Ok(Scenario {
        limits,
        fingerprint: fingerprint(text),
        path: path.to_string(),
        name: raw.name.map(|n| n.into_inner()).unwrap_or_else(|| {
            std::path::Path::new(path)
                .file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
        }),
        description: raw.description.map(|d| d.into_inner()).unwrap_or_default(),
        vars,
        semaphores,
        locks,
        events,
        conditions,
        queues,
        barriers,
        prims,
        tasks,
        main,
        expect,
        check,
        callbacks,
        eager_tasks: raw.eager_tasks.is_some_and(|e| e.into_inner()),
    })
}

/// Adds the names of `steps`' named done-callbacks (`callback` of an `add_done_callback`),
/// nested blocks included, to `into`.
fn callback_names(steps: &[Spanned<RawStep>], into: &mut BTreeSet<String>) {
    for s in steps {
        let r = s.get_ref();
        if let (Some(_), Some(c)) = (&r.add_done_callback, &r.callback) {
            into.insert(c.get_ref().clone());
        }
        for block in r.blocks() {
            callback_names(block, into);
        }
    }
}

/// `[check] policies`: each spelled as on the command line (`"random"`, `"pct:D"`), none
/// twice, at least one.
fn check_policies(
    cx: &Cx,
    list: &Spanned<Vec<Spanned<String>>>,
) -> Result<Vec<simloop::Policy>, ScenarioError> {
    if list.get_ref().is_empty() {
        return Err(cx
            .err(list.span(), "`policies` lists no policy")
            .hint("leave it out for random, or write e.g. policies = [\"random\", \"pct:3\"]"));
    }
    let mut policies = Vec::new();
    for p in list.get_ref() {
        let text = p.get_ref();
        let policy = match text.strip_prefix("pct:") {
            Some(depth) => format!("pct{depth}").parse::<simloop::Policy>().ok(),
            None if text == "random" => Some(simloop::Policy::Random),
            None => None,
        };
        let Some(policy) = policy else {
            return Err(cx
                .err(p.span(), format!("unknown policy `{text}` for `sim check`"))
                .hint("use \"random\" or \"pct:D\" with D >= 1 (the FIFO run is always made)"));
        };
        if policies.contains(&policy) {
            return Err(cx.err(p.span(), format!("`{text}` is listed twice")));
        }
        policies.push(policy);
    }
    Ok(policies)
}

fn expectations(
    cx: &Cx<'_>,
    e: &Spanned<RawExpect>,
    sems: &[SemaphoreDecl],
    main: &TaskDef,
) -> Result<Expect, ScenarioError> {
    let r = e.get_ref();
    let mut out = Expect {
        no_deadlock: r.no_deadlock.as_ref().is_none_or(|b| *b.get_ref()),
        ..Expect::default()
    };
    if let Some(res) = &r.result {
        if res.get_ref() != "None" && !has_return(&main.steps) {
            return Err(cx.err(res.span(), "impossible expectation: [main] has no `return` step, so its result is always None").hint("add `{ return = \"{results}\" }` to [main], or expect \"None\""));
        }
        out.result = Some(res.get_ref().clone());
    }
    out.logs = r.logs.as_ref().map(|l| l.get_ref().clone());
    out.contains = r.contains.iter().map(|s| s.get_ref().clone()).collect();
    for n in &r.not_contains {
        if out.contains.contains(n.get_ref()) {
            return Err(cx.err(
                n.span(),
                format!(
                    "impossible expectation: `{}` is both in `contains` and `not_contains`",
                    n.get_ref()
                ),
            ));
        }
        out.not_contains.push(n.get_ref().clone());
    }
    if r.order.len() == 1 {
        return Err(cx
            .err(
                r.order[0].span(),
                "an `order` needs at least two lines to order",
            )
            .hint("use `contains` for a single line"));
    }
    out.order = r.order.iter().map(|s| s.get_ref().clone()).collect();
    for (k, v) in &r.vars {
        let want = match v.get_ref() {
            Scalar::Int(i) => Literal::Int(*i),
            Scalar::Float(f) => Literal::Float(*f),
            _ => {
                return Err(cx
                    .err(
                        v.span(),
                        "impossible expectation: a shared variable holds a number",
                    )
                    .hint("e.g. `vars = { counter = 2, total = 1.5 }`"));
            }
        };
        out.vars.push((cx.var_ref(k)?, want));
    }
    for (k, v) in &r.max_concurrency {
        let Some(i) = sems.iter().position(|s| &s.name == k.get_ref()) else {
            let e = cx.err(k.span(), format!("undefined semaphore `{}`", k.get_ref()));
            return Err(
                match closest(k.get_ref(), sems.iter().map(|s| s.name.as_str())) {
                    Some(c) => e.hint(format!("did you mean `{c}`?")),
                    None => e.hint("declare it as [semaphores.NAME] with a `value`"),
                },
            );
        };
        if *v.get_ref() < 1 {
            return Err(cx
                .err(
                    v.span(),
                    "impossible expectation: a semaphore's holders are counted from 1",
                )
                .hint("use 1 or more"));
        }
        out.max_concurrency.push((i, *v.get_ref() as u64));
    }
    for inv in &r.invariants {
        out.invariants.push(cx.expr(inv, None, Want::Bool)?);
    }
    if let Some(t) = &r.elapsed {
        let Some(d) = seconds(*t.get_ref()) else {
            return Err(cx
                .err(
                    t.span(),
                    "impossible expectation: `elapsed` is a non-negative number of seconds",
                )
                .hint("at most 1e9 seconds"));
        };
        out.elapsed = Some(d);
    }
    Ok(out)
}

/// The program's fingerprint: FNV-1a over the file parsed as TOML and written back without
/// the tables that do not change what runs (so comments, layout, titles, expectations and
/// limits can change without invalidating a token).
fn fingerprint(text: &str) -> u32 {
    use std::hash::Hasher as _;
    let Ok(mut table) = text.parse::<toml::Table>() else {
        return 0;
    };
    for key in ["name", "description", "expect", "check", "limits"] {
        table.remove(key);
    }
    let mut h = fnv::FnvHasher::default();
    h.write(table.to_string().as_bytes());
    let v = h.finish();
    (v ^ (v >> 32)) as u32
}

/// `[limits]`: positive whole numbers, and a time in seconds.
fn limits(cx: &Cx<'_>, r: &RawLimits) -> Result<Limits, ScenarioError> {
    let mut out = Limits::default();
    let count = |v: &Option<Spanned<i64>>, key: &str, default: u64| match v {
        None => Ok(default),
        Some(n) if *n.get_ref() >= 1 => Ok(*n.get_ref() as u64),
        Some(n) => Err(cx
            .err(
                n.span(),
                format!("`{key}` is a limit: a whole number of at least 1"),
            )
            .hint(format!("the default is {default}"))),
    };
    out.max_steps = count(&r.max_steps, "max_steps", Limits::STEPS)?;
    out.max_tasks = count(&r.max_tasks, "max_tasks", Limits::TASKS)?;
    out.max_output = count(&r.max_output, "max_output", Limits::OUTPUT)?;
    if let Some(t) = &r.max_time {
        let secs = match t.get_ref() {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            _ => None,
        };
        out.max_time = Some(match secs {
            Some(s) if s.is_finite() && s > 0.0 && s <= MAX_SECONDS => Duration::from_secs_f64(s),
            _ => {
                return Err(cx
                    .err(
                        t.span(),
                        "`max_time` is a number of virtual seconds above 0",
                    )
                    .hint(format!(
                        "at most {MAX_SECONDS:e} seconds, e.g. `max_time = 3600`"
                    )));
            }
        });
    }
    Ok(out)
}

/// Turns a toml/serde error into a located one, with a hint for misspelt keys.
fn toml_error(path: &str, text: &str, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().to_string();
    let first = msg.lines().next().unwrap_or("invalid scenario").to_string();
    if let Some(rest) = first.strip_prefix("unknown field `") {
        let word = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split('`')
            .skip(1)
            .filter(|s| !s.trim().is_empty() && !s.contains(',') && !s.contains("expected"))
            .collect();
        let err = ScenarioError::at(path, text, span, format!("unknown key `{word}`"));
        return match closest(word, expected.iter().copied()) {
            Some(c) => err.hint(format!("did you mean `{c}`?")),
            None if expected.len() <= 12 && !expected.is_empty() => {
                err.hint(format!("expected one of: {}", expected.join(", ")))
            }
            None => err.hint("see the scenario reference in scenarios/README.md"),
        };
    }
    if first.starts_with("missing field `main`") {
        return ScenarioError::at(path, text, span, "the scenario has no [main] table")
            .hint("add `[main]` with `steps = [...]`: the program's entry point");
    }
    let hint = if first.contains("did not match any variant") {
        "a sleep is seconds (`1.5`), a template (`\"{delay}\"`) or `{ min = 0, max = 5 }`; an argument is a number, string or boolean"
    } else if first.starts_with("invalid type") {
        "check the value's type against scenarios/README.md"
    } else {
        "scenario files are TOML; see scenarios/README.md"
    };
    ScenarioError::at(path, text, span, first).hint(hint)
}

//! Validating the steps on combinators (gather, wait_for and timeout, shield, wait,
//! as_completed, TaskGroup): their items, limits and bodies.

use super::locals::Use;
use super::{Cx, Scope, Span, bind_as, is_ident};
use crate::scenario::error::ScenarioError;
use crate::scenario::raw::*;
use crate::scenario::steps::*;

impl Cx<'_> {
    /// The step of `verb`, a combinator (`step` checked its keys).
    pub(super) fn combine_step(
        &self,
        verb: &str,
        r: &RawStep,
        vspan: Span,
        scope: &mut Scope,
    ) -> Result<Step, ScenarioError> {
        let bind = |scope: &mut Scope| bind_as(r, scope);
        Ok(match verb {
            "gather" => {
                let items = r.gather.as_ref().expect("present");
                let mut calls = Vec::new();
                let mut tasks = Vec::new();
                for item in items.get_ref() {
                    let mut inner = scope.inner();
                    match self.step(item, &mut inner)? {
                        Step::Call { invoke, bind: None } => calls.push(invoke),
                        Step::Await { target, bind: None } => {
                            let name = item.get_ref().await_.as_ref().expect("an await");
                            self.local_ref(name, scope, "task or future", Use::Gather)?;
                            tasks.push(target);
                        }
                        _ => {
                            return Err(self
                                .err(item.span(), "a gather item is a coroutine call or a task")
                                .hint("write `{ call = \"job\", args = {...} }` or `{ await = \"task\" }`, without `as`"));
                        }
                    }
                }
                let items = match (calls.is_empty(), tasks.is_empty()) {
                    (_, true) => GatherItems::Calls(calls),
                    (true, false) => GatherItems::Tasks(tasks),
                    (false, false) => {
                        return Err(self
                            .err(
                                items.span(),
                                "gather items are either all calls or all tasks",
                            )
                            .hint("spawn the calls first and gather the tasks"));
                    }
                };
                let return_exceptions = r.return_exceptions.as_ref().is_some_and(|b| *b.get_ref());
                let future = self.gather_future(r, scope)?;
                Step::Gather {
                    items,
                    return_exceptions,
                    bind: bind(scope),
                    future,
                }
            }
            "wait_for" | "timeout" => {
                let d = if verb == "wait_for" {
                    &r.wait_for
                } else {
                    &r.timeout
                };
                let d = d.as_ref().expect("present");
                // asyncio's `timeout(None)` / `wait_for(x, None)`: no deadline.
                let limit = match d.get_ref() {
                    Scalar::Str(s) if s == "None" => None,
                    _ => Some(self.limit(
                        d,
                        scope,
                        &format!("`{verb}` takes from 0 to 1e9 seconds, or \"None\""),
                        &format!("e.g. `{{ {verb} = 1.0, do = [...] }}`"),
                    )?),
                };
                // `async with asyncio.timeout(d) as cm:` binds the handle for the body (and
                // after it, as Python's `cm` stays bound); `wait_for` has none.
                let handle = match &r.as_ {
                    Some(a) if verb == "wait_for" => {
                        return Err(self
                            .err(a.span(), "`wait_for` has no handle to bind")
                            .hint("use `{ timeout = 1, as = \"cm\", do = [...] }` (asyncio.timeout) to reschedule it"));
                    }
                    Some(a) if !is_ident(a.get_ref()) => {
                        return Err(self.err(a.span(), "a local is a name like `cm`"));
                    }
                    _ => bind(scope),
                };
                let body = self.block(&r.do_, verb, vspan, scope)?;
                Step::Timeout {
                    limit,
                    body,
                    scope: verb == "timeout",
                    handle,
                }
            }
            "shield" => {
                let s = r.shield.as_ref().expect("present");
                match s.get_ref() {
                    RawShield::Steps(steps) => {
                        let mut inner = scope.inner();
                        let body = self.steps(steps, &mut inner)?;
                        Step::Shield {
                            body,
                            bind: bind(scope),
                        }
                    }
                    RawShield::Task(name) => {
                        let name = toml::Spanned::new(s.span(), name.clone());
                        let target = self.local_ref(&name, scope, "task or future", Use::Shield)?;
                        Step::ShieldTask {
                            target,
                            bind: bind(scope),
                        }
                    }
                }
            }
            "wait" | "as_completed" => {
                let names = if verb == "wait" {
                    &r.wait
                } else {
                    &r.as_completed
                };
                let names = names.as_ref().expect("present");
                if names.get_ref().is_empty() {
                    return Err(self
                        .err(names.span(), format!("`{verb}` needs at least one task"))
                        .hint("list locals bound by `spawn ... as`"));
                }
                let targets = names
                    .get_ref()
                    .iter()
                    .map(|n| self.local_ref(n, scope, "task or future", Use::Combine))
                    .collect::<Result<Vec<_>, _>>()?;
                let timeout = r
                    .timeout
                    .as_ref()
                    .map(|d| {
                        self.limit(
                            d,
                            scope,
                            &format!("`{verb}`'s timeout takes from 0 to 1e9 seconds"),
                            &format!("e.g. `{{ {verb} = [\"a\", \"b\"], timeout = 1.5 }}`"),
                        )
                    })
                    .transpose()?;
                if verb == "wait" {
                    let when = match r
                        .return_when
                        .as_ref()
                        .map(|w| (w.get_ref().as_str(), w.span()))
                    {
                        None | Some(("ALL_COMPLETED", _)) => WaitWhen::AllCompleted,
                        Some(("FIRST_COMPLETED", _)) => WaitWhen::FirstCompleted,
                        Some(("FIRST_EXCEPTION", _)) => WaitWhen::FirstException,
                        Some((other, span)) => {
                            return Err(self
                                .err(span, format!("unknown return_when `{other}`"))
                                .hint("use FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED"));
                        }
                    };
                    let pending = match &r.pending {
                        Some(p) if !is_ident(p.get_ref()) => {
                            return Err(self.err(p.span(), "a local is a name like `pending`"));
                        }
                        Some(p) => {
                            scope.names.insert(p.get_ref().clone());
                            Some(p.get_ref().clone())
                        }
                        None => None,
                    };
                    Step::Wait {
                        targets,
                        when,
                        timeout,
                        bind: bind(scope),
                        pending,
                    }
                } else {
                    let item = self.as_completed_item(r, scope)?;
                    let bind = bind(scope);
                    let body = self.block(&r.do_, verb, vspan, scope)?;
                    Step::AsCompleted {
                        targets,
                        timeout,
                        bind,
                        item,
                        body,
                    }
                }
            }
            "task_group" => {
                // `async with TaskGroup() as tg:` binds the group for the body and after it,
                // as Python's `tg` stays bound.
                let bind = match &r.as_ {
                    Some(a) if !is_ident(a.get_ref()) => {
                        return Err(self.err(a.span(), "a local is a name like `tg`"));
                    }
                    _ => bind(scope),
                };
                let body = self.steps(r.task_group.as_ref().expect("present").get_ref(), scope)?;
                Step::TaskGroup { body, bind }
            }
            other => unreachable!("not a combinator verb: {other}"),
        })
    }
}

impl Cx<'_> {
    /// The local a `gather ... future` binds (now in `scope`): a name, and not beside `as`
    /// (the gather is either awaited here or held).
    fn gather_future(
        &self,
        r: &RawStep,
        scope: &mut Scope,
    ) -> Result<Option<String>, ScenarioError> {
        self.held_local(
            r,
            scope,
            (
                "a gather's future is bound to a local: a name like `g`",
                "e.g. `{ gather = [...], future = \"g\" }`, then `{ await = \"g\", as = \"r\" }`",
            ),
            (
                "`as` binds an awaited gather's list; `future` holds the gather unawaited: use one",
                "hold it with `future = \"g\"`, then `{ await = \"g\", as = \"r\" }`",
            ),
        )
    }

    /// The local an `as_completed ... future` binds to each awaitable (now in `scope`): a
    /// name, and not beside `as` (each result is either awaited by the loop or by the body).
    fn as_completed_item(
        &self,
        r: &RawStep,
        scope: &mut Scope,
    ) -> Result<Option<String>, ScenarioError> {
        self.held_local(
            r,
            scope,
            ("each awaitable of `as_completed` is bound to a local: a name like `f`", "e.g. `{ as_completed = [\"a\", \"b\"], future = \"f\", do = [{ await = \"f\", as = \"v\" }] }`"),
            ("`as` binds each result the loop awaits; `future` binds each awaitable for the body to await: use one", "with `future = \"f\"`, await it in the body: `{ try = [{ await = \"f\", as = \"v\" }], ... }`"),
        )
    }

    /// The local a step's `future` key binds (now in `scope`), with the message and hint
    /// for a key that is no name (`not_a_name`) and for one beside `as` (`beside_as`).
    fn held_local(
        &self,
        r: &RawStep,
        scope: &mut Scope,
        not_a_name: (&str, &str),
        beside_as: (&str, &str),
    ) -> Result<Option<String>, ScenarioError> {
        let Some(f) = &r.future else {
            return Ok(None);
        };
        if !is_ident(f.get_ref()) {
            return Err(self.err(f.span(), not_a_name.0).hint(not_a_name.1));
        }
        if let Some(a) = &r.as_ {
            return Err(self.err(a.span(), beside_as.0).hint(beside_as.1));
        }
        scope.names.insert(f.get_ref().clone());
        Ok(Some(f.get_ref().clone()))
    }
}

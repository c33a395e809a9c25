//! Validating the steps on synchronisation primitives and futures: the primitive's kind, and
//! the keys each verb needs.

use super::locals::Use;
use super::{Cx, Scope, Span, bind_as, is_ident};
use crate::scenario::error::ScenarioError;
use crate::scenario::expr::Want;
use crate::scenario::model::*;
use crate::scenario::prim::*;
use crate::scenario::raw::*;
use crate::scenario::steps::*;

impl Cx<'_> {
    /// The step of `verb`, a verb on a primitive or a future (`step` checked its keys).
    pub(super) fn sync_step(
        &self,
        verb: &str,
        r: &RawStep,
        vspan: Span,
        scope: &mut Scope,
    ) -> Result<Step, ScenarioError> {
        let bind = |scope: &mut Scope| bind_as(r, scope);
        Ok(match verb {
            "acquire" | "release" => {
                let name = if verb == "acquire" {
                    &r.acquire
                } else {
                    &r.release
                };
                let prim = self.prim_ref(
                    name.as_ref().expect("present"),
                    verb,
                    &["semaphore", "lock"],
                )?;
                if verb == "acquire" {
                    Step::Acquire(prim)
                } else {
                    Step::Release(prim)
                }
            }
            "with" => {
                let prim = self.prim_ref(
                    r.with.as_ref().expect("present"),
                    verb,
                    &["semaphore", "lock", "condition"],
                )?;
                let body = self.block(&r.do_, "with", vspan, scope)?;
                Step::With { prim, body }
            }
            "set_event" | "clear_event" | "wait_event" => {
                let name = match verb {
                    "set_event" => &r.set_event,
                    "clear_event" => &r.clear_event,
                    _ => &r.wait_event,
                };
                let Prim::Event(e) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["event"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "set_event" => Step::SetEvent(e),
                    "clear_event" => Step::ClearEvent(e),
                    _ => Step::WaitEvent(e),
                }
            }
            "notify" | "notify_all" | "wait_condition" => {
                let name = match verb {
                    "notify" => &r.notify,
                    "notify_all" => &r.notify_all,
                    _ => &r.wait_condition,
                };
                let Prim::Condition(cond) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["condition"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "notify" => Step::Notify {
                        cond,
                        n: Some(
                            r.n.as_ref()
                                .map(|n| self.int_expr(n, scope))
                                .transpose()?
                                .unwrap_or(IntExpr::Lit(1)),
                        ),
                    },
                    "notify_all" => Step::Notify { cond, n: None },
                    _ => Step::WaitCondition {
                        cond,
                        until: r
                            .until
                            .as_ref()
                            .map(|u| self.expr(u, Some(scope), Want::Bool))
                            .transpose()?,
                    },
                }
            }
            "put" | "get" | "task_done" | "join" | "put_nowait" | "get_nowait" | "shutdown" => {
                let name = match verb {
                    "put" => &r.put,
                    "get" => &r.get,
                    "task_done" => &r.task_done,
                    "put_nowait" => &r.put_nowait,
                    "get_nowait" => &r.get_nowait,
                    "shutdown" => &r.shutdown,
                    _ => &r.join,
                };
                let Prim::Queue(queue) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["queue"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "put" | "put_nowait" => {
                        let Some(value) = &r.value else {
                            return Err(self.err(vspan, format!("`{verb}` needs a `value`")).hint(
                                format!("e.g. `{{ {verb} = \"jobs\", value = \"job {{i}}\" }}`"),
                            ));
                        };
                        let value = self.value_expr(value, scope)?;
                        if verb == "put" {
                            Step::Put { queue, value }
                        } else {
                            Step::PutNowait { queue, value }
                        }
                    }
                    "get" => Step::Get {
                        queue,
                        bind: bind(scope),
                    },
                    "get_nowait" => Step::GetNowait {
                        queue,
                        bind: bind(scope),
                    },
                    "task_done" => Step::TaskDone(queue),
                    "shutdown" => Step::Shutdown {
                        queue,
                        immediate: r.immediate.as_ref().is_some_and(|b| *b.get_ref()),
                    },
                    _ => Step::Join(queue),
                }
            }
            "create_future" => {
                let name = r.create_future.as_ref().expect("present");
                if !is_ident(name.get_ref()) {
                    return Err(self.err(name.span(), "a local is a name like `fut`"));
                }
                scope.names.insert(name.get_ref().clone());
                Step::CreateFuture(name.get_ref().clone())
            }
            "set_result" => {
                let target = self.local_ref(
                    r.set_result.as_ref().expect("present"),
                    scope,
                    "future",
                    Use::Future,
                )?;
                let Some(value) = &r.value else {
                    return Err(self
                        .err(vspan, "`set_result` needs a `value`")
                        .hint("e.g. `{ set_result = \"fut\", value = 42 }`"));
                };
                Step::SetResult {
                    target,
                    value: self.value_expr(value, scope)?,
                }
            }
            "set_exception" => {
                let target = self.local_ref(
                    r.set_exception.as_ref().expect("present"),
                    scope,
                    "future",
                    Use::Future,
                )?;
                let Some(kind) = &r.error else {
                    return Err(self
                        .err(vspan, "`set_exception` needs the exception's type in `error`")
                        .hint("e.g. `{ set_exception = \"fut\", error = \"ValueError\", message = \"boom\" }`"));
                };
                let (kind, message) = self.exception(kind, &r.message, scope)?;
                Step::SetException {
                    target,
                    kind,
                    message,
                }
            }
            "wait_barrier" | "abort_barrier" | "reset_barrier" => {
                let name = match verb {
                    "wait_barrier" => &r.wait_barrier,
                    "abort_barrier" => &r.abort_barrier,
                    _ => &r.reset_barrier,
                };
                let Prim::Barrier(barrier) =
                    self.prim_ref(name.as_ref().expect("present"), verb, &["barrier"])?
                else {
                    unreachable!("prim_ref checked the kind")
                };
                match verb {
                    "wait_barrier" => Step::WaitBarrier {
                        barrier,
                        bind: bind(scope),
                    },
                    "abort_barrier" => Step::AbortBarrier(barrier),
                    _ => Step::ResetBarrier(barrier),
                }
            }
            other => unreachable!("{other} is not a verb on a primitive"),
        })
    }
}

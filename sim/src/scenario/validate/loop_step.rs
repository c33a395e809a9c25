//! Validating the steps on the event loop itself: callbacks scheduled with `call_soon`,
//! `call_later` and `call_at`, and `reschedule` of a timeout bound by `timeout ... as`.

use super::locals::Use;
use super::{Cx, Scope, Span, bind_as};
use crate::scenario::error::ScenarioError;
use crate::scenario::raw::*;
use crate::scenario::steps::*;

/// What a loop callback's steps are called in errors.
const CALLBACK: &str = "a loop callback";

impl Cx<'_> {
    /// The step of `verb`, a loop step (`step` checked its keys).
    pub(super) fn loop_step(
        &self,
        verb: &str,
        r: &RawStep,
        vspan: Span,
        scope: &mut Scope,
    ) -> Result<Step, ScenarioError> {
        Ok(match verb {
            "call_soon" => {
                let raw = r.call_soon.as_ref().expect("present");
                self.callback_steps(raw.get_ref(), CALLBACK)?;
                let body = self.steps(raw.get_ref(), scope)?;
                Step::CallLater {
                    when: CallWhen::Soon,
                    body: body.into(),
                    bind: bind_as(r, scope),
                }
            }
            "call_later" | "call_at" => {
                let (d, when): (_, fn(_) -> CallWhen) = if verb == "call_later" {
                    (&r.call_later, CallWhen::Later)
                } else {
                    (&r.call_at, CallWhen::At)
                };
                let what = if verb == "call_later" {
                    "`call_later` takes a delay from 0 to 1e9 seconds"
                } else {
                    "`call_at` takes a time from 0 to 1e9 seconds since the run began (asyncio's `loop.time()`)"
                };
                let limit = self.limit(
                    d.as_ref().expect("present"),
                    scope,
                    what,
                    &format!("e.g. `{{ {verb} = 1.5, do = [{{ log = \"tick\" }}] }}`"),
                )?;
                if let Some(b) = &r.do_ {
                    self.callback_steps(b.get_ref(), CALLBACK)?;
                }
                let body = self.block(&r.do_, verb, vspan, scope)?;
                Step::CallLater {
                    when: when(limit),
                    body: body.into(),
                    bind: bind_as(r, scope),
                }
            }
            "reschedule" => {
                let target = self.local_ref(
                    r.reschedule.as_ref().expect("present"),
                    scope,
                    "timeout handle",
                    Use::Reschedule,
                )?;
                let at = r
                    .at
                    .as_ref()
                    .map(|d| {
                        self.limit(
                            d,
                            scope,
                            "`at` is a time from 0 to 1e9 seconds since the run began (asyncio's `loop.time()`)",
                            "e.g. `{ reschedule = \"cm\", at = 2.5 }`, or no `at` for no deadline",
                        )
                    })
                    .transpose()?;
                Step::Reschedule { target, at }
            }
            other => unreachable!("not a loop verb: {other}"),
        })
    }
}

//! The steps that assign: `set` of a shared variable (a value plus a constant, as a
//! lost-update scenario reads then writes it) and `let`/`set` with an expression, into a
//! local or a shared variable.

use super::env::Env;
use super::exc::Exc;
use super::state::Rt;
use super::value::Value;
use crate::scenario::expr::Expr;
use crate::scenario::{Literal, Target, ValueExpr};

impl Rt {
    /// `set = var, value = .., add = ..`: the shared variable becomes `value + add`, typed
    /// as the variable was declared.
    pub(super) fn set_step(
        &self,
        env: &Env,
        var: usize,
        value: &ValueExpr,
        add: &Literal,
    ) -> Result<(), Exc> {
        let v = self.value_expr(env, value)?;
        let (name, initial) = &self.scenario.vars[var];
        let sum = match (initial, add) {
            (Literal::Float(_), add) => {
                let add = match add {
                    Literal::Float(f) => *f,
                    Literal::Int(i) => *i as f64,
                    Literal::Bool(_) => unreachable!("validation allows numbers only"),
                };
                let Some(x) = v.as_float() else {
                    return Err(Exc::new(
                        "TypeError",
                        format!("`{name}` holds a number, got {}", v.repr()),
                    ));
                };
                Value::Float(x + add)
            }
            (_, add) => {
                let Some(n) = v.as_int() else {
                    return Err(Exc::new(
                        "TypeError",
                        format!("shared variables hold integers, got {}", v.repr()),
                    ));
                };
                let Literal::Int(add) = add else {
                    unreachable!("validation adds integers to integers")
                };
                let Some(sum) = n.checked_add(*add) else {
                    return Err(Exc::new(
                        "OverflowError",
                        format!("`set = \"{name}\"`: {n} + {add} does not fit in a 64-bit integer"),
                    ));
                };
                Value::Int(sum)
            }
        };
        self.shared.borrow_mut().vars[var] = sum;
        Ok(())
    }

    /// `let`/`set` with `expr`: the value goes into a local, or into a shared variable of
    /// the type it was declared with.
    pub(super) fn eval_step(&self, env: &mut Env, into: &Target, expr: &Expr) -> Result<(), Exc> {
        let v = self.eval(env, expr)?;
        match into {
            Target::Local(name) => {
                env.insert(name.clone(), v);
            }
            Target::Shared(var) => {
                let float = matches!(self.scenario.vars[*var].1, Literal::Float(_));
                let v = match v {
                    Value::Int(n) if float => Value::Float(n as f64),
                    Value::Int(_) => v,
                    Value::Float(_) if float => v,
                    _ => {
                        let holds = if float { "numbers" } else { "integers" };
                        return Err(Exc::new(
                            "TypeError",
                            format!(
                                "`{}` holds {holds}, and `{}` computes {}",
                                self.scenario.vars[*var].0,
                                expr.text,
                                v.repr()
                            ),
                        ));
                    }
                };
                self.shared.borrow_mut().vars[*var] = v;
            }
        }
        Ok(())
    }
}

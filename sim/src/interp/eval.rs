//! Evaluating expressions (`scenario::expr`): the load-time check rejected what it could
//! see; what depends on a local's value is checked here, and an error is an exception of
//! the task (a failed invariant for `[expect] invariants`), never a quiet `false`.

use super::budget::{charge_list, charge_string, check_string};
use super::env::Env;
use super::exc::Exc;
use super::funcs;
use super::state::Rt;
use super::value::{Value, py_equal, py_order};
use crate::scenario::expr::{BinOp, Comp, Expr, Node, NodeKind};

impl Rt {
    /// The value of `e` in a task whose locals are `env`; an error names the expression
    /// and where it is written.
    pub fn eval(&self, env: &Env, e: &Expr) -> Result<Value, Exc> {
        self.node(env, &e.root).map_err(|fault| match fault {
            Fault::Own(x) => Exc::new(
                x.kind,
                format!(
                    "{} (in `{}` at {}:{}:{})",
                    x.message, e.text, self.scenario.path, e.at.line, e.at.column
                ),
            ),
            Fault::Read(x) => x,
        })
    }

    /// Whether the condition `e` holds; a `TypeError` when it is not true or false.
    pub fn truth(&self, env: &Env, e: &Expr) -> Result<bool, Exc> {
        match self.eval(env, e)? {
            Value::Bool(b) => Ok(b),
            other => Err(Exc::new(
                "TypeError",
                format!(
                    "a condition must be true or false, got {} (in `{}` at {}:{}:{})",
                    other.repr(),
                    e.text,
                    self.scenario.path,
                    e.at.line,
                    e.at.column
                ),
            )),
        }
    }

    fn node(&self, env: &Env, n: &Node) -> Result<Value, Fault> {
        Ok(match &n.kind {
            NodeKind::Int(i) => Value::Int(*i),
            NodeKind::Float(f) => Value::Float(*f),
            NodeKind::Str(s) => Value::Str(s.as_str().into()),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::None => Value::None,
            NodeKind::List(items) => {
                let items = items
                    .iter()
                    .map(|i| self.node(env, i))
                    .collect::<Result<Vec<_>, _>>()?;
                super::budget::check_list(&items)?;
                charge_list(items.len())?;
                Value::List(items.into())
            }
            NodeKind::Var(path) => self.lookup(env, path).map_err(Fault::Read)?,
            NodeKind::Not(a) => Value::Bool(!boolean(self.node(env, a)?, "not")?),
            NodeKind::Neg(a) => match self.node(env, a)? {
                Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(|| overflow("-", i, 0))?),
                Value::Float(f) => Value::Float(-f),
                other => {
                    return Err(
                        type_error(format!("`-` needs a number, got {}", other.repr())).into(),
                    );
                }
            },
            NodeKind::Binary(BinOp::And, a, b) => Value::Bool(
                boolean(self.node(env, a)?, "and")? && boolean(self.node(env, b)?, "and")?,
            ),
            NodeKind::Binary(BinOp::Or, a, b) => Value::Bool(
                boolean(self.node(env, a)?, "or")? || boolean(self.node(env, b)?, "or")?,
            ),
            NodeKind::Binary(op, a, b) => binary(*op, self.node(env, a)?, self.node(env, b)?)?,
            NodeKind::Call(f, args) => {
                let args = args
                    .iter()
                    .map(|a| self.node(env, a))
                    .collect::<Result<Vec<_>, _>>()?;
                funcs::call(*f, args)?
            }
            NodeKind::Index(base, index) => {
                funcs::index(&self.node(env, base)?, &self.node(env, index)?)?
            }
            NodeKind::IfElse(cond, then, other) => {
                if boolean(self.node(env, cond)?, "if")? {
                    self.node(env, then)?
                } else {
                    self.node(env, other)?
                }
            }
            NodeKind::Comp(c) => self.comprehension(env, c)?,
        })
    }

    /// `[item for name in iter if cond]`: the item for each value `cond` keeps, `name`
    /// bound to it in a copy of the locals (so that it is gone after, as in Python 3).
    fn comprehension(&self, env: &Env, c: &Comp) -> Result<Value, Fault> {
        let values = funcs::items(&self.node(env, &c.iter)?, "a comprehension")?;
        super::budget::charge_turns(values.len())?;
        let mut inner = env.clone();
        let mut out = Vec::new();
        // The items made so far, nested lists counted whole: past the most a list holds,
        // the list is refused at once, not once every item was made (a list of lists of
        // 65,536 items each held 520 MB before the step limit stopped it).
        let mut made = 0usize;
        for v in values {
            inner.insert(c.name.clone(), v);
            if let Some(cond) = &c.cond
                && !boolean(self.node(&inner, cond)?, "if")?
            {
                continue;
            }
            let item = self.node(&inner, &c.item)?;
            made = made.saturating_add(1 + item.size().0);
            if made > super::budget::MAX_ITEMS {
                return Err(Exc::new(
                    "MemoryError",
                    format!(
                        "a list of more than {} items (nested lists included)",
                        super::budget::MAX_ITEMS
                    ),
                )
                .into());
            }
            out.push(item);
        }
        super::budget::check_list(&out)?;
        charge_list(out.len())?;
        Ok(Value::List(out.into()))
    }
}

/// Why an expression did not compute: its own error (a `TypeError`, an overflow, a misused
/// function), which names the expression and where it is written, or an exception a read
/// raised (`f.result()` of a cancelled future: its `CancelledError`), passed on as it is,
/// as Python's expression would (case 650: the message was `'gone (in ...)'`).
enum Fault {
    Own(Exc),
    Read(Exc),
}

impl From<Exc> for Fault {
    fn from(e: Exc) -> Fault {
        Fault::Own(e)
    }
}

fn type_error(message: String) -> Exc {
    Exc::new("TypeError", message)
}

fn overflow(op: &str, a: i64, b: i64) -> Exc {
    Exc::new(
        "OverflowError",
        format!("{a} {op} {b} does not fit in a 64-bit integer"),
    )
}

fn boolean(v: Value, op: &str) -> Result<bool, Exc> {
    match v {
        Value::Bool(b) => Ok(b),
        other => Err(type_error(format!(
            "`{op}` needs true or false, got {}",
            other.repr()
        ))),
    }
}

fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, Exc> {
    let sym = op.symbol();
    let unsupported = || {
        type_error(format!(
            "`{sym}` does not take {} and {}",
            a.repr(),
            b.repr()
        ))
    };
    let zero = || Exc::new("ZeroDivisionError", format!("`{sym}` by zero"));
    Ok(match op {
        BinOp::In => Value::Bool(funcs::contains(&a, &b)?),
        BinOp::NotIn => Value::Bool(!funcs::contains(&a, &b)?),
        BinOp::Eq => Value::Bool(py_equal(&a, &b)),
        BinOp::Ne => Value::Bool(!py_equal(&a, &b)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let o = py_order(&a, &b).ok_or_else(unsupported)?;
            Value::Bool(match op {
                BinOp::Lt => o.is_lt(),
                BinOp::Le => o.is_le(),
                BinOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        BinOp::Add => match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => {
                Value::Int(x.checked_add(*y).ok_or_else(|| overflow(sym, *x, *y))?)
            }
            (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
                funcs::concat(&a, &b).unwrap_or_else(|| Err(unsupported()))?
            }
            (Value::Str(x), Value::Str(y)) => {
                let s = format!("{x}{y}");
                check_string(&s)?;
                charge_string(s.len())?;
                Value::Str(s.into())
            }
            _ => Value::Float(
                float(&a).ok_or_else(unsupported)? + float(&b).ok_or_else(unsupported)?,
            ),
        },
        BinOp::Sub | BinOp::Mul => match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => {
                let r = if op == BinOp::Sub {
                    x.checked_sub(*y)
                } else {
                    x.checked_mul(*y)
                };
                Value::Int(r.ok_or_else(|| overflow(sym, *x, *y))?)
            }
            _ => {
                let (x, y) = (
                    float(&a).ok_or_else(unsupported)?,
                    float(&b).ok_or_else(unsupported)?,
                );
                Value::Float(if op == BinOp::Sub { x - y } else { x * y })
            }
        },
        BinOp::Div => {
            let (x, y) = (
                float(&a).ok_or_else(unsupported)?,
                float(&b).ok_or_else(unsupported)?,
            );
            if y == 0.0 {
                return Err(zero());
            }
            Value::Float(x / y)
        }
        BinOp::FloorDiv | BinOp::Mod => match (&a, &b) {
            (Value::Int(_), Value::Int(0)) => return Err(zero()),
            (Value::Int(x), Value::Int(y)) => {
                // Python floors: the remainder takes the divisor's sign.
                let q = x
                    .checked_div_euclid(*y)
                    .ok_or_else(|| overflow(sym, *x, *y))?;
                let r = x.rem_euclid(*y);
                let (q, r) = if r != 0 && *y < 0 {
                    (q - 1, r + y)
                } else {
                    (q, r)
                };
                Value::Int(if op == BinOp::FloorDiv { q } else { r })
            }
            _ => {
                let (x, y) = (
                    float(&a).ok_or_else(unsupported)?,
                    float(&b).ok_or_else(unsupported)?,
                );
                if y == 0.0 {
                    return Err(zero());
                }
                let q = (x / y).floor();
                Value::Float(if op == BinOp::FloorDiv { q } else { x - q * y })
            }
        },
        BinOp::And | BinOp::Or => unreachable!("short-circuit operators are evaluated by `node`"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(op: BinOp, a: i64, b: i64) -> Result<Value, Exc> {
        binary(op, Value::Int(a), Value::Int(b))
    }

    #[test]
    fn integer_arithmetic_floors_like_python_and_detects_overflow() {
        assert_eq!(int(BinOp::FloorDiv, -7, 2).unwrap().repr(), "-4");
        assert_eq!(int(BinOp::Mod, -7, 3).unwrap().repr(), "2");
        assert_eq!(int(BinOp::Mod, 7, -3).unwrap().repr(), "-2");
        assert_eq!(int(BinOp::FloorDiv, 7, -2).unwrap().repr(), "-4");
        assert_eq!(
            int(BinOp::Add, i64::MAX, 1).unwrap_err().kind,
            "OverflowError"
        );
        assert_eq!(
            int(BinOp::Mul, i64::MAX, 2).unwrap_err().kind,
            "OverflowError"
        );
        assert_eq!(
            int(BinOp::FloorDiv, i64::MIN, -1).unwrap_err().kind,
            "OverflowError"
        );
        assert_eq!(int(BinOp::Mod, 1, 0).unwrap_err().kind, "ZeroDivisionError");
        assert_eq!(int(BinOp::Div, 1, 0).unwrap_err().kind, "ZeroDivisionError");
    }

    /// Issue 20: `10.5 > 2` was false and `0.5 == 0.50` was false (text comparisons).
    #[test]
    fn numbers_compare_by_value_and_types_do_not_mix() {
        let f = |x: f64| Value::Float(x);
        assert_eq!(
            binary(BinOp::Gt, f(10.5), Value::Int(2)).unwrap().repr(),
            "True"
        );
        assert_eq!(binary(BinOp::Eq, f(0.5), f(0.50)).unwrap().repr(), "True");
        assert_eq!(
            binary(BinOp::Eq, Value::Int(1), Value::Str("1".into()))
                .unwrap()
                .repr(),
            "False"
        );
        assert_eq!(
            binary(BinOp::Lt, Value::Int(1), Value::Str("1".into()))
                .unwrap_err()
                .kind,
            "TypeError"
        );
        assert_eq!(
            binary(BinOp::Add, Value::Str("a".into()), Value::Str("b".into()))
                .unwrap()
                .repr(),
            "'ab'"
        );
    }
}

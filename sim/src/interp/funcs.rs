//! Python's functions on values (`scenario::expr::Func`), `in`, and an item `xs[i]`, with
//! Python's results and Python's exceptions (`TypeError`, `ValueError`, `IndexError`), each
//! charged to the step budget by the items or bytes it goes through.

use std::cmp::Ordering;

use super::budget::{charge_list, charge_string, charge_written, check_list, check_string};
use super::exc::Exc;
use super::py_round::{round_float, round_int, sum_floats};
use super::value::{Value, py_equal, py_order};
use crate::scenario::expr::Func;

/// `f(args)`; the load-time check saw the number of arguments.
pub(super) fn call(f: Func, args: Vec<Value>) -> Result<Value, Exc> {
    match (f, args.as_slice()) {
        (Func::Len, [x]) => len(x),
        (Func::Sorted, [x]) => {
            let items = sorted(items(x, "sorted()")?)?;
            charge_list(items.len())?;
            Ok(Value::List(items.into()))
        }
        (Func::Sum, [x]) => sum(x),
        (Func::Min | Func::Max, [x]) => {
            let items = items(x, &format!("{}()", f.name()))?;
            if items.is_empty() {
                return Err(Exc::new(
                    "ValueError",
                    format!("{}() iterable argument is empty", f.name()),
                ));
            }
            extreme(f, items)
        }
        (Func::Min | Func::Max, _) => extreme(f, args),
        (Func::Str, [x]) => written(x, x.to_string()),
        (Func::Repr, [x]) => written(x, x.repr()),
        (Func::Round, [x]) => match x {
            Value::Int(i) => Ok(Value::Int(*i)),
            Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
            Value::Float(v) => round_int(*v),
            other => Err(no_round(other)),
        },
        (Func::Round, [x, n]) => {
            let n = match n {
                Value::Int(n) => *n,
                Value::Bool(b) => i64::from(*b),
                other => {
                    return Err(type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        py_type(other)
                    )));
                }
            };
            match x {
                Value::Int(i) => round_digits(*i, n),
                Value::Bool(b) => round_digits(i64::from(*b), n),
                Value::Float(v) => round_float(*v, n).map(Value::Float),
                other => Err(no_round(other)),
            }
        }
        (Func::Abs, [x]) => match x {
            Value::Int(i) => i.checked_abs().map(Value::Int).ok_or_else(|| {
                Exc::new(
                    "OverflowError",
                    format!("abs({i}) does not fit in a 64-bit integer"),
                )
            }),
            Value::Bool(b) => Ok(Value::Int(i64::from(*b))),
            Value::Float(v) => Ok(Value::Float(v.abs())),
            other => Err(type_error(format!(
                "bad operand type for abs(): '{}'",
                py_type(other)
            ))),
        },
        (Func::IsInstance, [x, Value::Str(t)]) => Ok(Value::Bool(is_instance(x, t))),
        (Func::TypeName, [x]) => Ok(Value::Str(py_type(x).into())),
        (f, args) => Err(type_error(format!(
            "{}() was given {} arguments",
            f.name(),
            args.len()
        ))),
    }
}

/// `isinstance(x, t)`, `t` a name the load-time check let through: Python's types, or an
/// exception's name (compared with the exception's own: no hierarchy is modelled beyond
/// `Exception`, `BaseException` and the groups).
fn is_instance(x: &Value, t: &str) -> bool {
    match (t, x) {
        ("int", Value::Int(_) | Value::Bool(_))
        | ("float", Value::Float(_))
        | ("str", Value::Str(_))
        | ("bool", Value::Bool(_))
        | ("list", Value::List(_))
        | ("tuple", Value::Tuple(_))
        | ("BaseException", Value::Error(_)) => true,
        ("Exception", Value::Error(e)) => e.is_exception(),
        ("BaseExceptionGroup", Value::Error(e)) => e.members().is_some(),
        ("ExceptionGroup", Value::Error(e)) => e.members().is_some() && e.is_exception(),
        (kind, Value::Error(e)) => e.kind == kind,
        _ => false,
    }
}

/// `item in container`: an equal item of a list, a substring of a string.
pub(super) fn contains(item: &Value, container: &Value) -> Result<bool, Exc> {
    match (container, item) {
        (Value::List(items) | Value::Tuple(items), _) => {
            charge_list(items.len())?;
            Ok(items.iter().any(|v| py_equal(v, item)))
        }
        (Value::Str(s), Value::Str(part)) => {
            charge_string(s.len())?;
            Ok(s.contains(&**part))
        }
        (Value::Str(_), other) => Err(type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            py_type(other)
        ))),
        (other, _) => Err(type_error(format!(
            "argument of type '{}' is not iterable",
            py_type(other)
        ))),
    }
}

/// `base[index]`: an item of a list or a character of a string, counted from the end when
/// negative.
pub(super) fn index(base: &Value, index: &Value) -> Result<Value, Exc> {
    let i = match index {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        other if matches!(base, Value::List(_) | Value::Tuple(_) | Value::Str(_)) => {
            return Err(type_error(format!(
                "{} indices must be integers or slices, not {}",
                py_type(base),
                py_type(other)
            )));
        }
        _ => 0,
    };
    let at = |len: usize| {
        let len = len as i64;
        let at = if i < 0 { i.checked_add(len) } else { Some(i) };
        at.filter(|a| (0..len).contains(a)).map(|a| a as usize)
    };
    let out_of_range = |what: &str| Exc::new("IndexError", format!("{what} index out of range"));
    match base {
        Value::List(items) => at(items.len())
            .map(|a| items[a].clone())
            .ok_or_else(|| out_of_range("list")),
        Value::Tuple(items) => at(items.len())
            .map(|a| items[a].clone())
            .ok_or_else(|| out_of_range("tuple")),
        Value::Str(s) => {
            charge_string(s.len())?;
            let chars = s.chars().count();
            at(chars)
                .and_then(|a| s.chars().nth(a))
                .map(|c| Value::Str(c.to_string().into()))
                .ok_or_else(|| out_of_range("string"))
        }
        other => Err(type_error(format!(
            "'{}' object is not subscriptable",
            py_type(other)
        ))),
    }
}

/// `a + b` of two lists (or two tuples): a new one of both's items.
pub(super) fn concat(a: &Value, b: &Value) -> Option<Result<Value, Exc>> {
    let ((Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y))) = (a, b) else {
        return None;
    };
    let items: Vec<Value> = x.iter().chain(y.iter()).cloned().collect();
    Some(check_list(&items).and_then(|()| {
        charge_list(items.len())?;
        Ok(match a {
            Value::Tuple(_) => Value::Tuple(items.into()),
            _ => Value::List(items.into()),
        })
    }))
}

/// Python's name of `v`'s type, as its messages give it (`'int'`, `'list'`).
pub(super) fn py_type(v: &Value) -> String {
    match v {
        Value::List(_) => "list".to_string(),
        Value::Tuple(_) => "tuple".to_string(),
        other => other.type_name().to_string(),
    }
}

fn type_error(message: String) -> Exc {
    Exc::new("TypeError", message)
}

fn no_round(v: &Value) -> Exc {
    type_error(format!(
        "type {} doesn't define __round__ method",
        py_type(v)
    ))
}

/// `x` written out as `s`, checked and charged as every written value is.
fn written(x: &Value, s: String) -> Result<Value, Exc> {
    check_string(&s)?;
    charge_written(x, s.len())?;
    Ok(Value::Str(s.into()))
}

fn len(x: &Value) -> Result<Value, Exc> {
    let n = match x {
        Value::List(items) | Value::Tuple(items) => items.len(),
        Value::Str(s) => {
            charge_string(s.len())?;
            s.chars().count()
        }
        other => {
            return Err(type_error(format!(
                "object of type '{}' has no len()",
                py_type(other)
            )));
        }
    };
    Ok(Value::Int(n as i64))
}

/// The items `f` goes through: a list's or a tuple's, or a string's characters.
pub(super) fn items(x: &Value, f: &str) -> Result<Vec<Value>, Exc> {
    match x {
        Value::List(items) | Value::Tuple(items) => {
            charge_list(items.len())?;
            Ok(items.to_vec())
        }
        Value::Str(s) => {
            charge_string(s.len())?;
            check_list_len(s.chars().count())?;
            Ok(s.chars()
                .map(|c| Value::Str(c.to_string().into()))
                .collect())
        }
        other => Err(type_error(format!(
            "'{}' object is not iterable (in {f})",
            py_type(other)
        ))),
    }
}

/// An error unless a list of `n` items may be made.
fn check_list_len(n: usize) -> Result<(), Exc> {
    if n > super::budget::MAX_ITEMS {
        return Err(Exc::new(
            "MemoryError",
            format!("a list of {n} items (at most {})", super::budget::MAX_ITEMS),
        ));
    }
    Ok(())
}

/// `a < b` as Python asks it, or its `TypeError`.
fn less(a: &Value, b: &Value, op: &str) -> Result<bool, Exc> {
    let o = py_order(a, b).ok_or_else(|| {
        type_error(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            py_type(a),
            py_type(b)
        ))
    })?;
    Ok(if op == "<" {
        o == Ordering::Less
    } else {
        o == Ordering::Greater
    })
}

/// A stable merge sort that stops at the first pair Python cannot order (a comparator that
/// fails cannot be given to `slice::sort_by`, which may panic on an inconsistent order).
fn sorted(mut items: Vec<Value>) -> Result<Vec<Value>, Exc> {
    let n = items.len();
    let mut width = 1;
    let mut buf: Vec<Value> = Vec::with_capacity(n);
    while width < n {
        // Each pass compares and moves every item: a sort costs n log n.
        charge_list(n)?;
        buf.clear();
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                // Take from the right only when it is strictly less: equal items keep
                // their order.
                if less(&items[j], &items[i], "<")? {
                    buf.push(items[j].clone());
                    j += 1;
                } else {
                    buf.push(items[i].clone());
                    i += 1;
                }
            }
            buf.extend_from_slice(&items[i..mid]);
            buf.extend_from_slice(&items[j..end]);
            start = end;
        }
        std::mem::swap(&mut items, &mut buf);
        width *= 2;
    }
    Ok(items)
}

/// `min` or `max` of `items` (not empty): the first smallest or largest, as Python keeps
/// the item it holds unless a later one is strictly beyond it.
fn extreme(f: Func, items: Vec<Value>) -> Result<Value, Exc> {
    let op = if f == Func::Min { "<" } else { ">" };
    let mut items = items.into_iter();
    let mut best = items.next().unwrap_or(Value::None);
    for item in items {
        if less(&item, &best, op)? {
            best = item;
        }
    }
    Ok(best)
}

/// `sum(xs)`: integers added with overflow checked, floats as CPython 3.12 adds them
/// (Neumaier's compensated sum), from the integer 0.
fn sum(x: &Value) -> Result<Value, Exc> {
    let (Value::List(items) | Value::Tuple(items)) = x else {
        return Err(type_error(format!(
            "'{}' object is not iterable (in sum())",
            py_type(x)
        )));
    };
    charge_list(items.len())?;
    let mut total: i64 = 0;
    for (k, item) in items.iter().enumerate() {
        match item {
            Value::Int(i) => {
                total = total.checked_add(*i).ok_or_else(|| {
                    Exc::new(
                        "OverflowError",
                        format!("sum() passed 64 bits at item {k} ({i})"),
                    )
                })?;
            }
            Value::Bool(b) => total += i64::from(*b),
            Value::Float(_) => return sum_floats(total, &items[k..]),
            other => {
                return Err(type_error(format!(
                    "unsupported operand type(s) for +: 'int' and '{}'",
                    py_type(other)
                )));
            }
        }
    }
    Ok(Value::Int(total))
}

/// `round(i, n)` of an integer: itself for `n >= 0`, else to a multiple of `10^-n`, half to
/// even.
fn round_digits(i: i64, n: i64) -> Result<Value, Exc> {
    round_int_digits(i, n).map(Value::Int)
}

fn round_int_digits(i: i64, n: i64) -> Result<i64, Exc> {
    if n >= 0 {
        return Ok(i);
    }
    let Some(unit) = u32::try_from(-n).ok().and_then(|e| 10i64.checked_pow(e)) else {
        return Ok(0);
    };
    let (q, r) = (i.div_euclid(unit), i.rem_euclid(unit));
    let up = match (2 * (r as i128)).cmp(&(unit as i128)) {
        Ordering::Greater => true,
        Ordering::Equal => q % 2 != 0,
        Ordering::Less => false,
    };
    let q = if up { q + 1 } else { q };
    q.checked_mul(unit).ok_or_else(|| {
        Exc::new(
            "OverflowError",
            format!("round({i}, {n}) does not fit in a 64-bit integer"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[Value]) -> Value {
        Value::List(items.to_vec().into())
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn results_are_pythons() {
        let xs = list(&[
            Value::Int(3),
            Value::Float(1.5),
            Value::Bool(true),
            Value::Int(1),
        ]);
        assert_eq!(call(Func::Len, vec![xs.clone()]).unwrap().repr(), "4");
        // Stable: `True` and `1` are equal, and keep their order.
        assert_eq!(
            call(Func::Sorted, vec![xs.clone()]).unwrap().repr(),
            "[True, 1, 1.5, 3]"
        );
        assert_eq!(call(Func::Min, vec![xs.clone()]).unwrap().repr(), "True");
        assert_eq!(
            call(Func::Max, vec![Value::Int(2), Value::Float(2.0)])
                .unwrap()
                .repr(),
            "2"
        );
        assert_eq!(call(Func::Sum, vec![xs]).unwrap().repr(), "6.5");
        assert_eq!(call(Func::Len, vec![s("héllo")]).unwrap().repr(), "5");
        assert_eq!(
            call(Func::Sorted, vec![s("cab")]).unwrap().repr(),
            "['a', 'b', 'c']"
        );
        assert_eq!(call(Func::Str, vec![s("a")]).unwrap().repr(), "'a'");
        assert_eq!(call(Func::Repr, vec![s("a")]).unwrap().repr(), "\"'a'\"");
        assert_eq!(call(Func::Abs, vec![Value::Int(-3)]).unwrap().repr(), "3");
        assert_eq!(round_int_digits(15, -1).unwrap(), 20);
        assert_eq!(round_int_digits(25, -1).unwrap(), 20);
        assert_eq!(round_int_digits(-25, -1).unwrap(), -20);
        assert_eq!(round_int_digits(-26, -1).unwrap(), -30);
        assert_eq!(round_int_digits(7, -30).unwrap(), 0);
    }

    #[test]
    fn misuse_raises_pythons_exceptions() {
        let mixed = list(&[Value::Int(1), s("a")]);
        let e = call(Func::Sorted, vec![mixed.clone()]).unwrap_err();
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            (
                "TypeError",
                "'<' not supported between instances of 'str' and 'int'"
            )
        );
        let e = call(Func::Sum, vec![list(&[s("a"), s("b")])]).unwrap_err();
        assert_eq!(
            e.message,
            "unsupported operand type(s) for +: 'int' and 'str'"
        );
        let e = call(Func::Max, vec![list(&[])]).unwrap_err();
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            ("ValueError", "max() iterable argument is empty")
        );
        assert_eq!(
            call(Func::Len, vec![Value::Int(1)]).unwrap_err().message,
            "object of type 'int' has no len()"
        );
        assert_eq!(
            call(
                Func::Sum,
                vec![list(&[Value::Int(i64::MAX), Value::Int(1)])]
            )
            .unwrap_err()
            .kind,
            "OverflowError"
        );
        assert_eq!(index(&mixed, &Value::Int(-1)).unwrap().repr(), "'a'");
        assert_eq!(
            index(&mixed, &Value::Int(2)).unwrap_err().kind,
            "IndexError"
        );
        assert_eq!(
            index(&mixed, &Value::Int(i64::MIN)).unwrap_err().kind,
            "IndexError"
        );
        assert_eq!(
            index(&Value::Int(1), &Value::Int(0)).unwrap_err().message,
            "'int' object is not subscriptable"
        );
        assert!(contains(&s("b"), &s("abc")).unwrap());
        assert_eq!(
            contains(&Value::Int(1), &s("abc")).unwrap_err().kind,
            "TypeError"
        );
        assert!(contains(&Value::Float(1.0), &mixed).unwrap());
    }
}

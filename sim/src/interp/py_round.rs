//! CPython's arithmetic where a naive one differs: `round` of a float (half to even on the
//! float's exact decimal value, as CPython's `double_round` rounds with `_Py_dg_dtoa`) and
//! `sum` of floats (CPython 3.12's compensated sum).

use super::exc::Exc;
use super::funcs::py_type;
use super::value::Value;

/// `round(v)`: the nearest integer, half to even.
pub(super) fn round_int(v: f64) -> Result<Value, Exc> {
    if v.is_nan() {
        return Err(Exc::new(
            "ValueError",
            "cannot convert float NaN to integer",
        ));
    }
    if v.is_infinite() {
        return Err(Exc::new(
            "OverflowError",
            "cannot convert float infinity to integer",
        ));
    }
    let r = v.round_ties_even();
    // 2^63 is the first float past i64::MAX.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&r) {
        return Err(Exc::new(
            "OverflowError",
            format!("round({v}) does not fit in a 64-bit integer"),
        ));
    }
    Ok(Value::Int(r as i64))
}

/// `round(v, n)`: `v` to `n` decimal digits (tens, hundreds, ... for a negative `n`), half
/// to even on the exact value the float holds (`round(2.675, 2)` is 2.67: the float is
/// 2.67499999...), as CPython does.
pub(super) fn round_float(v: f64, n: i64) -> Result<f64, Exc> {
    // CPython's NDIGITS_MAX and NDIGITS_MIN.
    if !v.is_finite() || n > 323 {
        return Ok(v);
    }
    if n < -308 {
        return Ok(0.0 * v);
    }
    // Every finite float's exact decimal expansion has at most 1074 fractional digits.
    let exact = format!("{:.1100}", v.abs());
    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let keep = int.len() as i64 + n;
    if keep >= digits.len() as i64 {
        return Ok(v);
    }
    let rounded = if keep < 0 {
        0.0
    } else {
        let keep = keep as usize;
        let mut kept = digits[..keep].to_vec();
        let (first, rest) = (digits[keep], &digits[keep + 1..]);
        let odd = kept.last().is_some_and(|d| d % 2 == 1);
        let up = first > 5 || (first == 5 && (rest.iter().any(|&d| d != 0) || odd));
        if up {
            let mut at = kept.len();
            loop {
                if at == 0 {
                    kept.insert(0, 1);
                    break;
                }
                at -= 1;
                if kept[at] == 9 {
                    kept[at] = 0;
                } else {
                    kept[at] += 1;
                    break;
                }
            }
        }
        let text: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
        let text = if text.is_empty() {
            "0".to_string()
        } else {
            text
        };
        format!("{text}e{}", -n)
            .parse::<f64>()
            .unwrap_or(f64::INFINITY)
    };
    if rounded.is_infinite() {
        return Err(Exc::new(
            "OverflowError",
            "rounded value too large to represent",
        ));
    }
    Ok(rounded.copysign(v))
}

/// The rest of `sum(xs)` from its first float, `items[0]`, the integers before it adding up
/// to `total`: CPython 3.12 adds that float to the total plainly, then each later float
/// with Neumaier's compensation and each integer plainly, and adds the compensation at the
/// end (when it is finite and not zero).
pub(super) fn sum_floats(total: i64, items: &[Value]) -> Result<Value, Exc> {
    let mut f = total as f64 + items.first().and_then(Value::as_float).unwrap_or(0.0);
    let mut c = 0.0f64;
    for item in &items[1..] {
        match item {
            Value::Float(x) => {
                let t = f + x;
                if f.abs() >= x.abs() {
                    c += (f - t) + x;
                } else {
                    c += (x - t) + f;
                }
                f = t;
            }
            Value::Int(i) => f += *i as f64,
            Value::Bool(b) => f += f64::from(u8::from(*b)),
            other => {
                return Err(Exc::new(
                    "TypeError",
                    format!(
                        "unsupported operand type(s) for +: 'float' and '{}'",
                        py_type(other)
                    ),
                ));
            }
        }
    }
    if c != 0.0 && c.is_finite() {
        f += c;
    }
    Ok(Value::Float(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_is_pythons() {
        let r = |v: f64, n: i64| round_float(v, n).unwrap();
        assert_eq!(r(2.675, 2), 2.67);
        assert_eq!(r(0.125, 2), 0.12);
        assert_eq!(r(0.375, 2), 0.38);
        assert_eq!(r(1250.0, -2), 1200.0);
        assert_eq!(r(1250.4, -2), 1300.0);
        assert_eq!(r(0.5, 0), 0.0);
        assert_eq!(r(1.5, 0), 2.0);
        assert!(r(-0.4, 0).is_sign_negative());
        assert_eq!(r(0.1 + 0.2, 2), 0.3);
        assert_eq!(r(99.96, 1), 100.0);
        assert_eq!(r(1e-320, 400), 1e-320);
        assert_eq!(
            round_float(1.7976931348623157e308, -308).unwrap_err().kind,
            "OverflowError"
        );
        assert_eq!(round_int(2.5).unwrap().repr(), "2");
        assert_eq!(round_int(-3.5).unwrap().repr(), "-4");
        assert_eq!(round_int(f64::NAN).unwrap_err().kind, "ValueError");
        assert_eq!(round_int(1e19).unwrap_err().kind, "OverflowError");
    }

    /// CPython 3.12's `sum([0.1] * 10)` is 1.0 (3.11's plain sum gave 0.9999999999999999).
    #[test]
    fn sum_of_floats_is_compensated() {
        let tenths = vec![Value::Float(0.1); 10];
        assert_eq!(sum_floats(0, &tenths).unwrap().repr(), "1.0");
        let mixed = [Value::Float(0.5), Value::Int(2), Value::Bool(true)];
        assert_eq!(sum_floats(1, &mixed).unwrap().repr(), "4.5");
    }
}

//! Sprig's numeric functions (numeric.go and the math entries of
//! functions.go): integer math through spf13/cast's `ToInt64`, float math
//! through shopspring/decimal (exact decimal arithmetic on the shortest
//! decimal form of each float64), and the integer-slice helpers.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use rand::RngExt;

use super::conv::{parse_int, to_float64, to_int64};
use super::{arg_int, arg_str, call_err, FuncResult};
use crate::engine::gofmt::sprint_value;
use crate::engine::value::Value;

/// Most elements `until`/`untilStep`/`seq` will build (guards hostile charts).
const MAX_RANGE_LEN: i64 = 10_000_000;

/// `atoi`: strconv.Atoi with the error dropped (syntax errors give 0,
/// out-of-range values are clamped, as ParseInt returns them).
pub fn atoi(a: &[Value]) -> FuncResult {
    let s = arg_str(a, 0);
    let n = parse_int(s, 10).unwrap_or_else(|| {
        let (neg, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
            if neg {
                i64::MIN
            } else {
                i64::MAX
            }
        } else {
            0
        }
    });
    Ok(Value::Int(n))
}

pub fn int64(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(to_int64(&a[0])))
}

pub fn int(a: &[Value]) -> FuncResult {
    Ok(Value::Int(to_int64(&a[0])))
}

pub fn float64(a: &[Value]) -> FuncResult {
    Ok(Value::Float(to_float64(&a[0])))
}

/// `toDecimal`: the value printed with `%v`, read as octal.
pub fn to_decimal(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(parse_int(&sprint_value(&a[0]), 8).unwrap_or(0)))
}

/// Sprig `untilStep`.
fn until_step_vec(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        if (start - stop) / -step > MAX_RANGE_LEN {
            return Err(format!("untilStep: more than {MAX_RANGE_LEN} elements"));
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            i += step;
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    if (stop - start) / step > MAX_RANGE_LEN {
        return Err(format!("untilStep: more than {MAX_RANGE_LEN} elements"));
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    Ok(v)
}

fn int_list(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

pub fn until(a: &[Value]) -> FuncResult {
    let count = arg_int(a, 0);
    let step = if count < 0 { -1 } else { 1 };
    Ok(int_list(until_step_vec(0, count, step).map_err(call_err)?))
}

pub fn until_step(a: &[Value]) -> FuncResult {
    let v = until_step_vec(arg_int(a, 0), arg_int(a, 1), arg_int(a, 2)).map_err(call_err)?;
    Ok(int_list(v))
}

/// Sprig `seq`: like GNU seq, numbers joined by spaces.
pub fn seq(a: &[Value]) -> FuncResult {
    let p: Vec<i64> = (0..a.len()).map(|i| arg_int(a, i)).collect();
    let nums = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step_vec(start, end + inc, inc)
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step_vec(start, end + step, step)
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step_vec(start, end + inc, step)
        }
        _ => return Ok(Value::str("")),
    }
    .map_err(call_err)?;
    let parts: Vec<String> = nums.iter().map(i64::to_string).collect();
    Ok(Value::string(parts.join(" ")))
}

pub fn add1(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
}

pub fn add(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)))))
}

pub fn sub(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
}

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

pub fn div(a: &[Value]) -> FuncResult {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(call_err(DIVIDE_BY_ZERO));
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_div(d)))
}

pub fn modulo(a: &[Value]) -> FuncResult {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(call_err(DIVIDE_BY_ZERO));
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(d)))
}

pub fn mul(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(a[1..].iter().fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v)))))
}

pub fn rand_int(a: &[Value]) -> FuncResult {
    let (min, max) = (arg_int(a, 0), arg_int(a, 1));
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err(call_err("invalid argument to Intn"));
    }
    Ok(Value::Int(rand::rng().random_range(0..span) + min))
}

pub fn max(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
}

pub fn min(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            y
        } else {
            x
        }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

pub fn maxf(a: &[Value]) -> FuncResult {
    Ok(Value::Float(a[1..].iter().map(to_float64).fold(to_float64(&a[0]), go_max)))
}

pub fn minf(a: &[Value]) -> FuncResult {
    Ok(Value::Float(a[1..].iter().map(to_float64).fold(to_float64(&a[0]), go_min)))
}

pub fn floor(a: &[Value]) -> FuncResult {
    Ok(Value::Float(to_float64(&a[0]).floor()))
}

pub fn ceil(a: &[Value]) -> FuncResult {
    Ok(Value::Float(to_float64(&a[0]).ceil()))
}

/// `round VALUE PLACES [ROUND_ON]`: Sprig's own rounding (the fraction of
/// value·10^places compared with ROUND_ON, default .5).
pub fn round(a: &[Value]) -> FuncResult {
    let round_on = match a.get(2) {
        Some(Value::Float(f)) => *f,
        _ => 0.5,
    };
    let val = to_float64(&a[0]);
    let pow = 10f64.powf(arg_int(a, 1) as f64);
    let digit = pow * val;
    let rounded = if digit.fract() >= round_on { digit.ceil() } else { digit.floor() };
    Ok(Value::Float(rounded / pow))
}

/// A shopspring/decimal value: `mantissa · 10^exp`.
#[derive(Clone, Debug)]
struct Decimal {
    mantissa: BigInt,
    exp: i32,
}

/// shopspring's `DivisionPrecision`.
const DIVISION_PRECISION: i32 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            return Err(format!("Cannot create a Decimal from {}", sprint_value(&Value::Float(f))));
        }
        let (neg, digits, exp) = crate::engine::gofmt::strconv::shortest_digits(f);
        let mut mantissa: BigInt = digits.parse().unwrap_or_default();
        if neg {
            mantissa = -mantissa;
        }
        Ok(Decimal { mantissa, exp: exp - (digits.len() as i32 - 1) })
    }

    fn rescaled(&self, exp: i32) -> BigInt {
        &self.mantissa * BigInt::from(10).pow((self.exp - exp) as u32)
    }

    fn add(&self, o: &Decimal) -> Decimal {
        let exp = self.exp.min(o.exp);
        Decimal { mantissa: self.rescaled(exp) + o.rescaled(exp), exp }
    }

    fn sub(&self, o: &Decimal) -> Decimal {
        let exp = self.exp.min(o.exp);
        Decimal { mantissa: self.rescaled(exp) - o.rescaled(exp), exp }
    }

    fn mul(&self, o: &Decimal) -> Decimal {
        Decimal { mantissa: &self.mantissa * &o.mantissa, exp: self.exp + o.exp }
    }

    /// `Div`: `DivRound(d2, 16)`, half away from zero.
    fn div(&self, o: &Decimal) -> Result<Decimal, String> {
        if o.mantissa.is_zero() {
            return Err("decimal division by zero".into());
        }
        // self/o · 10^16 = (m1 · 10^(e1 - e2 + 16)) / m2
        let shift = self.exp - o.exp + DIVISION_PRECISION;
        let (num, den) = if shift >= 0 {
            (&self.mantissa * BigInt::from(10).pow(shift as u32), o.mantissa.clone())
        } else {
            (self.mantissa.clone(), &o.mantissa * BigInt::from(10).pow((-shift) as u32))
        };
        let q = &num / &den; // truncates toward zero
        let r = &num - &q * &den;
        let mut q = q;
        if (r.abs() * 2) >= den.abs() {
            if num.is_negative() != den.is_negative() {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Ok(Decimal { mantissa: q, exp: -DIVISION_PRECISION })
    }

    /// `Float64()`: the nearest float64.
    fn to_f64(&self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp).parse().unwrap_or(0.0)
    }
}

/// Sprig `execDecimalOp`.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: impl Fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> FuncResult {
    let mut acc = Decimal::from_f64(to_float64(first)).map_err(call_err)?;
    for v in rest {
        let d = Decimal::from_f64(to_float64(v)).map_err(call_err)?;
        acc = op(&acc, &d).map_err(call_err)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

pub fn add1f(a: &[Value]) -> FuncResult {
    decimal_op(&a[0], &[Value::Int(1)], |x, y| Ok(x.add(y)))
}

pub fn addf(a: &[Value]) -> FuncResult {
    decimal_op(&Value::Float(0.0), a, |x, y| Ok(x.add(y)))
}

pub fn subf(a: &[Value]) -> FuncResult {
    decimal_op(&a[0], &a[1..], |x, y| Ok(x.sub(y)))
}

pub fn divf(a: &[Value]) -> FuncResult {
    decimal_op(&a[0], &a[1..], |x, y| x.div(y))
}

pub fn mulf(a: &[Value]) -> FuncResult {
    decimal_op(&a[0], &a[1..], |x, y| Ok(x.mul(y)))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, call_ok as v, f, i, s};
    use super::*;

    #[test]
    fn integer_math_matches_sprig_tests() {
        // numeric_test.go
        assert_eq!(v("add1", &[i(1)]), Value::Int64(2));
        assert_eq!(v("add", &[i(1), i(2), s("3")]), Value::Int64(6));
        assert_eq!(v("sub", &[i(3), f(2.9)]), Value::Int64(1));
        assert_eq!(v("div", &[i(4), i(2)]), Value::Int64(2));
        assert_eq!(v("mod", &[i(10), i(3)]), Value::Int64(1));
        assert_eq!(v("mul", &[i(1), i(2), i(3)]), Value::Int64(6));
        assert_eq!(v("max", &[i(1), i(5), s("3")]), Value::Int64(5));
        assert_eq!(v("biggest", &[i(1), i(5)]), Value::Int64(5));
        assert_eq!(v("min", &[i(1), i(-5), s("3")]), Value::Int64(-5));
        assert_eq!(call("div", &[i(1), i(0)]), Err(call_err(DIVIDE_BY_ZERO)));
        assert_eq!(v("int", &[s("3.0")]), Value::Int(3));
        assert_eq!(v("int", &[s("3.7")]), Value::Int(0));
        assert_eq!(v("int", &[f(3.7)]), Value::Int(3));
        assert_eq!(v("int64", &[s("-9")]), Value::Int64(-9));
        assert_eq!(v("float64", &[s("1.5")]), f(1.5));
        assert_eq!(v("atoi", &[s("42")]), i(42));
        assert_eq!(v("atoi", &[s("4x")]), i(0));
        assert_eq!(v("atoi", &[s("99999999999999999999")]), i(i64::MAX));
        assert_eq!(v("toDecimal", &[s("0777")]), Value::Int64(511));
        assert_eq!(v("toDecimal", &[i(777)]), Value::Int64(511));
        assert_eq!(v("toDecimal", &[s("8")]), Value::Int64(0));
    }

    #[test]
    fn float_math_uses_decimal_arithmetic() {
        // numeric_test.go TestAddf etc.; 0.1+0.2 is exact in decimal.
        assert_eq!(v("addf", &[f(0.1), f(0.2)]), f(0.3));
        assert_eq!(v("addf", &[i(1), s("2.5")]), f(3.5));
        assert_eq!(v("add1f", &[f(1.5)]), f(2.5));
        assert_eq!(v("subf", &[f(1.5), f(0.5), f(0.25)]), f(0.75));
        assert_eq!(v("mulf", &[f(1.1), f(3.0)]), f(3.3));
        assert_eq!(v("divf", &[i(1), i(3)]), f(0.3333333333333333));
        assert_eq!(v("divf", &[i(2), i(3)]), f(0.6666666666666667));
        assert_eq!(v("divf", &[f(10.0), f(4.0)]), f(2.5));
        assert_eq!(call("divf", &[i(1), i(0)]), Err(call_err("decimal division by zero")));
        assert_eq!(v("maxf", &[f(1.0), f(2.5), s("2")]), f(2.5));
        assert_eq!(v("minf", &[f(1.0), f(-2.5)]), f(-2.5));
        assert_eq!(v("floor", &[s("1.9")]), f(1.0));
        assert_eq!(v("ceil", &[f(1.1)]), f(2.0));
        assert_eq!(v("round", &[f(3.14159), i(2)]), f(3.14));
        assert_eq!(v("round", &[f(2.5), i(0)]), f(3.0));
        assert_eq!(v("round", &[f(123.555555), i(3)]), f(123.556));
        assert_eq!(v("round", &[f(123.5), i(0), f(0.6)]), f(123.0));
    }

    #[test]
    fn integer_ranges() {
        // numeric_test.go TestSeq / TestUntil / TestUntilStep
        let seq = |args: &[i64]| v("seq", &args.iter().map(|x| i(*x)).collect::<Vec<_>>());
        assert_eq!(seq(&[0, 1, 3]), s("0 1 2 3"));
        assert_eq!(seq(&[0, 3, 10]), s("0 3 6 9"));
        assert_eq!(seq(&[3, 3, 2]), s(""));
        assert_eq!(seq(&[3, -3, 2]), s("3"));
        assert_eq!(seq(&[]), s(""));
        assert_eq!(seq(&[0, 4]), s("0 1 2 3 4"));
        assert_eq!(seq(&[5]), s("1 2 3 4 5"));
        assert_eq!(seq(&[-5]), s("1 0 -1 -2 -3 -4 -5"));
        assert_eq!(seq(&[0]), s("1 0"));
        assert_eq!(seq(&[0, 1, 2, 3]), s(""));
        assert_eq!(seq(&[0, -4]), s("0 -1 -2 -3 -4"));
        let printed = |x: Value| sprint_value(&x);
        assert_eq!(printed(v("until", &[i(5)])), "[0 1 2 3 4]");
        assert_eq!(printed(v("until", &[i(-3)])), "[0 -1 -2]");
        assert_eq!(printed(v("untilStep", &[i(0), i(5), i(2)])), "[0 2 4]");
        assert_eq!(printed(v("untilStep", &[i(3), i(0), i(-1)])), "[3 2 1]");
        assert_eq!(printed(v("untilStep", &[i(0), i(5), i(0)])), "[]");
    }

    #[test]
    fn rand_int_stays_in_range() {
        for _ in 0..50 {
            match v("randInt", &[i(3), i(6)]) {
                Value::Int(n) => assert!((3..6).contains(&n)),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(call("randInt", &[i(3), i(3)]), Err(call_err("invalid argument to Intn")));
    }
}

//! Go's fmt printing of template values: `%v` (what `{{ . }}` prints),
//! `print`/`println`/`printf` with Go's verbs and flags.
//!
//! Matched against Go's fmt/print.go and fmt/format.go.

use super::value::Value;

/// What Go's `fmt.Sprint(v)` prints for one value (`%v`).
pub fn sprint_value(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, true);
    out
}

fn write_value(out: &mut String, v: &Value, top: bool) {
    match v {
        Value::Missing => out.push_str(if top { "<no value>" } else { "<nil>" }),
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format_float_g(*f)),
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push('[');
            for (i, x) in b.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&x.to_string());
            }
            out.push(']');
        }
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, x, false);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_value(out, x, false);
            }
            out.push(']');
        }
        Value::Object(o) => match o.go_string() {
            Some(s) => out.push_str(&s),
            None => write_value(out, &o.to_data(), false),
        },
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which `%v` uses for float64:
/// the shortest digits that round-trip, in exponent form when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `100000`, `1.5e-05`).
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let (neg, digits, exp) = shortest_digits(f);
    format_g_digits(neg, &digits, exp)
}

/// Go's `strconv.FormatFloat(float64(f), 'g', -1, 32)`: shortest digits that
/// round-trip as a float32 (sigs.k8s.io/yaml uses it for float map keys).
pub fn format_float32_g(f: f32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    format_g_digits(f < 0.0, &digits, exp.parse().unwrap_or(0))
}

/// %g layout of shortest decimal `digits` whose first digit has exponent `exp`.
fn format_g_digits(neg: bool, digits: &str, exp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let nd = digits.len() as i32;
    let dp = exp + 1;
    // strconv's %g with shortest precision switches to %e at exponent 6.
    let eprec = 6;
    if exp < -4 || exp >= eprec {
        s.push_str(&digits[..1]);
        if nd > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        if exp < 0 {
            s.push('-');
        } else {
            s.push('+');
        }
        let a = exp.abs();
        if a < 10 {
            s.push('0');
        }
        s.push_str(&a.to_string());
    } else if dp <= 0 {
        s.push_str("0.");
        for _ in 0..(-dp) {
            s.push('0');
        }
        s.push_str(digits);
    } else if dp >= nd {
        s.push_str(digits);
        for _ in 0..(dp - nd) {
            s.push('0');
        }
    } else {
        s.push_str(&digits[..dp as usize]);
        s.push('.');
        s.push_str(&digits[dp as usize..]);
    }
    s
}

/// The shortest round-trip decimal digits of `f` and the exponent of the
/// first digit, from Rust's shortest `{:e}` formatting (same digits as Go's).
pub fn shortest_digits(f: f64) -> (bool, String, i32) {
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    (f < 0.0, digits, exp.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(format_float_g(1000000.0), "1e+06");
        assert_eq!(format_float_g(100000.0), "100000");
        assert_eq!(format_float_g(1.5), "1.5");
        assert_eq!(format_float_g(0.00001), "1e-05");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(12345678901234567890.0), "1.2345678901234567e+19");
        assert_eq!(format_float_g(1234567.0), "1.234567e+06");
        assert_eq!(format_float_g(3.0), "3");
    }
}

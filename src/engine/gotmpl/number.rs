//! Number literals: Go's `strconv.ParseInt/ParseUint(s, 0, 64)` and
//! `ParseFloat(s, 64)` rules (base prefixes, underscores, hex floats), and
//! the NumberNode classification of text/template/parse/node.go (newNumber):
//! one literal may be an int, a uint and a float at once.

use crate::engine::gofmt::strconv::{self, unquote_char, Unquoted};

/// A parsed number literal (Go: parse.NumberNode's value fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Number {
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
    /// The complex value (real, imaginary) when `is_complex`.
    pub complex: (f64, f64),
}

/// How a literal lexed: a number, a character constant or a complex pair.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Number,
    Char,
    Complex,
}

/// Go: newNumber. The error text is what the parser reports.
pub fn new_number(text: &str, kind: NumberKind) -> Result<Number, String> {
    let mut n = Number::default();
    match kind {
        NumberKind::Char => {
            let inner = &text[1..];
            let (value, tail) =
                unquote_char(inner, '\'').map_err(|_| "invalid syntax".to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let v = match value {
                Unquoted::Rune(c) => c as u32,
                Unquoted::Byte(b) => b as u32,
            };
            n.int64 = v as i64;
            n.is_int = true;
            n.uint64 = v as u64;
            n.is_uint = true;
            n.float64 = v as f64;
            n.is_float = true;
            return Ok(n);
        }
        NumberKind::Complex => {
            let (re, im) = parse_complex(text)?;
            n.is_complex = true;
            n.complex = (re, im);
            simplify_complex(&mut n);
            return Ok(n);
        }
        NumberKind::Number => {}
    }
    // Imaginary constants can only be complex unless they are zero.
    if let Some(body) = text.strip_suffix('i') {
        if let Ok(f) = parse_float(body) {
            n.is_complex = true;
            n.complex = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    // Do integer test first so we get 0x123 etc.
    let u = parse_uint(text);
    if let Ok(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Ok(i) = parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true; // in case of -0.
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Ok(f) = parse_float(text) {
        // Parsed as a float but looks like an integer: too large for an int.
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                strconv::quote(text)
            ));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f && f.fract() == 0.0 && f.abs() < 9.3e18 {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f && f.fract() == 0.0 && f < 1.85e19 {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            strconv::quote(text)
        ));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    let (re, im) = n.complex;
    n.is_float = im == 0.0;
    if n.is_float {
        n.float64 = re;
        n.is_int = (re as i64) as f64 == re && re.fract() == 0.0;
        if n.is_int {
            n.int64 = re as i64;
        }
        n.is_uint = re >= 0.0 && (re as u64) as f64 == re && re.fract() == 0.0;
        if n.is_uint {
            n.uint64 = re as u64;
        }
    }
}

/// A complex literal `a+bi` / `a-bi` (what fmt.Sscan accepts from the lexer).
fn parse_complex(text: &str) -> Result<(f64, f64), String> {
    let bad = || {
        format!(
            "strconv.ParseFloat: parsing {}: invalid syntax",
            strconv::quote(text)
        )
    };
    let body = text.strip_suffix('i').ok_or_else(bad)?;
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-')
            && !matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')
        {
            split = Some(i);
            break;
        }
    }
    let i = split.ok_or_else(bad)?;
    let re = parse_float(&body[..i]).map_err(|_| bad())?;
    let im = parse_float(&body[i..]).map_err(|_| bad())?;
    Ok((re, im))
}

/// Go: strconv.underscoreOK.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut s = b;
    if !s.is_empty() && (s[0] == b'-' || s[0] == b'+') {
        s = &s[1..];
    }
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            i += 1;
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            i += 1;
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
        i += 1;
    }
    saw != b'_'
}

/// Go: strconv.ParseUint(s, 0, 64).
pub fn parse_uint(s0: &str) -> Result<u64, ()> {
    if s0.is_empty() {
        return Err(());
    }
    let b = s0.as_bytes();
    let (base, digits) = if b[0] == b'0' {
        if b.len() >= 3 && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
            let base = match b[1].to_ascii_lowercase() {
                b'b' => 2,
                b'o' => 8,
                _ => 16,
            };
            (base, &b[2..])
        } else {
            (8, &b[1..])
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u64,
            b'a'..=b'z' => (c - b'a' + 10) as u64,
            b'A'..=b'Z' => (c - b'A' + 10) as u64,
            _ => return Err(()),
        };
        if d >= base {
            return Err(());
        }
        n = n
            .checked_mul(base)
            .and_then(|n| n.checked_add(d))
            .ok_or(())?;
    }
    if underscores && !underscore_ok(s0) {
        return Err(());
    }
    Ok(n)
}

/// Go: strconv.ParseInt(s, 0, 64).
pub fn parse_int(s: &str) -> Result<i64, ()> {
    if s.is_empty() {
        return Err(());
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(body)?;
    const CUTOFF: u64 = 1 << 63;
    if !neg && un >= CUTOFF {
        return Err(());
    }
    if neg && un > CUTOFF {
        return Err(());
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// Go: strconv.ParseFloat(s, 64) for the literals the lexer produces:
/// decimal with optional exponent, hexadecimal with a `p` exponent, and
/// underscores between digits.
pub fn parse_float(s: &str) -> Result<f64, ()> {
    if s.is_empty() {
        return Err(());
    }
    if s.contains('_') && !underscore_ok(s) {
        return Err(());
    }
    let clean: String = s.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'+') => (false, &clean[1..]),
        Some(b'-') => (true, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if lower.is_empty()
            || !lower
                .bytes()
                .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
        {
            return Err(());
        }
        lower.parse::<f64>().map_err(|_| ())?
    };
    Ok(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Result<f64, ()> {
    let (mant, exp) = s.split_once('p').ok_or(())?;
    let exp: i64 = if exp.is_empty() {
        return Err(());
    } else {
        exp.parse().map_err(|_| ())?
    };
    let (int_part, frac_part) = match mant.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(());
    }
    let mut m: u64 = 0;
    let mut e = exp;
    let mut sticky = false;
    for (i, c) in int_part.chars().chain(frac_part.chars()).enumerate() {
        let d = c.to_digit(16).ok_or(())? as u64;
        let in_frac = i >= int_part.len();
        if m >> 60 == 0 {
            m = m * 16 + d;
            if in_frac {
                e -= 4;
            }
        } else {
            // Too many digits: keep the magnitude, remember lost bits.
            sticky |= d != 0;
            if !in_frac {
                e += 4;
            }
        }
    }
    if sticky {
        m |= 1;
    }
    Ok((m as f64) * 2f64.powi(e.clamp(-2000, 2000) as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        text: &'static str,
        ok: bool,
        is_int: bool,
        is_uint: bool,
        is_float: bool,
        is_complex: bool,
        int64: i64,
        uint64: u64,
        float64: f64,
    }

    #[allow(clippy::too_many_arguments)]
    const fn c(
        text: &'static str,
        is_int: bool,
        is_uint: bool,
        is_float: bool,
        is_complex: bool,
        int64: i64,
        uint64: u64,
        float64: f64,
    ) -> Case {
        Case {
            text,
            ok: true,
            is_int,
            is_uint,
            is_float,
            is_complex,
            int64,
            uint64,
            float64,
        }
    }

    const fn bad(text: &'static str) -> Case {
        Case {
            text,
            ok: false,
            is_int: false,
            is_uint: false,
            is_float: false,
            is_complex: false,
            int64: 0,
            uint64: 0,
            float64: 0.0,
        }
    }

    // Go: numberTests in text/template/parse/parse_test.go.
    #[test]
    fn number_tests_from_go() {
        let cases = [
            c("0", true, true, true, false, 0, 0, 0.0),
            c("-0", true, true, true, false, 0, 0, 0.0),
            c("73", true, true, true, false, 73, 73, 73.0),
            c("7_3", true, true, true, false, 73, 73, 73.0),
            c("0b10_010_01", true, true, true, false, 73, 73, 73.0),
            c("0B10_010_01", true, true, true, false, 73, 73, 73.0),
            c("073", true, true, true, false, 0o73, 0o73, 59.0),
            c("0o73", true, true, true, false, 0o73, 0o73, 59.0),
            c("0O73", true, true, true, false, 0o73, 0o73, 59.0),
            c("0x73", true, true, true, false, 0x73, 0x73, 115.0),
            c("0X73", true, true, true, false, 0x73, 0x73, 115.0),
            c("0x7_3", true, true, true, false, 0x73, 0x73, 115.0),
            c("-73", true, false, true, false, -73, 0, -73.0),
            c("+73", true, false, true, false, 73, 0, 73.0),
            c("100", true, true, true, false, 100, 100, 100.0),
            c(
                "1e9",
                true,
                true,
                true,
                false,
                1_000_000_000,
                1_000_000_000,
                1e9,
            ),
            c("-1e9", true, false, true, false, -1_000_000_000, 0, -1e9),
            c("-1.2", false, false, true, false, 0, 0, -1.2),
            c(
                "1e19",
                false,
                true,
                true,
                false,
                0,
                10_000_000_000_000_000_000,
                1e19,
            ),
            c(
                "1e1_9",
                false,
                true,
                true,
                false,
                0,
                10_000_000_000_000_000_000,
                1e19,
            ),
            c(
                "1E19",
                false,
                true,
                true,
                false,
                0,
                10_000_000_000_000_000_000,
                1e19,
            ),
            c("-1e19", false, false, true, false, 0, 0, -1e19),
            c("0x_1p4", true, true, true, false, 16, 16, 16.0),
            c("0X_1P4", true, true, true, false, 16, 16, 16.0),
            c("0x_1p-4", false, false, true, false, 0, 0, 1.0 / 16.0),
            c("4i", false, false, false, true, 0, 0, 0.0),
            c("-1.2+4.2i", false, false, false, true, 0, 0, 0.0),
            c("073i", false, false, false, true, 0, 0, 0.0),
            c("0i", true, true, true, true, 0, 0, 0.0),
            c("-1.2+0i", false, false, true, true, 0, 0, -1.2),
            c("-12+0i", true, false, true, true, -12, 0, -12.0),
            c("13+0i", true, true, true, true, 13, 13, 13.0),
            c("0123", true, true, true, false, 0o123, 0o123, 83.0),
            c("-0x0", true, true, true, false, 0, 0, 0.0),
            c(
                "0xdeadbeef",
                true,
                true,
                true,
                false,
                0xdeadbeef,
                0xdeadbeef,
                3735928559.0,
            ),
            c("'a'", true, true, true, false, 97, 97, 97.0),
            c("'\\n'", true, true, true, false, 10, 10, 10.0),
            c("'\\\\'", true, true, true, false, 92, 92, 92.0),
            c("'\\''", true, true, true, false, 39, 39, 39.0),
            c("'\\xFF'", true, true, true, false, 0xFF, 0xFF, 255.0),
            c("'パ'", true, true, true, false, 0x30d1, 0x30d1, 12497.0),
            c(
                "'\\u30d1'",
                true,
                true,
                true,
                false,
                0x30d1,
                0x30d1,
                12497.0,
            ),
            c(
                "'\\U000030d1'",
                true,
                true,
                true,
                false,
                0x30d1,
                0x30d1,
                12497.0,
            ),
            bad("+-2"),
            bad("0x123."),
            bad("1e."),
            bad("0xi."),
            bad("1+2."),
            bad("'x"),
            bad("'xx'"),
            bad("'433937734937734969526500969526500'"),
            c("0xef", true, true, true, false, 0xef, 0xef, 239.0),
        ];
        for case in cases {
            let kind = if case.text.starts_with('\'') {
                NumberKind::Char
            } else if parse_complex(case.text).is_ok() {
                NumberKind::Complex
            } else {
                NumberKind::Number
            };
            let got = new_number(case.text, kind);
            if !case.ok {
                assert!(
                    got.is_err(),
                    "expected error for {:?}: {:?}",
                    case.text,
                    got
                );
                continue;
            }
            let n = got.unwrap_or_else(|e| panic!("{}: {e}", case.text));
            assert_eq!(n.is_complex, case.is_complex, "complex {}", case.text);
            assert_eq!(n.is_int, case.is_int, "int {}", case.text);
            if case.is_int {
                assert_eq!(n.int64, case.int64, "{}", case.text);
            }
            assert_eq!(n.is_uint, case.is_uint, "uint {}", case.text);
            if case.is_uint {
                assert_eq!(n.uint64, case.uint64, "{}", case.text);
            }
            assert_eq!(n.is_float, case.is_float, "float {}", case.text);
            if case.is_float {
                assert_eq!(n.float64, case.float64, "{}", case.text);
            }
        }
    }

    #[test]
    fn overflow_and_syntax_errors() {
        assert_eq!(
            new_number("99999999999999999999", NumberKind::Number),
            Err("integer overflow: \"99999999999999999999\"".into())
        );
        assert_eq!(
            new_number("089", NumberKind::Number),
            Err("integer overflow: \"089\"".into())
        );
        assert_eq!(
            new_number("0x1.8", NumberKind::Number),
            Err("illegal number syntax: \"0x1.8\"".into())
        );
        let n = new_number("18446744073709551615", NumberKind::Number).unwrap();
        assert!(n.is_uint && !n.is_int);
    }
}

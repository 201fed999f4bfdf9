//! Go conversions the library leans on: Sprig's `strval` and `empty`,
//! spf13/cast's `ToInt64`/`ToFloat64` (v1.7.0, what Helm builds with),
//! strconv's `ParseInt`/`ParseFloat`, and the per-rune Unicode
//! predicates and simple case mappings of Go's `unicode` package.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::engine::gofmt::sprint_value;
use crate::engine::value::Value;

/// Sprig's `strval`: strings as they are, `[]byte` as text, Stringers via
/// `String()`, everything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => crate::engine::value::string_from_go_bytes(b).into_owned(),
        Value::Missing => "<nil>".into(),
        other => sprint_value(other),
    }
}

/// Sprig's `empty`: the zero value of its type (nil, false, 0, "", empty
/// list or map); structs are never empty.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Missing | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.borrow().is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Go's conversion of a float64 to int64 on amd64: truncation, with the
/// "integer indefinite" value for NaN and out-of-range input.
pub fn go_f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// spf13/cast `ToInt64` (and `ToInt`: Go's int is 64 bits): errors give 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Float(f) => go_f64_to_i64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        Value::Bool(b) => *b as i64,
        _ => 0,
    }
}

/// spf13/cast `ToFloat64`: errors give 0.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => *b as i64 as f64,
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: "3.000" → "3" (but "3.5" stays).
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, base, 64)` (base 0 reads the 0x/0o/0b/0
/// prefixes and allows underscores between digits).
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_uint(body, base)?;
    if neg {
        if mag > i64::MAX as u64 + 1 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else if mag > i64::MAX as u64 {
        None
    } else {
        Some(mag as i64)
    }
}

/// Go's `strconv.ParseUint(s, base, 64)`.
pub fn parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let lower: Vec<u8> = s.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let (base, digits, base0) = if base == 0 {
        if lower.len() >= 3 && lower[0] == b'0' && matches!(lower[1], b'x' | b'o' | b'b') {
            let b = match lower[1] {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (b, &lower[2..], true)
        } else if lower[0] == b'0' {
            (8, &lower[..], true)
        } else {
            (10, &lower[..], true)
        }
    } else {
        (base, &lower[..], false)
    };
    let mut n: u64 = 0;
    let mut saw_underscore = false;
    for &c in digits {
        let d = match c {
            b'_' if base0 => {
                saw_underscore = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    if saw_underscore && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.underscoreOK`: underscores only between digits or after a
/// base prefix.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        i = 1;
    }
    let mut hex = false;
    if b.len() - i >= 2 && b[i] == b'0' && matches!(b[i + 1] | 0x20, b'b' | b'o' | b'x') {
        hex = (b[i + 1] | 0x20) == b'x';
        i += 2;
        saw = b'0';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal input; out-of-range values
/// are errors (Go returns ±Inf with ErrRange, which cast treats as failure).
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['+', '-']);
    let lower = t.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        None
    } else {
        Some(f)
    }
}

/// Go's `unicode.IsUpper` (category Lu).
pub fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.general_category() == GeneralCategory::UppercaseLetter
}

/// Go's `unicode.IsLower` (category Ll).
pub fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    c.general_category() == GeneralCategory::LowercaseLetter
}

/// Go's `unicode.IsTitle` (category Lt).
pub fn is_title(c: char) -> bool {
    c.general_category() == GeneralCategory::TitlecaseLetter
}

/// Go's `unicode.IsLetter` (category L).
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.general_category_group() == GeneralCategoryGroup::Letter
}

/// Go's `unicode.IsDigit` (category Nd).
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.general_category() == GeneralCategory::DecimalNumber
}

/// Go's `unicode.IsNumber` (category N).
pub fn is_number(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Number
}

/// Go's `unicode.IsPunct` (category P).
pub fn is_punct(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// Go's `unicode.IsSpace`: the White_Space property (same set as Rust's).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.ToUpper`: the simple (one rune) mapping.
pub fn to_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower`: the simple (one rune) mapping.
pub fn to_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: upper case except for the Latin digraphs, whose
/// title case is their own letter.
pub fn to_title(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => to_upper(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_to_int64_follows_spf13_cast() {
        // cast_test.go / Sprig numeric_test.go expectations.
        assert_eq!(to_int64(&Value::str("102")), 102);
        assert_eq!(to_int64(&Value::str("3.0")), 3);
        assert_eq!(to_int64(&Value::str("3.7")), 0);
        assert_eq!(to_int64(&Value::str("0x1F")), 31);
        assert_eq!(to_int64(&Value::str("010")), 8);
        assert_eq!(to_int64(&Value::str("1_000")), 1000);
        assert_eq!(to_int64(&Value::str("_1")), 0);
        assert_eq!(to_int64(&Value::str("abc")), 0);
        assert_eq!(to_int64(&Value::Float(3.99)), 3);
        assert_eq!(to_int64(&Value::Float(-3.99)), -3);
        assert_eq!(to_int64(&Value::Bool(true)), 1);
        assert_eq!(to_int64(&Value::Nil), 0);
        assert_eq!(to_int64(&Value::str("-9223372036854775808")), i64::MIN);
        assert_eq!(to_int64(&Value::str("9223372036854775808")), 0);
    }

    #[test]
    fn cast_to_float64_follows_spf13_cast() {
        assert_eq!(to_float64(&Value::str("102.5")), 102.5);
        assert_eq!(to_float64(&Value::str("1e3")), 1000.0);
        assert_eq!(to_float64(&Value::str("1e400")), 0.0);
        assert_eq!(to_float64(&Value::str("x")), 0.0);
        assert_eq!(to_float64(&Value::Int(7)), 7.0);
        assert_eq!(to_float64(&Value::Bool(true)), 1.0);
    }

    #[test]
    fn empty_rules() {
        assert!(is_empty(&Value::Nil));
        assert!(is_empty(&Value::Float(0.0)));
        assert!(is_empty(&Value::str("")));
        assert!(is_empty(&Value::list(vec![])));
        assert!(is_empty(&Value::empty_map()));
        assert!(!is_empty(&Value::str(" ")));
        assert!(!is_empty(&Value::Int64(-1)));
    }
}

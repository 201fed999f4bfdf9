//! Go's strconv, the one copy capstan has: FormatFloat for float64 and
//! float32 ('e', 'E', 'f', 'g', 'G', 'b', 'x', 'X'; precision -1 = shortest
//! round-trip digits), Quote/QuoteToASCII/QuoteRune/CanBackquote (for `%q`, `quote`
//! and every message that quotes a name), Unquote/UnquoteChar (template
//! literals) and IsPrint.
//!
//! Decimal digits come from Rust's exact float formatting (shortest or
//! correctly rounded to a given length), laid out as Go's ftoa.go
//! fmtE/fmtF/%g do.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Decimal digits of |f|: `digits` without leading/trailing zeros, and the
/// decimal point position `dp` (value = 0.digits × 10^dp), as Go's decimalSlice.
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
}

impl Decimal {
    fn from_sci(s: &str) -> Decimal {
        // Rust `{:e}` output: d[.ddd]e[-]x
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal { digits, dp: 0 };
        }
        Decimal { digits, dp: exp + 1 }
    }

    /// Shortest digits that read back as |f| (finite) at `bit_size` 64 or
    /// 32; Rust's shortest `{:e}` gives the same digits as Go's Ryū.
    fn shortest(f: f64, bit_size: u32) -> Decimal {
        if f == 0.0 {
            return Decimal { digits: Vec::new(), dp: 0 };
        }
        if bit_size == 32 {
            return Decimal::from_sci(&format!("{:e}", (f as f32).abs()));
        }
        Decimal::from_sci(&format!("{:e}", f.abs()))
    }

    /// |f| correctly rounded to `n` ≥ 1 significant digits.
    fn significant(f: f64, n: usize) -> Decimal {
        if f == 0.0 {
            return Decimal { digits: Vec::new(), dp: 0 };
        }
        Decimal::from_sci(&format!("{:.*e}", n - 1, f.abs()))
    }

    /// |f| correctly rounded to `frac` digits after the point.
    fn fixed(f: f64, frac: usize) -> Decimal {
        let s = format!("{:.*}", frac, f.abs());
        let (int, fr) = s.split_once('.').unwrap_or((&s, ""));
        let all: Vec<u8> = int.bytes().chain(fr.bytes()).collect();
        let lead = all.iter().take_while(|&&c| c == b'0').count();
        let mut digits = all[lead..].to_vec();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Decimal { digits, dp: 0 };
        }
        Decimal { digits, dp: int.len() as i32 - lead as i32 }
    }
}

/// The shortest round-trip decimal digits of float64 `f` and the exponent of
/// the first digit (`1.5e-05` → `(false, "15", -5)`; zero → `"0"`, 0).
pub fn shortest_digits(f: f64) -> (bool, String, i32) {
    let neg = f < 0.0;
    let d = Decimal::shortest(f, 64);
    if d.digits.is_empty() {
        return (neg, "0".into(), 0);
    }
    (neg, String::from_utf8_lossy(&d.digits).into_owned(), d.dp - 1)
}

/// strconv.FormatFloat(f, fmt, prec, bit_size): `bit_size` 32 formats
/// `float32(f)`, with the shortest digits that read back as a float32.
pub fn format_float(f: f64, fmt: char, prec: i32, bit_size: u32) -> String {
    let f = if bit_size == 32 { f as f32 as f64 } else { f };
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let neg = f.is_sign_negative();
    match fmt {
        'b' => return fmt_b(f, bit_size),
        'x' | 'X' => return fmt_x(f, prec, fmt, bit_size),
        _ => {}
    }
    let shortest = prec < 0;
    let mut prec = prec;
    let d = if shortest {
        let d = Decimal::shortest(f, bit_size);
        prec = match fmt {
            'e' | 'E' => d.digits.len() as i32 - 1,
            'f' => (d.digits.len() as i32 - d.dp).max(0),
            _ => d.digits.len() as i32,
        };
        d
    } else {
        match fmt {
            'e' | 'E' => Decimal::significant(f, prec as usize + 1),
            'f' => Decimal::fixed(f, prec as usize),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                Decimal::significant(f, prec as usize)
            }
        }
    };
    format_digits(neg, &d, prec, fmt, shortest)
}

/// ftoa.go formatDigits.
fn format_digits(neg: bool, d: &Decimal, prec: i32, fmt: char, shortest: bool) -> String {
    match fmt {
        'e' | 'E' => fmt_e(neg, d, prec, fmt),
        'f' => fmt_f(neg, d, prec),
        'g' | 'G' => {
            let nd = d.digits.len() as i32;
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            // %e is used if the exponent from the conversion is less than -4
            // or greater than or equal to the precision; shortest uses 6.
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                let p = prec.min(nd);
                return fmt_e(neg, d, p - 1, if fmt == 'g' { 'e' } else { 'E' });
            }
            let p = if prec > d.dp { nd } else { prec };
            fmt_f(neg, d, (p - d.dp).max(0))
        }
        other => format!("%{other}"),
    }
}

/// %e: -d.ddddde±dd
fn fmt_e(neg: bool, d: &Decimal, prec: i32, fmt: char) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let nd = d.digits.len();
    s.push(if nd == 0 { '0' } else { d.digits[0] as char });
    if prec > 0 {
        s.push('.');
        let mut i = 1;
        let m = nd.min(prec as usize + 1);
        if i < m {
            s.push_str(std::str::from_utf8(&d.digits[i..m]).unwrap_or_default());
            i = m;
        }
        while i <= prec as usize {
            s.push('0');
            i += 1;
        }
    }
    s.push(fmt);
    let exp = if nd == 0 { 0 } else { d.dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

/// %f: -ddddddd.ddddd
fn fmt_f(neg: bool, d: &Decimal, prec: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let nd = d.digits.len() as i32;
    if d.dp > 0 {
        let m = nd.min(d.dp);
        s.push_str(std::str::from_utf8(&d.digits[..m as usize]).unwrap_or_default());
        for _ in m..d.dp {
            s.push('0');
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            s.push(if 0 <= j && j < nd { d.digits[j as usize] as char } else { '0' });
        }
    }
    s
}

/// The float64 or float32 bits split as ftoa.go genericFtoa does: mantissa
/// with the implicit bit, unbiased exponent, and the mantissa width.
fn mant_exp(f: f64, bit_size: u32) -> (u64, i32, i32) {
    let (bits, mant_bits, exp_bits, bias) = if bit_size == 32 {
        ((f as f32).to_bits() as u64, 23, 8, -127)
    } else {
        (f.to_bits(), 52, 11, -1023)
    };
    let mut exp = ((bits >> mant_bits) & ((1u64 << exp_bits) - 1)) as i32;
    let mut mant = bits & ((1u64 << mant_bits) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << mant_bits;
    }
    exp += bias;
    (mant, exp, mant_bits)
}

/// %b: -ddddp±ddd (decimal mantissa, binary exponent).
fn fmt_b(f: f64, bit_size: u32) -> String {
    let (mant, exp, mant_bits) = mant_exp(f, bit_size);
    let exp = exp - mant_bits;
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let esign = if exp >= 0 { "+" } else { "" };
    format!("{sign}{mant}p{esign}{exp}")
}

/// %x: -0x1.yyyyp±dd (hex mantissa, binary exponent); ftoa.go fmtX.
fn fmt_x(f: f64, prec: i32, fmt: char, bit_size: u32) -> String {
    let (mut mant, mut exp, mant_bits) = mant_exp(f, bit_size);
    if mant == 0 {
        exp = 0;
    }
    // Shift digits so the leading 1 (if any) is at bit 1<<60.
    mant <<= 60 - mant_bits;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8] = if fmt == 'X' { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut s = String::new();
    if f.is_sign_negative() {
        s.push('-');
    }
    s.push('0');
    s.push(fmt);
    s.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        s.push('.');
        while mant != 0 {
            s.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        s.push('.');
        for _ in 0..prec {
            s.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    s.push(if fmt == 'X' { 'P' } else { 'p' });
    s.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        s.push('0');
    }
    s.push_str(&a.to_string());
    s
}

/// Go's `strconv.IsPrint` (= `unicode.IsPrint`): letters, marks, numbers,
/// punctuation, symbols (by Unicode general category) and the ASCII space.
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Mark
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    )
}

/// strconv appendEscapedRune.
fn push_escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if let Some(b) = crate::engine::value::raw_byte(c) {
        // A byte of a Go string that is not UTF-8.
        out.push_str(&format!("\\x{b:02x}"));
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7F => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

fn quote_with(s: &str, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', ascii_only);
    }
    out.push('"');
    out
}

/// strconv.Quote: a double-quoted Go string literal, printable runes kept.
pub fn quote(s: &str) -> String {
    quote_with(s, false)
}

/// strconv.QuoteToASCII (`%+q`): every non-ASCII rune escaped.
pub fn quote_to_ascii(s: &str) -> String {
    quote_with(s, true)
}

/// strconv.QuoteRune / QuoteRuneToASCII.
pub fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// strconv.CanBackquote: no control characters other than tab, no backquote,
/// no U+FEFF.
pub fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c == '\t' || !((c as u32) < 0x20 || c == '\u{7f}' || c == '`' || c == '\u{feff}'))
}

/// Go's `strconv.Unquote` for the two literal forms templates use:
/// `"..."` with Go escapes and `` `...` `` raw strings (carriage returns
/// dropped). `Err(())` is Go's `invalid syntax`. Escapes that produce
/// bytes which are not valid UTF-8 (`"\xff"`) are kept as
/// [`string_from_go_bytes`](crate::engine::value::string_from_go_bytes) keeps them.
pub fn unquote(s: &str) -> Result<String, ()> {
    let n = s.len();
    if n < 2 {
        return Err(());
    }
    let quote = s.as_bytes()[0];
    if quote != s.as_bytes()[n - 1] {
        return Err(());
    }
    let body = &s[1..n - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(());
            }
            Ok(body.replace('\r', ""))
        }
        b'"' => {
            if body.contains('\n') {
                return Err(());
            }
            if !body.contains('\\') && !body.contains('"') {
                return Ok(body.to_string());
            }
            let mut bytes: Vec<u8> = Vec::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                let (value, tail) = unquote_char(rest, '"')?;
                match value {
                    Unquoted::Rune(c) => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Unquoted::Byte(b) => bytes.push(b),
                }
                rest = tail;
            }
            Ok(crate::engine::value::string_from_go_bytes(&bytes).into_owned())
        }
        _ => Err(()),
    }
}

/// One decoded character: a rune, or a raw byte from `\x` / octal escapes.
#[derive(Debug, PartialEq)]
pub enum Unquoted {
    Rune(char),
    Byte(u8),
}

/// Go's `strconv.UnquoteChar`: decode the first character or escape of `s`
/// inside a literal quoted with `quote`; returns it and the rest.
pub fn unquote_char(s: &str, quote: char) -> Result<(Unquoted, &str), ()> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(())?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(());
    }
    if c != '\\' {
        return Ok((Unquoted::Rune(c), chars.as_str()));
    }
    let rest = chars.as_str();
    let mut it = rest.chars();
    let e = it.next().ok_or(())?;
    let tail = it.as_str();
    let simple = |r: char| Ok((Unquoted::Rune(r), tail));
    match e {
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        'f' => simple('\x0c'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'v' => simple('\x0b'),
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if tail.len() < n || !tail.is_char_boundary(n) {
                return Err(());
            }
            let v = u32::from_str_radix(&tail[..n], 16).map_err(|_| ())?;
            if !tail[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(());
            }
            let rest = &tail[n..];
            if e == 'x' {
                return Ok((Unquoted::Byte(v as u8), rest));
            }
            let c = char::from_u32(v).ok_or(())?;
            Ok((Unquoted::Rune(c), rest))
        }
        '0'..='7' => {
            let b = rest.as_bytes();
            if b.len() < 3 || !b[..3].iter().all(|c| (b'0'..=b'7').contains(c)) {
                return Err(());
            }
            let digits = &rest[..3];
            let v = u32::from_str_radix(digits, 8).map_err(|_| ())?;
            if v > 255 {
                return Err(());
            }
            Ok((Unquoted::Byte(v as u8), &rest[3..]))
        }
        '\\' => simple('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(());
            }
            simple(e)
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_strconv() {
        // Go: strconv/ftoa_test.go cases.
        let cases: &[(f64, char, i32, &str)] = &[
            (1.0, 'e', 5, "1.00000e+00"),
            (1.0, 'f', 5, "1.00000"),
            (1.0, 'g', 5, "1"),
            (1.0, 'g', -1, "1"),
            (20.0, 'g', -1, "20"),
            (1234567.8, 'g', -1, "1.2345678e+06"),
            (200000.0, 'g', -1, "200000"),
            (2000000.0, 'g', -1, "2e+06"),
            (1e10, 'g', -1, "1e+10"),
            (400.0, 'g', 2, "4e+02"),
            (40.0, 'g', 2, "40"),
            (4.0, 'g', 2, "4"),
            (0.0, 'e', 5, "0.00000e+00"),
            (0.0, 'f', 5, "0.00000"),
            (0.0, 'g', 5, "0"),
            (0.0, 'g', -1, "0"),
            (-1.0, 'e', 5, "-1.00000e+00"),
            (-1.0, 'g', -1, "-1"),
            (12.0, 'e', 5, "1.20000e+01"),
            (123456700.0, 'e', 5, "1.23457e+08"),
            (1.2345e6, 'e', 5, "1.23450e+06"),
            (1e23, 'e', 17, "9.99999999999999916e+22"),
            (1e23, 'f', 17, "99999999999999991611392.00000000000000000"),
            (1e23, 'g', 17, "9.9999999999999992e+22"),
            (1e23, 'e', -1, "1e+23"),
            (1e23, 'f', -1, "100000000000000000000000"),
            (1e23, 'g', -1, "1e+23"),
            (100.0, 'x', -1, "0x1.9p+06"),
            (100.0, 'y', -1, "%y"),
            (1.0, 'b', -1, "4503599627370496p-52"),
            (0.5, 'x', 0, "0x1p-01"),
            (1.0, 'x', 3, "0x1.000p+00"),
            (0.000001, 'g', -1, "1e-06"),
            (0.0001, 'g', -1, "0.0001"),
            (32.0, 'g', -1, "32"),
            (32.0, 'g', 0, "3e+01"),
            (100.0, 'x', 0, "0x1p+07"),
        ];
        for &(f, fmt, prec, want) in cases {
            assert_eq!(format_float(f, fmt, prec, 64), want, "{f} {fmt} {prec}");
        }
    }

    #[test]
    fn formats_float32_like_strconv() {
        // Go: FormatFloat(f, fmt, prec, 32) formats float32(f).
        let cases: &[(f64, char, i32, &str)] = &[
            (1.23456789, 'g', -1, "1.2345679"),
            (std::f64::consts::PI, 'g', -1, "3.1415927"),
            (1e21, 'g', -1, "1e+21"),
            (16777216.0, 'g', -1, "1.6777216e+07"),
            (0.1, 'g', -1, "0.1"),
            (0.1, 'g', 17, "0.10000000149011612"),
            (0.1, 'e', -1, "1e-01"),
            (-0.0, 'g', -1, "-0"),
            (1e39, 'g', -1, "+Inf"),
            (1.0, 'b', -1, "8388608p-23"),
            (1.0, 'x', -1, "0x1p+00"),
            (100.0, 'x', -1, "0x1.9p+06"),
        ];
        for &(f, fmt, prec, want) in cases {
            assert_eq!(format_float(f, fmt, prec, 32), want, "{f} {fmt} {prec}");
        }
    }

    #[test]
    fn shortest_digits_and_exponent() {
        assert_eq!(shortest_digits(1.5e-5), (false, "15".into(), -5));
        assert_eq!(shortest_digits(-1234.5), (true, "12345".into(), 3));
        assert_eq!(shortest_digits(0.0), (false, "0".into(), 0));
    }

    #[test]
    fn quotes_like_strconv() {
        assert_eq!(quote("abc\n\t\"x\"\\"), r#""abc\n\t\"x\"\\""#);
        assert_eq!(quote("é\u{7}\u{1}"), "\"é\\a\\x01\"");
        assert_eq!(quote_to_ascii("é☺"), r#""\u00e9\u263a""#);
        assert_eq!(quote_to_ascii("\u{1F600}"), r#""\U0001f600""#);
        assert_eq!(quote_rune('\'', false), r"'\''");
        assert_eq!(quote_rune('x', false), "'x'");
        assert!(can_backquote("a\tb"));
        assert!(!can_backquote("a`b"));
    }

    #[test]
    fn quote_like_go() {
        // Go: strconv/quote_test.go; printability by Unicode category.
        assert_eq!(quote("abc"), "\"abc\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quote("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
        assert_eq!(quote("\x01\x7f"), "\"\\x01\\x7f\"");
        assert_eq!(quote("日本"), "\"日本\"");
        assert_eq!(quote("héllo ☺"), "\"héllo ☺\"");
        assert_eq!(quote("\u{a0}\u{feff}"), "\"\\u00a0\\ufeff\"");
        assert_eq!(quote("\u{200b}"), r#""\u200b""#);
        assert_eq!(quote("{{ .Values.x }}"), "\"{{ .Values.x }}\"");
        // Private use, unassigned and noncharacters are not printable.
        assert_eq!(quote("\u{e000}\u{378}\u{fffe}"), r#""\ue000\u0378\ufffe""#);
        assert_eq!(quote("\u{1F600}"), "\"\u{1F600}\"");
        assert_eq!(quote("\u{E0001}"), r#""\U000e0001""#);
    }

    #[test]
    fn unquote_like_go() {
        assert_eq!(unquote("\"abc\""), Ok("abc".into()));
        assert_eq!(unquote("`a\\nb`"), Ok("a\\nb".into()));
        assert_eq!(unquote("`a\r\nb`"), Ok("a\nb".into()));
        assert_eq!(unquote("\"a\\nb\\t\\\"\""), Ok("a\nb\t\"".into()));
        assert_eq!(
            unquote("\"\\u00e9\\U0001F600\\x41\\101\""),
            Ok("é😀AA".into())
        );
        assert_eq!(unquote("\"\\'\""), Err(()));
        assert_eq!(unquote("\"\\q\""), Err(()));
        assert_eq!(unquote("\"\\ud800\""), Err(()));
        assert_eq!(unquote("\"\\12é\""), Err(()));
        assert_eq!(unquote("\"\\xé1\""), Err(()));
    }

    #[test]
    fn unquote_char_like_go() {
        assert_eq!(unquote_char("a'", '\''), Ok((Unquoted::Rune('a'), "'")));
        assert_eq!(unquote_char("\\''", '\''), Ok((Unquoted::Rune('\''), "'")));
        assert_eq!(
            unquote_char("\\xFF'", '\''),
            Ok((Unquoted::Byte(0xFF), "'"))
        );
        assert!(unquote_char("'", '\'').is_err());
        assert!(unquote_char("\\\"'", '\'').is_err());
    }
}

//! Go's string quoting rules as text/template needs them: `strconv.Quote`
//! (for `%q` in error messages and `{{template "name"}}` node text),
//! `strconv.Unquote` and `strconv.UnquoteChar` (for string and character
//! literals), and `unicode.IsPrint`.

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Rust has no general-category table, so this excludes the
/// categories Go excludes (controls, format characters, private use,
/// separators other than U+0020, noncharacters) and treats the rest as
/// printable.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format = matches!(u,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE;
    !(format || private || nonchar)
}

/// Go's `strconv.Quote`: a double-quoted Go string literal.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_quoted_rune(&mut out, c, '"');
    }
    out.push('"');
    out
}

fn push_quoted_rune(out: &mut String, c: char, quote: char) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.Unquote` for the two literal forms templates use:
/// `"..."` with Go escapes and `` `...` `` raw strings (carriage returns
/// dropped). `Err(())` is Go's `invalid syntax`. Escapes that produce
/// bytes which are not valid UTF-8 (`"\xff"`) are replaced with U+FFFD,
/// since template strings are Rust strings.
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
            Ok(String::from_utf8_lossy(&bytes).into_owned())
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
    fn quote_like_go() {
        assert_eq!(go_quote("abc"), "\"abc\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
        assert_eq!(go_quote("\x01\x7f"), "\"\\x01\\x7f\"");
        assert_eq!(go_quote("日本"), "\"日本\"");
        assert_eq!(go_quote("\u{a0}\u{feff}"), "\"\\u00a0\\ufeff\"");
        assert_eq!(go_quote("{{ .Values.x }}"), "\"{{ .Values.x }}\"");
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

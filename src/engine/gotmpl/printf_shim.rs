//! TEMPORARY: a minimal Go `fmt.Sprintf` for the `printf` builtin until
//! `gofmt::sprintf` (full verbs and flags, being written in engine/gofmt.rs)
//! lands; the lead swaps this file out for it.
//!
//! Handles `%%`, `%s`, `%d`, `%v` and `%q` with an optional `-` flag and
//! width; other verbs print Go's `%!c(type=value)` bad-verb form.

use crate::engine::gofmt::sprint_value;
use crate::engine::value::Value;

pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut arg_i = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut zero = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | '#' | ' ' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width = 0usize;
        while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
            width = width * 10 + d as usize;
            chars.next();
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(arg_i) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        arg_i += 1;
        let text = format_verb(verb, arg);
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            let fill = if zero && matches!(verb, 'd') {
                '0'
            } else {
                ' '
            };
            out.extend(std::iter::repeat_n(fill, pad));
            out.push_str(&text);
        }
    }
    if arg_i < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args[arg_i..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("{}={}", type_of(a), sprint_value(a)));
        }
        out.push(')');
    }
    out
}

fn type_of(v: &Value) -> String {
    v.type_name()
}

fn bad_verb(verb: char, v: &Value) -> String {
    match v {
        Value::Nil | Value::Missing => format!("%!{verb}(<nil>)"),
        other => format!("%!{verb}({}={})", type_of(other), sprint_value(other)),
    }
}

fn format_verb(verb: char, v: &Value) -> String {
    match verb {
        'v' => match v {
            Value::Missing => "<nil>".into(),
            other => sprint_value(other),
        },
        's' => match v {
            Value::String(s) => s.to_string(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            Value::List(l) => list_with(verb, l),
            Value::Map(m) => map_with(verb, &m.borrow()),
            other => bad_verb(verb, other),
        },
        'd' => match v {
            Value::Int(i) | Value::Int64(i) => i.to_string(),
            Value::List(l) => list_with(verb, l),
            Value::Map(m) => map_with(verb, &m.borrow()),
            other => bad_verb(verb, other),
        },
        'q' => match v {
            Value::String(s) => super::quote::go_quote(s),
            Value::Int(i) | Value::Int64(i) => match char::from_u32(*i as u32) {
                Some(c) => format!("'{c}'"),
                None => "'\u{FFFD}'".into(),
            },
            Value::List(l) => list_with(verb, l),
            other => bad_verb(verb, other),
        },
        _ => bad_verb(verb, v),
    }
}

fn list_with(verb: char, l: &[Value]) -> String {
    let items: Vec<String> = l.iter().map(|x| format_verb(verb, x)).collect();
    format!("[{}]", items.join(" "))
}

fn map_with(verb: char, m: &crate::engine::value::Map) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, x)| format!("{}:{}", k, format_verb(verb, x)))
        .collect();
    format!("map[{}]", items.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_verbs() {
        assert_eq!(
            sprintf(
                "%s-%d-%v-%q",
                &[
                    Value::str("a"),
                    Value::Int(3),
                    Value::Bool(true),
                    Value::str("x")
                ]
            ),
            "a-3-true-\"x\""
        );
        assert_eq!(
            sprintf("%5d|%-3s|", &[Value::Int(42), Value::str("a")]),
            "   42|a  |"
        );
        assert_eq!(sprintf("%d %d", &[Value::Int(1)]), "1 %!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::Int(1), Value::str("x")]),
            "1%!(EXTRA string=x)"
        );
        assert_eq!(sprintf("%s", &[Value::Int(1)]), "%!s(int=1)");
        assert_eq!(sprintf("100%%", &[]), "100%");
    }
}

//! Go's string forms that Helm's messages are built from: `strconv.Quote`
//! (`%q`) and `fmt`'s `%v` of decoded YAML/JSON data.

use serde_json::Value;

/// Go's `unicode.IsPrint`, close enough for messages: every char but
/// controls, the non-ASCII spaces and the invisible format characters.
fn is_go_print(c: char) -> bool {
    if c.is_control() {
        return false;
    }
    !matches!(c,
        '\u{00A0}' | '\u{00AD}' | '\u{1680}' | '\u{2000}'..='\u{200F}'
        | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{206F}' | '\u{3000}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Go's `strconv.Quote(s)`, which `%q` prints.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` of a number as Helm holds it: float64 from files, int64 from
/// `--set`.
pub fn sprint_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        crate::engine::gofmt::format_float_g(n.as_f64().unwrap_or(0.0))
    }
}

/// Go's `fmt.Sprintf("%v", v)` of decoded data: `map[a:1 b:[x y]]`, `<nil>`.
pub fn sprint(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&sprint_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_value(out, x);
            }
            out.push(']');
        }
    }
}

/// Go's `%T` of decoded data (`map[string]interface {}`, `float64`, ...).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quote_escapes_like_strconv() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(quote("\u{1}"), r#""\x01""#);
        assert_eq!(quote("héllo"), "\"héllo\"");
        assert_eq!(quote("\u{200b}"), r#""\u200b""#);
    }

    #[test]
    fn sprint_prints_like_go_v() {
        let v = json!({"b": [1.0, "x", true, null], "a": {"c": 1000000.0}});
        assert_eq!(sprint(&v), "map[a:map[c:1e+06] b:[1 x true <nil>]]");
        assert_eq!(sprint(&json!(7)), "7");
        assert_eq!(type_name(&json!(7)), "int64");
        assert_eq!(type_name(&json!(7.0)), "float64");
    }
}

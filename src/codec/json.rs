//! Writing JSON byte-for-byte like Go's encoding/json.Marshal, and the text
//! of its decoder's UnmarshalTypeError.
//!
//! Matched against Go 1.25 src/encoding/json/encode.go (string escaping,
//! floatEncoder, sorted map keys), indent.go (MarshalIndent) and decode.go.

use serde_json::Value as Json;

/// How to write: the knobs encoding/json offers that Helm and Sprig use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonOptions {
    /// Escape `<`, `>` and `&` as `\u003c` etc. (Marshal: on; Sprig's
    /// toRawJson turns it off with Encoder.SetEscapeHTML(false)).
    pub escape_html: bool,
    /// One level of indentation (MarshalIndent's `indent`); `None` writes compact JSON.
    pub indent: Option<String>,
}

impl Default for JsonOptions {
    fn default() -> JsonOptions {
        JsonOptions { escape_html: true, indent: None }
    }
}

/// What encoding/json.Marshal writes for `v`: sorted keys, HTML-safe escapes.
/// Helm's `toJson`, Sprig's `toJson`.
pub fn to_json(v: &serde_json::Value) -> String {
    to_json_with(v, &JsonOptions::default())
}

/// json.MarshalIndent(v, "", "  "): Sprig's `toPrettyJson`.
pub fn to_json_pretty(v: &Json) -> String {
    to_json_with(v, &JsonOptions { escape_html: true, indent: Some("  ".into()) })
}

/// An Encoder with SetEscapeHTML(false), final newline trimmed: Sprig's `toRawJson`.
pub fn to_json_raw(v: &Json) -> String {
    to_json_with(v, &JsonOptions { escape_html: false, indent: None })
}

/// Write `v` with the given options.
pub fn to_json_with(v: &Json, opts: &JsonOptions) -> String {
    let mut out = String::new();
    write_value(&mut out, v, opts, 0);
    out
}

fn newline_indent(out: &mut String, opts: &JsonOptions, depth: usize) {
    if let Some(ind) = &opts.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_value(out: &mut String, v: &Json, opts: &JsonOptions, depth: usize) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                out.push_str(&format_float64(n.as_f64().unwrap_or(0.0)));
            }
        }
        Json::String(s) => write_string(out, s, opts.escape_html),
        Json::Array(items) => {
            // json.Indent keeps empty arrays and objects on one line.
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, opts, depth + 1);
                write_value(out, item, opts, depth + 1);
            }
            newline_indent(out, opts, depth);
            out.push(']');
        }
        Json::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            // Go sorts map keys bytewise (string <), whatever order the map keeps.
            let mut entries: Vec<(&String, &Json)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(out, opts, depth + 1);
                write_string(out, k, opts.escape_html);
                out.push(':');
                if opts.indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, opts, depth + 1);
            }
            newline_indent(out, opts, depth);
            out.push('}');
        }
    }
}

/// encodeState.string: `"` and `\` escaped, \n \r \t \b \f short forms
/// (Go ≥ 1.22), other control bytes as `\u00XX` (lowercase hex), `<>&` as
/// `\u003c`… when escaping HTML, and U+2028/U+2029 always escaped.
pub fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => push_u00(out, c as u8, HEX),
            c if (c as u32) < 0x20 => push_u00(out, c as u8, HEX),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            // Go writes each byte that is not UTF-8 as U+FFFD.
            c if super::go_string::raw_byte(c).is_some() => out.push_str("\\ufffd"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_u00(out: &mut String, b: u8, hex: &[u8; 16]) {
    out.push_str("\\u00");
    out.push(hex[(b >> 4) as usize] as char);
    out.push(hex[(b & 0xF) as usize] as char);
}

/// The name encoding/json's UnmarshalTypeError gives a JSON value's kind.
pub fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// encoding/json UnmarshalTypeError for a value (not a struct field):
/// `json: cannot unmarshal array into Go value of type map[string]interface {}`.
pub fn unmarshal_type_error(v: &Json, go_type: &str) -> String {
    format!("json: cannot unmarshal {} into Go value of type {go_type}", json_kind(v))
}

/// encoding/json floatEncoder(64): shortest digits, plain decimal unless
/// |f| < 1e-6 or |f| ≥ 1e21, then exponent form with `e-07` shortened to `e-7`.
pub fn format_float64(f: f64) -> String {
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) { 'e' } else { 'f' };
    let mut s = crate::engine::gofmt::strconv::format_float(f, fmt, -1, 64);
    // Go: "clean up e-09 to e-9".
    let n = s.len();
    if fmt == 'e' && n >= 4 && s.as_bytes()[n - 4..n - 1] == *b"e-0" {
        s.remove(n - 2);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unmarshal_type_errors_name_the_json_kind() {
        // Go: encoding/json decode.go UnmarshalTypeError.Error.
        assert_eq!(
            unmarshal_type_error(&json!([1]), "map[string]interface {}"),
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
        let kinds: Vec<&str> = [json!(null), json!(true), json!(1.5), json!("x"), json!([]), json!({})]
            .iter()
            .map(json_kind)
            .collect();
        assert_eq!(kinds, ["null", "bool", "number", "string", "array", "object"]);
    }

    #[test]
    fn floats_like_encoding_json() {
        // Go: encode_test.go TestMarshalFloat cut-offs and the e-07 cleanup.
        let f = |x: f64| to_json(&json!(x));
        assert_eq!(f(1e6), "1000000");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1.2345678901234567e19), "12345678901234567000");
        assert_eq!(f(0.000001), "0.000001");
        assert_eq!(f(0.0000001), "1e-7");
        assert_eq!(f(1.5e-10), "1.5e-10");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(123456789.0), "123456789");
        assert_eq!(to_json(&json!(-42)), "-42");
        assert_eq!(to_json(&json!(u64::MAX)), "18446744073709551615");
    }

    #[test]
    fn strings_escape_like_go() {
        let s = |x: &str| to_json(&json!(x));
        assert_eq!(s("<a href=\"x\">&</a>"), r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#);
        assert_eq!(s("tab\there\nnl\r\u{8}\u{c}\u{1}\u{1f}"), r#""tab\there\nnl\r\b\f\u0001\u001f""#);
        assert_eq!(s("line\u{2028}para\u{2029}"), r#""line\u2028para\u2029""#);
        assert_eq!(s("back\\slash é ✓ \u{7f}"), "\"back\\\\slash é ✓ \u{7f}\"");
        assert_eq!(to_json_raw(&json!("<&>")), r#""<&>""#);
    }

    #[test]
    fn maps_sorted_and_nested() {
        let v = json!({"b": 1, "a": [true, null, "x"], "B": {}, "é": [], "a1": {"z": 1, "y": 2}});
        assert_eq!(to_json(&v), r#"{"B":{},"a":[true,null,"x"],"a1":{"y":2,"z":1},"b":1,"é":[]}"#);
    }

    #[test]
    fn indented_like_marshal_indent() {
        let v = json!({"a": [1, 2], "b": {}, "c": {"d": "e"}, "f": []});
        assert_eq!(
            to_json_pretty(&v),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": {\n    \"d\": \"e\"\n  },\n  \"f\": []\n}"
        );
        assert_eq!(to_json_pretty(&json!("x")), "\"x\"");
    }
}

//! Go's string forms that Helm's messages are built from: `fmt`'s `%v` and
//! `%T` of decoded YAML/JSON data (`strconv.Quote` is engine::gofmt::strconv).

use serde_json::Value;

/// Go's `strconv.Quote`; the implementation is engine::gofmt::strconv's.
/// Kept here because the repo branch quotes through `chart::gostr::quote`;
/// new code should use the strconv path.
#[allow(unused_imports)]
pub use crate::engine::gofmt::strconv::quote;

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
    fn sprint_prints_like_go_v() {
        let v = json!({"b": [1.0, "x", true, null], "a": {"c": 1000000.0}});
        assert_eq!(sprint(&v), "map[a:map[c:1e+06] b:[1 x true <nil>]]");
        assert_eq!(sprint(&json!(7)), "7");
        assert_eq!(type_name(&json!(7)), "int64");
        assert_eq!(type_name(&json!(7.0)), "float64");
    }
}

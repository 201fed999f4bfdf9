//! TOML for Helm's `toToml` and `fromToml`.
//!
//! Writing follows BurntSushi/toml's Encoder (encode.go: eTable, eMap,
//! eArrayOfTables, writeKeyValue, eElement): keys without sub-tables first,
//! each group sorted, `[a.b]` headers indented two spaces per level below the
//! first, floats always with a decimal point. Integers and floats stay apart
//! (serde_json i64/u64 versus f64), as Go's int and float64 do.
//! Reading uses the `toml` crate into Helm's shapes (int64, float64,
//! `map[string]interface{}`), datetimes as their TOML text.

use serde_json::Value as Json;

/// A value BurntSushi/toml refuses to encode, or TOML that does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct TomlError {
    /// The Go error text, e.g. `toml: top-level values must be Go maps or structs`.
    pub message: String,
}

impl TomlError {
    fn new(m: impl Into<String>) -> TomlError {
        TomlError { message: m.into() }
    }
}

/// What Helm's `toToml` prints: the encoding, or on failure the error text
/// (toTOML returns `err.Error()` instead of the document).
pub fn to_toml(v: &Json) -> String {
    match try_to_toml(v) {
        Ok(s) => s,
        Err(e) => e.message,
    }
}

/// BurntSushi/toml Encoder.Encode (mustToToml's error on failure).
pub fn try_to_toml(v: &Json) -> Result<String, TomlError> {
    let mut enc = Encoder { out: String::new(), has_written: false, indent: "  " };
    enc.encode(&[], v)?;
    Ok(enc.out)
}

/// Helm's `fromToml`: toml.Unmarshal into map[string]interface{}; errors go
/// under the "Error" key, as fromTOML does.
pub fn from_toml(text: &str) -> Json {
    match try_from_toml(text) {
        Ok(v) => v,
        Err(e) => {
            let mut m = serde_json::Map::new();
            m.insert("Error".into(), Json::String(e.message));
            Json::Object(m)
        }
    }
}

/// TOML text to Helm's data shapes.
pub fn try_from_toml(text: &str) -> Result<Json, TomlError> {
    let table: ::toml::Table = text.parse().map_err(|e: ::toml::de::Error| TomlError::new(format!("toml: {}", e.message())))?;
    Ok(from_toml_value(&::toml::Value::Table(table)))
}

fn from_toml_value(v: &::toml::Value) -> Json {
    use ::toml::Value as T;
    match v {
        T::String(s) => Json::String(s.clone()),
        T::Integer(i) => Json::from(*i),
        T::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        T::Boolean(b) => Json::Bool(*b),
        T::Datetime(d) => Json::String(d.to_string()),
        T::Array(a) => Json::Array(a.iter().map(from_toml_value).collect()),
        T::Table(t) => Json::Object(t.iter().map(|(k, x)| (k.clone(), from_toml_value(x))).collect()),
    }
}

/// tomlTypeOfGo's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TomlType {
    Bool,
    Integer,
    Float,
    String,
    Array,
    Hash,
    ArrayHash,
}

const ERR_NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";

fn toml_type_of(v: &Json) -> Result<Option<TomlType>, TomlError> {
    Ok(Some(match v {
        Json::Null => return Ok(None),
        Json::Bool(_) => TomlType::Bool,
        Json::Number(n) => {
            if n.is_f64() {
                TomlType::Float
            } else {
                TomlType::Integer
            }
        }
        Json::String(_) => TomlType::String,
        Json::Array(items) => {
            // An array of tables only when every element is a table (BurntSushi
            // v1.6 writes mixed arrays inline; checked against helm's toToml).
            let first = toml_array_type(v)?;
            if first == Some(TomlType::Hash) && items.iter().all(Json::is_object) {
                TomlType::ArrayHash
            } else {
                TomlType::Array
            }
        }
        Json::Object(_) => TomlType::Hash,
    }))
}

/// tomlArrayType: the first element's type; nil elements are an error.
fn toml_array_type(v: &Json) -> Result<Option<TomlType>, TomlError> {
    let Json::Array(items) = v else { return Ok(None) };
    if items.is_empty() {
        return Ok(None);
    }
    for item in &items[1..] {
        if toml_type_of(item)?.is_none() {
            return Err(TomlError::new(ERR_NIL_ELEMENT));
        }
    }
    match toml_type_of(&items[0])? {
        None => Err(TomlError::new(ERR_NIL_ELEMENT)),
        t => Ok(t),
    }
}

fn type_is_table(t: Option<TomlType>) -> bool {
    matches!(t, Some(TomlType::Hash) | Some(TomlType::ArrayHash))
}

/// A bare key may use A-Z a-z 0-9 _ -; others are quoted.
fn maybe_quoted(k: &str) -> String {
    if k.is_empty() {
        return "\"\"".into();
    }
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return k.to_string();
    }
    format!("\"{}\"", escape(k))
}

fn key_string(key: &[String]) -> String {
    key.iter().map(|k| maybe_quoted(k)).collect::<Vec<_>>().join(".")
}

/// encode.go dblQuotedReplacer.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// BurntSushi/toml v1.6 floats: strconv 'g' shortest, with `.0` added when
/// there is neither a point nor an exponent (checked against helm's toToml);
/// nan and ±inf spelled the TOML way.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "+inf".into() };
    }
    let s = crate::engine::gofmt::format_float_g(f);
    if s.contains('.') || s.contains('e') {
        s
    } else {
        s + ".0"
    }
}

struct Encoder {
    out: String,
    has_written: bool,
    indent: &'static str,
}

impl Encoder {
    fn wf(&mut self, s: &str) {
        self.out.push_str(s);
        self.has_written = true;
    }

    fn newline(&mut self) {
        if self.has_written {
            self.wf("\n");
        }
    }

    fn indent_str(&self, key: &[String]) -> String {
        self.indent.repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &[String], v: &Json) -> Result<(), TomlError> {
        match v {
            Json::Null => Ok(()),
            Json::Bool(_) | Json::Number(_) | Json::String(_) => self.write_key_value(key, v, false),
            Json::Array(_) => {
                if toml_type_of(v)? == Some(TomlType::ArrayHash) {
                    self.e_array_of_tables(key, v)
                } else {
                    self.write_key_value(key, v, false)
                }
            }
            Json::Object(_) => self.e_table(key, v),
        }
    }

    fn e_element(&mut self, v: &Json) -> Result<(), TomlError> {
        match v {
            Json::String(s) => {
                let q = format!("\"{}\"", escape(s));
                self.wf(&q);
            }
            Json::Bool(b) => self.wf(if *b { "true" } else { "false" }),
            Json::Number(n) => {
                let s = if n.is_f64() { format_float(n.as_f64().unwrap_or(0.0)) } else { n.to_string() };
                self.wf(&s);
            }
            Json::Array(items) => {
                self.wf("[");
                for (i, item) in items.iter().enumerate() {
                    self.e_element(item)?;
                    if i != items.len() - 1 {
                        self.wf(", ");
                    }
                }
                self.wf("]");
            }
            Json::Object(_) => self.e_map(&[], v, true)?,
            // Go panics on reflect.Value.Interface of the nil element.
            Json::Null => {
                return Err(TomlError::new("reflect: call of reflect.Value.Interface on zero Value"));
            }
        }
        Ok(())
    }

    fn e_array_of_tables(&mut self, key: &[String], v: &Json) -> Result<(), TomlError> {
        if key.is_empty() {
            return Err(TomlError::new(ERR_NO_KEY));
        }
        let Json::Array(items) = v else { return Ok(()) };
        for item in items {
            if item.is_null() {
                continue;
            }
            self.newline();
            let header = format!("{}[[{}]]", self.indent_str(key), key_string(key));
            self.wf(&header);
            self.newline();
            if !item.is_object() {
                return Err(TomlError::new(format!("eTable: unhandled reflect.Value Kind: {}", go_kind(item))));
            }
            self.e_map(key, item, false)?;
        }
        Ok(())
    }

    fn e_table(&mut self, key: &[String], v: &Json) -> Result<(), TomlError> {
        if key.len() == 1 {
            // An extra newline between top-level tables.
            self.newline();
        }
        if !key.is_empty() {
            let header = format!("{}[{}]", self.indent_str(key), key_string(key));
            self.wf(&header);
            self.newline();
        }
        self.e_map(key, v, false)
    }

    fn e_map(&mut self, key: &[String], v: &Json, inline: bool) -> Result<(), TomlError> {
        let Json::Object(map) = v else { return Ok(()) };
        let mut direct: Vec<&String> = Vec::new();
        let mut sub: Vec<&String> = Vec::new();
        for (k, x) in map {
            if type_is_table(toml_type_of(x)?) {
                sub.push(k);
            } else {
                direct.push(k);
            }
        }
        direct.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        sub.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        if inline {
            self.wf("{");
        }
        let has_sub = !sub.is_empty();
        for (group, trail_comma) in [(direct, has_sub), (sub, false)] {
            let n = group.len();
            for (i, k) in group.into_iter().enumerate() {
                let x = &map[k];
                if x.is_null() {
                    continue;
                }
                if inline {
                    self.write_key_value(std::slice::from_ref(k), x, true)?;
                    if trail_comma || i != n - 1 {
                        self.wf(", ");
                    }
                } else {
                    let mut child: Vec<String> = key.to_vec();
                    child.push(k.clone());
                    self.encode(&child, x)?;
                }
            }
        }
        if inline {
            self.wf("}");
        }
        Ok(())
    }

    fn write_key_value(&mut self, key: &[String], v: &Json, inline: bool) -> Result<(), TomlError> {
        let Some(last) = key.last() else {
            return Err(TomlError::new(ERR_NO_KEY));
        };
        let lead = format!("{}{} = ", self.indent_str(key), maybe_quoted(last));
        self.wf(&lead);
        self.e_element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }
}

/// The reflect.Kind name Go would report for a value.
fn go_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "invalid",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_f64() => "float64",
        Json::Number(_) => "int",
        Json::String(_) => "string",
        Json::Array(_) => "slice",
        Json::Object(_) => "map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_and_values_like_burntsushi() {
        let v = json!({"b": {"c": 1, "d": {"e": "x"}}, "a": 1.0, "z": [1, 2], "s": "q\"\n", "n": null, "t": true});
        assert_eq!(
            to_toml(&v),
            "a = 1.0\ns = \"q\\\"\\n\"\nt = true\nz = [1, 2]\n\n[b]\n  c = 1\n  [b.d]\n    e = \"x\"\n"
        );
    }

    #[test]
    fn arrays_of_tables_and_errors() {
        let v = json!({"items": [{"name": "a"}, {"name": "b", "x": 1.5}]});
        assert_eq!(to_toml(&v), "[[items]]\n  name = \"a\"\n\n[[items]]\n  name = \"b\"\n  x = 1.5\n");
        assert_eq!(to_toml(&json!({"a": [1, null]})), ERR_NIL_ELEMENT);
        assert_eq!(to_toml(&json!([1])), ERR_NO_KEY);
        assert_eq!(to_toml(&json!({"a b": 1, "": 2})), "\"\" = 2\n\"a b\" = 1\n");
    }

    #[test]
    fn reads_toml() {
        let v = from_toml("a = 1\nb = 1.5\n[t]\nc = [\"x\"]\n");
        assert_eq!(v, json!({"a": 1, "b": 1.5, "t": {"c": ["x"]}}));
        assert!(from_toml("a = ").get("Error").is_some());
    }
}

//! Serialize any `Serialize` value the way Go's encoding/json.Marshal writes
//! it, so a record we write is the bytes Helm would write: struct fields in
//! declaration order, map keys sorted, `<>&` and U+2028/U+2029 escaped,
//! floats in Go's floatEncoder format.

use std::io;

use serde::{Serialize, Serializer};
use serde_json::ser::Formatter;
use serde_json::Value;

use crate::codec::json::format_float64;

/// Go's json.Marshal of `value` (compact, HTML-safe).
pub fn to_go_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    value.serialize(&mut ser)?;
    Ok(out)
}

/// A compact formatter with Go's string escapes and float format.
struct GoFormatter;

impl Formatter for GoFormatter {
    // Go: encoding/json/encode.go floatEncoder.
    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(format_float64(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(w, value as f64)
    }

    // serde_json already escapes `"`, `\` and control bytes as Go does
    // (\b \f \n \r \t short, the rest \u00xx lowercase); Go also escapes
    // HTML characters and the JavaScript line separators (encodeState.string).
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        // Fast path: most fragments (base64 data, manifests) need nothing more.
        // 0xE2 leads the UTF-8 encoding of U+2028 and U+2029.
        if !bytes.iter().any(|&b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
            return w.write_all(bytes);
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            w.write_all(&bytes[start..i])?;
            w.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        w.write_all(&bytes[start..])
    }
}

/// Serializes a JSON value with object keys sorted bytewise, as Go does for
/// `map[string]any`, whatever order the `serde_json::Map` keeps.
pub struct SortedValue<'a>(pub &'a Value);

impl Serialize for SortedValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.0 {
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&SortedValue(item))?;
                }
                seq.end()
            }
            Value::Object(map) => sorted_map(map, s),
            other => other.serialize(s),
        }
    }
}

/// Whether two values are written as the same JSON: as `==`, except that
/// a number read from JSON (an integer) and the float64 a chart's YAML
/// gave (Helm's values are float64) are the same when they print the same.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.is_f64(), y.is_f64()) {
            (true, false) => float_is_int(x.as_f64().unwrap_or(f64::NAN), integer(y)),
            (false, true) => float_is_int(y.as_f64().unwrap_or(f64::NAN), integer(x)),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b)),
        (Value::Object(x), Value::Object(y)) => same_json_maps(x, y),
        _ => a == b,
    }
}

/// [`same_json`] of two maps.
pub fn same_json_maps(a: &serde_json::Map<String, Value>, b: &serde_json::Map<String, Value>) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_json(v, w)))
}

/// Whether float64 `f` prints as the integer `i` (Go writes integral
/// floats below 1e21 without a fraction or exponent; `-0` keeps its sign).
fn float_is_int(f: f64, i: i128) -> bool {
    f.fract() == 0.0 && f.abs() < 1e21 && !(f == 0.0 && f.is_sign_negative()) && f as i128 == i
}

/// An integer JSON number's value.
fn integer(n: &serde_json::Number) -> i128 {
    n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)).unwrap_or_default()
}

/// A map's entries with keys in bytewise order, as Go writes a map.
pub fn sorted_entries(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries
}

/// `serialize_with` helper for a `serde_json::Map` field.
pub fn sorted_map<S: Serializer>(map: &serde_json::Map<String, Value>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let entries = sorted_entries(map);
    let mut out = s.serialize_map(Some(entries.len()))?;
    for (k, v) in entries {
        out.serialize_entry(k, &SortedValue(v))?;
    }
    out.end()
}

/// `serialize_with` helper for an optional map (`None` is Go's nil map: `null`).
pub fn sorted_opt_map<S: Serializer>(map: &Option<serde_json::Map<String, Value>>, s: S) -> Result<S::Ok, S::Error> {
    match map {
        Some(m) => sorted_map(m, s),
        None => s.serialize_none(),
    }
}

/// `serialize_with` helper for a list of arbitrary values.
pub fn sorted_values<S: Serializer>(items: &[Value], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&SortedValue(item))?;
    }
    seq.end()
}

/// Go's `[]byte` in JSON: standard base64 with padding.
pub mod bytes_base64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(data))
    }

    /// `null` decodes to empty, as Go leaves a nil slice.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        match text {
            None => Ok(Vec::new()),
            Some(t) => super::decode_go_base64(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// Go's nil-able `[]byte`: `None` ↔ `null`.
pub mod opt_bytes_base64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match data {
            Some(d) => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| super::decode_go_base64(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

/// Go's base64.StdEncoding.DecodeString: padding required, `\r` and `\n`
/// ignored, non-zero trailing bits tolerated.
pub fn decode_go_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    if text.contains(['\r', '\n']) {
        let cleaned: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        GO_STD.decode(cleaned)
    } else {
        GO_STD.decode(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Expectations: Go 1.25 json.Marshal.
    #[test]
    fn writes_like_go_marshal() {
        let v = json!({"b": "<a href=\"x\">&amp;</a>\u{2028}", "a": [1.5, 1e21, 1e-7, 100000000000000000000.0, -3], "c": "tab\tnl\n\u{1}"});
        let out = String::from_utf8(to_go_json(&SortedValue(&v)).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"{"a":[1.5,1e+21,1e-7,100000000000000000000,-3],"b":"\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e\u2028","c":"tab\tnl\n\u0001"}"#
        );
    }

    #[test]
    fn same_json_treats_integral_floats_as_the_integers_they_print() {
        assert!(same_json(&json!({"a": [1.0, 2]}), &json!({"a": [1, 2.0]})));
        assert!(same_json(&json!(1e15), &json!(1_000_000_000_000_000_u64)));
        assert!(!same_json(&json!(1.5), &json!(1)));
        assert!(!same_json(&json!(-0.0), &json!(0)), "Go writes -0");
        assert!(!same_json(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!same_json(&json!("1"), &json!(1)));
        // What they print agrees.
        for (f, i) in [(1.0, 1_i64), (1e15, 1_000_000_000_000_000)] {
            assert_eq!(to_go_json(&json!(f)).unwrap(), to_go_json(&json!(i)).unwrap());
        }
    }

    #[test]
    fn base64_like_go_std_encoding() {
        assert_eq!(decode_go_base64("aGVs\nbG8=").unwrap(), b"hello");
        assert!(decode_go_base64("aGVsbG8").is_err(), "StdEncoding requires padding");
    }
}

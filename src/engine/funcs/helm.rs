//! Helm's own functions (pkg/engine/funcs.go and engine.go): YAML, JSON and
//! TOML conversion, the duration helpers, `required`, `fail`, `lookup` and
//! the `getHostByName` stand-in; plus Sprig's JSON functions, which share
//! the JSON writer.

use super::conv::to_int64;
use super::dates::{duration_value, parse_go_duration, DURATION_TYPE};
use super::{arg_str, call_err, FuncResult};
use crate::codec;
use crate::codec::json::unmarshal_type_error;
use crate::engine::value::{Map, Value};

/// Helm wraps `required` and `fail` messages in these so its error report
/// can show the message alone (engine.go `warnWrap`, `warnRegex`).
pub const WARN_START: &str = "HELM_ERR_START";
pub const WARN_END: &str = "HELM_ERR_END";

fn warn_wrap(msg: &str) -> String {
    format!("{WARN_START}{msg}{WARN_END}")
}

/// `required MSG VALUE`: fails with MSG when VALUE is nil or "".
pub fn required(a: &[Value]) -> FuncResult {
    match &a[1] {
        Value::Nil | Value::Missing => Err(call_err(warn_wrap(arg_str(a, 0)))),
        Value::String(s) if s.is_empty() => Err(call_err(warn_wrap(arg_str(a, 0)))),
        v => Ok(v.clone()),
    }
}

/// `fail MSG`: always fails.
pub fn fail(a: &[Value]) -> FuncResult {
    Err(call_err(warn_wrap(arg_str(a, 0))))
}

/// Answers `lookup` from a cluster (Go: pkg/engine/lookup_func.go). The
/// engine knows only this trait: the kube target implements it, so the
/// render path itself never touches the network.
pub trait LookupProvider: Send + Sync {
    /// The object (`name` set) or the list (`name` empty; all namespaces
    /// when `namespace` is empty) as the API server returns it; an empty
    /// object when it does not exist.
    fn lookup(&self, api_version: &str, kind: &str, namespace: &str, name: &str) -> Result<serde_json::Value, String>;
}

static LOOKUP: std::sync::RwLock<Option<std::sync::Arc<dyn LookupProvider>>> = std::sync::RwLock::new(None);

/// While alive, `lookup` asks `provider`; dropping it returns `lookup` to
/// finding nothing. Install, upgrade and diff on a cluster hold one while
/// they render.
pub struct LookupScope(());

impl LookupScope {
    pub fn new(provider: std::sync::Arc<dyn LookupProvider>) -> LookupScope {
        *LOOKUP.write().unwrap_or_else(|e| e.into_inner()) = Some(provider);
        LookupScope(())
    }
}

impl Drop for LookupScope {
    fn drop(&mut self) {
        *LOOKUP.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// `lookup APIVERSION KIND NAMESPACE NAME`: with no cluster connection
/// (`template`, `lint`, the local target) Helm returns an empty map.
pub fn lookup(a: &[Value]) -> FuncResult {
    let provider = LOOKUP.read().unwrap_or_else(|e| e.into_inner()).clone();
    match provider {
        None => Ok(Value::empty_map()),
        Some(p) => p
            .lookup(arg_str(a, 0), arg_str(a, 1), arg_str(a, 2), arg_str(a, 3))
            .map(|v| Value::from_json(&v))
            .map_err(call_err),
    }
}

/// Helm disables DNS lookups unless `--enable-dns` is given: "".
pub fn get_host_by_name(_: &[Value]) -> FuncResult {
    Ok(Value::str(""))
}

// ---- JSON ----

/// Go's json.Marshal refuses NaN and infinities.
fn check_json_floats(v: &Value) -> Result<(), String> {
    match v {
        Value::Float(f) if !f.is_finite() => Err(format!(
            "json: unsupported value: {}",
            crate::engine::gofmt::format_float_g(*f)
        )),
        Value::List(l) => l.iter().try_for_each(check_json_floats),
        Value::Map(m) => m.borrow().values().try_for_each(check_json_floats),
        Value::Object(o) => check_json_floats(&o.to_data()),
        _ => Ok(()),
    }
}

/// `json.Marshal(v)` with the given encoder options.
pub fn marshal_json_with(v: &Value, opts: &codec::json::JsonOptions) -> Result<String, String> {
    check_json_floats(v)?;
    Ok(codec::json::to_json_with(&v.to_json(), opts))
}

/// `json.Marshal(v)`.
pub fn marshal_json(v: &Value) -> Result<String, String> {
    marshal_json_with(v, &codec::json::JsonOptions::default())
}

fn pretty() -> codec::json::JsonOptions {
    codec::json::JsonOptions { escape_html: true, indent: Some("  ".into()) }
}

fn raw() -> codec::json::JsonOptions {
    codec::json::JsonOptions { escape_html: false, indent: None }
}

pub fn to_json(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_json(&a[0]).unwrap_or_default()))
}

pub fn must_to_json(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_json(&a[0]).map_err(call_err)?))
}

pub fn to_pretty_json(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_json_with(&a[0], &pretty()).unwrap_or_default()))
}

pub fn must_to_pretty_json(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_json_with(&a[0], &pretty()).map_err(call_err)?))
}

/// Sprig's toRawJson panics where mustToRawJson returns the error.
pub fn to_raw_json(a: &[Value]) -> FuncResult {
    must_to_raw_json(a)
}

pub fn must_to_raw_json(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_json_with(&a[0], &raw()).map_err(call_err)?))
}

/// Data read by encoding/json into `interface{}`: every number a float64.
/// Consumes the data: keys move rather than copy, and each part is freed
/// as it is converted (`fromYaml` of a large CRD is megabytes).
pub fn go_data_to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::Array(a) => Value::list(a.into_iter().map(go_data_to_value).collect()),
        serde_json::Value::Object(o) => Value::map(o.into_iter().map(|(k, v)| (k, go_data_to_value(v))).collect()),
        other => Value::from_json(&other),
    }
}

/// `json.Unmarshal` of a document: Go's syntax check first (its error
/// texts), then the data.
fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    check_json_syntax(text.as_bytes())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// encoding/json scanner.go's verdict on a document: the first error as
/// Go words it (`invalid character 'x' after object key`).
fn check_json_syntax(b: &[u8]) -> Result<(), String> {
    const EOF: &str = "unexpected end of JSON input";
    let bad = |c: u8, ctx: &str| format!("invalid character {} {ctx}", quote_char(c as char));
    let ws = |i: &mut usize| {
        while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    fn value(b: &[u8], i: &mut usize, depth: usize) -> Result<(), String> {
        let bad = |c: u8, ctx: &str| format!("invalid character {} {ctx}", quote_char(c as char));
        let ws = |i: &mut usize| {
            while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
                *i += 1;
            }
        };
        if depth > 10000 {
            return Err("exceeded max depth".into());
        }
        ws(i);
        let Some(&c) = b.get(*i) else { return Err(EOF.into()) };
        *i += 1;
        match c {
            b'{' => {
                ws(i);
                if b.get(*i) == Some(&b'}') {
                    *i += 1;
                    return Ok(());
                }
                loop {
                    ws(i);
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(b'"') => {
                            *i += 1;
                            string(b, i)?;
                        }
                        Some(&c) => return Err(bad(c, "looking for beginning of object key string")),
                    }
                    ws(i);
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(b':') => *i += 1,
                        Some(&c) => return Err(bad(c, "after object key")),
                    }
                    value(b, i, depth + 1)?;
                    ws(i);
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(b',') => *i += 1,
                        Some(b'}') => {
                            *i += 1;
                            return Ok(());
                        }
                        Some(&c) => return Err(bad(c, "after object key:value pair")),
                    }
                }
            }
            b'[' => {
                ws(i);
                if b.get(*i) == Some(&b']') {
                    *i += 1;
                    return Ok(());
                }
                loop {
                    value(b, i, depth + 1)?;
                    ws(i);
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(b',') => *i += 1,
                        Some(b']') => {
                            *i += 1;
                            return Ok(());
                        }
                        Some(&c) => return Err(bad(c, "after array element")),
                    }
                }
            }
            b'"' => string(b, i),
            b'-' | b'0'..=b'9' => {
                let mut c = c;
                if c == b'-' {
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(&d) if d.is_ascii_digit() => {
                            c = d;
                            *i += 1;
                        }
                        Some(&d) => return Err(bad(d, "in numeric literal")),
                    }
                }
                if c != b'0' {
                    while b.get(*i).is_some_and(u8::is_ascii_digit) {
                        *i += 1;
                    }
                }
                if b.get(*i) == Some(&b'.') {
                    *i += 1;
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(d) if d.is_ascii_digit() => {}
                        Some(&d) => return Err(bad(d, "after decimal point in numeric literal")),
                    }
                    while b.get(*i).is_some_and(u8::is_ascii_digit) {
                        *i += 1;
                    }
                }
                if matches!(b.get(*i), Some(b'e') | Some(b'E')) {
                    *i += 1;
                    if matches!(b.get(*i), Some(b'+') | Some(b'-')) {
                        *i += 1;
                    }
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(d) if d.is_ascii_digit() => {}
                        Some(&d) => return Err(bad(d, "in exponent of numeric literal")),
                    }
                    while b.get(*i).is_some_and(u8::is_ascii_digit) {
                        *i += 1;
                    }
                }
                Ok(())
            }
            b't' | b'f' | b'n' => {
                let word: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                for &want in &word[1..] {
                    match b.get(*i) {
                        None => return Err(EOF.into()),
                        Some(&got) if got == want => *i += 1,
                        Some(&got) => {
                            let ctx = format!(
                                "in literal {} (expecting {})",
                                std::str::from_utf8(word).unwrap_or(""),
                                quote_char(want as char)
                            );
                            return Err(bad(got, &ctx));
                        }
                    }
                }
                Ok(())
            }
            c => Err(bad(c, "looking for beginning of value")),
        }
    }
    fn string(b: &[u8], i: &mut usize) -> Result<(), String> {
        let bad = |c: u8, ctx: &str| format!("invalid character {} {ctx}", quote_char(c as char));
        loop {
            let Some(&c) = b.get(*i) else { return Err(EOF.into()) };
            *i += 1;
            match c {
                b'"' => return Ok(()),
                b'\\' => {
                    let Some(&e) = b.get(*i) else { return Err(EOF.into()) };
                    *i += 1;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            for _ in 0..4 {
                                match b.get(*i) {
                                    None => return Err(EOF.into()),
                                    Some(h) if h.is_ascii_hexdigit() => *i += 1,
                                    Some(&h) => return Err(bad(h, "in \\u hexadecimal character escape")),
                                }
                            }
                        }
                        e => return Err(bad(e, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(bad(c, "in string literal")),
                _ => {}
            }
        }
    }
    let mut i = 0;
    value(b, &mut i, 0)?;
    ws(&mut i);
    match b.get(i) {
        None => Ok(()),
        Some(&c) => Err(bad(c, "after top-level value")),
    }
}

/// encoding/json `quoteChar` of a byte (here as the Latin-1 char): what
/// strconv.QuoteRune prints for it, `'` and `"` included.
fn quote_char(c: char) -> String {
    crate::engine::gofmt::strconv::quote_rune(c, false)
}

const MAP_TYPE: &str = "map[string]interface {}";
const LIST_TYPE: &str = "[]interface {}";

/// Helm `fromJson`: a dict; errors go into its "Error" key.
pub fn from_json(a: &[Value]) -> FuncResult {
    let result = parse_json(arg_str(a, 0)).and_then(|v| match v {
        serde_json::Value::Object(_) | serde_json::Value::Null => Ok(v),
        other => Err(unmarshal_type_error(&other, MAP_TYPE)),
    });
    Ok(map_or_error(result))
}

fn map_or_error(result: Result<serde_json::Value, String>) -> Value {
    match result {
        Ok(serde_json::Value::Null) => Value::empty_map(),
        Ok(v) => go_data_to_value(v),
        Err(e) => {
            let mut m = Map::new();
            m.insert("Error".into(), Value::string(e));
            Value::map(m)
        }
    }
}

fn list_or_error(result: Result<serde_json::Value, String>) -> Value {
    match result {
        Ok(serde_json::Value::Null) => Value::list(vec![]),
        Ok(v) => go_data_to_value(v),
        Err(e) => Value::list(vec![Value::string(e)]),
    }
}

/// Helm `fromJsonArray`: a list; an error becomes the only item.
pub fn from_json_array(a: &[Value]) -> FuncResult {
    let result = parse_json(arg_str(a, 0)).and_then(|v| match v {
        serde_json::Value::Array(_) | serde_json::Value::Null => Ok(v),
        other => Err(unmarshal_type_error(&other, LIST_TYPE)),
    });
    Ok(list_or_error(result))
}

/// Sprig `mustFromJson`: any JSON value, or the error.
pub fn must_from_json(a: &[Value]) -> FuncResult {
    match parse_json(arg_str(a, 0)) {
        Ok(serde_json::Value::Null) => Ok(Value::Nil),
        Ok(v) => Ok(go_data_to_value(v)),
        Err(e) => Err(call_err(e)),
    }
}

// ---- YAML ----

/// sigs.k8s.io/yaml `Marshal`: JSON first, then YAML.
fn marshal_yaml(v: &Value) -> Result<String, String> {
    check_json_floats(v).map_err(|e| format!("error marshaling into JSON: {e}"))?;
    codec::yaml_write::try_to_yaml(&v.to_json()).map_err(|e| e.message)
}

fn trim_final_newline(s: String) -> String {
    match s.strip_suffix('\n') {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// `toYaml`: the YAML without its final newline; "" on error.
pub fn to_yaml(a: &[Value]) -> FuncResult {
    Ok(Value::string(marshal_yaml(&a[0]).map(trim_final_newline).unwrap_or_default()))
}

pub fn must_to_yaml(a: &[Value]) -> FuncResult {
    Ok(Value::string(trim_final_newline(marshal_yaml(&a[0]).map_err(call_err)?)))
}

/// `toYamlPretty`: go-yaml v3 with indent 2 (the value itself, not via
/// JSON); "" on error.
pub fn to_yaml_pretty(a: &[Value]) -> FuncResult {
    let yaml = codec::yaml_write::try_to_yaml_pretty(&a[0].to_json()).map(trim_final_newline);
    Ok(Value::string(yaml.unwrap_or_default()))
}

/// sigs.k8s.io/yaml `Unmarshal` into a value of Go type `into`.
fn unmarshal_yaml(text: &str, into: &str, accept: fn(&serde_json::Value) -> bool) -> Result<serde_json::Value, String> {
    let v = codec::yaml_read::from_str(text).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    if accept(&v) {
        Ok(v)
    } else {
        Err(format!("error unmarshaling JSON: while decoding JSON: {}", unmarshal_type_error(&v, into)))
    }
}

/// Helm `fromYaml`: a dict; errors go into its "Error" key.
pub fn from_yaml(a: &[Value]) -> FuncResult {
    let result = unmarshal_yaml(arg_str(a, 0), MAP_TYPE, |v| v.is_object() || v.is_null());
    Ok(map_or_error(result))
}

/// Helm `fromYamlArray`: a list; an error becomes the only item.
pub fn from_yaml_array(a: &[Value]) -> FuncResult {
    let result = unmarshal_yaml(arg_str(a, 0), LIST_TYPE, |v| v.is_array() || v.is_null());
    Ok(list_or_error(result))
}

// ---- TOML ----

/// Helm `toToml`: the encoding, or the encoder's error text.
pub fn to_toml(a: &[Value]) -> FuncResult {
    Ok(Value::string(codec::toml::to_toml(&a[0].to_json())))
}

pub fn must_to_toml(a: &[Value]) -> FuncResult {
    codec::toml::try_to_toml(&a[0].to_json()).map(Value::string).map_err(|e| call_err(e.message))
}

/// Helm `fromToml`: a dict (integers stay int64); errors go into "Error".
pub fn from_toml(a: &[Value]) -> FuncResult {
    Ok(Value::from_json(&codec::toml::from_toml(arg_str(a, 0))))
}

// ---- durations (Helm funcs.go) ----

const MAX_DURATION_SECONDS: i64 = i64::MAX / 1_000_000_000;
const MIN_DURATION_SECONDS: i64 = i64::MIN / 1_000_000_000;

fn duration_from_seconds_float(seconds: f64) -> Result<i64, String> {
    let v = Value::Float(seconds);
    if !seconds.is_finite() {
        return Err(format!("invalid duration seconds: {}", crate::engine::gofmt::sprint_value(&v)));
    }
    let max = i64::MAX as f64 / 1e9;
    let min = i64::MIN as f64 / 1e9;
    if seconds > max || seconds < min {
        return Err(format!("duration seconds overflow: {}", crate::engine::gofmt::sprint_value(&v)));
    }
    let nanos = seconds * 1e9;
    if nanos > i64::MAX as f64 || nanos < i64::MIN as f64 {
        return Err(format!(
            "duration nanoseconds overflow: {}",
            crate::engine::gofmt::sprint_value(&Value::Float(nanos))
        ));
    }
    Ok(nanos as i64)
}

/// Helm `asDuration`: durations, duration strings, numeric strings and
/// numbers (as seconds).
pub fn as_duration(v: &Value) -> Result<i64, String> {
    match v {
        Value::Object(o) if o.type_name() == DURATION_TYPE => Ok(to_int64(&o.to_data())),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Err("empty duration".into());
            }
            if let Ok(d) = parse_go_duration(t) {
                return Ok(d);
            }
            if let Some(f) = super::conv::parse_float(t) {
                return duration_from_seconds_float(f);
            }
            Err(format!("could not parse duration {}", crate::engine::gofmt::strconv::quote(s)))
        }
        Value::Nil | Value::Missing => Err("invalid duration".into()),
        Value::Int(i) | Value::Int64(i) => {
            if *i > MAX_DURATION_SECONDS || *i < MIN_DURATION_SECONDS {
                Err(format!("duration seconds overflow: {i}"))
            } else {
                Ok(i * 1_000_000_000)
            }
        }
        Value::Float(f) => duration_from_seconds_float(*f),
        other => Err(format!("unsupported duration type {}", other.type_name())),
    }
}

pub fn must_to_duration(a: &[Value]) -> FuncResult {
    as_duration(&a[0]).map(duration_value).map_err(call_err)
}

fn duration_or_zero(v: &Value) -> i64 {
    as_duration(v).unwrap_or(0)
}

pub fn duration_seconds(a: &[Value]) -> FuncResult {
    Ok(Value::Float(seconds_f64(duration_or_zero(&a[0]))))
}

/// Go's `Duration.Seconds()`: whole seconds plus the fraction.
fn seconds_f64(d: i64) -> f64 {
    let sec = d / 1_000_000_000;
    let nsec = d % 1_000_000_000;
    sec as f64 + nsec as f64 / 1e9
}

/// Go's `Duration.Minutes()`.
fn minutes_f64(d: i64) -> f64 {
    let min = d / 60_000_000_000;
    let nsec = d % 60_000_000_000;
    min as f64 + nsec as f64 / (60.0 * 1e9)
}

/// Go's `Duration.Hours()`.
fn hours_f64(d: i64) -> f64 {
    let hour = d / 3_600_000_000_000;
    let nsec = d % 3_600_000_000_000;
    hour as f64 + nsec as f64 / (60.0 * 60.0 * 1e9)
}

pub fn duration_milliseconds(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(duration_or_zero(&a[0]) / 1_000_000))
}

pub fn duration_microseconds(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(duration_or_zero(&a[0]) / 1_000))
}

pub fn duration_nanoseconds(a: &[Value]) -> FuncResult {
    Ok(Value::Int64(duration_or_zero(&a[0])))
}

pub fn duration_minutes(a: &[Value]) -> FuncResult {
    Ok(Value::Float(minutes_f64(duration_or_zero(&a[0]))))
}

pub fn duration_hours(a: &[Value]) -> FuncResult {
    Ok(Value::Float(hours_f64(duration_or_zero(&a[0]))))
}

pub fn duration_days(a: &[Value]) -> FuncResult {
    Ok(Value::Float(hours_f64(duration_or_zero(&a[0])) / 24.0))
}

pub fn duration_weeks(a: &[Value]) -> FuncResult {
    Ok(Value::Float(hours_f64(duration_or_zero(&a[0])) / 24.0 / 7.0))
}

/// Go's `Duration.Round(m)`.
pub fn go_duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if r + r < m {
            return d + r;
        }
        match d.checked_sub(m).map(|x| x + r) {
            Some(d1) if d1 < d => d1,
            _ => i64::MIN,
        }
    } else {
        if r + r < m {
            return d - r;
        }
        match d.checked_add(m).map(|x| x - r) {
            Some(d1) if d1 > d => d1,
            _ => i64::MAX,
        }
    }
}

/// Go's `Duration.Truncate(m)`.
pub fn go_duration_truncate(d: i64, m: i64) -> i64 {
    if m <= 0 {
        d
    } else {
        d - d % m
    }
}

pub fn duration_round_to(a: &[Value]) -> FuncResult {
    let Ok(d) = as_duration(&a[0]) else {
        return Ok(duration_value(0));
    };
    Ok(duration_value(match as_duration(&a[1]) {
        Ok(m) => go_duration_round(d, m),
        Err(_) => d,
    }))
}

pub fn duration_truncate_to(a: &[Value]) -> FuncResult {
    let Ok(d) = as_duration(&a[0]) else {
        return Ok(duration_value(0));
    };
    Ok(duration_value(match as_duration(&a[1]) {
        Ok(m) => go_duration_truncate(d, m),
        Err(_) => d,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, printed, s};
    use super::*;
    use crate::engine::gofmt::sprint_value;

    #[test]
    fn required_and_fail_wrap_their_message() {
        assert_eq!(
            call("required", &[s("need x"), Value::Nil]),
            Err(call_err("HELM_ERR_STARTneed xHELM_ERR_END"))
        );
        assert_eq!(
            call("required", &[s("need x"), s("")]),
            Err(call_err("HELM_ERR_STARTneed xHELM_ERR_END"))
        );
        assert_eq!(call("required", &[s("m"), Value::Int(0)]), Ok(Value::Int(0)));
        assert_eq!(call("fail", &[s("boom")]), Err(call_err("HELM_ERR_STARTboomHELM_ERR_END")));
        assert_eq!(printed("lookup", &[s("v1"), s("Secret"), s("ns"), s("x")]), "map[]");
        assert_eq!(printed("getHostByName", &[s("example.com")]), "");
    }

    #[test]
    fn json_reading_like_helm() {
        assert_eq!(printed("fromJson", &[s(r#"{"a":1,"b":[true,null,"x"]}"#)]), "map[a:1 b:[true <nil> x]]");
        match call("fromJson", &[s(r#"{"a":1}"#)]).unwrap() {
            Value::Map(m) => assert_eq!(m.borrow()["a"], Value::Float(1.0)),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            printed("fromJson", &[s("[1]")]),
            "map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(printed("fromJson", &[s("{\"a\":")]), "map[Error:unexpected end of JSON input]");
        assert_eq!(
            printed("fromJson", &[s("x")]),
            "map[Error:invalid character 'x' looking for beginning of value]"
        );
        // encoding/json scanner texts
        for (doc, want) in [
            ("{\"a\" 1}", "invalid character '1' after object key"),
            ("{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair"),
            ("{1:2}", "invalid character '1' looking for beginning of object key string"),
            ("[1 2]", "invalid character '2' after array element"),
            ("[tru]", "invalid character ']' in literal true (expecting 'e')"),
            ("{\"a\":-x}", "invalid character 'x' in numeric literal"),
            ("{\"a\":1.}", "invalid character '}' after decimal point in numeric literal"),
            ("{\"a\":\"\\q\"}", "invalid character 'q' in string escape code"),
            ("{} x", "invalid character 'x' after top-level value"),
            ("{\"a\":\"", "unexpected end of JSON input"),
        ] {
            assert_eq!(printed("fromJson", &[s(doc)]), format!("map[Error:{want}]"), "{doc}");
        }
        assert_eq!(printed("fromJsonArray", &[s("[1,\"a\"]")]), "[1 a]");
        assert_eq!(
            printed("fromJsonArray", &[s("{}")]),
            "[json: cannot unmarshal object into Go value of type []interface {}]"
        );
        assert_eq!(printed("mustFromJson", &[s("\"x\"")]), "x");
        assert_eq!(call("mustFromJson", &[s("")]), Err(call_err("unexpected end of JSON input")));
    }

    #[test]
    fn json_writing_like_go() {
        let m = Value::map(
            [("b".to_string(), Value::Float(1e6)), ("a".to_string(), s("<x>"))].into_iter().collect(),
        );
        assert_eq!(printed("toJson", &[m.clone()]), r#"{"a":"\u003cx\u003e","b":1000000}"#);
        assert_eq!(printed("toRawJson", &[m.clone()]), r#"{"a":"<x>","b":1000000}"#);
        assert_eq!(printed("toPrettyJson", &[m]), "{\n  \"a\": \"\\u003cx\\u003e\",\n  \"b\": 1000000\n}");
        assert_eq!(printed("toJson", &[Value::Bytes(b"hi".to_vec().into())]), r#""aGk=""#);
        assert_eq!(printed("toJson", &[Value::Float(f64::NAN)]), "");
        assert_eq!(call("mustToJson", &[Value::Float(f64::NAN)]), Err(call_err("json: unsupported value: NaN")));
    }

    #[test]
    fn yaml_like_helm() {
        let m = Value::map([("a".to_string(), s("multi\nline"))].into_iter().collect());
        assert_eq!(printed("toYaml", &[m]), "a: |-\n  multi\n  line");
        assert_eq!(printed("fromYaml", &[s("a: 1\nb: [x]\n")]), "map[a:1 b:[x]]");
        assert_eq!(printed("fromYaml", &[s("")]), "map[]");
        assert_eq!(
            printed("fromYaml", &[s("- a")]),
            "map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]"
        );
        assert_eq!(printed("fromYamlArray", &[s("- a\n- 1")]), "[a 1]");
        let nested = Value::map(
            [("l".to_string(), Value::list(vec![s("x"), Value::Int64(2)]))].into_iter().collect(),
        );
        assert_eq!(printed("toYamlPretty", &[nested]), "l:\n  - x\n  - 2");
        assert_eq!(
            printed("fromYaml", &[s("a: [")]),
            "map[Error:error converting YAML to JSON: yaml: line 1: did not find expected node content]"
        );
    }

    #[test]
    fn toml_like_helm() {
        let m = Value::map(
            [
                ("a".to_string(), Value::Int64(1)),
                ("t".to_string(), Value::map([("b".to_string(), s("x"))].into_iter().collect())),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(printed("toToml", &[m.clone()]), "a = 1\n\n[t]\n  b = \"x\"\n");
        let back = call("fromToml", &[s("a = 1\n[t]\nb = \"x\"\n")]).unwrap();
        assert_eq!(sprint_value(&back), "map[a:1 t:map[b:x]]");
        match &back {
            Value::Map(m) => assert_eq!(m.borrow()["a"], Value::Int64(1)),
            other => panic!("{other:?}"),
        }
        assert!(printed("fromToml", &[s("a = ")]).starts_with("map[Error:toml: "));
    }

    #[test]
    fn duration_helpers_match_helm() {
        // funcs_test.go duration cases
        assert_eq!(printed("durationSeconds", &[s("1m30s")]), "90");
        assert_eq!(printed("durationSeconds", &[s("2.5")]), "2.5");
        assert_eq!(printed("durationSeconds", &[Value::Int(3)]), "3");
        assert_eq!(printed("durationSeconds", &[s("bogus")]), "0");
        assert_eq!(printed("durationMilliseconds", &[s("1.5s")]), "1500");
        assert_eq!(printed("durationMinutes", &[s("90s")]), "1.5");
        assert_eq!(printed("durationHours", &[s("90m")]), "1.5");
        assert_eq!(printed("durationDays", &[s("36h")]), "1.5");
        assert_eq!(printed("durationWeeks", &[s("84h")]), "0.5");
        assert_eq!(printed("mustToDuration", &[s("1h2m3s")]), "1h2m3s");
        assert_eq!(printed("mustToDuration", &[Value::Float(1.5)]), "1.5s");
        assert_eq!(call("mustToDuration", &[s("")]), Err(call_err("empty duration")));
        assert_eq!(call("mustToDuration", &[s("x")]), Err(call_err("could not parse duration \"x\"")));
        assert_eq!(printed("durationRoundTo", &[s("2h13m"), s("30m")]), "2h0m0s");
        assert_eq!(printed("durationRoundTo", &[s("2h15m"), s("30m")]), "2h30m0s");
        assert_eq!(printed("durationTruncateTo", &[s("2h29m"), s("1h")]), "2h0m0s");
        assert_eq!(printed("durationTruncateTo", &[s("2h29m"), s("bad")]), "2h29m0s");
        assert_eq!(printed("durationRoundTo", &[s("bad"), s("1h")]), "0s");
    }
}

//! The YAML node model kustomize works on (kyaml's RNode over go-yaml v3's
//! `yaml.Node`): mappings keep their key order, scalars keep their text and
//! the tag go-yaml v3 resolved (or none, for scalars kustomize creates
//! without one), so every transformation sees what kyaml sees.
//!
//! Reading uses libyaml's event parser (go-yaml v3 is a libyaml port);
//! scalar resolution follows go-yaml v3 resolve.go; [`Node::to_json`]
//! follows kyaml's `RNode.MarshalJSON` (encode, then decode into Go values).

use serde_json::Value as Json;

/// A scalar's tag, as go-yaml v3 stores it on a parsed node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    Timestamp,
    Binary,
    Merge,
    /// No tag: created by kustomize without one (`NewScalarRNode`), so its
    /// type comes from its text when it is written and read back.
    None,
    /// Any other tag, e.g. `!foo`.
    Other(String),
}

/// A scalar: its text, tag, and whether it is written quoted (or as a
/// block): kyaml copies the old node's style onto a value it sets, and a
/// quoted style makes go-yaml v3 read the value back as a string.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub tag: Tag,
    pub quoted: bool,
}

impl Scalar {
    pub fn new(value: impl Into<String>, tag: Tag) -> Scalar {
        Scalar { value: value.into(), tag, quoted: false }
    }

    /// An untagged scalar (kyaml `NewScalarRNode`).
    pub fn plain(value: impl Into<String>) -> Scalar {
        Scalar::new(value, Tag::None)
    }

    /// A string scalar (kyaml `NewStringRNode`).
    pub fn string(value: impl Into<String>) -> Scalar {
        Scalar::new(value, Tag::Str)
    }

    /// The tag this scalar has once written and read back by go-yaml v3
    /// (kyaml's MarshalJSON encodes the node and decodes the text).
    pub fn effective_tag(&self) -> Tag {
        if self.quoted && !matches!(self.tag, Tag::Binary | Tag::Other(_)) {
            return Tag::Str;
        }
        match &self.tag {
            Tag::None => resolve(&self.value),
            t => t.clone(),
        }
    }

    pub fn is_null(&self) -> bool {
        self.tag == Tag::Null
    }
}

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Scalar, Node)>),
}

/// What went wrong turning a node into data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct NodeError(pub String);

impl Node {
    pub fn null() -> Node {
        Node::Scalar(Scalar::new(String::new(), Tag::Null))
    }

    /// kyaml NewScalarRNode.
    pub fn plain(value: impl Into<String>) -> Node {
        Node::Scalar(Scalar::plain(value))
    }

    /// kyaml NewStringRNode.
    pub fn string(value: impl Into<String>) -> Node {
        Node::Scalar(Scalar::string(value))
    }

    pub fn empty_map() -> Node {
        Node::Map(Vec::new())
    }

    /// kyaml IsMissingOrNull for a present node: tagged null.
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.tag == Tag::Null)
    }

    /// kyaml IsYNodeNilOrEmpty: null or an empty collection (an empty
    /// string is a value).
    pub fn is_nil_or_empty(&self) -> bool {
        match self {
            Node::Scalar(s) => s.tag == Tag::Null,
            Node::Seq(items) => items.is_empty(),
            Node::Map(entries) => entries.is_empty(),
        }
    }

    /// kyaml IsEmptyMap: null or a mapping without entries.
    pub fn is_empty_map(&self) -> bool {
        self.is_null() || matches!(self, Node::Map(e) if e.is_empty())
    }

    pub fn as_map(&self) -> Option<&Vec<(Scalar, Node)>> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Scalar, Node)>> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar text (kyaml `YNode().Value`), empty for collections.
    pub fn value(&self) -> &str {
        match self {
            Node::Scalar(s) => &s.value,
            _ => "",
        }
    }

    /// kyaml GetValue: the text, or empty for null.
    pub fn get_value(&self) -> &str {
        match self {
            Node::Scalar(s) if s.tag != Tag::Null => &s.value,
            _ => "",
        }
    }

    /// The kind's name, as go-yaml names it in errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Scalar(_) => "ScalarNode",
            Node::Seq(_) => "SequenceNode",
            Node::Map(_) => "MappingNode",
        }
    }

    /// The value of the first field named `key` (kyaml `Field`).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.iter_mut().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// Follows a path of field names.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        let mut n = self;
        for p in path {
            n = n.get(p)?;
        }
        Some(n)
    }

    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Node> {
        let mut n = self;
        for p in path {
            n = n.get_mut(p)?;
        }
        Some(n)
    }

    /// kyaml FieldSetter on a mapping: a null value clears the field, an
    /// existing field gets the new value in place (keeping the old style),
    /// else the field is appended.
    pub fn set(&mut self, key: &str, value: Node) {
        if value.is_null() {
            self.remove(key);
            return;
        }
        self.set_keep_null(key, value);
    }

    /// Like [`Node::set`] but keeps a null value (kyaml MakePersistentNullNode).
    pub fn set_keep_null(&mut self, key: &str, mut value: Node) {
        let Some(m) = self.as_map_mut() else { return };
        if let Some((_, v)) = m.iter_mut().find(|(k, _)| k.value == key) {
            value.take_style_of(v);
            *v = value;
        } else {
            m.push((Scalar::plain(key), value));
        }
    }

    /// kyaml FieldSetter with no name: replace this scalar by `value`,
    /// keeping this node's style. A null value changes nothing.
    pub fn set_scalar(&mut self, mut value: Node) {
        if value.is_null() {
            return;
        }
        value.take_style_of(self);
        *self = value;
    }

    /// Copy the style (quoting) of `old` onto this node, as FieldSetter does.
    pub fn take_style_of(&mut self, old: &Node) {
        if let (Node::Scalar(new), Node::Scalar(old)) = (&mut *self, old) {
            new.quoted = old.quoted;
        }
    }

    /// kyaml FieldClearer: removes the first field named `key`.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|(k, _)| k.value == key)?;
        Some(m.remove(i).1)
    }

    /// kyaml LookupCreate(MappingNode, key): the field, created as an empty
    /// mapping when absent (or null).
    pub fn entry_map(&mut self, key: &str) -> Option<&mut Node> {
        let m = self.as_map_mut()?;
        let i = match m.iter().position(|(k, _)| k.value == key) {
            Some(i) => {
                if m[i].1.is_null() {
                    m[i].1 = Node::empty_map();
                }
                i
            }
            None => {
                m.push((Scalar::plain(key), Node::empty_map()));
                m.len() - 1
            }
        };
        Some(&mut m[i].1)
    }

    /// Field names of a mapping, in order.
    pub fn keys(&self) -> Vec<String> {
        self.as_map().map(|m| m.iter().map(|(k, _)| k.value.clone()).collect()).unwrap_or_default()
    }

    /// The value of a string field (the scalar text), if present and not null.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::Scalar(s) if s.tag != Tag::Null => Some(&s.value),
            _ => None,
        }
    }

    /// kyaml RNode.MarshalJSON: the value as go-yaml v3 decodes it into Go
    /// values (`map[string]interface{}` at the top), as JSON data.
    pub fn to_json(&self) -> Result<Json, NodeError> {
        self.to_json_at(true)
    }

    fn to_json_at(&self, top: bool) -> Result<Json, NodeError> {
        match self {
            Node::Scalar(s) => scalar_to_json(s),
            Node::Seq(items) => {
                Ok(Json::Array(items.iter().map(|n| n.to_json_at(false)).collect::<Result<_, _>>()?))
            }
            Node::Map(entries) => {
                let mut out = serde_json::Map::new();
                for (k, v) in entries {
                    // A nested mapping with a non-string key decodes into
                    // map[interface{}]interface{}, which encoding/json refuses.
                    if !top && !matches!(k.effective_tag(), Tag::Str | Tag::Merge) {
                        return Err(NodeError("json: unsupported type: map[interface {}]interface {}".into()));
                    }
                    let value = v.to_json_at(false)?;
                    if out.contains_key(&k.value) {
                        return Err(NodeError(format!("mapping key {:?} already defined", k.value)));
                    }
                    out.insert(k.value.clone(), value);
                }
                Ok(Json::Object(out))
            }
        }
    }

    /// A node from JSON data, as kyaml builds one after a JSON round trip
    /// (json.Unmarshal, then go-yaml v3 Marshal and Parse): numbers are
    /// float64, strings are tagged strings.
    pub fn from_json(v: &Json) -> Node {
        match v {
            Json::Null => Node::null(),
            Json::Bool(b) => Node::Scalar(Scalar::new(b.to_string(), Tag::Bool)),
            Json::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                Node::Scalar(Scalar::new(format_float_g(f), Tag::Float))
            }
            // go-yaml v3 quotes what would not read back as this string.
            Json::String(s) => Node::Scalar(Scalar { value: s.clone(), tag: Tag::Str, quoted: !v3_plain_string(s) }),
            Json::Array(items) => Node::Seq(items.iter().map(Node::from_json).collect()),
            Json::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Node::Map(keys.into_iter().map(|k| (Scalar::plain(k.clone()), Node::from_json(&m[k]))).collect())
            }
        }
    }

    /// A node from JSON data keeping integer types (go-yaml v3 Marshal of
    /// Go values decoded by go-yaml v3, e.g. `Node.Map()` round trips).
    pub fn from_json_typed(v: &Json) -> Node {
        match v {
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Node::Scalar(Scalar::new(i.to_string(), Tag::Int))
                } else if let Some(u) = n.as_u64() {
                    Node::Scalar(Scalar::new(u.to_string(), Tag::Int))
                } else {
                    Node::Scalar(Scalar::new(format_float_g(n.as_f64().unwrap_or(0.0)), Tag::Float))
                }
            }
            Json::Array(items) => Node::Seq(items.iter().map(Node::from_json_typed).collect()),
            Json::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Node::Map(keys.into_iter().map(|k| (Scalar::plain(k.clone()), Node::from_json_typed(&m[k]))).collect())
            }
            // JSON text read as YAML: every string is double-quoted.
            Json::String(s) => Node::Scalar(Scalar { value: s.clone(), tag: Tag::Str, quoted: true }),
            other => Node::from_json(other),
        }
    }
}

/// Whether go-yaml v3 writes this string as a plain scalar (libyaml's
/// emitter analysis for block context, plus the check that it reads back
/// as a string).
pub fn v3_plain_string(s: &str) -> bool {
    if s.is_empty() || resolve(s) != Tag::Str || s.contains('\n') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let first = chars[0];
    let last = chars[chars.len() - 1];
    if first == ' ' || first == '\t' || last == ' ' || last == '\t' {
        return false;
    }
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    if (first == '-' || first == '?' || first == ':') && (chars.len() == 1 || chars[1] == ' ' || chars[1] == '\t') {
        return false;
    }
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if c == ':' && (next.is_none() || next == Some(' ') || next == Some('\t')) {
            return false;
        }
        if c == '#' && i > 0 && (chars[i - 1] == ' ' || chars[i - 1] == '\t') {
            return false;
        }
        if (c as u32) < 0x20 && c != '\t' || c == '\u{7f}' || c == '\u{feff}' {
            return false;
        }
    }
    true
}

/// Go strconv.FormatFloat(f, 'g', -1, 64) as go-yaml v3 writes floats
/// (with `.inf`/`.nan` spelled the YAML way).
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Shortest round-trip digits, then Go's %g layout: exponent form when
    // exp < -4 || exp >= 6 (shortest formatting decides with eprec 6).
    let s = format!("{:e}", f);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    if !(-4..6).contains(&exp) {
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
        out
    } else {
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                for _ in 0..(int_len - digits.len()) {
                    out.push('0');
                }
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
        out
    }
}

fn json_float(f: f64) -> Result<Json, NodeError> {
    if !f.is_finite() {
        let text = if f.is_nan() { "NaN".to_string() } else if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
        return Err(NodeError(format!("json: unsupported value: {text}")));
    }
    Ok(serde_json::Number::from_f64(f).map(Json::Number).unwrap_or(Json::Null))
}

/// go-yaml v3 decoding of one scalar into `interface{}`.
fn scalar_to_json(s: &Scalar) -> Result<Json, NodeError> {
    let tag = s.effective_tag();
    match tag {
        Tag::Null => Ok(Json::Null),
        // A time.Time, which encoding/json writes in RFC 3339.
        Tag::Timestamp => Ok(Json::String(timestamp_json(&s.value).unwrap_or_else(|| s.value.clone()))),
        Tag::Str | Tag::Merge | Tag::Other(_) => Ok(Json::String(s.value.clone())),
        Tag::Binary => {
            use base64::Engine;
            let cleaned: String = s.value.chars().filter(|c| !c.is_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
                Ok(bytes) => Ok(Json::String(String::from_utf8_lossy(&bytes).into_owned())),
                Err(e) => Err(NodeError(format!("yaml: !!binary value contains invalid base64 data: {e}"))),
            }
        }
        Tag::Bool => match s.value.as_str() {
            "true" | "True" | "TRUE" => Ok(Json::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Json::Bool(false)),
            _ => Err(NodeError(format!("yaml: cannot decode !!str `{}` as a !!bool", s.value))),
        },
        Tag::Int => match parse_v3_number(&s.value) {
            Some(Number::Int(i)) => Ok(Json::from(i)),
            Some(Number::Uint(u)) => Ok(Json::from(u)),
            Some(Number::Float(f)) => json_float(f),
            None => Err(NodeError(format!("yaml: cannot decode !!str `{}` as a !!int", s.value))),
        },
        Tag::Float => match parse_v3_number(&s.value) {
            Some(Number::Int(i)) => json_float(i as f64),
            Some(Number::Uint(u)) => json_float(u as f64),
            Some(Number::Float(f)) => json_float(f),
            None => Err(NodeError(format!("yaml: cannot decode !!str `{}` as a !!float", s.value))),
        },
        Tag::None => unreachable!("effective_tag resolves"),
    }
}

enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// The numeric value go-yaml v3 resolve gives `text`, if any.
fn parse_v3_number(text: &str) -> Option<Number> {
    match text {
        ".nan" | ".NaN" | ".NAN" => return Some(Number::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(Number::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Number::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    let first = text.as_bytes().first()?;
    if *first == b'.' {
        return go_parse_float(text).map(Number::Float);
    }
    if !(first.is_ascii_digit() || *first == b'+' || *first == b'-') {
        return None;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int_base0(&plain) {
        return Some(Number::Int(i));
    }
    if let Some(u) = go_parse_uint_base0(&plain) {
        return Some(Number::Uint(u));
    }
    if is_yaml_style_float(&plain) {
        if let Some(f) = go_parse_float(&plain) {
            return Some(Number::Float(f));
        }
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Ok(i) = i64::from_str_radix(rest, 2) {
            if !rest.starts_with(['+', '-']) {
                return Some(Number::Int(i));
            }
        }
        if let Ok(u) = u64::from_str_radix(rest, 2) {
            if !rest.starts_with(['+', '-']) {
                return Some(Number::Uint(u));
            }
        }
    } else if let Some(rest) = plain.strip_prefix("-0b") {
        if !rest.starts_with(['+', '-']) {
            if let Ok(i) = i64::from_str_radix(&format!("-{rest}"), 2) {
                return Some(Number::Int(i));
            }
        }
    }
    if let Some(rest) = plain.strip_prefix("0o") {
        if !rest.starts_with(['+', '-']) {
            if let Ok(i) = i64::from_str_radix(rest, 8) {
                return Some(Number::Int(i));
            }
            if let Ok(u) = u64::from_str_radix(rest, 8) {
                return Some(Number::Uint(u));
            }
        }
    } else if let Some(rest) = plain.strip_prefix("-0o") {
        if !rest.starts_with(['+', '-']) {
            if let Ok(i) = i64::from_str_radix(&format!("-{rest}"), 8) {
                return Some(Number::Int(i));
            }
        }
    }
    None
}

/// Go strconv.ParseInt(s, 0, 64) (underscores already removed).
fn go_parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mag = go_parse_uint_base0_body(body)?;
    if neg {
        if mag <= (i64::MAX as u64) + 1 {
            Some((-(mag as i128)) as i64)
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(mag as i64)
    } else {
        None
    }
}

/// Go strconv.ParseUint(s, 0, 64): no sign allowed.
fn go_parse_uint_base0(s: &str) -> Option<u64> {
    go_parse_uint_base0_body(s)
}

fn go_parse_uint_base0_body(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (radix, digits) = if b[0] == b'0' && b.len() > 1 {
        match b[1] {
            b'x' | b'X' => (16, &s[2..]),
            b'b' | b'B' => (2, &s[2..]),
            b'o' | b'O' => (8, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.is_empty() || !digits.bytes().all(|c| (c as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml v3 yamlStyleFloat: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go strconv.ParseFloat(s, 64) for the decimal forms YAML produces
/// (range errors give ±Inf like Go's value, which Go reports as an error).
fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let t = lower.trim_start_matches(['+', '-']);
    if t == "inf" || t == "infinity" || t == "nan" {
        return None;
    }
    if s.contains('_') || s.starts_with("0x") || s.starts_with("0X") {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// go-yaml v3 resolve("", text): the tag an untagged plain scalar gets.
pub fn resolve(text: &str) -> Tag {
    match text {
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Tag::Bool,
        "" | "~" | "null" | "Null" | "NULL" => return Tag::Null,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf"
        | "-.INF" => return Tag::Float,
        "<<" => return Tag::Merge,
        _ => {}
    }
    let first = text.as_bytes()[0];
    match first {
        b'.' if go_parse_float(text).is_some() => return Tag::Float,
        b'0'..=b'9' | b'+' | b'-' => {
            if is_timestamp(text) {
                return Tag::Timestamp;
            }
            match parse_v3_number(text) {
                Some(Number::Int(_)) | Some(Number::Uint(_)) => return Tag::Int,
                Some(Number::Float(_)) => return Tag::Float,
                None => {}
            }
        }
        _ => {}
    }
    Tag::Str
}

/// A timestamp's parts, as Go's time.Parse reads go-yaml's layouts.
struct Timestamp {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    /// Fractional seconds as written (digits only).
    frac: String,
    /// Zone offset in minutes; `None` for UTC written as `Z` or absent.
    offset: Option<i32>,
}

/// go-yaml v3 parseTimestamp: `YYYY-M-D`, optionally with a time
/// (`T`/`t`/space separated, fractional seconds, zone).
fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || i == b.len() || b[i] != b'-' {
        return None;
    }
    let num = |c: &mut usize, max: usize| -> Option<u32> {
        let start = *c;
        while *c < b.len() && b[*c].is_ascii_digit() && *c - start < max {
            *c += 1;
        }
        if *c == start {
            None
        } else {
            s[start..*c].parse().ok()
        }
    };
    let year: i32 = s[..4].parse().ok()?;
    let mut c = i + 1;
    let month = num(&mut c, 2)?;
    if !(1..=12).contains(&month) || c >= b.len() || b[c] != b'-' {
        return None;
    }
    c += 1;
    let day = num(&mut c, 2)?;
    let days_in_month = match month {
        2 => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days_in_month {
        return None;
    }
    let mut t = Timestamp { year, month, day, hour: 0, min: 0, sec: 0, frac: String::new(), offset: None };
    if c == b.len() {
        return Some(t);
    }
    let sep = b[c];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return None;
    }
    c += 1;
    t.hour = num(&mut c, 2)?;
    if t.hour > 23 || c >= b.len() || b[c] != b':' {
        return None;
    }
    c += 1;
    t.min = num(&mut c, 2)?;
    if t.min > 59 || c >= b.len() || b[c] != b':' {
        return None;
    }
    c += 1;
    t.sec = num(&mut c, 2)?;
    if t.sec > 59 {
        return None;
    }
    if c < b.len() && b[c] == b'.' {
        let start = c + 1;
        c = start;
        while c < b.len() && b[c].is_ascii_digit() {
            c += 1;
        }
        if c == start {
            return None;
        }
        t.frac = s[start..c].to_string();
    }
    if sep == b' ' {
        return (c == b.len()).then_some(t);
    }
    if c == b.len() {
        return None;
    }
    if b[c] == b'Z' {
        return (c + 1 == b.len()).then_some(t);
    }
    if b[c] == b'+' || b[c] == b'-' {
        let z = &s[c + 1..];
        let zb = z.as_bytes();
        if zb.len() == 5 && zb[0].is_ascii_digit() && zb[1].is_ascii_digit() && zb[2] == b':' && zb[3].is_ascii_digit() && zb[4].is_ascii_digit() {
            let h: i32 = z[..2].parse().ok()?;
            let m: i32 = z[3..].parse().ok()?;
            let sign = if b[c] == b'-' { -1 } else { 1 };
            t.offset = Some(sign * (h * 60 + m));
            return Some(t);
        }
    }
    None
}

fn is_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// encoding/json of the time.Time go-yaml decodes: RFC 3339 with
/// nanoseconds, trailing zeros dropped, `Z` for a zero offset.
fn timestamp_json(s: &str) -> Option<String> {
    let t = parse_timestamp(s)?;
    let mut frac: String = t.frac.chars().take(9).collect();
    while frac.ends_with('0') {
        frac.pop();
    }
    let zone = match t.offset {
        None | Some(0) => "Z".to_string(),
        Some(o) => format!("{}{:02}:{:02}", if o < 0 { '-' } else { '+' }, o.abs() / 60, o.abs() % 60),
    };
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.min,
        t.sec,
        if frac.is_empty() { String::new() } else { format!(".{frac}") },
        zone
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v3() {
        // go-yaml v3 resolve.go: YAML 1.2 booleans only, 1.1 octals still read.
        assert_eq!(resolve("yes"), Tag::Str);
        assert_eq!(resolve("on"), Tag::Str);
        assert_eq!(resolve("True"), Tag::Bool);
        assert_eq!(resolve("~"), Tag::Null);
        assert_eq!(resolve(""), Tag::Null);
        assert_eq!(resolve("0755"), Tag::Int);
        assert_eq!(resolve("0x1F"), Tag::Int);
        assert_eq!(resolve("08"), Tag::Float);
        assert_eq!(resolve("1e3"), Tag::Float);
        assert_eq!(resolve(".5"), Tag::Float);
        assert_eq!(resolve("1.2.3"), Tag::Str);
        assert_eq!(resolve("2001-12-14"), Tag::Timestamp);
        assert_eq!(resolve("2001-12-14t21:59:43.10Z"), Tag::Timestamp);
        assert_eq!(resolve("1_000"), Tag::Int);
        assert_eq!(resolve("-"), Tag::Str);
    }

    #[test]
    fn decodes_numbers_like_go_yaml_v3() {
        let j = |v: &str| Node::plain(v).to_json().unwrap();
        assert_eq!(j("0755"), Json::from(493));
        assert_eq!(j("0o17"), Json::from(15));
        assert_eq!(j("18446744073709551615"), Json::from(u64::MAX));
        // Timestamps decode to time.Time, which encoding/json writes in RFC 3339.
        assert_eq!(j("2001-12-14"), Json::from("2001-12-14T00:00:00Z"));
        assert_eq!(j("2001-12-14t21:59:43.10-05:00"), Json::from("2001-12-14T21:59:43.1-05:00"));
        assert_eq!(j("2001-12-14 21:59:43.10"), Json::from("2001-12-14T21:59:43.1Z"));
        assert!(Node::plain(".inf").to_json().is_err());
    }

    #[test]
    fn v3_plain_strings() {
        assert!(v3_plain_string("nginx:1.0"));
        assert!(!v3_plain_string("3"));
        assert!(!v3_plain_string("true"));
        assert!(!v3_plain_string("a: b"));
        assert!(!v3_plain_string("- x"));
        assert!(!v3_plain_string(" x"));
        assert!(!v3_plain_string(""));
        assert!(v3_plain_string("yes"));
    }

    #[test]
    fn formats_floats_like_go_g() {
        assert_eq!(format_float_g(1000000.0), "1e+06");
        assert_eq!(format_float_g(3.0), "3");
        assert_eq!(format_float_g(0.5), "0.5");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(0.00001), "1e-05");
        assert_eq!(format_float_g(123456.0), "123456");
        assert_eq!(format_float_g(1.5e20), "1.5e+20");
    }
}

//! The value model templates compute with, shaped like the Go values Helm
//! hands to text/template.
//!
//! Helm's values come from YAML through JSON, so file numbers are `float64`,
//! `--set` integers are `int64`, template literals are `int`, and maps are
//! `map[string]interface{}` (printed and ranged in sorted key order, which a
//! `BTreeMap` keeps for free). Maps are shared and mutable because Sprig's
//! `set`, `unset`, `merge` and friends mutate a dict in place and every
//! reference sees it, across templates of one render.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A Go map[string]interface{}.
pub type Map = BTreeMap<String, Value>;

/// One template value.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's invalid `reflect.Value`: what a missing map key yields.
    /// Prints as `<no value>`.
    #[default]
    Missing,
    /// A nil interface (a YAML/JSON `null`, Go `nil`). Prints as `<nil>`.
    Nil,
    Bool(bool),
    /// Go `int` (template literals, `len`, `atoi`, `until`).
    Int(i64),
    /// Go `int64` (`--set` integers, most Sprig math).
    Int64(i64),
    /// Go `float64` (every number read from YAML or JSON).
    Float(f64),
    String(Rc<str>),
    /// Go `[]byte` (`.Files.GetBytes`).
    Bytes(Rc<[u8]>),
    /// Go `[]interface{}`. Lists are not mutated in place by any function.
    List(Rc<Vec<Value>>),
    /// Go `map[string]interface{}`, shared and mutable.
    Map(Rc<RefCell<Map>>),
    /// A Go struct or other typed value with fields and methods
    /// (`.Release`, `.Chart`, `.Capabilities`, `.Files`, semver versions, times).
    Object(Rc<dyn Object>),
}

/// A typed Go value with named fields and methods.
pub trait Object {
    /// The Go type name as `%T` prints it, e.g. `*chart.Metadata`.
    fn type_name(&self) -> &str;
    /// A field or zero-argument method by name; `None` when there is none
    /// (Go: "can't evaluate field X in type T").
    fn field(&self, name: &str) -> Option<Value>;
    /// Call a method with arguments; `None` when there is no such method.
    fn call_method(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    /// Whether `name` is a method that takes arguments (so `.Obj.Name arg` calls it).
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    /// The plain-data view used by toJson/toYaml (json tag names) and `%v`.
    fn to_data(&self) -> Value {
        Value::Nil
    }
    /// For Go map and slice types with methods (Helm's `files`,
    /// `VersionSet`): the elements, so `range`, `len` and `index` work on
    /// them as on any map or slice. `None` for structs.
    fn collection(&self) -> Option<Value> {
        None
    }
    /// Go's `len` of a map or slice type, without building
    /// [`Object::collection`]; `None` for other types.
    fn len(&self) -> Option<usize> {
        None
    }
    /// The `reflect.Kind` name: `ptr` for pointer types (a `*` type name),
    /// `struct` otherwise; map, slice and basic types say so.
    fn kind(&self) -> &'static str {
        if self.type_name().starts_with('*') {
            "ptr"
        } else {
            "struct"
        }
    }
    /// Sprig's `empty`, and the opposite of text/template's truth: a map or
    /// slice type is empty with no elements, a number type when zero; a
    /// struct or a non-nil pointer never is.
    fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
    /// What `%v` prints; defaults to the data view.
    fn go_string(&self) -> Option<String> {
        None
    }
    /// The concrete value, for the module that owns the type (e.g. the
    /// function library getting its `time.Time` back from an argument).
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    pub fn string(s: String) -> Value {
        Value::String(Rc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    pub fn map(m: Map) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }

    pub fn empty_map() -> Value {
        Value::map(Map::new())
    }

    /// Go's truth: false, 0, nil, and empty strings, slices and maps are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Missing | Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Object(o) => !o.is_empty(),
        }
    }

    /// Missing or nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Missing | Value::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The Go type name as `%T` prints it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Missing | Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// The reflect.Kind name as Sprig's `kindOf` prints it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Missing | Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind(),
        }
    }

    /// The map or slice behind an object of a Go map/slice type
    /// ([`Object::collection`]); other values as they are.
    pub fn as_collection(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Value::Object(o) => match o.collection() {
                Some(c) => std::borrow::Cow::Owned(c),
                None => std::borrow::Cow::Borrowed(self),
            },
            other => std::borrow::Cow::Borrowed(other),
        }
    }

    /// A deep copy: maps become new maps (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.iter().map(Value::deep_copy).collect()),
            Value::Map(m) => Value::map(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Convert parsed YAML/JSON data into a template value.
    /// Integer numbers become `int64`, others `float64`, as Helm's values do
    /// after `--set` (files are read with every number as float64 already).
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Int64(i)
                } else {
                    Value::Float(n.as_f64().unwrap_or(0.0))
                }
            }
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => Value::list(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Convert a template value back to plain data (objects use their data
    /// view; bytes become base64 as Go's encoding/json does).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Missing | Value::Nil => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            // Go's encoding/json writes a []byte as a base64 string.
            Value::Bytes(b) => serde_json::Value::String(data_encoding::BASE64.encode(b)),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Object(o) => o.to_data().to_json(),
        }
    }
}

pub use crate::codec::go_string::{go_bytes, raw_byte, string_from_go_bytes};

/// A Go string slice `s[a:b]` on byte offsets; the bytes of a rune it cuts
/// are kept as [`string_from_go_bytes`] keeps them.
pub fn byte_slice(s: &str, a: usize, b: usize) -> String {
    match s.get(a..b) {
        Some(t) => t.to_string(),
        None => string_from_go_bytes(&s.as_bytes()[a..b]).into_owned(),
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => write!(f, "Missing"),
            Value::Nil => write!(f, "Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Float(x) => write!(f, "Float({x})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
        }
    }
}

/// Structural equality, used by tests and by Sprig's `has`/`uniq`
/// (Go's reflect.DeepEqual on the data).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Missing, Value::Missing) | (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b) || *a.borrow() == *b.borrow(),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

//! Converting between the engine's [`Value`] (Go-shaped, `Rc`-based) and
//! minijinja's values (`Arc`-based, `Send + Sync`).
//!
//! Maps become minijinja maps over a `BTreeMap`, so they keep sorted keys
//! (iteration, `items()`, printing). A float with an integral value (every
//! number read from a values file is a float64) becomes an integer, so
//! `replicas: {{ values.replicaCount }}` prints `1`, not `1.0`.

use std::collections::BTreeMap;
use std::rc::Rc;

use minijinja::value::{Value as JValue, ValueKind};

use super::objects::FilesObject;
use crate::engine::value::{Map, Value};

/// Largest integer a float64 holds exactly (2^53).
const MAX_EXACT_FLOAT_INT: f64 = 9_007_199_254_740_992.0;

/// Our value → a minijinja value.
pub fn to_jinja(v: &Value) -> JValue {
    match v {
        Value::Missing => JValue::UNDEFINED,
        Value::Nil => JValue::from(()),
        Value::Bool(b) => JValue::from(*b),
        Value::Int(i) | Value::Int64(i) => JValue::from(*i),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() <= MAX_EXACT_FLOAT_INT {
                JValue::from(*f as i64)
            } else {
                JValue::from(*f)
            }
        }
        Value::String(s) => JValue::from(&**s),
        Value::Bytes(b) => JValue::from_bytes(b.to_vec()),
        Value::List(items) => JValue::from(items.iter().map(to_jinja).collect::<Vec<_>>()),
        Value::Map(m) => JValue::from(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), to_jinja(v)))
                .collect::<BTreeMap<String, JValue>>(),
        ),
        // A typed Go value (semver, time, ...) returned by a library
        // function: templates see its data view, or its printed form.
        Value::Object(o) => match o.to_data() {
            Value::Nil | Value::Missing => match o.go_string() {
                Some(s) => JValue::from(s),
                None => JValue::from(()),
            },
            data => to_jinja(&data),
        },
    }
}

/// A minijinja value → our value. Integers become Go `int` (like template
/// literals), floats `float64`; objects the context exposes (files) turn
/// back into their data.
pub fn from_jinja(v: &JValue) -> Value {
    match v.kind() {
        ValueKind::Undefined => Value::Missing,
        ValueKind::None => Value::Nil,
        ValueKind::Bool => Value::Bool(v.is_true()),
        ValueKind::Number => {
            if v.is_integer() {
                match v.as_i64() {
                    Some(i) => Value::Int(i),
                    None => Value::Float(f64::try_from(v.clone()).unwrap_or(f64::NAN)),
                }
            } else {
                Value::Float(f64::try_from(v.clone()).unwrap_or(f64::NAN))
            }
        }
        ValueKind::String => Value::str(v.as_str().unwrap_or_default()),
        ValueKind::Bytes => Value::Bytes(Rc::from(v.as_bytes().unwrap_or_default())),
        ValueKind::Seq | ValueKind::Iterable => match v.try_iter() {
            Ok(iter) => Value::list(iter.map(|x| from_jinja(&x)).collect()),
            Err(_) => Value::list(vec![]),
        },
        ValueKind::Map => {
            if let Some(files) = v.downcast_object_ref::<FilesObject>() {
                return files.to_data();
            }
            let mut m = Map::new();
            if let Ok(keys) = v.try_iter() {
                for key in keys {
                    let item = v.get_item(&key).unwrap_or(JValue::UNDEFINED);
                    let key = match key.as_str() {
                        Some(s) => s.to_string(),
                        None => key.to_string(),
                    };
                    m.insert(key, from_jinja(&item));
                }
            }
            Value::map(m)
        }
        // Macros, functions and other opaque objects: their printed form.
        _ => Value::string(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keep_sorted_keys_both_ways() {
        let mut m = Map::new();
        m.insert("b".into(), Value::Int64(2));
        m.insert("a".into(), Value::str("x"));
        m.insert("c".into(), Value::list(vec![Value::Bool(true), Value::Nil]));
        let j = to_jinja(&Value::map(m.clone()));
        let keys: Vec<String> = j.try_iter().unwrap().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        // Int64 comes back as Go int: equal data, different Go type.
        let back = from_jinja(&j);
        let Value::Map(back) = back else {
            panic!("not a map")
        };
        assert_eq!(back.borrow().get("a"), Some(&Value::str("x")));
        assert_eq!(back.borrow().get("b"), Some(&Value::Int(2)));
        assert_eq!(back.borrow().get("c"), m.get("c"));
    }

    #[test]
    fn integral_floats_become_integers_others_stay_floats() {
        assert_eq!(to_jinja(&Value::Float(3.0)).to_string(), "3");
        assert!(to_jinja(&Value::Float(3.0)).is_integer());
        assert_eq!(to_jinja(&Value::Float(1.5)).to_string(), "1.5");
        assert!(!to_jinja(&Value::Float(1e300)).is_integer());
        assert_eq!(from_jinja(&JValue::from(2.5)), Value::Float(2.5));
    }

    #[test]
    fn nil_missing_and_bytes_round_trip() {
        assert_eq!(from_jinja(&to_jinja(&Value::Nil)), Value::Nil);
        assert_eq!(from_jinja(&to_jinja(&Value::Missing)), Value::Missing);
        let b = Value::Bytes(Rc::from(&b"hi"[..]));
        assert_eq!(from_jinja(&to_jinja(&b)), b);
    }
}

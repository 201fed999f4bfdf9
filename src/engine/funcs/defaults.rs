//! Sprig's defaults.go: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary` and `deepCopy` (the JSON functions live in helm.rs, since Helm
//! replaces Sprig's toJson and fromJson).

use super::conv::is_empty;
use super::FuncResult;
use crate::engine::value::Value;

/// `default DEFAULT GIVEN`: GIVEN unless it is missing or empty.
pub fn default(a: &[Value]) -> FuncResult {
    match a.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(a[0].clone()),
    }
}

pub fn empty(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(is_empty(&a[0])))
}

pub fn coalesce(a: &[Value]) -> FuncResult {
    Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or(Value::Nil))
}

pub fn all(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

pub fn any(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

pub fn ternary(a: &[Value]) -> FuncResult {
    Ok(if a[2].is_true() { a[0].clone() } else { a[1].clone() })
}

/// copystructure.Copy: a deep copy of maps and lists.
pub fn deep_copy(a: &[Value]) -> FuncResult {
    Ok(a[0].deep_copy())
}

pub fn must_deep_copy(a: &[Value]) -> FuncResult {
    Ok(a[0].deep_copy())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call_ok as call};
    use super::*;

    #[test]
    fn defaults_match_sprig_tests() {
        // defaults_test.go TestDefault / TestEmpty / TestCoalesce / TestAll / TestAny
        let foo = Value::str("foo");
        assert_eq!(call("default", &[foo.clone(), Value::Missing]), foo);
        assert_eq!(call("default", &[foo.clone()]), foo);
        assert_eq!(call("default", &[foo.clone(), Value::str("")]), foo);
        assert_eq!(call("default", &[foo.clone(), Value::Int(0)]), foo);
        assert_eq!(call("default", &[foo.clone(), Value::Bool(false)]), foo);
        assert_eq!(call("default", &[foo.clone(), Value::list(vec![])]), foo);
        assert_eq!(call("default", &[foo.clone(), Value::str("bar")]), Value::str("bar"));
        assert_eq!(call("default", &[foo.clone(), Value::Bool(true)]), Value::Bool(true));
        assert_eq!(call("empty", &[Value::Missing]), Value::Bool(true));
        assert_eq!(call("empty", &[Value::Float(0.1)]), Value::Bool(false));
        assert_eq!(
            call("coalesce", &[Value::Nil, Value::str(""), Value::Int(0), Value::str("x")]),
            Value::str("x")
        );
        assert_eq!(call("coalesce", &[Value::Nil, Value::str("")]), Value::Nil);
        assert_eq!(call("all", &[Value::Int(1), Value::str("a")]), Value::Bool(true));
        assert_eq!(call("all", &[Value::Int(1), Value::str("")]), Value::Bool(false));
        assert_eq!(call("all", &[]), Value::Bool(true));
        assert_eq!(call("any", &[Value::Int(0), Value::str("a")]), Value::Bool(true));
        assert_eq!(call("any", &[]), Value::Bool(false));
        assert_eq!(
            call("ternary", &[Value::str("a"), Value::str("b"), Value::Bool(false)]),
            Value::str("b")
        );
    }

    #[test]
    fn deep_copy_detaches_maps() {
        let m = Value::map([("a".to_string(), Value::empty_map())].into_iter().collect());
        let c = call("deepCopy", &[m.clone()]);
        if let Value::Map(inner) = &c {
            inner.borrow_mut().insert("b".into(), Value::Int(1));
        }
        assert_ne!(c, m);
    }
}

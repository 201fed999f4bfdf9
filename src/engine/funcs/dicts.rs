//! Sprig's dict functions (dict.go). Dicts are shared and mutable: `set`,
//! `unset`, `merge` and `mergeOverwrite` change the map they are given.
//! Go ranges maps in random order where Sprig returns keys or values; we
//! use sorted key order.

use std::cell::RefCell;
use std::rc::Rc;

use super::conv::{is_empty, strval};
use super::{arg_map, arg_str, call_err, string_list, FuncError, FuncResult};
use crate::engine::value::{Map, Value};

pub fn dict(a: &[Value]) -> FuncResult {
    let mut m = Map::new();
    for pair in a.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_else(|| Value::str(""));
        m.insert(strval(&pair[0]), value);
    }
    Ok(Value::map(m))
}

pub fn get(a: &[Value]) -> FuncResult {
    let found = arg_map(a, 0).and_then(|m| m.borrow().get(arg_str(a, 1)).cloned());
    Ok(found.unwrap_or_else(|| Value::str("")))
}

pub fn set(a: &[Value]) -> FuncResult {
    let Some(m) = arg_map(a, 0) else {
        return Err(call_err("assignment to entry in nil map"));
    };
    m.borrow_mut().insert(arg_str(a, 1).to_string(), a[2].clone());
    Ok(Value::Map(m))
}

pub fn unset(a: &[Value]) -> FuncResult {
    match arg_map(a, 0) {
        Some(m) => {
            m.borrow_mut().remove(arg_str(a, 1));
            Ok(Value::Map(m))
        }
        None => Ok(Value::Nil),
    }
}

pub fn has_key(a: &[Value]) -> FuncResult {
    let has = arg_map(a, 0).is_some_and(|m| m.borrow().contains_key(arg_str(a, 1)));
    Ok(Value::Bool(has))
}

pub fn pluck(a: &[Value]) -> FuncResult {
    let key = arg_str(a, 0);
    let found = a[1..]
        .iter()
        .filter_map(|d| match d {
            Value::Map(m) => m.borrow().get(key).cloned(),
            _ => None,
        })
        .collect();
    Ok(Value::list(found))
}

pub fn keys(a: &[Value]) -> FuncResult {
    let mut out = Vec::new();
    for d in a {
        if let Value::Map(m) = d {
            out.extend(m.borrow().keys().cloned());
        }
    }
    Ok(string_list(out))
}

pub fn pick(a: &[Value]) -> FuncResult {
    let src = arg_map(a, 0);
    let mut m = Map::new();
    if let Some(src) = src {
        let src = src.borrow();
        for k in a[1..].iter().filter_map(Value::as_str) {
            if let Some(v) = src.get(k) {
                m.insert(k.to_string(), v.clone());
            }
        }
    }
    Ok(Value::map(m))
}

pub fn omit(a: &[Value]) -> FuncResult {
    let omitted: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
    let m = match arg_map(a, 0) {
        Some(src) => src
            .borrow()
            .iter()
            .filter(|(k, _)| !omitted.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        None => Map::new(),
    };
    Ok(Value::map(m))
}

pub fn values(a: &[Value]) -> FuncResult {
    let vals = arg_map(a, 0).map(|m| m.borrow().values().cloned().collect()).unwrap_or_default();
    Ok(Value::list(vals))
}

/// mergo v1.0.1 `deepMerge` for `map[string]interface{}`: fills keys that
/// are missing or hold an empty value in `dst` (or every key, with
/// `overwrite`), merging nested maps in place.
pub fn merge_into(dst: &RefCell<Map>, src: &Map, overwrite: bool) {
    // A snapshot: src may be dst itself or share nested maps with it.
    let src: Vec<(String, Value)> = src.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, s) in src {
        let d = dst.borrow().get(&k).cloned();
        if s.is_nil() {
            if overwrite {
                dst.borrow_mut().insert(k, Value::Nil);
            }
            continue;
        }
        match &s {
            Value::Map(sm) => {
                if let Some(Value::Map(dm)) = &d {
                    let snapshot = sm.borrow().clone();
                    merge_into(dm, &snapshot, overwrite);
                }
            }
            Value::List(_) | Value::Bytes(_) => {
                if let Some(dv) = &d {
                    if !is_empty(dv) {
                        if overwrite {
                            dst.borrow_mut().insert(k, s);
                        }
                        continue;
                    }
                }
            }
            _ => {}
        }
        if let Some(dv) = &d {
            if !is_empty(dv) && matches!((&s, dv), (Value::Map(_), Value::Map(_))) {
                continue;
            }
        }
        if overwrite || d.as_ref().is_none_or(is_empty) {
            dst.borrow_mut().insert(k, s);
        }
    }
}

fn merge_all(a: &[Value], overwrite: bool) -> FuncResult {
    // A nil dst becomes a new map (mergo sets the addressable nil map).
    let dst = arg_map(a, 0).unwrap_or_else(|| Rc::new(RefCell::new(Map::new())));
    for src in &a[1..] {
        if let Value::Map(sm) = src {
            let snapshot = sm.borrow().clone();
            merge_into(&dst, &snapshot, overwrite);
        }
    }
    Ok(Value::Map(dst))
}

pub fn merge(a: &[Value]) -> FuncResult {
    merge_all(a, false)
}

pub fn must_merge(a: &[Value]) -> FuncResult {
    merge_all(a, false)
}

pub fn merge_overwrite(a: &[Value]) -> FuncResult {
    merge_all(a, true)
}

pub fn must_merge_overwrite(a: &[Value]) -> FuncResult {
    merge_all(a, true)
}

/// Go's panic text for a failed `x.(T)` on an `interface{}`.
fn conversion_panic(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() { "nil".to_string() } else { v.type_name() };
    call_err(format!("interface conversion: interface {{}} is {got}, not {want}"))
}

/// `dig KEY... DEFAULT DICT`: walk nested dicts, or give DEFAULT when a key
/// is missing.
pub fn dig(a: &[Value]) -> FuncResult {
    if a.len() < 3 {
        return Err(call_err("dig needs at least three arguments"));
    }
    let Value::Map(mut dict) = a[a.len() - 1].clone() else {
        return Err(conversion_panic(&a[a.len() - 1], "map[string]interface {}"));
    };
    let default = &a[a.len() - 2];
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k.as_str() {
            Some(s) => keys.push(s.to_string()),
            None => return Err(conversion_panic(k, "string")),
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let step = dict.borrow().get(k).cloned();
        let Some(step) = step else {
            return Ok(default.clone());
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        match step {
            Value::Map(m) => dict = m,
            other => return Err(conversion_panic(&other, "map[string]interface {}")),
        }
    }
    Ok(default.clone())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, printed, s};
    use super::*;
    use crate::engine::gofmt::sprint_value;

    fn d(pairs: &[(&str, Value)]) -> Value {
        Value::map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn dict_basics_match_sprig_tests() {
        // dict_test.go
        assert_eq!(printed("dict", &[s("a"), s("1"), s("b")]), "map[a:1 b:]");
        assert_eq!(printed("dict", &[Value::Int(1), s("x"), Value::Nil, s("y")]), "map[1:x <nil>:y]");
        let m = d(&[("a", s("x"))]);
        assert_eq!(printed("get", &[m.clone(), s("a")]), "x");
        assert_eq!(printed("get", &[m.clone(), s("zz")]), "");
        call("set", &[m.clone(), s("b"), Value::Int(2)]).unwrap();
        assert_eq!(sprint_value(&m), "map[a:x b:2]", "set mutates in place");
        call("unset", &[m.clone(), s("a")]).unwrap();
        assert_eq!(sprint_value(&m), "map[b:2]");
        assert_eq!(printed("hasKey", &[m.clone(), s("b")]), "true");
        assert_eq!(printed("hasKey", &[Value::Nil, s("b")]), "false");
        assert_eq!(
            call("set", &[Value::Nil, s("b"), Value::Int(2)]),
            Err(call_err("assignment to entry in nil map"))
        );
        let m = d(&[("one", Value::Int(1)), ("two", Value::Int(2)), ("three", Value::Int(3))]);
        assert_eq!(printed("pick", &[m.clone(), s("two"), s("three"), s("x")]), "map[three:3 two:2]");
        assert_eq!(printed("omit", &[m.clone(), s("two")]), "map[one:1 three:3]");
        assert_eq!(printed("keys", &[m.clone()]), "[one three two]");
        assert_eq!(printed("values", &[m.clone()]), "[1 3 2]");
        assert_eq!(printed("pluck", &[s("one"), m.clone(), d(&[("one", s("z"))]), d(&[])]), "[1 z]");
    }

    #[test]
    fn merge_follows_mergo() {
        // dict_test.go TestMerge: dst values win, empty dst values are filled,
        // nested dicts merge in place.
        let dst = d(&[
            ("a", s("one")),
            ("c", d(&[("x", s("1"))])),
            ("e", s("")),
            ("f", Value::Bool(false)),
        ]);
        let src = d(&[
            ("a", s("two")),
            ("b", s("new")),
            ("c", d(&[("x", s("2")), ("y", s("3"))])),
            ("e", s("filled")),
            ("f", Value::Bool(true)),
            ("g", Value::Nil),
        ]);
        let out = call("merge", &[dst.clone(), src.clone()]).unwrap();
        assert_eq!(sprint_value(&out), "map[a:one b:new c:map[x:1 y:3] e:filled f:true]");
        assert_eq!(out, dst, "merge returns the first dict, mutated");

        let dst = d(&[("a", s("one")), ("c", d(&[("x", s("1"))])), ("l", Value::list(vec![s("k")]))]);
        let src = d(&[
            ("a", s("")),
            ("c", d(&[("x", s("2"))])),
            ("g", Value::Nil),
            ("l", Value::list(vec![])),
        ]);
        let out = call("mergeOverwrite", &[dst, src]).unwrap();
        assert_eq!(sprint_value(&out), "map[a: c:map[x:2] g:<nil> l:[]]");

        let out = call("merge", &[Value::Nil, d(&[("a", Value::Int(1))])]).unwrap();
        assert_eq!(sprint_value(&out), "map[a:1]");
    }

    #[test]
    fn dig_walks_nested_dicts() {
        // dict_test.go TestDig
        let m = d(&[("a", d(&[("b", d(&[("c", Value::Int(1))]))]))]);
        assert_eq!(printed("dig", &[s("a"), s("b"), s("c"), s(""), m.clone()]), "1");
        assert_eq!(printed("dig", &[s("a"), s("b"), s("z"), s("2"), m.clone()]), "2");
        assert_eq!(printed("dig", &[s("a"), s("b"), s(""), m.clone()]), "map[c:1]");
        assert_eq!(
            call("dig", &[s("a"), s("b"), s("c"), s("d"), s(""), m.clone()]),
            Err(call_err("interface conversion: interface {} is int, not map[string]interface {}"))
        );
        assert_eq!(
            call("dig", &[s("a"), s(""), Value::Nil]),
            Err(call_err("interface conversion: interface {} is nil, not map[string]interface {}"))
        );
        assert_eq!(call("dig", &[s("a"), s("")]), Err(call_err("dig needs at least three arguments")));
    }
}

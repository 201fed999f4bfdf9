//! Sprig's list functions (list.go): they accept any slice, return new
//! `[]interface{}` values, and the non-`must` forms panic (a call error in
//! the template) where the `must` forms return the same error.

use std::rc::Rc;

use super::conv::{is_empty, to_int64};
use super::strings::{slice_bounds, strslice};
use super::{arg_int, call_err, string_list, FuncError, FuncResult};
use crate::engine::value::Value;

/// The elements of a Go slice value, or `None` when it is not a slice.
/// `[]byte` elements are uint8 numbers; a slice type with methods
/// (`.Capabilities.APIVersions`) gives its elements.
fn elements(v: &Value) -> Option<Rc<Vec<Value>>> {
    match &*v.as_collection() {
        Value::List(l) => Some(l.clone()),
        Value::Bytes(b) => Some(Rc::new(b.iter().map(|x| Value::Int(*x as i64)).collect())),
        _ => None,
    }
}

/// `reflect.TypeOf(v).Kind()` as Sprig's messages print it; nil has no
/// type, so Go dereferences a nil pointer.
fn kind_or_panic(v: &Value) -> Result<&'static str, FuncError> {
    if v.is_nil() {
        return Err(call_err("runtime error: invalid memory address or nil pointer dereference"));
    }
    Ok(v.kind_name())
}

/// Run `f` on the list's elements, or fail with `what` and the kind.
fn with_list(
    v: &Value,
    what: impl Fn(&str) -> String,
    f: impl FnOnce(&[Value]) -> Value,
) -> FuncResult {
    let kind = kind_or_panic(v)?;
    match elements(v) {
        Some(l) => Ok(f(&l)),
        None => Err(call_err(what(kind))),
    }
}

pub fn list(a: &[Value]) -> FuncResult {
    Ok(Value::list(a.to_vec()))
}

pub fn push(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot push on type {k}"), |l| {
        let mut out = l.to_vec();
        out.push(a[1].clone());
        Value::list(out)
    })
}

pub fn must_push(a: &[Value]) -> FuncResult {
    push(a)
}

pub fn prepend(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot prepend on type {k}"), |l| {
        let mut out = Vec::with_capacity(l.len() + 1);
        out.push(a[1].clone());
        out.extend_from_slice(l);
        Value::list(out)
    })
}

pub fn must_prepend(a: &[Value]) -> FuncResult {
    prepend(a)
}

pub fn chunk(a: &[Value]) -> FuncResult {
    let size = arg_int(a, 0);
    let kind = kind_or_panic(&a[1])?;
    let Some(l) = elements(&a[1]) else {
        return Err(call_err(format!("Cannot chunk type {kind}")));
    };
    if size <= 0 {
        // Go divides by zero (or makes a negative-length slice) here.
        return Err(call_err(if size == 0 {
            "runtime error: integer divide by zero".to_string()
        } else {
            "runtime error: makeslice: len out of range".to_string()
        }));
    }
    let size = size as usize;
    let chunks = l.chunks(size).map(|c| Value::list(c.to_vec())).collect();
    Ok(Value::list(chunks))
}

pub fn must_chunk(a: &[Value]) -> FuncResult {
    chunk(a)
}

pub fn last(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find last on type {k}"), |l| {
        l.last().cloned().unwrap_or(Value::Nil)
    })
}

pub fn must_last(a: &[Value]) -> FuncResult {
    last(a)
}

pub fn first(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find first on type {k}"), |l| {
        l.first().cloned().unwrap_or(Value::Nil)
    })
}

pub fn must_first(a: &[Value]) -> FuncResult {
    first(a)
}

pub fn rest(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find rest on type {k}"), |l| {
        Value::list(l.iter().skip(1).cloned().collect())
    })
}

pub fn must_rest(a: &[Value]) -> FuncResult {
    rest(a)
}

pub fn initial(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find initial on type {k}"), |l| {
        Value::list(l[..l.len().saturating_sub(1)].to_vec())
    })
}

pub fn must_initial(a: &[Value]) -> FuncResult {
    initial(a)
}

/// `sortAlpha`: a slice's items as sorted strings; anything else as a
/// one-item list.
pub fn sort_alpha(a: &[Value]) -> FuncResult {
    match &a[0] {
        list if list.kind_name() == "slice" => {
            let mut items = strslice(&a[0]);
            items.sort();
            Ok(string_list(items))
        }
        other => Ok(string_list(vec![super::conv::strval(other)])),
    }
}

pub fn reverse(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find reverse on type {k}"), |l| {
        Value::list(l.iter().rev().cloned().collect())
    })
}

pub fn must_reverse(a: &[Value]) -> FuncResult {
    reverse(a)
}

pub fn compact(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot compact on type {k}"), |l| {
        Value::list(l.iter().filter(|x| !is_empty(x)).cloned().collect())
    })
}

pub fn must_compact(a: &[Value]) -> FuncResult {
    compact(a)
}

pub fn uniq(a: &[Value]) -> FuncResult {
    with_list(&a[0], |k| format!("Cannot find uniq on type {k}"), |l| {
        let mut out: Vec<Value> = Vec::new();
        for x in l {
            if !out.contains(x) {
                out.push(x.clone());
            }
        }
        Value::list(out)
    })
}

pub fn must_uniq(a: &[Value]) -> FuncResult {
    uniq(a)
}

pub fn without(a: &[Value]) -> FuncResult {
    let omit = &a[1..];
    with_list(&a[0], |k| format!("Cannot find without on type {k}"), |l| {
        Value::list(l.iter().filter(|x| !omit.contains(x)).cloned().collect())
    })
}

pub fn must_without(a: &[Value]) -> FuncResult {
    without(a)
}

/// `has NEEDLE HAYSTACK`: nil haystacks hold nothing.
pub fn has(a: &[Value]) -> FuncResult {
    if a[1].is_nil() {
        return Ok(Value::Bool(false));
    }
    with_list(&a[1], |k| format!("Cannot find has on type {k}"), |l| {
        Value::Bool(l.contains(&a[0]))
    })
}

pub fn must_has(a: &[Value]) -> FuncResult {
    has(a)
}

/// `slice LIST [START [END]]`: Go's `l[start:end]`, keeping the slice type;
/// an empty list gives nil.
pub fn slice(a: &[Value]) -> FuncResult {
    let kind = kind_or_panic(&a[0])?;
    let Some(l) = elements(&a[0]) else {
        return Err(call_err(format!("list should be type of slice or array but {kind}")));
    };
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map(to_int64).unwrap_or(0);
    let end = a.get(2).map(to_int64).unwrap_or(l.len() as i64);
    let (lo, hi) = slice_bounds(l.len(), Some(start), Some(end))
        .map_err(|_| call_err("reflect.Value.Slice: slice index out of bounds"))?;
    Ok(match &a[0] {
        Value::Bytes(b) => Value::Bytes(Rc::from(&b[lo..hi])),
        _ => Value::list(l[lo..hi].to_vec()),
    })
}

pub fn must_slice(a: &[Value]) -> FuncResult {
    slice(a)
}

/// `concat LIST...`: one list of every list's items.
pub fn concat(a: &[Value]) -> FuncResult {
    let mut out = Vec::new();
    for v in a {
        let kind = kind_or_panic(v)?;
        match elements(v) {
            Some(l) => out.extend(l.iter().cloned()),
            None => return Err(call_err(format!("Cannot concat type {kind} as list"))),
        }
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, printed};
    use super::*;

    fn ints(v: &[i64]) -> Value {
        Value::list(v.iter().map(|i| Value::Int(*i)).collect())
    }

    #[test]
    fn list_functions_match_sprig_tests() {
        // list_test.go
        assert_eq!(printed("append", &[ints(&[1, 2]), Value::Int(3)]), "[1 2 3]");
        assert_eq!(printed("prepend", &[ints(&[1, 2]), Value::Int(0)]), "[0 1 2]");
        assert_eq!(printed("first", &[ints(&[1, 2, 3])]), "1");
        assert_eq!(printed("first", &[ints(&[])]), "<nil>");
        assert_eq!(printed("last", &[ints(&[1, 2, 3])]), "3");
        assert_eq!(printed("rest", &[ints(&[1, 2, 3])]), "[2 3]");
        assert_eq!(printed("initial", &[ints(&[1, 2, 3])]), "[1 2]");
        assert_eq!(printed("reverse", &[ints(&[1, 2, 3])]), "[3 2 1]");
        assert_eq!(printed("uniq", &[ints(&[1, 2, 2, 3, 1])]), "[1 2 3]");
        assert_eq!(printed("without", &[ints(&[1, 2, 3, 4]), Value::Int(1), Value::Int(3)]), "[2 4]");
        assert_eq!(printed("has", &[Value::Int(2), ints(&[1, 2])]), "true");
        assert_eq!(printed("has", &[Value::Int(2), Value::Nil]), "false");
        assert_eq!(printed("slice", &[ints(&[1, 2, 3, 4])]), "[1 2 3 4]");
        assert_eq!(printed("slice", &[ints(&[1, 2, 3, 4]), Value::Int(1), Value::Int(3)]), "[2 3]");
        assert_eq!(printed("slice", &[ints(&[1, 2, 3, 4]), Value::Int(2)]), "[3 4]");
        assert_eq!(printed("concat", &[ints(&[1, 2]), ints(&[3]), ints(&[])]), "[1 2 3]");
        assert_eq!(printed("chunk", &[Value::Int(2), ints(&[1, 2, 3, 4, 5])]), "[[1 2] [3 4] [5]]");
        let mixed = Value::list(vec![Value::Int(0), Value::str(""), Value::Nil, Value::str("a")]);
        assert_eq!(printed("compact", &[mixed]), "[a]");
        let strs = Value::list(vec![Value::str("b"), Value::str("a"), Value::Int(3)]);
        assert_eq!(printed("sortAlpha", &[strs]), "[3 a b]");
        assert_eq!(printed("sortAlpha", &[Value::str("x")]), "[x]");
    }

    #[test]
    fn list_errors_match_sprig() {
        assert_eq!(
            call("first", &[Value::str("abc")]),
            Err(call_err("Cannot find first on type string"))
        );
        assert_eq!(
            call("mustPush", &[Value::empty_map(), Value::Int(1)]),
            Err(call_err("Cannot push on type map"))
        );
        assert_eq!(
            call("first", &[Value::Missing]),
            Err(call_err("runtime error: invalid memory address or nil pointer dereference"))
        );
        assert_eq!(
            call("slice", &[ints(&[1, 2]), Value::Int(1), Value::Int(5)]),
            Err(call_err("reflect.Value.Slice: slice index out of bounds"))
        );
        assert_eq!(
            call("concat", &[ints(&[1]), Value::Int(2)]),
            Err(call_err("Cannot concat type int as list"))
        );
    }
}

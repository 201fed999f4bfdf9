//! Sprig's reflection functions (reflect.go): `%T` type names and
//! `reflect.Kind` names, and `reflect.DeepEqual`.

use super::{arg_str, FuncResult};
use crate::engine::value::Value;

/// `%T` of a value.
fn type_name(v: &Value) -> String {
    v.type_name()
}

pub fn type_of(a: &[Value]) -> FuncResult {
    Ok(Value::string(type_name(&a[0])))
}

pub fn type_is(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 0) == type_name(&a[1])))
}

pub fn type_is_like(a: &[Value]) -> FuncResult {
    let (target, t) = (arg_str(a, 0), type_name(&a[1]));
    Ok(Value::Bool(target == t || format!("*{target}") == t))
}

pub fn kind_of(a: &[Value]) -> FuncResult {
    Ok(Value::str(a[0].kind_name()))
}

pub fn kind_is(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(arg_str(a, 0) == a[1].kind_name()))
}

pub fn deep_equal(a: &[Value]) -> FuncResult {
    Ok(Value::Bool(a[0] == a[1]))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call_ok as call};
    use super::*;

    #[test]
    fn reflection_matches_sprig_tests() {
        // reflect_test.go
        assert_eq!(call("typeOf", &[Value::str("a")]), Value::str("string"));
        assert_eq!(call("typeOf", &[Value::Int(1)]), Value::str("int"));
        assert_eq!(call("typeOf", &[Value::Float(1.0)]), Value::str("float64"));
        assert_eq!(call("typeOf", &[Value::Int64(1)]), Value::str("int64"));
        assert_eq!(call("typeOf", &[Value::list(vec![])]), Value::str("[]interface {}"));
        assert_eq!(call("typeIs", &[Value::str("string"), Value::str("x")]), Value::Bool(true));
        assert_eq!(call("typeIsLike", &[Value::str("int"), Value::Int(1)]), Value::Bool(true));
        assert_eq!(call("kindOf", &[Value::list(vec![])]), Value::str("slice"));
        assert_eq!(call("kindOf", &[Value::empty_map()]), Value::str("map"));
        assert_eq!(call("kindOf", &[Value::Nil]), Value::str("invalid"));
        assert_eq!(call("kindIs", &[Value::str("float64"), Value::Float(1.5)]), Value::Bool(true));
        assert_eq!(call("kindIs", &[Value::str("string"), Value::Int(1)]), Value::Bool(false));
        assert_eq!(call("deepEqual", &[Value::Int(1), Value::Int(1)]), Value::Bool(true));
        assert_eq!(call("deepEqual", &[Value::Int(1), Value::Int64(1)]), Value::Bool(false));
    }
}

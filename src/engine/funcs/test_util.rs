//! Helpers the function tests share: call a registered function by name
//! (through its Go signature checks, as templates do), look at the result,
//! and spell argument values briefly.

use super::{lookup, FuncResult};
use crate::engine::gofmt::sprint_value;
use crate::engine::value::Value;

/// Call the registered function `name`.
pub fn call(name: &str, args: &[Value]) -> FuncResult {
    lookup(name).unwrap_or_else(|| panic!("no function {name}"))(args)
}

/// The value `name` returns; panics if the call fails.
pub fn call_ok(name: &str, args: &[Value]) -> Value {
    call(name, args).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// The Go string `name` returns; panics on an error or another type.
pub fn call_str(name: &str, args: &[Value]) -> String {
    match call(name, args) {
        Ok(Value::String(s)) => s.to_string(),
        other => panic!("{name}: {other:?}"),
    }
}

/// What `name` returns, printed as Go's `%v` prints it.
pub fn printed(name: &str, args: &[Value]) -> String {
    sprint_value(&call_ok(name, args))
}

pub fn s(x: &str) -> Value {
    Value::str(x)
}

pub fn i(x: i64) -> Value {
    Value::Int(x)
}

pub fn f(x: f64) -> Value {
    Value::Float(x)
}

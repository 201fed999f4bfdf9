//! Sprig's `semver` and `semverCompare` template functions and the
//! `*semver.Version` object `semver` returns (`.Major`, `.LessThan`, ...).
//! The Masterminds/semver port itself is chart::version, shared with chart
//! loading and dependency resolution.

use std::cmp::Ordering;
use std::rc::Rc;

use super::{arg_str, call_err, FuncResult};
use crate::chart::version::Version;
use crate::engine::value::{Object, Value};

/// `*semver.Version` as a template value.
#[derive(Debug)]
pub struct VersionObject(pub Version);

impl Object for VersionObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.0;
        Some(match name {
            "Major" => Value::Int64(v.major as i64),
            "Minor" => Value::Int64(v.minor as i64),
            "Patch" => Value::Int64(v.patch as i64),
            "Prerelease" => Value::string(v.pre.clone()),
            "Metadata" => Value::string(v.metadata.clone()),
            "Original" => Value::string(v.original.clone()),
            "String" => Value::string(v.to_string()),
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal" | "Compare")
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !self.has_method(name) {
            return None;
        }
        let other = match args {
            [Value::Object(o)] => match o.as_any().and_then(|a| a.downcast_ref::<VersionObject>()) {
                Some(v) => v.0.clone(),
                None => {
                    return Some(Err(format!(
                        "wrong type for value; expected *semver.Version; got {}",
                        o.type_name()
                    )))
                }
            },
            [v] => return Some(Err(format!("wrong type for value; expected *semver.Version; got {}", v.type_name()))),
            _ => return Some(Err(format!("wrong number of args for {name}: want 1 got {}", args.len()))),
        };
        let ord = self.0.compare(&other);
        Some(Ok(match name {
            "LessThan" => Value::Bool(ord == Ordering::Less),
            "LessThanEqual" => Value::Bool(ord != Ordering::Greater),
            "GreaterThan" => Value::Bool(ord == Ordering::Greater),
            "GreaterThanEqual" => Value::Bool(ord != Ordering::Less),
            "Equal" => Value::Bool(ord == Ordering::Equal),
            _ => Value::Int(ord as i64),
        }))
    }

    fn to_data(&self) -> Value {
        Value::string(self.0.to_string())
    }

    fn go_string(&self) -> Option<String> {
        Some(self.0.to_string())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

pub fn semver_fn(a: &[Value]) -> FuncResult {
    let v = Version::parse(arg_str(a, 0)).map_err(|e| call_err(e.to_string()))?;
    Ok(Value::Object(Rc::new(VersionObject(v))))
}

pub fn semver_compare_fn(a: &[Value]) -> FuncResult {
    let met = crate::chart::version::satisfies(arg_str(a, 0), arg_str(a, 1)).map_err(|e| call_err(e.to_string()))?;
    Ok(Value::Bool(met))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{call, s};
    use super::*;
    use crate::engine::gofmt::sprint_value;

    #[test]
    fn template_functions() {
        assert_eq!(call("semverCompare", &[s(">=1.19-0"), s("v1.30.0")]), Ok(Value::Bool(true)));
        assert_eq!(
            call("semverCompare", &[s("abc"), s("1.0.0")]),
            Err(call_err("improper constraint: \"abc\""))
        );
        assert_eq!(
            call("semverCompare", &[s(">1"), s("x")]),
            Err(call_err("invalid semantic version"))
        );
        let v = call("semver", &[s("v1.2.3-rc.1")]).unwrap();
        assert_eq!(sprint_value(&v), "1.2.3-rc.1");
        assert_eq!(v.type_name(), "*semver.Version");
        let Value::Object(o) = &v else { panic!() };
        assert_eq!(o.field("Minor"), Some(Value::Int64(2)));
        assert_eq!(o.field("Prerelease"), Some(s("rc.1")));
        let w = call("semver", &[s("1.3.0")]).unwrap();
        assert_eq!(o.call_method("LessThan", &[w]), Some(Ok(Value::Bool(true))));
    }
}

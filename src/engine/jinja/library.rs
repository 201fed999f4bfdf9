//! The shared function library (engine/funcs: Sprig and Helm functions)
//! exposed to Jinja, both as functions and as filters.
//!
//! Naming rules (documented in docs/jinja.md):
//! - Every library function is registered under its Go name (`toYaml`,
//!   `b64enc`, `nindent`), as a function and as a filter. In filter form the
//!   piped value is the LAST argument, as in a Go pipeline:
//!   `x | indent(4)` calls `indent(4, x)`.
//! - Each camelCase name also gets a snake_case alias (`to_yaml`,
//!   `trim_suffix`) unless a library function or a minijinja builtin already
//!   owns that name.
//! - On a clash with a minijinja builtin the library wins (so `default`,
//!   `indent`, `replace`, `trim`, `title`, `first`, ... behave as in Helm),
//!   except for the builtins in [`JINJA_FILTERS_KEPT`] and
//!   [`JINJA_FUNCTIONS_KEPT`], whose Go counterparts take the subject first
//!   and so cannot be used in filter position; those Go functions stay
//!   callable in function form (`max(a, b)`, `split(",", s)`).

use std::collections::HashMap;

use minijinja::value::{Rest, Value as JValue, ValueOrKwargs};
use minijinja::{Environment, Error, ErrorKind};

use super::convert::{from_jinja, to_jinja};
use crate::engine::funcs::{Func, FuncError};
use crate::engine::value::Value;

/// minijinja builtin filters that keep their Jinja meaning (the library
/// function of the same name is available as a function only).
pub const JINJA_FILTERS_KEPT: &[&str] = &["list", "max", "min", "round", "slice", "split"];

/// minijinja global functions that keep their Jinja meaning. (`dict` is
/// merged: positional pairs as Sprig, keyword arguments as Jinja.)
pub const JINJA_FUNCTIONS_KEPT: &[&str] = &["range", "namespace", "debug"];

/// The builtin filters of minijinja 3 with the features capstan enables
/// (minijinja: src/defaults.rs build_builtin_filters); used to decide
/// whether a snake_case alias is free.
const JINJA_BUILTIN_FILTERS: &[&str] = &[
    "safe",
    "escape",
    "e",
    "lower",
    "upper",
    "title",
    "capitalize",
    "replace",
    "length",
    "count",
    "dictsort",
    "items",
    "reverse",
    "trim",
    "join",
    "split",
    "lines",
    "default",
    "d",
    "round",
    "abs",
    "int",
    "float",
    "attr",
    "first",
    "last",
    "min",
    "max",
    "sort",
    "list",
    "string",
    "bool",
    "batch",
    "slice",
    "sum",
    "indent",
    "select",
    "reject",
    "selectattr",
    "rejectattr",
    "map",
    "groupby",
    "unique",
    "chain",
    "zip",
    "pprint",
    "format",
];

/// The builtin global functions of minijinja 3 (src/defaults.rs build_globals).
const JINJA_BUILTIN_FUNCTIONS: &[&str] = &["range", "dict", "debug", "namespace"];

/// Names the engine itself defines (engine/jinja/mod.rs); the library never
/// replaces them. (`lookup` comes from the library when it has one.)
pub const ENGINE_FUNCTIONS: &[&str] = &["include", "tpl"];

/// Delimiters Helm wraps around `fail` and `required` messages
/// (Helm: pkg/engine/engine.go warnWrap).
const WARN_START: &str = "HELM_ERR_START";
const WARN_END: &str = "HELM_ERR_END";

/// How one library function is exposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub go_name: &'static str,
    /// Registered as a function under these names.
    pub function_names: Vec<String>,
    /// Registered as a filter under these names.
    pub filter_names: Vec<String>,
}

/// The snake_case alias of a Go function name (`toYaml` → `to_yaml`,
/// `b64enc` → `b64enc`, `sha256sum` → `sha256sum`).
pub fn snake_alias(go_name: &str) -> String {
    super::objects::snake_case(go_name)
}

/// Decide the names each library function gets, in name order.
pub fn plan(library: &HashMap<&'static str, Func>) -> Vec<Exposure> {
    let mut names: Vec<&'static str> = library.keys().copied().collect();
    names.sort_unstable();
    names
        .into_iter()
        .filter(|n| !ENGINE_FUNCTIONS.contains(n))
        .map(|go_name| {
            let mut function_names = vec![];
            let mut filter_names = vec![];
            if !JINJA_FUNCTIONS_KEPT.contains(&go_name) && go_name != "dict" {
                function_names.push(go_name.to_string());
            }
            if !JINJA_FILTERS_KEPT.contains(&go_name) {
                filter_names.push(go_name.to_string());
            }
            let alias = snake_alias(go_name);
            if alias != go_name
                && !library.contains_key(alias.as_str())
                && !ENGINE_FUNCTIONS.contains(&alias.as_str())
            {
                if !JINJA_BUILTIN_FUNCTIONS.contains(&alias.as_str()) {
                    function_names.push(alias.clone());
                }
                if !JINJA_BUILTIN_FILTERS.contains(&alias.as_str()) {
                    filter_names.push(alias);
                }
            }
            Exposure {
                go_name,
                function_names,
                filter_names,
            }
        })
        .collect()
}

/// Register every library function with `env` as [`plan`] decides, plus
/// the merged `dict` when the library has one.
pub fn register(env: &mut Environment<'_>, library: &HashMap<&'static str, Func>) {
    for exposure in plan(library) {
        let func = library[exposure.go_name];
        let go_name = exposure.go_name;
        for name in exposure.function_names {
            env.add_function(name, move |args: Rest<ValueOrKwargs>| {
                let args = positional(go_name, args)?;
                call(go_name, func, &args)
            });
        }
        for name in exposure.filter_names {
            env.add_filter(name, move |piped: JValue, args: Rest<ValueOrKwargs>| {
                let mut args = positional(go_name, args)?;
                // Go pipeline: the piped value is the last argument.
                args.push(piped);
                call(go_name, func, &args)
            });
        }
    }
    if let Some(&dict) = library.get("dict") {
        env.add_function("dict", move |args: Rest<ValueOrKwargs>| {
            merged_dict(dict, args)
        });
    }
}

/// `dict("a", 1, b=2)`: positional key/value pairs as Sprig's dict, then
/// keyword arguments as Jinja's `dict(b=2)`.
fn merged_dict(dict: Func, args: Rest<ValueOrKwargs>) -> Result<JValue, Error> {
    let mut pairs = vec![];
    let mut kwargs = None;
    for v in args.into_values() {
        if v.is_kwargs() {
            kwargs = Some(v);
        } else {
            pairs.push(v);
        }
    }
    let made = from_jinja(&call("dict", dict, &pairs)?);
    if let (Some(kw), Value::Map(m)) = (kwargs, &made) {
        for key in kw.try_iter()? {
            let v = kw.get_item(&key)?;
            m.borrow_mut().insert(key.to_string(), from_jinja(&v));
        }
    }
    Ok(to_jinja(&made))
}

fn positional(name: &str, args: Rest<ValueOrKwargs>) -> Result<Vec<JValue>, Error> {
    let args = args.into_values();
    if args.iter().any(JValue::is_kwargs) {
        return Err(Error::new(
            ErrorKind::TooManyArguments,
            format!("{name} does not take keyword arguments"),
        ));
    }
    Ok(args)
}

/// Call a library function with minijinja arguments.
pub fn call(name: &str, func: Func, args: &[JValue]) -> Result<JValue, Error> {
    let args: Vec<Value> = args.iter().map(from_jinja).collect();
    match func(&args) {
        Ok(v) => Ok(to_jinja(&v)),
        Err(FuncError::Call(msg)) => Err(Error::new(
            ErrorKind::InvalidOperation,
            call_error_text(name, &msg),
        )),
        Err(FuncError::Arg(msg)) => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("{name}: {msg}"),
        )),
    }
}

/// `fail`/`required` messages are shown as written (Helm strips its
/// delimiters the same way); other failures as Go's `error calling NAME: MSG`.
fn call_error_text(name: &str, msg: &str) -> String {
    if let Some(start) = msg.find(WARN_START) {
        let after = &msg[start + WARN_START.len()..];
        if let Some(end) = after.rfind(WARN_END) {
            return after[..end].to_string();
        }
    }
    format!("error calling {name}: {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_library() -> HashMap<&'static str, Func> {
        fn join_args(args: &[Value]) -> Result<Value, FuncError> {
            let parts: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Value::String(s) => s.to_string(),
                    other => format!("{other:?}"),
                })
                .collect();
            Ok(Value::string(parts.join("|")))
        }
        fn fails(_: &[Value]) -> Result<Value, FuncError> {
            Err(FuncError::Call(
                "HELM_ERR_STARTplease set xHELM_ERR_END".into(),
            ))
        }
        let mut m: HashMap<&'static str, Func> = HashMap::new();
        m.insert("toYaml", join_args);
        m.insert("indent", join_args);
        m.insert("max", join_args);
        m.insert("trimSuffix", join_args);
        m.insert("sortAlpha", join_args);
        m.insert("replace", join_args);
        m.insert("fail", fails);
        m.insert("include", join_args);
        m
    }

    #[test]
    fn plan_names_functions_filters_and_aliases() {
        let plan = plan(&test_library());
        let get = |n: &str| plan.iter().find(|e| e.go_name == n).cloned().unwrap();
        assert_eq!(get("toYaml").function_names, ["toYaml", "to_yaml"]);
        assert_eq!(get("toYaml").filter_names, ["toYaml", "to_yaml"]);
        // The library wins over the builtin indent filter.
        assert_eq!(get("indent").filter_names, ["indent"]);
        // max keeps its Jinja filter meaning; the Go max is a function.
        assert_eq!(get("max").function_names, ["max"]);
        assert!(get("max").filter_names.is_empty());
        assert_eq!(
            get("trimSuffix").filter_names,
            ["trimSuffix", "trim_suffix"]
        );
        // Engine functions are never replaced by library ones.
        assert!(plan.iter().all(|e| e.go_name != "include"));
    }

    #[test]
    fn filters_pipe_the_value_last_and_functions_take_args_in_order() {
        let mut env = Environment::new();
        register(&mut env, &test_library());
        let out = env
            .render_str("{{ 'x' | indent(4) }} {{ indent(4, 'x') }} {{ 'a' | to_yaml }} {{ 'v' | trim_suffix('s') }}", ())
            .unwrap();
        assert_eq!(out, "Int(4)|x Int(4)|x a s|v");
        // `max` filter stays Jinja's: max of a sequence.
        assert_eq!(env.render_str("{{ [1, 3, 2] | max }}", ()).unwrap(), "3");
        assert_eq!(env.render_str("{{ max('a', 'b') }}", ()).unwrap(), "a|b");
    }

    #[test]
    fn fail_messages_lose_helms_delimiters() {
        let mut env = Environment::new();
        register(&mut env, &test_library());
        let err = env.render_str("{{ fail('x') }}", ()).unwrap_err();
        assert_eq!(err.detail(), Some("please set x"));
        let err = env.render_str("{{ toYaml(a=1) }}", ()).unwrap_err();
        assert_eq!(err.detail(), Some("toYaml does not take keyword arguments"));
    }
}

//! The function library shared by both template engines: Sprig v3 and Helm's
//! own functions (toYaml, fromJson, required, ...). Functions that need the
//! running engine (`include`, `tpl`, `template`, `lookup`) are provided by
//! each engine, not here.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::value::Value;

/// Why a function call failed, in the two forms Go's text/template reports.
#[derive(Debug, Clone, PartialEq)]
pub enum FuncError {
    /// The function ran and returned an error (or panicked):
    /// Go prints `error calling NAME: MSG`.
    Call(String),
    /// An argument does not fit the Go parameter type; the message is printed
    /// as is, e.g. `wrong type for value; expected string; got int`.
    Arg(String),
}

pub type FuncResult = Result<Value, FuncError>;

/// A library function. Arguments arrive already evaluated.
pub type Func = fn(&[Value]) -> FuncResult;

/// Every function in the library, by template name.
pub fn library() -> &'static HashMap<&'static str, Func> {
    static LIBRARY: LazyLock<HashMap<&'static str, Func>> = LazyLock::new(|| {
        let mut m: HashMap<&'static str, Func> = HashMap::new();
        register(&mut m);
        m
    });
    &LIBRARY
}

/// Look up one function.
pub fn lookup(name: &str) -> Option<Func> {
    library().get(name).copied()
}

fn register(_m: &mut HashMap<&'static str, Func>) {}

//! The function library shared by both template engines: Sprig v3.3.0's
//! `TxtFuncMap` (minus `env` and `expandenv`, which Helm removes) and Helm's
//! own functions (toYaml, fromJson, required, fail, lookup, duration helpers).
//! Functions that need the running engine (`include`, `tpl`, `template`) are
//! provided by each engine, not here.
//!
//! Every function is registered with its Go signature ([`Signature`]). The
//! registered [`Func`] checks the argument count and converts each argument
//! to its Go parameter type the way text/template does (exec.go `evalCall`,
//! `validateType`), so the error texts match Go's; then it runs the
//! implementation, which can rely on the argument types.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use super::value::{Map, Value};

pub mod catalog;
pub mod certs;
mod conv;
mod crypto;
pub mod dates;
mod defaults;
mod dicts;
mod encoding;
mod golayout;
pub mod helm;
mod lists;
mod math;
mod paths;
mod primes;
mod reflect;
mod regex;
mod semver;
mod strings;
pub mod throwaway;
#[cfg(test)]
mod test_util;
mod url;

pub use conv::strval;

/// Why a function call failed, in the two forms Go's text/template reports.
#[derive(Debug, Clone, PartialEq)]
pub enum FuncError {
    /// The function ran and returned an error (or panicked):
    /// Go prints `error calling NAME: MSG`.
    Call(String),
    /// An argument does not fit the Go parameter type (or the argument count
    /// is wrong); the message is printed as is, e.g.
    /// `wrong type for value; expected string; got int`.
    Arg(String),
}

pub type FuncResult = Result<Value, FuncError>;

/// A library function. Arguments arrive already evaluated.
pub type Func = fn(&[Value]) -> FuncResult;

/// The Go type of one function parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything; a missing value arrives as `Nil`.
    Any,
    /// `string`
    Str,
    /// `int`
    Int,
    /// `uint32`
    Uint32,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `map[string]interface{}`; nil arrives as `Nil`.
    Map,
    /// `[]interface{}`; nil arrives as `Nil`.
    List,
    /// `time.Time`
    Time,
    /// Sprig's `certificate` struct (what genCA and friends return).
    Cert,
}

impl Param {
    /// The Go type name as text/template prints it in errors.
    pub fn go_type(self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::Str => "string",
            Param::Int => "int",
            Param::Uint32 => "uint32",
            Param::Float64 => "float64",
            Param::Bool => "bool",
            Param::Map => "map[string]interface {}",
            Param::List => "[]interface {}",
            Param::Time => "time.Time",
            Param::Cert => "sprig.certificate",
        }
    }

    /// Whether Go can assign nil to this type (text/template `canBeNil`).
    fn can_be_nil(self) -> bool {
        matches!(self, Param::Any | Param::Map | Param::List)
    }
}

/// A function's Go parameter list.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// The fixed parameters.
    pub params: &'static [Param],
    /// The element type of a final `...T` parameter.
    pub variadic: Option<Param>,
}

struct Entry {
    func: Func,
    sig: &'static Signature,
}

/// Every function in the library, by template name.
pub fn library() -> &'static HashMap<&'static str, Func> {
    static LIBRARY: LazyLock<HashMap<&'static str, Func>> =
        LazyLock::new(|| entries().iter().map(|(k, e)| (*k, e.func)).collect());
    &LIBRARY
}

/// Look up one function.
pub fn lookup(name: &str) -> Option<Func> {
    entries().get(name).map(|e| e.func)
}

/// The Go signature of one function (for engines that convert template
/// literals to parameter types, e.g. `expected integer; found 1.5`).
pub fn signature(name: &str) -> Option<&'static Signature> {
    entries().get(name).map(|e| e.sig)
}

/// The library by name. Looked up for every identifier a template uses.
type Entries = HashMap<&'static str, Entry, foldhash::fast::RandomState>;

fn entries() -> &'static Entries {
    static ENTRIES: LazyLock<Entries> = LazyLock::new(|| {
        let mut m = Entries::default();
        register(&mut m);
        m
    });
    &ENTRIES
}

/// The implementation behind a registered function: receives the arguments
/// already converted to the declared parameter types.
type Impl = fn(&[Value]) -> FuncResult;

/// Check the argument count and types against `sig` as text/template does,
/// then call the implementation.
fn invoke(name: &str, sig: &Signature, imp: Impl, args: &[Value]) -> FuncResult {
    let fixed = sig.params.len();
    match sig.variadic {
        None if args.len() != fixed => {
            return Err(FuncError::Arg(format!(
                "wrong number of args for {name}: want {fixed} got {}",
                args.len()
            )))
        }
        Some(_) if args.len() < fixed => {
            return Err(FuncError::Arg(format!(
                "wrong number of args for {name}: want at least {fixed} got {}",
                args.len()
            )))
        }
        _ => {}
    }
    let mut converted = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let param = if i < fixed {
            sig.params[i]
        } else {
            sig.variadic.unwrap_or(Param::Any)
        };
        converted.push(convert_arg(arg, param)?);
    }
    // Hostile charts: refuse what would not fit the render's budget before
    // building it, and count what was built.
    super::budget::before_call(name, &converted).map_err(FuncError::Call)?;
    let result = imp(&converted)?;
    super::budget::after_call(&result).map_err(FuncError::Call)?;
    Ok(result)
}

/// Go: text/template exec.go `validateType`.
fn convert_arg(v: &Value, p: Param) -> Result<Value, FuncError> {
    let wrong = |v: &Value| {
        FuncError::Arg(format!(
            "wrong type for value; expected {}; got {}",
            p.go_type(),
            go_arg_type(v)
        ))
    };
    match v {
        // An invalid reflect.Value: nil for nilable types, an error otherwise.
        Value::Missing => {
            if p.can_be_nil() {
                Ok(Value::Nil)
            } else {
                Err(FuncError::Arg(format!("invalid value; expected {}", p.go_type())))
            }
        }
        _ => {
            let ok = match p {
                Param::Any => true,
                Param::Str => matches!(v, Value::String(_)),
                Param::Int => matches!(v, Value::Int(_)),
                Param::Uint32 => matches!(v, Value::Int(i) if (0..=u32::MAX as i64).contains(i)),
                Param::Bool => matches!(v, Value::Bool(_)),
                Param::Map | Param::List if matches!(v, Value::Nil) => true,
                Param::Map => matches!(v, Value::Map(_)),
                Param::List => matches!(v, Value::List(_)),
                Param::Time => matches!(v, Value::Object(o) if o.type_name() == "time.Time"),
                Param::Cert => {
                    matches!(v, Value::Object(o) if o.type_name() == "sprig.certificate")
                }
                // A template number literal arrives as int; Go converts it.
                Param::Float64 => {
                    return match v {
                        Value::Float(_) => Ok(v.clone()),
                        Value::Int(i) => Ok(Value::Float(*i as f64)),
                        _ => Err(wrong(v)),
                    }
                }
            };
            if ok {
                Ok(v.clone())
            } else {
                Err(wrong(v))
            }
        }
    }
}

/// The dynamic type text/template names when an argument does not fit: a
/// nil held in an interface (a YAML `null`) is `interface {}`.
fn go_arg_type(v: &Value) -> String {
    match v {
        Value::Nil => "interface {}".into(),
        other => other.type_name(),
    }
}

// ---- helpers for implementations (arguments are already converted) ----

/// Argument `i` as a string (declared `Param::Str`).
pub(crate) fn arg_str(args: &[Value], i: usize) -> &str {
    match &args[i] {
        Value::String(s) => s,
        _ => "",
    }
}

/// Argument `i` as a Go int (declared `Param::Int` or `Param::Uint32`).
pub(crate) fn arg_int(args: &[Value], i: usize) -> i64 {
    match &args[i] {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    }
}

/// Argument `i` as a map (declared `Param::Map`); `None` is Go's nil map.
pub(crate) fn arg_map(args: &[Value], i: usize) -> Option<Rc<RefCell<Map>>> {
    match &args[i] {
        Value::Map(m) => Some(m.clone()),
        _ => None,
    }
}

/// A failed call: `error calling NAME: msg`.
pub(crate) fn call_err(msg: impl Into<String>) -> FuncError {
    FuncError::Call(msg.into())
}

/// Strings as a Go `[]string` result.
pub(crate) fn string_list<I: IntoIterator<Item = String>>(items: I) -> Value {
    Value::list(items.into_iter().map(Value::string).collect())
}

/// Declare one registry entry: the name, the Go parameter types (a final
/// `..T` for a variadic `...T`) and the implementation.
macro_rules! reg {
    ($m:ident, $name:literal, [$($p:ident),*], $imp:path) => {{
        static SIG: Signature = Signature { params: &[$(Param::$p),*], variadic: None };
        fn call(args: &[Value]) -> FuncResult {
            invoke($name, &SIG, $imp, args)
        }
        $m.insert($name, Entry { func: call, sig: &SIG });
    }};
    ($m:ident, $name:literal, [$($p:ident),*], ..$v:ident, $imp:path) => {{
        static SIG: Signature = Signature { params: &[$(Param::$p),*], variadic: Some(Param::$v) };
        fn call(args: &[Value]) -> FuncResult {
            invoke($name, &SIG, $imp, args)
        }
        $m.insert($name, Entry { func: call, sig: &SIG });
    }};
}

fn register(m: &mut Entries) {
    // Sprig: functions.go genericMap, in its order.
    reg!(m, "hello", [], strings::hello);

    // Dates.
    reg!(m, "ago", [Any], dates::ago);
    reg!(m, "date", [Str, Any], dates::date);
    reg!(m, "date_in_zone", [Str, Any, Str], dates::date_in_zone);
    reg!(m, "date_modify", [Str, Time], dates::date_modify);
    reg!(m, "dateInZone", [Str, Any, Str], dates::date_in_zone);
    reg!(m, "dateModify", [Str, Time], dates::date_modify);
    reg!(m, "duration", [Any], dates::duration);
    reg!(m, "durationRound", [Any], dates::duration_round);
    reg!(m, "htmlDate", [Any], dates::html_date);
    reg!(m, "htmlDateInZone", [Any, Str], dates::html_date_in_zone);
    reg!(m, "must_date_modify", [Str, Time], dates::must_date_modify);
    reg!(m, "mustDateModify", [Str, Time], dates::must_date_modify);
    reg!(m, "mustToDate", [Str, Str], dates::must_to_date);
    reg!(m, "now", [], dates::now);
    reg!(m, "toDate", [Str, Str], dates::to_date);
    reg!(m, "unixEpoch", [Time], dates::unix_epoch);

    // Strings.
    reg!(m, "abbrev", [Int, Str], strings::abbrev);
    reg!(m, "abbrevboth", [Int, Int, Str], strings::abbrevboth);
    reg!(m, "trunc", [Int, Str], strings::trunc);
    reg!(m, "trim", [Str], strings::trim);
    reg!(m, "upper", [Str], strings::upper);
    reg!(m, "lower", [Str], strings::lower);
    reg!(m, "title", [Str], strings::title);
    reg!(m, "untitle", [Str], strings::untitle);
    reg!(m, "substr", [Int, Int, Str], strings::substr);
    reg!(m, "repeat", [Int, Str], strings::repeat);
    reg!(m, "trimall", [Str, Str], strings::trim_all);
    reg!(m, "trimAll", [Str, Str], strings::trim_all);
    reg!(m, "trimSuffix", [Str, Str], strings::trim_suffix);
    reg!(m, "trimPrefix", [Str, Str], strings::trim_prefix);
    reg!(m, "nospace", [Str], strings::nospace);
    reg!(m, "initials", [Str], strings::initials);
    reg!(m, "randAlphaNum", [Int], strings::rand_alpha_num);
    reg!(m, "randAlpha", [Int], strings::rand_alpha);
    reg!(m, "randAscii", [Int], strings::rand_ascii);
    reg!(m, "randNumeric", [Int], strings::rand_numeric);
    reg!(m, "swapcase", [Str], strings::swapcase);
    reg!(m, "shuffle", [Str], strings::shuffle);
    reg!(m, "snakecase", [Str], strings::snakecase);
    reg!(m, "camelcase", [Str], strings::camelcase);
    reg!(m, "kebabcase", [Str], strings::kebabcase);
    reg!(m, "wrap", [Int, Str], strings::wrap);
    reg!(m, "wrapWith", [Int, Str, Str], strings::wrap_with);
    reg!(m, "contains", [Str, Str], strings::contains);
    reg!(m, "hasPrefix", [Str, Str], strings::has_prefix);
    reg!(m, "hasSuffix", [Str, Str], strings::has_suffix);
    reg!(m, "quote", [], ..Any, strings::quote);
    reg!(m, "squote", [], ..Any, strings::squote);
    reg!(m, "cat", [], ..Any, strings::cat);
    reg!(m, "indent", [Int, Str], strings::indent);
    reg!(m, "nindent", [Int, Str], strings::nindent);
    reg!(m, "replace", [Str, Str, Str], strings::replace);
    reg!(m, "plural", [Str, Str, Int], strings::plural);
    reg!(m, "sha1sum", [Str], crypto::sha1sum);
    reg!(m, "sha256sum", [Str], crypto::sha256sum);
    reg!(m, "sha512sum", [Str], crypto::sha512sum);
    reg!(m, "adler32sum", [Str], crypto::adler32sum);
    reg!(m, "toString", [Any], strings::to_string);

    // Conversions and integer slices.
    reg!(m, "atoi", [Str], math::atoi);
    reg!(m, "int64", [Any], math::int64);
    reg!(m, "int", [Any], math::int);
    reg!(m, "float64", [Any], math::float64);
    reg!(m, "seq", [], ..Int, math::seq);
    reg!(m, "toDecimal", [Any], math::to_decimal);
    reg!(m, "split", [Str, Str], strings::split);
    reg!(m, "splitList", [Str, Str], strings::split_list);
    reg!(m, "splitn", [Str, Int, Str], strings::splitn);
    reg!(m, "toStrings", [Any], strings::to_strings);
    reg!(m, "until", [Int], math::until);
    reg!(m, "untilStep", [Int, Int, Int], math::until_step);

    // Integer and float math.
    reg!(m, "add1", [Any], math::add1);
    reg!(m, "add", [], ..Any, math::add);
    reg!(m, "sub", [Any, Any], math::sub);
    reg!(m, "div", [Any, Any], math::div);
    reg!(m, "mod", [Any, Any], math::modulo);
    reg!(m, "mul", [Any], ..Any, math::mul);
    reg!(m, "randInt", [Int, Int], math::rand_int);
    reg!(m, "add1f", [Any], math::add1f);
    reg!(m, "addf", [], ..Any, math::addf);
    reg!(m, "subf", [Any], ..Any, math::subf);
    reg!(m, "divf", [Any], ..Any, math::divf);
    reg!(m, "mulf", [Any], ..Any, math::mulf);
    reg!(m, "biggest", [Any], ..Any, math::max);
    reg!(m, "max", [Any], ..Any, math::max);
    reg!(m, "min", [Any], ..Any, math::min);
    reg!(m, "maxf", [Any], ..Any, math::maxf);
    reg!(m, "minf", [Any], ..Any, math::minf);
    reg!(m, "ceil", [Any], math::ceil);
    reg!(m, "floor", [Any], math::floor);
    reg!(m, "round", [Any, Int], ..Float64, math::round);

    // String slices.
    reg!(m, "join", [Str, Any], strings::join);
    reg!(m, "sortAlpha", [Any], lists::sort_alpha);

    // Defaults.
    reg!(m, "default", [Any], ..Any, defaults::default);
    reg!(m, "empty", [Any], defaults::empty);
    reg!(m, "coalesce", [], ..Any, defaults::coalesce);
    reg!(m, "all", [], ..Any, defaults::all);
    reg!(m, "any", [], ..Any, defaults::any);
    reg!(m, "compact", [Any], lists::compact);
    reg!(m, "mustCompact", [Any], lists::must_compact);
    reg!(m, "fromJson", [Str], helm::from_json);
    reg!(m, "toJson", [Any], helm::to_json);
    reg!(m, "toPrettyJson", [Any], helm::to_pretty_json);
    reg!(m, "toRawJson", [Any], helm::to_raw_json);
    reg!(m, "mustFromJson", [Str], helm::must_from_json);
    reg!(m, "mustToJson", [Any], helm::must_to_json);
    reg!(m, "mustToPrettyJson", [Any], helm::must_to_pretty_json);
    reg!(m, "mustToRawJson", [Any], helm::must_to_raw_json);
    reg!(m, "ternary", [Any, Any, Bool], defaults::ternary);
    reg!(m, "deepCopy", [Any], defaults::deep_copy);
    reg!(m, "mustDeepCopy", [Any], defaults::must_deep_copy);

    // Reflection.
    reg!(m, "typeOf", [Any], reflect::type_of);
    reg!(m, "typeIs", [Str, Any], reflect::type_is);
    reg!(m, "typeIsLike", [Str, Any], reflect::type_is_like);
    reg!(m, "kindOf", [Any], reflect::kind_of);
    reg!(m, "kindIs", [Str, Any], reflect::kind_is);
    reg!(m, "deepEqual", [Any, Any], reflect::deep_equal);

    // Network: Helm replaces getHostByName with "" unless DNS is enabled.
    reg!(m, "getHostByName", [Str], helm::get_host_by_name);

    // Paths (slash-separated) and file paths (the OS's: Unix here).
    reg!(m, "base", [Str], paths::base);
    reg!(m, "dir", [Str], paths::dir);
    reg!(m, "clean", [Str], paths::clean);
    reg!(m, "ext", [Str], paths::ext);
    reg!(m, "isAbs", [Str], paths::is_abs);
    reg!(m, "osBase", [Str], paths::base);
    reg!(m, "osClean", [Str], paths::clean);
    reg!(m, "osDir", [Str], paths::dir);
    reg!(m, "osExt", [Str], paths::ext);
    reg!(m, "osIsAbs", [Str], paths::is_abs);

    // Encoding.
    reg!(m, "b64enc", [Str], encoding::b64enc);
    reg!(m, "b64dec", [Str], encoding::b64dec);
    reg!(m, "b32enc", [Str], encoding::b32enc);
    reg!(m, "b32dec", [Str], encoding::b32dec);

    // Data structures.
    reg!(m, "tuple", [], ..Any, lists::list);
    reg!(m, "list", [], ..Any, lists::list);
    reg!(m, "dict", [], ..Any, dicts::dict);
    reg!(m, "get", [Map, Str], dicts::get);
    reg!(m, "set", [Map, Str, Any], dicts::set);
    reg!(m, "unset", [Map, Str], dicts::unset);
    reg!(m, "hasKey", [Map, Str], dicts::has_key);
    reg!(m, "pluck", [Str], ..Map, dicts::pluck);
    reg!(m, "keys", [], ..Map, dicts::keys);
    reg!(m, "pick", [Map], ..Str, dicts::pick);
    reg!(m, "omit", [Map], ..Str, dicts::omit);
    reg!(m, "merge", [Map], ..Map, dicts::merge);
    reg!(m, "mergeOverwrite", [Map], ..Map, dicts::merge_overwrite);
    reg!(m, "mustMerge", [Map], ..Map, dicts::must_merge);
    reg!(m, "mustMergeOverwrite", [Map], ..Map, dicts::must_merge_overwrite);
    reg!(m, "values", [Map], dicts::values);
    reg!(m, "append", [Any, Any], lists::push);
    reg!(m, "push", [Any, Any], lists::push);
    reg!(m, "mustAppend", [Any, Any], lists::must_push);
    reg!(m, "mustPush", [Any, Any], lists::must_push);
    reg!(m, "prepend", [Any, Any], lists::prepend);
    reg!(m, "mustPrepend", [Any, Any], lists::must_prepend);
    reg!(m, "first", [Any], lists::first);
    reg!(m, "mustFirst", [Any], lists::must_first);
    reg!(m, "rest", [Any], lists::rest);
    reg!(m, "mustRest", [Any], lists::must_rest);
    reg!(m, "last", [Any], lists::last);
    reg!(m, "mustLast", [Any], lists::must_last);
    reg!(m, "initial", [Any], lists::initial);
    reg!(m, "mustInitial", [Any], lists::must_initial);
    reg!(m, "reverse", [Any], lists::reverse);
    reg!(m, "mustReverse", [Any], lists::must_reverse);
    reg!(m, "uniq", [Any], lists::uniq);
    reg!(m, "mustUniq", [Any], lists::must_uniq);
    reg!(m, "without", [Any], ..Any, lists::without);
    reg!(m, "mustWithout", [Any], ..Any, lists::must_without);
    reg!(m, "has", [Any, Any], lists::has);
    reg!(m, "mustHas", [Any, Any], lists::must_has);
    reg!(m, "slice", [Any], ..Any, lists::slice);
    reg!(m, "mustSlice", [Any], ..Any, lists::must_slice);
    reg!(m, "concat", [], ..Any, lists::concat);
    reg!(m, "dig", [], ..Any, dicts::dig);
    reg!(m, "chunk", [Int, Any], lists::chunk);
    reg!(m, "mustChunk", [Int, Any], lists::must_chunk);

    // Crypto.
    reg!(m, "bcrypt", [Str], crypto::bcrypt);
    reg!(m, "htpasswd", [Str, Str], crypto::htpasswd);
    reg!(m, "genPrivateKey", [Str], crypto::gen_private_key);
    reg!(m, "derivePassword", [Uint32, Str, Str, Str, Str], crypto::derive_password);
    reg!(m, "buildCustomCert", [Str, Str], crypto::build_custom_cert);
    reg!(m, "genCA", [Str, Int], crypto::gen_ca);
    reg!(m, "genCAWithKey", [Str, Int, Str], crypto::gen_ca_with_key);
    reg!(m, "genSelfSignedCert", [Str, List, List, Int], crypto::gen_self_signed_cert);
    reg!(m, "genSelfSignedCertWithKey", [Str, List, List, Int, Str], crypto::gen_self_signed_cert_with_key);
    reg!(m, "genSignedCert", [Str, List, List, Int, Cert], crypto::gen_signed_cert);
    reg!(m, "genSignedCertWithKey", [Str, List, List, Int, Cert, Str], crypto::gen_signed_cert_with_key);
    reg!(m, "encryptAES", [Str, Str], crypto::encrypt_aes);
    reg!(m, "decryptAES", [Str, Str], crypto::decrypt_aes);
    reg!(m, "randBytes", [Int], crypto::rand_bytes);

    // UUIDs and semantic versions.
    reg!(m, "uuidv4", [], crypto::uuidv4);
    reg!(m, "semver", [Str], semver::semver_fn);
    reg!(m, "semverCompare", [Str, Str], semver::semver_compare_fn);

    // Flow control: Helm's fail wraps the message for its error cleanup.
    reg!(m, "fail", [Str], helm::fail);

    // Regular expressions.
    reg!(m, "regexMatch", [Str, Str], regex::regex_match);
    reg!(m, "mustRegexMatch", [Str, Str], regex::must_regex_match);
    reg!(m, "regexFindAll", [Str, Str, Int], regex::regex_find_all);
    reg!(m, "mustRegexFindAll", [Str, Str, Int], regex::must_regex_find_all);
    reg!(m, "regexFind", [Str, Str], regex::regex_find);
    reg!(m, "mustRegexFind", [Str, Str], regex::must_regex_find);
    reg!(m, "regexReplaceAll", [Str, Str, Str], regex::regex_replace_all);
    reg!(m, "mustRegexReplaceAll", [Str, Str, Str], regex::must_regex_replace_all);
    reg!(m, "regexReplaceAllLiteral", [Str, Str, Str], regex::regex_replace_all_literal);
    reg!(m, "mustRegexReplaceAllLiteral", [Str, Str, Str], regex::must_regex_replace_all_literal);
    reg!(m, "regexSplit", [Str, Str, Int], regex::regex_split);
    reg!(m, "mustRegexSplit", [Str, Str, Int], regex::must_regex_split);
    reg!(m, "regexQuoteMeta", [Str], regex::regex_quote_meta);

    // URLs.
    reg!(m, "urlParse", [Str], url::url_parse);
    reg!(m, "urlJoin", [Map], url::url_join);

    // Helm: pkg/engine/funcs.go funcMap extras.
    reg!(m, "toToml", [Any], helm::to_toml);
    reg!(m, "mustToToml", [Any], helm::must_to_toml);
    reg!(m, "fromToml", [Str], helm::from_toml);
    reg!(m, "toYaml", [Any], helm::to_yaml);
    reg!(m, "mustToYaml", [Any], helm::must_to_yaml);
    reg!(m, "toYamlPretty", [Any], helm::to_yaml_pretty);
    reg!(m, "fromYaml", [Str], helm::from_yaml);
    reg!(m, "fromYamlArray", [Str], helm::from_yaml_array);
    reg!(m, "fromJsonArray", [Str], helm::from_json_array);
    reg!(m, "mustToDuration", [Any], helm::must_to_duration);
    reg!(m, "durationSeconds", [Any], helm::duration_seconds);
    reg!(m, "durationMilliseconds", [Any], helm::duration_milliseconds);
    reg!(m, "durationMicroseconds", [Any], helm::duration_microseconds);
    reg!(m, "durationNanoseconds", [Any], helm::duration_nanoseconds);
    reg!(m, "durationMinutes", [Any], helm::duration_minutes);
    reg!(m, "durationHours", [Any], helm::duration_hours);
    reg!(m, "durationDays", [Any], helm::duration_days);
    reg!(m, "durationWeeks", [Any], helm::duration_weeks);
    reg!(m, "durationRoundTo", [Any, Any], helm::duration_round_to);
    reg!(m, "durationTruncateTo", [Any, Any], helm::duration_truncate_to);
    // Helm's engine.go versions (not lint mode).
    reg!(m, "required", [Str, Any], helm::required);
    reg!(m, "lookup", [Str, Str, Str, Str], helm::lookup);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name in Sprig v3.3.0's genericMap (functions.go), less `env`
    /// and `expandenv`, which Helm deletes.
    const SPRIG_NAMES: &[&str] = &[
        "hello", "ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify",
        "duration", "durationRound", "htmlDate", "htmlDateInZone", "must_date_modify",
        "mustDateModify", "mustToDate", "now", "toDate", "unixEpoch", "abbrev", "abbrevboth",
        "trunc", "trim", "upper", "lower", "title", "untitle", "substr", "repeat", "trimall",
        "trimAll", "trimSuffix", "trimPrefix", "nospace", "initials", "randAlphaNum",
        "randAlpha", "randAscii", "randNumeric", "swapcase", "shuffle", "snakecase",
        "camelcase", "kebabcase", "wrap", "wrapWith", "contains", "hasPrefix", "hasSuffix",
        "quote", "squote", "cat", "indent", "nindent", "replace", "plural", "sha1sum",
        "sha256sum", "sha512sum", "adler32sum", "toString", "atoi", "int64", "int", "float64",
        "seq", "toDecimal", "split", "splitList", "splitn", "toStrings", "until", "untilStep",
        "add1", "add", "sub", "div", "mod", "mul", "randInt", "add1f", "addf", "subf", "divf",
        "mulf", "biggest", "max", "min", "maxf", "minf", "ceil", "floor", "round", "join",
        "sortAlpha", "default", "empty", "coalesce", "all", "any", "compact", "mustCompact",
        "fromJson", "toJson", "toPrettyJson", "toRawJson", "mustFromJson", "mustToJson",
        "mustToPrettyJson", "mustToRawJson", "ternary", "deepCopy", "mustDeepCopy", "typeOf",
        "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual", "getHostByName", "base",
        "dir", "clean", "ext", "isAbs", "osBase", "osClean", "osDir", "osExt", "osIsAbs",
        "b64enc", "b64dec", "b32enc", "b32dec", "tuple", "list", "dict", "get", "set", "unset",
        "hasKey", "pluck", "keys", "pick", "omit", "merge", "mergeOverwrite", "mustMerge",
        "mustMergeOverwrite", "values", "append", "push", "mustAppend", "mustPush", "prepend",
        "mustPrepend", "first", "mustFirst", "rest", "mustRest", "last", "mustLast", "initial",
        "mustInitial", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout",
        "has", "mustHas", "slice", "mustSlice", "concat", "dig", "chunk", "mustChunk", "bcrypt",
        "htpasswd", "genPrivateKey", "derivePassword", "buildCustomCert", "genCA",
        "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert",
        "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes", "uuidv4", "semver",
        "semverCompare", "fail", "regexMatch", "mustRegexMatch", "regexFindAll",
        "mustRegexFindAll", "regexFind", "mustRegexFind", "regexReplaceAll",
        "mustRegexReplaceAll", "regexReplaceAllLiteral", "mustRegexReplaceAllLiteral",
        "regexSplit", "mustRegexSplit", "regexQuoteMeta", "urlParse", "urlJoin",
    ];

    /// Helm's funcMap extras (pkg/engine/funcs.go) and engine.go overrides,
    /// less include/tpl which the engines provide.
    const HELM_NAMES: &[&str] = &[
        "toToml", "mustToToml", "fromToml", "toYaml", "mustToYaml", "toYamlPretty", "fromYaml",
        "fromYamlArray", "toJson", "mustToJson", "fromJson", "fromJsonArray", "mustToDuration",
        "durationSeconds", "durationMilliseconds", "durationMicroseconds",
        "durationNanoseconds", "durationMinutes", "durationHours", "durationDays",
        "durationWeeks", "durationRoundTo", "durationTruncateTo", "required", "lookup", "fail",
    ];

    #[test]
    fn every_sprig_and_helm_name_is_registered() {
        assert_eq!(SPRIG_NAMES.len(), 211 - 2, "genericMap has 211 names, less env/expandenv");
        for name in SPRIG_NAMES.iter().chain(HELM_NAMES) {
            assert!(lookup(name).is_some(), "{name} is not registered");
        }
        assert!(lookup("env").is_none());
        assert!(lookup("expandenv").is_none());
        assert!(lookup("include").is_none());
        assert_eq!(library().len(), entries().len());
    }

    #[test]
    fn argument_count_errors_match_text_template() {
        let upper = lookup("upper").unwrap();
        assert_eq!(
            upper(&[]),
            Err(FuncError::Arg("wrong number of args for upper: want 1 got 0".into()))
        );
        let mul = lookup("mul").unwrap();
        assert_eq!(
            mul(&[]),
            Err(FuncError::Arg("wrong number of args for mul: want at least 1 got 0".into()))
        );
    }

    #[test]
    fn argument_type_errors_match_text_template() {
        let upper = lookup("upper").unwrap();
        assert_eq!(
            upper(&[Value::Int(3)]),
            Err(FuncError::Arg("wrong type for value; expected string; got int".into()))
        );
        assert_eq!(
            upper(&[Value::Missing]),
            Err(FuncError::Arg("invalid value; expected string".into()))
        );
        let trunc = lookup("trunc").unwrap();
        assert_eq!(
            trunc(&[Value::Float(3.0), Value::str("abc")]),
            Err(FuncError::Arg("wrong type for value; expected int; got float64".into()))
        );
        assert_eq!(
            trunc(&[Value::Int64(3), Value::str("abc")]),
            Err(FuncError::Arg("wrong type for value; expected int; got int64".into()))
        );
        let has_key = lookup("hasKey").unwrap();
        assert_eq!(has_key(&[Value::Missing, Value::str("a")]), Ok(Value::Bool(false)));
        // An interface{} parameter turns a missing value into nil.
        let type_of = lookup("typeOf").unwrap();
        assert_eq!(type_of(&[Value::Missing]), Ok(Value::str("<nil>")));
    }
}

//! Go's builtin template functions (text/template/funcs.go): comparisons
//! with Go's basicKind rules, `index`, `slice`, `len`, `not`, the print
//! family and the html/js/urlquery escapers, with Go's error texts.
//! `and`/`or` short-circuit and `call` needs its argument's node, so the
//! executor handles those three itself.

use crate::engine::gofmt;
use crate::engine::value::Value;
use crate::engine::gofmt::strconv;

/// A builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    And,
    Call,
    Html,
    Index,
    Slice,
    Js,
    Len,
    Not,
    Or,
    Print,
    Printf,
    Println,
    Urlquery,
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
    Ne,
}

/// How Go passes one parameter to a builtin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `reflect.Value`: the value as evaluated (an invalid value stays invalid).
    Reflect,
    /// `interface{}` / `any`: an invalid value becomes a nil interface.
    Any,
    /// `string`.
    Str,
}

/// A builtin's Go signature: fixed parameters and the variadic element.
pub struct Signature {
    pub fixed: &'static [Param],
    pub variadic: Option<Param>,
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "call" => Builtin::Call,
            "html" => Builtin::Html,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "js" => Builtin::Js,
            "len" => Builtin::Len,
            "not" => Builtin::Not,
            "or" => Builtin::Or,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "urlquery" => Builtin::Urlquery,
            "eq" => Builtin::Eq,
            "ge" => Builtin::Ge,
            "gt" => Builtin::Gt,
            "le" => Builtin::Le,
            "lt" => Builtin::Lt,
            "ne" => Builtin::Ne,
            _ => return None,
        })
    }

    pub fn signature(self) -> Signature {
        use Param::*;
        let (fixed, variadic): (&'static [Param], Option<Param>) = match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Call
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Eq => (&[Reflect], Some(Reflect)),
            Builtin::Html | Builtin::Js | Builtin::Urlquery | Builtin::Print | Builtin::Println => {
                (&[], Some(Any))
            }
            Builtin::Printf => (&[Str], Some(Any)),
            Builtin::Len | Builtin::Not => (&[Reflect], None),
            Builtin::Ge | Builtin::Gt | Builtin::Le | Builtin::Lt | Builtin::Ne => {
                (&[Reflect, Reflect], None)
            }
        };
        Signature { fixed, variadic }
    }

    /// Call a builtin other than and/or/call with evaluated arguments.
    /// `Err` is the message Go prints after `error calling NAME: `.
    pub fn apply(self, args: &[Value]) -> Result<Value, String> {
        match self {
            Builtin::Len => length(&args[0]).map(Value::Int),
            Builtin::Not => Ok(Value::Bool(!truth(&args[0]))),
            Builtin::Index => index(&args[0], &args[1..]),
            Builtin::Slice => slice(&args[0], &args[1..]),
            Builtin::Eq => eq(&args[0], &args[1..]).map(Value::Bool),
            Builtin::Ne => eq(&args[0], &args[1..2]).map(|b| Value::Bool(!b)),
            Builtin::Lt => lt(&args[0], &args[1]).map(Value::Bool),
            Builtin::Le => le(&args[0], &args[1]).map(Value::Bool),
            Builtin::Gt => le(&args[0], &args[1]).map(|b| Value::Bool(!b)),
            Builtin::Ge => lt(&args[0], &args[1]).map(|b| Value::Bool(!b)),
            Builtin::Print => Ok(Value::string(sprint(args))),
            Builtin::Println => Ok(Value::string(sprintln(args))),
            Builtin::Printf => {
                let format = args[0].as_str().unwrap_or_default();
                Ok(Value::string(sprintf(format, &args[1..])))
            }
            Builtin::Html => Ok(Value::string(html_escape(&eval_args(args)))),
            Builtin::Js => Ok(Value::string(js_escape(&eval_args(args)))),
            Builtin::Urlquery => Ok(Value::string(query_escape(&eval_args(args)))),
            Builtin::And | Builtin::Or | Builtin::Call => {
                unreachable!("and, or and call are evaluated by the executor")
            }
        }
    }
}

/// Go: printf is fmt.Sprintf.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    gofmt::sprintf(format, args)
}

/// Go: indirectInterface: a nil interface is the invalid value.
fn deref(v: &Value) -> &Value {
    match v {
        Value::Nil => &Value::Missing,
        other => other,
    }
}

/// Go: truth (isTrue of the indirected value).
pub fn truth(v: &Value) -> bool {
    v.is_true()
}

/// The Go type of a value as reflect prints it after indirecting pointers
/// (`len of type chart.Metadata`, not `*chart.Metadata`).
fn elem_type_name(v: &Value) -> String {
    let t = v.type_name();
    match t.strip_prefix('*') {
        Some(s) => s.to_string(),
        None => t,
    }
}

/// Go: length.
fn length(item: &Value) -> Result<i64, String> {
    match &*item.as_collection() {
        Value::Nil => Err("len of nil pointer".into()),
        Value::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Value::String(s) => Ok(crate::engine::value::go_bytes(s).len() as i64),
        Value::Bytes(b) => Ok(b.len() as i64),
        Value::List(l) => Ok(l.len() as i64),
        Value::Map(m) => Ok(m.borrow().len() as i64),
        other => Err(format!("len of type {}", elem_type_name(other))),
    }
}

/// Go: indexArg.
fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match deref(index) {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Missing => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

/// Go: index: `index x 1 2 3` is `x[1][2][3]`.
pub fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    let mut item = deref(item).as_collection().into_owned();
    if let Value::Missing = item {
        return Err("index of untyped nil".into());
    }
    for index in indexes {
        let index = deref(index);
        item = match &*item.as_collection() {
            Value::Nil => return Err("index of nil pointer".into()),
            Value::List(l) => {
                let x = index_arg(index, l.len())?;
                l.get(x)
                    .cloned()
                    .ok_or("reflect: slice index out of range")?
            }
            Value::Bytes(b) => {
                let x = index_arg(index, b.len())?;
                Value::Int(*b.get(x).ok_or("reflect: slice index out of range")? as i64)
            }
            Value::String(s) => {
                let x = index_arg(index, s.len())?;
                Value::Int(
                    *s.as_bytes()
                        .get(x)
                        .ok_or("reflect: string index out of range")? as i64,
                )
            }
            Value::Map(m) => {
                let key = match index {
                    Value::Missing => return Err("value is nil; should be of type string".into()),
                    Value::String(k) => k.clone(),
                    other => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        ))
                    }
                };
                // A missing key gives the zero value of the element type: a nil interface.
                m.borrow().get(&*key).cloned().unwrap_or(Value::Nil)
            }
            other => {
                return Err(format!(
                    "can't index item of type {}",
                    elem_type_name(other)
                ))
            }
        };
    }
    Ok(item)
}

/// Go: slice: `slice x 1 2` is `x[1:2]`.
pub fn slice(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    let item = deref(item);
    if let Value::Missing = item {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0, len, 0];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (i, j) = (idx[0], idx[1]);
    Ok(match item {
        Value::String(s) => Value::string(crate::engine::value::byte_slice(s, i, j)),
        Value::List(l) => Value::list(l[i..j].to_vec()),
        Value::Bytes(b) => Value::Bytes(b[i..j].into()),
        _ => unreachable!("checked above"),
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BasicKind {
    Bool,
    Int,
    Float,
    String,
}

/// Go: basicKind; `None` is invalidKind (errBadComparisonType).
fn basic_kind(v: &Value) -> Option<BasicKind> {
    match v {
        Value::Bool(_) => Some(BasicKind::Bool),
        Value::Int(_) | Value::Int64(_) => Some(BasicKind::Int),
        Value::Float(_) => Some(BasicKind::Float),
        Value::String(_) => Some(BasicKind::String),
        _ => None,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

/// Go: eq: `eq a b c` is `a == b || a == c`.
pub fn eq(arg1: &Value, rest: &[Value]) -> Result<bool, String> {
    let a = deref(arg1);
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a);
    for arg in rest {
        let b = deref(arg);
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            if !matches!(a, Value::Missing) && !matches!(b, Value::Missing) {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    a.type_name(),
                    b.type_name()
                ));
            }
            false
        } else {
            match k1 {
                Some(BasicKind::Bool) => a.is_true() == b.is_true(),
                Some(BasicKind::Int) => int_of(a) == int_of(b),
                Some(BasicKind::Float) => float_of(a) == float_of(b),
                Some(BasicKind::String) => a.as_str() == b.as_str(),
                None => {
                    let (ka, kb) = (a.kind_name(), b.kind_name());
                    if ka != kb && ka != "invalid" && kb != "invalid" {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprintf("%s", std::slice::from_ref(a)),
                            a.type_name(),
                            b.type_name(),
                            gofmt::sprint_value(b)
                        ));
                    }
                    let (na, nb) = (a.is_nil(), b.is_nil());
                    if na || nb {
                        na == nb
                    } else {
                        match (a, b) {
                            (Value::Object(x), Value::Object(y)) => std::rc::Rc::ptr_eq(x, y),
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    sprintf("%s", std::slice::from_ref(b)),
                                    b.type_name()
                                ))
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go: lt.
pub fn lt(arg1: &Value, arg2: &Value) -> Result<bool, String> {
    const BAD: &str = "invalid type for comparison";
    let a = deref(arg1);
    let k1 = basic_kind(a).ok_or(BAD)?;
    let b = deref(arg2);
    let k2 = basic_kind(b).ok_or(BAD)?;
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        ));
    }
    Ok(match k1 {
        BasicKind::Bool => return Err(BAD.into()),
        BasicKind::Float => float_of(a) < float_of(b),
        BasicKind::Int => int_of(a) < int_of(b),
        BasicKind::String => a.as_str() < b.as_str(),
    })
}

/// Go: le is lt or eq.
pub fn le(arg1: &Value, arg2: &Value) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}

/// Go: fmt.Sprint: spaces between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    gofmt::sprint(args)
}

/// Go: fmt.Sprintln: spaces between all operands and a final newline.
pub fn sprintln(args: &[Value]) -> String {
    gofmt::sprintln(args)
}

/// Go: evalArgs for the escapers: one string as is, otherwise Sprint with
/// nil arguments shown as `<no value>`.
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let shown: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    sprint(&shown)
}

/// Go: HTMLEscapeString.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go: JSEscapeString.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if strconv::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go: url.QueryEscape.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(n: i64) -> Value {
        Value::Int(n)
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn comparisons_follow_go_basic_kinds() {
        assert_eq!(eq(&i(1), &[i(1)]), Ok(true));
        assert_eq!(eq(&i(1), &[Value::Int64(1)]), Ok(true));
        assert_eq!(eq(&s("a"), &[s("b"), s("a")]), Ok(true));
        assert_eq!(eq(&Value::Missing, &[Value::Nil]), Ok(true));
        assert_eq!(eq(&Value::Missing, &[s("x")]), Ok(false));
        assert_eq!(eq(&s("x"), &[Value::Nil]), Ok(false));
        assert_eq!(
            eq(&Value::Float(1.0), &[i(1)]),
            Err("incompatible types for comparison: float64 and int".into())
        );
        assert_eq!(
            eq(&i(1), &[]),
            Err("missing argument for comparison".into())
        );
        assert_eq!(
            eq(&Value::list(vec![i(1)]), &[Value::list(vec![i(1)])]),
            Err("non-comparable type [%!s(int=1)]: []interface {}".into())
        );
        assert_eq!(eq(&Value::empty_map(), &[Value::Missing]), Ok(false));
        assert_eq!(lt(&i(1), &i(2)), Ok(true));
        assert_eq!(lt(&s("a"), &s("b")), Ok(true));
        assert_eq!(
            lt(&Value::Bool(true), &Value::Bool(false)),
            Err("invalid type for comparison".into())
        );
        assert_eq!(
            lt(&Value::Missing, &i(1)),
            Err("invalid type for comparison".into())
        );
        assert_eq!(
            lt(&i(1), &Value::Float(2.0)),
            Err("incompatible types for comparison: int and float64".into())
        );
        assert_eq!(le(&i(2), &i(2)), Ok(true));
        assert_eq!(Builtin::Gt.apply(&[i(3), i(2)]).unwrap(), Value::Bool(true));
        assert_eq!(
            Builtin::Ge.apply(&[i(2), i(3)]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            Builtin::Ne.apply(&[s("a"), s("b")]).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn index_like_go() {
        let list = Value::list(vec![i(10), i(20)]);
        assert_eq!(index(&list, &[i(1)]), Ok(i(20)));
        assert_eq!(index(&list, &[i(5)]), Err("index out of range: 5".into()));
        assert_eq!(
            index(&list, &[i(2)]),
            Err("reflect: slice index out of range".into())
        );
        assert_eq!(index(&list, &[i(-1)]), Err("index out of range: -1".into()));
        assert_eq!(
            index(&list, &[Value::Nil]),
            Err("cannot index slice/array with nil".into())
        );
        assert_eq!(
            index(&list, &[s("a")]),
            Err("cannot index slice/array with type string".into())
        );
        assert_eq!(
            index(&Value::Nil, &[i(0)]),
            Err("index of untyped nil".into())
        );
        let mut m = crate::engine::value::Map::new();
        m.insert("a".into(), Value::list(vec![s("x")]));
        let m = Value::map(m);
        assert_eq!(index(&m, &[s("a"), i(0)]), Ok(s("x")));
        assert_eq!(index(&m, &[s("zz")]), Ok(Value::Nil));
        assert_eq!(
            index(&m, &[s("zz"), i(0)]),
            Err("index of nil pointer".into())
        );
        assert_eq!(
            index(&m, &[i(1)]),
            Err("value has type int; should be string".into())
        );
        assert_eq!(index(&s("abc"), &[i(1)]), Ok(i(98)));
        assert_eq!(
            index(&i(3), &[i(1)]),
            Err("can't index item of type int".into())
        );
        assert_eq!(index(&m, &[]), Ok(m.clone()));
    }

    #[test]
    fn slice_like_go() {
        let list = Value::list(vec![i(1), i(2), i(3)]);
        assert_eq!(slice(&list, &[i(1)]), Ok(Value::list(vec![i(2), i(3)])));
        assert_eq!(slice(&list, &[i(1), i(2)]), Ok(Value::list(vec![i(2)])));
        assert_eq!(slice(&s("hello"), &[i(1), i(3)]), Ok(s("el")));
        assert_eq!(
            slice(&s("hello"), &[i(1), i(3), i(4)]),
            Err("cannot 3-index slice a string".into())
        );
        assert_eq!(
            slice(&list, &[i(2), i(1)]),
            Err("invalid slice index: 2 > 1".into())
        );
        assert_eq!(slice(&Value::Nil, &[]), Err("slice of untyped nil".into()));
        assert_eq!(
            slice(&i(1), &[]),
            Err("can't slice item of type int".into())
        );
    }

    #[test]
    fn len_like_go() {
        assert_eq!(length(&s("héllo")), Ok(6));
        assert_eq!(length(&Value::list(vec![i(1)])), Ok(1));
        assert_eq!(length(&i(3)), Err("len of type int".into()));
        assert_eq!(length(&Value::Nil), Err("len of nil pointer".into()));
        assert_eq!(
            length(&Value::Missing),
            Err("reflect: call of reflect.Value.Type on zero Value".into())
        );
    }

    #[test]
    fn print_family() {
        assert_eq!(
            sprint(&[s("a"), i(1), i(2), s("b"), Value::Bool(true)]),
            "a1 2btrue"
        );
        assert_eq!(sprint(&[i(1), Value::Nil]), "1 <nil>");
        assert_eq!(sprintln(&[s("a"), s("b"), i(3)]), "a b 3\n");
        assert_eq!(eval_args(&[Value::Nil]), "<no value>");
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            js_escape("a'b\"c<d>e&f=g\\\n"),
            "a\\'b\\\"c\\u003Cd\\u003Ee\\u0026f\\u003Dg\\\\\\u000A"
        );
        assert_eq!(query_escape("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}

//! Execution tests for the template engine, with expectations taken from
//! Go's text/template tests (exec_test.go: execTests, cmpTests,
//! TestExecError, TestMissingMapKey, TestBlock, TestTree,
//! TestInterfaceValues) and Helm's engine tests (pkg/engine/engine_test.go).

use std::rc::Rc;

use super::*;
use crate::engine::funcs::FuncError;
use crate::engine::value::{Map, Object, Value};

fn s(x: &str) -> Value {
    Value::str(x)
}

fn i(n: i64) -> Value {
    Value::Int(n)
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn map(entries: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v.clone());
    }
    Value::map(m)
}

/// A struct with fields and methods, like Go's test type T.
struct TestObj;

impl Object for TestObj {
    fn type_name(&self) -> &str {
        "*template.T"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "X" => Some(s("x")),
            "I" => Some(i(17)),
            "True" => Some(Value::Bool(true)),
            "U" => Some(map(&[("V", s("v"))])),
            "Method0" => Some(s("M0")),
            _ => None,
        }
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "Method1" | "Method2" | "MyError")
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        Some(match (name, args) {
            ("Method1", [a]) => Ok(a.clone()),
            ("Method2", [a, b]) => Ok(Value::string(format!(
                "Method2: {} {}",
                crate::engine::gofmt::sprint_value(a),
                crate::engine::gofmt::sprint_value(b)
            ))),
            ("MyError", [Value::Bool(true)]) => Err("my error".into()),
            ("MyError", [Value::Bool(false)]) => Ok(Value::Bool(false)),
            (n, a) => Err(format!("wrong number of args for {n}: got {}", a.len())),
        })
    }
}

/// Go's tVal, as template data.
fn tval() -> Value {
    map(&[
        ("True", Value::Bool(true)),
        ("I", i(17)),
        ("X", s("x")),
        ("FloatZero", Value::Float(0.0)),
        ("U", map(&[("V", s("v"))])),
        ("SI", list(vec![i(3), i(4), i(5)])),
        ("SIEmpty", list(vec![])),
        ("SB", list(vec![Value::Bool(true), Value::Bool(false)])),
        ("MSI", map(&[("one", i(1)), ("two", i(2)), ("three", i(3))])),
        ("MSIone", map(&[("one", i(1))])),
        ("MSIEmpty", map(&[])),
        ("MXI", map(&[("one", i(1))])),
        (
            "SMSI",
            list(vec![
                map(&[("one", i(1)), ("two", i(2))]),
                map(&[("eleven", i(11)), ("twelve", i(12))]),
            ]),
        ),
        ("Empty0", Value::Nil),
        ("Empty1", i(3)),
        ("Empty2", s("empty2")),
        ("Empty3", list(vec![i(7), i(8)])),
        ("Empty4", map(&[("V", s("UinEmpty"))])),
        ("T", Value::Object(Rc::new(TestObj))),
    ])
}

fn custom(f: fn(&[Value]) -> FuncResult) -> CustomFunc {
    Rc::new(f)
}

/// A set with Go's test functions (exec_test.go testExecute).
fn go_set(missing: MissingKey) -> Templates {
    let mut t = Templates::new();
    t.set_missing_key(missing);
    t.add_func(
        "add",
        custom(|a| {
            Ok(Value::Int(
                a.iter()
                    .map(|x| if let Value::Int(n) = x { *n } else { 0 })
                    .sum(),
            ))
        }),
    );
    t.add_func("echo", custom(|a| Ok(a[0].clone())));
    t.add_func("typeOf", custom(|a| Ok(Value::string(a[0].type_name()))));
    t.add_func("zeroArgs", custom(|_| Ok(s("zeroArgs"))));
    t.add_func(
        "oneArg",
        custom(|a| match a {
            [Value::String(x)] => Ok(Value::string(format!("oneArg={x}"))),
            [Value::Missing] => Err(FuncError::Arg("invalid value; expected string".into())),
            [other] => Err(FuncError::Arg(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            ))),
            _ => Err(FuncError::Arg(format!(
                "wrong number of args for oneArg: want 1 got {}",
                a.len()
            ))),
        }),
    );
    t.add_func(
        "twoArgs",
        custom(|a| match a {
            [Value::String(x), Value::String(y)] => Ok(Value::string(format!("twoArgs={x}{y}"))),
            _ => Err(FuncError::Arg(
                "wrong type for value; expected string; got bool".into(),
            )),
        }),
    );
    t.add_func(
        "makemap",
        custom(|a| {
            let mut m = Map::new();
            for pair in a.chunks(2) {
                m.insert(pair[0].as_str().unwrap_or_default().into(), pair[1].clone());
            }
            Ok(Value::map(m))
        }),
    );
    t.add_func("mapOfThree", custom(|_| Ok(map(&[("three", i(3))]))));
    t.add_func(
        "fail",
        custom(|a| Err(FuncError::Call(a[0].as_str().unwrap_or_default().into()))),
    );
    t
}

fn run_with(set: &mut Templates, text: &str, data: &Value) -> Result<String, String> {
    set.parse("test", text).map_err(|e| e.to_string())?;
    set.execute("test", data).map_err(|e| e.to_string())
}

/// Go's default options (missingkey=invalid).
fn go(text: &str, data: &Value) -> Result<String, String> {
    run_with(&mut go_set(MissingKey::Invalid), text, data)
}

/// Helm's options (missingkey=zero).
fn helm(text: &str, data: &Value) -> Result<String, String> {
    run_with(&mut go_set(MissingKey::Zero), text, data)
}

// Go: execTests (the cases our value model can express).
#[test]
fn exec_tests_from_go() {
    let t = tval();
    let ok: &[(&str, &str, &str, Value)] = &[
        ("empty", "", "", Value::Nil),
        ("text", "some text", "some text", Value::Nil),
        ("ideal int", "{{typeOf 3}}", "int", i(0)),
        ("ideal float", "{{typeOf 1.0}}", "float64", i(0)),
        ("ideal exp float", "{{typeOf 1e1}}", "float64", i(0)),
        (
            "ideal int max",
            "{{typeOf 0x7fffffffffffffff}}",
            "int",
            i(0),
        ),
        (".X", "-{{.X}}-", "-x-", t.clone()),
        (".U.V", "-{{.U.V}}-", "-v-", t.clone()),
        ("map .one", "{{.MSI.one}}", "1", t.clone()),
        ("map .two", "{{.MSI.two}}", "2", t.clone()),
        ("map .NO", "{{.MSI.NO}}", "<no value>", t.clone()),
        ("map .one interface", "{{.MXI.one}}", "1", t.clone()),
        ("dot int", "<{{.}}>", "<13>", i(13)),
        ("dot float", "<{{.}}>", "<15.1>", Value::Float(15.1)),
        ("dot bool", "<{{.}}>", "<true>", Value::Bool(true)),
        ("dot string", "<{{.}}>", "<hello>", s("hello")),
        (
            "dot slice",
            "<{{.}}>",
            "<[-1 -2 -3]>",
            list(vec![i(-1), i(-2), i(-3)]),
        ),
        (
            "dot map",
            "<{{.}}>",
            "<map[two:22]>",
            map(&[("two", i(22))]),
        ),
        ("$ int", "{{$}}", "123", i(123)),
        ("$.I", "{{$.I}}", "17", t.clone()),
        ("$.U.V", "{{$.U.V}}", "v", t.clone()),
        ("declare in action", "{{$x := $.U.V}}{{$x}}", "v", t.clone()),
        ("empty nil", "{{.Empty0}}", "<no value>", t.clone()),
        ("empty with int", "{{.Empty1}}", "3", t.clone()),
        ("empty with string", "{{.Empty2}}", "empty2", t.clone()),
        ("empty with slice", "{{.Empty3}}", "[7 8]", t.clone()),
        (
            "empty with struct",
            "{{.Empty4}}",
            "map[V:UinEmpty]",
            t.clone(),
        ),
        (
            "empty with struct, field",
            "{{.Empty4.V}}",
            "UinEmpty",
            t.clone(),
        ),
        (".Method0", "-{{.T.Method0}}-", "-M0-", t.clone()),
        (
            ".Method1(1234)",
            "-{{.T.Method1 1234}}-",
            "-1234-",
            t.clone(),
        ),
        (".Method1(.I)", "-{{.T.Method1 .I}}-", "-17-", t.clone()),
        (
            ".Method2(3, .X)",
            "-{{.T.Method2 3 .X}}-",
            "-Method2: 3 x-",
            t.clone(),
        ),
        (
            "method on var",
            "{{if $x := .T}}-{{$x.Method2 $x.I $x.X}}{{end}}-",
            "-Method2: 17 x-",
            t.clone(),
        ),
        (
            "pipeline",
            "-{{.T.Method0 | .T.Method2 .I}}-",
            "-Method2: 17 M0-",
            t.clone(),
        ),
        (
            "parens in pipeline",
            "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}",
            "1 5 15",
            t.clone(),
        ),
        ("parens: $ in paren", "{{($).X}}", "x", t.clone()),
        (
            "parens: $ in paren in pipe",
            "{{($ | echo).X}}",
            "x",
            t.clone(),
        ),
        (
            "parens: spaces and args",
            r#"{{(makemap "up" "down" "left" "right").left}}"#,
            "right",
            t.clone(),
        ),
        ("if true", "{{if true}}TRUE{{end}}", "TRUE", t.clone()),
        (
            "if false",
            "{{if false}}TRUE{{else}}FALSE{{end}}",
            "FALSE",
            t.clone(),
        ),
        (
            "if 1",
            "{{if 1}}NON-ZERO{{else}}ZERO{{end}}",
            "NON-ZERO",
            t.clone(),
        ),
        (
            "if 0",
            "{{if 0}}NON-ZERO{{else}}ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "if 1.5",
            "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}",
            "NON-ZERO",
            t.clone(),
        ),
        (
            "if 0.0",
            "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "if emptystring",
            "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "if string",
            "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}",
            "NON-EMPTY",
            t.clone(),
        ),
        (
            "if emptyslice",
            "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "if slice",
            "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}",
            "NON-EMPTY",
            t.clone(),
        ),
        (
            "if emptymap",
            "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "if map",
            "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}",
            "NON-EMPTY",
            t.clone(),
        ),
        (
            "if map unset",
            "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "if map not unset",
            "{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "if $x with $y int",
            "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}",
            "true,17",
            t.clone(),
        ),
        (
            "if $x with $x int",
            "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}",
            "17,true",
            t.clone(),
        ),
        (
            "if else if",
            "{{if false}}FALSE{{else if true}}TRUE{{end}}",
            "TRUE",
            t.clone(),
        ),
        (
            "if else chain",
            "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}",
            "3",
            t.clone(),
        ),
        (
            "print",
            r#"{{print "hello, print"}}"#,
            "hello, print",
            t.clone(),
        ),
        ("print 123", "{{print 1 2 3}}", "1 2 3", t.clone()),
        ("print nil", "{{print nil}}", "<nil>", t.clone()),
        ("println", "{{println 1 2 3}}", "1 2 3\n", t.clone()),
        (
            "printf string",
            r#"{{printf "%s" "hello"}}"#,
            "hello",
            t.clone(),
        ),
        ("printf field", r#"{{printf "%s" .U.V}}"#, "v", t.clone()),
        (
            "printf method",
            r#"{{printf "%s" .T.Method0}}"#,
            "M0",
            t.clone(),
        ),
        (
            "printf dot",
            r#"{{with .I}}{{printf "%d" .}}{{end}}"#,
            "17",
            t.clone(),
        ),
        (
            "printf var",
            r#"{{with $x := .I}}{{printf "%d" $x}}{{end}}"#,
            "17",
            t.clone(),
        ),
        (
            "html",
            r#"{{html "<script>alert(\"XSS\");</script>"}}"#,
            "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
            Value::Nil,
        ),
        (
            "html pipeline",
            r#"{{printf "<script>alert(\"XSS\");</script>" | html}}"#,
            "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;",
            Value::Nil,
        ),
        ("js", "{{js .}}", r"It\'d be nice.", s("It'd be nice.")),
        (
            "urlquery",
            r#"{{"http://www.example.org/"|urlquery}}"#,
            "http%3A%2F%2Fwww.example.org%2F",
            Value::Nil,
        ),
        (
            "not",
            "{{not true}} {{not false}}",
            "false true",
            Value::Nil,
        ),
        (
            "and",
            "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}",
            "false 0 0 1",
            Value::Nil,
        ),
        (
            "or",
            "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}",
            "0 1 true 1",
            Value::Nil,
        ),
        (
            "boolean if",
            "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}",
            "TRUE",
            t.clone(),
        ),
        (
            "boolean if not",
            "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}",
            "FALSE",
            Value::Nil,
        ),
        ("slice[0]", "{{index .SI 0}}", "3", t.clone()),
        ("slice[1]", "{{index .SI 1}}", "4", t.clone()),
        ("map[one]", "{{index .MSI `one`}}", "1", t.clone()),
        ("map[two]", "{{index .MSI `two`}}", "2", t.clone()),
        ("map[NO]", "{{index .MSI `XXX`}}", "<no value>", t.clone()),
        ("map[``]", "{{index .MSI ``}}", "<no value>", t.clone()),
        (
            "double index",
            "{{index .SMSI 1 `eleven`}}",
            "11",
            t.clone(),
        ),
        ("slice", "{{len .SI}}", "3", t.clone()),
        ("map", "{{len .MSI }}", "3", t.clone()),
        ("with true", "{{with true}}{{.}}{{end}}", "true", t.clone()),
        (
            "with false",
            "{{with false}}{{.}}{{else}}FALSE{{end}}",
            "FALSE",
            t.clone(),
        ),
        (
            "with 1",
            "{{with 1}}{{.}}{{else}}ZERO{{end}}",
            "1",
            t.clone(),
        ),
        (
            "with 0",
            "{{with 0}}{{.}}{{else}}ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "with 1.5",
            "{{with 1.5}}{{.}}{{else}}ZERO{{end}}",
            "1.5",
            t.clone(),
        ),
        (
            "with 0.0",
            "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}",
            "ZERO",
            t.clone(),
        ),
        (
            "with emptystring",
            "{{with ``}}{{.}}{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "with string",
            "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}",
            "notempty",
            t.clone(),
        ),
        (
            "with emptyslice",
            "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "with slice",
            "{{with .SI}}{{.}}{{else}}EMPTY{{end}}",
            "[3 4 5]",
            t.clone(),
        ),
        (
            "with emptymap",
            "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "with map",
            "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}",
            "map[one:1]",
            t.clone(),
        ),
        (
            "with empty interface, struct field",
            "{{with .Empty4}}{{.V}}{{end}}",
            "UinEmpty",
            t.clone(),
        ),
        (
            "with $x int",
            "{{with $x := .I}}{{$x}}{{end}}",
            "17",
            t.clone(),
        ),
        (
            "with $x struct.U.V",
            "{{with $x := $}}{{$x.U.V}}{{end}}",
            "v",
            t.clone(),
        ),
        (
            "with variable and action",
            "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}",
            "v",
            t.clone(),
        ),
        (
            "with else with",
            "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}",
            "true",
            t.clone(),
        ),
        (
            "range []int",
            "{{range .SI}}-{{.}}-{{end}}",
            "-3--4--5-",
            t.clone(),
        ),
        (
            "range empty no else",
            "{{range .SIEmpty}}-{{.}}-{{end}}",
            "",
            t.clone(),
        ),
        (
            "range []int else",
            "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}",
            "-3--4--5-",
            t.clone(),
        ),
        (
            "range empty else",
            "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "range []bool",
            "{{range .SB}}-{{.}}-{{end}}",
            "-true--false-",
            t.clone(),
        ),
        (
            "range map",
            "{{range .MSI}}-{{.}}-{{end}}",
            "-1--3--2-",
            t.clone(),
        ),
        (
            "range empty map no else",
            "{{range .MSIEmpty}}-{{.}}-{{end}}",
            "",
            t.clone(),
        ),
        (
            "range map else",
            "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}",
            "-1--3--2-",
            t.clone(),
        ),
        (
            "range empty map else",
            "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}",
            "EMPTY",
            t.clone(),
        ),
        (
            "range empty interface",
            "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}",
            "-7--8-",
            t.clone(),
        ),
        (
            "range empty nil",
            "{{range .Empty0}}-{{.}}-{{end}}",
            "",
            t.clone(),
        ),
        (
            "range $x SI",
            "{{range $x := .SI}}<{{$x}}>{{end}}",
            "<3><4><5>",
            t.clone(),
        ),
        (
            "range $x $y SI",
            "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}",
            "<0=3><1=4><2=5>",
            t.clone(),
        ),
        (
            "range $x MSIone",
            "{{range $x := .MSIone}}<{{$x}}>{{end}}",
            "<1>",
            t.clone(),
        ),
        (
            "range $x $y MSIone",
            "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}",
            "<one=1>",
            t.clone(),
        ),
        (
            "declare in range",
            "{{range $x := .SI}}<{{$foo:=$x}}{{$x}}>{{end}}",
            "<3><4><5>",
            t.clone(),
        ),
        ("range int", "{{range 3}}{{.}}{{end}}", "012", t.clone()),
        (
            "range $x int",
            "{{range $x := 3}}{{$x}}{{end}}",
            "012",
            t.clone(),
        ),
        (
            "range 0 else",
            "{{range 0}}x{{else}}none{{end}}",
            "none",
            t.clone(),
        ),
        (
            "range break",
            "{{range .SI}}{{if eq . 4}}{{break}}{{end}}<{{.}}>{{end}}",
            "<3>",
            t.clone(),
        ),
        (
            "range continue",
            "{{range .SI}}{{if eq . 4}}{{continue}}{{end}}<{{.}}>{{end}}",
            "<3><5>",
            t.clone(),
        ),
        (
            "range assign",
            "{{$i := 0}}{{$e := 0}}{{range $i, $e = .SI}}{{end}}{{$i}}:{{$e}}",
            "2:5",
            t.clone(),
        ),
        (
            "range assign one",
            "{{$e := 0}}{{range $e = .SI}}{{end}}{{$e}}",
            "5",
            t.clone(),
        ),
        (
            "or as if true",
            r#"{{or .SI "slice is empty"}}"#,
            "[3 4 5]",
            t.clone(),
        ),
        (
            "or as if false",
            r#"{{or .SIEmpty "slice is empty"}}"#,
            "slice is empty",
            t.clone(),
        ),
        (
            "error method, no error",
            "{{.T.MyError false}}",
            "false",
            t.clone(),
        ),
        (
            "bug0",
            "{{range .MSIone}}{{if $.T.Method1 .}}X{{end}}{{end}}",
            "X",
            t.clone(),
        ),
        ("bug3", "{{with $}}{{.T.Method0}}{{end}}", "M0", t.clone()),
        (
            "bug4",
            "{{if .Empty0}}non-nil{{else}}nil{{end}}",
            "nil",
            t.clone(),
        ),
        (
            "bug9",
            "{{.cause}}",
            "neglect",
            map(&[("cause", s("neglect"))]),
        ),
        (
            "bug10",
            "{{mapOfThree.three}}-{{(mapOfThree).three}}",
            "3-3",
            i(0),
        ),
        ("bug12xe", "{{typeOf 0xef}}", "int", i(0)),
        ("bug12XE", "{{typeOf 0XEE}}", "int", i(0)),
        (
            "bug16g",
            r#"{{"aaa" |twoArgs "bbb"}}"#,
            "twoArgs=bbbaaa",
            t.clone(),
        ),
        ("bug16i", r#"{{"aaa"|oneArg}}"#, "oneArg=aaa", t.clone()),
        ("bug16k", r#"{{"aaa"|printf }}"#, "aaa", t.clone()),
        (
            "printf function",
            r#"{{printf "%s" zeroArgs}}"#,
            "zeroArgs",
            t.clone(),
        ),
        (
            "char constant",
            "{{'a'}} {{typeOf 'a'}}",
            "97 int",
            t.clone(),
        ),
        (
            "number forms",
            "{{0x10}} {{0o17}} {{0b101}} {{1_000}} {{1e3}} {{.5}}",
            "16 15 5 1000 1000 0.5",
            t.clone(),
        ),
        ("comment", "a{{/* comment */}}b", "ab", t.clone()),
        (
            "trim",
            "a  {{- 1 -}}  b {{- /* x */ -}}\n c",
            "a1bc",
            t.clone(),
        ),
    ];
    for (name, input, want, data) in ok {
        match go(input, data) {
            Ok(got) => assert_eq!(&got, want, "{name}: {input}"),
            Err(e) => panic!("{name}: {input}: unexpected error {e}"),
        }
    }
    let bad: &[(&str, &str, Value)] = &[
        ("nil action", "{{nil}}", Value::Nil),
        ("ideal too big", "{{typeOf 0x8000000000000000}}", i(0)),
        ("map .WRONG args", "{{.MSI.one 1}}", t.clone()),
        ("if nil", "{{if nil}}TRUE{{end}}", t.clone()),
        ("slice[HUGE]", "{{index .SI 10}}", t.clone()),
        ("slice[WRONG]", "{{index .SI `hello`}}", t.clone()),
        ("slice[nil]", "{{index .SI nil}}", t.clone()),
        ("map[nil]", "{{index .MSI nil}}", t.clone()),
        ("map[WRONG]", "{{index .MSI 10}}", t.clone()),
        ("nil[1]", "{{index nil 1}}", t.clone()),
        ("len of int", "{{len 3}}", t.clone()),
        ("len of nothing", "{{len .Empty0}}", t.clone()),
        ("error method, error", "{{.T.MyError true}}", t.clone()),
        ("bug7a", "{{3 2}}", t.clone()),
        ("bug7b", "{{$x := 1}}{{$x 2}}", t.clone()),
        ("bug7c", "{{$x := 1}}{{3 | $x}}", t.clone()),
        ("bug8a", "{{3|oneArg}}", t.clone()),
        ("bug14a", "{{(nil).True}}", t.clone()),
        ("bug14b", "{{$x := nil}}{{$x.anything}}", t.clone()),
        (
            "bug14c",
            r#"{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}"#,
            t.clone(),
        ),
        ("bug16a", "{{true|printf}}", t.clone()),
        ("bug16b", "{{1|printf}}", t.clone()),
        ("bug16c", "{{1.1|printf}}", t.clone()),
        ("bug16d", "{{'x'|printf}}", t.clone()),
        ("bug16f", r#"{{true|twoArgs "xxx"}}"#, t.clone()),
        ("bug16h", "{{1|oneArg}}", t.clone()),
        ("call nil", "{{call nil}}", t.clone()),
        ("range float", "{{range 1.5}}{{end}}", t.clone()),
        (
            "range two vars over int",
            "{{range $i, $e := 3}}{{end}}",
            t.clone(),
        ),
        ("complex constant", "{{1i}}", t.clone()),
    ];
    for (name, input, data) in bad {
        assert!(
            go(input, data).is_err(),
            "{name}: {input}: expected an error"
        );
    }
}

// Go: cmpTests (the signed-integer, float, string and bool rows).
#[test]
fn comparisons_from_go() {
    let data = map(&[
        ("Three", i(3)),
        ("Four", i(4)),
        ("NegOne", i(-1)),
        ("Int64Three", Value::Int64(3)),
    ]);
    let cases: &[(&str, &str)] = &[
        ("eq true true", "true"),
        ("eq true false", "false"),
        ("eq 1.5 1.5", "true"),
        ("eq 1.5 2.5", "false"),
        ("eq 1 1", "true"),
        ("eq 1 2", "false"),
        ("eq `xy` `xy`", "true"),
        ("eq `xy` `xyz`", "false"),
        ("eq .Three .Three", "true"),
        ("eq .Three .Four", "false"),
        ("eq 3 4 5 6 3", "true"),
        ("eq 3 4 5 6 7", "false"),
        ("ne true true", "false"),
        ("ne true false", "true"),
        ("ne 1.5 1.5", "false"),
        ("ne 1 2", "true"),
        ("ne `xy` `xyz`", "true"),
        ("lt 1.5 1.5", "false"),
        ("lt 1.5 2.5", "true"),
        ("lt 1 1", "false"),
        ("lt 1 2", "true"),
        ("lt `xy` `xy`", "false"),
        ("lt `xy` `xyz`", "true"),
        ("le 1.5 1.5", "true"),
        ("le 2.5 1.5", "false"),
        ("le 1 2", "true"),
        ("le 2 1", "false"),
        ("le `xyz` `xy`", "false"),
        ("gt 1.5 1.5", "false"),
        ("gt 2 1", "true"),
        ("gt `xy` `xyz`", "false"),
        ("ge 1.5 2.5", "false"),
        ("ge 2.5 1.5", "true"),
        ("ge 1 1", "true"),
        ("ge `xyz` `xy`", "true"),
        ("lt .NegOne .Three", "true"),
        ("eq .Three .Int64Three", "true"),
        ("eq (index `x` 0) 'x'", "true"),
        ("eq (index `x` 0) 'y'", "false"),
    ];
    for (expr, want) in cases {
        let text = format!("{{{{if {expr}}}}}true{{{{else}}}}false{{{{end}}}}");
        assert_eq!(go(&text, &data).as_deref(), Ok(*want), "{expr}");
    }
    for expr in ["eq `xy` 1", "eq 2 2.0", "lt true true"] {
        let text = format!("{{{{if {expr}}}}}true{{{{else}}}}false{{{{end}}}}");
        assert!(go(&text, &data).is_err(), "{expr} should fail");
    }
}

// Go: TestInterfaceValues.
#[test]
fn interface_values_from_go() {
    let data = map(&[
        ("Slice", list(vec![i(0), i(1), i(2), i(3)])),
        ("One", i(1)),
        ("Two", i(2)),
        ("Nil", Value::Nil),
        ("Zero", i(0)),
    ]);
    let cases: &[(&str, &str)] = &[
        ("{{index .Nil 1}}", "ERROR: index of untyped nil"),
        ("{{index .Slice 2}}", "2"),
        ("{{index .Slice .Two}}", "2"),
        ("{{call .Nil 1}}", "ERROR: call of nil"),
        ("{{and (index .Slice 0) true}}", "0"),
        ("{{and .Zero true}}", "0"),
        ("{{and (index .Slice 1) false}}", "false"),
        ("{{and .One false}}", "false"),
        ("{{or (index .Slice 0) false}}", "false"),
        ("{{or .Zero false}}", "false"),
        ("{{or (index .Slice 1) true}}", "1"),
        ("{{or .One true}}", "1"),
        ("{{not (index .Slice 0)}}", "true"),
        ("{{not .Zero}}", "true"),
        ("{{not (index .Slice 1)}}", "false"),
        ("{{not .One}}", "false"),
        ("{{eq (index .Slice 0) .Zero}}", "true"),
        ("{{eq (index .Slice 1) .One}}", "true"),
        ("{{ne (index .Slice 0) .Zero}}", "false"),
        ("{{ne (index .Slice 1) .One}}", "false"),
        ("{{ge (index .Slice 0) .One}}", "false"),
        ("{{ge (index .Slice 1) .Zero}}", "true"),
        ("{{gt (index .Slice 0) .One}}", "false"),
        ("{{gt (index .Slice 1) .Zero}}", "true"),
        ("{{le (index .Slice 0) .One}}", "true"),
        ("{{le (index .Slice 1) .Zero}}", "false"),
        ("{{lt (index .Slice 0) .One}}", "true"),
        ("{{lt (index .Slice 1) .Zero}}", "false"),
    ];
    for (text, want) in cases {
        let got = go(text, &data);
        if let Some(e) = want.strip_prefix("ERROR: ") {
            let err = got.expect_err(text);
            assert!(err.contains(e), "{text}: {err}");
        } else {
            assert_eq!(got.as_deref(), Ok(*want), "{text}");
        }
    }
}

// Go: TestExecError: a nested template error carries all the location info.
#[test]
fn nested_template_error_text() {
    let text = "line 1\nline 2\nline 3\n{{template \"one\" .}}\n{{define \"one\"}}{{template \"two\" .}}{{end}}\n{{define \"two\"}}{{template \"three\" .}}{{end}}\n{{define \"three\"}}{{index \"hi\" $}}{{end}}";
    let mut set = Templates::new();
    set.parse("top", text).unwrap();
    let err = set.execute("top", &i(5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: top:7:20: executing \"three\" at <index \"hi\" $>: error calling index: index out of range: 5"
    );
    assert_eq!(err.kind(), ErrorKind::Exec);
    assert_eq!(err.location(), "top:7:20");
    assert_eq!(err.node(), Some("index \"hi\" $"));
    assert_eq!(err.function(), Some("index"));
    assert_eq!(err.message(), "index out of range: 5");
}

// Go: TestMissingMapKey.
#[test]
fn missing_key_options() {
    let data = map(&[("x", i(99))]);
    assert_eq!(go("{{.x}} {{.y}}", &data).as_deref(), Ok("99 <no value>"));
    // missingkey=zero on map[string]interface{} gives a nil interface,
    // which a pipeline turns back into the invalid value.
    assert_eq!(helm("{{.x}} {{.y}}", &data).as_deref(), Ok("99 <no value>"));
    let mut strict = go_set(MissingKey::Error);
    let err = run_with(&mut strict, "{{.x}} {{.y}}", &data).unwrap_err();
    assert_eq!(
        err,
        "template: test:1:9: executing \"test\" at <.y>: map has no entry for key \"y\""
    );
    let err = run_with(&mut strict, "{{.x}}", &Value::Nil).unwrap_err();
    assert_eq!(
        err,
        "template: test:1:2: executing \"test\" at <.x>: nil data; no entry for key \"x\""
    );
}

// Go: TestBlock and TestTree (recursive templates with with/template).
#[test]
fn blocks_and_recursive_templates() {
    let mut set = Templates::new();
    set.parse("outer", "a({{block \"inner\" .}}bar({{.}})baz{{end}})b")
        .unwrap();
    assert_eq!(
        set.execute("outer", &s("hello")).unwrap(),
        "a(bar(hello)baz)b"
    );
    let mut overlay = set.clone();
    overlay
        .parse("overlay", "{{define \"inner\"}}foo({{.}})bar{{end}}")
        .unwrap();
    assert_eq!(
        overlay.execute("outer", &s("goodbye")).unwrap(),
        "a(foo(goodbye)bar)b"
    );
    assert_eq!(
        set.execute("outer", &s("hello")).unwrap(),
        "a(bar(hello)baz)b"
    );

    let tree_tmpl = "\n\t{{- define \"tree\" -}}\n\t[\n\t\t{{- .Val -}}\n\t\t{{- with .Left -}}\n\t\t\t{{template \"tree\" . -}}\n\t\t{{- end -}}\n\t\t{{- with .Right -}}\n\t\t\t{{- template \"tree\" . -}}\n\t\t{{- end -}}\n\t]\n\t{{- end -}}\n";
    fn node(val: i64, left: Option<Value>, right: Option<Value>) -> Value {
        let mut m = Map::new();
        m.insert("Val".into(), Value::Int(val));
        if let Some(l) = left {
            m.insert("Left".into(), l);
        }
        if let Some(r) = right {
            m.insert("Right".into(), r);
        }
        Value::map(m)
    }
    let tree = node(
        1,
        Some(node(
            2,
            Some(node(3, Some(node(4, None, None)), None)),
            Some(node(5, Some(node(6, None, None)), None)),
        )),
        Some(node(
            7,
            Some(node(8, Some(node(9, None, None)), None)),
            Some(node(10, Some(node(11, None, None)), None)),
        )),
    );
    let mut set = Templates::new();
    set.parse("root", tree_tmpl).unwrap();
    assert_eq!(
        set.execute("tree", &tree).unwrap(),
        "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]"
    );
}

// Go: TestMaxExecDepth (with a small limit to keep the test fast).
#[test]
fn template_recursion_depth() {
    let mut set = Templates::new();
    set.set_limits(Limits {
        template_depth: 500,
        ..Limits::default()
    });
    set.parse("tmpl", "{{template \"tmpl\" .}}").unwrap();
    let err = set.execute("tmpl", &Value::Nil).unwrap_err();
    assert!(
        err.to_string()
            .contains("exceeded maximum template depth (500)"),
        "{err}"
    );
}

#[test]
fn unknown_template_errors() {
    let mut set = Templates::new();
    set.parse("a", "{{template \"nope\" .}}").unwrap();
    assert_eq!(
        set.execute("a", &Value::Nil).unwrap_err().to_string(),
        "template: a:1:11: executing \"a\" at <{{template \"nope\" .}}>: template \"nope\" not defined"
    );
    let err = set.execute("b", &Value::Nil).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoTemplate);
    assert_eq!(
        err.to_string(),
        "template: no template \"b\" associated with template \"gotpl\""
    );
}

#[test]
fn redefinition_rules() {
    let mut set = Templates::new();
    set.parse("a.tpl", "{{define \"x\"}}first{{end}}").unwrap();
    set.parse("b.tpl", "{{define \"x\"}}second{{end}}").unwrap();
    set.parse("use", "{{template \"x\"}}").unwrap();
    assert_eq!(set.execute("use", &Value::Nil).unwrap(), "second");
    // An empty body does not replace an existing template.
    set.parse("c.tpl", "{{define \"x\"}}  {{/* nothing */}}\n{{end}}")
        .unwrap();
    assert_eq!(set.execute("use", &Value::Nil).unwrap(), "second");
    assert!(set.has("a.tpl") && set.has("x"));
}

// Helm behaviour: missing values under missingkey=zero.
#[test]
fn helm_missing_values() {
    let vals = map(&[(
        "Values",
        map(&[("a", map(&[("b", s("B"))])), ("n", Value::Nil)]),
    )]);
    assert_eq!(helm("{{ .Values.a.b }}", &vals).as_deref(), Ok("B"));
    assert_eq!(
        helm("[{{ .Values.missing }}]", &vals).as_deref(),
        Ok("[<no value>]")
    );
    assert_eq!(
        helm("[{{ .Values.n }}]", &vals).as_deref(),
        Ok("[<no value>]")
    );
    assert_eq!(
        helm("x\n  {{ .Values.missing.b }}", &vals).unwrap_err(),
        "template: test:2:12: executing \"test\" at <.Values.missing.b>: nil pointer evaluating interface {}.b"
    );
    // Go's default (invalid) silently yields no value.
    assert_eq!(
        go("[{{ .Values.missing.b }}]", &vals).as_deref(),
        Ok("[<no value>]")
    );
    assert_eq!(
        helm("{{ .Values.a.b.c }}", &vals).unwrap_err(),
        "template: test:1:10: executing \"test\" at <.Values.a.b.c>: can't evaluate field c in type interface {}"
    );
    assert_eq!(
        helm("{{ $x := \"s\" }}{{ $x.c }}", &vals).unwrap_err(),
        "template: test:1:20: executing \"test\" at <$x.c>: can't evaluate field c in type string"
    );
    assert_eq!(
        helm("{{ print .Values.missing }}", &vals).as_deref(),
        Ok("<nil>")
    );
    assert_eq!(
        helm("{{ if .Values.missing }}y{{ else }}n{{ end }}", &vals).as_deref(),
        Ok("n")
    );
    assert_eq!(
        helm("{{ len .Values.missing }}", &vals).unwrap_err(),
        "template: test:1:3: executing \"test\" at <len .Values.missing>: error calling len: len of nil pointer"
    );
    assert_eq!(
        helm("{{ $m := .Values.missing }}{{ len $m }}", &vals).unwrap_err(),
        "template: test:1:30: executing \"test\" at <len $m>: error calling len: reflect: call of reflect.Value.Type on zero Value"
    );
    assert_eq!(
        helm("{{ (index .Values \"zz\").b }}", &vals).as_deref(),
        Ok("<no value>")
    );
    assert_eq!(
        helm("{{ .Values.a.b 1 }}", &vals).unwrap_err(),
        "template: test:1:10: executing \"test\" at <.Values.a.b>: b is not a method but has arguments"
    );
}

// Helm: values from files are float64, so comparing with an int literal fails.
#[test]
fn helm_number_comparisons() {
    let vals = map(&[("replicas", Value::Float(3.0)), ("n", Value::Int64(3))]);
    assert_eq!(
        helm("{{ if eq .replicas 3 }}y{{ end }}", &vals).unwrap_err(),
        "template: test:1:6: executing \"test\" at <eq .replicas 3>: error calling eq: incompatible types for comparison: float64 and int"
    );
    assert_eq!(
        helm("{{ if eq .n 3 }}y{{ end }}", &vals).as_deref(),
        Ok("y")
    );
    assert_eq!(
        helm("{{ .replicas }} {{ 1000000.0 }}", &vals).as_deref(),
        Ok("3 1e+06")
    );
    assert_eq!(
        helm("{{ if eq .missing \"x\" }}y{{ else }}n{{ end }}", &vals).as_deref(),
        Ok("n")
    );
}

#[test]
fn variables_and_scoping() {
    let d = Value::Nil;
    let cases: &[(&str, &str)] = &[
        ("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"),
        ("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"),
        ("{{$x := 1}}{{range 3}}{{$x = .}}{{end}}{{$x}}", "2"),
        (
            "{{$x := 0}}{{range $i, $v := list}}{{end}}{{with $y := 5}}{{$x = $y}}{{end}}{{$x}}",
            "5",
        ),
        ("{{with $x := 1}}{{$x}}{{end}}", "1"),
        (
            "{{define \"t\"}}{{$}}{{end}}{{$x := 7}}{{template \"t\" $x}}",
            "7",
        ),
        ("{{range $k, $v := .}}{{$k}}{{end}}", ""),
    ];
    let mut set = go_set(MissingKey::Zero);
    set.add_func("list", custom(|a| Ok(Value::list(a.to_vec()))));
    for (text, want) in cases {
        assert_eq!(
            run_with(&mut set.clone(), text, &d).as_deref(),
            Ok(*want),
            "{text}"
        );
    }
    // Variables do not cross template boundaries: a parse error.
    let err = run_with(&mut set, "{{$x := 1}}{{define \"t\"}}{{$x}}{{end}}", &d).unwrap_err();
    assert_eq!(err, "template: test:1: undefined variable \"$x\"");
}

#[test]
fn range_over_maps_is_sorted_and_snapshotted() {
    let m = map(&[("b", i(2)), ("a", i(1)), ("c", i(3))]);
    assert_eq!(
        go("{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", &m).as_deref(),
        Ok("a=1;b=2;c=3;")
    );
    let mut set = go_set(MissingKey::Zero);
    set.add_func(
        "set",
        custom(|a| {
            if let (Value::Map(m), Some(k)) = (&a[0], a[1].as_str()) {
                m.borrow_mut().insert(k.to_string(), a[2].clone());
            }
            Ok(a[0].clone())
        }),
    );
    let out = run_with(
        &mut set,
        "{{range $k, $v := .}}{{$_ := set $ \"z\" 9}}{{$k}}{{end}}|{{len .}}",
        &m,
    );
    assert_eq!(out.as_deref(), Ok("abc|4"));
}

#[test]
fn function_call_errors() {
    let t = tval();
    assert_eq!(
        go("{{ .T.MyError true }}", &t).unwrap_err(),
        "template: test:1:5: executing \"test\" at <.T.MyError>: error calling MyError: my error"
    );
    assert_eq!(
        go("{{ fail \"boom\" }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <fail \"boom\">: error calling fail: boom"
    );
    assert_eq!(
        go("{{ printf }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <printf>: wrong number of args for printf: want at least 1 got 0"
    );
    assert_eq!(
        go("{{ not 1 2 }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <not>: wrong number of args for not: want 1 got 2"
    );
    assert_eq!(
        go("{{ 3 | printf }}", &t).unwrap_err(),
        "template: test:1:7: executing \"test\" at <printf>: wrong type for value; expected string; got int"
    );
    assert_eq!(
        go("{{ printf 3 }}", &t).unwrap_err(),
        "template: test:1:10: executing \"test\" at <3>: expected string; found 3"
    );
    assert_eq!(
        go("{{ nil }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <nil>: nil is not a command"
    );
    assert_eq!(
        go("{{ 0x8000000000000000 }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <0x8000000000000000>: 0x8000000000000000 overflows int"
    );
    assert_eq!(
        go("{{ (nil).x }}", &t).unwrap_err(),
        "template: test:1:4: executing \"test\" at <nil>: nil is not a command"
    );
    assert_eq!(
        go("{{ .X 1 }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <.X>: X is not a method but has arguments"
    );
    assert_eq!(
        go("{{ .T.X 1 }}", &t).unwrap_err(),
        "template: test:1:5: executing \"test\" at <.T.X>: X has arguments but cannot be invoked as function"
    );
    assert_eq!(
        go("{{ .T.Nope }}", &t).unwrap_err(),
        "template: test:1:5: executing \"test\" at <.T.Nope>: can't evaluate field Nope in type interface {}"
    );
    assert_eq!(
        go("{{ range .X }}{{ end }}", &t).unwrap_err(),
        "template: test:1:9: executing \"test\" at <.X>: range can't iterate over x"
    );
    assert_eq!(
        go("{{ range $i, $e := 3 }}{{ end }}", &t).unwrap_err(),
        "template: test:1:19: executing \"test\" at <3>: can't use 3 to iterate over more than one variable"
    );
    assert_eq!(
        go("{{ 1 2 }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <1>: can't give argument to non-function 1"
    );
    assert_eq!(
        go("{{ call .X 1 }}", &t).unwrap_err(),
        "template: test:1:3: executing \"test\" at <call .X 1>: error calling call: non-function .X of type string"
    );
}

// The golden Helm error: a missing value piped into a string function.
#[test]
fn pipeline_final_type_errors_point_at_the_function() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"{{.Release.Name}}-{{.Values.Name}}\"\nspec:\n  containers:\n  - name: {{ .Values.nonExistentKey | b64enc }}\n";
    let mut set = Templates::new();
    set.add_func(
        "b64enc",
        custom(|a| match a {
            [Value::String(x)] => Ok(Value::string(x.to_string())),
            [Value::Missing] => Err(FuncError::Arg("invalid value; expected string".into())),
            [Value::Nil] => Err(FuncError::Arg(
                "wrong type for value; expected string; got interface {}".into(),
            )),
            _ => Err(FuncError::Arg("wrong type".into())),
        }),
    );
    let name = "chart-with-template-with-invalid-template-expr/templates/alpine-pod.yaml";
    set.parse(name, text).unwrap();
    let vals = map(&[
        ("Values", map(&[])),
        ("Release", map(&[("Name", s("rel"))])),
    ]);
    let err = set.execute(name, &vals).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("template: {name}:7:38: executing \"{name}\" at <b64enc>: invalid value; expected string")
    );
    // As an explicit argument the missing key is a nil interface instead.
    set.parse("arg", "{{ b64enc .Values.nonExistentKey }}")
        .unwrap();
    assert_eq!(
        set.execute("arg", &vals).unwrap_err().to_string(),
        "template: arg:1:17: executing \"arg\" at <.Values.nonExistentKey>: wrong type for value; expected string; got interface {}"
    );
}

/// Helm's chart layout for include tests: parse every file, then run one.
fn helm_set(files: &[(&str, &str)]) -> Templates {
    let mut set = Templates::new();
    for f in ["trunc", "trimSuffix", "default", "upper", "quote"] {
        set.add_func(f, custom(|a| Ok(a.last().cloned().unwrap_or(Value::Nil))));
    }
    for (name, text) in files {
        set.parse(name, text).unwrap();
    }
    set
}

// Helm: TestNestedHelpersProducesMultilineStacktrace (the Go error text
// Helm reformats).
#[test]
fn nested_include_error_chain() {
    let set = helm_set(&[
        ("NestedHelperFunctions/templates/svc.yaml", "name: {{ include \"nested_helper.name\" . }}"),
        (
            "NestedHelperFunctions/templates/_helpers_1.tpl",
            "{{- define \"nested_helper.name\" -}}{{- include \"common.names.get_name\" . -}}{{- end -}}",
        ),
        (
            "NestedHelperFunctions/charts/common/templates/_helpers_2.tpl",
            "{{- define \"common.names.get_name\" -}}{{- .Values.nonexistant.key | trunc 63 | trimSuffix \"-\" -}}{{- end -}}",
        ),
    ]);
    let vals = map(&[("Values", map(&[]))]);
    let err = set
        .execute("NestedHelperFunctions/templates/svc.yaml", &vals)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: NestedHelperFunctions/templates/svc.yaml:1:9: executing \"NestedHelperFunctions/templates/svc.yaml\" at <include \"nested_helper.name\" .>: error calling include: template: NestedHelperFunctions/templates/_helpers_1.tpl:1:39: executing \"nested_helper.name\" at <include \"common.names.get_name\" .>: error calling include: template: NestedHelperFunctions/charts/common/templates/_helpers_2.tpl:1:49: executing \"common.names.get_name\" at <.Values.nonexistant.key>: nil pointer evaluating interface {}.key"
    );
    let inner = err.innermost();
    assert_eq!(
        inner.location(),
        "NestedHelperFunctions/charts/common/templates/_helpers_2.tpl:1:49"
    );
    assert_eq!(inner.message(), "nil pointer evaluating interface {}.key");
    assert_eq!(err.cause().unwrap().template(), "nested_helper.name");
}

// Helm: TestMultilineNoTemplateAssociatedError.
#[test]
fn include_of_unknown_template() {
    let set = helm_set(&[(
        "multiline/templates/svc.yaml",
        "name: {{ include \"nested_helper.name\" . }}",
    )]);
    let err = set
        .execute("multiline/templates/svc.yaml", &map(&[]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: multiline/templates/svc.yaml:1:9: executing \"multiline/templates/svc.yaml\" at <include \"nested_helper.name\" .>: error calling include: template: no template \"nested_helper.name\" associated with template \"gotpl\""
    );
    assert_eq!(err.cause().unwrap().kind(), ErrorKind::NoTemplate);
}

#[test]
fn include_renders_to_a_string() {
    let set = helm_set(&[
        (
            "c/templates/_h.tpl",
            "{{- define \"name\" -}}{{ .Values.name }}-{{ . | len }}{{- end -}}",
        ),
        (
            "c/templates/a.yaml",
            "n: {{ include \"name\" . }} {{ include \"name\" . | printf \"%q\" }}",
        ),
        (
            "c/templates/missing.yaml",
            "[{{ include \"name\" .Values.none }}]",
        ),
    ]);
    let vals = map(&[("Values", map(&[("name", s("x"))]))]);
    assert_eq!(
        set.execute("c/templates/a.yaml", &vals).unwrap(),
        "n: x-1 \"x-1\""
    );
    let err = set.execute("c/templates/missing.yaml", &vals).unwrap_err();
    assert_eq!(
        err.innermost().to_string(),
        "template: c/templates/_h.tpl:1:47: executing \"name\" at <len>: error calling len: reflect: call of reflect.Value.Type on zero Value"
    );
}

// Helm: recursionMaxNums and its error text.
#[test]
fn include_recursion_limit() {
    let set = helm_set(&[
        (
            "c/templates/_r.tpl",
            "{{- define \"r\" -}}x{{ include \"r\" . }}{{- end -}}",
        ),
        ("c/templates/a.yaml", "{{ include \"r\" . }}"),
    ]);
    let err = set.execute("c/templates/a.yaml", &map(&[])).unwrap_err();
    let inner = err.innermost();
    assert_eq!(inner.function(), Some("include"));
    assert_eq!(
        inner.message(),
        "rendering template has a nested reference name: r: unable to execute template"
    );
    let mut depth = 0;
    let mut e = &err;
    while let Some(c) = e.cause() {
        depth += 1;
        e = c;
    }
    assert_eq!(depth, 1001);
}

#[test]
fn tpl_renders_text_with_the_set() {
    let set = helm_set(&[
        ("c/templates/_h.tpl", "{{- define \"greet\" -}}hi {{ . }}{{- end -}}"),
        ("c/templates/a.yaml", "{{ tpl .Values.t . }}"),
        ("c/templates/b.yaml", "{{ tpl \"{{ define \\\"local\\\" }}L{{ .Values.x }}{{ end }}{{ include \\\"local\\\" . }}\" . }}"),
        ("c/templates/c.yaml", "{{ tpl \"[{{ .Values.missing }}]\" . }}"),
        ("c/templates/d.yaml", "{{ tpl \"{{ .Values.a.b }}\" . }}"),
        ("c/templates/e.yaml", "{{ tpl \"{{ nope }}\" . }}"),
        ("c/templates/f.yaml", "{{ tpl \"{{ tpl .Values.t . }}\" . }}"),
    ]);
    let vals = map(&[(
        "Values",
        map(&[("t", s("{{ include \"greet\" .Values.x }}")), ("x", s("X"))]),
    )]);
    assert_eq!(set.execute("c/templates/a.yaml", &vals).unwrap(), "hi X");
    assert_eq!(set.execute("c/templates/b.yaml", &vals).unwrap(), "LX");
    // The tpl's defines do not leak into the set.
    assert!(!set.has("local"));
    assert_eq!(set.execute("c/templates/c.yaml", &vals).unwrap(), "[]");
    assert_eq!(set.execute("c/templates/f.yaml", &vals).unwrap(), "hi X");
    assert_eq!(
        set.execute("c/templates/d.yaml", &vals).unwrap_err().to_string(),
        "template: c/templates/d.yaml:1:3: executing \"c/templates/d.yaml\" at <tpl \"{{ .Values.a.b }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.a.b }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.a.b>: nil pointer evaluating interface {}.b"
    );
    assert_eq!(
        set.execute("c/templates/e.yaml", &vals).unwrap_err().to_string(),
        "template: c/templates/e.yaml:1:3: executing \"c/templates/e.yaml\" at <tpl \"{{ nope }}\" .>: error calling tpl: cannot parse template \"{{ nope }}\": template: gotpl:1: function \"nope\" not defined"
    );
}

#[test]
fn tpl_recursion_is_bounded() {
    let mut set = helm_set(&[("c/templates/a.yaml", "{{ tpl .Values.t . }}")]);
    set.set_limits(Limits {
        tpl_depth: 50,
        ..Limits::default()
    });
    let vals = map(&[("Values", map(&[("t", s("{{ tpl .Values.t . }}"))]))]);
    let err = set.execute("c/templates/a.yaml", &vals).unwrap_err();
    assert_eq!(
        err.innermost().message(),
        "nested tpl calls exceed the limit of 50"
    );
}

#[test]
fn step_and_output_limits() {
    let mut set = Templates::new();
    set.set_limits(Limits {
        max_steps: 1000,
        ..Limits::default()
    });
    set.parse("t", "{{range 100000}}x{{end}}").unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert!(
        err.to_string().contains("exceeded the limit of 1000 steps"),
        "{err}"
    );
    let mut set = Templates::new();
    set.set_limits(Limits {
        max_output: 100,
        ..Limits::default()
    });
    set.parse("t", "{{range 1000}}xy{{end}}").unwrap();
    let err = set.execute("t", &Value::Nil).unwrap_err();
    assert!(
        err.to_string()
            .contains("output exceeded the limit of 100 bytes"),
        "{err}"
    );
}

#[test]
fn parse_errors_through_the_api() {
    let mut set = Templates::new();
    let err = set
        .parse("chart/templates/x.yaml", "a: 1\nb: {{ foo }}\n")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Parse);
    assert_eq!(
        err.to_string(),
        "template: chart/templates/x.yaml:2: function \"foo\" not defined"
    );
    assert_eq!(err.location(), "chart/templates/x.yaml:2");
    let err = set.parse("t", "{{ .a }").unwrap_err();
    assert_eq!(
        err.to_string(),
        "template: t:1: unexpected \"}\" in operand"
    );
    let err = set.parse("t", "{{ if .a }}\n{{ end").unwrap_err();
    assert_eq!(err.to_string(), "template: t:2: unclosed action");
    assert!(!set.has("t"));
}

#[test]
fn whitespace_trimming() {
    let d = Value::Nil;
    assert_eq!(go("a \n\t{{- \"b\" -}} \n c", &d).as_deref(), Ok("abc"));
    assert_eq!(
        go("a\n{{- if true }}\n  x\n{{- end }}\nb", &d).as_deref(),
        Ok("a\n  x\nb")
    );
    assert_eq!(go("{{ 3 -}}  \n\n{{- 4 }}", &d).as_deref(), Ok("34"));
    assert_eq!(go("x{{-3}}", &d).as_deref(), Ok("x-3"));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 5000;
    let text = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(
        go(&format!("{{{{ {text} }}}}"), &Value::Nil).as_deref(),
        Ok("1")
    );
    let text = format!(
        "{}x{}",
        "{{if true}}".repeat(depth),
        "{{end}}".repeat(depth)
    );
    assert_eq!(go(&text, &Value::Nil).as_deref(), Ok("x"));
}

/// Every function name Sprig and Helm define (Sprig's genericMap and
/// Helm's funcMap), for parsing real charts before the library is filled.
const HELM_FUNCTION_NAMES: &str = "abbrev abbrevboth add add1 add1f addf adler32sum ago all any append atoi b32dec b32enc b64dec b64enc base bcrypt biggest buildCustomCert camelcase cat ceil chunk clean coalesce compact concat contains date dateInZone dateModify date_in_zone date_modify decryptAES deepCopy deepEqual default derivePassword dict dig dir div divf duration durationRound empty encryptAES ext fail first float64 floor fromJson genCA genCAWithKey genPrivateKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey get getHostByName has hasKey hasPrefix hasSuffix htmlDate htmlDateInZone htpasswd indent initial initials int int64 isAbs join kebabcase keys kindIs kindOf last list lower max maxf merge mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact mustDateModify mustDeepCopy mustFirst mustFromJson mustHas mustInitial mustLast mustMerge mustMergeOverwrite mustPrepend mustRegexFind mustRegexFindAll mustRegexMatch mustRegexReplaceAll mustRegexReplaceAllLiteral mustRegexSplit mustRest mustReverse mustSlice mustToDate mustToJson mustToPrettyJson mustToRawJson mustUniq mustWithout must_date_modify nindent nospace now omit osBase osClean osDir osExt osIsAbs pick pluck plural prepend quote randAlpha randAlphaNum randAscii randBytes randInt randNumeric regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll regexReplaceAllLiteral regexSplit repeat replace rest reverse round semver semverCompare seq set sha1sum sha256sum sha512sum shuffle slice snakecase sortAlpha split splitList splitn squote sub subf substr swapcase ternary title toDate toDecimal toJson toPrettyJson toRawJson toString toStrings trim trimAll trimPrefix trimSuffix trimall trunc tuple typeIs typeIsLike typeOf uniq unixEpoch unset until untilStep untitle upper urlJoin urlParse uuidv4 values without wrap wrapWith toToml mustToToml fromToml toYaml mustToYaml toYamlPretty fromYaml fromYamlArray fromJsonArray mustToDuration durationSeconds durationMilliseconds durationMicroseconds durationNanoseconds durationMinutes durationHours durationDays durationWeeks durationRoundTo durationTruncateTo required lookup";

fn template_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            template_files(&p, out);
        } else if p.components().any(|c| c.as_os_str() == "templates") {
            out.push(p);
        }
    }
}

// Every template of the real charts in the conformance corpus parses.
#[test]
fn corpus_charts_parse() {
    let root = std::path::Path::new("/work/shared/corpus/helm/charts");
    if !root.is_dir() {
        return;
    }
    let mut files = vec![];
    template_files(root, &mut files);
    assert!(
        files.len() > 100,
        "expected the corpus templates, found {}",
        files.len()
    );
    let mut set = Templates::new();
    for name in HELM_FUNCTION_NAMES.split_whitespace() {
        if crate::engine::funcs::lookup(name).is_none() {
            set.add_func(name, custom(|_| Ok(Value::Nil)));
        }
    }
    let mut failures = vec![];
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let name = f.strip_prefix(root).unwrap().to_string_lossy().to_string();
        if let Err(e) = set.parse(&name, &text) {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed to parse:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

// Helm: TestRenderTplRedefines: defines inside tpl shadow the set only
// within that tpl (and the tpl calls it makes).
#[test]
fn tpl_redefines_from_helm() {
    let set = helm_set(&[
        (
            "TplRedefines/templates/_partials",
            r#"{{define "partial"}}original-in-partial{{end}}"#,
        ),
        (
            "TplRedefines/templates/partial",
            r#"before: {{include "partial" .}}\n{{tpl .Values.partialText .}}\nafter: {{include "partial" .}}"#,
        ),
        (
            "TplRedefines/templates/manifest",
            r#"{{define "manifest"}}original-in-manifest{{end}}before: {{include "manifest" .}}\n{{tpl .Values.manifestText .}}\nafter: {{include "manifest" .}}"#,
        ),
        (
            "TplRedefines/templates/manifest-only",
            r#"{{define "manifest-only"}}only-in-manifest{{end}}before: {{include "manifest-only" .}}\n{{tpl .Values.manifestOnlyText .}}\nafter: {{include "manifest-only" .}}"#,
        ),
        (
            "TplRedefines/templates/nested",
            r#"{{define "nested"}}original-in-manifest{{end}}{{define "nested-outer"}}original-outer-in-manifest{{end}}before: {{include "nested" .}} {{include "nested-outer" .}}\n{{tpl .Values.nestedText .}}\nafter: {{include "nested" .}} {{include "nested-outer" .}}"#,
        ),
    ]);
    let vals = map(&[(
        "Values",
        map(&[
            (
                "partialText",
                s(r#"{{define "partial"}}redefined-in-tpl{{end}}tpl: {{include "partial" .}}"#),
            ),
            (
                "manifestText",
                s(r#"{{define "manifest"}}redefined-in-tpl{{end}}tpl: {{include "manifest" .}}"#),
            ),
            (
                "manifestOnlyText",
                s(r#"tpl: {{include "manifest-only" .}}"#),
            ),
            (
                "nestedText",
                s(
                    r#"{{define "nested"}}redefined-in-tpl{{end}}{{define "nested-outer"}}redefined-outer-in-tpl{{end}}before-inner-tpl: {{include "nested" .}} {{include "nested-outer" . }}\n{{tpl .Values.innerText .}}\nafter-inner-tpl: {{include "nested" .}} {{include "nested-outer" . }}"#,
                ),
            ),
            (
                "innerText",
                s(
                    r#"{{define "nested"}}redefined-in-inner-tpl{{end}}inner-tpl: {{include "nested" .}} {{include "nested-outer" . }}"#,
                ),
            ),
        ]),
    )]);
    let expects = [
        (
            "TplRedefines/templates/partial",
            r"before: original-in-partial\ntpl: redefined-in-tpl\nafter: original-in-partial",
        ),
        (
            "TplRedefines/templates/manifest",
            r"before: original-in-manifest\ntpl: redefined-in-tpl\nafter: original-in-manifest",
        ),
        (
            "TplRedefines/templates/manifest-only",
            r"before: only-in-manifest\ntpl: only-in-manifest\nafter: only-in-manifest",
        ),
        (
            "TplRedefines/templates/nested",
            r"before: original-in-manifest original-outer-in-manifest\nbefore-inner-tpl: redefined-in-tpl redefined-outer-in-tpl\ninner-tpl: redefined-in-inner-tpl redefined-outer-in-tpl\nafter-inner-tpl: redefined-in-tpl redefined-outer-in-tpl\nafter: original-in-manifest original-outer-in-manifest",
        ),
    ];
    for (file, want) in expects {
        assert_eq!(set.execute(file, &vals).unwrap(), want, "{file}");
    }
}

// Helm: TestRenderTplEmpty.
#[test]
fn tpl_empty_from_helm() {
    let set = helm_set(&[
        ("TplEmpty/templates/empty-string", r#"{{tpl "" .}}"#),
        (
            "TplEmpty/templates/empty-action",
            r#"{{tpl "{{ \"\"}}" .}}"#,
        ),
        (
            "TplEmpty/templates/only-defines",
            r#"{{tpl "{{define \"not-invoked\"}}not-rendered{{end}}" .}}"#,
        ),
    ]);
    for f in ["empty-string", "empty-action", "only-defines"] {
        assert_eq!(
            set.execute(&format!("TplEmpty/templates/{f}"), &map(&[]))
                .unwrap(),
            "",
            "{f}"
        );
    }
}

// A rough speed check (run with --release --ignored --nocapture).
#[test]
#[ignore]
fn speed() {
    let root = std::path::Path::new("/work/shared/corpus/helm/charts");
    let mut files = vec![];
    template_files(root, &mut files);
    let texts: Vec<(String, String)> = files
        .iter()
        .filter_map(|f| {
            Some((
                f.to_string_lossy().to_string(),
                std::fs::read_to_string(f).ok()?,
            ))
        })
        .collect();
    let bytes: usize = texts.iter().map(|t| t.1.len()).sum();
    let start = std::time::Instant::now();
    let mut set = Templates::new();
    for name in HELM_FUNCTION_NAMES.split_whitespace() {
        set.add_func(name, custom(|_| Ok(Value::Nil)));
    }
    for (n, t) in &texts {
        set.parse(n, t).unwrap();
    }
    println!(
        "parsed {} files, {} bytes in {:?}",
        texts.len(),
        bytes,
        start.elapsed()
    );

    let items: Vec<Value> = (0..100_000)
        .map(|i| {
            map(&[
                ("name", Value::string(format!("item{i}"))),
                ("port", Value::Float(8080.0 + i as f64)),
            ])
        })
        .collect();
    let vals = map(&[("Values", map(&[("items", list(items))]))]);
    let mut set = Templates::new();
    set.parse("h", "{{- define \"port\" -}}{{ .port }}{{- end -}}")
        .unwrap();
    set.parse(
        "t",
        "{{- range $i, $e := .Values.items }}\n- name: {{ $e.name }}\n  port: {{ include \"port\" $e }}\n  idx: {{ $i }}{{ if eq $e.name \"item5\" }} five{{ end }}\n{{- end }}",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let out = set.execute("t", &vals).unwrap();
    println!(
        "executed 100k iterations ({} bytes) in {:?}",
        out.len(),
        start.elapsed()
    );
}

#[test]
#[ignore]
fn speed_parse_only() {
    let root = std::path::Path::new("/work/shared/corpus/helm/charts");
    let mut files = vec![];
    template_files(root, &mut files);
    let texts: Vec<(String, String)> = files
        .iter()
        .filter_map(|f| {
            Some((
                f.to_string_lossy().to_string(),
                std::fs::read_to_string(f).ok()?,
            ))
        })
        .collect();
    let mut set = Templates::new();
    for name in HELM_FUNCTION_NAMES.split_whitespace() {
        set.add_func(name, custom(|_| Ok(Value::Nil)));
    }
    let start = std::time::Instant::now();
    for _ in 0..5 {
        let mut s = set.clone();
        for (n, t) in &texts {
            s.parse(n, t).unwrap();
        }
    }
    println!("parsed 5x in {:?}", start.elapsed());
}

#[test]
fn assignment_and_template_dot_details() {
    let t = tval();
    // `=` to a variable never declared parses, and fails when executed (Go
    // checks assignments at run time).
    assert_eq!(
        go("{{ $y = 1 }}", &t).unwrap_err(),
        "template: test:1:8: executing \"test\" at <1>: undefined variable: $y"
    );
    // {{template "x"}} without a pipeline runs with no dot.
    assert_eq!(
        go("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\"}}", &t).as_deref(),
        Ok("[<no value>]")
    );
    // The pipeline's value is the last argument of a method.
    assert_eq!(go("{{ 5 | .T.Method1 }}", &t).as_deref(), Ok("5"));
    // Declarations in a template pipeline stay visible after it.
    assert_eq!(
        go(
            "{{define \"x\"}}{{.}}{{end}}{{template \"x\" $v := 3}}{{$v}}",
            &t
        )
        .as_deref(),
        Ok("33")
    );
}

// Random template-like inputs never panic the lexer, parser or executor:
// every failure is an error value.
#[test]
fn random_inputs_do_not_panic() {
    const PIECES: &[&str] = &[
        "{{", "}}", "{{-", "-}}", " ", "\n", ".", ".a", ".b", "$", "$x", ":=", "=", "|", "(", ")",
        ",", "\"s\"", "`r`", "'c'", "'\\", "\"\\x", "1", "-2", "0x1f", "1e3", "1.5", "2i", "nil",
        "true", "if", "else", "end", "range", "with", "define", "template", "block", "break",
        "continue", "\"t\"", "print", "index", "len", "eq", "and", "or", "not", "include", "tpl",
        "printf", "slice", "/*", "*/", "é", "\t", "{", "}", "#", "\\",
    ];
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let data = map(&[
        ("a", map(&[("b", list(vec![i(1), s("x")]))])),
        ("b", s("{{ .a }}")),
        ("t", s("x")),
    ]);
    let mut executed = 0;
    for _ in 0..20_000 {
        let n = (next() % 24) as usize;
        let text: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut set = Templates::new();
            set.set_limits(Limits {
                max_steps: 10_000,
                ..Limits::default()
            });
            if set.parse("t", &text).is_ok() {
                let _ = set.execute("t", &data);
                return true;
            }
            false
        }));
        match result {
            Ok(ran) => executed += ran as usize,
            Err(_) => panic!("panic on {text:?}"),
        }
    }
    // Enough of the inputs parse for the executor to be exercised too.
    assert!(executed > 1000, "only {executed} inputs parsed");
}

// Go: execTests printf rows (fmt.Sprintf through gofmt).
#[test]
fn printf_from_go() {
    let t = tval();
    let cases: &[(&str, &str)] = &[
        (r#"{{printf "%04x" 127}}"#, "007f"),
        (r#"{{printf "%g" 3.5}}"#, "3.5"),
        (r#"{{printf "%s" "hello"}}"#, "hello"),
        (r#"{{printf "%d %s" 127 "hello"}}"#, "127 hello"),
        (r#"{{printf "%T" 0xef}}"#, "int"),
        (r#"{{printf "%v" .Empty0}}"#, "<nil>"),
        (r#"{{.X | printf "%s-%s" "a"}}"#, "a-x"),
        (r#"{{printf "%.2f" 3.14159}}"#, "3.14"),
        (r#"{{print "a" 1 2 "b" .FloatZero}}"#, "a1 2b0"),
    ];
    for (text, want) in cases {
        assert_eq!(go(text, &t).as_deref(), Ok(*want), "{text}");
    }
}

/// Files enough to be parsed on every core: each defines a template used by
/// the next, and the later of two same-named defines wins, as when parsed
/// one by one.
fn many_files(n: usize) -> Vec<(String, Source)> {
    let padding = "x".repeat(2048);
    (0..n)
        .map(|k| {
            let text = format!(
                "{{{{- define \"t{k}\" }}}}{k}{{{{ if gt {k} 0 }}}}<{{{{ template \"t{prev}\" }}}}>{{{{ end }}}}{{{{ end -}}}}\
                 {{{{- define \"shared\" }}}}from {k}{{{{ end -}}}}{padding}{{{{ template \"t{k}\" }}}} {{{{ template \"shared\" }}}}",
                prev = k.saturating_sub(1)
            );
            (format!("c/templates/f{k:03}.yaml"), Source::from(text))
        })
        .collect()
}

#[test]
fn parsing_files_on_every_core_builds_the_set_parsing_one_by_one_builds() {
    let files = many_files(80);
    let mut parallel = Templates::new();
    parallel.parse_files(&files).unwrap();
    let mut serial = Templates::new();
    for (name, text) in &files {
        serial.parse_shared(name, text.clone()).unwrap();
    }
    let mut names: Vec<&str> = parallel.names().collect();
    names.sort();
    let mut serial_names: Vec<&str> = serial.names().collect();
    serial_names.sort();
    assert_eq!(names, serial_names);
    for (name, _) in &files {
        assert_eq!(parallel.execute(name, &Value::Nil).unwrap(), serial.execute(name, &Value::Nil).unwrap());
    }
    let out = parallel.execute("c/templates/f002.yaml", &Value::Nil).unwrap();
    assert!(out.ends_with("2<1<0>> from 79"), "{}", &out[out.len() - 20..]);
}

#[test]
fn parsing_files_reports_the_first_failing_file_in_order() {
    let mut files = many_files(60);
    files[41].1 = Source::from("{{ if }}".to_string() + &"y".repeat(2048));
    files[17].1 = Source::from("{{ nosuchfunc }}".to_string() + &"y".repeat(2048));
    let (ran, result) = Templates::new().parse_files_while(&files, || "values");
    assert_eq!(ran, "values");
    let (index, err) = result.unwrap_err();
    assert_eq!(index, 17);
    assert_eq!(err.to_string(), "template: c/templates/f017.yaml:1: function \"nosuchfunc\" not defined");
}

//! Go fmt behaviour: cases from Go's src/fmt/fmt_test.go, and a table
//! compared with what helm 4.1.4's `printf`/`print`/`println` render.

use super::*;
use std::collections::BTreeMap;

#[test]
fn floats_print_like_go() {
    assert_eq!(format_float_g(1000000.0), "1e+06");
    assert_eq!(format_float_g(100000.0), "100000");
    assert_eq!(format_float_g(1.5), "1.5");
    assert_eq!(format_float_g(0.00001), "1e-05");
    assert_eq!(format_float_g(0.0001), "0.0001");
    assert_eq!(format_float_g(12345678901234567890.0), "1.2345678901234567e+19");
    assert_eq!(format_float_g(1234567.0), "1.234567e+06");
    assert_eq!(format_float_g(3.0), "3");
}

/// A printf operand, as a template literal and as a value.
#[derive(Clone)]
enum A {
    I(i64),
    I64(i64),
    F(f64),
    S(&'static str),
    B(bool),
    Nil,
    L(Vec<A>),
    M(Vec<(&'static str, A)>),
}

impl A {
    fn template(&self) -> String {
        match self {
            A::I(i) => i.to_string(),
            A::I64(i) => format!("(int64 {i})"),
            A::F(f) if f.is_nan() => "(float64 \"NaN\")".into(),
            A::F(f) if f.is_infinite() => format!("(float64 \"{}Inf\")", if *f > 0.0 { "+" } else { "-" }),
            A::F(f) => {
                let s = format!("{f:e}");
                format!("(float64 {s})")
            }
            A::S(s) => format!("{s:?}"),
            A::B(b) => b.to_string(),
            A::Nil => "nil".into(),
            A::L(items) => format!("(list {})", items.iter().map(A::template).collect::<Vec<_>>().join(" ")),
            A::M(entries) => format!(
                "(dict {})",
                entries.iter().map(|(k, v)| format!("{k:?} {}", v.template())).collect::<Vec<_>>().join(" ")
            ),
        }
    }

    fn value(&self) -> Value {
        match self {
            A::I(i) => Value::Int(*i),
            A::I64(i) => Value::Int64(*i),
            A::F(f) => Value::Float(*f),
            A::S(s) => Value::str(s),
            A::B(b) => Value::Bool(*b),
            A::Nil => Value::Nil,
            A::L(items) => Value::list(items.iter().map(A::value).collect()),
            A::M(entries) => Value::map(entries.iter().map(|(k, v)| (k.to_string(), v.value())).collect::<BTreeMap<_, _>>()),
        }
    }
}

fn values(args: &[A]) -> Vec<Value> {
    args.iter().map(A::value).collect()
}

#[test]
fn fmt_test_go_cases() {
    // Go: src/fmt/fmt_test.go fmtTests (the operand kinds templates have).
    use A::*;
    let cases: Vec<(&str, Vec<A>, &str)> = vec![
        ("%d", vec![I(12345)], "12345"),
        ("%v", vec![I(12345)], "12345"),
        ("%t", vec![B(true)], "true"),
        ("%s", vec![S("abc")], "abc"),
        ("%q", vec![S("abc")], "\"abc\""),
        ("%x", vec![S("abc")], "616263"),
        ("%x", vec![S("")], ""),
        ("% x", vec![S("")], ""),
        ("%#x", vec![S("")], ""),
        ("%X", vec![S("xyz")], "78797A"),
        ("% x", vec![S("xyz")], "78 79 7a"),
        ("%#x", vec![S("xyz")], "0x78797a"),
        ("%# x", vec![S("xyz")], "0x78 0x79 0x7a"),
        ("%q", vec![S("\"")], r#""\"""#),
        ("%#q", vec![S("\"")], "`\"`"),
        ("%#q", vec![S("`")], r#""`""#),
        ("%q", vec![S("\n")], r#""\n""#),
        ("%#q", vec![S("\n")], r#""\n""#),
        ("%q", vec![S("\u{263a}")], "\"\u{263a}\""),
        ("%+q", vec![S("\u{263a}")], r#""\u263a""#),
        ("%10q", vec![S("⌘")], "       \"⌘\""),
        ("%-10q", vec![S("⌘")], "\"⌘\"       "),
        ("%c", vec![I('x' as i64)], "x"),
        ("%c", vec![I(0xe4)], "ä"),
        ("%q", vec![I('x' as i64)], "'x'"),
        ("%q", vec![I('\'' as i64)], r"'\''"),
        ("%+q", vec![I(0x263a)], r"'\u263a'"),
        ("%U", vec![I(0)], "U+0000"),
        ("%U", vec![I(-1)], "U+FFFFFFFFFFFFFFFF"),
        ("%U", vec![I(0x1234)], "U+1234"),
        ("%#U", vec![I(0x2318)], "U+2318 '⌘'"),
        ("%#.2U", vec![I(0x2318)], "U+2318 '⌘'"),
        ("%#14.6U", vec![I(0x2318)], "  U+002318 '⌘'"),
        ("%5s", vec![S("abc")], "  abc"),
        ("%-5s", vec![S("abc")], "abc  "),
        ("%.5s", vec![S("abcdefghijklmnopqrstuvwxyz")], "abcde"),
        ("%.0s", vec![S("日本語日本語")], ""),
        ("%.5s", vec![S("日本語日本語")], "日本語日本"),
        ("%.3q", vec![S("日本語日本語")], "\"日本語\""),
        ("%d", vec![I(-12345)], "-12345"),
        ("%+d", vec![I(12345)], "+12345"),
        ("% d", vec![I(12345)], " 12345"),
        ("%b", vec![I(7)], "111"),
        ("%o", vec![I(0o1234)], "1234"),
        ("%#o", vec![I(0o1234)], "01234"),
        ("%O", vec![I(0o1234)], "0o1234"),
        ("%x", vec![I(0x1234abcd)], "1234abcd"),
        ("%#X", vec![I(0x1234abcd)], "0X1234ABCD"),
        ("%x", vec![I(-0x1234abcd)], "-1234abcd"),
        ("%.3d", vec![I(-7)], "-007"),
        ("%6.2d", vec![I(7)], "    07"),
        ("%06d", vec![I(-7)], "-00007"),
        ("%-06d", vec![I(7)], "7     "),
        ("%.0d", vec![I(0)], ""),
        ("%5.0d", vec![I(0)], "     "),
        ("%e", vec![F(1.0)], "1.000000e+00"),
        ("%e", vec![F(1234.5678e3)], "1.234568e+06"),
        ("%f", vec![F(1234.5678e3)], "1234567.800000"),
        ("%g", vec![F(1234.5678e-8)], "1.2345678e-05"),
        ("%G", vec![F(-7.0)], "-7"),
        ("%+.3e", vec![F(0.0)], "+0.000e+00"),
        ("%+.3g", vec![F(1.0)], "+1"),
        ("%+.3g", vec![F(-1.0)], "-1"),
        ("% .3g", vec![F(1.0)], " 1"),
        ("%#g", vec![F(1.0)], "1.00000"),
        ("%#.4g", vec![F(1.0)], "1.000"),
        ("%#g", vec![F(1000000.0)], "1.00000e+06"),
        ("%#.0f", vec![F(1.0)], "1."),
        ("%#.0e", vec![F(1.0)], "1.e+00"),
        ("%#.3g", vec![F(123.0)], "123."),
        ("%20f", vec![F(1.0)], "            1.000000"),
        ("%-20f", vec![F(1.0)], "1.000000            "),
        ("%020f", vec![F(-1.0)], "-000000000001.000000"),
        ("%20e", vec![F(f64::INFINITY)], "                +Inf"),
        ("%020f", vec![F(f64::NAN)], "                 NaN"),
        ("%+f", vec![F(f64::NAN)], "+NaN"),
        ("%v", vec![F(1e6)], "1e+06"),
        ("%x", vec![F(1.0)], "0x1p+00"),
        ("%.2f", vec![F(1.005)], "1.00"),
        ("%v", vec![L(vec![I(1), S("a"), B(true)])], "[1 a true]"),
        ("%d", vec![L(vec![I(1), S("a")])], "[1 %!d(string=a)]"),
        ("%v", vec![M(vec![("b", I(1)), ("a", M(vec![("c", I(2))]))])], "map[a:map[c:2] b:1]"),
        ("%#v", vec![M(vec![("a", I(1)), ("b", S("x"))])], "map[string]interface {}{\"a\":1, \"b\":\"x\"}"),
        ("%#v", vec![L(vec![I(1), S("a"), Nil])], "[]interface {}{1, \"a\", interface {}(nil)}"),
        ("%#v", vec![S("x")], "\"x\""),
        ("%#v", vec![F(1.0)], "1"),
        ("%v", vec![L(vec![Nil])], "[<nil>]"),
        ("%5v", vec![L(vec![I(1), I(2)])], "[    1     2]"),
        ("%v", vec![Nil], "<nil>"),
        ("%d", vec![Nil], "%!d(<nil>)"),
        ("%T", vec![Nil], "<nil>"),
        ("%T", vec![I(1)], "int"),
        ("%T", vec![I64(1)], "int64"),
        ("%T", vec![F(1.0)], "float64"),
        ("%T", vec![L(vec![])], "[]interface {}"),
        ("%T", vec![M(vec![])], "map[string]interface {}"),
        ("%d", vec![S("hi")], "%!d(string=hi)"),
        ("%05d", vec![S("hi")], "%!d(string=000hi)"),
        ("%s", vec![I(12)], "%!s(int=12)"),
        ("%t", vec![I(1)], "%!t(int=1)"),
        ("%z", vec![I(1)], "%!z(int=1)"),
        ("%!", vec![], "%!!(MISSING)"),
        ("%", vec![], "%!(NOVERB)"),
        ("%d", vec![], "%!d(MISSING)"),
        ("%d %d", vec![I(1)], "1 %!d(MISSING)"),
        ("%d", vec![I(1), I(2)], "1%!(EXTRA int=2)"),
        ("%d", vec![I(1), S("x"), Nil], "1%!(EXTRA string=x, <nil>)"),
        ("%[2]d %[1]d", vec![I(1), I(2)], "2 1"),
        ("%[3]d", vec![I(1), I(2)], "%!d(BADINDEX)"),
        ("%[0]d", vec![I(1)], "%!d(BADINDEX)"),
        ("%[2]*[1]d", vec![I(12), I(5)], "   12"),
        ("%d %d %[1]d", vec![I(1), I(2)], "1 2 1"),
        ("%*d", vec![I(4), I(1)], "   1"),
        ("%-*d", vec![I(4), I(1)], "1   "),
        ("%*d", vec![I(-4), I(1)], "1   "),
        ("%.*d", vec![I(3), I(1)], "001"),
        ("%*d", vec![S("x"), I(1)], "%!(BADWIDTH)1"),
        ("%.*d", vec![S("x"), I(1)], "%!(BADPREC)1"),
        ("%.*d", vec![I(-1), I(42)], "42"),
        ("%%", vec![], "%"),
        ("%5%", vec![], "%"),
        ("%s %s", vec![S("a")], "a %!s(MISSING)"),
    ];
    let mut failures = Vec::new();
    for (format, args, want) in &cases {
        let got = sprintf(format, &values(args));
        if got != *want {
            failures.push(format!("{format:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sprint_spacing() {
    // Go: a space between operands when neither is a string.
    let v = |a: &[A]| values(a);
    assert_eq!(sprint(&v(&[A::I(1), A::I(2)])), "1 2");
    assert_eq!(sprint(&v(&[A::S("a"), A::I(1), A::S("b")])), "a1b");
    assert_eq!(sprint(&v(&[A::S("a"), A::S("b")])), "ab");
    assert_eq!(sprint(&v(&[A::I(1), A::Nil, A::B(true)])), "1 <nil> true");
    assert_eq!(sprintln(&v(&[A::S("a"), A::S("b"), A::I(3)])), "a b 3\n");
    assert_eq!(sprint_value(&Value::Missing), "<no value>");
    assert_eq!(sprint(&[Value::Missing]), "<nil>");
}

/// The same formats, compared with the real helm (skipped without it).
#[test]
fn printf_matches_helm() {
    use A::*;
    let formats = [
        "%v", "%+v", "%#v", "%s", "%q", "%#q", "%+q", "%d", "%+d", "% d", "%5d", "%-5d|", "%05d", "%-05d|", "%.3d",
        "%x", "%X", "%#x", "%# x", "% x", "%o", "%#o", "%O", "%b", "%#b", "%c", "%U", "%#U", "%e", "%E", "%.2e",
        "%f", "%F", "%.2f", "%8.3f", "%-8.3f|", "%08.3f", "%+.1f", "%#.0f", "%g", "%G", "%.3g", "%#g", "%10.4g",
        "%t", "%T", "%5s", "%-5s|", "%05s", "%.2s", "%x", "%10v", "%-10v|", "%010v", "%p",
    ];
    let operands = [
        I(0), I(42), I(-42), I(255), I64(1 << 40), F(0.0), F(-0.0), F(1.0), F(1.5), F(-2.25), F(0.125), F(1e6), F(1e21),
        F(123456.789), F(1e-7), F(f64::NAN), F(f64::INFINITY), S(""), S("hi"), S("héllo ☺"), S("tab\tq\"\n"),
        S("<&>"), B(true), B(false), Nil, L(vec![]), L(vec![I(1), S("a"), F(2.5), Nil]),
        M(vec![]), M(vec![("b", I(1)), ("a", L(vec![S("x")])), ("c", Nil)]),
    ];
    let mut cases: Vec<(String, Vec<A>)> = Vec::new();
    for f in formats {
        for o in &operands {
            if f == "%p" && !matches!(o, I(_) | S(_)) {
                continue; // addresses differ run to run
            }
            cases.push((f.to_string(), vec![o.clone()]));
        }
    }
    // Argument indexes, star width/precision, missing and extra operands.
    let more: Vec<(&str, Vec<A>)> = vec![
        ("%[2]d %[1]d", vec![I(1), I(2)]),
        ("%[3]d", vec![I(1), I(2)]),
        ("%[2]*[1]d", vec![I(12), I(5)]),
        ("%*d|%-*d", vec![I(4), I(1), I(4), I(2)]),
        ("%*d", vec![I(-4), I(1)]),
        ("%.*f", vec![I(2), F(3.14159)]),
        ("%*d", vec![S("x"), I(1)]),
        ("%.*d", vec![S("x"), I(1)]),
        ("%d %s", vec![I(1)]),
        ("%d", vec![I(1), S("x"), Nil, L(vec![I(2)])]),
        ("%", vec![]),
        ("%!", vec![]),
        ("%-", vec![I(1)]),
        ("%5", vec![I(1)]),
        ("%.", vec![I(1)]),
        ("%[x]d", vec![I(1)]),
        ("%[1]", vec![I(1)]),
        ("%[1]5d", vec![I(1)]),
        ("abc%%def", vec![]),
        ("%5%", vec![]),
        ("%ü", vec![I(1)]),
        ("%v %v", vec![S("a"), I(1)]),
        ("%s", vec![I64(-9223372036854775807)]),
    ];
    for (f, a) in more {
        cases.push((f.to_string(), a));
    }
    let exprs: Vec<String> = cases
        .iter()
        .map(|(f, args)| {
            let mut e = format!("printf {f:?}");
            for a in args {
                e.push(' ');
                e.push_str(&a.template());
            }
            e
        })
        .collect();
    // print and println too.
    let print_cases: Vec<Vec<A>> = vec![
        vec![I(1), I(2)],
        vec![S("a"), I(1), S("b"), I(2), I(3)],
        vec![F(1e6), B(true), Nil, S("")],
        vec![L(vec![I(1)]), M(vec![("a", I(1))])],
    ];
    let mut all_exprs = exprs.clone();
    for p in &print_cases {
        let args: Vec<String> = p.iter().map(A::template).collect();
        all_exprs.push(format!("print {}", args.join(" ")));
        all_exprs.push(format!("println {}", args.join(" ")));
    }
    let Some(theirs) = crate::codec::helm_oracle::helm_exprs(&all_exprs) else {
        eprintln!("helm not installed: skipping");
        return;
    };
    let mut ours: Vec<String> = cases.iter().map(|(f, a)| sprintf(f, &values(a))).collect();
    for p in &print_cases {
        ours.push(sprint(&values(p)));
        ours.push(sprintln(&values(p)));
    }
    let mut failures = Vec::new();
    for ((expr, want), got) in all_exprs.iter().zip(&theirs).zip(&ours) {
        if want != got {
            failures.push(format!("{expr}: helm {want:?}, ours {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), all_exprs.len(), failures.join("\n"));
}

//! The cases of Helm's pkg/strvals parser_test.go and literal_parser_test.go,
//! as data. Helm compares through YAML; here the value types are checked
//! too: `--set` integers are int64, `--set-json` numbers float64.

use super::*;
use serde_json::json;

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// TestParseSet (typed `--set`); `None` means Helm returns an error.
#[test]
fn parse_set_cases() {
    let cases: Vec<(&str, Option<Value>)> = vec![
        ("name1=null,f=false,t=true", Some(json!({"name1": null, "f": false, "t": true}))),
        ("name1=value1", Some(json!({"name1": "value1"}))),
        ("name1=value1,name2=value2", Some(json!({"name1": "value1", "name2": "value2"}))),
        ("name1=value1,name2=value2,", Some(json!({"name1": "value1", "name2": "value2"}))),
        ("name1=value1,,,,name2=value2,", None),
        ("name1=,name2=value2", Some(json!({"name1": "", "name2": "value2"}))),
        ("leading_zeros=00009", Some(json!({"leading_zeros": "00009"}))),
        ("zero_int=0", Some(json!({"zero_int": 0}))),
        ("long_int=1234567890", Some(json!({"long_int": 1234567890}))),
        ("boolean=true", Some(json!({"boolean": true}))),
        ("is_null=null", Some(json!({"is_null": null}))),
        ("name1,name2=", None),
        ("name1,name2=value2", None),
        ("name1,name2=value2\\", None),
        ("name1,name2", None),
        ("name1=one\\,two,name2=three\\,four", Some(json!({"name1": "one,two", "name2": "three,four"}))),
        ("name1=one\\=two,name2=three\\=four", Some(json!({"name1": "one=two", "name2": "three=four"}))),
        ("name1=one two three,name2=three two one", Some(json!({"name1": "one two three", "name2": "three two one"}))),
        ("outer.inner=value", Some(json!({"outer": {"inner": "value"}}))),
        ("outer.middle.inner=value", Some(json!({"outer": {"middle": {"inner": "value"}}}))),
        ("outer.inner1=value,outer.inner2=value2", Some(json!({"outer": {"inner1": "value", "inner2": "value2"}}))),
        (
            "outer.inner1=value,outer.middle.inner=value",
            Some(json!({"outer": {"inner1": "value", "middle": {"inner": "value"}}})),
        ),
        ("name1.name2", None),
        ("name1.name2,name1.name3", None),
        ("name1.name2=", Some(json!({"name1": {"name2": ""}}))),
        ("name1.=name2", None),
        ("name1.,name2", None),
        ("name1={value1,value2}", Some(json!({"name1": ["value1", "value2"]}))),
        (
            "name1={value1,value2},name2={value1,value2}",
            Some(json!({"name1": ["value1", "value2"], "name2": ["value1", "value2"]})),
        ),
        ("name1={1021,902}", Some(json!({"name1": [1021, 902]}))),
        ("name1.name2={value1,value2}", Some(json!({"name1": {"name2": ["value1", "value2"]}}))),
        ("name1={1021,902", None),
        ("list[0]=foo", Some(json!({"list": ["foo"]}))),
        ("list[0].foo=bar", Some(json!({"list": [{"foo": "bar"}]}))),
        ("list[0].foo=bar,list[0].hello=world", Some(json!({"list": [{"foo": "bar", "hello": "world"}]}))),
        ("list[0].foo=bar,list[-30].hello=world", None),
        ("list[0]=foo,list[1]=bar", Some(json!({"list": ["foo", "bar"]}))),
        ("list[0]=foo,list[1]=bar,", Some(json!({"list": ["foo", "bar"]}))),
        ("list[0]=foo,list[3]=bar", Some(json!({"list": ["foo", null, null, "bar"]}))),
        ("list[0]=foo,list[-20]=bar", None),
        ("illegal[0]name.foo=bar", None),
        ("noval[0]", Some(json!({"noval": []}))),
        ("noval[0]=", Some(json!({"noval": [""]}))),
        ("nested[0][0]=1", Some(json!({"nested": [[1]]}))),
        ("nested[1][1]=1", Some(json!({"nested": [null, [null, 1]]}))),
        (
            "name1.name2[0].foo=bar,name1.name2[1].foo=bar",
            Some(json!({"name1": {"name2": [{"foo": "bar"}, {"foo": "bar"}]}})),
        ),
        (
            "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
            Some(json!({"name1": {"name2": [{"foo": "bar"}, {"foo": "bar"}]}})),
        ),
        ("name1.name2[1].foo=bar", Some(json!({"name1": {"name2": [null, {"foo": "bar"}]}}))),
        ("]={}].", None),
    ];
    for (input, want) in cases {
        let got = parse(input);
        match want {
            None => assert!(got.is_err(), "{input}: expected an error, got {got:?}"),
            Some(w) => assert_eq!(Value::Object(got.unwrap_or_else(|e| panic!("{input}: {e}"))), w, "{input}"),
        }
    }
}

#[test]
fn set_string_cases() {
    // TestParseSet testsString.
    let cases = [
        ("long_int_string=1234567890", json!({"long_int_string": "1234567890"})),
        ("boolean=true", json!({"boolean": "true"})),
        ("is_null=null", json!({"is_null": "null"})),
        ("zero=0", json!({"zero": "0"})),
    ];
    for (input, want) in cases {
        assert_eq!(Value::Object(parse_string(input).unwrap()), want, "{input}");
    }
    // TestParseIntoString.
    let mut got = obj(json!({"outer": {"inner1": "overwrite", "inner2": "value2"}}));
    parse_into_string("outer.inner1=1,outer.inner3=3", &mut got).unwrap();
    assert_eq!(Value::Object(got), json!({"outer": {"inner1": "1", "inner2": "value2", "inner3": "3"}}));
}

#[test]
fn typed_values_are_int64_only_where_helm_makes_them() {
    let got = parse("a=7,b=-3,c=+4,d=007,e=1.5,f=TRUE,g=Null,h=99999999999999999999,i=0").unwrap();
    assert_eq!(got["a"], json!(7i64));
    assert!(got["a"].is_i64());
    assert_eq!(got["b"], json!(-3i64));
    assert_eq!(got["c"], json!(4i64));
    assert_eq!(got["d"], json!("007"));
    assert_eq!(got["e"], json!("1.5"));
    assert_eq!(got["f"], json!(true));
    assert_eq!(got["g"], json!(null));
    assert_eq!(got["h"], json!("99999999999999999999"));
    assert!(got["i"].is_i64());
}

#[test]
fn parse_into_cases() {
    // TestParseInto.
    let mut got = obj(json!({"outer": {"inner1": "overwrite", "inner2": "value2"}}));
    parse_into("outer.inner1=value1,outer.inner3=value3,outer.inner4=4", &mut got).unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"outer": {"inner1": "value1", "inner2": "value2", "inner3": "value3", "inner4": 4}})
    );

    let mut got = Map::new();
    parse_into("listOuter[0][0].type=listValue", &mut got).unwrap();
    parse_into("listOuter[0][0].status=alive", &mut got).unwrap();
    assert_eq!(Value::Object(got), json!({"listOuter": [[{"type": "listValue", "status": "alive"}]]}));

    let mut got = Map::new();
    parse_into("listOuter[0][0].type=listValue", &mut got).unwrap();
    parse_into("listOuter[1][0].status=alive", &mut got).unwrap();
    assert_eq!(Value::Object(got), json!({"listOuter": [[{"type": "listValue"}], [{"status": "alive"}]]}));

    let mut got = obj(json!({"listOuter": [[[{"exited": "old"}]]]}));
    parse_into("listOuter[0][1][0].type=listValue", &mut got).unwrap();
    parse_into("listOuter[0][0][1].status=alive", &mut got).unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"listOuter": [[[{"exited": "old"}, {"status": "alive"}], [{"type": "listValue"}]]]})
    );
}

#[test]
fn parse_json_cases() {
    // TestParseJSON.
    let mut got = obj(json!({"outer": {"inner1": "overwrite", "inner2": "value2"}}));
    parse_json(r#"outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true""#, &mut got).unwrap();
    assert_eq!(
        Value::Object(got.clone()),
        json!({"outer": {"inner1": "1", "inner2": "value2", "inner3": 3.0, "inner4": true, "inner5": "true"}})
    );
    assert!(got["outer"]["inner3"].is_f64(), "JSON numbers are float64");

    let mut got = obj(json!({"outer": {"inner1": {"x": "overwrite"}, "inner2": "value2", "inner3": ["overwrite"]}}));
    parse_json(
        r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]"#,
        &mut got,
    )
    .unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"outer": {
            "inner1": {"a": "1", "b": 2.0, "c": [1.0, 2.0, 3.0]},
            "inner2": "value2",
            "inner3": ["new value 1", "new value 2"],
            "inner4": {"aa": "1", "bb": 2.0, "cc": [1.0, 2.0, 3.0]},
            "inner5": [{"A": "1", "B": 2.0, "C": [1.0, 2.0, 3.0]}]
        }})
    );

    let mut got = obj(json!({"outer": {"inner1": {"x": "overwrite"}, "inner2": "value2"}}));
    parse_json(r#"outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null"#, &mut got)
        .unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"outer": {"inner1": null, "inner2": "value2", "inner3": {"aa": "1", "bb": 2.0, "cc": [1.0, null, 3.0]}}})
    );

    let mut got = Map::new();
    assert!(parse_json(
        r#"outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5={"A":"1","B":2,"C":[1,2,3]}]"#,
        &mut got
    )
    .is_err());
}

#[test]
fn parse_file_uses_the_reader() {
    // TestParseFile / TestParseIntoFile.
    let mut seen = Vec::new();
    let mut reader = |p: &str| -> Result<Value, String> {
        seen.push(p.to_string());
        if p == "path1" {
            Ok(json!("value1"))
        } else {
            Err(format!("open {p}: no such file or directory"))
        }
    };
    let mut got = Map::new();
    parse_into_file("name1=path1", &mut got, &mut reader).unwrap();
    assert_eq!(Value::Object(got), json!({"name1": "value1"}));
    let mut reader = |p: &str| -> Result<Value, String> { Err(format!("open {p}: no such file or directory")) };
    let mut got = Map::new();
    assert_eq!(
        parse_into_file("a=missing.txt", &mut got, &mut reader).unwrap_err(),
        "open missing.txt: no such file or directory"
    );
}

#[test]
fn nested_levels_and_index_limits() {
    // TestParseSetNestedLevels.
    let mut key = String::new();
    for i in 1..=MAX_NESTED_NAME_LEVEL + 2 {
        key.push_str(&format!("name{i}"));
        if i <= MAX_NESTED_NAME_LEVEL + 1 {
            key.push('.');
        }
    }
    assert_eq!(
        parse(&format!("{key}=value")).unwrap_err(),
        "value name nested level is greater than maximum supported nested level of 30"
    );
    assert_eq!(
        Value::Object(parse("outer.middle.inner=value").unwrap()),
        json!({"outer": {"middle": {"inner": "value"}}})
    );
    // TestSetIndex's limits, through the parser.
    assert_eq!(
        parse("list[65537]=x").unwrap_err(),
        "index of 65537 is greater than maximum supported index of 65536"
    );
    assert_eq!(parse("list[-1]=x").unwrap_err(), "negative -1 index not allowed");
    assert_eq!(parse("list[x]=1").unwrap_err(), "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax");
}

#[test]
fn helm_error_texts() {
    assert_eq!(parse("name1,name2").unwrap_err(), "key \"name1\" has no value (cannot end with ,)");
    assert_eq!(parse("name1.name2").unwrap_err(), "key \"name2\" has no value");
    assert_eq!(parse("name1.=name2").unwrap_err(), "key map \"name1\" has no value");
    assert_eq!(parse("a={1,2").unwrap_err(), "list must terminate with '}'");
    assert_eq!(parse("illegal[0]name.foo=bar").unwrap_err(), "unexpected data at end of array index: \"name\"");
    let mut got = obj(json!({"a": "str"}));
    assert_eq!(
        parse_into("a.b=1", &mut got).unwrap_err(),
        "unable to parse key: interface conversion: interface {} is string, not map[string]interface {}"
    );
    let mut got = obj(json!({"a": {"x": 1}}));
    assert_eq!(
        parse_into("a[0]=1", &mut got).unwrap_err(),
        "unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}"
    );
}

/// literal_parser_test.go TestParseLiteral.
#[test]
fn parse_literal_cases() {
    let cases: Vec<(&str, Option<Value>)> = vec![
        ("name", None),
        ("name=", Some(json!({"name": ""}))),
        ("name=value", Some(json!({"name": "value"}))),
        ("long_int_string=1234567890", Some(json!({"long_int_string": "1234567890"}))),
        ("boolean=true", Some(json!({"boolean": "true"}))),
        ("is_null=null", Some(json!({"is_null": "null"}))),
        ("zero=0", Some(json!({"zero": "0"}))),
        ("name1=null,name2=value2", Some(json!({"name1": "null,name2=value2"}))),
        ("name1=value,,,tail", Some(json!({"name1": "value,,,tail"}))),
        ("leading_zeros=00009", Some(json!({"leading_zeros": "00009"}))),
        ("name=one two three", Some(json!({"name": "one two three"}))),
        ("outer.inner=value", Some(json!({"outer": {"inner": "value"}}))),
        ("outer.middle.inner=value", Some(json!({"outer": {"middle": {"inner": "value"}}}))),
        ("name1.name2", None),
        ("name1.name2=", Some(json!({"name1": {"name2": ""}}))),
        ("name1.=name2", None),
        ("name1.,name2", None),
        ("name1={value1,value2}", Some(json!({"name1": "{value1,value2}"}))),
        ("list[0]=foo", Some(json!({"list": ["foo"]}))),
        ("list[0].foo=bar", Some(json!({"list": [{"foo": "bar"}]}))),
        ("list[-30].hello=world", None),
        ("list[3]=bar", Some(json!({"list": [null, null, null, "bar"]}))),
        ("illegal[0]name.foo=bar", None),
        ("noval[0]", Some(json!({"noval": []}))),
        ("noval[0]=", Some(json!({"noval": [""]}))),
        ("nested[0][0]=1", Some(json!({"nested": [["1"]]}))),
        ("nested[1][1]=1", Some(json!({"nested": [null, [null, "1"]]}))),
        ("name1.name2[0].foo=bar", Some(json!({"name1": {"name2": [{"foo": "bar"}]}}))),
        ("name1.name2[1].foo=bar", Some(json!({"name1": {"name2": [null, {"foo": "bar"}]}}))),
        ("]={}].", Some(json!({"]": "{}]."}))),
        ("name=val,val", Some(json!({"name": "val,val"}))),
        ("name=val.val", Some(json!({"name": "val.val"}))),
        ("name=val=val", Some(json!({"name": "val=val"}))),
        ("name=val$val", Some(json!({"name": "val$val"}))),
        ("name=(value", Some(json!({"name": "(value"}))),
        ("name=value)", Some(json!({"name": "value)"}))),
        ("name=(value)", Some(json!({"name": "(value)"}))),
        ("name={value", Some(json!({"name": "{value"}))),
        ("name=value}", Some(json!({"name": "value}"}))),
        ("name={value}", Some(json!({"name": "{value}"}))),
        ("name={value1,value2}", Some(json!({"name": "{value1,value2}"}))),
        (r"name=val\val", Some(json!({"name": r"val\val"}))),
        (r"name=val\\val", Some(json!({"name": r"val\\val"}))),
        (r"name=val\\\val", Some(json!({"name": r"val\\\val"}))),
        (r"name={val,.?*v\0a!l)some", Some(json!({"name": r"{val,.?*v\0a!l)some"}))),
        (
            r"name=em%GT)tqUDqz,i-\h+Mbqs-!:.m\\rE=mkbM#rR}@{-k@",
            Some(json!({"name": r"em%GT)tqUDqz,i-\h+Mbqs-!:.m\\rE=mkbM#rR}@{-k@"})),
        ),
    ];
    for (input, want) in cases {
        let got = parse_literal(input);
        match want {
            None => assert!(got.is_err(), "{input}: expected an error, got {got:?}"),
            Some(w) => assert_eq!(Value::Object(got.unwrap_or_else(|e| panic!("{input}: {e}"))), w, "{input}"),
        }
    }
}

/// literal_parser_test.go TestParseLiteralInto.
#[test]
fn parse_literal_into_cases() {
    let mut got = obj(json!({"outer": {"inner1": "overwrite", "inner2": "value2"}}));
    parse_literal_into("outer.inner1=value1,outer.inner3=value3,outer.inner4=4", &mut got).unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"outer": {"inner1": "value1,outer.inner3=value3,outer.inner4=4", "inner2": "value2"}})
    );
    let mut got = Map::new();
    parse_literal_into("listOuter[0][0].type=listValue", &mut got).unwrap();
    parse_literal_into("listOuter[0][0].status=alive", &mut got).unwrap();
    assert_eq!(Value::Object(got), json!({"listOuter": [[{"type": "listValue", "status": "alive"}]]}));
    let mut got = obj(json!({"listOuter": [[[{"exited": "old"}]]]}));
    parse_literal_into("listOuter[0][1][0].type=listValue", &mut got).unwrap();
    parse_literal_into("listOuter[0][0][1].status=alive", &mut got).unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"listOuter": [[[{"exited": "old"}, {"status": "alive"}], [{"type": "listValue"}]]]})
    );
}

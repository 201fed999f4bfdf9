//! Small fixture charts (testdata/charts) checked against what the real
//! Helm v4.1.4 printed for them (the `*.helm-*` files next to each chart,
//! recorded with `helm template r ./CHART ...`).

use std::path::{Path, PathBuf};

use capstan::chart;
use capstan::values::{self, SetKind, UserValues};
use serde_json::Value;

fn testdata(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/charts").join(p)
}

/// Numbers compared as Go's toJson shows them (int64 and float64 alike).
fn normalize(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()),
        other => other.clone(),
    }
}

/// `helm template r ./values-flow --set sub.keep=fromset,top=7,global.g3=set,lib.on=1,tags.two=yes --set-string s=5`:
/// aliases, conditions and tags (with non-bool warnings), import-values in
/// both forms (with missing tables), globals flowing into nested
/// subcharts (and Go's shared nested global tables), a library chart, null
/// handling, and a deprecated chart.
#[test]
fn values_flow_matches_helm() {
    let user = UserValues::new()
        .set(SetKind::String, "s=5")
        .set(SetKind::Set, "sub.keep=fromset,top=7,global.g3=set,lib.on=1,tags.two=yes")
        .merge(&mut std::io::empty())
        .unwrap();
    let loaded = chart::load_with(&testdata("values-flow"), &Default::default()).unwrap();
    let mut c = loaded.chart;
    let mut log = loaded.warnings;
    let v = values::prepare_with_log(&mut c, &user, Default::default(), &mut log).unwrap();
    let want: Value =
        serde_json::from_str(&std::fs::read_to_string(testdata("values-flow.helm-values.json")).unwrap()).unwrap();
    assert_eq!(normalize(&v), normalize(&want));
    let got: String = log.iter().map(|w| format!("{w}\n")).collect();
    assert_eq!(got, std::fs::read_to_string(testdata("values-flow.helm-stderr.txt")).unwrap());
    // sub2 is the same chart aliased; its nested `deep` is disabled.
    let names: Vec<&str> = c.dependencies.iter().map(|d| d.name()).collect();
    assert_eq!(names, ["sub", "sub2", "lib"]);
    assert!(c.dependencies[1].dependencies.is_empty());
    assert_eq!(c.dependencies[0].dependencies[0].name(), "deep");
}

/// Helm lists properties in Go's random map order: compare the lines of
/// the report as a multiset, with `additional properties` names sorted.
fn normalized_lines(report: &str) -> Vec<String> {
    let mut lines: Vec<String> = report
        .lines()
        .map(|l| {
            if let Some((head, rest)) = l.split_once("additional properties ") {
                let names = rest.trim_end_matches(" not allowed");
                let mut names: Vec<&str> = names.split(", ").collect();
                names.sort();
                format!("{head}additional properties {} not allowed", names.join(", "))
            } else {
                l.to_string()
            }
        })
        .collect();
    lines.sort();
    lines
}

fn schema_case(name: &str) {
    let user = UserValues::new()
        .file(testdata(&format!("{name}.values.yaml")).to_string_lossy().into_owned())
        .merge(&mut std::io::empty())
        .unwrap();
    let mut c = chart::load(&testdata(name)).unwrap();
    let e = values::prepare(&mut c, &user, Default::default()).unwrap_err();
    let got = format!("Error: {e}\n");
    let want = std::fs::read_to_string(testdata(&format!("{name}.helm-stderr.txt"))).unwrap();
    assert_eq!(normalized_lines(&got), normalized_lines(&want), "{name}:\n{got}");
}

#[test]
fn schema_keyword_messages_match_helm() {
    schema_case("schema-keywords");
}

#[test]
fn schema_refs_and_nesting_match_helm() {
    schema_case("schema-refs");
}

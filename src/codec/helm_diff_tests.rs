//! Differential tests: codec output against the real helm's `fromYaml`,
//! `toJson` and `toYaml` on the same inputs (skipped without helm).

use super::helm_oracle::helm_eval;
use super::{json, toml, yaml_read, yaml_write};
use serde_json::Value as Json;

/// Helm's fromYAML: sigs.k8s.io/yaml.Unmarshal into map[string]interface{},
/// errors put under "Error".
fn from_yaml_like_helm(text: &str) -> Json {
    let err = |m: String| serde_json::json!({ "Error": m });
    match yaml_read::from_str(text) {
        Ok(Json::Object(m)) => Json::Object(m),
        Ok(Json::Null) => serde_json::json!({}),
        Ok(other) => err(format!(
            "error unmarshaling JSON: while decoding JSON: {}",
            json::unmarshal_type_error(&other, "map[string]interface {}")
        )),
        Err(e) => err(format!("error converting YAML to JSON: {}", e.message)),
    }
}

fn tricky_inputs() -> Vec<String> {
    let mut v: Vec<String> = [
        "a: yes\nb: No\nc: ON\nd: off\ne: y\nf: N\ng: ~\nh: null\ni:\nj: 'yes'\n",
        "on: 1\nn: 2\nyes: 3\n1: a\n0x10: b\n1.5: c\n3.14159265358979: d\n1e3: e\n-1: f\n",
        "n1: 1000000\nn2: 0755\nn3: 0o17\nn4: 0x1F\nn5: 0b101\nn6: -12\nn7: +7\nn8: 1_000\nn9: 1.5\nn10: 1e3\nn11: .5\nn12: 12345678901234567890\nn13: 123456789012345678901234567890\nn14: 08\nn15: -0\nn16: -0.0\nn17: 1e400\nn18: 0.000001\nn19: 1e21\nn20: 1e20\nn21: 9223372036854775807\nn22: 9223372036854775808\nn23: 18446744073709551616\nn24: -9223372036854775809\nn25: 1.0\nn26: 0.1\nn27: 100000\nn28: 1234567\n",
        "s1: 2001-12-14\ns2: 2001-12-14t21:59:43.10-05:00\ns3: 1:20\ns4: 12abc\ns5: +inf\ns6: .Nan\ns7: 1.2.3\ns8: 0x\ns9: ._5\ns10: 2001-13-45\n",
        "base: &b\n  x: 1\n  p: 2\nm1:\n  <<: *b\n  p: 3\nm2:\n  p: 3\n  <<: *b\nm3:\n  <<: [*b, {q: 1, x: 9}]\nl: &l [a, b]\nc: *l\n",
        "a: |\n  one\n  two\n\nb: |-\n  x\n\nc: |+\n  y\n\n\nd: >\n  folded\n  text\n\n  para\ne: plain\n  continued\n  line\nf: \"dq \\t \\u00e9 \\x41 \\\n  cont\"\ng: 'sq ''x'' y'\n",
        "t1: !!str 12\nt2: !!int \"12\"\nt3: !!float 1\nt4: !!bool \"yes\"\nt5: !!null ''\nt6: !foo 12\nt7: ! 12\nt8: !!binary aGVsbG8=\nt9: !!str\n",
        "str: \"tab\\there\"\nemo: \"😀 x\"\nnb: \"a\\u00a0b\"\nctl: \"\\x01\"\nbell: \"\\a\"\nesc: \"\\e\"\nnel: \"a\\Nb\"\nls: \"a\\Lb\"\nq: 'it''s \"q\"'\nbs: 'back\\slash'\nhtml: \"<a href='x'>&amp;</a>\"\nlong: lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\nlongq: \"lorem ipsum dolor sit amet consectetur adipiscing elit: sed do eiusmod tempor incididunt ut labore et dolore magna aliqua\"\nlongtab: \"lorem ipsum dolor sit amet consectetur adipiscing elit\\tsed do eiusmod tempor incididunt ut labore et  dolore magna aliqua  x\"\n",
        "k:\n  'true': 1\n  '': 2\n  'a b': 3\n  '*': 4\n  \"x\\ny\": 5\n  kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: 6\n",
        "ind:\n  a: '*x'\n  b: '- x'\n  c: -x\n  d: 'a: b'\n  e: a:b\n  f: 'a #b'\n  g: a#b\n  h: ' lead'\n  i: 'trail '\n  j: \"'q'\"\n  k: '{{ .Values }}'\n  l: '[x]'\n  m: x[0]\n  n: '---'\n  o: '@x'\n  p: '%x'\n  q: '? x'\n  r: '?x'\n  s: ':x'\n  t: 'x:'\n  u: '!x'\n  v: '&x'\n  w: '|x'\n  x: '>x'\n  y: '`x'\n  z: ',x'\n",
        "ml:\n  a: \"x \\ny\"\n  b: \"x\\ny \"\n  c: \"  indented\\nx\"\n  d: \"\\n\"\n  e: \"x\\n\\ny\\n\"\n  f: \"\\nlead\"\n  g: \"x\\r\\ny\"\n  h: \"tab\\tin\\nmulti\"\n  i: \"end\\n\\n\\n\"\n",
        "nest:\n- - 1\n  - 2\n- []\n- {}\n- a: 1\n  b: [x, {c: d}]\n- ~\nempty_map: {}\nempty_list: []\n",
        "emptydoc_follows: 1\n---\nb: 2\n",
        "a: 1\nb: 2\nc\nd: 4\n",
        "a:\n  b: 1\n c: 2\n",
        "a: b: c\n",
        "a: [1, 2\n",
        "- 1\n- 2\n",
        "just a string\n",
        "",
        "# only a comment\n",
        "a: *nope\n",
        "a: &a [*a]\n",
        "a: .inf\n",
        "~: a\n",
        "a: !!int foo\n",
        "c1: \"\\x80\"\n",
        "del: \"\\x7f\"\n",
        "bom: \"\\ufeffab\"\n",
        "fffe: \"\\uFFFE\"\n",
        "nel2: \"a \\N\\N  b\\N\"\n",
        "sorting:\n  a10: 1\n  a9: 1\n  a09: 1\n  a009: 1\n  a-1: 1\n  a_1: 1\n  A1: 1\n  Z: 1\n  z: 1\n  é: 1\n  \"0\": 1\n  \"00\": 1\n  \"1.5\": 1\n  x1y2: 1\n  x1y10: 1\n  x01: 1\n  x1: 1\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Long text deeper down, to check folding with indentation.
    v.push(format!(
        "a:\n  b:\n    c: {}\n    d:\n    - {}\n",
        "word ".repeat(30).trim_end(),
        "x".repeat(90) + " y " + &"z".repeat(10)
    ));
    v
}

fn corpus_inputs() -> Vec<String> {
    let root = std::path::Path::new("/work/shared/corpus/helm/charts");
    let mut out = Vec::new();
    if !root.exists() {
        return out;
    }
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "templates") {
                    dirs.push(p);
                }
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let in_ci = p.parent().and_then(|x| x.file_name()).is_some_and(|n| n == "ci");
            if name == "values.yaml" || name == "Chart.yaml" || (in_ci && name.ends_with(".yaml")) {
                out.push(std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    out
}

fn compare(pipeline: &str, inputs: &[String], ours: impl Fn(&str) -> String) {
    let Some(theirs) = helm_eval(pipeline, inputs) else {
        eprintln!("helm not installed: skipping differential test");
        return;
    };
    let mut failures = Vec::new();
    for (i, (input, want)) in inputs.iter().zip(&theirs).enumerate() {
        let got = ours(input);
        if &got != want {
            failures.push(format!("input #{i}:\n{}\n--- helm:\n{want}\n--- ours:\n{got}\n", &input[..input.len().min(300)]));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), inputs.len(), failures.join("\n"));
}

#[test]
fn from_yaml_to_json_matches_helm_on_tricky_inputs() {
    compare("fromYaml | toJson", &tricky_inputs(), |t| json::to_json(&from_yaml_like_helm(t)));
}

#[test]
fn from_yaml_to_yaml_matches_helm_on_tricky_inputs() {
    compare("fromYaml | toYaml", &tricky_inputs(), |t| {
        yaml_write::to_yaml(&from_yaml_like_helm(t)).strip_suffix('\n').unwrap_or_default().to_string()
    });
}

#[test]
fn from_yaml_to_json_matches_helm_on_corpus() {
    compare("fromYaml | toJson", &corpus_inputs(), |t| json::to_json(&from_yaml_like_helm(t)));
}

#[test]
fn from_yaml_to_yaml_matches_helm_on_corpus() {
    compare("fromYaml | toYaml", &corpus_inputs(), |t| {
        yaml_write::to_yaml(&from_yaml_like_helm(t)).strip_suffix('\n').unwrap_or_default().to_string()
    });
}

#[test]
fn pretty_and_raw_json_match_helm() {
    let inputs = tricky_inputs();
    compare("fromYaml | toPrettyJson", &inputs, |t| json::to_json_pretty(&from_yaml_like_helm(t)));
    compare("fromYaml | toRawJson", &inputs, |t| json::to_json_raw(&from_yaml_like_helm(t)));
}

#[test]
fn from_yaml_to_toml_matches_helm() {
    let mut inputs = tricky_inputs();
    inputs.extend(corpus_inputs());
    inputs.push("a: [1, ~]\n".into());
    inputs.push("a: [[1, 2], [x]]\nb: [{c: 1}, {d: [{e: f}]}]\nc: [{x: 1}, 2]\n".into());
    inputs.push("k:\n  'a.b': 1\n  'c d': {e: 1}\n  ü: 2\n  '': 3\nf: [1.5, 1e21, 1e-7, 100, -0.0]\n".into());
    compare("fromYaml | toToml", &inputs, |t| toml::to_toml(&from_yaml_like_helm(t)));
}

#[test]
fn to_toml_of_template_ints_and_from_toml_match_helm() {
    let exprs = vec![
        r#"toToml (dict "a" 1 "b" (list 1 2) "c" (dict "d" 2.5 "e" (int64 7)))"#.to_string(),
        r#"fromToml "a = 1\nb = 1.5\nc = [1, 2]\n[t]\nd = \"x\"\n[[arr]]\ne = true\n" | toJson"#.to_string(),
        r#"fromToml "n = 1e6\nm = -0.0\nbig = 9007199254740993\n" | toJson"#.to_string(),
    ];
    let Some(theirs) = super::helm_oracle::helm_exprs(&exprs) else {
        eprintln!("helm not installed: skipping");
        return;
    };
    let ours = vec![
        toml::to_toml(&serde_json::json!({"a": 1, "b": [1, 2], "c": {"d": 2.5, "e": 7}})),
        json::to_json(&toml::from_toml("a = 1\nb = 1.5\nc = [1, 2]\n[t]\nd = \"x\"\n[[arr]]\ne = true\n")),
        json::to_json(&toml::from_toml("n = 1e6\nm = -0.0\nbig = 9007199254740993\n")),
    ];
    assert_eq!(theirs, ours);
}

#[test]
fn from_yaml_to_yaml_pretty_matches_helm() {
    let mut inputs = tricky_inputs();
    inputs.extend(corpus_inputs());
    compare("fromYaml | toYamlPretty", &inputs, |t| {
        yaml_write::to_yaml_pretty(&from_yaml_like_helm(t)).strip_suffix('\n').unwrap_or_default().to_string()
    });
}
